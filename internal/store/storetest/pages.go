package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"fanarchive"
)

// longBody returns a chapter body of about n bytes made of every kind of
// block a body has (see package prose), and the offset where each block
// begins: the only places a page may begin.
func longBody(tag string, n int) (string, []int) {
	var b strings.Builder
	var starts []int
	for i := 0; b.Len() < n; i++ {
		starts = append(starts, b.Len())
		switch {
		case i%50 == 49:
			b.WriteString("<hr class=\"scene-break\">\n")
		case i%23 == 22:
			fmt.Fprintf(&b, "<pre>  %s %d\n    kept   apart</pre>\n", tag, i)
		case i%17 == 16:
			fmt.Fprintf(&b, "<blockquote><p>%s %d, quoted.</p><p>And again.</p></blockquote>\n", tag, i)
		case i%11 == 10:
			fmt.Fprintf(&b, "<p class=\"verse\">%s %d<br>\nthe second line</p>\n", tag, i)
		default:
			fmt.Fprintf(&b, "<p>%s paragraph %d: the lamp burned on the north tower, and <em>the boats</em> came home %s.</p>\n",
				tag, i, strings.Repeat("slowly ", i%40))
		}
	}
	return b.String(), starts
}

// longWork returns a work whose first chapter is about n bytes long and
// whose second is short.
func longWork(name string, n int) *fanarchive.Work {
	w := newWork(name)
	w.Chapters[0].Body, _ = longBody(name, n)
	return w
}

// readPages reads every page of a chapter, checking what each says about
// itself, and returns them.
func readPages(t *testing.T, s fanarchive.Store, ch *fanarchive.Chapter) []*fanarchive.ChapterPage {
	t.Helper()
	var pages []*fanarchive.ChapterPage
	for n := 1; n <= ch.Pages; n++ {
		pg, err := s.FindChapterPage(context.Background(), ch.ID, n)
		if err != nil {
			t.Fatalf("FindChapterPage(chapter %d, %d): %v", ch.ID, n, err)
		}
		if pg.ChapterID != ch.ID || pg.Number != n || pg.Pages != ch.Pages {
			t.Errorf("page %d of chapter %d says chapter %d, page %d of %d", n, ch.ID, pg.ChapterID, pg.Number, pg.Pages)
		}
		pages = append(pages, pg)
	}
	return pages
}

// joined is the pages' bodies, concatenated.
func joined(pages []*fanarchive.ChapterPage) string {
	var b strings.Builder
	for _, p := range pages {
		b.WriteString(p.Body)
	}
	return b.String()
}

// testChapterPages checks that a long chapter is stored in pages of whole
// blocks that make up its body, that a short one is one page, and that a
// work's outline holds no body.
func testChapterPages(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	w := newWork("Long")
	body, starts := longBody("Long", 3*fanarchive.ChapterPageBytes+fanarchive.ChapterPageBytes/2)
	w.Chapters[0].Body = body
	create(t, s, w)
	long, short := w.Chapters[0], w.Chapters[1]
	if long.Pages < 4 || short.Pages != 1 {
		t.Fatalf("CreateWork set Pages %d and %d; want at least 4 for %d bytes, and 1", long.Pages, short.Pages, len(body))
	}

	pages := readPages(t, s, long)
	if joined(pages) != body {
		t.Fatal("the pages of the long chapter do not make up its body")
	}
	at := 0
	for i, pg := range pages {
		if len(pg.Body) > fanarchive.ChapterPageBytes || pg.Body == "" {
			t.Errorf("page %d is %d bytes; want 1 to %d", i+1, len(pg.Body), fanarchive.ChapterPageBytes)
		}
		if _, ok := slices.BinarySearch(starts, at); !ok {
			t.Errorf("page %d begins at byte %d, inside a block: %.60q", i+1, at, pg.Body)
		}
		at += len(pg.Body)
	}
	if got := readPages(t, s, short); len(got) != 1 || got[0].Body != short.Body {
		t.Errorf("the short chapter's page 1 = %q, want its body %q", joined(got), short.Body)
	}
	for _, tt := range []struct {
		chapter int64
		n       int
	}{{long.ID, 0}, {long.ID, -1}, {long.ID, long.Pages + 1}, {short.ID, 2}, {long.ID + short.ID + 1000, 1}} {
		_, err := s.FindChapterPage(ctx, tt.chapter, tt.n)
		wantCode(t, err, fanarchive.ENOTFOUND)
	}

	// The whole body is still what the work and the chapter hold.
	whole, err := s.FindWorkByID(ctx, w.ID)
	must(t, err)
	want := *w
	want.Sources = nil
	for _, src := range w.Sources {
		c := *src
		c.Raw = nil // FindWorkByID reads no bytes
		want.Sources = append(want.Sources, &c)
	}
	compareWorks(t, whole, &want)
	ch, err := s.FindChapter(ctx, w.ID, 1)
	must(t, err)
	if ch.Body != body || ch.Pages != long.Pages {
		t.Errorf("FindChapter: %d bytes in %d pages, want %d bytes in %d", len(ch.Body), ch.Pages, len(body), long.Pages)
	}

	// The outline is the work without bodies.
	outline, err := s.FindWorkOutline(ctx, w.ID)
	must(t, err)
	for i, ch := range whole.Chapters {
		c := *ch
		c.Body = ""
		whole.Chapters[i] = &c
	}
	compareWorks(t, outline, whole)
	_, err = s.FindWorkOutline(ctx, w.ID+1000)
	wantCode(t, err, fanarchive.ENOTFOUND)
}

// testChapterPagesImport checks that ImportWorks stores long chapters in
// pages as CreateWork does.
func testChapterPagesImport(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	a, b := longWork("Imported long", 2*fanarchive.ChapterPageBytes+100), newWork("Imported short")
	created, err := s.ImportWorks(ctx, []*fanarchive.Work{a, b})
	must(t, err)
	if !created[0] || !created[1] {
		t.Fatalf("created = %v", created)
	}
	ch := a.Chapters[0]
	if ch.Pages < 3 || b.Chapters[0].Pages != 1 {
		t.Fatalf("Pages = %d and %d after ImportWorks", ch.Pages, b.Chapters[0].Pages)
	}
	if got := joined(readPages(t, s, ch)); got != ch.Body {
		t.Error("the pages of an imported chapter do not make up its body")
	}
}

// testChapterPagesRewrite checks that pages follow their chapter when it
// moves to another work, go when it goes, and are made anew for a chapter
// stored again.
func testChapterPagesRewrite(t *testing.T, s fanarchive.Store) {
	ctx := context.Background()
	a := create(t, s, newWork("Short first"))
	b := create(t, s, longWork("Long second", 2*fanarchive.ChapterPageBytes))
	moved := b.Chapters[0]
	before := readPages(t, s, moved)

	must(t, s.MergeWorks(ctx, a.ID, b.ID, editor))
	merged, err := s.FindWorkOutline(ctx, a.ID)
	must(t, err)
	if len(merged.Chapters) != 4 || merged.Chapters[2].ID != moved.ID || merged.Chapters[2].Pages != moved.Pages {
		t.Fatalf("after merge, chapter 3 is %+v; want chapter %d in %d pages", merged.Chapters[2], moved.ID, moved.Pages)
	}
	if got := joined(readPages(t, s, merged.Chapters[2])); got != joined(before) {
		t.Error("a merged chapter's pages changed")
	}
	if ch, err := s.FindChapter(ctx, a.ID, 3); err != nil || ch.Body != moved.Body {
		t.Errorf("FindChapter(merged, 3) = %v; want the moved body", err)
	}

	id, err := s.SplitWork(ctx, a.ID, 3, editor)
	must(t, err)
	split, err := s.FindWorkByID(ctx, id)
	must(t, err)
	if split.Chapters[0].ID != moved.ID || split.Chapters[0].Body != moved.Body || split.Chapters[0].Pages != moved.Pages {
		t.Errorf("after split, chapter 1 of the new work is chapter %d in %d pages; want %d in %d",
			split.Chapters[0].ID, split.Chapters[0].Pages, moved.ID, moved.Pages)
	}
	if !strings.HasPrefix(split.Begins, "Long second paragraph 0") {
		t.Errorf("the split-off work begins %q, want the first words of its long chapter", split.Begins)
	}

	// Deleting the work takes its pages, and a chapter stored after it has
	// pages of its own, even if it is given the same ID.
	must(t, s.DeleteWork(ctx, id))
	_, err = s.FindChapterPage(ctx, moved.ID, 1)
	wantCode(t, err, fanarchive.ENOTFOUND)
	again := create(t, s, longWork("Another long one", 3*fanarchive.ChapterPageBytes))
	if got := joined(readPages(t, s, again.Chapters[0])); got != again.Chapters[0].Body {
		t.Error("the pages of a chapter stored after a delete do not make up its body")
	}
}
