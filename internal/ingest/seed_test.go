package ingest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedCorpus returns the path of a folder in ../shared/corpus, skipping
// the test when the corpus is not on this machine: the stories belong to
// their authors and are never copied into this repository.
func sharedCorpus(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "corpus", name)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared corpus %s not found (%v); it lives outside the repository, at ../shared/corpus", dir, err)
	}
	return dir
}

func TestSeedStory(t *testing.T) {
	path := filepath.Join(sharedCorpus(t, "seed"), "000_7cc8db2ae1f8ac7d.txt")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := ParseText(path, raw, Options{})
	if err != nil {
		t.Fatalf("ParseText: %v", err)
	}
	r := NewRecord(w)
	if testing.Verbose() {
		b, _ := json.MarshalIndent(r, "", "  ")
		t.Logf("%s", b)
	}
	check := func(what string, ok bool, got any) {
		t.Helper()
		if !ok {
			t.Errorf("%s: got %v", what, got)
		}
	}
	check("authors = [Michelle]", len(r.Authors) == 1 && r.Authors[0] == "Michelle", r.Authors)
	check("empty title", r.Title == "", r.Title)
	check("problem no title", contains(r.Problems, ProblemNoTitle), r.Problems)
	check("two notes", len(r.Notes) == 2, r.Notes)
	if len(r.Notes) == 2 {
		check("note 1 label", r.Notes[0].Label == "ACKNOWLEDGMENTS", r.Notes[0].Label)
		check("note 2 label", r.Notes[1].Label == "AUTHOR'S NOTE", r.Notes[1].Label)
		check("note 1 text", strings.HasPrefix(r.Notes[0].Text, "Thank you to my lovely betas"), r.Notes[0].Text)
	}
	check("feedback Michelle", r.Feedback == "Michelle", r.Feedback)
	check("list", r.List == "Level Three", r.List)
	check("archive", r.Archive == "Level Three Records Room", r.Archive)
	check("fandom Smallville", len(r.Fandoms) == 1 && r.Fandoms[0] == "Smallville", r.Fandoms)
	check("fandom inferred", r.FandomInferred, r.FandomInferred)
	check("begins", strings.HasPrefix(r.Begins, "The girl is dead."), r.Begins)
	check("ends", strings.HasSuffix(r.Ends, "It's going to be a beautiful morning."), r.Ends)
	check("words ≈ 9,800", r.Words > 9600 && r.Words < 9900, r.Words)
	check("one chapter", len(r.Chapters) == 1, r.Chapters)
	check("rating not rated", r.Rating == "Not Rated", r.Rating)
}
