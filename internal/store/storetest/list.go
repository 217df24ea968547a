package storetest

import (
	"context"
	"fmt"
	"testing"

	"fanarchive"
)

func testFindWorksOrder(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	// Created out of order; listed by Updated, newest first, then by ID,
	// highest first, when two were updated at the same time.
	for _, tt := range []struct {
		title string
		day   int
	}{{"Mid", 5}, {"Old", 1}, {"New", 9}, {"TieA", 7}, {"TieB", 7}} {
		w := newWork(tt.title)
		w.Published, w.Updated = day(0), day(tt.day)
		create(t, s, w)
	}
	works, n, err := s.FindWorks(ctx, fanarchive.WorkFilter{})
	must(t, err)
	if got, want := titles(works), "New,TieB,TieA,Mid,Old"; got != want || n != 5 {
		t.Errorf("FindWorks = [%s] (%d), want [%s] (5)", got, n, want)
	}
}

// listing builds the works the filter tests search.
func listing(t *testing.T, s fanarchive.Store) map[string]*fanarchive.Work {
	t.Helper()
	works := map[string]*fanarchive.Work{}
	add := func(title string, d int, change func(w *fanarchive.Work)) {
		w := newWork(title)
		w.Updated = day(d)
		change(w)
		works[title] = create(t, s, w)
	}
	add("XF1", 1, func(w *fanarchive.Work) { w.Authors = []fanarchive.Author{{Name: "Jo"}} })
	add("XF2", 2, func(w *fanarchive.Work) {
		w.Authors = []fanarchive.Author{{Name: "Sam"}, {Name: "Jo"}}
		w.Tags = append(w.Tags, fanarchive.Tag{Kind: fanarchive.TagCharacter, Name: "Dana Scully"})
	})
	add("Buffy", 3, func(w *fanarchive.Work) {
		w.Authors = []fanarchive.Author{{Name: "Sam"}}
		w.Tags = []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Buffy the Vampire Slayer"}}
	})
	add("FAQ", 4, func(w *fanarchive.Work) { w.Kind = fanarchive.KindOther; w.Authors = []fanarchive.Author{{Name: "Jo"}} })
	add("XF2 repost", 5, func(w *fanarchive.Work) {
		w.Authors = []fanarchive.Author{{Name: "Jo"}}
		w.DuplicateOf = works["XF2"].ID
	})
	return works
}

func testFindWorksFilters(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	listing(t, s)
	tests := []struct {
		name   string
		filter fanarchive.WorkFilter
		want   string
	}{
		{"default is listed fiction", fanarchive.WorkFilter{}, "Buffy,XF2,XF1"},
		{"explicit fiction", fanarchive.WorkFilter{Kind: fanarchive.KindFiction}, "Buffy,XF2,XF1"},
		{"other documents", fanarchive.WorkFilter{Kind: fanarchive.KindOther}, "FAQ"},
		{"with duplicates", fanarchive.WorkFilter{IncludeDuplicates: true}, "XF2 repost,Buffy,XF2,XF1"},
		{"author", fanarchive.WorkFilter{Author: ptr("Jo")}, "XF2,XF1"},
		{"author with duplicates", fanarchive.WorkFilter{Author: ptr("Jo"), IncludeDuplicates: true}, "XF2 repost,XF2,XF1"},
		{"second author", fanarchive.WorkFilter{Author: ptr("Sam")}, "Buffy,XF2"},
		{"author of other", fanarchive.WorkFilter{Author: ptr("Jo"), Kind: fanarchive.KindOther}, "FAQ"},
		{"author is exact", fanarchive.WorkFilter{Author: ptr("jo")}, ""},
		{"unknown author", fanarchive.WorkFilter{Author: ptr("Nobody")}, ""},
		{"fandom", fanarchive.WorkFilter{Tag: &fanarchive.Tag{Kind: fanarchive.TagFandom, Name: "The X-Files"}}, "XF2,XF1"},
		{"character", fanarchive.WorkFilter{Tag: &fanarchive.Tag{Kind: fanarchive.TagCharacter, Name: "Dana Scully"}}, "XF2"},
		{"tag kind matters", fanarchive.WorkFilter{Tag: &fanarchive.Tag{Kind: fanarchive.TagFreeform, Name: "The X-Files"}}, ""},
		{"unknown tag", fanarchive.WorkFilter{Tag: &fanarchive.Tag{Kind: fanarchive.TagFandom, Name: "Highlander"}}, ""},
		{"author and tag", fanarchive.WorkFilter{
			Author: ptr("Sam"), Tag: &fanarchive.Tag{Kind: fanarchive.TagFandom, Name: "The X-Files"}}, "XF2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			works, n, err := s.FindWorks(ctx, tt.filter)
			must(t, err)
			if got := titles(works); got != tt.want {
				t.Errorf("FindWorks = [%s], want [%s]", got, tt.want)
			}
			if n != len(works) {
				t.Errorf("total = %d, want %d", n, len(works))
			}
		})
	}
}

func testFindWorksInvalid(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	create(t, s, newWork("Any"))
	for _, f := range []fanarchive.WorkFilter{{Kind: "poem"}, {Offset: -1}} {
		_, _, err := s.FindWorks(ctx, f)
		wantCode(t, err, fanarchive.EINVALID)
	}
}

func testFindWorksPagination(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	const count = 31
	want := map[int64]bool{}
	for i := range count {
		w := newWork(fmt.Sprintf("Story %02d", i))
		w.Updated = day(i % 4) // many ties, so the ID decides
		want[create(t, s, w).ID] = true
	}
	for _, limit := range []int{1, 7, 10, 31, 100} {
		seen := map[int64]bool{}
		var prev *fanarchive.Work
		for offset := 0; ; offset += limit {
			works, n, err := s.FindWorks(ctx, fanarchive.WorkFilter{Offset: offset, Limit: limit})
			must(t, err)
			if n != count {
				t.Fatalf("limit %d offset %d: total %d, want %d", limit, offset, n, count)
			}
			if len(works) > limit {
				t.Fatalf("limit %d: page of %d", limit, len(works))
			}
			if len(works) == 0 {
				break
			}
			for _, w := range works {
				if seen[w.ID] {
					t.Fatalf("limit %d: %s listed twice", limit, describe(w))
				}
				seen[w.ID] = true
				if prev != nil && (w.Updated.After(prev.Updated) || w.Updated.Equal(prev.Updated) && w.ID > prev.ID) {
					t.Fatalf("limit %d: %s listed after %s", limit, describe(w), describe(prev))
				}
				prev = w
			}
		}
		if len(seen) != count {
			t.Errorf("limit %d: %d works listed, want %d", limit, len(seen), count)
		}
	}
	// Past the end: no works, and still the right total.
	works, n, err := s.FindWorks(ctx, fanarchive.WorkFilter{Offset: 1000})
	must(t, err)
	if len(works) != 0 || n != count {
		t.Errorf("offset past the end: %d works, total %d; want 0, %d", len(works), n, count)
	}
	works, n, err = s.FindWorks(ctx, fanarchive.WorkFilter{Offset: 1000, Author: ptr("Nobody")})
	must(t, err)
	if len(works) != 0 || n != 0 {
		t.Errorf("no matches past the end: %d works, total %d; want 0, 0", len(works), n)
	}
}

func testFindWorksLimits(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	const count = 105
	for i := range count {
		create(t, s, newWork(fmt.Sprintf("Limit %03d", i)))
	}
	for _, tt := range []struct{ limit, want int }{{0, 20}, {-5, 20}, {1, 1}, {100, 100}, {101, 100}, {100000, 100}} {
		works, n, err := s.FindWorks(ctx, fanarchive.WorkFilter{Limit: tt.limit})
		must(t, err)
		if len(works) != tt.want || n != count {
			t.Errorf("Limit %d: %d works, total %d; want %d, %d", tt.limit, len(works), n, tt.want, count)
		}
	}
}

func testFindWorksContents(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	w := newWork("Contents")
	w.Summary = "A summary."
	w.Authors = []fanarchive.Author{{Name: "B"}, {Name: "A"}}
	w.Tags = append(w.Tags, fanarchive.Tag{Kind: fanarchive.TagCategory, Name: "Gen", Inferred: true})
	w.Evidence = map[string]fanarchive.Evidence{fanarchive.FieldTitle: {Confidence: 0.4, Via: "first-line"}}
	w.Problems = []string{"title guessed"}
	create(t, s, w)

	works, _, err := s.FindWorks(ctx, fanarchive.WorkFilter{})
	must(t, err)
	if len(works) != 1 {
		t.Fatalf("FindWorks: %d works, want 1", len(works))
	}
	got := works[0]
	// Everything a listing shows, but no chapter text and no sources.
	if got.Title != w.Title || got.Summary != w.Summary || got.Begins != w.Begins || got.Words != w.Words ||
		got.Rating != w.Rating || got.Language != w.Language || !got.Updated.Equal(w.Updated) || !got.NeedsReview() {
		t.Errorf("listed work = %+v, want the fields of %+v", got, w)
	}
	if names := fmt.Sprint(got.AuthorNames()); names != "[B A]" {
		t.Errorf("authors = %s, want [B A]", names)
	}
	if len(got.Tags) != 2 || got.Tags[1] != w.Tags[1] {
		t.Errorf("tags = %+v, want %+v", got.Tags, w.Tags)
	}
	if len(got.Sources) != 0 {
		t.Errorf("listed work has %d sources, want none", len(got.Sources))
	}
	if len(got.Chapters) != len(w.Chapters) {
		t.Fatalf("listed work has %d chapters, want %d", len(got.Chapters), len(w.Chapters))
	}
	for i, ch := range got.Chapters {
		want := *w.Chapters[i]
		want.Body = ""
		if *ch != want {
			t.Errorf("listed chapter %d = %+v, want %+v (no body)", i+1, *ch, want)
		}
	}
}
