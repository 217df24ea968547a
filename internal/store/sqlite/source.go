package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"fanarchive"
)

// sourceColumns are the columns scanSource reads, without the raw bytes.
const sourceColumns = `s.id, s.work_id, s.part, s.name, s.sha256, s.size, s.encoding, s.archive, s.list,
	s.feedback_contact, s.import_run_id, s.imported_at`

// scanSource reads sourceColumns and then extra destinations.
func scanSource(row scanner, extra ...any) (*fanarchive.Source, error) {
	var src fanarchive.Source
	var workID, runID sql.NullInt64
	var importedAt sql.NullString
	dest := append([]any{&src.ID, &workID, &src.Part, &src.Name, &src.SHA256, &src.Size, &src.Encoding,
		&src.Archive, &src.List, &src.FeedbackContact, &runID, &importedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	src.WorkID, src.ImportRunID = workID.Int64, runID.Int64
	var err error
	if src.ImportedAt, err = parseTime(importedAt); err != nil {
		return nil, fmt.Errorf("source %d: %w", src.ID, err)
	}
	return &src, nil
}

// findSources returns the sources (without raw bytes) that the clause after
// FROM sources s selects.
func findSources(ctx context.Context, tx *sql.Tx, clause string, args ...any) ([]*fanarchive.Source, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources s `+clause, args...)
	if err != nil {
		return nil, fmt.Errorf("find sources: %w", err)
	}
	defer rows.Close()
	var sources []*fanarchive.Source
	for rows.Next() {
		src, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("find sources: %w", err)
		}
		sources = append(sources, src)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find sources: %w", err)
	}
	return sources, nil
}

// FindSourceByID returns a source with its raw bytes, exactly as imported.
// WorkID is 0 if the work made from it has been deleted. Returns ENOTFOUND.
func (s *Store) FindSourceByID(ctx context.Context, id int64) (*fanarchive.Source, error) {
	var src *fanarchive.Source
	err := s.read(ctx, func(tx *sql.Tx) error {
		var raw []byte
		var err error
		src, err = scanSource(tx.QueryRowContext(ctx, `SELECT `+sourceColumns+`, b.raw FROM sources s
			JOIN source_blobs b ON b.source_id = s.id WHERE s.id = ?`, id), &raw)
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Source %d not found.", id)
		} else if err != nil {
			return err
		}
		if raw == nil {
			raw = []byte{} // an empty file is still a file
		}
		src.Raw = raw
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find source %d: %w", id, err)
	}
	return src, nil
}

// FindSourceBySHA256 returns the source, without its raw bytes, whose bytes
// have the given hex SHA-256 (lower case, as fanarchive.SumSHA256 returns
// it). Returns ENOTFOUND.
func (s *Store) FindSourceBySHA256(ctx context.Context, sum string) (*fanarchive.Source, error) {
	var src *fanarchive.Source
	err := s.read(ctx, func(tx *sql.Tx) error {
		sources, err := findSources(ctx, tx, `WHERE s.sha256 = ?`, sum)
		if err != nil {
			return err
		} else if len(sources) == 0 {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "No source has SHA-256 %s.", sum)
		}
		src = sources[0]
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find source by SHA-256: %w", err)
	}
	return src, nil
}

// CreateImportRun stores a new run and sets its ID and StartedAt (now).
func (s *Store) CreateImportRun(ctx context.Context, run *fanarchive.ImportRun) error {
	if run == nil {
		return fanarchive.Errorf(fanarchive.EINVALID, "Import run is required.")
	}
	started := s.now().UTC()
	var id int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO import_runs (args, started_at, finished_at, created, present, failed)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, run.Args, formatTime(started), nullTime(run.FinishedAt),
			run.Created, run.Present, run.Failed).Scan(&id); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("create import run: %w", err)
	}
	run.ID, run.StartedAt = id, started
	return nil
}

// FinishImportRun stores the run's counts and sets FinishedAt (now).
// Returns ENOTFOUND if the run is not stored.
func (s *Store) FinishImportRun(ctx context.Context, run *fanarchive.ImportRun) error {
	if run == nil {
		return fanarchive.Errorf(fanarchive.EINVALID, "Import run is required.")
	}
	finished := s.now().UTC()
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE import_runs SET finished_at = ?, created = ?, present = ?, failed = ?
			WHERE id = ?`, formatTime(finished), run.Created, run.Present, run.Failed, run.ID)
		if err != nil {
			return fmt.Errorf("update: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Import run %d not found.", run.ID)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("finish import run %d: %w", run.ID, err)
	}
	run.FinishedAt = finished
	return nil
}
