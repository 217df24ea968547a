package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"fanarchive"
)

// Reading history and the later list (migration 0021, docs/readers.md).

// HistoryOn reports whether the reader keeps a reading history.
func (s *Store) HistoryOn(ctx context.Context, userID int64) (bool, error) {
	var on bool
	err := s.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT reading_history FROM users WHERE id = ?`, userID).Scan(&on)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return false, fanarchive.Errorf(fanarchive.ENOTFOUND, "User %d not found.", userID)
	} else if err != nil {
		return false, fmt.Errorf("history setting of user %d: %w", userID, err)
	}
	return on, nil
}

// SetHistory turns the history on or off; off deletes it.
func (s *Store) SetHistory(ctx context.Context, userID int64, on bool) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET reading_history = ? WHERE id = ?`, on, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "User %d not found.", userID)
		}
		if !on {
			_, err = tx.ExecContext(ctx, `DELETE FROM reading_history WHERE user_id = ?`, userID)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("set history of user %d: %w", userID, err)
	}
	return nil
}

// RecordReading notes a chapter read, when the reader's history is on.
func (s *Store) RecordReading(ctx context.Context, userID, workID int64, chapter int) (bool, error) {
	recorded := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO reading_history (user_id, work_id, chapter, read_at)
			SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM users WHERE id = ? AND reading_history = 1)
			AND EXISTS (SELECT 1 FROM works WHERE id = ? AND deleted_at IS NULL)
			ON CONFLICT (user_id, work_id) DO UPDATE SET chapter = excluded.chapter, read_at = excluded.read_at`,
			userID, workID, max(chapter, 1), formatTime(s.now()), userID, workID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		recorded = n > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("record reading of work %d: %w", workID, err)
	}
	return recorded, nil
}

// FindHistory returns a page of the reader's history.
func (s *Store) FindHistory(ctx context.Context, userID int64, offset, limit int) ([]*fanarchive.Reading, int, error) {
	return s.findReadings(ctx, `SELECT h.work_id, h.chapter, h.read_at, COUNT(*) OVER () FROM reading_history h
		JOIN works w ON w.id = h.work_id WHERE h.user_id = ? AND w.deleted_at IS NULL
		ORDER BY h.read_at DESC, h.work_id DESC LIMIT ? OFFSET ?`, userID, offset, limit)
}

// ClearHistory deletes the reader's history.
func (s *Store) ClearHistory(ctx context.Context, userID int64) error {
	return s.exec(ctx, "clear history", `DELETE FROM reading_history WHERE user_id = ?`, userID)
}

// MarkForLater adds a work to the later list or takes it off.
func (s *Store) MarkForLater(ctx context.Context, userID, workID int64, on bool) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if !on {
			_, err := tx.ExecContext(ctx, `DELETE FROM read_later WHERE user_id = ? AND work_id = ?`, userID, workID)
			return err
		}
		if ok, err := exists(ctx, tx, `SELECT 1 FROM works WHERE id = ? AND deleted_at IS NULL`, workID); err != nil {
			return err
		} else if !ok {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d not found.", workID)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO read_later (user_id, work_id, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			userID, workID, formatTime(s.now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("mark work %d for later: %w", workID, err)
	}
	return nil
}

// IsMarkedForLater reports whether the work is on the later list.
func (s *Store) IsMarkedForLater(ctx context.Context, userID, workID int64) (bool, error) {
	var on bool
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		on, err = exists(ctx, tx, `SELECT 1 FROM read_later WHERE user_id = ? AND work_id = ?`, userID, workID)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("is marked for later: %w", err)
	}
	return on, nil
}

// FindLater returns a page of the later list.
func (s *Store) FindLater(ctx context.Context, userID int64, offset, limit int) ([]*fanarchive.Reading, int, error) {
	return s.findReadings(ctx, `SELECT l.work_id, 0, l.added_at, COUNT(*) OVER () FROM read_later l
		JOIN works w ON w.id = l.work_id WHERE l.user_id = ? AND w.deleted_at IS NULL
		ORDER BY l.added_at DESC, l.work_id DESC LIMIT ? OFFSET ?`, userID, offset, limit)
}

// findReadings runs a query of readings (work, chapter, time, total) and
// reads their works.
func (s *Store) findReadings(ctx context.Context, query string, userID int64, offset, limit int) ([]*fanarchive.Reading, int, error) {
	if offset < 0 {
		return nil, 0, fanarchive.Errorf(fanarchive.EINVALID, "Offset must not be negative.")
	}
	if limit <= 0 {
		limit = fanarchive.DefaultReadingsPage
	}
	limit = min(limit, fanarchive.MaxReadingsPage)
	var out []*fanarchive.Reading
	total := 0
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, query, userID, limit, offset)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r := &fanarchive.Reading{}
			var at sql.NullString
			if err := rows.Scan(&r.WorkID, &r.Chapter, &at, &total); err != nil {
				return err
			}
			if r.At, err = parseTime(at); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find readings of user %d: %w", userID, err)
	}
	if err := s.attachWorks(ctx, len(out), func(i int) (int64, func(*fanarchive.Work)) {
		return out[i].WorkID, func(w *fanarchive.Work) { out[i].Work = w }
	}); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}
