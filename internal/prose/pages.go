package prose

import (
	"strings"

	xhtml "golang.org/x/net/html"
)

// SplitPages cuts a chapter body into pages of at most limit bytes, so that a
// long chapter can be stored, read and shown a page at a time. Pages are
// substrings of body, in order, and their concatenation is body exactly.
//
// A page only ever begins at the start tag of a block (<p>, <hr>, <pre>,
// <blockquote>, a heading, <div>, a list or table…) that no other element
// encloses, so no element is cut in two and every page is whole HTML that
// shows as it would within the chapter. White space after a block stays with
// it. A block longer than limit is a page by itself; so is a body with nowhere
// to cut (such as one element around everything), which then stays whole.
// A body of at most limit bytes, or an empty one, is one page.
func SplitPages(body string, limit int) []string {
	if len(body) <= limit || limit <= 0 {
		return []string{body}
	}
	var pages []string
	start := 0 // where the page being filled begins
	last := 0  // the latest place to cut, start or later
	cut := func(at int) {
		if at-start > limit && last > start {
			pages = append(pages, body[start:last])
			start = last
		}
		if at-start > limit {
			// One block, longer than a page: a page of its own.
			pages = append(pages, body[start:at])
			start = at
		}
		last = at
	}

	z := xhtml.NewTokenizer(strings.NewReader(body))
	var open []string // the elements enclosing the current token
	offset := 0
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			break
		}
		raw := len(z.Raw())
		switch tt {
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			block := blockTags[string(name)]
			if block && len(open) > 0 && open[len(open)-1] == "p" {
				// A block start closes an open <p>, as browsers read it.
				open = open[:len(open)-1]
			}
			if block && len(open) == 0 && offset > 0 {
				cut(offset)
			}
			if tt == xhtml.StartTagToken && !voidTags[string(name)] {
				open = append(open, string(name))
			}
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			for i := len(open) - 1; i >= 0; i-- {
				if open[i] == string(name) {
					open = open[:i]
					break
				}
			}
		}
		offset += raw
	}
	cut(len(body))
	if start < len(body) {
		pages = append(pages, body[start:])
	}
	return pages
}

// blockTags are the elements a page may begin with: those the body policy
// allows (see Sanitize) that stand on their own lines.
var blockTags = map[string]bool{
	"p": true, "hr": true, "pre": true, "blockquote": true, "div": true, "center": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"ul": true, "ol": true, "dl": true, "table": true,
}

// voidTags are the elements that have no end tag.
var voidTags = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
}
