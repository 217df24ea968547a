package prose

import (
	"html"
	"math"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"
)

// BlockKind is the shape of one block of story text.
type BlockKind int

// Block kinds. Together they are everything a plain-text story can express.
const (
	// Paragraph is running prose: its lines are joined with spaces.
	Paragraph BlockKind = iota
	// SceneBreak is a line such as "* * *" or "~~~" between scenes.
	SceneBreak
	// Verse keeps its line breaks: poetry, lyrics, letters, signatures.
	Verse
	// Preformatted keeps its spacing too: ASCII art, tables, centred banners.
	Preformatted
	// Heading is a line that titles what follows, such as "Chapter 3".
	Heading
)

// Block is one block of story text. Text is plain text, not HTML; for Verse
// and Preformatted it keeps its newlines.
type Block struct {
	Kind BlockKind
	Text string
}

// HTML renders blocks as a chapter body: each block one element, text
// escaped. The result is already within the Sanitize policy.
func HTML(blocks []Block) string {
	var b strings.Builder
	for _, bl := range blocks {
		text := html.EscapeString(bl.Text)
		switch bl.Kind {
		case Paragraph:
			b.WriteString("<p>" + text + "</p>\n")
		case SceneBreak:
			b.WriteString("<hr class=\"scene-break\">\n")
		case Verse:
			b.WriteString("<p class=\"verse\">" + strings.ReplaceAll(text, "\n", "<br>\n") + "</p>\n")
		case Preformatted:
			b.WriteString("<pre>" + text + "</pre>\n")
		case Heading:
			b.WriteString("<h3>" + text + "</h3>\n")
		}
	}
	return b.String()
}

// BlockWords counts the words of blocks as CountWords counts them in the
// PlainText of their HTML, without rendering it.
func BlockWords(blocks []Block) int {
	n := 0
	for _, b := range blocks {
		if b.Kind != SceneBreak {
			n += CountWords(b.Text)
		}
	}
	return n
}

// BlockText returns the text of the first blocks, up to at least minWords
// words, separated by blank lines: what PlainText would give of them, for
// previews.
func BlockText(blocks []Block, minWords int) string {
	var parts []string
	words := 0
	for _, b := range blocks {
		if b.Kind == SceneBreak {
			parts = append(parts, "* * *")
			continue
		}
		parts = append(parts, b.Text)
		if minWords == math.MaxInt {
			continue // all of it: no need to count
		}
		if words += CountWords(b.Text); words >= minWords {
			break
		}
	}
	return strings.Join(parts, "\n\n")
}

// bodyElements are the elements a chapter body may hold: blocks, lists,
// tables and inline emphasis. Everything else (links, images, forms,
// scripts, styles, frames, SVG, MathML…) is removed with its tags, keeping
// its text, or with its content for scripts, styles and frames.
var bodyElements = []string{"p", "br", "hr", "pre", "blockquote", "h2", "h3", "h4", "h5", "h6",
	"em", "strong", "i", "b", "u", "s", "strike", "del", "ins", "sub", "sup", "small", "big",
	"cite", "q", "abbr", "code", "span", "div", "center",
	"ul", "ol", "li", "dl", "dt", "dd",
	"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption"}

// The attributes a body may hold and the values they may have: the policy
// (bodyPolicy) and the quick check (IsSanitized) both read them here.
var (
	classValue   = regexp.MustCompile(`^(scene-break|verse|center|right)$`)
	dirValue     = regexp.MustCompile(`^(ltr|rtl|auto)$`)
	langValue    = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)
	titleValue   = bluemonday.Paragraph // on <abbr> only
	integerValue = bluemonday.Integer   // colspan and rowspan, on <td> and <th> only
)

// bodyPolicy is built once; bluemonday policies are safe for concurrent use
// after construction.
var bodyPolicy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements(bodyElements...)
	p.AllowAttrs("class").Matching(classValue).Globally()
	p.AllowAttrs("title").Matching(titleValue).OnElements("abbr")
	p.AllowAttrs("dir").Matching(dirValue).Globally()
	p.AllowAttrs("lang").Matching(langValue).Globally()
	p.AllowAttrs("colspan", "rowspan").Matching(integerValue).OnElements("td", "th")
	return p
})

// Sanitize returns htmlFragment with everything outside the body policy
// removed: scripts, styles, event handlers, links, images, forms and unknown
// attributes. Story bodies from any source pass through here, or are
// checked by IsSanitized, before they are stored; stores guarantee it
// (fanarchive.WorkService), so pages show stored bodies as they are.
func Sanitize(htmlFragment string) string {
	return bodyPolicy().Sanitize(htmlFragment)
}

// PlainText extracts the text of a chapter body: blocks separated by a blank
// line, <br> as a newline, scene breaks as "* * *", entities decoded. It is
// what word counts, search and previews read.
func PlainText(body string) string {
	var b textBuf
	z := xhtml.NewTokenizer(strings.NewReader(body))
	pendingBreak := false // a block ended; the next text starts a new one
	inPre := 0
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			return strings.TrimSpace(string(b))
		case xhtml.TextToken:
			text := string(z.Text())
			if inPre == 0 {
				// Outside <pre>, a run of HTML white space is one space, and
				// none at the start of a line.
				lead := isHTMLSpace(text[0])
				trail := isHTMLSpace(text[len(text)-1])
				text = collapseHTMLSpace(text)
				if lead && !pendingBreak {
					b.space()
				}
				if text == "" {
					continue
				}
				if trail {
					text += " "
				}
			}
			if pendingBreak {
				b.trimSpace()
				b = append(b, "\n\n"...)
				pendingBreak = false
			}
			b = append(b, text...)
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if tag == "pre" {
				if tt == xhtml.StartTagToken {
					inPre++
				} else if inPre > 0 {
					inPre--
				}
			}
			switch tag {
			case "br":
				b.trimSpace()
				b = append(b, '\n')
			case "hr":
				if len(b) > 0 {
					b.trimSpace()
					b = append(b, "\n\n"...)
				}
				b = append(b, "* * *"...)
				pendingBreak = true
			case "p", "div", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
				"li", "tr", "dt", "dd", "table", "ul", "ol", "center", "caption":
				if len(b) > 0 {
					pendingBreak = true
				}
			}
		}
	}
}

// textBuf accumulates PlainText's output; its methods keep every operation
// constant-time so long chapters stay linear.
type textBuf []byte

// space adds one space unless the text is empty or already ends in white
// space.
func (b *textBuf) space() {
	if n := len(*b); n > 0 && (*b)[n-1] != ' ' && (*b)[n-1] != '\n' {
		*b = append(*b, ' ')
	}
}

// trimSpace removes spaces at the end of the text.
func (b *textBuf) trimSpace() {
	for n := len(*b); n > 0 && (*b)[n-1] == ' '; n-- {
		*b = (*b)[:n-1]
	}
}

// collapseHTMLSpace returns text with runs of HTML white space made one
// space, and none at either end: strings.Fields for HTML's white space,
// joined with spaces, without splitting (PlainText's hot path: most text
// needs no change, and is returned as it is).
func collapseHTMLSpace(text string) string {
	clean, space := true, true // space: the last byte was white space, or none came yet
	for i := 0; i < len(text) && clean; i++ {
		c := text[i]
		if isHTMLSpace(c) {
			clean = c == ' ' && !space
			space = true
		} else {
			space = false
		}
	}
	if clean && !space {
		return text
	}
	out := make([]byte, 0, len(text))
	space = true
	for i := 0; i < len(text); i++ {
		c := text[i]
		if isHTMLSpace(c) {
			space = true
			continue
		}
		if space && len(out) > 0 {
			out = append(out, ' ')
		}
		space = false
		out = append(out, c)
	}
	return string(out)
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}
