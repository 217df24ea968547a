package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"testing"

	"fanarchive"
)

// TestAuthorsRebuild applies migration 0014 to a database that has works,
// legacy authors, pseuds and tokens, made with the migrations before it:
// every author keeps its ID, name, user and key, every byline its author,
// no foreign key dangles, and afterwards a pseud may share a legacy
// author's name while two legacy authors may not share one.
func TestAuthorsRebuild(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "archive.db")
	db, err := sql.Open("sqlite", dsn(file, false))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`)
	names, err := fs.Glob(migrationFS, "migration/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	for _, name := range names {
		if path.Base(name) >= "0014" {
			break
		}
		body, err := fs.ReadFile(migrationFS, name)
		if err != nil {
			t.Fatal(err)
		}
		exec(string(body))
		exec(`INSERT INTO migrations (name, applied_at) VALUES (?, '2026-01-01T00:00:00.000000000Z')`, path.Base(name))
	}
	const at = "2026-01-01T00:00:00.000000000Z"
	exec(`INSERT INTO users (id, name, name_key, email, email_key, email_confirmed, password_hash, created_at)
		VALUES (1, 'Rook', 'rook', 'rook@example.net', 'rook@example.net', 1, 'h', ?)`, at)
	exec(`INSERT INTO authors (id, name, user_id, is_default) VALUES (5, 'Rook', 1, 1)`)
	exec(`INSERT INTO authors (id, name) VALUES (7, 'Old Byline'), (9, 'Second Byline')`)
	for id := 1; id <= 3; id++ {
		exec(`INSERT INTO works (id, kind, rating, published, updated, created_at, updated_at)
			VALUES (?, 'fiction', 'General Audiences', ?, ?, ?, ?)`, id, at, at, at, at)
	}
	exec(`INSERT INTO work_authors (work_id, author_id, position) VALUES (1, 7, 0), (2, 7, 0), (2, 9, 1), (3, 5, 0)`)
	exec(`INSERT INTO tokens (id, purpose, user_id, created_at, expires_at) VALUES ('t', 'confirm-email', 1, ?, ?)`, at, at)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s := openAt(t, file)
	defer s.Close()
	type row struct {
		id        int64
		name      string
		user      sql.NullInt64
		key       string
		isDefault bool
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, user_id, name_key, is_default FROM authors ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.name, &r.user, &r.key, &r.isDefault); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	rows.Close()
	want := []row{{5, "Rook", sql.NullInt64{Int64: 1, Valid: true}, "rook", true}, {7, "Old Byline", sql.NullInt64{}, "old_byline", false},
		{9, "Second Byline", sql.NullInt64{}, "second_byline", false}}
	if len(got) != len(want) {
		t.Fatalf("authors after the migration: %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("author %d after the migration: %+v, want %+v", i, got[i], want[i])
		}
	}
	var dangling int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_foreign_key_check`).Scan(&dangling); err != nil || dangling != 0 {
		t.Errorf("foreign key check: %d rows, %v", dangling, err)
	}
	w, err := s.FindWorkByID(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if names := w.AuthorNames(); len(names) != 2 || names[0] != "Old Byline" || names[1] != "Second Byline" {
		t.Errorf("work 2 is by %v", names)
	}
	if _, err := s.FindToken(ctx, "t", fanarchive.TokenConfirmEmail); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		t.Errorf("the expired token: %v", err) // still there, and still expired
	}
	var tokens int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM tokens`).Scan(&tokens); err != nil || tokens != 1 {
		t.Errorf("%d tokens after the migration, %v", tokens, err)
	}

	// A pseud may now have a legacy author's name; two legacy authors not.
	if _, err := s.db.ExecContext(ctx, `INSERT INTO authors (name, user_id) VALUES ('Old Byline', 1)`); err != nil {
		t.Errorf("a pseud named as a legacy author: %v", err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO authors (name) VALUES ('Old Byline')`); err == nil {
		t.Error("a second legacy author named Old Byline was stored")
	}
	var key string
	if err := s.db.QueryRowContext(ctx, `SELECT name_key FROM authors WHERE name = 'Old Byline' AND user_id = 1`).Scan(&key); err != nil || key != "old_byline" {
		t.Errorf("the trigger keeps keys: %q, %v", key, err)
	}
}
