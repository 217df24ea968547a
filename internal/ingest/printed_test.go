package ingest

import (
	"strings"
	"testing"
)

// doubleSpaced returns text with a blank line after every line, as a
// typist's double-spaced manuscript has it.
func doubleSpaced(text string) string {
	return strings.Join(strings.Split(text, "\n"), "\n\n")
}

const manuscript = `     The lamp at the end of the pier had gone out three nights running,
and nobody in the village would say why.  Ann walked down to it after
supper with a can of oil and a box of matches in her coat pocket.
     "You'll not light it in this," the keeper said from his doorway,
and he pulled the door half shut against the rain that came sideways
off the water.  She did not answer him; she knelt at the glass.
     The wick caught on the fourth match.  She cupped the flame in her
hands until the glass was warm, and then she closed the little door.`

func TestUndoubleSpace(t *testing.T) {
	page := doubleSpaced(manuscript)
	story := "Hello!  I typed this for my writing class, so it is double spaced.\nEnjoy it anyway.\n\nWren Halloway\n\n\n\n" +
		"                         Chapter I\n\n" + page + "\n\n  Page 2\n\n\n\n" + page + "\n\n  Page 3\n\n\n\n                         Chapter II\n\n" + page
	w, err := ParseText("lamp.txt", []byte(story), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := NewRecord(w)
	if len(w.Chapters) != 2 || w.Chapters[0].Title != "Chapter I" {
		t.Fatalf("%d chapters (%q); want Chapter I and II", len(w.Chapters), w.Chapters[0].Title)
	}
	body := w.Chapters[0].Body
	switch {
	case len(r.Authors) != 1 || r.Authors[0] != "Wren Halloway":
		t.Errorf("authors %v: the signed preface keeps its own paragraphs", r.Authors)
	case strings.Contains(body, "Page 2"):
		t.Errorf("page number in the story: %s", body)
	case !strings.Contains(body, "<p>The lamp at the end of the pier had gone out three nights running, and nobody in the village would say why."):
		t.Errorf("lines not joined into paragraphs: %s", body[:min(400, len(body))])
	case strings.Count(body, "<p>") != 6:
		t.Errorf("%d paragraphs in chapter 1, want 6 (three a page, split at the indented lines): %s", strings.Count(body, "<p>"), body)
	}
}

func TestNotDoubleSpaced(t *testing.T) {
	// One paragraph a line, each ending a sentence, blank lines between:
	// unwrapped text, not a double-spaced page.
	var b strings.Builder
	for i := 0; i < 30; i++ {
		b.WriteString("The boats came home one by one, and the keeper counted them.\n\n")
	}
	lines := normalise(b.String())
	if got := undoubleSpace(lines); len(got) != len(lines) {
		t.Errorf("unwrapped paragraphs were joined: %d lines of %d left", len(got), len(lines))
	}
}

func TestDropPageMarks(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want int // lines left
	}{
		{"pages count up", []string{"a", "Page 1", "b", "  Page 2", "c", "- 3 -"}, 3},
		{"a lone page line is the story's", []string{"a", "Page 3", "b"}, 3},
		{"numbers that do not count up", []string{"a", "Page 2", "b", "Page 1"}, 4},
		{"page of pages", []string{"Page 1 of 2", "a", "Page 2 of 2", "b"}, 2},
	}
	for _, tt := range tests {
		if got := dropPageMarks(tt.in); len(got) != tt.want {
			t.Errorf("%s: %q, want %d lines", tt.name, got, tt.want)
		}
	}
}

func TestUnbox(t *testing.T) {
	story := "\n\n" + strings.Repeat("The lamp at the end of the pier had gone out three nights running, and nobody\nin the village would say why.  Ann walked down to it after supper.\n\n", 4)
	tests := []struct {
		name, text    string
		title, author string
	}{
		{"asterisks around a centred title and byline",
			"******************************************\n*                                        *\n*              LAMPLIGHT                 *\n*           by Wren Halloway             *\n*                                        *\n******************************************",
			"LAMPLIGHT", "Wren Halloway"},
		{"a drawn box of labels",
			"+----------------------------------------+\n|  Title:  Lamplight                     |\n|  Author: Wren Halloway                 |\n+----------------------------------------+",
			"Lamplight", "Wren Halloway"},
		{"hashes",
			"##########################\n# Title: Lamplight       #\n# Author: Wren Halloway  #\n##########################",
			"Lamplight", "Wren Halloway"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := ParseText("lamp.txt", []byte(tt.text+story), Options{})
			if err != nil {
				t.Fatal(err)
			}
			r := NewRecord(w)
			if r.Title != tt.title || len(r.Authors) != 1 || r.Authors[0] != tt.author || !strings.HasPrefix(r.Begins, "The lamp") {
				t.Errorf("title %q, authors %v, begins %q", r.Title, r.Authors, r.Begins)
			}
		})
	}
	// A table in the story keeps its frame: its rows have inner bars, and
	// it is far from both ends.
	table := "+------+------+\n| Data | Worf |\n| Troi | Crusher |\n+------+------+"
	lines := normalise(strings.Repeat("story line\n", 50) + table + "\n" + strings.Repeat("story line\n", 50))
	if got := unbox(lines); strings.Join(got, "\n") != strings.Join(lines, "\n") {
		t.Error("a table inside the story was unboxed")
	}
	if got := unbox(normalise(table)); got[1] != "| Data | Worf |" {
		t.Errorf("a table's rows were unframed: %q", got)
	}
}
