package prose

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// FromPlainText turns typed text into a chapter body: blank lines separate
// paragraphs. A paragraph of one line drawn in symbols ("* * *", "~~~",
// "#", "o0o") is a scene break. Within a paragraph, lines that look wrapped
// at a fixed width (each but the last at least 40 characters long, and
// longer than 60% of the longest) are joined, as prose; other line breaks
// are kept (verse, lyrics, letters, text messages); a paragraph whose lines
// are laid out in columns or drawn (runs of spaces, box drawing) is kept as
// it is, in <pre>. Markup is text: "<em>" shows as written. Errors are
// Render's.
func FromPlainText(src string) (string, error) {
	src, err := readInput(src)
	if err != nil {
		return "", err
	}
	var blocks []Block
	for _, para := range blankLines.Split(src, -1) {
		if b, ok := textBlock(para); ok {
			blocks = append(blocks, b)
		}
	}
	return checkOutput(HTML(blocks))
}

// blankLines separates paragraphs: a line with nothing but spaces and tabs
// on it, or several.
var blankLines = regexp.MustCompile(`\n[ \t]*(?:\n[ \t]*)+`)

// textBlock reads one paragraph of plain text, without blank lines.
func textBlock(para string) (Block, bool) {
	var lines []string
	for _, l := range strings.Split(para, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, strings.TrimRight(l, " \t"))
		}
	}
	switch {
	case len(lines) == 0:
		return Block{}, false
	case len(lines) == 1 && SceneBreakLine(lines[0]):
		return Block{Kind: SceneBreak, Text: strings.TrimSpace(lines[0])}, true
	case len(lines) > 1 && laidOut(lines):
		return Block{Kind: Preformatted, Text: strings.Join(lines, "\n")}, true
	}
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	if len(lines) > 1 && !hardWrapped(lines) {
		return Block{Kind: Verse, Text: strings.Join(lines, "\n")}, true
	}
	return Block{Kind: Paragraph, Text: strings.Join(lines, " ")}, true
}

// hardWrapped reports whether the line breaks of a paragraph were made by
// wrapping it at a fixed width, not by its author.
func hardWrapped(lines []string) bool {
	longest := 0
	for _, l := range lines {
		longest = max(longest, utf8.RuneCountInString(l))
	}
	for _, l := range lines[:len(lines)-1] {
		if n := utf8.RuneCountInString(l); n < 40 || n*10 < longest*6 {
			return false
		}
	}
	return true
}

// laidOut reports whether most lines of a paragraph are laid out in columns
// or drawn: runs of spaces inside them, or box-drawing characters.
func laidOut(lines []string) bool {
	n := 0
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if strings.Contains(t, "   ") || strings.Contains(t, "\t") || strings.ContainsAny(t, "│─┌┐└┘├┤┬┴┼═║╔╗╚╝") {
			n++
		}
	}
	return n*2 > len(lines)
}
