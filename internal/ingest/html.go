package ingest

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"fanarchive"
	"fanarchive/internal/prose"
)

// ParseHTML parses one HTML story page: an old archive's story page, a
// story saved from a personal site, or AO3's own download HTML. It returns
// a work shaped exactly as ParseText's are (see docs/importer.md, "HTML
// story pages"):
//
//   - the charset comes from a byte-order mark, the bytes themselves when
//     they are valid UTF-8, the page's declaration, or sniffing (decodeHTML);
//   - a known site's layout (sites.json: LiveJournal, Dreamwidth,
//     FanFiction.Net, deviantART, Wattpad, eFiction) or, failing that, a
//     blog's marked-up entry narrows the page to the story and names its
//     title, author and rating; comment threads, profile boxes, widgets,
//     entry meta, share bars and stats lines are dropped, and the text
//     before an entry's cut is its notes (readSite);
//   - site chrome goes first: scripts, styles, forms, images, frames, <nav>,
//     elements whose class or id names navigation, and paragraphs or lists
//     that are only links ("Next | Back to index | Home");
//   - the rest becomes blocks, whose text runs through the text parser's
//     header, byline, footer and chapter rules, and whose markup (em,
//     strong, u, s…) becomes the body; <hr>, centred asterisks and lone
//     divider images are scene breaks; <br><br> ends a paragraph;
//   - STORYINFO-style comments add labelled fields, and the <title>,
//     headings and <meta name="author"> settle what the header leaves open;
//   - a page that is mostly <pre>, or plain text with no markup, is shaped
//     as a text file;
//   - an AO3 download maps its preface, tags, chapters and notes field by
//     field.
//
// Everything is sanitised with prose.Sanitize. Empty, binary, oversized
// and hostile pages, and pages with no story text, are EUNREADABLE errors.
func ParseHTML(name string, raw []byte, opts Options) (*fanarchive.Work, error) {
	w, _, err := parseHTMLPage(name, raw, opts)
	return w, err
}

// parseHTMLPage is ParseHTML, also returning the page's <title>, where a
// site's chapter pages say which chapter they are ("Lamplight - Chapter 2").
func parseHTMLPage(name string, raw []byte, opts Options) (*fanarchive.Work, string, error) {
	maxBytes := opts.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if int64(len(raw)) > maxBytes {
		return nil, "", fanarchive.Errorf(fanarchive.EUNREADABLE, "The file is %s; the import limit is %s per file.", humanBytes(int64(len(raw))), humanBytes(maxBytes))
	}
	text, enc, err := decodeHTML(raw)
	if err != nil {
		return nil, "", err
	}
	doc, err := parseDocument(text)
	if err != nil {
		return nil, "", err
	}
	pg, err := readPage(doc)
	if err != nil {
		return nil, "", err
	}
	w := &fanarchive.Work{Kind: fanarchive.KindFiction, Complete: true, Evidence: map[string]fanarchive.Evidence{}}
	src := fanarchive.NewSource(name, raw)
	src.Encoding = enc
	w.Sources = []*fanarchive.Source{src}
	if ao3 := findAO3(pg.body); ao3 != nil {
		err = readAO3(w, pg, ao3)
	} else {
		pg.site = readSite(doc, &pg) // the entry of a known site or a blog, without its chrome
		err = readStoryPage(w, pg)
	}
	if err != nil {
		return nil, "", err
	}
	if pg.site != nil && pg.site.chapter != "" && len(w.Chapters) == 1 && w.Chapters[0].Title == "" {
		w.Chapters[0].Title = pg.site.chapter
	}
	for _, c := range w.Chapters {
		w.Words += c.Words
	}
	if w.Language == "" {
		w.Language = pg.lang // <html lang>, unless a Language field said otherwise
	}
	applyOptions(w, opts)
	fillDefaults(w)
	fitLimits(w)
	return w, pg.title, nil
}

// noStoryText is the error for a page with nothing left after its header,
// footer and navigation.
func noStoryText(what string) error {
	return fanarchive.Errorf(fanarchive.EUNREADABLE, "No story text was found in the page (%s).", what)
}

// readStoryPage reads any page that is not an AO3 download.
func readStoryPage(w *fanarchive.Work, pg pageInfo) error {
	raw := unmarkedText(pg.body)
	var cut *html.Node
	if pg.site != nil {
		cut = pg.site.cut
	}
	blocks := keptBlocks(walkBody(pg.body, raw, cut))
	if raw || preDominant(blocks) {
		return readTextPage(w, pg, blocks)
	}
	return readMarkupPage(w, pg, blocks, prefaceBlocks(blocks))
}

// prefaceBlocks returns how many blocks come before the entry's cut, or 0
// when there is no cut or no story text after it.
func prefaceBlocks(blocks []hblock) int {
	n := 0
	for n < len(blocks) && blocks[n].preface {
		n++
	}
	for i := n; i < len(blocks); i++ {
		if !blocks[i].isBreak() && blocks[i].words > 0 {
			return n
		}
	}
	return 0
}

// unmarkedText reports whether a body is plain text that only happens to
// be inside <html>: no more than two block elements or line breaks, and
// blank lines between paragraphs of its text.
func unmarkedText(body *html.Node) bool {
	blocks, blank := 0, 0
	var visit func(*html.Node) bool
	visit = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				blank += blankLines(c.Data)
			case c.Type != html.ElementNode || isChrome(c) || c.DataAtom == atom.Pre:
				// <pre> is preformatted, not unmarked: see preDominant
			case blockElements[c.DataAtom] || c.DataAtom == atom.Br:
				if blocks++; blocks > 2 {
					return false
				}
				fallthrough
			default:
				if !visit(c) {
					return false
				}
			}
		}
		return true
	}
	return visit(body) && blank >= 2
}

// blankLines counts the blank lines in s.
func blankLines(s string) int {
	n := 0
	for i := strings.IndexByte(s, '\n'); i >= 0; {
		rest := strings.TrimLeft(s[i+1:], " \t\r")
		if strings.HasPrefix(rest, "\n") {
			n++
		}
		s = s[i+1:]
		i = strings.IndexByte(s, '\n')
	}
	return n
}

// preDominant reports whether most of a page's text is preformatted: a
// text story wrapped in <pre>.
func preDominant(bs []hblock) bool {
	pre, all := 0, 0
	for i := range bs {
		n := 0
		for _, l := range bs[i].lines {
			n += len(strings.TrimSpace(l))
		}
		if all += n; bs[i].kind == blockPre {
			pre += n
		}
	}
	return pre > 0 && pre*10 >= all*7
}

// readTextPage shapes a page that is really a text file, with the text
// parser's rules from start to end; its headings and paragraphs outside
// the <pre> take part as paragraphs of text.
func readTextPage(w *fanarchive.Work, pg pageInfo, blocks []hblock) error {
	var b strings.Builder
	for i := range blocks {
		if blocks[i].isBreak() {
			b.WriteString("* * *")
		} else {
			b.WriteString(strings.Join(blocks[i].lines, "\n"))
		}
		b.WriteString("\n\n")
	}
	ps := paragraphs(normalise(b.String()))
	h, _, end := findHeader(ps)
	f, bodyEnd := pageFooter(ps, end)
	var pf pageFront
	pf.header = h
	top := min(bodyEnd, end+3)
	for i := 0; i < top; i++ {
		if titleLike(ps[i]) {
			pf.headlines = append(pf.headlines, ps[i].text())
		} else if i >= end {
			break
		}
	}
	settleFront(w, pg, pf)
	body := ps[end:bodyEnd]
	if len(body) > 0 && w.Title != "" && len(body[0].lines) == 1 && sameTitle(body[0].text(), w.Title) {
		body = body[1:]
	}
	lay := measure(body)
	for _, ct := range splitChapters(body) {
		bs := lay.blocks(ct.paras)
		if len(bs) == 0 {
			continue
		}
		if len(w.Chapters) == 0 {
			w.Begins = prose.Opening(prose.BlockText(bs, 200), 40)
		}
		w.Chapters = append(w.Chapters, &fanarchive.Chapter{
			Number: len(w.Chapters) + 1,
			Title:  ct.title,
			Body:   sanitizeBody(prose.HTML(bs)),
			Words:  prose.BlockWords(bs),
		})
	}
	if len(w.Chapters) == 0 {
		return noStoryText(fmt.Sprintf("%d paragraphs of text, all header or footer", len(ps)))
	}
	var text []string
	for _, p := range body {
		text = append(text, p.lines...)
	}
	classifyPage(w, pg, text, 0, 0)
	w.Evidence[fanarchive.FieldChapters] = fanarchive.Evidence{Confidence: confDefault, Via: fmt.Sprintf("headings:%d", len(w.Chapters))}
	applyFooter(w, f)
	inferArchive(w, pg.title)
	return nil
}

// classifyPage decides whether a page is fiction, as for a text file, from
// its body's lines, its labels (the title, the <title> and the file name)
// and how many of its paras lines link to other pages (linked). A site's
// index, author and FAQ pages are documents, not works.
func classifyPage(w *fanarchive.Work, pg pageInfo, lines []string, linked, paras int) {
	in := classifierInput{
		labels: []string{w.Title, pg.title, w.Sources[0].Name},
		text:   strings.Join(lines, "\n"),
	}
	if paras >= 3 {
		in.linkShare = float64(linked) / float64(paras)
	}
	c := classify(in)
	w.Kind = c.Kind
	w.Evidence[fanarchive.FieldKind] = c.Evidence()
}

// readMarkupPage reads a page of paragraphs: the blocks' text finds the
// header, footer and chapter headings; their HTML becomes the body. The
// first cut blocks are the entry's preface (the text above an LJ cut): the
// header is read from them, the rest of them are notes, and the story
// starts after them.
func readMarkupPage(w *fanarchive.Work, pg pageInfo, blocks []hblock, cut int) error {
	ps := make([]para, len(blocks))
	extra := map[int][]fanarchive.Note{}
	for i := range blocks {
		ps[i], extra[i] = splitUnknownLabels(blocks[i].para(i))
	}
	top := len(ps)
	if cut > 0 {
		top = cut
	}
	h, headStart, end := findHeader(ps[:top])
	f, bodyEnd := pageFooter(ps, max(end, cut))
	addExtra := func(from, to int) {
		for i := from; i < to; i++ {
			w.Notes = append(w.Notes, extra[i]...)
		}
	}

	var pf pageFront
	pf.header = h
	var headings []string
	var levels []int
	limit := end + 3
	if cut > 0 {
		limit = cut // the story after a cut names nothing
	}
	for i := 0; i < bodyEnd && i < limit; i++ {
		b := &blocks[i]
		switch {
		case headingRe.MatchString(ps[i].text()):
			// "Chapter 1" names a chapter, not the story.
		case b.kind == blockHeading:
			pf.headlines = append(pf.headlines, ps[i].text())
			headings, levels = append(headings, ps[i].text()), append(levels, b.level)
		case b.kind == blockText && titleLike(ps[i]):
			pf.headlines = append(pf.headlines, ps[i].text())
		case i >= end && !b.isBreak() && cut == 0:
			i = bodyEnd // the story has begun
		}
	}
	pf.headings = sortHeadings(headings, levels)
	settleFront(w, pg, pf)
	addExtra(0, max(end, cut))

	start := end
	if cut > 0 {
		prefaceNote(w, ps, headStart, end, cut)
		start = cut
	}
	for start < bodyEnd && blocks[start].isBreak() {
		start++
	}
	if start < bodyEnd && w.Title != "" && len(ps[start].lines) == 1 && blocks[start].kind != blockPre && sameTitle(ps[start].text(), w.Title) {
		start++
	}
	body := ps[start:bodyEnd]
	lay := htmlLayout(body)
	unwrap := layoutQuotes(blocks[start:bodyEnd])
	for _, ct := range splitChapters(body) {
		chapter := make([]hblock, 0, len(ct.paras))
		for _, p := range ct.paras {
			chapter = append(chapter, blocks[p.first])
		}
		addChapter(w, ct.title, renderBlocks(chapter, lay, unwrap))
	}
	if len(w.Chapters) == 0 {
		return noStoryText(fmt.Sprintf("%d blocks, all header, footer or navigation", len(blocks)))
	}
	var text []string
	linked, paras := 0, 0 // lines, and lines with a link
	for i := start; i < bodyEnd; i++ {
		b := &blocks[i]
		if b.kind == blockText {
			// Counted by line: a table of files is one block of rows.
			paras += len(b.lines)
			linked += min(b.links, len(b.lines))
		}
		item := len(b.wrap) > 0 && (b.wrap[len(b.wrap)-1].tag == "li" || b.rows)
		for _, l := range b.lines {
			if item {
				l = "- " + l // a list item or table row reads as one, as in a text file
			}
			text = append(text, l)
		}
	}
	classifyPage(w, pg, text, linked, paras)
	w.Evidence[fanarchive.FieldChapters] = fanarchive.Evidence{Confidence: confDefault, Via: fmt.Sprintf("headings:%d", len(w.Chapters))}
	applyFooter(w, f)
	addExtra(bodyEnd, len(blocks))
	inferArchive(w, pg.title)
	return nil
}

// splitUnknownLabels takes out of a labelled block the lines whose label
// the text rules do not know ("Completed: Yes", "Reviews: 3"), returning
// them as notes. In a text file such a line continues the field above it;
// on a page, where every field has its own <br>-line or table row, it is
// a field of its own, and left in it would run into the one above.
func splitUnknownLabels(p para) (para, []fanarchive.Note) {
	if len(p.lines) < 2 {
		return p, nil
	}
	if _, _, _, ok := parseLabel(p.lines[0]); !ok {
		return p, nil
	}
	var notes []fanarchive.Note
	kept := make([]string, 0, len(p.lines))
	for _, l := range p.lines {
		if _, _, _, ok := parseLabel(l); !ok {
			if m := labelLine.FindStringSubmatch(l); m != nil && strings.TrimSpace(m[2]) != "" && len(strings.Fields(m[1])) <= 3 {
				notes = append(notes, fanarchive.Note{Label: strings.TrimSpace(m[1]), Text: strings.TrimSpace(m[2])})
				continue
			}
		}
		kept = append(kept, l)
	}
	p.lines = kept
	return p, notes
}

// htmlLayout measures a page's body as measure does a text file's, but
// calls it hard-wrapped only when at least three paragraphs have several
// lines: a <br> is the author's choice unless the page was plainly made
// from a wrapped text file.
func htmlLayout(body []para) layout {
	lay := measure(body)
	multi := 0
	for _, p := range body {
		if len(p.lines) > 1 {
			multi++
		}
	}
	lay.hardWrapped = lay.hardWrapped && multi >= 3
	return lay
}

// addChapter sanitises a rendered body and adds it as the next chapter,
// unless it has no text.
func addChapter(w *fanarchive.Work, title, body string) {
	body = sanitizeBody(body)
	text := prose.PlainText(body)
	if strings.TrimSpace(strings.ReplaceAll(text, "* * *", "")) == "" {
		return
	}
	if len(w.Chapters) == 0 {
		w.Begins = prose.Opening(text, 40)
	}
	w.Chapters = append(w.Chapters, &fanarchive.Chapter{
		Number: len(w.Chapters) + 1,
		Title:  title,
		Body:   body,
		Words:  prose.CountWords(text),
	})
}

// sniffLen is how much of a file LooksLikeHTML reads.
const sniffLen = 4 << 10

var (
	// htmlStart matches what an HTML document opens with.
	htmlStart = regexp.MustCompile(`(?is)^(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|title>|meta\s)`)
	// htmlTag matches the tags story pages are made of; structural ones
	// are counted apart, so a text with a few <i>…</i> is still text.
	htmlTag      = regexp.MustCompile(`(?i)<(/?)(p|br|hr|div|center|blockquote|pre|h[1-6]|table|tr|td|ul|ol|li|font|b|i|em|strong|u|a\s+href|span)(?:\s[^<>]{0,200})?/?>`)
	htmlBlockTag = regexp.MustCompile(`(?i)^</?(?:p|br|hr|div|center|blockquote|pre|h[1-6]|table|tr|td|ul|ol|li)\b`)
)

// LooksLikeHTML reports whether raw is an HTML page rather than a text
// file: after any byte-order mark and white space it opens like a
// document (doctype, <html>, <head>, <body>, <title>), or its first few
// kilobytes have at least three story-page tags, two of them structural
// (<p>, <br>, <div>, <hr>…). Plain text that merely contains an
// <address@example.com>, a <g> or a few <i>s is not HTML.
func LooksLikeHTML(raw []byte) bool {
	switch {
	case bytes.HasPrefix(raw, []byte("\xef\xbb\xbf")):
		raw = raw[3:]
	case bytes.HasPrefix(raw, []byte("\xff\xfe")), bytes.HasPrefix(raw, []byte("\xfe\xff")):
		text, _, err := Decode(raw[:min(len(raw), 2*sniffLen)&^1])
		if err != nil {
			return false
		}
		raw = []byte(text)
	}
	sample := bytes.TrimLeft(raw[:min(len(raw), sniffLen)], " \t\r\n\f")
	if htmlStart.Match(sample) {
		return true
	}
	tags := htmlTag.FindAll(sample, -1)
	structural := 0
	for _, t := range tags {
		if htmlBlockTag.Match(t) {
			structural++
		}
	}
	return len(tags) >= 3 && structural >= 2
}
