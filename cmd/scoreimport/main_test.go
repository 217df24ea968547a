package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestCorpusScores scores the development corpus and fails if the import
// falls below what it reached when docs/import-accuracy.md was written: a
// guard against regressions, not the targets (those are reported).
func TestCorpusScores(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus scoring skipped with -short")
	}
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "usenet-startrek")
	if _, err := os.Stat(filepath.Join(dir, ".descs")); err != nil {
		t.Skipf("development corpus not found at %s (it lives outside the repository): %v", dir, err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), &out, dir, false, true); err != nil {
		t.Fatal(err)
	}
	var s Scores
	if err := json.Unmarshal(out.Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	t.Logf("title+author %.1f%%, non-fiction kept out %.1f%%, multi-part %.1f%%", s.TitleAuthorPct, s.NonFictionPct, s.MultiPartPct)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"title and author exact", s.TitleAuthorPct, 50},
		{"non-fiction kept out", s.NonFictionPct, 97},
		{"multi-part reassembled", s.MultiPartPct, 100},
	} {
		if c.got < c.want {
			t.Errorf("%s: %.1f%%, below %.0f%%", c.name, c.got, c.want)
		}
	}
	if s.Failed != 0 {
		t.Errorf("%d files failed to import", s.Failed)
	}
}

func TestTitleAuthor(t *testing.T) {
	tests := []struct{ in, title, author string }{
		{"A Cruel Universe, by Tanya Dean (1993)", "A Cruel Universe", "Tanya Dean"},
		{"Baptism by Fire, by Mark Kinney", "Baptism by Fire", "Mark Kinney"},
		{"Atax, Chapter 1, by Richard S. Guse, 1992)", "Atax", "Richard S. Guse"},
		{"Five Star Trek, from Matthew C. Melmon (September 17, 1992)", "Five Star Trek", "Matthew C. Melmon"},
		{"Betrayal", "Betrayal", ""},
	}
	for _, tt := range tests {
		if title, author := titleAuthor(tt.in); title != tt.title || author != tt.author {
			t.Errorf("titleAuthor(%q) = %q, %q; want %q, %q", tt.in, title, author, tt.title, tt.author)
		}
	}
	if norm("The Hitchhiker's Guide, to the BORG!") != "hitchhikers guide to the borg" {
		t.Errorf("norm = %q", norm("The Hitchhiker's Guide, to the BORG!"))
	}
}
