package prose

import (
	"bytes"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"

	"fanarchive"
)

// markdown is built once; goldmark converters are safe for concurrent use.
var markdown = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.Strikethrough, extension.Table),
		// HTML in the text is written out as it is and sanitised after,
		// with everything else (finish): authors who know a little HTML
		// use <em>, <center> or <u> in Markdown, and the sanitiser, not
		// the Markdown renderer, is what keeps a body safe.
		goldmark.WithRendererOptions(html.WithUnsafe()),
	)
})

// FromMarkdown turns Markdown into a chapter body: CommonMark (a single
// line break is a space; end a line with two spaces or a backslash to
// break it), with GitHub's tables and ~~strikethrough~~, and HTML within it
// read as FromHTML reads it. Headings start at <h3> ("#"), below the
// chapter's own title; "***" or "---" on a line of its own is a scene
// break. Links keep their text and lose their address, images are
// dropped, and nothing is fetched. Errors are Render's; Markdown nested
// more than 200 deep (block quotes, lists) is refused before it is read.
func FromMarkdown(src string) (string, error) {
	src, err := readInput(src)
	if err != nil {
		return "", err
	}
	if markdownNesting(src) > maxNesting {
		return "", fanarchive.Errorf(fanarchive.EINVALID, "The chapter's Markdown nests block quotes or lists more than %d levels deep.", maxNesting)
	}
	var b bytes.Buffer
	b.Grow(len(src) + len(src)/4)
	if err := markdown().Convert([]byte(src), &b); err != nil {
		return "", fanarchive.Errorf(fanarchive.EINVALID, "The chapter's Markdown cannot be read: %v.", err)
	}
	return finish(b.String(), 2)
}

// markdownNesting returns a bound on how deeply one line of Markdown can
// nest block quotes and lists: the markers at its start ("> ", "- ", "1. ")
// plus one level per two columns of indentation before them. goldmark
// walks its tree by recursion, so a line of a million ">" would exhaust the
// stack before the nesting limit of finish is checked.
func markdownNesting(src string) int {
	deepest := 0
	for line := range bytes.Lines([]byte(src)) {
		depth, width := 0, 0
		for i := 0; i < len(line); {
			switch c := line[i]; {
			case c == ' ':
				width++
				i++
			case c == '\t':
				width += 4
				i++
			case c == '>':
				depth++
				i++
			case (c == '-' || c == '*' || c == '+') && i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t'):
				depth++
				i++
			case '0' <= c && c <= '9':
				j := i
				for j < len(line) && j-i < 10 && '0' <= line[j] && line[j] <= '9' {
					j++
				}
				if j+1 < len(line) && (line[j] == '.' || line[j] == ')') && (line[j+1] == ' ' || line[j+1] == '\t') {
					depth++
					i = j + 1
					continue
				}
				i = len(line)
			default:
				i = len(line)
			}
		}
		deepest = max(deepest, depth+width/2)
	}
	return deepest
}
