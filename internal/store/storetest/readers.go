package storetest

import (
	"context"
	"testing"
	"time"

	"fanarchive"
)

// RunReaders runs the suite of what readers keep (docs/readers.md):
// bookmarks and their filters, mutes in listings, blocks of feedback and
// kudos, reports, reading history and the later list.
func RunReaders(t *testing.T, open ClockOpener) {
	t.Helper()
	suites := []struct {
		name string
		fn   func(t *testing.T, s fanarchive.Store, c *clock)
	}{
		{"Bookmarks", testBookmarks},
		{"BookmarkFilters", testBookmarkFilters},
		{"MutesInListings", testMutesInListings},
		{"Blocks", testBlocks},
		{"Reports", testReports},
		{"History", testHistory},
		{"Later", testLater},
	}
	for _, st := range suites {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			c := &clock{}
			c.set(time.Date(2026, time.May, 4, 10, 0, 0, 0, time.UTC))
			s := open(t, c.now)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			st.fn(t, s, c)
		})
	}
}

// postedBy stores a work by the user's default pseud.
func postedBy(t *testing.T, s fanarchive.Store, u *fanarchive.User, title string, tags ...fanarchive.Tag) *fanarchive.Work {
	t.Helper()
	pseud, err := s.FindAuthorByName(context.Background(), u.Name)
	must(t, err)
	w := newWork(title)
	w.Authors = []fanarchive.Author{*pseud}
	w.Tags = append(w.Tags, tags...)
	return create(t, s, w)
}

func testBookmarks(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	reader, other := newUser(t, s, "Reader"), newUser(t, s, "Other")
	w := create(t, s, newWork("Kept"))

	b := &fanarchive.Bookmark{UserID: reader.ID, WorkID: w.ID, Note: "so *good*", NoteFormat: "markdown",
		NoteHTML: "<p>so <em>good</em></p>", Tags: []string{" comfort  read ", "Comfort Read", "re-read"}, Rec: true}
	must(t, s.SaveBookmark(ctx, b))
	if b.ID == 0 || b.UserName != "Reader" || len(b.Tags) != 2 || b.Tags[0] != "comfort read" || !b.Rec {
		t.Fatalf("saved %+v", b)
	}
	dup := &fanarchive.Bookmark{UserID: reader.ID, WorkID: w.ID}
	wantCode(t, s.SaveBookmark(ctx, dup), fanarchive.ECONFLICT)
	wantCode(t, s.SaveBookmark(ctx, &fanarchive.Bookmark{UserID: reader.ID, WorkID: 9999}), fanarchive.ENOTFOUND)
	wantCode(t, s.SaveBookmark(ctx, &fanarchive.Bookmark{UserID: reader.ID, WorkID: w.ID, NoteFormat: "html"}), fanarchive.EINVALID)

	counts, err := s.BookmarkCounts(ctx, []int64{w.ID})
	must(t, err)
	if counts[w.ID] != 1 {
		t.Errorf("count = %d, want 1", counts[w.ID])
	}
	got, err := s.FindWorkByID(ctx, w.ID)
	must(t, err)
	if got.Bookmarks != 1 {
		t.Errorf("Work.Bookmarks = %d, want 1", got.Bookmarks)
	}

	// Another reader cannot edit or delete it.
	steal := *b
	steal.UserID = other.ID
	wantCode(t, s.SaveBookmark(ctx, &steal), fanarchive.ENOTFOUND)
	wantCode(t, s.DeleteBookmark(ctx, other.ID, b.ID), fanarchive.ENOTFOUND)

	// Private: not counted, not listed to others.
	b.Private, b.Tags = true, nil
	must(t, s.SaveBookmark(ctx, b))
	if len(b.Tags) != 0 || !b.Private {
		t.Fatalf("edited %+v", b)
	}
	counts, err = s.BookmarkCounts(ctx, []int64{w.ID})
	must(t, err)
	if counts[w.ID] != 0 {
		t.Errorf("private bookmark counted")
	}
	for _, tt := range []struct {
		f    fanarchive.BookmarkFilter
		want int
	}{
		{fanarchive.BookmarkFilter{UserID: reader.ID}, 0},
		{fanarchive.BookmarkFilter{UserID: reader.ID, IncludePrivate: true}, 1},
		{fanarchive.BookmarkFilter{WorkID: w.ID, IncludePrivate: true}, 0}, // private only with a reader
	} {
		list, total, err := s.FindBookmarks(ctx, tt.f)
		must(t, err)
		if total != tt.want || len(list) != tt.want {
			t.Errorf("FindBookmarks(%+v) = %d (%d), want %d", tt.f, len(list), total, tt.want)
		}
	}
	must(t, s.DeleteBookmark(ctx, reader.ID, b.ID))
	wantCode(t, s.DeleteBookmark(ctx, reader.ID, b.ID), fanarchive.ENOTFOUND)
}

func testBookmarkFilters(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	reader := newUser(t, s, "Reader")
	mk := func(title string, rating fanarchive.Rating, fandom, tag string, note string, rec bool, own ...string) {
		w := newWork(title)
		w.Rating = rating
		w.Tags = []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: fandom}, {Kind: fanarchive.TagFreeform, Name: tag}}
		create(t, s, w)
		c.advance(time.Minute)
		must(t, s.SaveBookmark(ctx, &fanarchive.Bookmark{UserID: reader.ID, WorkID: w.ID, Note: note, Rec: rec, Tags: own}))
	}
	mk("A", fanarchive.RatingGeneral, "Smallville", "Angst", "a lighthouse story", true, "fave")
	mk("B", fanarchive.RatingMature, "Smallville", "Fluff", "nothing much", false, "Fave", "later")
	mk("C", fanarchive.RatingGeneral, "Due South", "Angst", "LIGHTHOUSE again", false)
	for _, tt := range []struct {
		name string
		f    fanarchive.BookmarkFilter
		want string
	}{
		{"all", fanarchive.BookmarkFilter{}, "C,B,A"},
		{"fandom", fanarchive.BookmarkFilter{Fandom: "smallville"}, "B,A"},
		{"rating", fanarchive.BookmarkFilter{Rating: fanarchive.RatingGeneral}, "C,A"},
		{"work tag", fanarchive.BookmarkFilter{WorkTags: []string{"Angst"}}, "C,A"},
		{"own tag", fanarchive.BookmarkFilter{Tags: []string{"FAVE"}}, "B,A"},
		{"two own tags", fanarchive.BookmarkFilter{Tags: []string{"fave", "later"}}, "B"},
		{"rec", fanarchive.BookmarkFilter{RecOnly: true}, "A"},
		{"text", fanarchive.BookmarkFilter{Text: "Lighthouse"}, "C,A"},
		{"combined", fanarchive.BookmarkFilter{Fandom: "Smallville", Text: "lighthouse"}, "A"},
		{"page", fanarchive.BookmarkFilter{Offset: 1, Limit: 1}, "B"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.UserID = reader.ID
			list, total, err := s.FindBookmarks(ctx, tt.f)
			must(t, err)
			var works []*fanarchive.Work
			for _, b := range list {
				if b.Work == nil {
					t.Fatalf("bookmark %d without its work", b.ID)
				}
				works = append(works, b.Work)
			}
			if got := titles(works); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if tt.name == "page" && total != 3 {
				t.Errorf("total %d, want 3", total)
			}
		})
	}
	_, _, err := s.FindBookmarks(ctx, fanarchive.BookmarkFilter{Rating: "bad"})
	wantCode(t, err, fanarchive.EINVALID)
	tags, err := s.BookmarkTagCounts(ctx, reader.ID, false)
	must(t, err)
	if len(tags) != 2 || tags[0].Works != 2 {
		t.Errorf("tag counts %+v", tags)
	}
}

func testMutesInListings(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	reader := newUser(t, s, "Reader")
	a := create(t, s, newWork("Plain"))
	w := newWork("Sad")
	w.Tags = append(w.Tags, fanarchive.Tag{Kind: fanarchive.TagFreeform, Name: "Major Angst"})
	create(t, s, w)
	syn := newWork("Sad Too")
	syn.Tags = append(syn.Tags, fanarchive.Tag{Kind: fanarchive.TagFreeform, Name: "major angst"}) // a synonym
	create(t, s, syn)
	by := newWork("By Them")
	by.Authors = []fanarchive.Author{{Name: "Muted Writer"}}
	create(t, s, by)

	if _, err := s.MuteTag(ctx, reader.ID, fanarchive.TagFreeform, "Nope"); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		t.Errorf("muting an unknown tag: %v", err)
	}
	tag, err := s.MuteTag(ctx, reader.ID, fanarchive.TagFreeform, "MAJOR ANGST")
	must(t, err)
	_, err = s.MuteTag(ctx, reader.ID, fanarchive.TagFreeform, "Major Angst") // twice: no error
	must(t, err)
	author, err := s.FindAuthorByName(ctx, "Muted Writer")
	must(t, err)
	must(t, s.MuteAuthor(ctx, reader.ID, author.ID))
	wantCode(t, s.MuteAuthor(ctx, reader.ID, 99999), fanarchive.ENOTFOUND)

	mutes, err := s.FindMutes(ctx, reader.ID)
	must(t, err)
	if len(mutes.Tags) != 1 || mutes.Tags[0].ID != tag.ID || len(mutes.Authors) != 1 {
		t.Fatalf("mutes %+v", mutes)
	}
	set, err := s.FindMuteSet(ctx, reader.ID)
	must(t, err)
	if set == nil || len(set.Works) != 1 || set.Works[0] != by.ID {
		t.Fatalf("mute set %+v", set)
	}
	works, total, err := s.FindWorks(ctx, fanarchive.WorkFilter{Muted: set})
	must(t, err)
	if total != 1 || titles(works) != a.Title {
		t.Errorf("muted listing: %s (%d), want %s", titles(works), total, a.Title)
	}
	must(t, s.UnmuteTag(ctx, reader.ID, tag.ID))
	must(t, s.UnmuteAuthor(ctx, reader.ID, author.ID))
	if set, err := s.FindMuteSet(ctx, reader.ID); err != nil || set != nil {
		t.Errorf("after unmuting: %+v, %v", set, err)
	}
}

func testBlocks(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	author, pest, friend := newUser(t, s, "Author"), newUser(t, s, "Pest"), newUser(t, s, "Friend")
	w := postedBy(t, s, author, "Mine")
	wantCode(t, s.BlockUser(ctx, author.ID, author.ID), fanarchive.EINVALID)
	wantCode(t, s.BlockUser(ctx, author.ID, 99999), fanarchive.ENOTFOUND)
	must(t, s.BlockUser(ctx, author.ID, pest.ID))
	must(t, s.BlockUser(ctx, author.ID, pest.ID))
	for _, tt := range []struct {
		owner, actor int64
		want         bool
	}{{author.ID, pest.ID, true}, {author.ID, friend.ID, false}, {pest.ID, author.ID, false}, {0, pest.ID, false}} {
		got, err := s.IsBlocked(ctx, tt.owner, tt.actor)
		must(t, err)
		if got != tt.want {
			t.Errorf("IsBlocked(%d, %d) = %v", tt.owner, tt.actor, got)
		}
	}
	if b, err := s.IsBlockedFromWork(ctx, w.ID, pest.ID); err != nil || !b {
		t.Errorf("IsBlockedFromWork = %v, %v", b, err)
	}
	_, err := s.LeaveKudos(ctx, w.ID, pest.ID, "")
	wantCode(t, err, fanarchive.EFORBIDDEN)
	_, _, err = sendTo(t, s, w, pest.ID)
	wantCode(t, err, fanarchive.EFORBIDDEN)
	if ok, err := s.LeaveKudos(ctx, w.ID, friend.ID, ""); err != nil || !ok {
		t.Errorf("a friend's kudos: %v, %v", ok, err)
	}
	blocks, err := s.FindBlocks(ctx, author.ID)
	must(t, err)
	if len(blocks) != 1 || blocks[0].Name != "Pest" {
		t.Errorf("blocks %+v", blocks)
	}
	must(t, s.UnblockUser(ctx, author.ID, pest.ID))
	if ok, err := s.LeaveKudos(ctx, w.ID, pest.ID, ""); err != nil || !ok {
		t.Errorf("kudos after unblocking: %v, %v", ok, err)
	}
}

func testReports(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	reader, mod := newUser(t, s, "Reader"), newUser(t, s, "Mod", fanarchive.RoleModerator)
	w := create(t, s, newWork("Reported"))
	wantCode(t, s.ReportWork(ctx, &fanarchive.Report{WorkID: w.ID, ReporterID: reader.ID, Reason: "  "}), fanarchive.EINVALID)
	wantCode(t, s.ReportWork(ctx, &fanarchive.Report{WorkID: 9999, ReporterID: reader.ID, Reason: "x"}), fanarchive.ENOTFOUND)
	r := &fanarchive.Report{WorkID: w.ID, ReporterID: reader.ID, Reason: "Plagiarised from a zine."}
	must(t, s.ReportWork(ctx, r))
	open, n, err := s.FindReports(ctx, fanarchive.ReportOpen, 0, 0)
	must(t, err)
	if n != 1 || open[0].Reporter != "Reader" || open[0].WorkTitle != "Reported" {
		t.Fatalf("open reports %+v", open)
	}
	must(t, s.ResolveReport(ctx, r.ID, mod.ID, "Asked the author."))
	wantCode(t, s.ResolveReport(ctx, r.ID, mod.ID, ""), fanarchive.ECONFLICT)
	wantCode(t, s.ResolveReport(ctx, 9999, mod.ID, ""), fanarchive.ENOTFOUND)
	done, _, err := s.FindReports(ctx, fanarchive.ReportResolved, 0, 0)
	must(t, err)
	if len(done) != 1 || done[0].ResolvedBy != "Mod" || done[0].ResolvedAt.IsZero() {
		t.Errorf("resolved %+v", done)
	}
}

func testHistory(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	reader := newUser(t, s, "Reader")
	w1, w2 := create(t, s, newWork("One")), create(t, s, newWork("Two"))
	if on, err := s.HistoryOn(ctx, reader.ID); err != nil || on {
		t.Fatalf("history on by default: %v, %v", on, err)
	}
	if ok, err := s.RecordReading(ctx, reader.ID, w1.ID, 1); err != nil || ok {
		t.Fatalf("recorded while off: %v, %v", ok, err)
	}
	must(t, s.SetHistory(ctx, reader.ID, true))
	for _, r := range []struct {
		w  *fanarchive.Work
		ch int
	}{{w1, 1}, {w2, 1}, {w1, 2}} {
		c.advance(time.Minute)
		if ok, err := s.RecordReading(ctx, reader.ID, r.w.ID, r.ch); err != nil || !ok {
			t.Fatalf("record: %v, %v", ok, err)
		}
	}
	list, total, err := s.FindHistory(ctx, reader.ID, 0, 0)
	must(t, err)
	if total != 2 || list[0].WorkID != w1.ID || list[0].Chapter != 2 || list[0].Work == nil {
		t.Fatalf("history %+v (%d)", list, total)
	}
	page, _, err := s.FindHistory(ctx, reader.ID, 1, 1)
	must(t, err)
	if len(page) != 1 || page[0].WorkID != w2.ID {
		t.Errorf("page 2: %+v", page)
	}
	must(t, s.ClearHistory(ctx, reader.ID))
	if _, total, _ := s.FindHistory(ctx, reader.ID, 0, 0); total != 0 {
		t.Errorf("cleared history has %d", total)
	}
	_, err = s.RecordReading(ctx, reader.ID, w1.ID, 1)
	must(t, err)
	must(t, s.SetHistory(ctx, reader.ID, false))
	if _, total, _ := s.FindHistory(ctx, reader.ID, 0, 0); total != 0 {
		t.Errorf("turning history off kept %d", total)
	}
	wantCode(t, s.SetHistory(ctx, 99999, true), fanarchive.ENOTFOUND)
}

func testLater(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	reader := newUser(t, s, "Reader")
	w1, w2 := create(t, s, newWork("One")), create(t, s, newWork("Two"))
	must(t, s.MarkForLater(ctx, reader.ID, w1.ID, true))
	c.advance(time.Minute)
	must(t, s.MarkForLater(ctx, reader.ID, w2.ID, true))
	must(t, s.MarkForLater(ctx, reader.ID, w2.ID, true))
	wantCode(t, s.MarkForLater(ctx, reader.ID, 9999, true), fanarchive.ENOTFOUND)
	list, total, err := s.FindLater(ctx, reader.ID, 0, 0)
	must(t, err)
	if total != 2 || list[0].WorkID != w2.ID {
		t.Fatalf("later %+v", list)
	}
	must(t, s.MarkForLater(ctx, reader.ID, w2.ID, false))
	if on, err := s.IsMarkedForLater(ctx, reader.ID, w2.ID); err != nil || on {
		t.Errorf("still marked: %v %v", on, err)
	}
	if on, _ := s.IsMarkedForLater(ctx, reader.ID, w1.ID); !on {
		t.Error("w1 not marked")
	}
}
