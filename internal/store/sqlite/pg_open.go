package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"fanarchive"
)

// OpenPostgres opens the store on the PostgreSQL database at dsn (a
// postgres:// URL or key=value connection string), applying the
// PostgreSQL migrations (migration_pg/) it has not had yet.
//
// Several processes may open one database: each write transaction first
// takes one transaction-level advisory lock, so writes are applied one at a
// time across every process, exactly as on SQLite, and the store's
// read-then-write transactions need no retry loop; reads run in parallel
// in REPEATABLE READ snapshots and never wait for a writer. A community
// archive reads far more than it writes, so one writer at a time is not its
// limit (docs/operations.md).
func OpenPostgres(ctx context.Context, dsn string, logger *slog.Logger) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	db, err := openPostgresDB(dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(pgMaxConns)
	db.SetMaxIdleConns(pgMaxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	name := redactDSN(dsn)
	s := &Store{db: db, rdb: db, path: name, logger: logger, now: time.Now,
		eng:         postgresEngine{dsn: dsn, changes: newChangeListener(dsn, name, logger)},
		splitTextAt: splitTextAtDefault, impactMinDocs: impactMinDocsDefault, impactListLen: impactListLenDefault,
		impactGroupRows: impactGroupRowsDefault}
	s.text = &pgText{s: s}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: open %s: %w", s.path, err)
	}
	if err := s.migrateFrom(ctx, pgMigrationFS, "migration_pg/*.sql"); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.splitLongChapters(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.runDataMigrations(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// pgMaxConns bounds one process's connections to PostgreSQL; its default
// max_connections (100) then serves several serve processes.
const pgMaxConns = 16

// redactDSN returns dsn without its password, for logs and messages.
func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		return u.Redacted()
	}
	var f []string
	for _, kv := range strings.Fields(dsn) {
		if strings.HasPrefix(kv, "password=") {
			kv = "password=xxxxx"
		}
		f = append(f, kv)
	}
	return strings.Join(f, " ")
}

// IsPostgresDSN reports whether db names a PostgreSQL database rather than
// an SQLite file: a postgres:// or postgresql:// URL.
func IsPostgresDSN(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// postgresEngine is how a Store runs on PostgreSQL.
type postgresEngine struct {
	// dsn is the database's connection string, for connections of the
	// store's own outside its pool (the listener's). It may hold a
	// password: it is never logged (Store.path is the redacted one).
	dsn string
	// changes listens for every process's commits for OnChange
	// (pg_listen.go); nil for a postgresEngine{} made only to call its
	// methods.
	changes *changeListener
}

// writeLockKey is the advisory lock every write transaction holds (an
// arbitrary constant: "fanarc" in ASCII).
const writeLockKey = 0x66616e617263

func (postgresEngine) beginWrite(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(writeLockKey))
	return err
}

func (postgresEngine) readOptions() *sql.TxOptions {
	return &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
}

// close stops the listener, if OnChange started one.
func (e postgresEngine) close(*Store) {
	if e.changes != nil {
		e.changes.stop()
	}
}

// indexed leaves the choice of index to PostgreSQL's planner, which has no
// hints and keeps statistics of its own (ANALYZE).
func (postgresEngine) concurrentRows() bool { return false }

func (postgresEngine) indexed(table, alias, _ string) string { return table + " " + alias }

// mapPostgresError is mapError for PostgreSQL's SQLSTATE codes.
func mapPostgresError(err error) (error, bool) {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err, false
	}
	switch pe.Code {
	case "23505": // unique_violation
		return fmt.Errorf("%w (%w)", fanarchive.Errorf(fanarchive.ECONFLICT, "It is already stored."), err), true
	case "23503": // foreign_key_violation
		return fmt.Errorf("%w (%w)", fanarchive.Errorf(fanarchive.EINVALID, "It refers to something that is not stored."), err), true
	}
	return err, false
}
