package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fanarchive"
	"fanarchive/internal/search"
)

// The review queue and the archivist's edits (fanarchive.ReviewService).
// The review columns of works are written by inserts (reviewValues) and
// kept by triggers on updates (migration/0004_review.sql). Edits write
// works, their links and work_edits, never sources or source_blobs, and
// tell search in the same transaction like every other write
// (search_write.go).

// FindReviewQueue returns a page of the works that need review, least
// certain first, then by ID, and how many there are. The page is chosen and
// counted from the works_review index (reviewFrom).
func (s *Store) FindReviewQueue(ctx context.Context, filter fanarchive.ReviewFilter) ([]*fanarchive.Work, int, error) {
	if err := filter.Validate(); err != nil {
		return nil, 0, err
	}
	limit := filter.Limit
	if limit == 0 {
		limit = fanarchive.DefaultReviewPage
	} else if limit > fanarchive.MaxReviewPage {
		limit = fanarchive.MaxReviewPage
	}
	where, args := reviewWhere(filter)
	from := s.reviewFrom()
	var works []*fanarchive.Work
	var total int
	err := s.read(ctx, func(tx *sql.Tx) error {
		all := append(append(append([]any{}, args...), args...), limit, filter.Offset)
		rows, err := tx.QueryContext(ctx, `SELECT w.id, (SELECT COUNT(*) FROM `+from+` WHERE `+where+`)
			FROM `+from+` WHERE `+where+` ORDER BY w.review_confidence, w.id LIMIT ? OFFSET ?`, all...)
		if err != nil {
			return fmt.Errorf("list review queue: %w", err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id, &total); err != nil {
				rows.Close()
				return fmt.Errorf("list review queue: %w", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("list review queue: %w", err)
		}
		if len(ids) == 0 {
			// Past the last page the count has no row to ride on.
			return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+from+` WHERE `+where, args...).Scan(&total)
		}
		if works, err = worksByIDs(ctx, tx, ids); err != nil {
			return err
		}
		if err := loadAuthors(ctx, tx, works); err != nil {
			return err
		}
		if err := loadTags(ctx, tx, works); err != nil {
			return err
		}
		return loadChapters(ctx, tx, works, false)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("review queue: %w", err)
	}
	return works, total, nil
}

// reviewFrom is the table the queue is read from. Without INDEXED BY,
// SQLite prefers works_listing for a kind filter and then sorts every work
// of that kind; works_review holds only the works in the queue, in queue
// order, with their kind.
func (s *Store) reviewFrom() string { return s.eng.indexed("works", "w", "works_review") }

// reviewWhere returns the WHERE clause over works w for a valid filter.
// needs_review = 1 is written out, not bound, so that SQLite sees that the
// partial index works_review applies.
func reviewWhere(f fanarchive.ReviewFilter) (string, []any) {
	where := []string{`w.needs_review = 1`, `w.deleted_at IS NULL`}
	var args []any
	if f.Kind != "" {
		where = append(where, `w.kind = ?`)
		args = append(args, string(f.Kind))
	}
	if f.Field != "" {
		where = append(where, `lower(w.review_fields) LIKE lower(?) ESCAPE '\'`)
		args = append(args, likeContains(" "+f.Field+" "))
	}
	if f.Problem != "" {
		// Problems are one a line; a filter of one line matches within one.
		where = append(where, `lower(w.review_problems) LIKE lower(?) ESCAPE '\'`)
		args = append(args, likeContains(strings.ReplaceAll(f.Problem, "\n", " ")))
	}
	return strings.Join(where, " AND "), args
}

// FindWorkEdits returns a work's recorded edits, oldest first.
func (s *Store) FindWorkEdits(ctx context.Context, workID int64) ([]*fanarchive.WorkEdit, error) {
	var edits []*fanarchive.WorkEdit
	err := s.read(ctx, func(tx *sql.Tx) error {
		if ok, err := exists(ctx, tx, `SELECT 1 FROM works WHERE id = ?`, workID); err != nil {
			return err
		} else if !ok {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d not found.", workID)
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, work_id, op, field, old_value, new_value, edited_by, edited_at
			FROM work_edits WHERE work_id = ? ORDER BY id`, workID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e fanarchive.WorkEdit
			var at sql.NullString
			if err := rows.Scan(&e.ID, &e.WorkID, &e.Op, &e.Field, &e.Old, &e.New, &e.By, &at); err != nil {
				return err
			}
			if e.At, err = parseTime(at); err != nil {
				return err
			}
			edits = append(edits, &e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find edits of work %d: %w", workID, err)
	}
	return edits, nil
}

// recordEdits appends edits of a work to work_edits.
func (s *Store) recordEdits(ctx context.Context, tx *sql.Tx, workID int64, by string, edits ...fanarchive.WorkEdit) error {
	at := formatTime(s.now())
	for _, e := range edits {
		if _, err := tx.ExecContext(ctx, `INSERT INTO work_edits (work_id, op, field, old_value, new_value, edited_by, edited_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, workID, e.Op, e.Field, e.Old, e.New, by, at); err != nil {
			return fmt.Errorf("record %s edit of work %d: %w", e.Op, workID, err)
		}
	}
	return nil
}

// loadWork reads a work in a write transaction with its authors and tags
// (not its chapters). Returns ENOTFOUND, for a deleted work too: edits
// leave those alone.
func loadWork(ctx context.Context, tx *sql.Tx, id int64) (*fanarchive.Work, error) {
	return loadWorkWhere(ctx, tx, id, `w.deleted_at IS NULL`)
}

// loadWorkWhere reads a work as loadWork does, if it also matches cond.
func loadWorkWhere(ctx context.Context, tx *sql.Tx, id int64, cond string) (*fanarchive.Work, error) {
	w, err := scanWork(tx.QueryRowContext(ctx, `SELECT `+workColumns+` FROM works w WHERE w.id = ? AND `+cond, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d not found.", id)
	} else if err != nil {
		return nil, err
	}
	works := []*fanarchive.Work{w}
	if err := loadAuthors(ctx, tx, works); err != nil {
		return nil, err
	}
	if err := loadTags(ctx, tx, works); err != nil {
		return nil, err
	}
	return w, nil
}

// reviewValues are the review columns of works (migration 0004) for a work
// about to be inserted. The insert writes them, so that the trigger that
// would otherwise compute them does not run: it is there for inserts that
// leave review_confidence at its default, -1. Updates of evidence or
// problems leave them to the update trigger. TestReviewColumnsMatchDomain
// keeps the two definitions in step.
type reviewValues struct {
	confidence       float64
	needs            bool
	fields, problems string
}

func newReviewValues(w *fanarchive.Work) reviewValues {
	rv := reviewValues{confidence: w.ReviewConfidence(), needs: w.NeedsReview(), problems: strings.Join(w.Problems, "\n")}
	if low := w.LowConfidence(); len(low) > 0 {
		slices.Sort(low) // the order of the evidence's JSON keys, as the trigger lists them
		rv.fields = " " + strings.Join(low, " ") + " "
	}
	return rv
}

// saveWork writes the columns of works an edit may change (not the
// origin, the creation time, who posted it, its deletion or the review
// columns, which triggers keep).
func (s *Store) saveWork(ctx context.Context, tx *sql.Tx, w *fanarchive.Work) error {
	notes, evidence, problems, err := encodeWorkJSON(w)
	if err != nil {
		return err
	}
	endNotes, err := encodeNotes(w.EndNotes)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE works SET kind = ?, title = ?, summary = ?, notes = ?, rating = ?,
		rating_original = ?, language = ?, words = ?, complete = ?, begins = ?, published = ?, updated = ?,
		duplicate_of = ?, evidence = ?, problems = ?, updated_at = ?, end_notes = ?, draft = ?, restricted = ?,
		published_source = ?
		WHERE id = ?`,
		string(w.Kind), w.Title, w.Summary, notes, string(w.Rating), w.RatingOriginal, w.Language, w.Words,
		w.Complete, w.Begins, formatTime(w.Published), formatTime(w.Updated), nullID(w.DuplicateOf),
		evidence, problems, formatTime(s.now()), endNotes, w.Draft, w.Restricted, string(w.PublishedFrom), w.ID)
	if err != nil {
		return fmt.Errorf("update work %d: %w", w.ID, err)
	}
	return nil
}

// writeAuthors replaces a work's byline with w.Authors.
func writeAuthors(ctx context.Context, tx *sql.Tx, w *fanarchive.Work) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM work_authors WHERE work_id = ?`, w.ID); err != nil {
		return fmt.Errorf("unlink authors of work %d: %w", w.ID, err)
	}
	for i, a := range w.Authors {
		id, err := authorID(ctx, tx, a) // work.go
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO work_authors (work_id, author_id, position) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			w.ID, id, i); err != nil {
			return fmt.Errorf("link author %q: %w", a.Name, err)
		}
	}
	return nil
}

// writeTags replaces a work's tag links with w.Tags, in order. Names are
// tidied and normalised as CreateWork does; a tag named twice is linked
// once, inferred only if both are.
func writeTags(ctx context.Context, tx *sql.Tx, w *fanarchive.Work) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM work_tags WHERE work_id = ?`, w.ID); err != nil {
		return fmt.Errorf("unlink tags of work %d: %w", w.ID, err)
	}
	for pos, t := range w.Tags {
		id, err := tagID(ctx, tx, t.Kind, t.Name)
		if err != nil {
			return fmt.Errorf("tag %s %q: %w", t.Kind, t.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO work_tags (work_id, tag_id, inferred, position) VALUES (?, ?, ?, ?)
			ON CONFLICT (work_id, tag_id) DO UPDATE SET
				inferred = CASE WHEN work_tags.inferred = 1 AND excluded.inferred = 1 THEN 1 ELSE 0 END`,
			w.ID, id, t.Inferred, pos); err != nil {
			return fmt.Errorf("link tag %s %q: %w", t.Kind, t.Name, err)
		}
	}
	return nil
}

// reindexWork rewrites a work's row of the full-text index from what is
// stored, and logs it for search to read again. Every edit calls it; so
// do data migrations, for deleted works too.
func (s *Store) reindexWork(ctx context.Context, tx *sql.Tx, id int64) error {
	return s.reindexWorkText(ctx, tx, id, nil)
}

// reindexWorkText is reindexWork with the plain text of some chapters,
// by chapter ID, known already (a chapter just stored), so that it is not
// derived again.
func (s *Store) reindexWorkText(ctx context.Context, tx *sql.Tx, id int64, known map[int64]string) error {
	w, err := loadWorkWhere(ctx, tx, id, `1 = 1`)
	if err != nil {
		return err
	}
	if err := loadChapters(ctx, tx, []*fanarchive.Work{w}, true); err != nil {
		return err
	}
	for _, ch := range w.Chapters {
		ch.Text = known[ch.ID]
	}
	if err := s.text.unindexWork(ctx, tx, id); err != nil {
		return err
	}
	if err := s.indexText(ctx, tx, id, newWorkText(w)); err != nil {
		return err
	}
	return logChange(ctx, tx, id, search.OpPut)
}
