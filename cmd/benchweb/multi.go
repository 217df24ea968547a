package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"fanarchive/internal/procstat"
)

// servers are the serve processes of one archive (-procs). The first
// serves the data directory as a single one always has (its SQLite file,
// or the -db database); each other one has a data directory of its own,
// removed at the end, for what serve keeps beside the database (mail), and
// opens the same database: the -db one, or the first's SQLite file by
// --db sqlite:PATH.
type servers struct {
	list []*server
	db   string   // "postgres" with -db, for the JSON lines
	dirs []string // the extra data directories
}

// startServers starts n serve processes on the archive of data and db.
func startServers(n int, data, db, profile, level string) (*servers, error) {
	s := &servers{}
	if db != "" {
		s.db = "postgres"
	}
	for i := range n {
		dir, dsn, prof := data, db, profile
		if i > 0 {
			d, err := os.MkdirTemp("", "benchweb-serve-")
			if err != nil {
				s.stop()
				return nil, fmt.Errorf("data directory of serve process %d: %w", i+1, err)
			}
			s.dirs = append(s.dirs, d)
			dir = d
			if dsn == "" {
				dsn = "sqlite:" + filepath.Join(data, "fanarchive.db")
			}
			if prof != "" {
				prof += "." + strconv.Itoa(i+1)
			}
		}
		srv, err := startServer(dir, dsn, prof, level)
		if err != nil {
			s.stop()
			return nil, fmt.Errorf("serve process %d: %w", i+1, err)
		}
		s.list = append(s.list, srv)
	}
	return s, nil
}

// stop stops every process and removes their data directories.
func (s *servers) stop() {
	for _, srv := range s.list {
		srv.stop()
	}
	for _, d := range s.dirs {
		os.RemoveAll(d)
	}
}

// memory returns the processes' RSS and peak RSS (VmHWM), summed, in MB.
func (s *servers) memory() (rss, peak float64) {
	for _, srv := range s.list {
		r, p := procstat.Memory(srv.cmd.Process.Pid)
		rss += r
		peak += p
	}
	return rss, peak
}

// pgHasWorks reports whether the PostgreSQL database holds works (false
// for one no store has opened yet).
func pgHasWorks(ctx context.Context, dsn string) (bool, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return false, fmt.Errorf("postgres %s: %w", redactDSN(dsn), err)
	}
	defer conn.Close(ctx)
	var has bool
	err = conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM works)`).Scan(&has)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P01" { // undefined_table
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("postgres %s: does it hold works: %w", redactDSN(dsn), err)
	}
	return has, nil
}

// redactDSN returns a postgres:// URL without its password, for messages.
func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil {
		return u.Redacted()
	}
	return "the -db database"
}
