package ingest

import (
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"fanarchive"
)

// Limits that keep hostile or broken pages cheap to read. A story page has
// a few thousand elements nested a dozen deep; past these limits a page is
// a dump, a trap or a generator gone wrong.
const (
	// maxHTMLElements is the most start tags a page may have: the parsed
	// tree costs about 150 bytes per element.
	maxHTMLElements = 500_000
	// maxTagDepth is the deepest nesting kept. Deeper start tags (and their
	// end tags) are dropped before parsing, because the HTML parser refuses
	// trees deeper than 512 elements and because nothing that deep is
	// anything but unclosed <font>s or an attack. Their text is kept.
	maxTagDepth = 200
	// maxEndTagSearch is how far down the open-tag stack an end tag looks
	// for its start tag, so stray end tags stay cheap.
	maxEndTagSearch = 64
)

// noNesting are the elements that never nest: void elements, and <p>,
// which the parser closes before any block (so unclosed <p>s, the habit
// of every old page, stay flat).
var noNesting = map[atom.Atom]bool{
	atom.Area: true, atom.Base: true, atom.Br: true, atom.Col: true, atom.Embed: true, atom.Hr: true,
	atom.Img: true, atom.Input: true, atom.Link: true, atom.Meta: true, atom.Param: true, atom.Source: true,
	atom.Track: true, atom.Wbr: true, atom.Keygen: true, atom.P: true, atom.Option: true, atom.Optgroup: true,
	atom.Colgroup: true, atom.Rb: true, atom.Rt: true, atom.Rp: true, atom.Html: true, atom.Head: true, atom.Body: true,
}

// closedBy lists, for elements a following sibling closes implicitly, the
// open elements they close: a new <li> closes the last <li>, a <td> the
// last cell, a <tr> the last row.
var closedBy = map[atom.Atom][]atom.Atom{
	atom.Li: {atom.Li}, atom.Dt: {atom.Dt, atom.Dd}, atom.Dd: {atom.Dt, atom.Dd},
	atom.Td: {atom.Td, atom.Th}, atom.Th: {atom.Td, atom.Th}, atom.Tr: {atom.Tr, atom.Td, atom.Th},
	atom.Tbody: tableSections, atom.Thead: tableSections, atom.Tfoot: tableSections, atom.Caption: {atom.Caption},
}

var tableSections = []atom.Atom{atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr, atom.Td, atom.Th}

// scopes end the search for an element to close implicitly: an <li>
// closes the <li> of its own list, not one of an outer list.
var scopes = map[atom.Atom]bool{
	atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Table: true, atom.Menu: true, atom.Dir: true,
}

// parseDocument parses a decoded page into a tree, after capping its size
// and depth (see maxHTMLElements and maxTagDepth).
func parseDocument(text string) (*html.Node, error) {
	text, err := flattenDeepTags(text)
	if err != nil {
		return nil, err
	}
	doc, err := html.Parse(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("parsing the page: %w", fanarchive.Errorf(fanarchive.EUNREADABLE, "The page's markup cannot be read (%v).", err))
	}
	return doc, nil
}

// openTag is a start tag on flattenDeepTags' stack.
type openTag struct {
	a    atom.Atom
	name string // for elements without an atom
	kept bool
}

// flattenDeepTags returns text with start tags nested deeper than
// maxTagDepth removed, with their end tags. Nesting is counted naively
// (each start tag opens, its end tag closes), which overestimates what
// the parser builds; the text is returned unchanged when nothing is too
// deep. A page with more than maxHTMLElements start tags is EUNREADABLE.
func flattenDeepTags(text string) (string, error) {
	z := html.NewTokenizer(strings.NewReader(text))
	var (
		stack    []openTag
		out      *strings.Builder // nil until the first dropped tag
		consumed int
		elements int
	)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := z.Raw()
		keep := true
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			if elements++; elements > maxHTMLElements {
				return "", fanarchive.Errorf(fanarchive.EUNREADABLE, "The page has more than %d elements; it is not one story page.", maxHTMLElements)
			}
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if tt == html.SelfClosingTagToken || noNesting[a] {
				break
			}
			if closes := closedBy[a]; closes != nil {
				stack = closeImplied(stack, closes)
			}
			t := openTag{a: a, kept: len(stack) < maxTagDepth}
			if a == 0 {
				t.name = string(name)
			}
			stack = append(stack, t)
			keep = t.kept
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			for i := len(stack) - 1; i >= 0 && i >= len(stack)-maxEndTagSearch; i-- {
				if stack[i].a == a && (a != 0 || stack[i].name == string(name)) {
					keep = stack[i].kept
					stack = stack[:i]
					break
				}
			}
		}
		if !keep && out == nil {
			out = &strings.Builder{}
			out.Grow(len(text))
			out.WriteString(text[:consumed])
		}
		if keep && out != nil {
			out.Write(raw)
		}
		consumed += len(raw)
	}
	if out == nil {
		return text, nil
	}
	return out.String(), nil
}

// closeImplied pops the open element that a new sibling closes, with
// everything above it, if it is open within the nearest list or table.
func closeImplied(stack []openTag, closes []atom.Atom) []openTag {
	for i := len(stack) - 1; i >= 0 && i >= len(stack)-maxEndTagSearch; i-- {
		if scopes[stack[i].a] {
			break
		}
		for _, c := range closes {
			if stack[i].a == c {
				return stack[:i]
			}
		}
	}
	return stack
}

// pageInfo is what a page says about itself outside its body text.
type pageInfo struct {
	title      string   // the <title>, white space collapsed
	metaAuthor string   // <meta name="author">
	comments   []string // comment texts, in document order
	lang       string   // the primary language subtag of <html lang>, e.g. "en"
	body       *html.Node
	site       *siteFront // what a site layout read (readSite), or nil
}

// langAttr matches a BCP 47 language tag and captures its primary subtag.
var langAttr = regexp.MustCompile(`^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*$`)

// maxComments is how many comments are kept for metadata: it lives near
// the top of a page, and a page of a million comments is not a story.
const maxComments = 500

// readPage collects the page's title, author meta tag and comments, and
// finds its body. A frameset page has no body of its own.
func readPage(doc *html.Node) (pageInfo, error) {
	var pg pageInfo
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		switch n.Type {
		case html.CommentNode:
			if len(pg.comments) < maxComments {
				pg.comments = append(pg.comments, n.Data)
			}
			return
		case html.ElementNode:
			if n.Namespace != "" { // svg, math
				return
			}
			switch n.DataAtom {
			case atom.Title:
				if pg.title == "" {
					pg.title = collapse(textContent(n))
				}
				return
			case atom.Meta:
				if strings.EqualFold(attr(n, "name"), "author") && pg.metaAuthor == "" {
					pg.metaAuthor = collapse(attr(n, "content"))
				}
			case atom.Html, atom.Body:
				if m := langAttr.FindStringSubmatch(attr(n, "lang")); m != nil && pg.lang == "" {
					pg.lang = strings.ToLower(m[1])
				}
				if n.DataAtom == atom.Body && pg.body == nil {
					pg.body = n
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(doc)
	if pg.body == nil {
		return pg, fanarchive.Errorf(fanarchive.EUNREADABLE, "The page is a frameset with no text of its own; import the pages its frames show.")
	}
	return pg, nil
}

// dropped are elements that are never story text: scripts, styles, forms,
// embedded media and site navigation. Images are handled by the block
// walker (an image alone between scenes is a scene break).
var dropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Form: true,
	atom.Button: true, atom.Input: true, atom.Select: true, atom.Textarea: true, atom.Iframe: true,
	atom.Frame: true, atom.Frameset: true, atom.Object: true, atom.Embed: true, atom.Applet: true,
	atom.Map: true, atom.Svg: true, atom.Math: true, atom.Video: true, atom.Audio: true, atom.Canvas: true,
	atom.Link: true, atom.Meta: true, atom.Base: true, atom.Title: true, atom.Nav: true, atom.Head: true,
	atom.Datalist: true, atom.Dialog: true,
}

// chromeName matches the class and id tokens that mark site chrome.
var chromeName = regexp.MustCompile(`(?i)^(?:nav|navbar|nav-?bar|navigation|nav-?links|menu|menubar|sidebar|side-?bar|breadcrumbs?|crumbs|site-?header|site-?footer|masthead|banner|ads?|advert\w*|sponsor\w*|skip-?links?|jumpbox|pager|pagination|share|sharing|social|cookie\w*|landmark)$`)

// hiddenStyle matches inline styles that hide an element: hidden text on
// old pages is keyword spam or tracking, never story.
var hiddenStyle = regexp.MustCompile(`(?i)display\s*:\s*none|visibility\s*:\s*hidden`)

// isChrome reports whether an element is never story text: dropped, hidden,
// or named as navigation by its class or id.
func isChrome(n *html.Node) bool {
	if n.Namespace != "" || dropped[n.DataAtom] {
		return true
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "style":
			if hiddenStyle.MatchString(a.Val) {
				return true
			}
		case "id", "class":
			for _, tok := range strings.Fields(a.Val) {
				if chromeName.MatchString(tok) {
					return true
				}
			}
		}
	}
	return false
}

// attr returns the value of n's attribute key, or "".
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// hasClass reports whether n's class attribute lists class.
func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

// textContent returns the text inside n, with nothing collapsed.
func textContent(n *html.Node) string {
	var b strings.Builder
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(n)
	return b.String()
}

// collapse trims s and turns every run of white space in it into one space.
func collapse(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}

// findElement returns the first element under n (n included) for which
// match is true, in document order, or nil.
func findElement(n *html.Node, match func(*html.Node) bool) *html.Node {
	if n.Type == html.ElementNode && match(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findElement(c, match); f != nil {
			return f
		}
	}
	return nil
}
