package prose

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"fanarchive"
)

// Format is how an author writes a chapter body when posting it on the
// archive, rather than importing it: Render turns each into the body format
// (sanitised HTML of blocks and inline emphasis; see Sanitize), so that a
// posted chapter is stored, shown, counted and searched like an imported
// one. See docs/posting.md.
type Format string

// Body formats.
const (
	// FormatHTML is rich text: HTML as a browser's editor or a word
	// processor writes it, sanitised with the policy imports are.
	FormatHTML Format = "html"
	// FormatMarkdown is CommonMark with GitHub's tables and
	// ~~strikethrough~~; HTML inside it is sanitised like FormatHTML.
	FormatMarkdown Format = "markdown"
	// FormatPlainText is text as typed: blank lines between paragraphs.
	FormatPlainText Format = "text"
)

// Formats lists the formats in the order forms offer them.
var Formats = []Format{FormatHTML, FormatMarkdown, FormatPlainText}

// Valid reports whether f is one of Formats.
func (f Format) Valid() bool {
	return f == FormatHTML || f == FormatMarkdown || f == FormatPlainText
}

// maxNesting is how deeply elements may be nested in a posted body. Real
// prose needs a handful of levels; thousands are an attack on whatever walks
// the tree by recursion (the HTML renderer does) or a paste gone wrong
// (hundreds of unclosed <i>).
const maxNesting = 200

// Render turns src, written in format, into a chapter body: sanitised
// HTML, made of blocks (a paragraph for running text), that Sanitize leaves
// unchanged. What the same body shows is the same whichever path made it:
// a preview renders exactly what posting stores.
//
// Before converting, carriage returns become line feeds and other control
// characters (C0 but tab and line feed, DEL, C1) and a leading byte order
// mark are removed. Returns EINVALID for an unknown format, src that is not
// valid UTF-8, src or its HTML longer than fanarchive.MaxChapterBody, or
// markup nested more than 200 deep.
func Render(format Format, src string) (string, error) {
	switch format {
	case FormatHTML:
		return FromHTML(src)
	case FormatMarkdown:
		return FromMarkdown(src)
	case FormatPlainText:
		return FromPlainText(src)
	}
	return "", fanarchive.Errorf(fanarchive.EINVALID, "Format %q is not one of %v.", format, Formats)
}

// FromHTML turns rich text into a chapter body. Elements outside the body
// policy are removed: scripts, styles, frames, objects and forms with their
// content, any other (links, images, SVG, MathML, sections, fonts…) keeping
// its text. Text that no block encloses is put in paragraphs, split at
// blank lines; every <hr> is a scene break; <h1> becomes <h2>, the largest
// heading a chapter has. Each top-level block is written on a line of its
// own. Errors are Render's.
func FromHTML(src string) (string, error) {
	src, err := readInput(src)
	if err != nil {
		return "", err
	}
	return finish(src, 0)
}

// readInput checks the size and encoding of posted text and removes what
// no format means anything by: carriage returns (line ends become \n), other
// control characters and a byte order mark.
func readInput(src string) (string, error) {
	if len(src) > fanarchive.MaxChapterBody {
		return "", fanarchive.Errorf(fanarchive.EINVALID, "The chapter is longer than %d MB.", fanarchive.MaxChapterBody>>20)
	}
	if !utf8.ValidString(src) {
		return "", fanarchive.Errorf(fanarchive.EINVALID, "The chapter is not valid UTF-8 text.")
	}
	return stripControls(strings.TrimPrefix(src, "\uFEFF")), nil
}

// stripControls makes line ends \n and removes the control characters
// that no format means anything by (C0 but tab and line feed, DEL, C1), from
// posted text and from the text and attributes an HTML parser decoded from
// character references (&#1;).
func stripControls(s string) string {
	clean := true
	for i := 0; i < len(s) && clean; i++ {
		c := s[i]
		clean = (c >= 0x20 || c == '\n' || c == '\t') && c != 0x7f && c != 0xC2 // 0xC2 starts U+0080–U+00BF
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case r == '\r':
			if i+1 >= len(s) || s[i+1] != '\n' {
				b.WriteByte('\n')
			}
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || 0x7f <= r && r <= 0x9f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// checkOutput returns EINVALID when a body made from posted text is too
// long to store.
func checkOutput(body string) (string, error) {
	if len(body) > fanarchive.MaxChapterBody {
		return "", fanarchive.Errorf(fanarchive.EINVALID, "The chapter is longer than %d MB once converted to HTML.", fanarchive.MaxChapterBody>>20)
	}
	return body, nil
}

// finish turns HTML into a chapter body: parsed as a browser would (so
// that what is sanitised is what a browser would see, whatever tricks the
// markup plays), stripped to the policy's elements, put into blocks,
// written out again and sanitised. Headings are moved down by shift levels
// (at least to <h2>).
func finish(src string, shift int) (string, error) {
	for pass := 1; ; pass++ {
		blocks, reshaped, err := readBlocks(src, shift)
		if err != nil {
			return "", err
		}
		out, err := render(blocks)
		if err != nil {
			return "", err
		}
		// A tree whose elements lost a wrapper (a <div> in SVG's
		// <foreignObject>, a heading in a link in a heading), or a
		// paragraph holding a block, is not what a browser reads from the
		// HTML written: the block closes the paragraph, the inner heading
		// the outer one. Reading the output again gives what it would,
		// and another reading changes nothing more.
		if pass == 3 || !reshaped && !blockInParagraph(blocks) {
			return checkOutput(out)
		}
		src, shift = out, 0
	}
}

// readBlocks parses HTML as the body of a page and returns its blocks,
// holding only what a posted body keeps (keepElements).
func readBlocks(src string, shift int) (blocks []*xhtml.Node, reshaped bool, err error) {
	root := &xhtml.Node{Type: xhtml.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := xhtml.ParseFragment(strings.NewReader(src), root)
	if err != nil {
		// The parser's one error is more than 512 open elements.
		return nil, false, fanarchive.Errorf(fanarchive.EINVALID, "The chapter's markup is nested more than %d levels deep (are tags left unclosed?).", maxNesting)
	}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	reshaped = keepElements(root, shift)
	if nestedDeeperThan(root, maxNesting) {
		return nil, false, fanarchive.Errorf(fanarchive.EINVALID, "The chapter's markup is nested more than %d levels deep (are tags left unclosed?).", maxNesting)
	}
	return blocksOf(root), reshaped, nil
}

// render writes blocks, one a line, and sanitises them.
func render(blocks []*xhtml.Node) (string, error) {
	var b strings.Builder
	for _, n := range blocks {
		if err := xhtml.Render(&b, n); err != nil {
			return "", fanarchive.Errorf(fanarchive.EINVALID, "The chapter's HTML cannot be written: %v.", err)
		}
		b.WriteByte('\n')
	}
	// The renderer closes void elements XHTML-style (<br/>); the archive's
	// bodies are HTML (<br>), as prose.HTML writes them. Outside tags a
	// '>' is always escaped, so every "/>" ends a tag.
	out := strings.ReplaceAll(b.String(), "/>", ">")
	for range 3 {
		clean := Sanitize(out)
		if clean == out {
			break
		}
		out = clean
	}
	return out, nil
}

// dropped are the elements removed with their content: what they hold is
// code, styling or another document, never story text. Sanitize drops the
// same.
var dropped = map[string]bool{
	"script": true, "style": true, "iframe": true, "frame": true, "frameset": true, "object": true,
	"embed": true, "noscript": true, "noembed": true, "noframes": true, "nostyle": true, "title": true,
	"head": true, "template": true,
}

// keepElements removes from the tree under root every node Sanitize would
// remove, without recursion: comments, doctypes, dropped elements with their
// content, and any other element outside the policy (or in the SVG or
// MathML namespaces) with its tags only, its children taking its place. It
// makes every <hr> a scene break and moves headings down by shift levels,
// <h1> becoming <h2> at least.
//
// It reports whether it removed the tags of an element that held
// elements: the tree may then hold what a browser would not read from the
// HTML written (a heading in a heading, once the link between them is
// gone), and the HTML must be read again (finish).
func keepElements(root *xhtml.Node, shift int) (reshaped bool) {
	stack := []*xhtml.Node{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			switch {
			case c.Type == xhtml.TextNode:
				c.Data = stripControls(c.Data)
			case c.Type != xhtml.ElementNode || dropped[c.Data]:
				n.RemoveChild(c)
			case c.Namespace != "" || !keptElement(c.Data):
				// Its children take its place, and are looked at next.
				first := c.FirstChild
				for gc := first; gc != nil; {
					reshaped = reshaped || gc.Type == xhtml.ElementNode
					gnext := gc.NextSibling
					c.RemoveChild(gc)
					n.InsertBefore(gc, c)
					gc = gnext
				}
				n.RemoveChild(c)
				if first != nil {
					next = first
				}
			default:
				fixElement(c, shift)
				for i := range c.Attr {
					c.Attr[i].Val = stripControls(c.Attr[i].Val)
				}
				stack = append(stack, c)
			}
			c = next
		}
	}
	return reshaped
}

// keptElement reports whether an HTML element stays in a posted body.
func keptElement(name string) bool {
	_, ok := bodyRules()[name]
	return ok || name == "h1"
}

// fixElement makes an <hr> a scene break, moves a heading down, and
// keeps a block centred or set right by align="…" or style="text-align: …"
// (as word processors write it) as class="center" or class="right".
func fixElement(n *xhtml.Node, shift int) {
	switch n.DataAtom {
	case atom.Hr:
		n.Attr = []xhtml.Attribute{{Key: "class", Val: "scene-break"}}
		return
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		level := min(max(int(n.Data[1]-'0')+shift, 2), 6)
		n.Data = "h" + string(rune('0'+level))
		n.DataAtom = atom.Lookup([]byte(n.Data))
	case atom.P, atom.Div:
	default:
		return
	}
	align, class := "", -1
	for i, a := range n.Attr {
		switch {
		case a.Key == "class":
			class = i
		case a.Key == "align":
			align = strings.ToLower(strings.TrimSpace(a.Val))
		case a.Key == "style":
			if m := textAlign.FindStringSubmatch(strings.ToLower(a.Val)); m != nil {
				align = m[1]
			}
		}
	}
	if align != "center" && align != "right" || class >= 0 && classValue.MatchString(n.Attr[class].Val) {
		return
	}
	if class >= 0 {
		n.Attr[class].Val = align
	} else {
		n.Attr = append(n.Attr, xhtml.Attribute{Key: "class", Val: align})
	}
}

// textAlign finds the alignment in a style attribute.
var textAlign = regexp.MustCompile(`(?:^|;)\s*text-align\s*:\s*(center|right)\b`)

// nestedDeeperThan reports whether any node under root is more than limit
// elements deep, without recursion.
func nestedDeeperThan(root *xhtml.Node, limit int) bool {
	type entry struct {
		n     *xhtml.Node
		depth int
	}
	stack := []entry{{root, 0}}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if e.depth > limit {
			return true
		}
		for c := e.n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == xhtml.ElementNode {
				stack = append(stack, entry{c, e.depth + 1})
			}
		}
	}
	return false
}

// topBlocks are the elements that stand on their own at the top of a body;
// anything else there (text, inline elements, line breaks) is put in
// paragraphs.
var topBlocks = map[string]bool{
	"p": true, "hr": true, "pre": true, "blockquote": true, "div": true, "center": true,
	"h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"ul": true, "ol": true, "dl": true, "table": true, "li": true, "dt": true, "dd": true,
}

// blocksOf returns root's children as blocks: each block element as it
// is, and the runs of other nodes between them in paragraphs, split at
// blank lines in their text. Paragraphs of white space alone are dropped.
func blocksOf(root *xhtml.Node) []*xhtml.Node {
	var out []*xhtml.Node
	var p *xhtml.Node // the paragraph being filled
	end := func() {
		if p != nil && !blankParagraph(p) {
			trimParagraph(p)
			out = append(out, p)
		}
		p = nil
	}
	add := func(n *xhtml.Node) {
		if p == nil {
			p = &xhtml.Node{Type: xhtml.ElementNode, Data: "p", DataAtom: atom.P}
		}
		p.AppendChild(n)
	}
	for c := root.FirstChild; c != nil; {
		next := c.NextSibling
		root.RemoveChild(c)
		switch {
		case c.Type == xhtml.ElementNode && (topBlocks[c.Data] || holdsBlock(c)):
			// An inline element around a block (<b><h2>…</h2></b>) stands
			// on its own too: a paragraph around it would be closed by
			// the block.
			end()
			out = append(out, c)
		case c.Type == xhtml.TextNode:
			for i, part := range blankLines.Split(c.Data, -1) {
				if i > 0 {
					end()
				}
				if part != "" {
					add(&xhtml.Node{Type: xhtml.TextNode, Data: part})
				}
			}
		default:
			add(c)
		}
		c = next
	}
	end()
	return out
}

// holdsBlock reports whether an element has a block among its
// descendants: an element that would close a paragraph around it.
func holdsBlock(n *xhtml.Node) bool {
	stack := []*xhtml.Node{n}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for c := e.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == xhtml.ElementNode {
				if topBlocks[c.Data] {
					return true
				}
				stack = append(stack, c)
			}
		}
	}
	return false
}

// blockInParagraph reports whether a paragraph among or within blocks
// holds a block.
func blockInParagraph(blocks []*xhtml.Node) bool {
	stack := slices.Clone(blocks)
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if e.DataAtom == atom.P && holdsBlock(e) {
			return true
		}
		for c := e.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == xhtml.ElementNode {
				stack = append(stack, c)
			}
		}
	}
	return false
}

// blankParagraph reports whether a paragraph holds only white space.
func blankParagraph(p *xhtml.Node) bool {
	for c := p.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != xhtml.TextNode || strings.TrimSpace(c.Data) != "" {
			return false
		}
	}
	return true
}

// trimParagraph removes white space at the start and end of a paragraph
// made from loose text.
func trimParagraph(p *xhtml.Node) {
	if c := p.FirstChild; c.Type == xhtml.TextNode {
		c.Data = strings.TrimLeft(c.Data, " \t\n")
	}
	if c := p.LastChild; c.Type == xhtml.TextNode {
		c.Data = strings.TrimRight(c.Data, " \t\n")
	}
}
