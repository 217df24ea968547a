package download

import (
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// EPUB content documents are XHTML: well-formed XML of HTML5's vocabulary.
// Stored bodies are HTML (sanitised: internal/prose), so each page is parsed
// as HTML and written back as XML, with the few old elements the body
// policy keeps but HTML5 dropped made into their modern forms.

// bodyContext is the element a page's fragment is parsed in.
var bodyContext = &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}

// writeXHTML writes a sanitised HTML fragment as XHTML.
func writeXHTML(w io.Writer, fragment string) error {
	nodes, err := html.ParseFragment(strings.NewReader(stripControls(fragment)), bodyContext)
	if err != nil {
		return err
	}
	for _, n := range nodes {
		modernize(n)
		if err := html.Render(w, n); err != nil {
			return err
		}
	}
	return nil
}

// modernize rewrites elements HTML5 no longer has (center, big, strike,
// tt) into ones it has, keeping their look with a class, and drops
// attributes XHTML content documents do not allow on them.
func modernize(n *html.Node) {
	if n.Type == html.ElementNode {
		switch n.Data {
		case "center":
			n.Data, n.DataAtom = "div", atom.Div
			addClass(n, "center")
		case "big":
			n.Data, n.DataAtom = "span", atom.Span
			addClass(n, "big")
		case "strike":
			n.Data, n.DataAtom = "s", atom.S
		case "tt":
			n.Data, n.DataAtom = "code", atom.Code
		}
		// lang must be xml:lang as well in XHTML; keeping both is valid.
		for _, a := range n.Attr {
			if a.Key == "lang" && a.Namespace == "" {
				n.Attr = append(n.Attr, html.Attribute{Key: "xml:lang", Val: a.Val})
				break
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		modernize(c)
	}
}

func addClass(n *html.Node, class string) {
	for i, a := range n.Attr {
		if a.Key == "class" {
			n.Attr[i].Val = strings.TrimSpace(a.Val + " " + class)
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: "class", Val: class})
}

// escapeText escapes text for XML and HTML alike.
func escapeText(s string) string {
	return html.EscapeString(stripControls(s))
}

// stripControls removes characters XML 1.0 does not allow (C0 controls but
// tab and newline, and U+FFFE/U+FFFF), which legacy text can carry.
func stripControls(s string) string {
	if !strings.ContainsFunc(s, badXMLRune) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if badXMLRune(r) {
			return -1
		}
		return r
	}, s)
}

func badXMLRune(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF
}
