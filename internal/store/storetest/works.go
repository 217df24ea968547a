package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"fanarchive"
)

func testCreateRoundTrip(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	run := &fanarchive.ImportRun{Args: "fanarchive import ./xf"}
	must(t, s.CreateImportRun(ctx, run))

	w := newWork("Tooms Redux")
	w.Summary = "Mulder & Scully <again>."
	w.Notes = []fanarchive.Note{{Label: "Disclaimer", Text: "Not mine."}, {Label: "Author's Note", Text: "For J."}}
	w.Rating, w.RatingOriginal = fanarchive.RatingMature, "NC-17"
	w.Authors = []fanarchive.Author{{Name: "Zed"}, {Name: "Amy"}} // byline order, not alphabetical
	w.Tags = []fanarchive.Tag{
		{Kind: fanarchive.TagFandom, Name: "The X-Files"},
		{Kind: fanarchive.TagRelationship, Name: "Fox Mulder/Dana Scully"},
		{Kind: fanarchive.TagCharacter, Name: "Eugene Tooms", Inferred: true},
		{Kind: fanarchive.TagCategory, Name: "F/M"},
	}
	w.Complete = false
	w.Published, w.Updated = day(1), day(3)
	w.Evidence = map[string]fanarchive.Evidence{
		fanarchive.FieldTitle:  {Confidence: 1, Via: "header:Title", Detail: "Title: Tooms Redux"},
		fanarchive.FieldRating: {Confidence: 0.5, Via: "header:Rating"},
	}
	w.Problems = []string{"no summary found"}
	src2 := fanarchive.NewSource("tooms2.txt", []byte("part two\r\n"))
	w.Sources = append(w.Sources, src2)
	for i, src := range w.Sources {
		src.Part = i + 1
		src.Encoding, src.Archive, src.List = "windows-1252", "Gossamer", "XFF"
		src.FeedbackContact = "zed@example.net"
		src.ImportRunID = run.ID
		src.ImportedAt = day(100)
	}
	w.Chapters[1].SourceID = -2
	create(t, s, w)

	for i, ch := range w.Chapters {
		if ch.ID == 0 || ch.WorkID != w.ID {
			t.Errorf("chapter %d: ID %d, WorkID %d; want IDs set", i+1, ch.ID, ch.WorkID)
		}
	}
	for i, src := range w.Sources {
		if src.ID == 0 || src.WorkID != w.ID {
			t.Errorf("source %d: ID %d, WorkID %d; want IDs set", i+1, src.ID, src.WorkID)
		}
	}
	for _, a := range w.Authors {
		if a.ID == 0 {
			t.Errorf("author %q: ID not set", a.Name)
		}
	}
	for _, tag := range w.Tags {
		if tag.ID == 0 {
			t.Errorf("tag %q: ID not set", tag.Name)
		}
	}
	if w.Chapters[0].SourceID != w.Sources[0].ID || w.Chapters[1].SourceID != w.Sources[1].ID {
		t.Errorf("chapter sources = %d, %d; want %d, %d",
			w.Chapters[0].SourceID, w.Chapters[1].SourceID, w.Sources[0].ID, w.Sources[1].ID)
	}
	if w.CreatedAt.IsZero() || w.UpdatedAt.IsZero() {
		t.Errorf("CreatedAt/UpdatedAt not set: %v %v", w.CreatedAt, w.UpdatedAt)
	}

	got, err := s.FindWorkByID(ctx, w.ID)
	must(t, err)
	// Sources come back without their bytes; everything else as stored.
	want := *w
	want.Sources = nil
	for _, src := range w.Sources {
		c := *src
		c.Raw = nil
		want.Sources = append(want.Sources, &c)
	}
	compareWorks(t, got, &want)
}

// compareWorks fails the test if got differs from want, comparing times by
// instant.
func compareWorks(t *testing.T, got, want *fanarchive.Work) {
	t.Helper()
	times := func(w *fanarchive.Work) []time.Time {
		ts := []time.Time{w.Published, w.Updated, w.CreatedAt, w.UpdatedAt}
		for _, src := range w.Sources {
			ts = append(ts, src.ImportedAt)
		}
		return ts
	}
	gt, wt := times(got), times(want)
	for i := range wt {
		if i >= len(gt) || !gt[i].Equal(wt[i]) {
			t.Errorf("%s: times = %v, want %v", describe(want), gt, wt)
			break
		}
	}
	strip := func(w *fanarchive.Work) fanarchive.Work {
		c := *w
		c.Published, c.Updated, c.CreatedAt, c.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		c.Sources = nil
		for _, src := range w.Sources {
			sc := *src
			sc.ImportedAt = time.Time{}
			c.Sources = append(c.Sources, &sc)
		}
		return c
	}
	g, x := strip(got), strip(want)
	if !reflect.DeepEqual(g, x) {
		t.Errorf("%s differs:\n got %+v\nwant %+v", describe(want), g, x)
		if !reflect.DeepEqual(g.Chapters, x.Chapters) {
			for i := range max(len(g.Chapters), len(x.Chapters)) {
				if i < len(g.Chapters) && i < len(x.Chapters) {
					t.Logf("chapter %d:\n got %+v\nwant %+v", i+1, *g.Chapters[i], *x.Chapters[i])
				}
			}
		}
		if !reflect.DeepEqual(g.Sources, x.Sources) {
			for i := range min(len(g.Sources), len(x.Sources)) {
				t.Logf("source %d:\n got %+v\nwant %+v", i+1, *g.Sources[i], *x.Sources[i])
			}
		}
	}
}

func testCreateDefaults(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	before := time.Now().Add(-time.Minute)

	w := create(t, s, newWork("No dates"))
	if w.Published.Before(before) || !w.Updated.Equal(w.Published) {
		t.Errorf("Published %v, Updated %v; want both now", w.Published, w.Updated)
	}
	if src := w.Sources[0]; src.Part != 1 || src.ImportedAt.Before(before) {
		t.Errorf("source Part %d, ImportedAt %v; want 1 and now", src.Part, src.ImportedAt)
	}

	// A legacy story with only a date of posting was last updated then.
	old := newWork("Posted in 1998")
	old.Published = day(0)
	create(t, s, old)
	got, err := s.FindWorkByID(ctx, old.ID)
	must(t, err)
	if !got.Published.Equal(day(0)) || !got.Updated.Equal(day(0)) {
		t.Errorf("Published %v, Updated %v; want both %v", got.Published, got.Updated, day(0))
	}
	if len(got.Notes) != 0 || len(got.Evidence) != 0 || len(got.Problems) != 0 {
		t.Errorf("empty notes/evidence/problems came back as %v %v %v", got.Notes, got.Evidence, got.Problems)
	}
}

func testCreateInvalid(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	run := &fanarchive.ImportRun{Args: "x"}
	must(t, s.CreateImportRun(ctx, run))
	tests := []struct {
		name   string
		change func(w *fanarchive.Work)
	}{
		{"no chapters", func(w *fanarchive.Work) { w.Chapters = nil }},
		{"unknown kind", func(w *fanarchive.Work) { w.Kind = "poem" }},
		{"unknown rating", func(w *fanarchive.Work) { w.Rating = "NC-17" }},
		{"chapters out of order", func(w *fanarchive.Work) { w.Chapters[0].Number = 2 }},
		{"nil chapter", func(w *fanarchive.Work) { w.Chapters[1] = nil }},
		{"nil source", func(w *fanarchive.Work) { w.Sources = append(w.Sources, nil) }},
		{"empty author", func(w *fanarchive.Work) { w.Authors = append(w.Authors, fanarchive.Author{}) }},
		{"unknown tag kind", func(w *fanarchive.Work) { w.Tags[0].Kind = "genre" }},
		{"checksum mismatch", func(w *fanarchive.Work) { w.Sources[0].Raw = []byte("other bytes") }},
		{"no bytes", func(w *fanarchive.Work) { w.Sources[0].Raw = nil }},
		{"same file twice", func(w *fanarchive.Work) {
			w.Sources = append(w.Sources, fanarchive.NewSource("copy.txt", w.Sources[0].Raw))
		}},
		{"chapter source out of range", func(w *fanarchive.Work) { w.Chapters[1].SourceID = -2 }},
		{"chapter source unknown", func(w *fanarchive.Work) { w.Chapters[1].SourceID = 999999 }},
		{"duplicate of unknown work", func(w *fanarchive.Work) { w.DuplicateOf = 999999 }},
		{"unknown import run", func(w *fanarchive.Work) { w.Sources[0].ImportRunID = run.ID + 1000 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWork("Invalid " + tt.name)
			tt.change(w)
			err := s.CreateWork(ctx, w)
			wantCode(t, err, fanarchive.EINVALID)
			if w.ID != 0 {
				t.Errorf("w.ID = %d after a failed create", w.ID)
			}
		})
	}
	wantCode(t, s.CreateWork(ctx, nil), fanarchive.EINVALID)

	// Nothing of the failed works was stored.
	_, n, err := s.FindWorks(ctx, fanarchive.WorkFilter{IncludeDuplicates: true})
	must(t, err)
	if n != 0 {
		t.Errorf("%d works stored after only failed creates", n)
	}
	_, err = s.FindAuthorByName(ctx, "Author of Invalid no chapters")
	wantCode(t, err, fanarchive.ENOTFOUND)
}

func testChapterSources(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	first := create(t, s, newWork("First"))

	w := newWork("Three parts")
	w.Sources = append(w.Sources,
		fanarchive.NewSource("p2.txt", []byte("part 2")),
		fanarchive.NewSource("p3.txt", []byte("part 3")))
	w.Chapters = append(w.Chapters, &fanarchive.Chapter{Number: 3, Body: "<p>c</p>"},
		&fanarchive.Chapter{Number: 4, Body: "<p>d</p>"})
	w.Chapters[0].SourceID = 0                   // the first source
	w.Chapters[1].SourceID = -3                  // Sources[2]
	w.Chapters[2].SourceID = -2                  // Sources[1]
	w.Chapters[3].SourceID = first.Sources[0].ID // a source stored earlier
	create(t, s, w)

	want := []int64{w.Sources[0].ID, w.Sources[2].ID, w.Sources[1].ID, first.Sources[0].ID}
	got, err := s.FindWorkByID(ctx, w.ID)
	must(t, err)
	for i, ch := range got.Chapters {
		if ch.SourceID != want[i] || w.Chapters[i].SourceID != want[i] {
			t.Errorf("chapter %d: stored source %d, set %d; want %d", i+1, ch.SourceID, w.Chapters[i].SourceID, want[i])
		}
	}

	// A work with no sources (typed in, not imported) has chapters with none.
	typed := newWork("Typed in")
	typed.Sources = nil
	create(t, s, typed)
	got, err = s.FindWorkByID(ctx, typed.ID)
	must(t, err)
	if got.Chapters[0].SourceID != 0 || len(got.Sources) != 0 {
		t.Errorf("work without sources: chapter source %d, %d sources", got.Chapters[0].SourceID, len(got.Sources))
	}
}

func testDuplicateSource(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	first := create(t, s, newWork("Original"))

	again := newWork("Original") // the same file imported again
	err := s.CreateWork(ctx, again)
	wantCode(t, err, fanarchive.ECONFLICT)
	if again.ID != first.ID {
		t.Errorf("conflict set w.ID = %d, want the existing work %d", again.ID, first.ID)
	}

	// One new file and one already stored is another origin: a new work
	// that shares the stored file (a story assembled from parts, one of
	// which was imported alone before).
	mixed := newWork("Mixed")
	mixed.Sources = append(mixed.Sources, fanarchive.NewSource("orig.txt", first.Sources[0].Raw))
	create(t, s, mixed)
	if mixed.Sources[1].ID != first.Sources[0].ID {
		t.Errorf("shared file stored twice: source IDs %d and %d", mixed.Sources[1].ID, first.Sources[0].ID)
	}
	got, err := s.FindWorkByID(ctx, mixed.ID)
	must(t, err)
	if len(got.Sources) != 2 || got.Sources[1].ID != first.Sources[0].ID || got.Sources[1].Part != 2 {
		t.Errorf("mixed work's sources = %+v", got.Sources)
	}
	if src, err := s.FindSourceByID(ctx, first.Sources[0].ID); err != nil || src.WorkID != first.ID {
		t.Errorf("shared source's first work = %v, %v; want %d", src, err, first.ID)
	}

	// Two works from one file (posts glued together), told apart by origin.
	raw := []byte("two posts in one file")
	one, two := newWork("Post one"), newWork("Post two")
	one.Sources = []*fanarchive.Source{fanarchive.NewSource("both.txt", raw)}
	two.Sources = []*fanarchive.Source{fanarchive.NewSource("both.txt", raw)}
	one.Origin, two.Origin = one.Sources[0].SHA256+"#1", two.Sources[0].SHA256+"#2"
	create(t, s, one)
	create(t, s, two)
	if one.Sources[0].ID != two.Sources[0].ID {
		t.Errorf("one file stored as sources %d and %d", one.Sources[0].ID, two.Sources[0].ID)
	}
	oneAgain := newWork("Post one")
	oneAgain.Sources = []*fanarchive.Source{fanarchive.NewSource("both.txt", raw)}
	oneAgain.Origin = one.Origin
	wantCode(t, s.CreateWork(ctx, oneAgain), fanarchive.ECONFLICT)
	if oneAgain.ID != one.ID {
		t.Errorf("conflict set w.ID = %d, want %d", oneAgain.ID, one.ID)
	}
	if _, n, err := s.FindWorks(ctx, fanarchive.WorkFilter{}); err != nil || n != 4 {
		t.Errorf("FindWorks total = %d, %v; want 4", n, err)
	}
}

func testSharedAuthorsAndTags(t *testing.T, s fanarchive.Store) {
	a := newWork("A")
	a.Authors = []fanarchive.Author{{Name: "Jo"}}
	b := newWork("B")
	b.Authors = []fanarchive.Author{{Name: "Jo"}, {Name: "jo"}} // names are exact
	create(t, s, a)
	create(t, s, b)
	if a.Authors[0].ID != b.Authors[0].ID {
		t.Errorf("same author got IDs %d and %d", a.Authors[0].ID, b.Authors[0].ID)
	}
	if b.Authors[1].ID == b.Authors[0].ID {
		t.Errorf("%q and %q share ID %d", b.Authors[0].Name, b.Authors[1].Name, b.Authors[0].ID)
	}
	if a.Tags[0].ID != b.Tags[0].ID {
		t.Errorf("same tag got IDs %d and %d", a.Tags[0].ID, b.Tags[0].ID)
	}
	c := newWork("C")
	c.Tags = []fanarchive.Tag{{Kind: fanarchive.TagFreeform, Name: "The X-Files"}} // same name, other kind
	create(t, s, c)
	if c.Tags[0].ID == a.Tags[0].ID {
		t.Errorf("tags of different kinds share ID %d", c.Tags[0].ID)
	}
}

func testRepeatedAuthorsAndTags(t *testing.T, s fanarchive.Store) {
	w := newWork("Repeats")
	w.Authors = []fanarchive.Author{{Name: "Jo"}, {Name: "Sam"}, {Name: "Jo"}}
	w.Tags = []fanarchive.Tag{
		{Kind: fanarchive.TagFandom, Name: "Buffy", Inferred: true},
		{Kind: fanarchive.TagFandom, Name: "Angel"},
		{Kind: fanarchive.TagFandom, Name: "Buffy"},
	}
	create(t, s, w)
	if w.Authors[0].ID != w.Authors[2].ID || w.Tags[0].ID != w.Tags[2].ID {
		t.Errorf("repeats got different IDs: %+v %+v", w.Authors, w.Tags)
	}
	got, err := s.FindWorkByID(context.Background(), w.ID)
	must(t, err)
	if names := got.AuthorNames(); !reflect.DeepEqual(names, []string{"Jo", "Sam"}) {
		t.Errorf("authors = %q, want [Jo Sam]", names)
	}
	want := []fanarchive.Tag{
		{ID: w.Tags[0].ID, Kind: fanarchive.TagFandom, Name: "Buffy"},
		{ID: w.Tags[1].ID, Kind: fanarchive.TagFandom, Name: "Angel"},
	}
	if !reflect.DeepEqual(got.Tags, want) {
		t.Errorf("tags = %+v, want %+v", got.Tags, want)
	}
}

func testFindChapter(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	w := create(t, s, newWork("Chapters"))
	for _, want := range w.Chapters {
		got, err := s.FindChapter(ctx, w.ID, want.Number)
		must(t, err)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("chapter %d = %+v, want %+v", want.Number, got, want)
		}
	}
	for _, tt := range []struct {
		work int64
		n    int
	}{{w.ID, 0}, {w.ID, 3}, {w.ID, -1}, {w.ID + 1000, 1}} {
		_, err := s.FindChapter(ctx, tt.work, tt.n)
		wantCode(t, err, fanarchive.ENOTFOUND)
	}
}

func testDeleteWork(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	w := create(t, s, newWork("Doomed"))
	keep := create(t, s, newWork("Kept"))
	src := w.Sources[0]

	must(t, s.DeleteWork(ctx, w.ID))
	wantCode(t, s.DeleteWork(ctx, w.ID), fanarchive.ENOTFOUND)
	_, err := s.FindWorkByID(ctx, w.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)
	_, err = s.FindChapter(ctx, w.ID, 1)
	wantCode(t, err, fanarchive.ENOTFOUND)

	// Provenance stays: the source and its bytes, detached from any work.
	got, err := s.FindSourceByID(ctx, src.ID)
	must(t, err)
	if got.WorkID != 0 || string(got.Raw) != string(src.Raw) || got.SHA256 != src.SHA256 {
		t.Errorf("source after delete: WorkID %d, %d bytes; want WorkID 0 and the original %d bytes",
			got.WorkID, len(got.Raw), len(src.Raw))
	}
	// The author and tag remain for the works that still use them, and
	// importing the deleted work again does not bring it back.
	_, err = s.FindAuthorByName(ctx, w.Authors[0].Name)
	must(t, err)
	again := newWork("Doomed")
	wantCode(t, s.CreateWork(ctx, again), fanarchive.ECONFLICT)
	if again.ID != 0 {
		t.Errorf("re-import of a deleted work: w.ID = %d, want 0", again.ID)
	}

	works, n, err := s.FindWorks(ctx, fanarchive.WorkFilter{})
	must(t, err)
	if n != 1 || len(works) != 1 || works[0].ID != keep.ID {
		t.Errorf("after delete FindWorks = [%s] (%d), want [Kept] (1)", titles(works), n)
	}
}

func testDeleteListsDuplicates(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	orig := create(t, s, newWork("Whole story"))
	dup := newWork("Part one")
	dup.DuplicateOf = orig.ID
	create(t, s, dup)

	got, err := s.FindWorkByID(ctx, dup.ID)
	must(t, err)
	if got.DuplicateOf != orig.ID {
		t.Errorf("DuplicateOf = %d, want %d", got.DuplicateOf, orig.ID)
	}
	must(t, s.DeleteWork(ctx, orig.ID))
	got, err = s.FindWorkByID(ctx, dup.ID)
	must(t, err)
	if got.DuplicateOf != 0 {
		t.Errorf("DuplicateOf = %d after the original was deleted, want 0", got.DuplicateOf)
	}
	works, _, err := s.FindWorks(ctx, fanarchive.WorkFilter{})
	must(t, err)
	if titles(works) != "Part one" {
		t.Errorf("FindWorks = [%s], want [Part one]", titles(works))
	}
}
