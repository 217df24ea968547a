package ingest

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"fanarchive/internal/prose"
)

// ansiEscape is an ANSI or VT100 terminal control sequence: colours and
// cursor moves ("\x1b[1;33m"), character set switches ("\x1b(0"), as BBS
// text files and terminal animations carried them.
var ansiEscape = regexp.MustCompile(`\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[()*+][0-9A-Za-z]|[0-9=>@-Z\\^_])`)

// normalise prepares decoded text for line-based parsing: CRLF and lone CR
// become LF, a form feed becomes a blank line, tabs expand to 8-column stops,
// other control characters (NUL, the DOS end-of-file mark, ANSI escapes) and
// trailing white space are removed. The raw bytes are kept elsewhere, so
// nothing here loses anything.
func normalise(text string) []string {
	if strings.IndexByte(text, 0x1b) >= 0 {
		text = ansiEscape.ReplaceAllString(text, "") // colours of a BBS's text files
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	text = strings.ReplaceAll(text, "\f", "\n\n")
	raw := strings.Split(text, "\n")
	lines := make([]string, 0, len(raw))
	var b strings.Builder
	for _, l := range raw {
		if plainLine(l) {
			lines = append(lines, strings.TrimRight(l, " "))
			continue
		}
		b.Reset()
		col := 0
		for _, r := range l {
			switch {
			case r == '\t':
				n := 8 - col%8
				b.WriteString(strings.Repeat(" ", n))
				col += n
			case r == '\u00a0':
				b.WriteByte(' ')
				col++
			case r == utf8.RuneError, unicode.IsControl(r), r == '\ufeff':
				// dropped from the derived text; still in the raw source
			default:
				b.WriteRune(r)
				col++
			}
		}
		lines = append(lines, strings.TrimRightFunc(b.String(), unicode.IsSpace))
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// plainLine reports whether l is printable ASCII without tabs, so that
// normalise can keep it as it is.
func plainLine(l string) bool {
	for i := 0; i < len(l); i++ {
		if c := l[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// para is a run of non-blank lines: the unit the header, footer and body
// parsers work on. Lines keep their indentation.
type para struct {
	lines []string
	// first is the index of the paragraph's first line in the file, for
	// messages and for telling how far apart two paragraphs are.
	first int
}

// text returns the paragraph's lines joined by spaces, trimmed.
func (p para) text() string {
	parts := make([]string, len(p.lines))
	for i, l := range p.lines {
		parts[i] = strings.TrimSpace(l)
	}
	return strings.Join(parts, " ")
}

// words counts the words in the paragraph.
func (p para) words() int { return prose.CountWords(p.text()) }

// paragraphs splits lines into paragraphs at blank lines.
func paragraphs(lines []string) []para {
	var out []para
	var cur *para
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			cur = nil
			continue
		}
		if cur == nil {
			out = append(out, para{first: i})
			cur = &out[len(out)-1]
		}
		cur.lines = append(cur.lines, l)
		if n := len(cur.lines); n >= 2 && n <= 3 && headingRule(l) && !drawn(cur.lines) {
			// A rule under a heading (not the rule above it) closes the
			// block: "PART 1" / "-----" / the story run on below without a
			// blank line.
			cur = nil
		}
	}
	return out
}

// headingRule reports whether a line is a rule drawn under a heading: one
// of - = _ ~ * repeated, at least five times, and nothing else.
func headingRule(l string) bool {
	t := strings.TrimSpace(l)
	return len(t) >= 5 && strings.Trim(t, t[:1]) == "" && strings.ContainsAny(t[:1], "-=_~*")
}

// drawn reports whether lines are part of a drawn table or box, whose rules
// separate rows, not blocks.
func drawn(lines []string) bool {
	for _, l := range lines {
		if strings.ContainsAny(l, "|+") {
			return true
		}
	}
	return false
}

// indent returns the number of leading spaces of a line.
func indent(l string) int {
	return len(l) - len(strings.TrimLeft(l, " "))
}
