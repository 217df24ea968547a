package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"fanarchive"
)

// RunReview runs the review suite (fanarchive.ReviewService): the queue and
// its filters, setting and confirming fields, merging and splitting works,
// the edit history, re-imports after merges and splits, originals left
// untouched, and search and listings following every edit. Every store
// implementation runs it besides Run and RunSearch.
func RunReview(t *testing.T, open SearchOpener) {
	t.Helper()
	runSearchSuites(t, "Review/", open, []searchSuite{
		{"Queue", testReviewQueue},
		{"QueueInvalid", testReviewQueueInvalid},
		{"SetFields", testReviewSetFields},
		{"SetInvalid", testReviewSetInvalid},
		{"Confirm", testReviewConfirm},
		{"Merge", testReviewMerge},
		{"MergeInvalid", testReviewMergeInvalid},
		{"MergeOrigins", testReviewMergeOrigins},
		{"Split", testReviewSplit},
		{"SplitInvalid", testReviewSplitInvalid},
		{"Search", testReviewSearch},
	})
}

// editor is who makes the suite's edits.
const editor = "Test Archivist"

// reviewWork returns newWork(name) with evidence at the given confidences
// and the given problems.
func reviewWork(name string, conf map[string]float64, problems ...string) *fanarchive.Work {
	w := newWork(name)
	w.Evidence = map[string]fanarchive.Evidence{}
	for f, c := range conf {
		w.Evidence[f] = fanarchive.Evidence{Confidence: c, Via: "test:" + f, Detail: name}
	}
	w.Problems = problems
	return w
}

// queue returns the titles of a page of the review queue.
func queue(t *testing.T, s fanarchive.Store, f fanarchive.ReviewFilter) (string, int) {
	t.Helper()
	works, n, err := s.FindReviewQueue(context.Background(), f)
	if err != nil {
		t.Fatalf("FindReviewQueue(%+v): %v", f, err)
	}
	for _, w := range works {
		if !w.NeedsReview() {
			t.Errorf("%s is in the queue but does not need review", describe(w))
		}
		if len(w.Chapters) == 0 || len(w.Authors) == 0 {
			t.Errorf("%s: queue works come with chapters and authors", describe(w))
		}
	}
	return titles(works), n
}

// find reads a work or fails the test.
func find(t *testing.T, s fanarchive.Store, id int64) *fanarchive.Work {
	t.Helper()
	w, err := s.FindWorkByID(context.Background(), id)
	if err != nil {
		t.Fatalf("FindWorkByID(%d): %v", id, err)
	}
	return w
}

// edits returns a work's history as "op field: old -> new by" lines.
func edits(t *testing.T, s fanarchive.Store, id int64) []string {
	t.Helper()
	es, err := s.FindWorkEdits(context.Background(), id)
	if err != nil {
		t.Fatalf("FindWorkEdits(%d): %v", id, err)
	}
	var out []string
	for _, e := range es {
		if e.WorkID != id || e.At.IsZero() || e.ID == 0 {
			t.Errorf("edit %+v of work %d: IDs and time must be set", e, id)
		}
		out = append(out, fmt.Sprintf("%s %s: %s -> %s by %s", e.Op, e.Field, e.Old, e.New, e.By))
	}
	return out
}

func testReviewQueue(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	f := fanarchive.FieldFandoms
	create(t, s, reviewWork("Sure", map[string]float64{fanarchive.FieldTitle: 1, f: 0.9}))
	create(t, s, reviewWork("Inferred", map[string]float64{fanarchive.FieldTitle: 1, f: 0.5}))
	create(t, s, reviewWork("Untitled", map[string]float64{fanarchive.FieldTitle: 0, f: 1}, "no title found"))
	create(t, s, reviewWork("Parts", map[string]float64{fanarchive.FieldChapters: 0.6}, "part order inferred: 1 of 3 parts have no part number"))
	create(t, s, reviewWork("Missing", map[string]float64{fanarchive.FieldChapters: 0.95}, "part missing: 2 of 3"))
	other := reviewWork("Review?", map[string]float64{fanarchive.FieldKind: 0.55})
	other.Kind = fanarchive.KindOther
	create(t, s, other)
	create(t, s, reviewWork("Percent", map[string]float64{}, "rating not recognised: \"100%_sure\""))
	tie := reviewWork("Also inferred", map[string]float64{f: 0.5})
	create(t, s, tie)
	create(t, s, newWork("No evidence"))

	tests := []struct {
		filter fanarchive.ReviewFilter
		want   string
		total  int
	}{
		{fanarchive.ReviewFilter{}, "Untitled,Inferred,Also inferred,Review?,Parts,Missing,Percent", 7},
		{fanarchive.ReviewFilter{Limit: 2}, "Untitled,Inferred", 7},
		{fanarchive.ReviewFilter{Offset: 2, Limit: 2}, "Also inferred,Review?", 7},
		{fanarchive.ReviewFilter{Offset: 7}, "", 7},
		{fanarchive.ReviewFilter{Offset: 70}, "", 7},
		{fanarchive.ReviewFilter{Field: f}, "Inferred,Also inferred", 2},
		{fanarchive.ReviewFilter{Field: fanarchive.FieldTitle}, "Untitled", 1},
		{fanarchive.ReviewFilter{Field: fanarchive.FieldSummary}, "", 0},
		{fanarchive.ReviewFilter{Problem: "PART"}, "Parts,Missing", 2},
		{fanarchive.ReviewFilter{Problem: "part order"}, "Parts", 1},
		{fanarchive.ReviewFilter{Problem: "%_"}, "Percent", 1},
		{fanarchive.ReviewFilter{Problem: "_"}, "Percent", 1},
		{fanarchive.ReviewFilter{Problem: "no such problem"}, "", 0},
		{fanarchive.ReviewFilter{Kind: fanarchive.KindOther}, "Review?", 1},
		{fanarchive.ReviewFilter{Kind: fanarchive.KindFiction, Field: f}, "Inferred,Also inferred", 2},
		{fanarchive.ReviewFilter{Kind: fanarchive.KindOther, Field: f}, "", 0},
		{fanarchive.ReviewFilter{Limit: fanarchive.MaxReviewPage + 1}, "Untitled,Inferred,Also inferred,Review?,Parts,Missing,Percent", 7},
	}
	for _, tt := range tests {
		got, n := queue(t, s, tt.filter)
		if got != tt.want || n != tt.total {
			t.Errorf("FindReviewQueue(%+v) = [%s] (%d), want [%s] (%d)", tt.filter, got, n, tt.want, tt.total)
		}
	}
}

func testReviewQueueInvalid(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	for _, f := range []fanarchive.ReviewFilter{
		{Field: "mood"}, {Kind: "poem"}, {Offset: -1}, {Limit: -1}, {Problem: strings.Repeat("x", fanarchive.MaxTagNameLen+1)},
	} {
		_, _, err := s.FindReviewQueue(ctx, f)
		wantCode(t, err, fanarchive.EINVALID)
	}
}

func testReviewSetFields(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	other := create(t, s, newWork("Original"))
	w := reviewWork("Guess", map[string]float64{fanarchive.FieldTitle: 0.6, fanarchive.FieldFandoms: 0.5, fanarchive.FieldAuthors: 0},
		"no author found", "no fandom found", "rating not recognised: \"PG\"", "duplicate of another work: 1", "part missing: 2 of 3")
	w.Tags = append(w.Tags, fanarchive.Tag{Kind: fanarchive.TagFandom, Name: "Smallville", Inferred: true},
		fanarchive.Tag{Kind: fanarchive.TagCharacter, Name: "Kept Character"})
	create(t, s, w)

	tests := []struct {
		field, value string
		check        func(got *fanarchive.Work) bool
		old, new     string
	}{
		{"title", "  Salt and Static ", func(g *fanarchive.Work) bool { return g.Title == "Salt and Static" }, "Guess", "Salt and Static"},
		{"authors", "Ann & Bo, Cy ,Ann", func(g *fanarchive.Work) bool { return slices.Equal(g.AuthorNames(), []string{"Ann", "Bo", "Cy"}) },
			"Author of Guess", "Ann, Bo, Cy"},
		{"rating", "not rated", func(g *fanarchive.Work) bool { return g.Rating == fanarchive.RatingNotRated }, "General", "Not Rated"},
		{"rating", "TEEN", func(g *fanarchive.Work) bool { return g.Rating == fanarchive.RatingTeen }, "Not Rated", "Teen"},
		{"summary", "Two lighthouse keepers.", func(g *fanarchive.Work) bool { return g.Summary == "Two lighthouse keepers." }, "", "Two lighthouse keepers."},
		{"fandoms", "Smallville, Harbour Lights", func(g *fanarchive.Work) bool {
			return slices.Equal(g.TagsOf(fanarchive.TagFandom), []string{"Smallville", "Harbour Lights"}) &&
				!slices.ContainsFunc(g.Tags, func(t fanarchive.Tag) bool { return t.Inferred }) &&
				slices.Equal(g.TagsOf(fanarchive.TagCharacter), []string{"Kept Character"})
		}, "The X-Files, Smallville", "Smallville, Harbour Lights"},
		{"relationships", "Clark/Lex", func(g *fanarchive.Work) bool {
			return slices.Equal(g.TagsOf(fanarchive.TagRelationship), []string{"Clark/Lex"})
		}, "", "Clark/Lex"},
		{"characters", "", func(g *fanarchive.Work) bool { return len(g.TagsOf(fanarchive.TagCharacter)) == 0 }, "Kept Character", ""},
		{"freeform", "Angst, Rain", func(g *fanarchive.Work) bool {
			return slices.Equal(g.TagsOf(fanarchive.TagFreeform), []string{"Angst", "Rain"})
		}, "", "Angst, Rain"},
		{"warnings", "No Archive Warnings Apply", func(g *fanarchive.Work) bool { return len(g.TagsOf(fanarchive.TagWarning)) == 1 }, "", "No Archive Warnings Apply"},
		{"categories", "M/M", func(g *fanarchive.Work) bool { return slices.Equal(g.TagsOf(fanarchive.TagCategory), []string{"M/M"}) }, "", "M/M"},
		{"language", "pt-BR", func(g *fanarchive.Work) bool { return g.Language == "pt-BR" }, "en", "pt-BR"},
		{"complete", "no", func(g *fanarchive.Work) bool { return !g.Complete }, "true", "false"},
		{"kind", "Other", func(g *fanarchive.Work) bool { return g.Kind == fanarchive.KindOther }, "fiction", "other"},
		{"kind", "fiction", func(g *fanarchive.Work) bool { return g.Kind == fanarchive.KindFiction }, "other", "fiction"},
		{"duplicate_of", fmt.Sprint(other.ID), func(g *fanarchive.Work) bool { return g.DuplicateOf == other.ID }, "0", fmt.Sprint(other.ID)},
		{"duplicate_of", "0", func(g *fanarchive.Work) bool { return g.DuplicateOf == 0 }, fmt.Sprint(other.ID), "0"},
	}
	var want []string
	for _, tt := range tests {
		must(t, s.UpdateWorkField(ctx, w.ID, tt.field, tt.value, editor))
		got := find(t, s, w.ID)
		if !tt.check(got) {
			t.Errorf("after set %s %q: %+v", tt.field, tt.value, got)
		}
		if e := got.Evidence[tt.field]; e.Confidence != 1 || e.Via != fanarchive.ViaArchivist || e.Detail != editor {
			t.Errorf("after set %s: evidence %+v, want the archivist's", tt.field, e)
		}
		op := fanarchive.EditSet
		if tt.field == fanarchive.FieldKind {
			op = fanarchive.EditMark
		}
		want = append(want, fmt.Sprintf("%s %s: %s -> %s by %s", op, tt.field, tt.old, tt.new, editor))
	}
	if got := edits(t, s, w.ID); !slices.Equal(got, want) {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	got := find(t, s, w.ID)
	if !slices.Equal(got.Problems, []string{"part missing: 2 of 3"}) {
		t.Errorf("problems left = %q, want only the one no field settles", got.Problems)
	}
	// The unchanged rest: sources, chapters, the original's bytes.
	if len(got.Chapters) != 2 || len(got.Sources) != 1 || got.Sources[0].SHA256 != w.Sources[0].SHA256 {
		t.Errorf("chapters or sources changed: %d chapters, %d sources", len(got.Chapters), len(got.Sources))
	}
	src, err := s.FindSourceByID(ctx, w.Sources[0].ID)
	must(t, err)
	if string(src.Raw) != string(w.Sources[0].Raw) {
		t.Error("the original's bytes changed")
	}
	if _, err := s.FindAuthorByName(ctx, "Bo"); err != nil {
		t.Errorf("new author not stored: %v", err)
	}
}

func testReviewSetInvalid(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	w := create(t, s, newWork("Target"))
	dup := newWork("Dup")
	dup.DuplicateOf = w.ID
	create(t, s, dup)
	third := create(t, s, newWork("Third"))
	tests := []struct {
		id           int64
		field, value string
		by           string
		code         string
	}{
		{w.ID + 1000, "title", "x", editor, fanarchive.ENOTFOUND},
		{w.ID, "mood", "x", editor, fanarchive.EINVALID},
		{w.ID, "chapters", "3", editor, fanarchive.EINVALID},
		{w.ID, "title", "x", "", fanarchive.EINVALID},
		{w.ID, "title", "x", "  ", fanarchive.EINVALID},
		{w.ID, "title", strings.Repeat("x", fanarchive.MaxTitleLen+1), editor, fanarchive.EINVALID},
		{w.ID, "title", "\xff", editor, fanarchive.EINVALID},
		{w.ID, "rating", "PG-13", editor, fanarchive.EINVALID},
		{w.ID, "complete", "maybe", editor, fanarchive.EINVALID},
		{w.ID, "language", "English (UK)", editor, fanarchive.EINVALID},
		{w.ID, "kind", "poem", editor, fanarchive.EINVALID},
		{w.ID, "fandoms", strings.Repeat("x", fanarchive.MaxTagNameLen+1), editor, fanarchive.EINVALID},
		{w.ID, "duplicate_of", "abc", editor, fanarchive.EINVALID},
		{w.ID, "duplicate_of", "-3", editor, fanarchive.EINVALID},
		{w.ID, "duplicate_of", fmt.Sprint(w.ID), editor, fanarchive.EINVALID},
		{w.ID, "duplicate_of", fmt.Sprint(w.ID + 1000), editor, fanarchive.EINVALID},
		{third.ID, "duplicate_of", fmt.Sprint(dup.ID), editor, fanarchive.EINVALID}, // a duplicate itself
		{w.ID, "duplicate_of", fmt.Sprint(dup.ID), editor, fanarchive.EINVALID},     // would be a cycle
	}
	for _, tt := range tests {
		err := s.UpdateWorkField(ctx, tt.id, tt.field, tt.value, tt.by)
		if got := fanarchive.ErrorCode(err); got != tt.code {
			t.Errorf("UpdateWorkField(%d, %q, %.20q, %q) = %v, want %s", tt.id, tt.field, tt.value, tt.by, err, tt.code)
		}
	}
	if got := find(t, s, w.ID); got.Title != "Target" || len(got.Evidence) != 0 {
		t.Errorf("failed edits changed the work: %+v", got)
	}
	if h := edits(t, s, w.ID); len(h) != 0 {
		t.Errorf("failed edits were recorded: %q", h)
	}
	_, err := s.FindWorkEdits(ctx, w.ID+1000)
	wantCode(t, err, fanarchive.ENOTFOUND)
}

func testReviewConfirm(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	w := reviewWork("Inferred", map[string]float64{fanarchive.FieldFandoms: 0.5, fanarchive.FieldChapters: 0.6, fanarchive.FieldRating: 0.8},
		"part order inferred: 1 of 2 parts have no part number", "something new")
	w.Tags = []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Smallville", Inferred: true}}
	create(t, s, w)

	wantCode(t, s.ConfirmWork(ctx, w.ID, []string{"mood"}, editor), fanarchive.EINVALID)
	wantCode(t, s.ConfirmWork(ctx, w.ID, nil, ""), fanarchive.EINVALID)
	wantCode(t, s.ConfirmWork(ctx, w.ID+1000, nil, editor), fanarchive.ENOTFOUND)

	must(t, s.ConfirmWork(ctx, w.ID, []string{fanarchive.FieldFandoms}, editor))
	got := find(t, s, w.ID)
	if e := got.Evidence[fanarchive.FieldFandoms]; e.Confidence != 1 || e.Via != fanarchive.ViaArchivist {
		t.Errorf("confirmed fandoms evidence = %+v", e)
	}
	if got.Tags[0].Inferred || got.TagsOf(fanarchive.TagFandom)[0] != "Smallville" {
		t.Errorf("confirmed fandom is still inferred: %+v", got.Tags)
	}
	if got.Evidence[fanarchive.FieldChapters].Confidence != 0.6 || len(got.Problems) != 2 {
		t.Errorf("confirming fandoms changed other fields: %+v %q", got.Evidence, got.Problems)
	}
	if n, _ := queue(t, s, fanarchive.ReviewFilter{Field: fanarchive.FieldFandoms}); n != "" {
		t.Errorf("confirmed work still listed for fandoms: %s", n)
	}

	must(t, s.ConfirmWork(ctx, w.ID, nil, editor)) // everything else
	got = find(t, s, w.ID)
	if got.NeedsReview() || got.Evidence[fanarchive.FieldRating].Confidence != 0.8 {
		t.Errorf("after confirming all: evidence %+v, problems %q", got.Evidence, got.Problems)
	}
	if n, _ := queue(t, s, fanarchive.ReviewFilter{}); n != "" {
		t.Errorf("queue after confirming all = [%s], want empty", n)
	}
	want := []string{
		"confirm fandoms: 0.50 test:fandoms (Inferred) -> 1.00 archivist (Test Archivist) by Test Archivist",
		"confirm chapters: 0.60 test:chapters (Inferred) -> 1.00 archivist (Test Archivist) by Test Archivist",
		"confirm problem: part order inferred: 1 of 2 parts have no part number ->  by Test Archivist",
		"confirm problem: something new ->  by Test Archivist",
	}
	if h := edits(t, s, w.ID); !slices.Equal(h, want) {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(h, "\n"), strings.Join(want, "\n"))
	}
}
