package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"fanarchive/internal/store/sqlite"
)

// With -db postgres://… the archive lives in that PostgreSQL database
// instead of the SQLite file in -dir: the same store (sqlite.OpenPostgres),
// the same write path and the same queries. What only SQLite has is
// skipped: the impact lists (FTS5's vocabulary; PostgreSQL's text index
// ranks every match, pg_text.go). A database given with -db is never
// dropped, as a -dir given is never removed.

// openStore opens the archive: the PostgreSQL database db names when it
// is a postgres:// URL, else the SQLite file in dir.
func openStore(ctx context.Context, dir, db string, logger *slog.Logger) (*sqlite.Store, error) {
	if db != "" {
		return sqlite.OpenPostgres(ctx, db, logger)
	}
	return sqlite.Open(ctx, filepath.Join(dir, dbName), logger)
}

// dbKind is the JSON line's "db".
func dbKind(db string) string {
	if db != "" {
		return "postgres"
	}
	return "sqlite"
}

// pgQuery runs fn on a connection of its own to the database at dsn.
func pgQuery(ctx context.Context, dsn string, fn func(*pgx.Conn) error) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer conn.Close(ctx)
	return fn(conn)
}

// pgHasWorks reports whether the database already holds works (false for
// one the store has never opened).
func pgHasWorks(ctx context.Context, dsn string) (bool, error) {
	var has bool
	err := pgQuery(ctx, dsn, func(c *pgx.Conn) error {
		return c.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM works)`).Scan(&has)
	})
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P01" { // undefined_table
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("does it hold works: %w", err)
	}
	return has, nil
}

// pgAnalyze vacuums and analyzes the database after the build, as
// autovacuum would soon after a bulk load, so that the measure does not
// depend on whether autovacuum has got to every table yet: the planner's
// statistics, and the visibility map that index-only scans need.
func pgAnalyze(ctx context.Context, dsn string) error {
	return pgQuery(ctx, dsn, func(c *pgx.Conn) error {
		if _, err := c.Exec(ctx, `VACUUM (ANALYZE)`); err != nil {
			return fmt.Errorf("vacuum analyze: %w", err)
		}
		return nil
	})
}

// pgSize returns the database's size on disk (pg_database_size: tables,
// indexes and TOAST, not the server's write-ahead log).
func pgSize(ctx context.Context, dsn string) (int64, error) {
	var n int64
	err := pgQuery(ctx, dsn, func(c *pgx.Conn) error {
		return c.QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("database size: %w", err)
	}
	return n, nil
}
