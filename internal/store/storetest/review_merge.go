package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"fanarchive"
)

// sourcesSnapshot reads every source of the works, bytes included, keyed
// by ID, to show that edits leave the originals alone.
func sourcesSnapshot(t *testing.T, s fanarchive.Store, works ...*fanarchive.Work) map[int64]*fanarchive.Source {
	t.Helper()
	out := map[int64]*fanarchive.Source{}
	for _, w := range works {
		for _, src := range w.Sources {
			got, err := s.FindSourceByID(context.Background(), src.ID)
			must(t, err)
			out[got.ID] = got
		}
	}
	return out
}

// sameOriginals fails the test if a source's bytes or what was recorded
// about the file changed (its first work may follow a merge).
func sameOriginals(t *testing.T, s fanarchive.Store, before map[int64]*fanarchive.Source) {
	t.Helper()
	for id, b := range before {
		a, err := s.FindSourceByID(context.Background(), id)
		must(t, err)
		if string(a.Raw) != string(b.Raw) || a.SHA256 != b.SHA256 || a.Name != b.Name || a.Size != b.Size ||
			a.Encoding != b.Encoding || a.List != b.List || a.Archive != b.Archive || !a.ImportedAt.Equal(b.ImportedAt) {
			t.Errorf("source %d changed: %+v, was %+v", id, a, b)
		}
	}
}

func testReviewMerge(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	a := reviewWork("", map[string]float64{fanarchive.FieldTitle: 0, fanarchive.FieldChapters: 0.6}, "no title found", "part missing: 2 of 2")
	a.Published, a.Updated = day(3), day(4)
	a.Tags = append(a.Tags, fanarchive.Tag{Kind: fanarchive.TagFreeform, Name: "Rain", Inferred: true})
	create(t, s, a)
	b := reviewWork("Part Two", map[string]float64{fanarchive.FieldTitle: 1, fanarchive.FieldList: 0.85})
	b.Published, b.Updated = day(1), day(9)
	b.Authors = append(b.Authors, fanarchive.Author{Name: "Author of "})
	b.Tags = append(b.Tags, fanarchive.Tag{Kind: fanarchive.TagFreeform, Name: "Rain"}, fanarchive.Tag{Kind: fanarchive.TagCharacter, Name: "Spike"})
	b.Notes = []fanarchive.Note{{Label: "Disclaimer", Text: "Not mine."}}
	b.Chapters[0].Body, b.Chapters[1].Body = "<p>Third.</p>", "<p>Fourth.</p>"
	create(t, s, b)
	dup := newWork("Repost of two")
	dup.DuplicateOf = b.ID
	create(t, s, dup)
	must(t, s.UpdateWorkField(ctx, b.ID, "summary", "Before the merge.", editor))
	originals := sourcesSnapshot(t, s, a, b)

	wantCode(t, s.MergeWorks(ctx, a.ID, b.ID, ""), fanarchive.EINVALID)
	must(t, s.MergeWorks(ctx, a.ID, b.ID, editor))

	_, err := s.FindWorkByID(ctx, b.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)
	got := find(t, s, a.ID)
	var bodies []string
	for i, ch := range got.Chapters {
		if ch.Number != i+1 {
			t.Errorf("chapter %d numbered %d", i+1, ch.Number)
		}
		bodies = append(bodies, ch.Body)
	}
	if want := []string{a.Chapters[0].Body, a.Chapters[1].Body, "<p>Third.</p>", "<p>Fourth.</p>"}; !slices.Equal(bodies, want) {
		t.Errorf("chapters after merge = %q, want %q", bodies, want)
	}
	if ch, err := s.FindChapter(ctx, a.ID, 3); err != nil || ch.Body != "<p>Third.</p>" || ch.SourceID != b.Sources[0].ID {
		t.Errorf("FindChapter(3) = %+v, %v; want b's first chapter from b's source", ch, err)
	}
	if len(got.Sources) != 2 || got.Sources[0].ID != a.Sources[0].ID || got.Sources[1].ID != b.Sources[0].ID || got.Sources[1].Part != 2 {
		t.Errorf("sources after merge: %+v", got.Sources)
	}
	if got.Title != "Part Two" || got.Evidence[fanarchive.FieldTitle].Confidence != 1 || slices.Contains(got.Problems, "no title found") {
		t.Errorf("empty title not filled from the merged work: %q %+v %q", got.Title, got.Evidence, got.Problems)
	}
	if got.Summary != "Before the merge." || got.Words != a.Words+b.Words || !got.Published.Equal(day(1)) || !got.Updated.Equal(day(9)) {
		t.Errorf("summary %q, words %d, published %v, updated %v", got.Summary, got.Words, got.Published, got.Updated)
	}
	if !slices.Equal(got.AuthorNames(), []string{"Author of ", "Author of Part Two"}) {
		t.Errorf("authors = %q", got.AuthorNames())
	}
	if !slices.Equal(got.TagsOf(fanarchive.TagFreeform), []string{"Rain"}) || !slices.Equal(got.TagsOf(fanarchive.TagCharacter), []string{"Spike"}) {
		t.Errorf("tags = %+v", got.Tags)
	}
	for _, tg := range got.Tags {
		if tg.Inferred {
			t.Errorf("tag %q stays inferred though the merged work states it", tg.Name)
		}
	}
	if len(got.Notes) != 1 || got.Evidence[fanarchive.FieldList].Confidence != 0.85 || got.Evidence[fanarchive.FieldChapters].Confidence != 0.6 {
		t.Errorf("notes %+v, evidence %+v", got.Notes, got.Evidence)
	}
	if d := find(t, s, dup.ID); d.DuplicateOf != a.ID {
		t.Errorf("duplicate of the merged work: DuplicateOf = %d, want %d", d.DuplicateOf, a.ID)
	}
	sameOriginals(t, s, originals)
	if src, err := s.FindSourceByID(ctx, b.Sources[0].ID); err != nil || src.WorkID != a.ID {
		t.Errorf("merged work's source: WorkID %d, %v; want %d", src.WorkID, err, a.ID)
	}
	h := edits(t, s, a.ID)
	want := []string{
		"set summary:  -> Before the merge. by Test Archivist",
		fmt.Sprintf(`merge chapters: chapters 1–2 -> chapters 1–4; chapters 3–4 from work %d "Part Two" by Test Archivist`, b.ID),
	}
	if !slices.Equal(h, want) {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(h, "\n"), strings.Join(want, "\n"))
	}
}

func testReviewMergeInvalid(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	a := create(t, s, newWork("A"))
	b := create(t, s, newWork("B"))
	for _, tt := range []struct {
		into, from int64
		code       string
	}{
		{a.ID, a.ID, fanarchive.EINVALID},
		{a.ID, b.ID + 1000, fanarchive.ENOTFOUND},
		{a.ID + 1000, b.ID, fanarchive.ENOTFOUND},
	} {
		err := s.MergeWorks(ctx, tt.into, tt.from, editor)
		if got := fanarchive.ErrorCode(err); got != tt.code {
			t.Errorf("MergeWorks(%d, %d) = %v, want %s", tt.into, tt.from, err, tt.code)
		}
	}
	if len(find(t, s, a.ID).Chapters) != 2 || len(find(t, s, b.ID).Chapters) != 2 {
		t.Error("a failed merge changed the works")
	}
}

// testReviewMergeOrigins checks that importing the same files again after
// merges finds the work that holds them, and that a deleted work stays
// deleted whatever was merged into it.
func testReviewMergeOrigins(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	a := create(t, s, newWork("One"))
	b := create(t, s, newWork("Two"))
	c := create(t, s, newWork("Three"))
	must(t, s.MergeWorks(ctx, a.ID, b.ID, editor))
	reimport := func(name string, wantID int64) {
		t.Helper()
		w := newWork(name)
		wantCode(t, s.CreateWork(ctx, w), fanarchive.ECONFLICT)
		if w.ID != wantID {
			t.Errorf("re-import of %q: w.ID = %d, want %d", name, w.ID, wantID)
		}
	}
	reimport("One", a.ID)
	reimport("Two", a.ID)
	// Merging the merged work on follows it: both origins name c.
	must(t, s.MergeWorks(ctx, c.ID, a.ID, editor))
	reimport("One", c.ID)
	reimport("Two", c.ID)
	reimport("Three", c.ID)
	if n := len(edits(t, s, c.ID)); n != 2 {
		t.Errorf("c's history has %d edits, want both merges", n)
	}
	// A takedown of c covers everything merged into it.
	must(t, s.DeleteWork(ctx, c.ID))
	reimport("One", 0)
	reimport("Two", 0)
	reimport("Three", 0)
}

func testReviewSplit(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	w := reviewWork("Glued", map[string]float64{fanarchive.FieldTitle: 1, fanarchive.FieldAuthors: 0.9, fanarchive.FieldChapters: 0.6},
		"part order inferred: 1 of 2 parts have no part number", "no fandom found")
	w.Summary = "The first story."
	w.Notes = []fanarchive.Note{{Label: "A/N", Text: "Thanks."}}
	w.Sources = append(w.Sources, fanarchive.NewSource("glued-2.txt", []byte("the second file")))
	w.Chapters = append(w.Chapters, &fanarchive.Chapter{Number: 3, Title: "Another", Body: "<p>A different story begins here.</p>", Words: 5, SourceID: -2})
	w.Words = 12
	create(t, s, w)
	originals := sourcesSnapshot(t, s, w)

	id, err := s.SplitWork(ctx, w.ID, 3, editor)
	must(t, err)
	old, n := find(t, s, w.ID), find(t, s, id)
	if len(old.Chapters) != 2 || old.Words != 7 || len(old.Sources) != 1 || old.Sources[0].ID != w.Sources[0].ID {
		t.Errorf("work split: %d chapters, %d words, sources %+v", len(old.Chapters), old.Words, old.Sources)
	}
	if len(n.Chapters) != 1 || n.Chapters[0].Number != 1 || n.Chapters[0].Title != "Another" || n.Words != 5 ||
		n.Begins != "A different story begins here." || len(n.Sources) != 1 || n.Sources[0].ID != w.Sources[1].ID {
		t.Errorf("new work: %+v chapters %+v sources %+v", n, n.Chapters, n.Sources)
	}
	if n.Title != "Glued (part 2)" || n.Evidence[fanarchive.FieldTitle].Confidence >= fanarchive.ReviewThreshold || !n.NeedsReview() {
		t.Errorf("new work's title %q, evidence %+v: want a made-up title to review", n.Title, n.Evidence[fanarchive.FieldTitle])
	}
	if !slices.Equal(n.AuthorNames(), old.AuthorNames()) || !slices.Equal(n.TagsOf(fanarchive.TagFandom), old.TagsOf(fanarchive.TagFandom)) ||
		!slices.Equal(n.Notes, old.Notes) || n.Summary != "" || n.Kind != old.Kind || n.Rating != old.Rating {
		t.Errorf("new work does not carry the metadata over: %+v", n)
	}
	if !slices.Equal(n.Problems, []string{"no fandom found"}) || n.Evidence[fanarchive.FieldAuthors].Confidence != 0.9 {
		t.Errorf("new work's problems %q, evidence %+v", n.Problems, n.Evidence)
	}
	if ch, err := s.FindChapter(ctx, id, 1); err != nil || ch.Body != "<p>A different story begins here.</p>" {
		t.Errorf("FindChapter(new, 1) = %+v, %v", ch, err)
	}
	sameOriginals(t, s, originals)

	wantOld := []string{fmt.Sprintf("split chapters: chapters 1–3 -> chapters 1–2; chapter 3 became work %d by Test Archivist", id)}
	wantNew := []string{fmt.Sprintf(`split chapters: chapter 3 of work %d "Glued" -> chapter 1 by Test Archivist`, w.ID)}
	if h := edits(t, s, w.ID); !slices.Equal(h, wantOld) {
		t.Errorf("history of the split work: %q, want %q", h, wantOld)
	}
	if h := edits(t, s, id); !slices.Equal(h, wantNew) {
		t.Errorf("history of the new work: %q, want %q", h, wantNew)
	}

	// Importing the same files again finds the original work; nothing new.
	again := newWork("Glued")
	again.Sources = append(again.Sources, fanarchive.NewSource("glued-2.txt", []byte("the second file")))
	wantCode(t, s.CreateWork(ctx, again), fanarchive.ECONFLICT)
	if again.ID != w.ID {
		t.Errorf("re-import after split: w.ID = %d, want %d", again.ID, w.ID)
	}
	// Splitting a work whose chapters share one file links it to both.
	one := create(t, s, newWork("Shared file"))
	id2, err := s.SplitWork(ctx, one.ID, 2, editor)
	must(t, err)
	if a, b := find(t, s, one.ID), find(t, s, id2); len(a.Sources) != 1 || len(b.Sources) != 1 || a.Sources[0].ID != b.Sources[0].ID {
		t.Errorf("shared source: %+v and %+v", a.Sources, b.Sources)
	}
	// And merging the parts back gives the work as it was.
	must(t, s.MergeWorks(ctx, one.ID, id2, editor))
	if a := find(t, s, one.ID); len(a.Chapters) != 2 || a.Words != one.Words || len(a.Sources) != 1 {
		t.Errorf("split then merged: %d chapters, %d words, %d sources", len(a.Chapters), a.Words, len(a.Sources))
	}
}

func testReviewSplitInvalid(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	w := create(t, s, newWork("Two chapters"))
	single := newWork("One chapter")
	single.Chapters = single.Chapters[:1]
	create(t, s, single)
	for _, tt := range []struct {
		id   int64
		at   int
		by   string
		code string
	}{
		{w.ID, 1, editor, fanarchive.EINVALID},
		{w.ID, 0, editor, fanarchive.EINVALID},
		{w.ID, -1, editor, fanarchive.EINVALID},
		{w.ID, 3, editor, fanarchive.EINVALID},
		{w.ID, 2, "", fanarchive.EINVALID},
		{single.ID, 2, editor, fanarchive.EINVALID},
		{w.ID + 1000, 2, editor, fanarchive.ENOTFOUND},
	} {
		id, err := s.SplitWork(ctx, tt.id, tt.at, tt.by)
		if got := fanarchive.ErrorCode(err); got != tt.code || id != 0 {
			t.Errorf("SplitWork(%d, %d, %q) = %d, %v; want %s", tt.id, tt.at, tt.by, id, err, tt.code)
		}
	}
	if _, n, _ := s.FindWorks(ctx, fanarchive.WorkFilter{}); n != 2 {
		t.Errorf("failed splits made works: %d listed", n)
	}
}
