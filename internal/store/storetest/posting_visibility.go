package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"fanarchive"
)

// Who sees what: drafts (their owners), restricted works (logged-in
// readers), deleted works (admins, until purged), a user's own works.

// listedIDs returns the IDs FindWorks lists for a filter.
func listedIDs(t *testing.T, s fanarchive.Store, f fanarchive.WorkFilter) []int64 {
	t.Helper()
	works, n, err := s.FindWorks(context.Background(), f)
	must(t, err)
	if n != len(works) {
		t.Fatalf("FindWorks(%+v): %d works of %d; the suite's listings fit on a page", f, len(works), n)
	}
	ids := idsOf(works)
	slices.Sort(ids)
	return ids
}

// searchIDs returns the IDs a search finds, sorted.
func searchIDs(t *testing.T, ss fanarchive.SearchService, q fanarchive.SearchQuery) []int64 {
	t.Helper()
	res, err := ss.Search(context.Background(), q)
	must(t, err)
	if res.Total != len(res.Works) {
		t.Fatalf("Search(%+v): %d works on the page of %d", q, len(res.Works), res.Total)
	}
	ids := idsOf(res.Works)
	slices.Sort(ids)
	return ids
}

// expectIDs fails the test unless got holds want, in any order.
func expectIDs(t *testing.T, what string, got []int64, want ...int64) {
	t.Helper()
	slices.Sort(want)
	if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Errorf("%s: %v, want %v", what, got, want)
	}
}

// withWord returns postedWork(title, user) whose text holds word.
func withWord(title string, user int64, word string) *fanarchive.Work {
	w := postedWork(title, user)
	w.Chapters[0].Body = "<p>The " + word + " lamp burned.</p>\n"
	return w
}

func testPostDrafts(t *testing.T, s fanarchive.Store, searcher func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	ss := searcher(t)
	text := func(word string) fanarchive.SearchQuery {
		return fanarchive.SearchQuery{Text: word, IncludeRestricted: true}
	}
	d := withWord("Draft", poster, "zanzibarine")
	d.Draft = true
	d.Tags = append(d.Tags, fanarchive.Tag{Kind: fanarchive.TagFreeform, Name: "Secret Draft Tag"})
	create(t, s, d)
	other := create(t, s, withWord("Published", poster, "quokka"))

	expectIDs(t, "listing with a draft", listedIDs(t, s, fanarchive.WorkFilter{IncludeRestricted: true}), other.ID)
	author := "Pseud Draft"
	expectIDs(t, "author page with a draft", listedIDs(t, s, fanarchive.WorkFilter{Author: &author, IncludeRestricted: true}))
	expectIDs(t, "tag page with a draft", listedIDs(t, s, fanarchive.WorkFilter{
		Tag: &fanarchive.Tag{Kind: fanarchive.TagFreeform, Name: "Secret Draft Tag"}, IncludeRestricted: true}))
	expectIDs(t, "search for a draft's word", searchIDs(t, ss, text("zanzibarine")))
	expectIDs(t, "search for a draft's title", searchIDs(t, ss, text("title:draft")))
	if tags, err := s.FindTagsByPrefix(ctx, fanarchive.TagFreeform, "secret", 10); err != nil || len(tags) != 0 {
		t.Errorf("a draft's tag is suggested: %v, %v", tags, err)
	}
	got := find(t, s, d.ID)
	if !got.Draft || !slices.Equal(got.Owners, []int64{poster}) {
		t.Errorf("draft as read: draft %t, owners %v", got.Draft, got.Owners)
	}
	expectIDs(t, "the poster's works", listedIDs(t, s, fanarchive.WorkFilter{OwnedBy: poster}), d.ID, other.ID)

	before := time.Now().Add(-time.Second)
	must(t, s.PublishWork(ctx, d.ID, poster))
	got = find(t, s, d.ID)
	if got.Draft || got.Published.Before(before) || !got.Updated.Equal(got.Published) {
		t.Errorf("published: draft %t, published %v, updated %v", got.Draft, got.Published, got.Updated)
	}
	expectIDs(t, "listing after publishing", listedIDs(t, s, fanarchive.WorkFilter{IncludeRestricted: true}), d.ID, other.ID)
	expectIDs(t, "author page after publishing", listedIDs(t, s, fanarchive.WorkFilter{Author: &author}), d.ID)
	expectIDs(t, "search after publishing", searchIDs(t, ss, text("zanzibarine")), d.ID)
	if tags, err := s.FindTagsByPrefix(ctx, fanarchive.TagFreeform, "secret", 10); err != nil || len(tags) != 1 {
		t.Errorf("a published work's tag: %v, %v", tags, err)
	}
	ops := revisionOps(t, s, d.ID)
	must(t, s.PublishWork(ctx, d.ID, poster)) // no longer a draft: nothing to do
	if again := revisionOps(t, s, d.ID); !slices.Equal(ops, again) || ops[len(ops)-1] != "publish 101 draft" {
		t.Errorf("revisions %q, then %q", ops, again)
	}
	wantCode(t, s.PublishWork(ctx, 123456, poster), fanarchive.ENOTFOUND)
	wantCode(t, s.PublishWork(ctx, d.ID, 0), fanarchive.EINVALID)
}

func testPostRestricted(t *testing.T, s fanarchive.Store, searcher func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	ss := searcher(t)
	r := withWord("Members Only", poster, "wombat")
	r.Restricted = true
	r.Tags = append(r.Tags, fanarchive.Tag{Kind: fanarchive.TagFandom, Name: "Hidden Fandom"})
	create(t, s, r)
	open := create(t, s, withWord("For Everyone", poster, "wombat"))

	expectIDs(t, "a guest's listing", listedIDs(t, s, fanarchive.WorkFilter{}), open.ID)
	expectIDs(t, "a reader's listing", listedIDs(t, s, fanarchive.WorkFilter{IncludeRestricted: true}), r.ID, open.ID)
	fandom := &fanarchive.Tag{Kind: fanarchive.TagFandom, Name: "Original Work"}
	expectIDs(t, "a guest's tag page", listedIDs(t, s, fanarchive.WorkFilter{Tag: fandom}), open.ID)
	expectIDs(t, "a reader's tag page", listedIDs(t, s, fanarchive.WorkFilter{Tag: fandom, IncludeRestricted: true}), r.ID, open.ID)
	expectIDs(t, "a guest's search", searchIDs(t, ss, fanarchive.SearchQuery{Text: "wombat"}), open.ID)
	expectIDs(t, "a reader's search", searchIDs(t, ss, fanarchive.SearchQuery{Text: "wombat", IncludeRestricted: true}), r.ID, open.ID)
	expectIDs(t, "a guest's search by tag", searchIDs(t, ss, fanarchive.SearchQuery{
		Include: []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Hidden Fandom"}}}))

	// Facets and fandom counts are a guest's too.
	res, err := ss.Search(ctx, fanarchive.SearchQuery{})
	must(t, err)
	for _, f := range res.Facets {
		for _, c := range f.Counts {
			if c.Tag.Name == "Hidden Fandom" {
				t.Errorf("a guest's facets count the restricted work's fandom: %+v", c)
			}
		}
	}
	counts, err := ss.TagCounts(ctx, fanarchive.TagFandom)
	must(t, err)
	for _, c := range counts {
		if c.Tag.Name == "Hidden Fandom" || c.Tag.Name == "Original Work" && c.Works != 1 {
			t.Errorf("TagCounts counts a restricted work: %+v", c)
		}
	}
	if got := find(t, s, r.ID); !got.Restricted {
		t.Error("FindWorkByID lost Restricted: pages need it to tell guests no")
	}

	// Lifting the restriction shows it to guests at once.
	e := find(t, s, r.ID)
	e.Restricted = false
	must(t, s.UpdateWork(ctx, e, poster))
	expectIDs(t, "a guest's listing once unrestricted", listedIDs(t, s, fanarchive.WorkFilter{}), r.ID, open.ID)
	expectIDs(t, "a guest's search once unrestricted", searchIDs(t, ss, fanarchive.SearchQuery{Text: "wombat"}), r.ID, open.ID)
}

func testPostTrash(t *testing.T, s fanarchive.Store, searcher func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	ss := searcher(t)
	sr := &fanarchive.Series{Title: "The Watch Series", CreatedBy: poster}
	must(t, s.CreateSeries(ctx, sr))
	w := withWord("Doomed", poster, "axolotl")
	w.Chapters = append(w.Chapters, &fanarchive.Chapter{Number: 2, Body: "<p>Two.</p>", Words: 1})
	w.Series = []fanarchive.SeriesPart{{SeriesID: sr.ID}}
	create(t, s, w)
	next := withWord("Sequel", poster, "narwhal")
	next.Series = []fanarchive.SeriesPart{{SeriesID: sr.ID}}
	create(t, s, next)

	must(t, s.TrashWork(ctx, w.ID, poster))
	for name, err := range map[string]error{
		"FindWorkByID":      errOf(s.FindWorkByID(ctx, w.ID)),
		"FindWorkOutline":   errOf(s.FindWorkOutline(ctx, w.ID)),
		"FindChapter":       errOf(s.FindChapter(ctx, w.ID, 1)),
		"FindChapterPage":   errOf(s.FindChapterPage(ctx, w.Chapters[1].ID, 1)),
		"FindWorkRevisions": errOf(s.FindWorkRevisions(ctx, w.ID)),
		"UpdateWork":        s.UpdateWork(ctx, w, poster),
		"AddChapter":        s.AddChapter(ctx, w.ID, &fanarchive.Chapter{Body: "<p>x</p>"}, poster),
		"PublishWork":       s.PublishWork(ctx, w.ID, poster),
		"TrashWork":         s.TrashWork(ctx, w.ID, poster),
		"InviteCoAuthor":    s.InviteCoAuthor(ctx, w.ID, w.Authors[0].ID, poster),
		"AddWorkToSeries":   s.AddWorkToSeries(ctx, sr.ID, w.ID, 0, poster),
		"UpdateWorkField":   s.UpdateWorkField(ctx, w.ID, fanarchive.FieldTitle, "x", editor),
	} {
		if code := fanarchive.ErrorCode(err); code != fanarchive.ENOTFOUND {
			t.Errorf("%s on a deleted work: %v (code %q), want not found", name, err, code)
		}
	}
	expectIDs(t, "listing", listedIDs(t, s, fanarchive.WorkFilter{IncludeRestricted: true}), next.ID)
	expectIDs(t, "owner's listing", listedIDs(t, s, fanarchive.WorkFilter{OwnedBy: poster}), next.ID)
	expectIDs(t, "search", searchIDs(t, ss, fanarchive.SearchQuery{Text: "axolotl", IncludeRestricted: true}))
	got, err := s.FindSeriesByID(ctx, sr.ID, true)
	must(t, err)
	expectIDs(t, "series", idsOf(got.Works), next.ID)
	deleted, _, err := s.FindWorks(ctx, fanarchive.WorkFilter{Deleted: true})
	must(t, err)
	if len(deleted) != 1 || deleted[0].ID != w.ID || deleted[0].DeletedAt.IsZero() {
		t.Fatalf("deleted works: %+v", deleted)
	}

	// An admin restores it as it was.
	wantCode(t, s.RestoreWork(ctx, next.ID, admin), fanarchive.ENOTFOUND) // not deleted
	must(t, s.RestoreWork(ctx, w.ID, admin))
	back := find(t, s, w.ID)
	if len(back.Chapters) != 2 || !back.DeletedAt.IsZero() || len(back.Series) != 1 || back.Series[0].Position != 1 {
		t.Errorf("restored: %+v", back)
	}
	expectIDs(t, "search after restore", searchIDs(t, ss, fanarchive.SearchQuery{Text: "axolotl"}), w.ID)
	if ops := revisionOps(t, s, w.ID); !slices.Equal(ops[len(ops)-2:], []string{"delete 101 ", "restore 900 "}) {
		t.Errorf("revisions %q", ops)
	}

	// Purged after its days in the trash, for good.
	must(t, s.TrashWork(ctx, w.ID, poster))
	if n, err := s.PurgeWorks(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("PurgeWorks of works deleted over an hour ago: %d, %v; want 0", n, err)
	}
	if n, err := s.PurgeWorks(ctx, time.Now().Add(time.Hour)); err != nil || n != 1 {
		t.Errorf("PurgeWorks: %d, %v; want 1", n, err)
	}
	wantCode(t, s.RestoreWork(ctx, w.ID, admin), fanarchive.ENOTFOUND)
	expectIDs(t, "deleted after purge", listedIDs(t, s, fanarchive.WorkFilter{Deleted: true}))
	got, err = s.FindSeriesByID(ctx, sr.ID, true)
	must(t, err)
	if len(got.Works) != 1 || got.Works[0].Series[0].Position != 1 {
		t.Errorf("series after purge: %+v; the sequel is its first work now", got.Works)
	}

	// An imported work, deleted, is not imported again.
	imp := create(t, s, newWork("Imported, then deleted"))
	must(t, s.TrashWork(ctx, imp.ID, admin))
	again := newWork("Imported, then deleted")
	wantCode(t, s.CreateWork(ctx, again), fanarchive.ECONFLICT)
	if again.ID != 0 {
		t.Errorf("re-import of a deleted work: ID %d, want 0", again.ID)
	}
}

// errOf returns the error of a (value, error) pair.
func errOf[T any](_ T, err error) error { return err }

func testPostOwnedBy(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	draft := postedWork("Mine, a draft", poster)
	draft.Draft = true
	restricted := postedWork("Mine, restricted", poster)
	restricted.Restricted = true
	create(t, s, draft)
	create(t, s, restricted)
	mine := create(t, s, postedWork("Mine", poster))
	theirs := create(t, s, postedWork("Theirs", coWriter))
	create(t, s, newWork("Imported"))
	gone := create(t, s, postedWork("Mine, deleted", poster))
	must(t, s.TrashWork(ctx, gone.ID, poster))

	expectIDs(t, "the poster's works", listedIDs(t, s, fanarchive.WorkFilter{OwnedBy: poster}), draft.ID, restricted.ID, mine.ID)
	expectIDs(t, "the co-writer's works", listedIDs(t, s, fanarchive.WorkFilter{OwnedBy: coWriter}), theirs.ID)
	pseud, err := s.FindAuthorByName(ctx, "Pseud Theirs")
	must(t, err)
	must(t, s.InviteCoAuthor(ctx, mine.ID, pseud.ID, poster))
	expectIDs(t, "invited, not yet an owner", listedIDs(t, s, fanarchive.WorkFilter{OwnedBy: coWriter}), theirs.ID)
	must(t, s.AnswerCoAuthor(ctx, mine.ID, pseud.ID, true, coWriter))
	expectIDs(t, "an owner once accepted", listedIDs(t, s, fanarchive.WorkFilter{OwnedBy: coWriter}), theirs.ID, mine.ID)
	if got := find(t, s, mine.ID); !slices.Equal(got.Owners, []int64{poster, coWriter}) {
		t.Errorf("owners %v, want [%d %d]", got.Owners, poster, coWriter)
	}
	_, _, err = s.FindWorks(ctx, fanarchive.WorkFilter{OwnedBy: -1})
	wantCode(t, err, fanarchive.EINVALID)
}
