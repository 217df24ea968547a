package ingest

import (
	"slices"
	"strings"
	"testing"

	"fanarchive/internal/prose"
)

// TestTextShape checks how hard-wrapped text becomes blocks: paragraphs by
// blank lines, by indented first lines, or by dialogue indented as a block;
// verse, scene breaks and drawn text kept as they are.
func TestTextShape(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string // one entry per block: "p:" paragraph, "v:" verse, "hr", "pre"
	}{
		{"blank lines", "The lamp burned on the north tower while the boats came home\nand the tide turned.\n\nShe said nothing at all to him for a very long time that\nevening.", []string{
			"p:The lamp burned on the north tower while the boats came home and the tide turned.",
			"p:She said nothing at all to him for a very long time that evening."}},
		{"indented first lines", "     The lamp burned on the north tower while the boats came home\nand the tide turned.\n     She said nothing at all to him for a very long time that\nevening.", []string{
			"p:The lamp burned on the north tower while the boats came home and the tide turned.",
			"p:She said nothing at all to him for a very long time that evening."}},
		{"block-indented dialogue", "The lamp burned on the north tower while the boats came home.\n \"Negative,\" said Data, checking the console.  \"Sensors detect an\n energy disturbance in Engineering.\"\nCaptain Picard hit his communicator and waited for an answer.", []string{
			"p:The lamp burned on the north tower while the boats came home.",
			"p:\"Negative,\" said Data, checking the console. \"Sensors detect an energy disturbance in Engineering.\"",
			"p:Captain Picard hit his communicator and waited for an answer."}},
		{"verse and a break", "The long prose line that sets the wrap width of this whole file, as it were.\nAnd another long line that does the very same thing for the measure here.\n\nroses are red\nviolets are blue\nthe tide is out\n\n* * *\n\nThe long prose line that sets the wrap width of this whole file, again so.", []string{
			"p:The long prose line that sets the wrap width of this whole file, as it were. And another long line that does the very same thing for the measure here.",
			"v:roses are red\nviolets are blue\nthe tide is out",
			"hr",
			"p:The long prose line that sets the wrap width of this whole file, again so."}},
		{"drawn", "+------+------+\n| Data | Worf |\n+------+------+", []string{"pre"}},
		{"unwrapped: a line is a paragraph", "The lamp at the end of the pier had gone out three nights running, and nobody in the village would say why at all.\n\"You will not light it in this,\" the keeper said from his doorway, and he pulled the door half shut against the rain.\nShe did not answer him; she knelt at the glass and struck the first match, and the second, and the third, one after another.", []string{
			"p:The lamp at the end of the pier had gone out three nights running, and nobody in the village would say why at all.",
			"p:\"You will not light it in this,\" the keeper said from his doorway, and he pulled the door half shut against the rain.",
			"p:She did not answer him; she knelt at the glass and struck the first match, and the second, and the third, one after another."}},
		{"hyphen at the end of a line", "A long line of prose that ends with a word broken at its hyphen, some-\nthing the old typists did when a word would not fit.", []string{
			"p:A long line of prose that ends with a word broken at its hyphen, some-thing the old typists did when a word would not fit."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := paragraphs(normalise(tt.text))
			var got []string
			for _, b := range measure(ps).blocks(ps) {
				switch b.Kind {
				case prose.Paragraph:
					got = append(got, "p:"+b.Text)
				case prose.Verse:
					got = append(got, "v:"+b.Text)
				case prose.SceneBreak:
					got = append(got, "hr")
				case prose.Preformatted:
					got = append(got, "pre")
				}
			}
			if strings.Join(got, "\n|") != strings.Join(tt.want, "\n|") {
				t.Errorf("blocks:\n%s\nwant:\n%s", strings.Join(got, "\n|"), strings.Join(tt.want, "\n|"))
			}
		})
	}
}

func TestParagraphs(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []int // lines per paragraph
	}{
		{"blank lines", "a\nb\n\nc", []int{2, 1}},
		{"rule under a heading closes it", "Harbour Lights\nPART 1\n----------\nThe rain came down.\nAll night.", []int{3, 2}},
		{"short rule does not", "PART 1\n---\nThe rain came down.", []int{3}},
		{"rule deep in a block does not", "a\nb\nc\nd\n-----\ne", []int{6}},
		{"drawn table keeps its rules", "| Data | Worf |\n---------------\n| Riker | Troi |", []int{3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			for _, p := range paragraphs(normalise(tt.text)) {
				got = append(got, len(p.lines))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("paragraph lengths %v, want %v", got, tt.want)
			}
		})
	}
}
