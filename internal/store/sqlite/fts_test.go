package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"fanarchive"
	"fanarchive/internal/search"
)

// FuzzMatch feeds the search box's parser into FTS5: whatever a reader
// types, the MATCH expression built from it must run without an error, so
// FTS5 syntax ("*", NEAR(, column filters, quotes) can never reach SQLite as
// syntax.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{`kettle`, `"*`, `NEAR(`, `'; DROP TABLE works; --`, `title:"x`, `author:`,
		`a AND OR NOT b`, `{title}:x`, `"a" OR "b"`, `x*`, `^x`, `-x y`, `rowid:1`, `work_text:x`, `"""`} {
		f.Add(s)
	}
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(f.TempDir(), "archive.db"), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	w := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "Near the lighthouse", Rating: fanarchive.RatingGeneral,
		Authors:  []fanarchive.Author{{Name: "Ada Quill"}},
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>The kettle sang; and or not near.</p>"}}}
	if err := s.CreateWork(ctx, w); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in string) {
		q, err := search.Parse(in)
		if err != nil {
			return // refused with a message: tested in package search
		}
		if len(q.Must) > 0 {
			if _, err := s.MatchText(ctx, q.Must, q.MustNot); err != nil {
				t.Fatalf("MatchText for %q: %v", in, err)
			}
			if _, err := s.RankText(ctx, q.Must, q.MustNot); err != nil {
				t.Fatalf("RankText for %q: %v", in, err)
			}
		}
		for _, c := range q.MustNot {
			if _, err := s.MatchText(ctx, []search.Clause{c}, nil); err != nil {
				t.Fatalf("MatchText of exclusion %q for %q: %v", c.Text, in, err)
			}
		}
	})
}
