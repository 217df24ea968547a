package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"fanarchive"
)

// Backup writes a consistent copy of the whole database to path, while the
// archive keeps serving: SQLite's VACUUM INTO reads one snapshot (writers in
// this and other processes go on) and writes a compact file with no WAL. A
// PostgreSQL archive is copied, from one snapshot too, into a new SQLite
// file (Copy): a backup is always one portable file, which restore puts
// back into SQLite or PostgreSQL alike.
// The copy is made beside path and renamed onto it only once it is
// complete and checked (CheckFile), so path never holds half a backup. An
// existing path is ECONFLICT: a backup never overwrites anything.
func (s *Store) Backup(ctx context.Context, path string) (*FileSummary, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if _, err := os.Lstat(abs); err == nil {
		return nil, fanarchive.Errorf(fanarchive.ECONFLICT, "%s exists already; a backup does not overwrite a file.", abs)
	}
	tmp, err := os.CreateTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".*.partial")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	tmpPath := tmp.Name()
	tmp.Close()
	os.Remove(tmpPath) // VACUUM INTO wants to create the file itself
	defer os.Remove(tmpPath)

	if _, ok := s.eng.(sqliteEngine); ok {
		// On the write connection: the read pool's connections are
		// query-only, which VACUUM INTO is refused on. It holds only a read
		// transaction, so it delays this process's writes, not other
		// processes'.
		if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, tmpPath); err != nil {
			return nil, mapError(fmt.Errorf("backup: vacuum into %s: %w", tmpPath, err))
		}
	} else if err := s.copyToFile(ctx, tmpPath); err != nil {
		os.Remove(tmpPath + "-wal")
		os.Remove(tmpPath + "-shm")
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := syncFile(tmpPath); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	sum, err := CheckFile(ctx, tmpPath)
	if err != nil {
		return nil, fmt.Errorf("backup: the copy does not check: %w", err)
	}
	if err := os.Link(tmpPath, abs); err != nil { // fails if abs appeared meanwhile, unlike rename
		return nil, fmt.Errorf("backup: %w", err)
	}
	sum.Path = abs
	return sum, nil
}

// FileSummary describes a database file that passed CheckFile.
type FileSummary struct {
	Path       string
	Migrations int   // schema migrations applied in it
	Works      int64 // works, deleted ones included
	Sources    int64 // original files, every one's SHA-256 checked
	Users      int64
	Bytes      int64 // the file's size
}

// CheckFile opens the SQLite database at path read-only, without
// migrating or changing it, and checks it whole: SQLite's integrity check,
// that it is a fanarchive database, and the SHA-256 of every original file
// stored in it against the digest recorded at import. Returns EINVALID,
// with the reason, for a file that is not a sound archive.
func CheckFile(ctx context.Context, path string) (*FileSummary, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "%s: %v", abs, err)
	}
	// Read-only and without dsn's pragmas, which would set WAL mode (a
	// write): the file is only looked at.
	name := "file:" + (&url.URL{Path: filepath.ToSlash(abs)}).EscapedPath() +
		fmt.Sprintf("?mode=ro&_pragma=busy_timeout(%d)", busyTimeout.Milliseconds())
	db, err := sql.Open("sqlite", name)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	sum := &FileSummary{Path: abs, Bytes: info.Size()}
	var result string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check(1)`).Scan(&result); err != nil {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "%s is not a readable SQLite database: %v", abs, err)
	}
	if result != "ok" {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "%s fails SQLite's integrity check: %s", abs, result)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM migrations`).Scan(&sum.Migrations); err != nil {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "%s is not a fanarchive database (no migrations table): %v", abs, err)
	}
	for _, c := range []struct {
		table string
		n     *int64
	}{{"works", &sum.Works}, {"sources", &sum.Sources}, {"users", &sum.Users}} {
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+c.table).Scan(c.n); err != nil && c.table != "users" {
			return nil, fanarchive.Errorf(fanarchive.EINVALID, "%s: count %s: %v", abs, c.table, err)
		}
	}
	if err := checkSources(ctx, db); err != nil {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "%s: %v", abs, err)
	}
	return sum, nil
}

// checkSources compares every stored original's bytes with its digest,
// one at a time (an original can be large).
func checkSources(ctx context.Context, db *sql.DB) error {
	var last int64
	for {
		var id int64
		var want string
		var raw []byte
		err := db.QueryRowContext(ctx, `SELECT s.id, s.sha256, b.raw FROM sources s JOIN source_blobs b ON b.source_id = s.id
			WHERE s.id > ? ORDER BY s.id LIMIT 1`, last).Scan(&id, &want, &raw)
		if errors.Is(err, sql.ErrNoRows) {
			break
		} else if err != nil {
			return fmt.Errorf("read original files: %w", err)
		}
		if fanarchive.SumSHA256(raw) != want {
			return fmt.Errorf("original file %d does not match its SHA-256 (%s)", id, want)
		}
		last = id
	}
	var missing int64
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sources s WHERE NOT EXISTS
		(SELECT 1 FROM source_blobs b WHERE b.source_id = s.id)`).Scan(&missing); err != nil {
		return fmt.Errorf("read original files: %w", err)
	}
	if missing > 0 {
		return fmt.Errorf("%d original files have no bytes", missing)
	}
	return nil
}

// syncFile flushes a file's bytes to the disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// RestoreFile puts the backup at backup in place of the database at
// dbPath, after checking it (CheckFile). A database already at dbPath is
// not deleted: it is renamed aside, with its WAL files, to
// dbPath.before-restore-TIME, which is returned. The backup is copied beside
// dbPath and renamed onto it, so dbPath is at every moment either the old
// database, nothing, or the whole backup. No process may have dbPath open
// (stop serve first). Opening the restored file with Open then applies the
// migrations a backup from an older version lacks.
func RestoreFile(ctx context.Context, backup, dbPath string, now time.Time) (aside string, sum *FileSummary, err error) {
	if sum, err = CheckFile(ctx, backup); err != nil {
		return "", nil, err
	}
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return "", nil, err
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return "", nil, fmt.Errorf("restore: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".*.partial")
	if err != nil {
		return "", nil, fmt.Errorf("restore: %w", err)
	}
	defer os.Remove(tmp.Name())
	err = copyInto(tmp, sum.Path)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", nil, fmt.Errorf("restore: copy %s: %w", sum.Path, err)
	}
	if _, err := os.Stat(abs); err == nil {
		aside = abs + ".before-restore-" + now.UTC().Format("20060102T150405Z")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Rename(abs+suffix, aside+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return "", nil, fmt.Errorf("restore: move the database aside: %w", err)
			}
		}
	}
	if err := os.Rename(tmp.Name(), abs); err != nil {
		return aside, nil, fmt.Errorf("restore: %w", err)
	}
	sum.Path = abs
	return aside, sum, nil
}

// copyInto copies the file at from into f and flushes it to the disk.
func copyInto(f *os.File, from string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	if _, err := f.ReadFrom(src); err != nil {
		return err
	}
	return f.Sync()
}

// copyToFile copies the archive into a new SQLite database at path.
func (s *Store) copyToFile(ctx context.Context, path string) error {
	dst, err := Open(ctx, path, s.logger)
	if err != nil {
		return err
	}
	if _, err := Copy(ctx, s, dst, nil); err != nil {
		dst.Close()
		return err
	}
	if _, err := dst.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		dst.Close()
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if err := dst.Close(); err != nil {
		return err
	}
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	return nil
}

// RestoreInto copies the backup at backup (checked first, CheckFile) into
// dst, which must be a new, empty archive (Copy): how a backup goes back
// into PostgreSQL. The backup itself is not changed: a copy of it is
// opened (which applies the migrations a backup from an older version
// lacks) and removed afterwards.
func RestoreInto(ctx context.Context, backup string, dst *Store) (*FileSummary, error) {
	sum, err := CheckFile(ctx, backup)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "fanarchive-restore-")
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(dir)
	tmp, err := os.Create(filepath.Join(dir, "backup.db"))
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	err = copyInto(tmp, sum.Path)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("restore: copy %s: %w", sum.Path, err)
	}
	src, err := Open(ctx, tmp.Name(), dst.logger)
	if err != nil {
		return nil, fmt.Errorf("restore: open the backup: %w", err)
	}
	defer src.Close()
	if _, err := Copy(ctx, src, dst, nil); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	return sum, nil
}
