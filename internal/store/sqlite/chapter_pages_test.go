package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fanarchive"
	"fanarchive/internal/prose"
)

// TestChapterPageBytesInMigration keeps the page size that migration 0009
// marks long chapters by in step with fanarchive.ChapterPageBytes.
func TestChapterPageBytesInMigration(t *testing.T) {
	body, err := fs.ReadFile(migrationFS, "migration/0009_chapter_pages.sql")
	if err != nil {
		t.Fatal(err)
	}
	want := "octet_length(body) > " + strconv.Itoa(fanarchive.ChapterPageBytes) + ";"
	if !strings.Contains(string(body), want) {
		t.Errorf("0009_chapter_pages.sql does not mark chapters by %q", want)
	}
}

// TestChapterPagesMigration opens a database from before migration 0009,
// with a long chapter stored whole, and finds it in pages.
func TestChapterPagesMigration(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "old.db")
	long := strings.Repeat("<p>The lamp burned on the north tower, and the boats came home.</p>\n", 3*fanarchive.ChapterPageBytes/64)
	wrapped := "<div>" + long + "</div>" // nowhere to cut: stays one page
	ids := oldArchive(t, file, long, wrapped, "<p>Short.</p>")

	s := openAt(t, file)
	defer s.Close()
	want := prose.SplitPages(long, fanarchive.ChapterPageBytes)
	for i, tt := range []struct {
		body  string
		pages int
	}{{long, len(want)}, {wrapped, 1}, {"<p>Short.</p>", 1}} {
		var stored string
		var pages int
		if err := s.db.QueryRowContext(ctx, `SELECT body, pages FROM chapters WHERE id = ?`, ids[i]).Scan(&stored, &pages); err != nil {
			t.Fatal(err)
		}
		if pages != tt.pages || (pages > 1) != (stored == "") {
			t.Errorf("chapter %d: %d pages and %d bytes in chapters.body; want %d pages", i+1, pages, len(stored), tt.pages)
		}
		var got strings.Builder
		for n := 1; n <= tt.pages; n++ {
			pg, err := s.FindChapterPage(ctx, ids[i], n)
			if err != nil {
				t.Fatalf("chapter %d page %d: %v", i+1, n, err)
			}
			if tt.pages > 1 && pg.Body != want[n-1] {
				t.Errorf("chapter %d page %d differs from SplitPages", i+1, n)
			}
			got.WriteString(pg.Body)
		}
		if got.String() != tt.body {
			t.Errorf("chapter %d: pages make %d bytes, want its body's %d", i+1, got.Len(), len(tt.body))
		}
		if ch, err := s.FindChapter(ctx, 1, i+1); err != nil || ch.Body != tt.body || ch.Pages != tt.pages {
			t.Errorf("FindChapter(%d) = %d bytes in %d pages, %v", i+1, len(ch.Body), ch.Pages, err)
		}
	}
	var marked int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM chapters WHERE pages = 0`).Scan(&marked); err != nil || marked != 0 {
		t.Errorf("%d chapters still marked, %v", marked, err)
	}
	// Every Open looks for marked chapters: in the index of them alone.
	if plan := queryPlan(t, s, `SELECT id, body FROM chapters WHERE pages = 0 LIMIT 1`); !strings.Contains(plan, "chapters_unsplit") {
		t.Errorf("looking for long chapters to split does not use chapters_unsplit:\n%s", plan)
	}
}

// oldArchive writes a database with the migrations before 0009 and one work
// whose chapters have these bodies, stored as those migrations stored them,
// and returns the chapters' IDs.
func oldArchive(t *testing.T, file string, bodies ...string) []int64 {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(file, false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	names, _ := fs.Glob(migrationFS, "migration/*.sql")
	for _, name := range names {
		if path.Base(name) >= "0009" {
			break
		}
		sqlText, _ := fs.ReadFile(migrationFS, name)
		if _, err := db.Exec(string(sqlText)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := db.Exec(`INSERT INTO migrations VALUES (?, '2026-01-01T00:00:00.000000000Z')`, path.Base(name)); err != nil {
			t.Fatal(err)
		}
	}
	now := "2026-01-01T00:00:00.000000000Z"
	if _, err := db.Exec(`INSERT INTO works (id, kind, rating, published, updated, created_at, updated_at)
		VALUES (1, 'fiction', 'General', ?1, ?1, ?1, ?1)`, now); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i, body := range bodies {
		res, err := db.Exec(`INSERT INTO chapters (work_id, number, body) VALUES (1, ?, ?)`, i+1, body)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := res.LastInsertId()
		ids = append(ids, id)
	}
	return ids
}

// TestChapterListPlan: listing chapters without bodies (blurbs, a work's
// outline) reads the chapters_list index alone, never the rows, whose
// columns after the body are reached only by walking its overflow pages.
func TestChapterListPlan(t *testing.T) {
	s := openTest(t)
	defer s.Close()
	plan := queryPlan(t, s, `SELECT `+chapterColumns(false)+` FROM chapters c WHERE c.work_id IN (?, ?) ORDER BY c.work_id, c.number`, 1, 2)
	if !strings.Contains(plan, "COVERING INDEX chapters_list") {
		t.Errorf("listing chapters does not use the covering index:\n%s", plan)
	}
}
