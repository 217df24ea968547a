package demo

import (
	"io/fs"
	"testing"

	"fanarchive"
	"fanarchive/internal/ingest"
)

// TestStoriesParse checks what the issue asks of the demo: every story
// parses, one is rated Explicit, one has two parts, and they carry a
// labelled header, a byline and a feedback footer.
func TestStoriesParse(t *testing.T) {
	fsys, names := Stories()
	if len(names) < 4 {
		t.Fatalf("only %d demo stories", len(names))
	}
	var explicit, twoParts, byline, feedback int
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		w, err := ingest.ParseText(name, raw, ingest.Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := w.Validate(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if w.Title == "" || len(w.Authors) == 0 {
			t.Errorf("%s: title %q, authors %v", name, w.Title, w.Authors)
		}
		if w.Rating == fanarchive.RatingExplicit {
			explicit++
		}
		if len(w.Chapters) == 2 {
			twoParts++
		}
		if w.Evidence[fanarchive.FieldAuthors].Via == "byline" {
			byline++
		}
		if w.Sources[0].FeedbackContact != "" {
			feedback++
		}
	}
	if explicit == 0 || twoParts == 0 || byline == 0 || feedback < len(names)-1 {
		t.Errorf("explicit %d, two-part %d, byline %d, feedback %d of %d", explicit, twoParts, byline, feedback, len(names))
	}
}
