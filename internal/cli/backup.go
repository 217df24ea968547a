package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fanarchive/internal/store/sqlite"
)

// backup writes a consistent copy of the archive's database while it may
// be serving.
func (m *Main) backup(ctx context.Context, args []string) error {
	fs := m.flagSet("backup", "--out FILE", "Write a copy of the whole archive (works, original files, accounts, mail queue) to FILE,\n"+
		"consistent as of one moment, while `serve` goes on serving. The copy is checked (SQLite's\n"+
		"integrity check and the SHA-256 of every original file) before it is given its name; an\n"+
		"existing FILE is never overwritten. `fanarchive restore FILE` puts it back. A PostgreSQL\n"+
		"archive (--db postgres://…) is copied from one snapshot into FILE as an SQLite database,\n"+
		"which restores into either.")
	data := m.dataFlag(fs)
	out := fs.String("out", "", "the backup `file` to write (required)")
	if done, err := m.parse(fs, args); done {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return &ExitError{Code: ExitUsage, Err: errors.New("backup takes --out FILE and no arguments")}
	}
	if *m.db == "" {
		if _, err := os.Stat(filepath.Join(*data, databaseFile)); err != nil {
			return fmt.Errorf("no archive to back up in %s: %w", *data, err)
		}
	}
	store, err := m.openStore(ctx, *data, m.logger())
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	sum, err := store.Backup(ctx, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Backed up %d works, %d original files and %d accounts to %s (%s, %.1f MB), checked, in %s.\n",
		sum.Works, sum.Sources, sum.Users, sum.Path, plural(sum.Migrations, "migration"), float64(sum.Bytes)/1e6,
		time.Since(start).Round(time.Millisecond))
	return nil
}

// restore puts a backup in place of the archive's database.
func (m *Main) restore(ctx context.Context, args []string) error {
	fs := m.flagSet("restore", "FILE", "Check the backup FILE (made by `fanarchive backup`) and make it the archive's database.\n"+
		"Stop `serve` first. A database already in the data directory is kept, renamed to\n"+
		"fanarchive.db.before-restore-TIME, and only with --force. A backup from an older version\n"+
		"is migrated when it is opened. With --db postgres://…, the backup is copied into that\n"+
		"database, which must be new and empty (createdb).")
	data := m.dataFlag(fs)
	force := fs.Bool("force", false, "replace the data directory's database (which is kept aside, not deleted)")
	if done, err := m.parse(fs, args); done {
		return err
	}
	if fs.NArg() != 1 {
		return &ExitError{Code: ExitUsage, Err: errors.New("restore takes one backup FILE")}
	}
	if sqlite.IsPostgresDSN(*m.db) {
		if *force {
			return &ExitError{Code: ExitUsage, Err: errors.New("restore into PostgreSQL takes a new, empty database (createdb), never --force")}
		}
		store, err := m.openStore(ctx, *data, m.logger())
		if err != nil {
			return err
		}
		defer store.Close()
		sum, err := sqlite.RestoreInto(ctx, fs.Arg(0), store)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Restored %d works, %d original files and %d accounts into %s.\n", sum.Works, sum.Sources, sum.Users, store.Path())
		return nil
	}
	dbPath := filepath.Join(*data, databaseFile)
	if strings.HasPrefix(*m.db, "sqlite:") {
		dbPath = strings.TrimPrefix(*m.db, "sqlite:")
	}
	if _, err := os.Stat(dbPath); err == nil && !*force {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s holds an archive already; stop serve and add --force to replace it (it is kept aside)", dbPath)}
	}
	aside, sum, err := sqlite.RestoreFile(ctx, fs.Arg(0), dbPath, time.Now())
	if err != nil {
		return err
	}
	if aside != "" {
		fmt.Fprintf(m.Stdout, "The archive that was there is kept as %s.\n", aside)
	}
	store, err := m.openStore(ctx, *data, m.logger()) // applies newer migrations
	if err != nil {
		return fmt.Errorf("open the restored archive: %w", err)
	}
	defer store.Close()
	fmt.Fprintf(m.Stdout, "Restored %d works, %d original files and %d accounts into %s.\n", sum.Works, sum.Sources, sum.Users, dbPath)
	return nil
}
