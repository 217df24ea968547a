// Package prosetest makes the text of stories for tests and benchmarks.
package prosetest

import (
	"math/rand/v2"
	"strings"
)

// MarkdownStory returns a story of about words words in Markdown, as an
// author would post it: paragraphs of made-up sentences, with emphasis,
// dialogue, a scene break now and then, and a heading; the same for every
// call with the same seed.
func MarkdownStory(seed uint64, words int) string {
	vocab := strings.Fields("the lamp burned on north tower and boats came home before tide she said it's late " +
		"harbour keeper watched grey water rain against window somewhere a bell was ringing Kit Juno")
	r := rand.New(rand.NewPCG(seed, 7))
	var b strings.Builder
	b.WriteString("# Part One\n\n")
	for n := 0; n < words; {
		k := 40 + r.IntN(80)
		for i := range k {
			if i > 0 {
				b.WriteByte(' ')
			}
			w := vocab[r.IntN(len(vocab))]
			switch r.IntN(40) {
			case 0:
				w = "*" + w + "*"
			case 1:
				w = "**" + w + "**"
			case 2:
				w = `"` + w + `,"`
			}
			b.WriteString(w)
		}
		b.WriteString(".\n\n")
		if r.IntN(30) == 0 {
			b.WriteString("* * *\n\n")
		}
		n += k
	}
	return b.String()
}
