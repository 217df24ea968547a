package ingest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"fanarchive"
	"fanarchive/internal/prose"
)

// ao3Page is the parts of an AO3 download: <div id="preface"> (tags,
// title, byline, summary, notes), <div id="chapters"> and, optionally,
// <div id="afterword"> (end notes).
type ao3Page struct {
	preface, chapters, afterword *html.Node
}

// findAO3 returns the parts of an AO3 download, or nil if body is not one.
func findAO3(body *html.Node) *ao3Page {
	byID := func(id string) *html.Node {
		return findElement(body, func(n *html.Node) bool { return n.DataAtom == atom.Div && attr(n, "id") == id })
	}
	p := &ao3Page{preface: byID("preface"), chapters: byID("chapters"), afterword: byID("afterword")}
	if p.preface == nil || p.chapters == nil {
		return nil
	}
	return p
}

var (
	ao3Date         = regexp.MustCompile(`(?i)\b(Published|Updated|Completed):\s*(\d{4}-\d{2}-\d{2})`)
	ao3ChapterCount = regexp.MustCompile(`(?i)\bChapters:\s*(\d+)\s*/\s*(\d+|\?)`)
	// ao3Heading reads "Chapter 3: The Return" or "Chapter 3".
	ao3Heading = regexp.MustCompile(`(?i)^chapter\s+\d+\s*(?:[:.]\s*(.*))?$`)
)

// readAO3 maps an AO3 download onto the work: every dt/dd pair of the tags
// list by its label, the h1 and byline, Summary and Notes blocks, one
// chapter per <h2 class="heading">, and chapter and end notes as notes.
func readAO3(w *fanarchive.Work, pg pageInfo, p *ao3Page) error {
	src := w.Sources[0]
	w.Evidence[fanarchive.FieldKind] = fanarchive.Evidence{Confidence: confLabelled, Via: "ao3:download"}
	if msg := findElement(p.preface, func(n *html.Node) bool { return hasClass(n, "message") }); msg != nil &&
		strings.Contains(textContent(msg), "Archive of Our Own") {
		src.Archive = "Archive of Our Own"
		w.Evidence[fanarchive.FieldArchive] = fanarchive.Evidence{Confidence: confLabelled, Via: "ao3:message"}
	}
	if dl := findElement(p.preface, func(n *html.Node) bool { return n.DataAtom == atom.Dl && hasClass(n, "tags") }); dl != nil {
		var label string
		for c := dl.FirstChild; c != nil; c = c.NextSibling {
			switch c.DataAtom {
			case atom.Dt:
				label = strings.TrimSuffix(collapse(textContent(c)), ":")
			case atom.Dd:
				ao3Field(w, label, c)
			}
		}
	}
	if h1 := findElement(p.preface, func(n *html.Node) bool { return n.DataAtom == atom.H1 }); h1 != nil {
		if t := collapse(textContent(h1)); t != "" {
			w.Title = t
			w.Evidence[fanarchive.FieldTitle] = fanarchive.Evidence{Confidence: confLabelled, Via: "ao3:h1", Detail: t}
		}
	}
	if by := findElement(p.preface, func(n *html.Node) bool { return hasClass(n, "byline") }); by != nil {
		ao3Byline(w, by)
	}
	for _, n := range labelledQuotes(p.preface) {
		if strings.EqualFold(n.Label, "Summary") {
			w.Summary = joinText(w.Summary, n.Text)
			w.Evidence[fanarchive.FieldSummary] = fanarchive.Evidence{Confidence: confLabelled, Via: "ao3:Summary"}
			continue
		}
		w.Notes = append(w.Notes, n)
	}
	if err := ao3Chapters(w, p.chapters); err != nil {
		return err
	}
	if p.afterword != nil {
		w.Notes = append(w.Notes, labelledQuotes(p.afterword)...)
	}
	settleFront(w, pg, pageFront{}) // STORYINFO comments, <meta>, <title> for what AO3 left open
	return nil
}

// ao3Field maps one dt/dd pair of the tags list. Tags are read one link
// each, exactly as AO3 wrote them (AO3 tags cannot contain commas, so a dd
// without links is split at commas).
func ao3Field(w *fanarchive.Work, label string, dd *html.Node) {
	var names []string
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		if n.DataAtom == atom.A {
			if t := collapse(textContent(n)); t != "" {
				names = append(names, t)
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(dd)
	text := collapse(textContent(dd))
	if len(names) == 0 {
		for _, s := range strings.Split(text, ",") {
			if s = strings.TrimSpace(s); s != "" {
				names = append(names, s)
			}
		}
	}
	via := "ao3:" + label
	addTags := func(kind fanarchive.TagKind) {
		for _, n := range names {
			w.Tags = appendTag(w.Tags, fanarchive.Tag{Kind: kind, Name: n})
		}
	}
	switch strings.TrimSuffix(normLabel(label), "s") {
	case "rating":
		setRating(w, strings.Join(names, ", "), via)
	case "archive warning", "warning":
		addTags(fanarchive.TagWarning)
	case "category", "categorie":
		addTags(fanarchive.TagCategory)
	case "fandom":
		addTags(fanarchive.TagFandom)
		w.Evidence[fanarchive.FieldFandoms] = fanarchive.Evidence{Confidence: confLabelled, Via: via, Detail: text}
	case "relationship":
		addTags(fanarchive.TagRelationship)
	case "character":
		addTags(fanarchive.TagCharacter)
	case "additional tag", "freeform":
		addTags(fanarchive.TagFreeform)
	case "language":
		w.Language = languageTag(text)
	case "stat":
		ao3Stats(w, text)
	default:
		if text != "" {
			w.Notes = append(w.Notes, fanarchive.Note{Label: label, Text: text})
		}
	}
}

// ao3Stats reads "Published: 2021-03-04 Completed: 2021-04-01 Words: 2,345
// Chapters: 2/2": the dates, and whether the work is complete.
func ao3Stats(w *fanarchive.Work, stats string) {
	for _, m := range ao3Date.FindAllStringSubmatch(stats, -1) {
		t, err := time.Parse(time.DateOnly, m[2])
		if err != nil {
			continue
		}
		switch strings.ToLower(m[1]) {
		case "published":
			w.Published = t
		case "updated", "completed":
			w.Updated = t
		}
	}
	if m := ao3ChapterCount.FindStringSubmatch(stats); m != nil {
		w.Complete = m[1] == m[2]
	}
}

// ao3Byline reads the authors from the byline's rel=author links, or from
// its text.
func ao3Byline(w *fanarchive.Work, by *html.Node) {
	var names []string
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		if n.DataAtom == atom.A && strings.Contains(" "+attr(n, "rel")+" ", " author ") {
			if t := collapse(textContent(n)); t != "" {
				names = append(names, t)
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(by)
	text := collapse(textContent(by))
	if len(names) == 0 {
		rest := text
		if m := bylineRe.FindStringSubmatch(text); m != nil {
			rest = m[1]
		}
		names, _ = authorNames(rest)
	}
	if len(names) > 0 {
		w.Authors = authorsOf(names)
		w.Evidence[fanarchive.FieldAuthors] = fanarchive.Evidence{Confidence: confLabelled, Via: "ao3:byline", Detail: text}
	}
}

// labelledQuotes returns the notes under n written as AO3 writes them: a
// short label paragraph ("Summary", "Notes", "Chapter End Notes") followed
// by a blockquote of the text, kept as plain text.
func labelledQuotes(n *html.Node) []fanarchive.Note {
	var out []fanarchive.Note
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.DataAtom == atom.Blockquote {
				label := prevElement(c)
				if label == nil {
					continue
				}
				l := strings.TrimSuffix(collapse(textContent(label)), ":")
				if l == "" || len(strings.Fields(l)) > 6 {
					continue
				}
				if text := nodesText([]*html.Node{c}); text != "" {
					out = append(out, fanarchive.Note{Label: l, Text: text})
				}
				continue
			}
			visit(c)
		}
	}
	visit(n)
	return out
}

// prevElement returns the element before n among its siblings, or nil.
func prevElement(n *html.Node) *html.Node {
	for s := n.PrevSibling; s != nil; s = s.PrevSibling {
		if s.Type == html.ElementNode {
			return s
		}
	}
	return nil
}

// nodesText returns the plain text of nodes as a body would show it.
func nodesText(nodes []*html.Node) string {
	return strings.TrimSpace(prose.PlainText(nodesHTML(nodes)))
}

// nodesHTML renders nodes as a sanitised body, dropping no navigation:
// inside an AO3 work everything is the author's.
func nodesHTML(nodes []*html.Node) string {
	blocks := walkNodes(nodes)
	ps := make([]para, len(blocks))
	for i := range blocks {
		ps[i] = blocks[i].para(i)
	}
	return sanitizeBody(renderBlocks(blocks, htmlLayout(ps), layoutQuotes(blocks)))
}

// headingTitle returns a chapter's own title from its AO3 heading:
// "The Return" from "Chapter 3: The Return", nothing from "Chapter 3".
func headingTitle(h *html.Node) string {
	t := collapse(textContent(h))
	if m := ao3Heading.FindStringSubmatch(t); m != nil {
		return strings.TrimSpace(m[1])
	}
	return t
}

// ao3Chapter is one chapter of an AO3 download before it is rendered.
type ao3Chapter struct {
	title string
	body  []*html.Node
	notes []fanarchive.Note
}

// ao3Chapters reads <div id="chapters">: each <h2 class="heading"> starts a
// chapter; "meta" blocks hold its summary and notes; everything else is
// its text. A work of one chapter has no heading.
func ao3Chapters(w *fanarchive.Work, root *html.Node) error {
	var chs []*ao3Chapter
	cur := func() *ao3Chapter {
		if len(chs) == 0 {
			chs = append(chs, &ao3Chapter{})
		}
		return chs[len(chs)-1]
	}
	isHeading := func(n *html.Node) bool { return n.DataAtom == atom.H2 && hasClass(n, "heading") }
	holds := func(n *html.Node, match func(*html.Node) bool) bool { return findElement(n, match) != nil }
	isMeta := func(n *html.Node) bool { return hasClass(n, "meta") || hasClass(n, "endnotes") }
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.ElementNode && isHeading(c):
				chs = append(chs, &ao3Chapter{title: headingTitle(c)})
			case c.Type == html.ElementNode && isMeta(c):
				// A heading inside opens the chapter its notes belong to.
				if h := findElement(c, isHeading); h != nil {
					chs = append(chs, &ao3Chapter{title: headingTitle(h)})
				}
				cur().notes = append(cur().notes, labelledQuotes(c)...)
			case c.Type == html.ElementNode && (holds(c, isHeading) || holds(c, isMeta)):
				visit(c)
			default:
				cur().body = append(cur().body, c)
			}
		}
	}
	visit(root)
	for _, ch := range chs {
		before := len(w.Chapters)
		addChapter(w, ch.title, nodesHTML(ch.body))
		for _, n := range ch.notes {
			if len(chs) > 1 && len(w.Chapters) > before {
				if rest, ok := strings.CutPrefix(n.Label, "Chapter "); ok {
					n.Label = fmt.Sprintf("Chapter %d %s", len(w.Chapters), rest)
				}
			}
			w.Notes = append(w.Notes, n)
		}
	}
	if len(w.Chapters) == 0 {
		return noStoryText("an AO3 download with no chapter text")
	}
	w.Evidence[fanarchive.FieldChapters] = fanarchive.Evidence{Confidence: confLabelled, Via: "ao3:chapters:" + strconv.Itoa(len(w.Chapters))}
	return nil
}
