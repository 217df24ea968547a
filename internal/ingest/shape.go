package ingest

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"fanarchive/internal/prose"
)

// sceneBreakLine reports whether a line is a scene break or separator such
// as "***", "* * *", "~~~", "-----", "o0o" or "#" (prose.SceneBreakLine:
// posted plain text reads them by the same rule).
func sceneBreakLine(l string) bool { return prose.SceneBreakLine(l) }

// isSeparator reports whether a paragraph is a single scene-break line.
func isSeparator(p para) bool { return len(p.lines) == 1 && sceneBreakLine(p.lines[0]) }

// headingRe matches a chapter heading on a line of its own: "Part 2",
// "CHAPTER THREE: The Return", "* Part II *", "Part 1 of 7".
var headingRe = regexp.MustCompile(`(?i)^[\W_]{0,6}(part|chapter|book|section|episode|act)\s+(\d{1,3}|[ivxlc]{1,7}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)\b(?:\s*(?:of|/)\s*(?:\d{1,3}|[ivxlc]{1,7}|[a-z]+))?(?:\s*[:.\-–—]\s*(.{1,80}?))?[\W_]{0,6}$`)

var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
	"seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
	"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
	"ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}

// parseNumber reads a part number written as digits, a roman numeral or an
// English word; it returns 0 when s is none of those.
func parseNumber(s string) int {
	s = strings.ToLower(s)
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	if n, ok := numberWords[s]; ok {
		return n
	}
	return romanValue(s)
}

// romanValue returns the value of a lower-case roman numeral, or 0.
func romanValue(s string) int {
	vals := map[byte]int{'i': 1, 'v': 5, 'x': 10, 'l': 50, 'c': 100, 'd': 500, 'm': 1000}
	total := 0
	for i := 0; i < len(s); i++ {
		v, ok := vals[s[i]]
		if !ok {
			return 0
		}
		if i+1 < len(s) && vals[s[i+1]] > v {
			total -= v
		} else {
			total += v
		}
	}
	if total <= 0 || toRoman(total) != s {
		return 0 // "iiii", "vx", "ic": not canonical, likely not a numeral
	}
	return total
}

func toRoman(n int) string {
	syms := []struct {
		v int
		s string
	}{{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"}, {40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}}
	var b strings.Builder
	for _, sy := range syms {
		for n >= sy.v {
			b.WriteString(sy.s)
			n -= sy.v
		}
	}
	return b.String()
}

// heading is a chapter heading found in the body.
type heading struct {
	at     int // paragraph index
	number int
	title  string // the heading as written, trimmed of decoration
}

// chapterText is one chapter's paragraphs before shaping.
type chapterText struct {
	title string
	paras []para
}

// splitChapters cuts body paragraphs at chapter headings when there are at
// least two and their numbers increase; otherwise the body is one chapter.
// Text before the first heading joins the first chapter.
func splitChapters(body []para) []chapterText {
	var hs []heading
	for i, p := range body {
		line, ok := headingLine(p)
		if !ok || len(line) > 100 {
			continue // headings are short; the regexp need not read prose
		}
		m := headingRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n := parseNumber(m[2])
		if n == 0 || (len(hs) > 0 && n <= hs[len(hs)-1].number) {
			continue
		}
		title := strings.Trim(line, "*~#=+-_<>^•·:. ")
		hs = append(hs, heading{at: i, number: n, title: title})
	}
	if len(hs) < 2 {
		return []chapterText{{paras: body}}
	}
	chapters := make([]chapterText, len(hs))
	for i, h := range hs {
		end := len(body)
		if i+1 < len(hs) {
			end = hs[i+1].at
		}
		chapters[i] = chapterText{title: h.title, paras: body[h.at+1 : end]}
	}
	if pre := body[:hs[0].at]; len(pre) > 0 {
		chapters[0].paras = append(append([]para{}, pre...), chapters[0].paras...)
	}
	return chapters
}

// headingLine returns the one line of text in a paragraph that may be a
// heading: a single line, or a line between or under rules ("=====" /
// "Chapter 1." / "=====").
func headingLine(p para) (string, bool) {
	line := ""
	for _, l := range p.lines {
		if len(p.lines) > 1 && headingRule(l) {
			continue
		}
		if line != "" {
			return "", false
		}
		line = strings.TrimSpace(l)
	}
	return line, line != ""
}

// layout describes how a file's lines are wrapped, measured once over the
// whole body so each paragraph is judged against the file's own habits.
type layout struct {
	width       int  // a typical full line length
	hardWrapped bool // prose lines were broken at a fixed width
}

// measure finds the wrap width of body text: the 90th percentile of line
// lengths. A file whose paragraphs mostly have several lines of about that
// length was hard-wrapped.
func measure(body []para) layout {
	var lines []string
	multi := 0
	for _, p := range body {
		if len(p.lines) > 1 {
			multi++
		}
		lines = append(lines, p.lines...)
	}
	w := typedWidth(lines)
	if w == 0 {
		return layout{width: 80}
	}
	return layout{width: max(w, 20), hardWrapped: w <= unwrappedWidth && multi*3 >= len(body)}
}

// typedWidth is the length most lines of a text stay within: the 90th
// percentile of its non-blank lines' lengths in characters; 0 for none.
func typedWidth(lines []string) int {
	var lens []int
	for _, l := range lines {
		if t := strings.TrimRight(l, " "); t != "" {
			lens = append(lens, utf8.RuneCountInString(t))
		}
	}
	if len(lens) == 0 {
		return 0
	}
	slices.Sort(lens)
	return lens[len(lens)*9/10]
}

// blocks turns a chapter's paragraphs into prose blocks: scene breaks, verse
// and preformatted text keep their lines; prose is re-flowed, split where a
// line is indented to start a new paragraph.
func (lay layout) blocks(ps []para) []prose.Block {
	var out []prose.Block
	for _, p := range ps {
		switch {
		case isSeparator(p):
			out = append(out, prose.Block{Kind: prose.SceneBreak, Text: strings.TrimSpace(p.lines[0])})
		case len(p.lines) == 1:
			out = append(out, prose.Block{Kind: prose.Paragraph, Text: strings.TrimSpace(p.lines[0])})
		case lay.preformatted(p):
			out = append(out, prose.Block{Kind: prose.Preformatted, Text: dedent(p.lines)})
		case lay.verse(p):
			out = append(out, prose.Block{Kind: prose.Verse, Text: trimLines(p.lines)})
		default:
			for _, text := range lay.reflow(p.lines) {
				out = append(out, prose.Block{Kind: prose.Paragraph, Text: text})
			}
		}
	}
	// Breaks at the very start or end of a chapter separate nothing.
	for len(out) > 0 && out[0].Kind == prose.SceneBreak {
		out = out[1:]
	}
	for len(out) > 0 && out[len(out)-1].Kind == prose.SceneBreak {
		out = out[:len(out)-1]
	}
	return out
}

// preformatted reports whether a paragraph is laid out in columns or drawn:
// most lines have runs of inner spaces, or box-drawing characters.
func (lay layout) preformatted(p para) bool {
	n := 0
	for _, l := range p.lines {
		t := strings.TrimSpace(l)
		if strings.Contains(t, "   ") || strings.ContainsAny(t, "│─┌┐└┘├┤┬┴┼═║╔╗╚╝") || (len(t) > 3 && strings.Trim(t, "|+-=_ ") == "") {
			n++
		}
	}
	return n*2 > len(p.lines)
}

// verse reports whether a paragraph's line breaks are the author's: every
// line ends well short of the wrap width (or, in unwrapped text, any
// multi-line paragraph whose lines are short).
func (lay layout) verse(p para) bool {
	limit := lay.width * 65 / 100
	if !lay.hardWrapped {
		limit = 70
	}
	for _, l := range p.lines {
		if len([]rune(strings.TrimSpace(l))) > limit {
			return false
		}
	}
	return true
}

// unwrappedWidth is the typical line length beyond which a text was not
// wrapped at all: its line breaks are the author's paragraph breaks.
const unwrappedWidth = 100

// reflow joins hard-wrapped lines into paragraphs. A new paragraph starts at
// a line indented deeper than the paragraph's shallowest line, or after a
// line that ends a sentence well short of the wrap width.
func (lay layout) reflow(lines []string) []string {
	base := indent(lines[0])
	for _, l := range lines {
		base = min(base, indent(l))
	}
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for i, l := range lines {
		t := strings.Join(strings.Fields(l), " ") // typewriter double spaces are one in prose
		if i > 0 {
			prev := strings.TrimSpace(lines[i-1])
			newPara := indent(l) > base && indent(lines[i-1]) <= indent(l) && i > 0 && (indent(lines[i-1]) == base || len([]rune(prev)) < lay.width*8/10)
			// A line that comes back to another indentation after a finished
			// sentence starts a paragraph too: dialogue indented as a block,
			// narration flush left.
			newPara = newPara || (indent(l) != indent(lines[i-1]) && endsSentence(prev) && startsSentence(t))
			shortEnd := lay.hardWrapped && len([]rune(lines[i-1])) < lay.width*6/10 && endsSentence(prev) && startsSentence(t)
			// In text that was never wrapped (a line is a paragraph, as
			// word processors save it), a line that ends a sentence ends
			// its paragraph.
			unwrappedEnd := lay.width > unwrappedWidth && endsSentence(prev)
			if newPara || shortEnd || unwrappedEnd {
				flush()
			}
		}
		switch {
		case cur.Len() == 0:
		case strings.HasSuffix(cur.String(), "-") && len(t) > 0 && unicode.IsLower([]rune(t)[0]):
			// "some-" + "thing": keep the hyphen, join without a space.
		default:
			cur.WriteByte(' ')
		}
		cur.WriteString(t)
	}
	flush()
	return out
}

// startsSentence reports whether t begins like a new sentence or a line of
// dialogue.
func startsSentence(t string) bool {
	for _, r := range t {
		return unicode.IsUpper(r) || strings.ContainsRune("\"'“‘(*-", r) || unicode.IsDigit(r)
	}
	return false
}

// dedent removes the indentation common to all lines.
func dedent(lines []string) string {
	base := -1
	for _, l := range lines {
		if strings.TrimSpace(l) != "" && (base < 0 || indent(l) < base) {
			base = indent(l)
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		if len(l) >= base {
			out[i] = l[base:]
		}
	}
	return strings.Join(out, "\n")
}

// trimLines trims each line and joins them with newlines.
func trimLines(lines []string) string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimSpace(l)
	}
	return strings.Join(out, "\n")
}
