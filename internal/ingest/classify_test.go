package ingest

import (
	"fmt"
	"strings"
	"testing"

	"fanarchive"
)

// repeat joins n variants of a line template ("%d" is the variant number)
// with blank lines, so texts are long enough for their rates to count.
func repeat(n int, tmpl string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, tmpl, i)
		b.WriteString("\n\n")
	}
	return b.String()
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name   string
		in     classifierInput
		want   fanarchive.Kind
		reason string // a feature the explanation must name
	}{
		{"prose with dialogue", classifierInput{text: repeat(30, `"The tide is turning %d," she said, and he looked away from the harbour while the boats came in.`)},
			fanarchive.KindFiction, "dialogue"},
		{"episode review", classifierInput{labels: []string{"Review: The Long Watch"}, text: repeat(30, `I thought this episode %d was the best of the season. The writers gave the actors more to do, and I liked the plot. Rating: 8/10.`)},
			fanarchive.KindOther, "review"},
		{"faq", classifierInput{labels: []string{"Harbour FAQ"}, text: repeat(30, `Q%d: Where is the lighthouse?`+"\n"+`A: On the north point, beyond the breakwater.`)},
			fanarchive.KindOther, "faq"},
		{"colon script", classifierInput{text: repeat(30, "KEEPER: The light is out %d.\nANN: Then we light it again.\nKEEPER: In this wind?")},
			fanarchive.KindFiction, "script"},
		{"screenplay, names above speech", classifierInput{text: repeat(30, "KEEPER\n     The light is out %d.\n\nANN\n     Then we light it again.")},
			fanarchive.KindFiction, "screenplay"},
		{"screenplay, names in a column", classifierInput{text: repeat(30, "KEEPER          The light is out %d.\n\nANN             Then we light it again, before\n                the boats come.\n\nKEEPER(VO) In this wind?")},
			fanarchive.KindFiction, "screenplay"},
		{"index of labelled records, no label in the title", classifierInput{labels: []string{"Harbour Boats"}, text: repeat(30, "The Gull %d\n   Registry: HB-7\n   Class: Trawler\n   Master: Ann Lee\n      Lost off the north point in the winter storm, and never found.")},
			fanarchive.KindOther, "records"},
		{"speech without narrative verbs", classifierInput{text: repeat(30, `"The light is out again %d," Ann told him. "We row to the point at dawn." He was quiet, and the rain kept on.`)},
			fanarchive.KindFiction, "closing speech 83.3/1k (+1.5)"},
		{"review quoting titles is not speech", classifierInput{labels: []string{"Season notes"}, text: repeat(30, `I thought "Darmok %d" and "The Chase" were the best of the season; "Lessons" is overrated, in my opinion.`)},
			fanarchive.KindOther, "closing speech 0.0"},
		{"a catalogue of files: labels over titles", classifierInput{labels: []string{"Harbour Files"}, text: repeat(30, "harbour%d.txt  12825\nREVIEW: The Long Watch (Harbour Tales)\nFAN FICTION: Salt and Static, Part Two")},
			fanarchive.KindOther, "records"},
		{"a top ten list", classifierInput{labels: []string{"Top Ten Reasons the Keeper Stays Home"}, text: repeat(12, `%d. The tide is out and the boats are in.`)},
			fanarchive.KindOther, "top ten"},
		{"timeline table", classifierInput{labels: []string{"Harbour timeline"}, text: repeat(30, "YEAR %d        The breakwater was extended.\nTIDE            High at noon, low at six.")},
			fanarchive.KindOther, "timeline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := classify(tt.in)
			features := strings.Join(c.Features, "; ")
			if c.Kind != tt.want || !strings.Contains(strings.ToLower(features), tt.reason) {
				t.Errorf("kind %s (score %.2f: %s), want %s because of %q", c.Kind, c.Score, features, tt.want, tt.reason)
			}
		})
	}
}
