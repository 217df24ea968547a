package ingest

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Stories typed for paper and posted as they were printed carry the
// printer's layout: a blank line after every line (double spacing) and page
// numbers between the lines of the story. Both are undone in the derived
// text before paragraphs are found; the raw source keeps them.

// pageMark is a page number on a line of its own: "Page 2", "Page 2 of 9",
// "- 2 -".
var pageMark = regexp.MustCompile(`(?i)^\s*(?:page\s+(\d{1,4})(?:\s+of\s+\d{1,4})?|-\s*(\d{1,4})\s*-)\s*$`)

// dropPageMarks removes page numbers when there are at least two and they
// count up: one "Page 3" line alone may be the story's.
func dropPageMarks(lines []string) []string {
	var at []int
	last := 0
	for i, l := range lines {
		if len(l) > 24 {
			continue
		}
		m := pageMark.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1] + m[2])
		if n <= last {
			return lines // numbers that do not count up are not pages
		}
		last = n
		at = append(at, i)
	}
	if len(at) < 2 {
		return lines
	}
	out := make([]string, 0, len(lines)-len(at))
	k := 0
	for i, l := range lines {
		if k < len(at) && at[k] == i {
			k++
			continue
		}
		out = append(out, l)
	}
	return out
}

// undoubleSpace removes the blank line after every line of a double-spaced
// text. A text is double-spaced when most of its lines stand alone between
// blank lines, none is longer than a typed line, and many of them stop in
// the middle of a sentence that the next line goes on with in lower case —
// in a text whose paragraphs are one line each, every line ends one. Runs of
// two or more blank lines stay breaks; paragraphs show by indentation, as
// reflow reads them.
func undoubleSpace(lines []string) []string {
	blank := func(i int) bool { return i < 0 || i >= len(lines) || strings.TrimSpace(lines[i]) == "" }
	nonBlank, alone, goesOn := 0, 0, 0
	for i, l := range lines {
		if blank(i) {
			continue
		}
		if len(l) > 100 {
			return lines
		}
		nonBlank++
		if !blank(i-1) || !blank(i+1) {
			continue
		}
		alone++
		if !blank(i+2) && !endsSentence(strings.TrimSpace(l)) && startsLower(lines[i+2]) {
			goesOn++
		}
	}
	if nonBlank < 20 || alone*10 < nonBlank*7 || goesOn*10 < alone*2 {
		return lines
	}
	half := typedWidth(lines) / 2
	out := make([]string, 0, len(lines))
	for i, l := range lines {
		if blank(i) && !blank(i-1) && !blank(i+1) && runsOn(lines[i-1], lines[i+1], half) {
			continue
		}
		out = append(out, l)
	}
	return out
}

// runsOn reports whether, in a double-spaced text, line b continues the
// paragraph of line a, so the blank line between them is the typist's:
// a is a line of running text (at least half the typed width, not a heading
// or a break) and either stops mid-sentence, or is followed by another full
// line no further indented. A short line (a name, a title, a paragraph's
// last words after a finished sentence) and a heading keep their blank
// lines, and so does a new paragraph's indented first line.
func runsOn(a, b string, half int) bool {
	ta, tb := strings.TrimSpace(a), strings.TrimSpace(b)
	if len(ta) < half || headingRe.MatchString(ta) || headingRe.MatchString(tb) || sceneBreakLine(ta) || sceneBreakLine(tb) {
		return false
	}
	return !endsSentence(ta) || (len(tb) >= half && indent(b) <= indent(a))
}

// startsLower reports whether a line's text begins with a lower-case letter.
func startsLower(l string) bool {
	for _, r := range strings.TrimSpace(l) {
		return unicode.IsLower(r)
	}
	return false
}

// boxEdge is how far from either end of a text a box is looked for: title
// and closing boxes, not drawings in the story.
const boxEdge = 40

// unbox opens the boxes that title blocks and closing notes were drawn in,
// near the start and the end of a text:
//
//	******************************      +---------------------------+
//	*         LAMPLIGHT          *      | Title:  Lamplight         |
//	*      by Wren Halloway      *      | Author: Wren Halloway     |
//	******************************      +---------------------------+
//
// A box is three or more lines: rules of one border character (corners
// aside) and lines framed by the same character on both sides with no
// such character inside. Its rules become blank lines and its framed lines
// what they frame, so the header and footer rules read what is inside.
func unbox(lines []string) []string {
	var out []string // copied on the first change
	for i := 0; i < len(lines); {
		if i >= boxEdge && i < len(lines)-boxEdge {
			i = len(lines) - boxEdge
			continue
		}
		end, ok := boxAt(lines, i)
		if !ok {
			i++
			continue
		}
		if out == nil {
			out = slices.Clone(lines)
		}
		for k := i; k < end; k++ {
			t := strings.TrimSpace(lines[k])
			if boxRule(t) {
				out[k] = ""
			} else {
				out[k] = strings.TrimRight(t[1:len(t)-1], " ")
			}
		}
		i = end
	}
	if out == nil {
		return lines
	}
	return out
}

// boxAt reports whether a box starts at line i, and where it ends: a rule,
// framed lines, a rule.
func boxAt(lines []string, i int) (end int, ok bool) {
	top := strings.TrimSpace(lines[i])
	if !boxRule(top) {
		return 0, false
	}
	edge := boxSide(top)
	framed := 0
	for k := i + 1; k < len(lines); k++ {
		t := strings.TrimSpace(lines[k])
		switch {
		case boxRule(t) && framed > 0:
			return k + 1, true
		case len(t) >= 2 && t[0] == t[len(t)-1] && strings.IndexByte(t[1:len(t)-1], t[0]) < 0 && (t[0] == edge || t[0] == '|') && strings.IndexByte("*|#!", t[0]) >= 0:
			framed++
		default:
			return 0, false
		}
	}
	return 0, false
}

// boxRule reports whether a trimmed line is a box's top or bottom: at least
// five of one of * = # - _ ~, with + at the corners allowed.
func boxRule(t string) bool {
	t = strings.Trim(t, "+")
	return len(t) >= 5 && strings.IndexByte("*=#-_~", t[0]) >= 0 && strings.Trim(t, t[:1]) == ""
}

// boxSide is the character a box's sides are drawn with, given its top: a
// box of asterisks has asterisk sides; one of dashes or equals signs, bars.
func boxSide(top string) byte {
	if c := strings.Trim(top, "+")[0]; c == '*' || c == '#' {
		return c
	}
	return '|'
}
