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

// RunListStories runs the suite of list stories
// (fanarchive.ListStoryService): a story's first post makes its work,
// later parts join it in part order whatever order they come in, a
// repeated part only adds its bytes as a source, what a later part says
// fills what the work lacks, a deleted story takes no more parts, and a
// posted work records its new chapters as revisions. Subtests run in
// parallel, each on its own store with its own clock.
func RunListStories(t *testing.T, open ClockOpener) {
	t.Helper()
	suites := []struct {
		name string
		fn   func(t *testing.T, s fanarchive.Store, c *clock)
	}{
		{"FirstPostMakesWork", testListStoryStart},
		{"PartsOutOfOrder", testListStoryOrder},
		{"RepeatedPart", testListStoryRepeat},
		{"LaterPartFillsGaps", testListStoryMerge},
		{"Refused", testListStoryRefused},
		{"DeletedStory", testListStoryDeleted},
		{"PostedWork", testListStoryPosted},
	}
	for _, st := range suites {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			c := &clock{}
			c.set(time.Date(2026, time.December, 1, 9, 0, 0, 0, time.UTC))
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

// listPost is part n of of (0: unnumbered) of the story key of list 1, by
// Wren Halloway, whose text names the part.
func listPost(key string, n, of int) *fanarchive.ListPost {
	text := fmt.Sprintf("The lamp burned through night %d.", n)
	raw := []byte(fmt.Sprintf("From: Wren Halloway <wren@example.org>\r\nSubject: %s (%d/%d)\r\n\r\n%s\r\n", key, n, of, text))
	w := &fanarchive.Work{
		Kind:            fanarchive.KindFiction,
		Title:           "Lamplight",
		Authors:         []fanarchive.Author{{Name: "Wren Halloway"}},
		Rating:          fanarchive.RatingNotRated,
		Language:        "en",
		Words:           6,
		Chapters:        []*fanarchive.Chapter{{Number: 1, Body: "<p>" + text + "</p>\n", Words: 6}},
		Sources:         []*fanarchive.Source{fanarchive.NewSource(fmt.Sprintf("list/l3/%s-%d.eml", key, n), raw)},
		Tags:            []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Smallville", Inferred: true}},
		Published:       time.Date(2026, time.November, n, 12, 0, 0, 0, time.UTC),
		Updated:         time.Date(2026, time.November, n, 12, 0, 0, 0, time.UTC),
		PublishedFrom:   fanarchive.DateHeader,
		FeedbackContact: "wren@example.org",
	}
	return &fanarchive.ListPost{ListID: 1, Key: key, Of: of, Work: w,
		Part: fanarchive.ListStoryPart{Order: float64(n), First: n, Label: fmt.Sprintf("(%d/%d)", n, of)}}
}

// file files p or fails the test.
func file(t *testing.T, s fanarchive.Store, p *fanarchive.ListPost) *fanarchive.ListFiling {
	t.Helper()
	f, err := s.FileListPost(context.Background(), p)
	if err != nil {
		t.Fatalf("FileListPost(%s part %v): %v", p.Key, p.Part.Order, err)
	}
	return f
}

// chapterTexts returns a work's chapter bodies joined by "|".
func chapterTexts(t *testing.T, s fanarchive.Store, id int64) (*fanarchive.Work, string) {
	t.Helper()
	w, err := s.FindWorkByID(context.Background(), id)
	must(t, err)
	var out []string
	for i, ch := range w.Chapters {
		if ch.Number != i+1 {
			t.Errorf("chapter %d is numbered %d", i+1, ch.Number)
		}
		out = append(out, strings.TrimSpace(ch.Body))
	}
	return w, strings.Join(out, "|")
}

func testListStoryStart(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	f := file(t, s, listPost("lamplight", 1, 1))
	if !f.New || f.Repeat || f.Chapter != 1 || f.WorkID == 0 {
		t.Fatalf("filing = %+v, want a new work at chapter 1", f)
	}
	w, err := s.FindWorkByID(ctx, f.WorkID)
	must(t, err)
	if w.Title != "Lamplight" || len(w.Chapters) != 1 || len(w.Sources) != 1 || !w.Complete {
		t.Errorf("work = %q, %d chapters, %d sources, complete %v", w.Title, len(w.Chapters), len(w.Sources), w.Complete)
	}
	works, _, err := s.FindWorks(ctx, fanarchive.WorkFilter{})
	must(t, err)
	if len(works) != 1 || works[0].ID != f.WorkID {
		t.Errorf("FindWorks lists %d works, want the new one", len(works))
	}
	st, err := s.FindListStory(ctx, 1, "lamplight")
	must(t, err)
	if st.WorkID != f.WorkID || st.Of != 1 || len(st.Parts) != 1 || st.Parts[0].Label != "(1/1)" ||
		st.Parts[0].SourceID != w.Sources[0].ID || st.Parts[0].ChapterID != w.Chapters[0].ID || !st.CreatedAt.Equal(c.now()) {
		t.Errorf("story = %+v", st)
	}
	if _, err := s.FindListStory(ctx, 2, "lamplight"); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		t.Errorf("another list's story: %v, want ENOTFOUND", err)
	}
}

func testListStoryOrder(t *testing.T, s fanarchive.Store, c *clock) {
	first := file(t, s, listPost("lamplight", 1, 3))
	w, _ := chapterTexts(t, s, first.WorkID)
	if w.Complete || !slices.Contains(w.Problems, "part missing: 2, 3 of 3") {
		t.Errorf("after part 1: complete %v, problems %q", w.Complete, w.Problems)
	}
	c.advance(24 * time.Hour)
	third := file(t, s, listPost("lamplight", 3, 3))
	c.advance(24 * time.Hour)
	second := file(t, s, listPost("lamplight", 2, 3))
	if third.New || second.New || third.WorkID != first.WorkID || second.WorkID != first.WorkID {
		t.Fatalf("parts went to works %d, %d, %d", first.WorkID, third.WorkID, second.WorkID)
	}
	if third.Chapter != 2 || second.Chapter != 2 {
		t.Errorf("part 3 became chapter %d, then part 2 chapter %d; want 2 and 2", third.Chapter, second.Chapter)
	}
	w, got := chapterTexts(t, s, first.WorkID)
	want := "<p>The lamp burned through night 1.</p>|<p>The lamp burned through night 2.</p>|<p>The lamp burned through night 3.</p>"
	if got != want {
		t.Errorf("chapters = %s\nwant %s", got, want)
	}
	if !w.Complete || slices.ContainsFunc(w.Problems, func(p string) bool { return strings.HasPrefix(p, "part missing") }) {
		t.Errorf("after all parts: complete %v, problems %q", w.Complete, w.Problems)
	}
	if w.Words != 18 || len(w.Sources) != 3 || !strings.HasPrefix(w.Begins, "The lamp burned through night 1") {
		t.Errorf("words %d, sources %d, begins %q", w.Words, len(w.Sources), w.Begins)
	}
	if !w.Published.Equal(time.Date(2026, time.November, 1, 12, 0, 0, 0, time.UTC)) ||
		!w.Updated.Equal(time.Date(2026, time.November, 3, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("published %v, updated %v", w.Published, w.Updated)
	}
	st, err := s.FindListStory(context.Background(), 1, "lamplight")
	must(t, err)
	var orders []float64
	for _, p := range st.Parts {
		orders = append(orders, p.Order)
	}
	if !slices.Equal(orders, []float64{1, 2, 3}) {
		t.Errorf("parts held = %v", orders)
	}
	// Another key is another story.
	if f := file(t, s, listPost("lamplight-other-poster", 2, 3)); !f.New || f.WorkID == first.WorkID {
		t.Errorf("another key's part = %+v, want a new work", f)
	}
}

func testListStoryRepeat(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	first := file(t, s, listPost("lamplight", 1, 2))
	file(t, s, listPost("lamplight", 2, 2))
	repost := listPost("lamplight", 2, 2)
	repost.Work.Sources[0] = fanarchive.NewSource("list/l3/repost.eml", append(repost.Work.Sources[0].Raw, "(repost)\r\n"...))
	repost.Work.Chapters[0].Body = "<p>A different text.</p>"
	f := file(t, s, repost)
	if !f.Repeat || f.New || f.Chapter != 2 || f.WorkID != first.WorkID {
		t.Errorf("repost filing = %+v, want a repeat of chapter 2", f)
	}
	w, got := chapterTexts(t, s, first.WorkID)
	if len(w.Chapters) != 2 || strings.Contains(got, "different") {
		t.Errorf("chapters after repost = %s", got)
	}
	if len(w.Sources) != 3 || w.Sources[2].Name != "list/l3/repost.eml" {
		t.Fatalf("sources = %d, want the repost kept as the third", len(w.Sources))
	}
	src, err := s.FindSourceByID(ctx, w.Sources[2].ID)
	must(t, err)
	if string(src.Raw) != string(repost.Work.Sources[0].Raw) {
		t.Errorf("repost's bytes not kept")
	}
	// The very same bytes again change nothing.
	again := file(t, s, repost)
	if !again.Repeat {
		t.Errorf("same bytes again = %+v", again)
	}
	if w2, _ := chapterTexts(t, s, first.WorkID); len(w2.Sources) != 3 {
		t.Errorf("same bytes again gave %d sources", len(w2.Sources))
	}
}

func testListStoryMerge(t *testing.T, s fanarchive.Store, c *clock) {
	// Part 2 comes first, untitled, unrated, with an inferred fandom.
	p2 := listPost("lamplight", 2, 2)
	p2.Work.Title = ""
	first := file(t, s, p2)
	p1 := listPost("lamplight", 1, 2)
	p1.Work.Summary = "Wren keeps a lamp."
	p1.Work.Rating, p1.Work.RatingOriginal = fanarchive.RatingTeen, "PG-13"
	p1.Work.Notes = []fanarchive.Note{{Label: "Disclaimer", Text: "Not mine."}}
	p1.Work.Tags = []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Harbour Lights"},
		{Kind: fanarchive.TagRelationship, Name: "Wren/Ash"}}
	f := file(t, s, p1)
	if f.Chapter != 1 {
		t.Errorf("part 1 became chapter %d, want 1", f.Chapter)
	}
	w, got := chapterTexts(t, s, first.WorkID)
	if !strings.HasPrefix(got, "<p>The lamp burned through night 1.</p>|") {
		t.Errorf("chapters = %s", got)
	}
	if w.Title != "Lamplight" || w.Summary != "Wren keeps a lamp." || w.Rating != fanarchive.RatingTeen ||
		len(w.Notes) != 1 || !strings.HasPrefix(w.Begins, "The lamp burned through night 1") {
		t.Errorf("work = %q, %q, %s, notes %v, begins %q", w.Title, w.Summary, w.Rating, w.Notes, w.Begins)
	}
	if got := strings.Join(w.TagsOf(fanarchive.TagFandom), ","); got != "Harbour Lights" {
		t.Errorf("fandoms = %s, want the given one in place of the inferred", got)
	}
	if got := strings.Join(w.TagsOf(fanarchive.TagRelationship), ","); got != "Wren/Ash" {
		t.Errorf("relationships = %s", got)
	}
	// A third post repeating the disclaimer does not repeat the note; an
	// explicit rating raises it.
	p3 := listPost("lamplight", 3, 3)
	p3.Work.Notes = []fanarchive.Note{{Label: "Disclaimer", Text: "Not mine."}}
	p3.Work.Rating = fanarchive.RatingMature
	file(t, s, p3)
	w, _ = chapterTexts(t, s, first.WorkID)
	if len(w.Notes) != 1 || w.Rating != fanarchive.RatingMature || len(w.Chapters) != 3 {
		t.Errorf("after part 3: notes %v, rating %s, %d chapters", w.Notes, w.Rating, len(w.Chapters))
	}
}

func testListStoryRefused(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	for name, p := range map[string]*fanarchive.ListPost{
		"no work":   {ListID: 1, Key: "k"},
		"no list":   {Key: "k", Work: listPost("k", 1, 1).Work},
		"no key":    {ListID: 1, Work: listPost("k", 1, 1).Work},
		"no source": {ListID: 1, Key: "k", Work: func() *fanarchive.Work { w := listPost("k", 1, 1).Work; w.Sources = nil; return w }()},
		"no chapter": {ListID: 1, Key: "k", Work: func() *fanarchive.Work {
			w := listPost("k", 1, 1).Work
			w.Chapters = nil
			return w
		}()},
	} {
		if _, err := s.FileListPost(ctx, p); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
	if _, err := s.FileListPost(ctx, nil); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		t.Errorf("nil: %v, want EINVALID", err)
	}
	// Bytes that are a work already do not start a second story.
	p := listPost("lamplight", 1, 1)
	create(t, s, &fanarchive.Work{Kind: fanarchive.KindFiction, Rating: fanarchive.RatingGeneral,
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>x</p>"}},
		Sources:  []*fanarchive.Source{fanarchive.NewSource("imported.eml", p.Work.Sources[0].Raw)}})
	if _, err := s.FileListPost(ctx, p); fanarchive.ErrorCode(err) != fanarchive.ECONFLICT {
		t.Errorf("bytes imported before: %v, want ECONFLICT", err)
	}
	if _, err := s.FindListStory(ctx, 1, "lamplight"); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		t.Errorf("a refused post left a story: %v", err)
	}
}

func testListStoryDeleted(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	f := file(t, s, listPost("lamplight", 1, 2))
	must(t, s.DeleteWork(ctx, f.WorkID))
	st, err := s.FindListStory(ctx, 1, "lamplight")
	must(t, err)
	if st.WorkID != 0 {
		t.Errorf("story of a deleted work names work %d", st.WorkID)
	}
	if _, err := s.FileListPost(ctx, listPost("lamplight", 2, 2)); fanarchive.ErrorCode(err) != fanarchive.ECONFLICT {
		t.Errorf("part of a deleted story: %v, want ECONFLICT", err)
	}
}

func testListStoryPosted(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	u := newUser(t, s, "Wren Halloway")
	pseuds, err := s.FindPseuds(ctx, u.ID)
	must(t, err)
	posted := func(n int) *fanarchive.ListPost {
		p := listPost("lamplight", n, 2)
		p.Work.PostedBy = u.ID
		p.Work.Authors = []fanarchive.Author{{ID: pseuds[0].ID}}
		p.Work.Tags = append(p.Work.Tags, fanarchive.Tag{Kind: fanarchive.TagWarning, Name: "No Archive Warnings Apply"})
		return p
	}
	f := file(t, s, posted(2))
	file(t, s, posted(1))
	w, _ := chapterTexts(t, s, f.WorkID)
	if !slices.Equal(w.Owners, []int64{u.ID}) || len(w.Authors) != 1 || w.Authors[0].ID != pseuds[0].ID || len(w.Chapters) != 2 {
		t.Errorf("owners %v, authors %v, %d chapters", w.Owners, w.Authors, len(w.Chapters))
	}
	if got := strings.Join(revisionOps(t, s, f.WorkID), "; "); !strings.Contains(got, "create") || !strings.Contains(got, "add-chapter") {
		t.Errorf("revisions = %s", got)
	}
}
