package ingest

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// brMark stands for a <br> inside a block's HTML until the block is
// rendered, when it becomes a line break or a space (see renderBlocks).
// Control characters are removed from text, so it cannot occur there.
const brMark = "\x00"

// blockKind is the shape of one block of a page.
type blockKind int

const (
	blockText    blockKind = iota // a paragraph: inline content, lines split at <br>
	blockHeading                  // <h1>…<h6>
	blockRule                     // <hr>
	blockPre                      // <pre>: spacing kept
	blockImage                    // nothing but images: a divider between scenes, or decoration
)

// wrapper is a container a block sits in and that the body keeps:
// a blockquote, a list or a list item. The id tells two consecutive
// containers of the same kind apart.
type wrapper struct {
	tag string
	id  int
}

// hblock is one block of a page, in two forms: plain text lines, which the
// text parser's header, footer and chapter rules read, and inline HTML,
// which becomes the chapter body.
type hblock struct {
	kind  blockKind
	level int      // 1–6 for headings
	lines []string // trimmed text of each line; pre blocks keep their spacing
	html  string   // inline HTML; brMark between lines
	wrap  []wrapper

	// Navigation evidence: words inside links to other pages, words
	// outside them that are not navigation filler, non-filler words inside
	// links, and the number of links. mail is set by a mailto: link, which
	// is a feedback address, not navigation.
	linkWords, otherWords, linkOther, links int
	mail                                    bool
	rows                                    bool // lines are the rows of a table or list
}

// para returns the block as the text parsers see it; i is its index, which
// stands in for the line number.
func (b *hblock) para(i int) para {
	if b.kind == blockRule || b.kind == blockImage {
		return para{lines: []string{"* * *"}, first: i}
	}
	p := para{first: i}
	for _, l := range b.lines {
		if strings.TrimSpace(l) != "" {
			p.lines = append(p.lines, l)
		}
	}
	return p
}

// navigation reports whether a block is site navigation: links and nothing
// but separators and words such as "next", "back", "chapter 3 of 7"; or a
// short "Return to the archive" line.
func (b *hblock) navigation() bool {
	switch {
	case b.mail || (b.kind != blockText && b.kind != blockHeading):
		return false
	case b.links > 0 && b.otherWords == 0:
		return b.kind == blockText || b.linkOther == 0
	case b.kind == blockText && len(b.lines) == 1 && b.linkWords+b.otherWords <= 12:
		return returnLine.MatchString(b.lines[0])
	}
	return false
}

// returnLine matches a line that sends the reader elsewhere on the site.
var returnLine = regexp.MustCompile(`(?i)^\W*(?:back|return|go back|go|up)\s+to\s+(?:the\s+|my\s+|our\s+)?(?:top|index|archive|main\s+page|home\s*page|home|stories|story\s+index|fics?|fiction|library|contents|chapter\s+(?:index|list)|author'?s?\s+page|[\w' ]{1,30}\s+(?:archive|index|page))\b[^.!?]{0,30}\W*$`)

// navFiller are the words navigation bars use besides their links.
var navFiller = map[string]bool{
	"next": true, "previous": true, "prev": true, "back": true, "home": true, "index": true, "top": true,
	"main": true, "page": true, "chapter": true, "part": true, "of": true, "or": true, "to": true,
	"the": true, "return": true, "go": true, "up": true, "contents": true, "menu": true, "toc": true,
	"first": true, "last": true, "more": true, "site": true, "here": true, "click": true, "story": true,
}

// blockElements end the paragraph before them and start a new one.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Center: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.Header: true, atom.Footer: true, atom.Aside: true, atom.Address: true, atom.Figure: true,
	atom.Figcaption: true, atom.Details: true, atom.Summary: true, atom.Hgroup: true, atom.Fieldset: true,
	atom.Legend: true, atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Table: true, atom.Caption: true,
	atom.Thead: true, atom.Tbody: true, atom.Tfoot: true, atom.Tr: true, atom.Td: true, atom.Th: true,
	atom.Body: true, atom.Html: true, atom.Noframes: true, atom.Marquee: true, atom.Option: true,
	atom.Blockquote: true, atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Menu: true, atom.Dir: true,
	atom.Pre: true, atom.Listing: true, atom.Xmp: true, atom.Plaintext: true, atom.Hr: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
}

// inlineTags maps the inline elements a body keeps to their body form:
// i and em are em, b and strong are strong, strike is s, tt is code.
var inlineTags = map[atom.Atom]string{
	atom.I: "em", atom.Em: "em", atom.Var: "em", atom.Dfn: "em", atom.B: "strong", atom.Strong: "strong",
	atom.U: "u", atom.Ins: "ins", atom.S: "s", atom.Strike: "s", atom.Del: "del", atom.Sub: "sub",
	atom.Sup: "sup", atom.Small: "small", atom.Big: "big", atom.Cite: "cite", atom.Q: "q", atom.Abbr: "abbr",
	atom.Code: "code", atom.Tt: "code", atom.Kbd: "code", atom.Samp: "code",
}

// styleTags finds emphasis written as CSS, as word processors export it.
var styleTags = []struct {
	re  *regexp.Regexp
	tag string
}{
	{regexp.MustCompile(`(?i)font-style\s*:\s*(?:italic|oblique)`), "em"},
	{regexp.MustCompile(`(?i)font-weight\s*:\s*(?:bold|bolder|[6-9]00)`), "strong"},
	{regexp.MustCompile(`(?i)text-decoration[\w-]*\s*:[^;]*underline`), "u"},
	{regexp.MustCompile(`(?i)text-decoration[\w-]*\s*:[^;]*line-through`), "s"},
}

// blockWalker turns a page's body into blocks. Inline emphasis is kept
// across <br>s and re-opened in each paragraph it spans, so every block's
// HTML is balanced on its own.
type blockWalker struct {
	blocks []hblock
	raw    bool // keep all text as in <pre>: for pages that are plain text

	html      strings.Builder
	line      strings.Builder
	lines     []string
	space     bool // a space is due before the next word
	brDue     bool // a line break is due before the next word
	images    int
	cur       hblock // navigation counts of the block being built
	inline    []string
	opened    int // how many of inline are open in html
	wrap      []wrapper
	ids       int
	link, pre int
	heading   int // level of the heading being read, or 0
	row       int // inside a table or list read row by row
}

// walkBody returns the blocks of n's content.
func walkBody(n *html.Node, raw bool) []hblock {
	w := &blockWalker{raw: raw}
	w.children(n)
	w.flush()
	return w.blocks
}

// walkNodes returns the blocks of nodes and their content.
func walkNodes(nodes []*html.Node) []hblock {
	w := &blockWalker{}
	for _, n := range nodes {
		w.walk(n)
	}
	w.flush()
	return w.blocks
}

func (w *blockWalker) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
}

func (w *blockWalker) walk(n *html.Node) {
	if n.Type == html.TextNode {
		w.text(n.Data)
		return
	}
	if n.Type != html.ElementNode || isChrome(n) {
		return
	}
	a := n.DataAtom
	switch {
	case a == atom.Br:
		w.br()
	case a == atom.Img:
		if tracker(n) {
			return
		}
		w.images++
		if w.link > 0 {
			w.cur.links++
		}
	case a == atom.Hr:
		w.flush()
		w.blocks = append(w.blocks, hblock{kind: blockRule, wrap: w.wrapCopy()})
	case a == atom.A:
		w.anchor(n)
	case w.row > 0 && a == atom.Tr:
		w.children(n)
		w.br()
	case w.row > 0 && (a == atom.Td || a == atom.Th || a == atom.Dd):
		w.space = true
		w.children(n)
		w.space = true
	case w.row > 0 && a == atom.Dt:
		w.br()
		w.children(n)
	case w.row > 0 && (a == atom.Tbody || a == atom.Thead || a == atom.Tfoot || a == atom.Caption):
		w.children(n)
		w.br()
	case (a == atom.Table || a == atom.Dl) && rowShaped(n):
		w.flush()
		w.row++
		w.children(n)
		w.flush()
		w.row--
	case a == atom.Pre || a == atom.Listing || a == atom.Xmp || a == atom.Plaintext:
		w.flush()
		w.pre++
		w.children(n)
		w.flush()
		w.pre--
	case isHeading(a):
		w.flush()
		w.heading = int(n.Data[1] - '0')
		w.children(n)
		w.flush()
		w.heading = 0
	case a == atom.Blockquote || a == atom.Ul || a == atom.Ol || a == atom.Li || a == atom.Menu || a == atom.Dir:
		tag := n.Data
		if a == atom.Menu || a == atom.Dir {
			tag = "ul"
		}
		w.flush()
		w.ids++
		w.wrap = append(w.wrap, wrapper{tag: tag, id: w.ids})
		w.children(n)
		w.flush()
		w.wrap = w.wrap[:len(w.wrap)-1]
	case blockElements[a]:
		w.flush()
		w.children(n)
		w.flush()
	default:
		tags := elementTags(n)
		for _, t := range tags {
			w.push(t)
		}
		w.children(n)
		for range tags {
			w.pop()
		}
	}
}

// trackerSrc matches the addresses of hit counters and tracking pixels.
var trackerSrc = regexp.MustCompile(`(?i)count|track|pixel|beacon|stat|hits?\b|spacer|blank\.gif|transparent\.gif|\.cgi|\.php|\?`)

// tracker reports whether an image is a counter, a tracking pixel or a
// spacer rather than something a reader sees.
func tracker(n *html.Node) bool {
	w, h := attr(n, "width"), attr(n, "height")
	return w == "0" || w == "1" || h == "0" || h == "1" || trackerSrc.MatchString(attr(n, "src"))
}

// isHeading reports whether a is one of h1…h6 (atoms are not ordered).
func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// elementTags returns the body tags an inline element stands for.
func elementTags(n *html.Node) []string {
	if t, ok := inlineTags[n.DataAtom]; ok {
		return []string{t}
	}
	var tags []string
	if n.DataAtom == atom.Span || n.DataAtom == atom.Font {
		if style := attr(n, "style"); style != "" {
			for _, st := range styleTags {
				if st.re.MatchString(style) {
					tags = append(tags, st.tag)
				}
			}
		}
	}
	return tags
}

// anchor walks a link. A mailto: link keeps its address in the text lines
// (never in the HTML), where the header and footer rules find it.
func (w *blockWalker) anchor(n *html.Node) {
	href := strings.TrimSpace(attr(n, "href"))
	if len(href) > 7 && strings.EqualFold(href[:7], "mailto:") {
		addr := strings.TrimSpace(strings.SplitN(href[7:], "?", 2)[0])
		w.children(n)
		if addr != "" && !strings.Contains(w.line.String(), addr) {
			w.line.WriteString(" <" + addr + ">")
			w.space = true
		}
		w.cur.mail = true
		return
	}
	if href == "" {
		w.children(n)
		return
	}
	w.link++
	w.cur.links++
	w.children(n)
	w.link--
}

// rowShaped reports whether a table or definition list holds only inline
// content in its cells: a header table ("Title: | Rain") or a list of
// links, read one row per line. A table with paragraphs, lists or other
// tables in it is layout, and its cells are read as blocks.
func rowShaped(n *html.Node) bool {
	sawTerm := n.DataAtom == atom.Table
	var ok func(*html.Node) bool
	ok = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr, atom.Td, atom.Th, atom.Caption, atom.Colgroup, atom.Col, atom.Dd:
			case atom.Dt:
				sawTerm = true
			case atom.Br, atom.Hr:
				continue
			default:
				if blockElements[c.DataAtom] {
					return false
				}
			}
			if !ok(c) {
				return false
			}
		}
		return true
	}
	return ok(n) && sawTerm
}

func (w *blockWalker) push(tag string) {
	for _, t := range w.inline {
		if t == tag {
			tag = "" // already open: nesting it again adds nothing
			break
		}
	}
	w.inline = append(w.inline, tag)
}

func (w *blockWalker) pop() {
	top := len(w.inline) - 1
	if w.opened > top {
		if t := w.inline[top]; t != "" {
			w.html.WriteString("</" + t + ">")
		}
		w.opened = top
	}
	w.inline = w.inline[:top]
}

// openInline writes the start tags of open inline elements not yet open in
// the current block.
func (w *blockWalker) openInline() {
	for ; w.opened < len(w.inline); w.opened++ {
		if t := w.inline[w.opened]; t != "" {
			w.html.WriteString("<" + t + ">")
		}
	}
}

func (w *blockWalker) wrapCopy() []wrapper {
	if len(w.wrap) == 0 {
		return nil
	}
	return append([]wrapper(nil), w.wrap...)
}

// text adds a text node: white space collapsed, or kept inside <pre>.
func (w *blockWalker) text(s string) {
	if w.pre > 0 || w.raw {
		w.preText(s)
		return
	}
	for len(s) > 0 {
		if n := spacePrefix(s); n > 0 {
			w.space = true
			s = s[n:]
			continue
		}
		end := len(s)
		for i := 0; i < len(s); i++ {
			if spacePrefix(s[i:]) > 0 {
				end = i
				break
			}
		}
		w.word(s[:end])
		s = s[end:]
	}
}

// spacePrefix returns the length of the HTML white space or no-break space
// that s starts with, if any.
func spacePrefix(s string) int {
	switch {
	case s == "":
		return 0
	case s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' || s[0] == '\f':
		return 1
	case strings.HasPrefix(s, "\u00a0"):
		return 2
	}
	return 0
}

// word adds one word, after the space or line break due before it.
func (w *blockWalker) word(s string) {
	s = cleanText(s, false)
	if s == "" {
		return
	}
	if w.brDue {
		w.html.WriteString(brMark)
		w.brDue = false
	} else if w.space && w.line.Len() > 0 {
		w.html.WriteByte(' ')
		w.line.WriteByte(' ')
	}
	w.space = false
	w.openInline()
	escapeTo(&w.html, s)
	w.line.WriteString(s)
	w.count(s)
}

// preText adds text whose spacing is kept.
func (w *blockWalker) preText(s string) {
	s = cleanText(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"), true)
	if s == "" {
		return
	}
	if strings.TrimSpace(s) != "" {
		w.openInline()
	}
	escapeTo(&w.html, s)
	w.line.WriteString(s)
	w.count(s)
}

// count adds the words of s to the navigation counts of the block.
func (w *blockWalker) count(s string) {
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isWordByte(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start < 0 {
			continue
		}
		filler := isFiller(s[start:i])
		start = -1
		switch {
		case w.link > 0:
			w.cur.linkWords++
			if !filler {
				w.cur.linkOther++
			}
		case !filler:
			w.cur.otherWords++
		}
	}
}

// isWordByte reports whether c belongs to a word for navigation counts:
// ASCII letters, digits, apostrophes and any byte of a non-ASCII rune.
func isWordByte(c byte) bool {
	return c >= 0x80 || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '\''
}

// isFiller reports whether a word is one navigation bars use besides
// their links: a navFiller word, a number or a roman numeral.
func isFiller(word string) bool {
	if len(word) > 8 {
		return false
	}
	if strings.Trim(word, "0123456789") == "" {
		return true
	}
	lower := strings.ToLower(word)
	if navFiller[lower] {
		return true
	}
	return strings.Trim(lower, "ivxlc") == "" && romanValue(lower) > 0
}

// br ends a line; a second <br> with nothing between ends the paragraph.
func (w *blockWalker) br() {
	if w.pre > 0 || w.raw {
		w.html.WriteString("\n")
		w.line.WriteByte('\n')
		return
	}
	if w.line.Len() == 0 {
		if len(w.lines) > 0 {
			w.flush()
		}
		return
	}
	w.lines = append(w.lines, w.line.String())
	w.line.Reset()
	w.brDue = true
	w.space = false
}

// flush ends the block being built, if it has anything in it.
func (w *blockWalker) flush() {
	if w.line.Len() > 0 {
		w.lines = append(w.lines, w.line.String())
	}
	b := w.cur
	b.wrap = w.wrapCopy()
	b.rows = w.row > 0
	switch {
	case w.pre > 0 || w.raw:
		b.kind = blockPre
		if w.pre == 0 {
			b.kind = blockText // a paragraph of a plain-text page, lines as written
		}
		b.lines = strings.Split(strings.Join(w.lines, "\n"), "\n")
		for len(b.lines) > 0 && strings.TrimSpace(b.lines[len(b.lines)-1]) == "" {
			b.lines = b.lines[:len(b.lines)-1]
		}
		for len(b.lines) > 0 && strings.TrimSpace(b.lines[0]) == "" {
			b.lines = b.lines[1:]
		}
	case w.heading > 0:
		b.kind, b.level, b.lines = blockHeading, w.heading, w.lines
	default:
		b.kind, b.lines = blockText, w.lines
	}
	for i := w.opened - 1; i >= 0; i-- {
		if t := w.inline[i]; t != "" {
			w.html.WriteString("</" + t + ">")
		}
	}
	switch {
	case len(b.lines) > 0:
		b.html = w.html.String()
		if b.kind == blockPre {
			b.html = strings.Trim(b.html, "\n")
		}
		w.blocks = append(w.blocks, b)
	case w.images > 0:
		w.blocks = append(w.blocks, hblock{kind: blockImage, wrap: b.wrap, links: b.links})
	}
	w.html.Reset()
	w.line.Reset()
	w.lines = nil
	w.cur = hblock{}
	w.space, w.brDue, w.images, w.opened = false, false, 0, 0
}

// cleanText removes control characters (keeping newlines and tabs when
// asked), byte-order marks and replacement characters.
func cleanText(s string, keepLines bool) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case keepLines && (r == '\n' || r == '\t'):
		case r < 0x20, r >= 0x7f && r <= 0x9f, r == '\ufeff', r == utf8.RuneError:
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// escapeTo writes s to b with the five HTML-special characters escaped.
func escapeTo(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '&':
			esc = "&amp;"
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}
