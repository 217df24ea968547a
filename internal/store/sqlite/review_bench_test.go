package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"fanarchive"
)

// BenchmarkReviewQueue measures the review queue's first page and count on
// an archive of 100,000 works of which about a third need review:
//
//	go test ./internal/store/sqlite -run '^$' -bench ReviewQueue
func BenchmarkReviewQueue(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const total, batch = 100_000, 5000
	for start := 0; start < total; start += batch {
		works := make([]*fanarchive.Work, batch)
		for i := range works {
			n := start + i
			w := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: fmt.Sprintf("Story %d", n), Rating: fanarchive.RatingTeen,
				Authors:  []fanarchive.Author{{Name: fmt.Sprintf("Author %d", n%500)}},
				Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>The girl is dead.</p>", Words: 4}},
				Evidence: map[string]fanarchive.Evidence{
					fanarchive.FieldTitle:   {Confidence: 1, Via: "header:Title"},
					fanarchive.FieldAuthors: {Confidence: 0.9, Via: "byline"},
					fanarchive.FieldFandoms: {Confidence: 1, Via: "flag:--fandom"},
				}}
			switch n % 10 {
			case 0:
				w.Evidence[fanarchive.FieldTitle] = fanarchive.Evidence{Confidence: 0, Via: "none"}
				w.Problems = []string{"no title found"}
			case 1:
				w.Evidence[fanarchive.FieldFandoms] = fanarchive.Evidence{Confidence: 0.5, Via: "inferred:list-description"}
			case 2:
				w.Problems = []string{"part missing: 2 of 3"}
			case 3:
				w.Kind = fanarchive.KindOther
				w.Evidence[fanarchive.FieldKind] = fanarchive.Evidence{Confidence: 0.6, Via: "classifier"}
			}
			works[i] = w
		}
		if err := s.CreateWorks(ctx, works); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.db.Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
	for _, f := range []fanarchive.ReviewFilter{
		{}, {Offset: 20000}, {Kind: fanarchive.KindFiction}, {Kind: fanarchive.KindOther},
		{Field: fanarchive.FieldFandoms}, {Problem: "part missing"}, {Limit: fanarchive.MaxReviewPage},
	} {
		b.Run(fmt.Sprintf("%+v", f), func(b *testing.B) {
			for b.Loop() {
				if _, n, err := s.FindReviewQueue(ctx, f); err != nil || n == 0 {
					b.Fatal(n, err)
				}
			}
		})
	}
}
