package ingest

import (
	"regexp"
	"strings"

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

	// Navigation evidence: the words and the links of the block, and
	// whether any word outside links (other) or inside them (linkOther) is
	// more than navigation filler. mail is set by a mailto: link, which is
	// a feedback address, not navigation.
	words, links     int
	other, linkOther bool
	mail             bool
	rows             bool // lines are the rows of a table or list
	preface          bool // before the entry's cut (see readSite)
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
	cut       *html.Node
}

// walkBody returns the blocks of n's content. The blocks before cut, if it
// is in n, are marked as the entry's preface.
func walkBody(n *html.Node, raw bool, cut *html.Node) []hblock {
	w := &blockWalker{raw: raw, cut: cut}
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
	if n == w.cut {
		w.flush()
		for i := range w.blocks {
			w.blocks[i].preface = true
		}
		w.cut = nil
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
	case a == atom.Pre && holdsBlocks(n):
		// Paragraphs in a <pre> (Wattpad's reader) are paragraphs: the
		// <pre> is only the site's styling.
		w.flush()
		w.children(n)
		w.flush()
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

// holdsBlocks reports whether one of n's children is a paragraph or a
// division.
func holdsBlocks(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.DataAtom == atom.P || c.DataAtom == atom.Div) {
			return true
		}
	}
	return false
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
