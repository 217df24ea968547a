package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fanarchive"
)

// RunPosting runs the posting suite (fanarchive.PostingService and
// SeriesService): posted works and their validation, edits with their
// revisions, drafts, restricted and deleted works, chapters, bodies
// sanitised on every write, series, co-authors, tag suggestions, and
// listings and searches that follow every write at once. Every store
// implementation runs it besides Run, RunSearch and RunReview.
func RunPosting(t *testing.T, open SearchOpener) {
	t.Helper()
	runSearchSuites(t, "Posting/", open, []searchSuite{
		{"Create", testPostCreate},
		{"CreateInvalid", testPostCreateInvalid},
		{"MarkupIsText", testPostMarkupIsText},
		{"Update", testPostUpdate},
		{"UpdateInvalid", testPostUpdateInvalid},
		{"Drafts", testPostDrafts},
		{"Restricted", testPostRestricted},
		{"TrashRestorePurge", testPostTrash},
		{"OwnedBy", testPostOwnedBy},
		{"Chapters", testPostChapters},
		{"ChaptersInvalid", testPostChaptersInvalid},
		{"LongChapters", testPostLongChapters},
		{"ChapterInput", testPostChapterInput},
		{"SanitisedOnWrite", testPostSanitised},
		{"Series", testPostSeries},
		{"SeriesInWork", testPostSeriesInWork},
		{"CoAuthors", testPostCoAuthors},
		{"TagPrefix", testPostTagPrefix},
		{"Search", testPostSearch},
	})
}

// Users of the suite, by ID: the accounts store is not the work store's.
const (
	poster   int64 = 101
	coWriter int64 = 102
	admin    int64 = 900
)

// postedWork returns a valid work as the posting form makes it: one
// chapter, a fandom and a warning, posted by user.
func postedWork(title string, user int64) *fanarchive.Work {
	return &fanarchive.Work{
		Kind:     fanarchive.KindFiction,
		Title:    title,
		Authors:  []fanarchive.Author{{Name: "Pseud " + title}},
		Rating:   fanarchive.RatingTeen,
		Language: "en",
		Summary:  "A summary of " + title + ".",
		Tags: []fanarchive.Tag{
			{Kind: fanarchive.TagFandom, Name: "Original Work"},
			{Kind: fanarchive.TagWarning, Name: "No Archive Warnings Apply"},
			{Kind: fanarchive.TagCategory, Name: "Gen"},
			{Kind: fanarchive.TagFreeform, Name: "Lighthouses"},
		},
		Words:    5,
		Chapters: []*fanarchive.Chapter{{Number: 1, Title: "Beginnings", Body: "<p>The lamp burned all night.</p>\n", Words: 5}},
		PostedBy: user,
	}
}

// revisionOps returns a work's revisions as "op by field,field" lines.
func revisionOps(t *testing.T, s fanarchive.Store, id int64) []string {
	t.Helper()
	revs, err := s.FindWorkRevisions(context.Background(), id)
	must(t, err)
	var out []string
	for i, r := range revs {
		if r.WorkID != id || r.At.IsZero() || (i > 0 && r.ID <= revs[i-1].ID) {
			t.Errorf("revision %+v of work %d: IDs rise, times are set", r, id)
		}
		var fields []string
		for _, c := range r.Changes {
			fields = append(fields, c.Field)
		}
		out = append(out, r.Op+" "+fmt.Sprint(r.By)+" "+strings.Join(fields, ","))
	}
	return out
}

func testPostCreate(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	w := postedWork("The Long Watch", poster)
	w.Notes = []fanarchive.Note{{Text: "Written for a friend."}}
	w.EndNotes = []fanarchive.Note{{Label: "Thanks", Text: "To my beta."}}
	w.Restricted = true
	before := time.Now().Add(-time.Second)
	create(t, s, w)
	if !slices.Equal(w.Owners, []int64{poster}) {
		t.Errorf("Owners after CreateWork = %v, want [%d]", w.Owners, poster)
	}
	got := find(t, s, w.ID)
	if got.PostedBy != poster || !got.Restricted || got.Draft || !got.DeletedAt.IsZero() {
		t.Errorf("posted fields: by %d, restricted %t, draft %t, deleted %v", got.PostedBy, got.Restricted, got.Draft, got.DeletedAt)
	}
	if !slices.Equal(got.Owners, []int64{poster}) {
		t.Errorf("Owners = %v, want [%d]", got.Owners, poster)
	}
	if !slices.Equal(got.Notes, w.Notes) || !slices.Equal(got.EndNotes, w.EndNotes) {
		t.Errorf("notes %+v, end notes %+v", got.Notes, got.EndNotes)
	}
	if got.Published.Before(before) || got.Updated.Before(before) {
		t.Errorf("Published %v, Updated %v: want now", got.Published, got.Updated)
	}
	if ops := revisionOps(t, s, w.ID); !slices.Equal(ops, []string{"create 101 "}) {
		t.Errorf("revisions %q, want the creation by user %d", ops, poster)
	}

	// An imported work has no owner and no revisions.
	imp := create(t, s, newWork("Imported"))
	got = find(t, s, imp.ID)
	if got.PostedBy != 0 || got.Owners != nil {
		t.Errorf("imported work: posted by %d, owners %v", got.PostedBy, got.Owners)
	}
	if ops := revisionOps(t, s, imp.ID); len(ops) != 0 {
		t.Errorf("imported work has revisions %q", ops)
	}

	// A pseud is linked by its ID, whatever name comes with it.
	pseud, err := s.FindAuthorByName(ctx, "Pseud The Long Watch")
	must(t, err)
	w2 := postedWork("Second", poster)
	w2.Authors = []fanarchive.Author{{ID: pseud.ID}}
	create(t, s, w2)
	if names := find(t, s, w2.ID).AuthorNames(); !slices.Equal(names, []string{"Pseud The Long Watch"}) {
		t.Errorf("byline by pseud ID: %q", names)
	}
	w3 := postedWork("Third", poster)
	w3.Authors = []fanarchive.Author{{ID: 999999, Name: "Ghost"}}
	wantCode(t, s.CreateWork(ctx, w3), fanarchive.EINVALID)
}

func testPostCreateInvalid(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		edit func(w *fanarchive.Work)
	}{
		{"no title", func(w *fanarchive.Work) { w.Title = "  " }},
		{"title too long", func(w *fanarchive.Work) { w.Title = strings.Repeat("é", fanarchive.MaxPostedTitleLen+1) }},
		{"title of two lines", func(w *fanarchive.Work) { w.Title = "one\ntwo" }},
		{"summary too long", func(w *fanarchive.Work) { w.Summary = strings.Repeat("x", fanarchive.MaxPostedSummaryLen+1) }},
		{"summary with a control character", func(w *fanarchive.Work) { w.Summary = "bell\x07" }},
		{"note too long", func(w *fanarchive.Work) {
			w.EndNotes = []fanarchive.Note{{Text: strings.Repeat("x", fanarchive.MaxPostedNoteLen+1)}}
		}},
		{"too many notes", func(w *fanarchive.Work) { w.Notes = make([]fanarchive.Note, fanarchive.MaxPostedNotes+1) }},
		{"no author", func(w *fanarchive.Work) { w.Authors = nil }},
		{"no fandom", func(w *fanarchive.Work) { w.Tags = w.Tags[1:] }},
		{"no warning", func(w *fanarchive.Work) { w.Tags = slices.Delete(slices.Clone(w.Tags), 1, 2) }},
		{"unknown warning", func(w *fanarchive.Work) { w.Tags[1].Name = "Spoilers" }},
		{"unknown category", func(w *fanarchive.Work) { w.Tags[2].Name = "Het" }},
		{"tag too long", func(w *fanarchive.Work) { w.Tags[3].Name = strings.Repeat("t", fanarchive.MaxPostedTagLen+1) }},
		{"too many tags", func(w *fanarchive.Work) {
			for i := range fanarchive.MaxPostedTags {
				w.Tags = append(w.Tags, fanarchive.Tag{Kind: fanarchive.TagFreeform, Name: fmt.Sprint("tag ", i)})
			}
		}},
		{"bad language", func(w *fanarchive.Work) { w.Language = "English!" }},
		{"chapter title of two lines", func(w *fanarchive.Work) { w.Chapters[0].Title = "a\r\nb" }},
		{"not fiction", func(w *fanarchive.Work) { w.Kind = fanarchive.KindOther }},
		{"negative user", func(w *fanarchive.Work) { w.PostedBy = -1 }},
		{"new series without a title", func(w *fanarchive.Work) { w.Series = []fanarchive.SeriesPart{{}} }},
		{"missing series", func(w *fanarchive.Work) { w.Series = []fanarchive.SeriesPart{{SeriesID: 424242}} }},
		{"position past the end", func(w *fanarchive.Work) {
			sr := &fanarchive.Series{Title: "Empty", CreatedBy: poster}
			must(t, s.CreateSeries(ctx, sr))
			w.Series = []fanarchive.SeriesPart{{SeriesID: sr.ID, Position: 3}}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := postedWork("Invalid "+tt.name, poster)
			tt.edit(w)
			wantCode(t, s.CreateWork(ctx, w), fanarchive.EINVALID)
			if w.ID != 0 {
				t.Errorf("ID set to %d on error", w.ID)
			}
		})
	}
	// An imported work may start no series: no user would own it.
	w := newWork("Imported in a new series")
	w.Series = []fanarchive.SeriesPart{{Title: "Nobody's"}}
	wantCode(t, s.CreateWork(ctx, w), fanarchive.EINVALID)
	if _, n, err := s.FindWorks(ctx, fanarchive.WorkFilter{}); err != nil || n != 0 {
		t.Errorf("after invalid posts: %d works listed (%v), want none", n, err)
	}
}

// testPostMarkupIsText checks that HTML and script in every field but the
// body are kept as the text they are (pages escape them), and that the body
// is stored sanitised.
func testPostMarkupIsText(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	evil := `<script>alert(1)</script><img src=x onerror=alert(1)>`
	w := postedWork("Title "+evil, poster)
	w.Summary = "Summary " + evil
	w.Notes = []fanarchive.Note{{Label: "Label " + evil, Text: "Note " + evil}}
	w.EndNotes = w.Notes
	w.Authors = []fanarchive.Author{{Name: "Author " + evil}}
	w.Tags = append(w.Tags, fanarchive.Tag{Kind: fanarchive.TagFreeform, Name: "Tag " + evil})
	w.Chapters[0].Title = "Chapter " + evil
	w.Chapters[0].Body = "<p onclick=\"alert(1)\">Body</p>" + evil
	create(t, s, w)
	got := find(t, s, w.ID)
	if got.Title != w.Title || got.Summary != w.Summary || !slices.Equal(got.Notes, w.Notes) ||
		got.Chapters[0].Title != w.Chapters[0].Title || !slices.Contains(got.TagsOf(fanarchive.TagFreeform), "Tag "+evil) ||
		got.Authors[0].Name != "Author "+evil {
		t.Errorf("plain-text fields changed: %+v", got)
	}
	if body := got.Chapters[0].Body; body != "<p>Body</p>" {
		t.Errorf("body stored as %q, want it sanitised to %q", body, "<p>Body</p>")
	}
}

func testPostUpdate(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	w := create(t, s, postedWork("Before", poster))
	read := find(t, s, w.ID)

	edit := *read
	edit.Title = "After"
	edit.Summary = "A new summary."
	edit.EndNotes = []fanarchive.Note{{Text: "Added at the end."}}
	edit.Rating = fanarchive.RatingMature
	edit.Complete = true
	edit.Restricted = true
	edit.Tags = []fanarchive.Tag{
		{Kind: fanarchive.TagFandom, Name: "Original Work"},
		{Kind: fanarchive.TagWarning, Name: "Major Character Death"},
		{Kind: fanarchive.TagRelationship, Name: "Kit/Juno"},
	}
	edit.Authors = append(edit.Authors, fanarchive.Author{Name: "Second Pseud"})
	edit.Chapters = nil // not read
	must(t, s.UpdateWork(ctx, &edit, poster))
	if !edit.UpdatedAt.After(read.UpdatedAt) && !edit.UpdatedAt.Equal(read.UpdatedAt) {
		t.Errorf("UpdatedAt went back: %v before %v", edit.UpdatedAt, read.UpdatedAt)
	}
	got := find(t, s, w.ID)
	if got.Title != "After" || got.Summary != "A new summary." || got.Rating != fanarchive.RatingMature ||
		!got.Complete || !got.Restricted || len(got.EndNotes) != 1 || len(got.Chapters) != 1 ||
		!slices.Equal(got.AuthorNames(), []string{"Pseud Before", "Second Pseud"}) ||
		!slices.Equal(got.TagsOf(fanarchive.TagWarning), []string{"Major Character Death"}) ||
		got.TagsOf(fanarchive.TagCategory) != nil || got.PostedBy != poster || got.Published != read.Published {
		t.Errorf("after UpdateWork: %+v", got)
	}
	revs, err := s.FindWorkRevisions(ctx, w.ID)
	must(t, err)
	last := revs[len(revs)-1]
	if last.Op != fanarchive.RevisionUpdate || last.By != poster {
		t.Fatalf("last revision %+v", last)
	}
	changed := map[string]fanarchive.FieldChange{}
	for _, c := range last.Changes {
		changed[c.Field] = c
	}
	for _, f := range []string{"title", "summary", "end_notes", "rating", "complete", "restricted", "authors",
		"warnings", "categories", "relationships"} {
		if _, ok := changed[f]; !ok {
			t.Errorf("revision does not list %s: %+v", f, last.Changes)
		}
	}
	if c := changed["title"]; c.Old != "Before" || c.New != "After" {
		t.Errorf("title change %+v", c)
	}
	if _, ok := changed["fandoms"]; ok {
		t.Errorf("unchanged fandoms listed: %+v", last.Changes)
	}

	// Saving what is stored records nothing.
	n := len(revs)
	same := find(t, s, w.ID)
	must(t, s.UpdateWork(ctx, same, poster))
	if revs, _ := s.FindWorkRevisions(ctx, w.ID); len(revs) != n {
		t.Errorf("an edit that changes nothing recorded a revision: %d, want %d", len(revs), n)
	}

	// A form read before another edit is out of date.
	stale := *read
	stale.Title = "Stale"
	wantCode(t, s.UpdateWork(ctx, &stale, poster), fanarchive.ECONFLICT)
	if find(t, s, w.ID).Title != "After" {
		t.Error("a stale edit was stored")
	}
	stale.UpdatedAt = time.Time{} // no check asked for
	must(t, s.UpdateWork(ctx, &stale, poster))
	if find(t, s, w.ID).Title != "Stale" {
		t.Error("an edit without UpdatedAt was not stored")
	}
}

func testPostUpdateInvalid(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	w := create(t, s, postedWork("Kept", poster))
	for _, tt := range []struct {
		name string
		edit func(w *fanarchive.Work)
		by   int64
		code string
	}{
		{"no title", func(w *fanarchive.Work) { w.Title = "" }, poster, fanarchive.EINVALID},
		{"no warning", func(w *fanarchive.Work) { w.Tags = w.Tags[:1] }, poster, fanarchive.EINVALID},
		{"nobody", func(w *fanarchive.Work) { w.Title = "By nobody" }, 0, fanarchive.EINVALID},
		{"no such work", func(w *fanarchive.Work) { w.ID = 987654 }, poster, fanarchive.ENOTFOUND},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := find(t, s, w.ID)
			tt.edit(e)
			wantCode(t, s.UpdateWork(ctx, e, tt.by), tt.code)
			if got := find(t, s, w.ID); got.Title != "Kept" || len(got.TagsOf(fanarchive.TagWarning)) != 1 {
				t.Errorf("a refused edit changed the work: %+v", got)
			}
		})
	}
	wantCode(t, s.UpdateWork(ctx, nil, poster), fanarchive.EINVALID)
}
