package sqlite

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
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
			ranked, err := s.RankText(ctx, q.Must, q.MustNot)
			if err != nil {
				t.Fatalf("RankText for %q: %v", in, err)
			}
			ids := make([]uint32, len(ranked))
			for i, r := range ranked {
				ids[i] = r.ID
			}
			scored, err := s.ScoreText(ctx, q.Must, q.MustNot, ids)
			if err != nil {
				t.Fatalf("ScoreText for %q: %v", in, err)
			}
			if len(scored) != len(ranked) || len(scored) > 0 && scored[0] != ranked[0] {
				t.Fatalf("ScoreText for %q gave %v, RankText %v", in, scored, ranked)
			}
		}
		for _, c := range q.MustNot {
			if _, err := s.MatchText(ctx, []search.Clause{c}, nil); err != nil {
				t.Fatalf("MatchText of exclusion %q for %q: %v", c.Text, in, err)
			}
		}
	})
}

// TestTextParts checks that splitting a text query by rowid between
// connections returns what one query does, scores included.
func TestTextParts(t *testing.T) {
	s := openTest(t)
	defer s.Close()
	ctx := context.Background()
	words := []string{"kettle", "rain", "lamp", "tide"}
	for i := range 40 {
		body := "<p>" + words[i%4] + " " + words[(i/4)%4] + " kettle</p>"
		w := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "T", Rating: fanarchive.RatingGeneral,
			Chapters: []*fanarchive.Chapter{{Number: 1, Body: body}}}
		if err := s.CreateWork(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	must := []search.Clause{{Text: "kettle"}}
	not := []search.Clause{{Text: "rain"}}
	whole, err := s.RankText(ctx, must, not)
	if err != nil {
		t.Fatal(err)
	}
	wholeIDs, _ := s.MatchText(ctx, must, not)
	s.splitTextAt = 0
	split, err := s.RankText(ctx, must, not)
	if err != nil {
		t.Fatal(err)
	}
	splitIDs, _ := s.MatchText(ctx, must, not)
	sortScored := func(v []search.Scored) {
		slices.SortFunc(v, func(a, b search.Scored) int { return int(a.ID) - int(b.ID) })
	}
	sortScored(whole)
	sortScored(split)
	if len(whole) == 0 || !slices.Equal(whole, split) || !slices.Equal(wholeIDs, splitIDs) || len(wholeIDs) != len(whole) {
		t.Errorf("split differs:\n%v\n%v\n%v\n%v", whole, split, wholeIDs, splitIDs)
	}
}

// TestScoreText checks that the scores ScoreText gives chosen works are
// RankText's for them, bit for bit, for words, phrases, fields and
// exclusions, whether it is asked for every match or some, in one query or
// split between connections; and that it returns only the works asked for.
func TestScoreText(t *testing.T) {
	s := openTest(t)
	defer s.Close()
	ctx := context.Background()
	bodies := []string{"The kettle sang, and the kettle sang again.", "Rain on the lamp. Rain, rain!", "Café au lait by the kettle.",
		"Nothing here but tide and salt.", "kettle rain lamp tide salt kettle rain"}
	for i, b := range bodies {
		w := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: []string{"Kettle Song", "Rain", "Cafe", "Tide", "All"}[i],
			Authors: []fanarchive.Author{{Name: "Ada Quill"}}, Summary: "A story about rain.", Rating: fanarchive.RatingGeneral,
			Chapters: []*fanarchive.Chapter{{Number: 1, Title: "One", Body: "<p>" + b + "</p>"}, {Number: 2, Body: "<p>More kettle.</p>"}}}
		if err := s.CreateWork(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	for _, split := range []int64{splitTextAtDefault, 0} {
		s.splitTextAt = split
		for _, tt := range []struct{ must, mustNot []search.Clause }{
			{must: []search.Clause{{Text: "kettle"}}},
			{must: []search.Clause{{Text: "rain"}, {Text: "kettle"}}},
			{must: []search.Clause{{Text: "kettle sang"}}},
			{must: []search.Clause{{Field: search.FieldTitle, Text: "rain"}}},
			{must: []search.Clause{{Text: "cafe"}}},
			{must: []search.Clause{{Field: search.FieldAuthors, Text: "ada quill"}, {Text: "salt"}}},
			{must: []search.Clause{{Text: "kettle"}}, mustNot: []search.Clause{{Text: "tide"}}},
			{must: []search.Clause{{Text: "rain"}}, mustNot: []search.Clause{{Field: search.FieldTitle, Text: "all"}, {Text: "lamp"}}},
		} {
			want, err := s.RankText(ctx, tt.must, tt.mustNot)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 {
				t.Fatalf("%v -%v matches nothing", tt.must, tt.mustNot)
			}
			slices.SortFunc(want, func(a, b search.Scored) int { return int(a.ID) - int(b.ID) })
			var every, some []uint32
			for i, w := range want {
				every = append(every, w.ID)
				if i%2 == 0 {
					some = append(some, w.ID)
				}
			}
			reversed := slices.Clone(some)
			slices.Reverse(reversed) // ids need not come in order
			for _, ids := range [][]uint32{every, some, reversed, {every[len(every)-1]}} {
				got, err := s.ScoreText(ctx, tt.must, tt.mustNot, ids)
				if err != nil {
					t.Fatal(err)
				}
				byID := map[uint32]float64{}
				for _, g := range got {
					byID[g.ID] = g.Score
				}
				if len(got) != len(ids) || len(byID) != len(ids) {
					t.Errorf("%v -%v: %d scores for %d works %v", tt.must, tt.mustNot, len(got), len(ids), ids)
				}
				for _, w := range want {
					if g, ok := byID[w.ID]; ok && g != w.Score {
						t.Errorf("%v -%v: work %d scores %.17g, FTS5 says %.17g", tt.must, tt.mustNot, w.ID, g, w.Score)
					}
				}
			}
		}
	}
}

// TestBatchTextRows: a batch's text rows, written after its other rows,
// make every work of the batch searchable in the batch's commit, and a
// failed batch leaves none of them.
func TestBatchTextRows(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	defer s.Close()
	work := func(word string) *fanarchive.Work {
		return &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "Harbour " + word, Rating: fanarchive.RatingGeneral,
			Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>The " + word + " came in with the tide.</p>"}}}
	}
	matches := func(word string) []int64 {
		rows, err := s.db.QueryContext(ctx, `SELECT rowid FROM work_text WHERE work_text MATCH ?`, word)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		return ids
	}
	batch := []*fanarchive.Work{work("gullwing"), work("kelpie"), work("lanternfish")}
	if _, err := s.ImportWorks(ctx, batch); err != nil {
		t.Fatal(err)
	}
	bulk := []*fanarchive.Work{work("marlinspike"), work("narwhal")}
	if err := s.CreateWorks(ctx, bulk); err != nil {
		t.Fatal(err)
	}
	for _, w := range append(batch, bulk...) {
		word := strings.Fields(w.Title)[1]
		if got := matches(word); len(got) != 1 || got[0] != w.ID {
			t.Errorf("%q matches %v, want [%d]", word, got, w.ID)
		}
	}
	bad := work("oarfish")
	bad.Chapters = nil
	if _, err := s.ImportWorks(ctx, []*fanarchive.Work{work("puffin"), bad}); err == nil {
		t.Fatal("a batch with an invalid work was stored")
	}
	if got := matches("puffin"); len(got) != 0 {
		t.Errorf("a failed batch left text rows: %v", got)
	}
}
