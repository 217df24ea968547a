package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"fanarchive"
)

// Reports of works to moderators (migration 0021, docs/readers.md).

// ReportWork records a report.
func (s *Store) ReportWork(ctx context.Context, r *fanarchive.Report) error {
	if err := r.Validate(); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT title FROM works WHERE id = ? AND deleted_at IS NULL`, r.WorkID).Scan(&r.WorkTitle); errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d not found.", r.WorkID)
		} else if err != nil {
			return err
		}
		now := s.now()
		err := tx.QueryRowContext(ctx, `INSERT INTO work_reports (work_id, reporter_id, reason, created_at) VALUES (?, ?, ?, ?)
			RETURNING id`, r.WorkID, nullID(r.ReporterID), r.Reason, formatTime(now)).Scan(&r.ID)
		r.State, r.CreatedAt = fanarchive.ReportOpen, now
		return err
	})
	if err != nil {
		return fmt.Errorf("report work %d: %w", r.WorkID, err)
	}
	return nil
}

// FindReports lists reports, oldest first.
func (s *Store) FindReports(ctx context.Context, state fanarchive.ReportState, offset, limit int) ([]*fanarchive.Report, int, error) {
	if offset < 0 {
		return nil, 0, fanarchive.Errorf(fanarchive.EINVALID, "Offset must not be negative.")
	}
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	var out []*fanarchive.Report
	total := 0
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT r.id, r.work_id, w.title, coalesce(r.reporter_id, 0), coalesce(u.name, ''), r.reason,
			r.state, r.created_at, coalesce(m.name, ''), r.resolved_at, r.resolution, COUNT(*) OVER ()
			FROM work_reports r JOIN works w ON w.id = r.work_id
			LEFT JOIN users u ON u.id = r.reporter_id LEFT JOIN users m ON m.id = r.resolved_by
			WHERE (? = '' OR r.state = ?) ORDER BY r.id LIMIT ? OFFSET ?`, string(state), string(state), limit, offset)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r := &fanarchive.Report{}
			var created, resolved sql.NullString
			if err := rows.Scan(&r.ID, &r.WorkID, &r.WorkTitle, &r.ReporterID, &r.Reporter, &r.Reason, &r.State, &created,
				&r.ResolvedBy, &resolved, &r.Resolution, &total); err != nil {
				return err
			}
			if r.CreatedAt, err = parseTime(created); err != nil {
				return err
			}
			if r.ResolvedAt, err = parseTime(resolved); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find reports: %w", err)
	}
	return out, total, nil
}

// ResolveReport closes an open report.
func (s *Store) ResolveReport(ctx context.Context, id, by int64, resolution string) error {
	r := &fanarchive.Report{Reason: "-", Resolution: resolution}
	if err := r.Validate(); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		var state string
		err := tx.QueryRowContext(ctx, `SELECT state FROM work_reports WHERE id = ?`, id).Scan(&state)
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Report %d not found.", id)
		} else if err != nil {
			return err
		}
		if state != string(fanarchive.ReportOpen) {
			return fanarchive.Errorf(fanarchive.ECONFLICT, "Report %d is resolved already.", id)
		}
		_, err = tx.ExecContext(ctx, `UPDATE work_reports SET state = 'resolved', resolved_by = ?, resolved_at = ?, resolution = ?
			WHERE id = ?`, nullID(by), formatTime(s.now()), resolution, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("resolve report %d: %w", id, err)
	}
	return nil
}
