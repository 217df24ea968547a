package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
)

// migrationFS holds the schema migrations, applied in file name order. Files
// are only ever added: a released migration is never edited, because
// databases that already applied it would not see the change.
//
//go:embed migration/*.sql
var migrationFS embed.FS

// pgMigrationFS holds the PostgreSQL schema's migrations, likewise.
//
//go:embed migration_pg/*.sql
var pgMigrationFS embed.FS

// migrate applies every migration the database has not had yet, each in its
// own transaction together with its row in the migrations table, so a
// failure leaves the database at the previous version. Two processes opening
// the same new file at once are safe: the check runs inside the immediate
// transaction.
func (s *Store) migrate(ctx context.Context) error {
	return s.migrateFrom(ctx, migrationFS, "migration/*.sql")
}

// migrateFrom applies the migrations in fsys matching pattern, in name
// order: each engine has its own (migration/ for SQLite, migration_pg/ for
// PostgreSQL).
func (s *Store) migrateFrom(ctx context.Context, fsys fs.FS, pattern string) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (
		name       TEXT PRIMARY KEY,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	names, err := fs.Glob(fsys, pattern)
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		applied, err := s.migrateFile(ctx, fsys, name)
		if err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
		if applied {
			s.logger.Info("applied database migration", "migration", name, "path", s.path)
		}
	}
	return nil
}

// migrateFile applies one migration unless it is recorded as applied, and
// reports whether it applied it.
func (s *Store) migrateFile(ctx context.Context, fsys fs.FS, name string) (applied bool, err error) {
	err = s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM migrations WHERE name = ?`, path.Base(name)).Scan(&n); err != nil {
			return fmt.Errorf("check: %w", err)
		} else if n > 0 {
			return nil
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("apply: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`,
			path.Base(name), formatTime(s.now())); err != nil {
			return fmt.Errorf("record: %w", err)
		}
		applied = true
		return nil
	})
	return applied, err
}

// SchemaVersion returns the number of migrations applied to the database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM migrations`).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: schema version: %w", err)
	}
	return n, nil
}
