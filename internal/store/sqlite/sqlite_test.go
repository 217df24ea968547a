package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/store/storetest"
)

// openTest opens a store on a new file in a temporary directory (never
// :memory:, which a connection pool would split into several databases).
func openTest(t *testing.T) *Store {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "archive.db"))
}

// openAt opens the archive at path, failing the test if it cannot.
func openAt(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path, nil)
	if err != nil {
		t.Fatalf("Open %s: %v", path, err)
	}
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) fanarchive.Store { return openTest(t) })
}

func TestFTS5CompiledIn(t *testing.T) {
	s := openTest(t)
	defer s.Close()
	var used bool
	if err := s.rdb.QueryRow(`SELECT sqlite_compileoption_used('ENABLE_FTS5')`).Scan(&used); err != nil {
		t.Fatal(err)
	}
	if !used {
		t.Fatal("SQLite was built without FTS5; full-text search needs it")
	}
	// And it works, not just claims to.
	if _, err := s.db.Exec(`CREATE VIRTUAL TABLE temp.fts_probe USING fts5(body)`); err != nil {
		t.Fatalf("create fts5 table: %v", err)
	}
}

func TestMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nested", "dir", "archive.db") // Open creates the directories
	s := openAt(t, path)
	files, err := fs.Glob(migrationFS, "migration/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no embedded migrations: %v", err)
	}
	if v, err := s.SchemaVersion(ctx); err != nil || v != len(files) {
		t.Fatalf("schema version %d, %v; want %d", v, err, len(files))
	}
	w := &fanarchive.Work{Kind: fanarchive.KindFiction, Rating: fanarchive.RatingTeen,
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>x</p>"}}}
	if err := s.CreateWork(ctx, w); err != nil {
		t.Fatal(err)
	}
	applied := func(s *Store) []string {
		rows, err := s.db.Query(`SELECT name || ' ' || applied_at FROM migrations ORDER BY name`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var names []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			names = append(names, n)
		}
		return names
	}
	before := applied(s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Re-opening applies nothing again and keeps the data.
	s, err = Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if after := applied(s); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("re-open changed migrations:\n%v\n%v", before, after)
	}
	if v, _ := s.SchemaVersion(ctx); v != len(files) {
		t.Errorf("schema version after re-open = %d, want %d", v, len(files))
	}
	if _, err := s.FindWorkByID(ctx, w.ID); err != nil {
		t.Errorf("work lost across re-open: %v", err)
	}
}

func TestOpenRefusesMemory(t *testing.T) {
	for _, path := range []string{"", ":memory:"} {
		if s, err := Open(context.Background(), path, nil); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded; want an error", path)
		}
	}
}

func TestOpenOddPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "what? #1 100%", "archive.db")
	s := openAt(t, path)
	defer s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not at %q: %v", path, err)
	}
}

// TestPragmas checks that every connection of both pools has the settings
// from the DSN, not just the first one.
func TestPragmas(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	defer s.Close()
	check := func(name string, db *sql.DB, conns int, queryOnly int) {
		var held []*sql.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for i := range conns {
			c, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, c)
			var journal string
			var fk, sync, busy, qo int
			for _, p := range []struct {
				pragma string
				dst    any
			}{{"journal_mode", &journal}, {"foreign_keys", &fk}, {"synchronous", &sync},
				{"busy_timeout", &busy}, {"query_only", &qo}} {
				if err := c.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(p.dst); err != nil {
					t.Fatalf("%s conn %d: PRAGMA %s: %v", name, i, p.pragma, err)
				}
			}
			if journal != "wal" || fk != 1 || sync != 1 || busy != int(busyTimeout.Milliseconds()) || qo != queryOnly {
				t.Errorf("%s conn %d: journal_mode=%s foreign_keys=%d synchronous=%d busy_timeout=%d query_only=%d",
					name, i, journal, fk, sync, busy, qo)
			}
		}
	}
	check("writer", s.db, 1, 0)
	check("reader", s.rdb, 3, 1)
}

// TestClock checks that every timestamp CreateWork and the import runs set
// comes from the store's clock, and survives storage exactly.
func TestClock(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	defer s.Close()
	now := time.Date(2024, 2, 29, 23, 59, 58, 123456789, time.FixedZone("X", 5*3600))
	s.now = func() time.Time { return now }

	run := &fanarchive.ImportRun{Args: "x"}
	if err := s.CreateImportRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	w := &fanarchive.Work{Kind: fanarchive.KindFiction, Rating: fanarchive.RatingTeen,
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>x</p>"}},
		Sources:  []*fanarchive.Source{fanarchive.NewSource("a", []byte("a"))}}
	if err := s.CreateWork(ctx, w); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindWorkByID(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	for name, ts := range map[string]time.Time{"StartedAt": run.StartedAt, "Published": got.Published,
		"Updated": got.Updated, "CreatedAt": got.CreatedAt, "UpdatedAt": got.UpdatedAt,
		"ImportedAt": got.Sources[0].ImportedAt} {
		if !ts.Equal(now) || ts.Location() != time.UTC {
			t.Errorf("%s = %v, want %v in UTC", name, ts, now)
		}
	}
	var stored string
	if err := s.rdb.QueryRow(`SELECT created_at FROM works WHERE id = ?`, w.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if want := "2024-02-29T18:59:58.123456789Z"; stored != want {
		t.Errorf("stored created_at = %q, want %q", stored, want)
	}
}

// TestListingUsesIndex checks that the front page is read in index order,
// without sorting every work.
func TestListingUsesIndex(t *testing.T) {
	s := openTest(t)
	defer s.Close()
	for _, f := range []fanarchive.WorkFilter{{}, {IncludeDuplicates: true}, {IncludeRestricted: true}, {IncludeDuplicates: true, IncludeRestricted: true}} {
		where, args, err := workWhere(f)
		if err != nil {
			t.Fatal(err)
		}
		plan := queryPlan(t, s, pageQuery(where), append(append(append([]any{}, args...), args...), 20, 0)...)
		if !strings.Contains(plan, "works_listing") || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("listing %+v: query plan does not read the index in order:\n%s", f, plan)
		}
	}
}

// queryPlan returns SQLite's plan for a query, one step a line.
func queryPlan(t *testing.T, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.rdb.Query(`EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "\n")
}

func TestMapError(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	defer s.Close()
	_, err := s.db.ExecContext(ctx, `INSERT INTO authors (name) VALUES ('a'), ('a')`)
	if got := fanarchive.ErrorCode(mapError(err)); got != fanarchive.ECONFLICT {
		t.Errorf("unique violation maps to %q (%v), want conflict", got, err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO work_authors (work_id, author_id, position) VALUES (99, 99, 0)`)
	if got := fanarchive.ErrorCode(mapError(err)); got != fanarchive.EINVALID {
		t.Errorf("foreign key violation maps to %q (%v), want invalid", got, err)
	}
	_, err = s.db.ExecContext(ctx, `SELECT * FROM no_such_table`)
	if got := fanarchive.ErrorCode(mapError(err)); got != fanarchive.EINTERNAL {
		t.Errorf("syntax error maps to %q, want internal", got)
	}
	if mapError(nil) != nil {
		t.Error("mapError(nil) != nil")
	}
}
