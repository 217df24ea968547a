package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fanarchive"
	"fanarchive/internal/prose"
)

// TestSanitizeStoredBodies writes unsanitised bodies straight into the
// database, as a store before migration 0013 could have held them (or a
// tool writing it another way), and opens it: the data migration makes
// every body one Sanitize leaves as it is, keeps long chapters in pages,
// writes the text index again so that what was taken out is not found,
// and leaves clean bodies alone.
func TestSanitizeStoredBodies(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s := openAt(t, path)
	dirtyWork := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "Dirty", Rating: fanarchive.RatingGeneral,
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>placeholder</p>", Words: 1}, {Number: 2, Body: "<p>two</p>", Words: 1}}}
	cleanWork := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "Clean", Rating: fanarchive.RatingGeneral,
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>Nothing to do, it&#39;s fine.</p>\n", Words: 5}}}
	for _, w := range []*fanarchive.Work{dirtyWork, cleanWork} {
		if err := s.CreateWork(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	dirty := `<p onclick="x()">Kept.</p><script>frumious()</script>`
	long := strings.Repeat("<p>The lamp burned on the north tower <span style=\"x\">and</span> the boats came home.</p>\n",
		3*fanarchive.ChapterPageBytes/80)
	ch1, ch2 := dirtyWork.Chapters[0].ID, dirtyWork.Chapters[1].ID
	for _, q := range []struct {
		query string
		args  []any
	}{
		{`UPDATE chapters SET body = ? WHERE id = ?`, []any{dirty, ch1}},
		// A long chapter whose pages were written unsanitised.
		{`UPDATE chapters SET body = '', pages = 2 WHERE id = ?`, []any{ch2}},
		{`INSERT INTO chapter_pages (chapter_id, number, body) VALUES (?, 1, ?), (?, 2, ?)`, []any{ch2, long, ch2, "<p>end</p><iframe>frumious</iframe>"}},
		{`DELETE FROM work_text WHERE rowid = ?`, []any{dirtyWork.ID}},
		{`INSERT INTO work_text (rowid, title, authors, summary, body) VALUES (?, 'Dirty', '', '', 'Kept frumious')`, []any{dirtyWork.ID}},
		{`INSERT INTO pending_data_migrations (name) VALUES ('sanitize-bodies')`, nil},
	} {
		if _, err := s.db.Exec(q.query, q.args...); err != nil {
			t.Fatalf("%s: %v", q.query, err)
		}
	}
	cleanBefore, err := s.FindWorkByID(ctx, cleanWork.ID)
	if err != nil {
		t.Fatal(err)
	}
	changes := countRows(t, s, `SELECT count(*) FROM search_changes WHERE work_id = ?`, dirtyWork.ID)
	s.Close()

	s = openAt(t, path)
	defer s.Close()
	if n := countRows(t, s, `SELECT count(*) FROM pending_data_migrations`); n != 0 {
		t.Errorf("%d data migrations still pending", n)
	}
	got, err := s.FindWorkByID(ctx, dirtyWork.ID)
	if err != nil {
		t.Fatal(err)
	}
	if body := got.Chapters[0].Body; body != "<p>Kept.</p>" {
		t.Errorf("chapter 1 = %q", body)
	}
	for _, ch := range got.Chapters {
		if prose.Sanitize(ch.Body) != ch.Body {
			t.Errorf("chapter %d is not sanitised: %q", ch.Number, ch.Body[:min(len(ch.Body), 200)])
		}
	}
	if want := prose.Sanitize(long + "<p>end</p><iframe>frumious</iframe>"); got.Chapters[1].Body != want || got.Chapters[1].Pages < 2 {
		t.Errorf("chapter 2: %d pages, sanitised as Sanitize would: %t", got.Chapters[1].Pages, got.Chapters[1].Body == want)
	}
	for n := 1; n <= got.Chapters[1].Pages; n++ {
		pg, err := s.FindChapterPage(ctx, ch2, n)
		if err != nil {
			t.Fatal(err)
		}
		if prose.Sanitize(pg.Body) != pg.Body {
			t.Errorf("page %d of chapter 2 is not sanitised", n)
		}
	}
	if n := countRows(t, s, `SELECT count(*) FROM work_text WHERE work_text MATCH 'frumious'`); n != 0 {
		t.Errorf("the text index still finds what sanitising took out (%d works)", n)
	}
	if n := countRows(t, s, `SELECT count(*) FROM work_text WHERE work_text MATCH 'kept'`); n != 1 {
		t.Errorf("the text index lost the kept text (%d works)", n)
	}
	if n := countRows(t, s, `SELECT count(*) FROM search_changes WHERE work_id = ?`, dirtyWork.ID); n <= changes {
		t.Errorf("the sanitised work was not logged for search (%d changes, %d before)", n, changes)
	}
	cleanAfter, err := s.FindWorkByID(ctx, cleanWork.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cleanAfter.Chapters[0].Body != cleanBefore.Chapters[0].Body || !cleanAfter.UpdatedAt.Equal(cleanBefore.UpdatedAt) {
		t.Errorf("a clean work was changed: %q", cleanAfter.Chapters[0].Body)
	}
}

// TestTagPrefixUsesIndex checks that suggestions are read off tags_prefix
// in order, not by scanning every tag.
func TestTagPrefixUsesIndex(t *testing.T) {
	s := openTest(t)
	defer s.Close()
	plan := queryPlan(t, s, tagPrefixQuery, "freeform", "ang", "ang\xff")
	if !strings.Contains(plan, "tags_prefix") || strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("tag suggestions do not read tags_prefix in order:\n%s", plan)
	}
}
