package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/search"
)

// Series (fanarchive.SeriesService) and the places of works in them
// (series_works, migration 0013). Positions are kept 1..n in every series:
// each write that puts a work in, moves it or takes it out renumbers the
// works after. A change to a series is logged for search like a change to
// its works, so that result pages, which show the series a work is in,
// read them again.

// CreateSeries stores a new series.
func (s *Store) CreateSeries(ctx context.Context, sr *fanarchive.Series) error {
	if sr == nil {
		return fanarchive.Errorf(fanarchive.EINVALID, "Series is required.")
	}
	if err := fanarchive.CheckUser(sr.CreatedBy); err != nil {
		return err
	}
	if err := sr.Validate(); err != nil {
		return err
	}
	now := s.now().UTC()
	var id int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = insertSeries(ctx, tx, sr, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("create series: %w", err)
	}
	sr.ID, sr.CreatedAt, sr.UpdatedAt = id, now, now
	return nil
}

// insertSeries inserts a series' row and returns its ID.
func insertSeries(ctx context.Context, tx *sql.Tx, sr *fanarchive.Series, now time.Time) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO series (title, summary, complete, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, strings.TrimSpace(sr.Title), sr.Summary, sr.Complete, sr.CreatedBy,
		formatTime(now), formatTime(now)).Scan(&id); err != nil {
		return 0, fmt.Errorf("insert series: %w", err)
	}
	return id, nil
}

// UpdateSeries changes a series' title, summary and completeness.
func (s *Store) UpdateSeries(ctx context.Context, sr *fanarchive.Series, by int64) error {
	if sr == nil {
		return fanarchive.Errorf(fanarchive.EINVALID, "Series is required.")
	}
	if err := fanarchive.CheckUser(by); err != nil {
		return err
	}
	if err := sr.Validate(); err != nil {
		return err
	}
	now := s.now().UTC()
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE series SET title = ?, summary = ?, complete = ?, updated_at = ? WHERE id = ?`,
			strings.TrimSpace(sr.Title), sr.Summary, sr.Complete, formatTime(now), sr.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Series %d not found.", sr.ID)
		}
		return logSeriesWorks(ctx, tx, sr.ID)
	})
	if err != nil {
		return fmt.Errorf("update series %d: %w", sr.ID, err)
	}
	sr.UpdatedAt = now
	return nil
}

// logSeriesWorks logs every work of a series for search to read again.
func logSeriesWorks(ctx context.Context, tx *sql.Tx, seriesID int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO search_changes (work_id, op)
		SELECT work_id, ? FROM series_works WHERE series_id = ?`, search.OpPut, seriesID); err != nil {
		return fmt.Errorf("log works of series %d for search: %w", seriesID, err)
	}
	return nil
}

// DeleteSeries deletes a series; its works stay.
func (s *Store) DeleteSeries(ctx context.Context, seriesID, by int64) error {
	if err := fanarchive.CheckUser(by); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := logSeriesWorks(ctx, tx, seriesID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM series WHERE id = ?`, seriesID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Series %d not found.", seriesID)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete series %d: %w", seriesID, err)
	}
	return nil
}

// FindSeriesByID returns a series with its listed works in order.
func (s *Store) FindSeriesByID(ctx context.Context, seriesID int64, includeRestricted bool) (*fanarchive.Series, error) {
	sr := &fanarchive.Series{ID: seriesID}
	err := s.read(ctx, func(tx *sql.Tx) error {
		var created, updated sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT title, summary, complete, created_by, created_at, updated_at
			FROM series WHERE id = ?`, seriesID).Scan(&sr.Title, &sr.Summary, &sr.Complete, &sr.CreatedBy, &created, &updated)
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Series %d not found.", seriesID)
		} else if err != nil {
			return err
		}
		if sr.CreatedAt, err = parseTime(created); err != nil {
			return err
		}
		if sr.UpdatedAt, err = parseTime(updated); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT sw.work_id FROM series_works sw JOIN works w ON w.id = sw.work_id
			WHERE sw.series_id = ? AND w.draft = 0 AND w.deleted_at IS NULL AND (? = 1 OR w.restricted = 0)
			ORDER BY sw.position`, seriesID, includeRestricted)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(ids) == 0 {
			return err
		}
		if sr.Works, err = worksByIDs(ctx, tx, ids); err != nil {
			return err
		}
		for _, load := range []func(context.Context, *sql.Tx, []*fanarchive.Work) error{loadAuthors, loadTags, loadPosting} {
			if err := load(ctx, tx, sr.Works); err != nil {
				return err
			}
		}
		return loadChapters(ctx, tx, sr.Works, false)
	})
	if err != nil {
		return nil, fmt.Errorf("find series %d: %w", seriesID, err)
	}
	return sr, nil
}

// AddWorkToSeries puts a work in a series, or moves it there.
func (s *Store) AddWorkToSeries(ctx context.Context, seriesID, workID int64, position int, by int64) error {
	if err := fanarchive.CheckUser(by); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := loadWork(ctx, tx, workID); err != nil {
			return err
		}
		title, err := seriesTitle(ctx, tx, seriesID)
		if err != nil {
			return err
		}
		old, pos, err := placeInSeries(ctx, tx, seriesID, workID, position)
		if err != nil {
			return err
		}
		if old == pos {
			return nil
		}
		return s.seriesChanged(ctx, tx, workID, by, partText(title, old), partText(title, pos))
	})
	if err != nil {
		return fmt.Errorf("add work %d to series %d: %w", workID, seriesID, err)
	}
	return nil
}

// RemoveWorkFromSeries takes a work out of a series.
func (s *Store) RemoveWorkFromSeries(ctx context.Context, seriesID, workID, by int64) error {
	if err := fanarchive.CheckUser(by); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := loadWork(ctx, tx, workID); err != nil {
			return err
		}
		title, err := seriesTitle(ctx, tx, seriesID)
		if err != nil {
			return err
		}
		old, err := leaveSeries(ctx, tx, seriesID, workID)
		if err != nil {
			return err
		} else if old == 0 {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d is not in series %d.", workID, seriesID)
		}
		return s.seriesChanged(ctx, tx, workID, by, partText(title, old), "")
	})
	if err != nil {
		return fmt.Errorf("remove work %d from series %d: %w", workID, seriesID, err)
	}
	return nil
}

// seriesChanged records a change of a work's place in a series and logs
// the work for search.
func (s *Store) seriesChanged(ctx context.Context, tx *sql.Tx, workID, by int64, old, new string) error {
	if err := s.recordRevision(ctx, tx, workID, fanarchive.RevisionSeries, by,
		[]fanarchive.FieldChange{{Field: "series", Old: old, New: new}}); err != nil {
		return err
	}
	if err := touchWork(ctx, tx, workID, s.now()); err != nil {
		return err
	}
	return logChange(ctx, tx, workID, search.OpPut)
}

// partText names a place in a series for revisions: `"Title" #2`, or ""
// for none.
func partText(title string, position int) string {
	if position == 0 {
		return ""
	}
	return fmt.Sprintf("%q #%d", title, position)
}

// seriesTitle returns a series' title. Returns ENOTFOUND.
func seriesTitle(ctx context.Context, tx *sql.Tx, seriesID int64) (string, error) {
	var title string
	err := tx.QueryRowContext(ctx, `SELECT title FROM series WHERE id = ?`, seriesID).Scan(&title)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fanarchive.Errorf(fanarchive.ENOTFOUND, "Series %d not found.", seriesID)
	}
	return title, err
}

// placeInSeries puts a work at position in a series (0: the end, or where
// it is for a work in it already), renumbering the others, and returns its
// old position (0 when it was not in the series) and its new one.
func placeInSeries(ctx context.Context, tx *sql.Tx, seriesID, workID int64, position int) (old, pos int, err error) {
	var n int
	err = tx.QueryRowContext(ctx, `SELECT count(*), coalesce(max(CASE WHEN work_id = ? THEN position END), 0)
		FROM series_works WHERE series_id = ?`, workID, seriesID).Scan(&n, &old)
	if err != nil {
		return 0, 0, fmt.Errorf("series %d: %w", seriesID, err)
	}
	if old != 0 {
		n-- // the others
	}
	switch {
	case position == 0 && old != 0:
		return old, old, nil
	case position == 0:
		position = n + 1
	case position > n+1:
		return 0, 0, fanarchive.Errorf(fanarchive.EINVALID, "Series %d has %d other works; a work can go at positions 1 to %d, not %d.", seriesID, n, n+1, position)
	}
	if old == 0 && n >= fanarchive.MaxSeriesWorks {
		return 0, 0, fanarchive.Errorf(fanarchive.EINVALID, "A series holds at most %d works.", fanarchive.MaxSeriesWorks)
	}
	if old == position {
		return old, old, nil
	}
	if _, err := leaveSeries(ctx, tx, seriesID, workID); err != nil {
		return 0, 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE series_works SET position = position + 1 WHERE series_id = ? AND position >= ?`,
		seriesID, position); err != nil {
		return 0, 0, fmt.Errorf("renumber series %d: %w", seriesID, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO series_works (series_id, work_id, position) VALUES (?, ?, ?)`,
		seriesID, workID, position); err != nil {
		return 0, 0, fmt.Errorf("place work %d in series %d: %w", workID, seriesID, err)
	}
	return old, position, nil
}

// leaveSeries takes a work out of a series, renumbering the works after
// it, and returns the position it had (0 when it was not in the series).
func leaveSeries(ctx context.Context, tx *sql.Tx, seriesID, workID int64) (int, error) {
	var old int
	err := tx.QueryRowContext(ctx, `DELETE FROM series_works WHERE series_id = ? AND work_id = ? RETURNING position`,
		seriesID, workID).Scan(&old)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("take work %d out of series %d: %w", workID, seriesID, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE series_works SET position = position - 1 WHERE series_id = ? AND position > ?`,
		seriesID, old); err != nil {
		return 0, fmt.Errorf("renumber series %d: %w", seriesID, err)
	}
	return old, nil
}

// leaveAllSeries takes a work out of every series it is in, before it is
// deleted for good, so that the positions of the others stay 1..n.
func leaveAllSeries(ctx context.Context, tx *sql.Tx, workID int64) error {
	ids, err := querySeriesOf(ctx, tx, workID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := leaveSeries(ctx, tx, id, workID); err != nil {
			return err
		}
	}
	return nil
}

// querySeriesOf returns the IDs of the series a work is in.
func querySeriesOf(ctx context.Context, tx *sql.Tx, workID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT series_id FROM series_works WHERE work_id = ?`, workID)
	if err != nil {
		return nil, fmt.Errorf("series of work %d: %w", workID, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// writeSeriesParts makes a work's places in series those of parts: it
// leaves the series not named, makes the series a part names by title
// alone (made by by), and places the work in each (SeriesPart.Position).
// It returns the work's places as stored.
func (s *Store) writeSeriesParts(ctx context.Context, tx *sql.Tx, workID int64, parts []fanarchive.SeriesPart, by int64) ([]fanarchive.SeriesPart, error) {
	current, err := querySeriesOf(ctx, tx, workID)
	if err != nil {
		return nil, err
	}
	for _, id := range current {
		if !slices.ContainsFunc(parts, func(p fanarchive.SeriesPart) bool { return p.SeriesID == id }) {
			if _, err := leaveSeries(ctx, tx, id, workID); err != nil {
				return nil, err
			}
		}
	}
	var out []fanarchive.SeriesPart
	for _, p := range parts {
		if err := p.Validate(); err != nil {
			return nil, err
		}
		if p.SeriesID == 0 {
			if err := fanarchive.CheckUser(by); err != nil {
				return nil, err
			}
			id, err := insertSeries(ctx, tx, &fanarchive.Series{Title: p.Title, CreatedBy: by}, s.now().UTC())
			if err != nil {
				return nil, err
			}
			p.SeriesID, p.Position = id, 1
		}
		title, err := seriesTitle(ctx, tx, p.SeriesID)
		if err == nil {
			_, p.Position, err = placeInSeries(ctx, tx, p.SeriesID, workID, p.Position)
		}
		if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
			return nil, fanarchive.Errorf(fanarchive.EINVALID, "Series %d does not exist.", p.SeriesID)
		} else if err != nil {
			return nil, err
		}
		p.Title = title
		if !slices.ContainsFunc(out, func(q fanarchive.SeriesPart) bool { return q.SeriesID == p.SeriesID }) {
			out = append(out, p)
		}
	}
	return out, nil
}

// seriesText names a work's places in series for revisions.
func seriesText(parts []fanarchive.SeriesPart) string {
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = partText(p.Title, p.Position)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// loadSeries sets the series of each work, by title.
func loadSeries(ctx context.Context, tx *sql.Tx, works []*fanarchive.Work) error {
	byID, ids := workIndex(works)
	in, args := inList(ids)
	rows, err := tx.QueryContext(ctx, `SELECT sw.work_id, s.id, s.title, sw.position FROM series_works sw
		JOIN series s ON s.id = sw.series_id WHERE sw.work_id IN (`+in+`) ORDER BY sw.work_id, s.title, s.id`, args...)
	if err != nil {
		return fmt.Errorf("load series: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var workID int64
		var p fanarchive.SeriesPart
		if err := rows.Scan(&workID, &p.SeriesID, &p.Title, &p.Position); err != nil {
			return fmt.Errorf("load series: %w", err)
		}
		w := byID[workID]
		w.Series = append(w.Series, p)
	}
	return rows.Err()
}
