// Package sqlite stores the archive in a single SQLite file through the pure-Go
// modernc.org/sqlite driver, so the program builds and runs without a C
// toolchain (see docs/benchmarks.md for why this driver).
//
// A Store holds two connection pools on the same file. Writes go through a
// pool of one connection whose transactions begin IMMEDIATE, so writers queue
// in Go instead of failing with SQLITE_BUSY half-way through; reads go through
// a pool of several query-only connections and run in deferred transactions,
// which in WAL mode read a consistent snapshot while a write is in progress.
//
// Timestamps are stored as TEXT in UTC with a fixed width
// ("2006-01-02T15:04:05.000000000Z") so they read well in the sqlite3 shell and
// sort correctly as text; see migration/0001_init.sql for the schema.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"fanarchive"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Store implements fanarchive.Store on SQLite.
type Store struct {
	db     *sql.DB // writes: one connection, BEGIN IMMEDIATE
	rdb    *sql.DB // reads: several query-only connections
	path   string
	logger *slog.Logger

	// now returns the current time; tests replace it to control the clock.
	now func() time.Time

	// splitTextAt is the highest work ID from which full-text queries are
	// split between the CPUs (fts.go); tests lower it.
	splitTextAt int64

	// impact is the common words with impact lists, for writes (impact.go);
	// impactMinDocs and impactListLen shape the lists a build makes
	// (impact_build.go), impactGroupRows its write transactions
	// (impact_online.go); tests lower them, and set impactHook, which a
	// build calls between its transactions.
	impact                                        impactWords
	impactMinDocs, impactListLen, impactGroupRows int
	impactHook                                    func()

	// mailQueued is called after a commit that queued mail (mail.go).
	mailQueued atomic.Pointer[func()]
	// eng is what differs between SQLite and PostgreSQL (pg_open.go);
	// text is the full-text index, FTS5 on SQLite, tsvector on PostgreSQL.
	eng  engine
	text textIndex

	// stmts holds statements prepared once on the write pool, by query
	// (writeStmt), for writes made very often.
	stmts sync.Map
}

var _ fanarchive.Store = (*Store)(nil)

// busyTimeout is how long a connection waits for a lock held by another
// process (or the other pool) before it gives up with SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// Open opens the SQLite database at path, creating it and its directory if
// needed, and applies any migrations it has not had yet, then the data
// migrations they ask for (mask_addresses.go).
//
// In-memory databases are refused: with a connection pool each connection
// would get its own empty database.
func Open(ctx context.Context, path string, logger *slog.Logger) (*Store, error) {
	if path == "" || path == ":memory:" {
		return nil, fmt.Errorf("sqlite: a database file path is required, got %q", path)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return nil, fmt.Errorf("sqlite: create database directory: %w", err)
	}

	s := &Store{path: abs, logger: logger, now: time.Now, eng: sqliteEngine{}, splitTextAt: splitTextAtDefault,
		impactMinDocs: impactMinDocsDefault, impactListLen: impactListLenDefault, impactGroupRows: impactGroupRowsDefault}
	s.text = ftsText{s}

	if s.db, err = sql.Open("sqlite", dsn(abs, false)); err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", abs, err)
	}
	// One writer at a time: SQLite allows no more, and queueing here is
	// fairer and cheaper than polling on the busy handler.
	s.db.SetMaxOpenConns(1)
	s.db.SetMaxIdleConns(1)
	s.db.SetConnMaxLifetime(0)
	s.db.SetConnMaxIdleTime(0)

	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", abs, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	if err := s.splitLongChapters(ctx); err != nil { // chapter_pages.go
		s.db.Close()
		return nil, err
	}
	if err := s.runDataMigrations(ctx); err != nil { // after the split: they see chapters as stored now
		s.db.Close()
		return nil, err
	}

	// The read pool is opened after migration so that its connections find
	// the file already in WAL mode with the schema in place.
	if s.rdb, err = sql.Open("sqlite", dsn(abs, true)); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", abs, err)
	}
	readers := max(4, runtime.NumCPU())
	s.rdb.SetMaxOpenConns(readers)
	s.rdb.SetMaxIdleConns(readers)
	if err := s.rdb.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", abs, err)
	}
	return s, nil
}

// dsn returns the modernc.org/sqlite connection string for the file at the
// absolute path abs. Every setting that is per connection is in it, so every
// connection either pool opens gets the same ones. The driver applies
// busy_timeout first, before journal_mode=WAL, which may need to wait for a
// lock.
func dsn(abs string, readOnly bool) string {
	// SQLite decodes %-escapes in a file: URI path, so a path holding '?' or
	// '#' cannot be mistaken for the start of the query.
	name := "file:" + (&url.URL{Path: filepath.ToSlash(abs)}).EscapedPath()
	q := fmt.Sprintf("?_pragma=busy_timeout(%d)", busyTimeout.Milliseconds()) +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)"
	if readOnly {
		// Applied last by the driver, after the pragmas above.
		q += "&_query_only=1"
	} else {
		q += "&_txlock=immediate"
	}
	return name + q
}

// Path returns the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// Close closes both connection pools. It is safe to call on a Store that
// failed half-way through Open.
func (s *Store) Close() error {
	if s.db != nil && s.eng != nil {
		s.eng.close(s)
	}
	s.stmts.Range(func(_, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
	var errs []error
	if s.rdb != nil && s.rdb != s.db {
		errs = append(errs, s.rdb.Close())
	}
	if s.db != nil {
		errs = append(errs, s.db.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close %s: %w", s.path, err)
	}
	return nil
}

// Ping checks that both pools can reach the database.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", s.path, err)
	}
	if err := s.rdb.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping readers: %w", err)
	}
	return nil
}

// write runs fn in an immediate transaction on the write pool and commits it
// if fn returns nil. Errors are passed through mapError.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return mapError(fmt.Errorf("begin: %w", err))
	}
	defer tx.Rollback()
	if err := s.eng.beginWrite(ctx, tx); err != nil {
		return mapError(fmt.Errorf("begin: %w", err))
	}
	if err := fn(tx); err != nil {
		return mapError(err)
	}
	if err := tx.Commit(); err != nil {
		return mapError(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// prepared returns query prepared once, for the life of the store, on the
// write pool: SQLite spends longer parsing a small UPDATE than running it,
// which matters for writes made thousands of times a second (marking mail
// sent). Call it outside a transaction (the pool's one connection would be
// busy) and use the statement in one with tx.StmtContext.
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if v, ok := s.stmts.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, mapError(err)
	}
	if v, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return v.(*sql.Stmt), nil
	}
	return st, nil
}

// read runs fn in a read-only transaction on the read pool, so every query fn
// makes sees the same snapshot of the database.
func (s *Store) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.rdb.BeginTx(ctx, s.eng.readOptions())
	if err != nil {
		return mapError(fmt.Errorf("begin read: %w", err))
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return mapError(err)
	}
	return nil
}

// timeLayout is the stored form of every timestamp: UTC, fixed width, so
// that text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// formatTime returns t in the stored form.
func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// nullTime returns t in the stored form, or NULL for the zero time.
func nullTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(t), Valid: true}
}

// parseTime reads a stored timestamp; NULL or empty is the zero time.
func parseTime(s sql.NullString) (time.Time, error) {
	if !s.Valid || s.String == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s.String)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored timestamp %q: %w", s.String, err)
	}
	return t.UTC(), nil
}

// nullID returns id as a nullable reference: 0 is NULL.
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// engine is what a Store does differently on each database it runs on:
// sqliteEngine here, postgresEngine in pg_open.go.
type engine interface {
	// beginWrite runs first in every write transaction.
	beginWrite(ctx context.Context, tx *sql.Tx) error
	// readOptions are the options of every read transaction.
	readOptions() *sql.TxOptions
	// close runs before the Store closes its pools.
	close(s *Store)
	// indexed names table (as alias) read through the named index, where
	// the database lets a query say so.
	indexed(table, alias, index string) string
	// concurrentRows tells whether one transaction can read two result
	// sets at once.
	concurrentRows() bool
	// onChange registers fn for OnChange (pg_listen.go).
	onChange(s *Store, topic string, fn func())
}

// sqliteEngine is how a Store runs on SQLite.
type sqliteEngine struct{}

// beginWrite has nothing to do: the write pool's one connection begins
// IMMEDIATE transactions (dsn), which is SQLite's write lock.
func (sqliteEngine) beginWrite(context.Context, *sql.Tx) error { return nil }

func (sqliteEngine) readOptions() *sql.TxOptions { return &sql.TxOptions{ReadOnly: true} }

func (sqliteEngine) concurrentRows() bool { return true }

// onChange records nothing: one SQLite archive has one serving process,
// which hears of its own writes without a listener (OnChange).
func (sqliteEngine) onChange(*Store, string, func()) {}

func (sqliteEngine) indexed(table, alias, index string) string {
	return table + " " + alias + " INDEXED BY " + index
}

// close lets SQLite refresh the statistics its query planner uses, as it
// recommends for a connection that has been open a while. Cheap, and only a
// hint, so a failure is not an error.
func (sqliteEngine) close(s *Store) {
	if _, err := s.db.Exec(`PRAGMA optimize`); err != nil {
		s.logger.Debug("sqlite: PRAGMA optimize", "err", err)
	}
}
