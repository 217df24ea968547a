package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"fanarchive"
	"fanarchive/internal/prose"
	"fanarchive/internal/search"
)

// MergeWorks appends from's chapters to into and deletes from, in one
// transaction; see fanarchive.ReviewService for what moves. Sources are
// linked to into after its own; a file whose first work was from names into
// as its first work instead (it would otherwise be detached, as by a
// delete). Nothing else about a source changes.
func (s *Store) MergeWorks(ctx context.Context, into, from int64, by string) error {
	if err := fanarchive.CheckEditor(by); err != nil {
		return err
	}
	if into == from {
		return fanarchive.Errorf(fanarchive.EINVALID, "A work cannot be merged into itself (work %d).", into)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		a, err := loadWork(ctx, tx, into)
		if err != nil {
			return err
		}
		b, err := loadWork(ctx, tx, from)
		if err != nil {
			return err
		}
		na, err := chapterCount(ctx, tx, into)
		if err != nil {
			return err
		}
		nb, err := chapterCount(ctx, tx, from)
		if err != nil {
			return err
		}
		if na+nb > fanarchive.MaxChapters {
			return fanarchive.Errorf(fanarchive.EINVALID, "The merged work would have more than %d chapters.", fanarchive.MaxChapters)
		}
		if err := a.Absorb(b); err != nil {
			return err
		}
		if a.DuplicateOf == from {
			a.DuplicateOf = 0
		}
		if err := s.saveWork(ctx, tx, a); err != nil {
			return err
		}
		if err := writeAuthors(ctx, tx, a); err != nil {
			return err
		}
		if err := writeTags(ctx, tx, a); err != nil {
			return err
		}
		if err := s.moveMerged(ctx, tx, a, b, na); err != nil {
			return err
		}
		if err := s.unlistWork(ctx, tx, from); err != nil { // search_write.go
			return err
		}
		if err := leaveAllSeries(ctx, tx, from); err != nil { // series.go
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM works WHERE id = ?`, from); err != nil {
			return fmt.Errorf("delete work %d: %w", from, err)
		}
		if err := s.reindexWork(ctx, tx, into); err != nil {
			return err
		}
		return s.recordEdits(ctx, tx, into, by, fanarchive.WorkEdit{Op: fanarchive.EditMerge, Field: fanarchive.FieldChapters,
			Old: chapterRange(1, na),
			New: fmt.Sprintf("%s; %s from work %d %q", chapterRange(1, na+nb), chapterRange(na+1, na+nb), from, b.DisplayTitle())})
	})
	if err != nil {
		return fmt.Errorf("merge work %d into work %d: %w", from, into, err)
	}
	return nil
}

// moveMerged moves what belongs to work b to work a, which has na
// chapters: chapters, source links, duplicates, edit history and origin.
func (s *Store) moveMerged(ctx context.Context, tx *sql.Tx, a, b *fanarchive.Work, na int) error {
	steps := []struct {
		what  string
		query string
		args  []any
	}{
		{"chapters", `UPDATE chapters SET work_id = ?, number = number + ? WHERE work_id = ?`, []any{a.ID, na, b.ID}},
		{"sources", `INSERT INTO work_sources (work_id, source_id, position)
			SELECT ?, source_id, position + (SELECT coalesce(max(position) + 1, 0) FROM work_sources WHERE work_id = ?)
			FROM work_sources WHERE work_id = ? ON CONFLICT DO NOTHING`, []any{a.ID, a.ID, b.ID}},
		{"first work of sources", `UPDATE sources SET work_id = ? WHERE work_id = ?`, []any{a.ID, b.ID}},
		// Works that repeated b repeat a now; search reads them again.
		{"duplicates", `INSERT INTO search_changes (work_id, op) SELECT id, ? FROM works WHERE duplicate_of = ? AND id <> ?`,
			[]any{search.OpPut, b.ID, a.ID}},
		{"duplicates", `UPDATE works SET duplicate_of = ? WHERE duplicate_of = ? AND id <> ?`, []any{a.ID, b.ID, a.ID}},
		{"edit history", `UPDATE work_edits SET work_id = ? WHERE work_id = ?`, []any{a.ID, b.ID}},
		{"revisions", `UPDATE work_revisions SET work_id = ? WHERE work_id = ?`, []any{a.ID, b.ID}},
		// Origins merged into b before are merged into a now.
		{"merged origins", `UPDATE deleted_origins SET merged_into = ? WHERE merged_into = ?`, []any{a.ID, b.ID}},
	}
	if b.Origin != "" {
		steps = append(steps, struct {
			what  string
			query string
			args  []any
		}{"origin", `INSERT INTO deleted_origins (origin, work_id, deleted_at, merged_into) VALUES (?, ?, ?, ?)
			ON CONFLICT (origin) DO UPDATE SET merged_into = excluded.merged_into`,
			[]any{b.Origin, b.ID, formatTime(s.now()), a.ID}})
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.query, st.args...); err != nil {
			return fmt.Errorf("move %s of work %d to work %d: %w", st.what, b.ID, a.ID, err)
		}
	}
	return nil
}

// chapterCount returns how many chapters a work has.
func chapterCount(ctx context.Context, tx *sql.Tx, workID int64) (int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM chapters WHERE work_id = ?`, workID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count chapters of work %d: %w", workID, err)
	}
	return n, nil
}

// chapterRange names chapters from..to for edit records.
func chapterRange(from, to int) string {
	if from == to {
		return fmt.Sprintf("chapter %d", from)
	}
	return fmt.Sprintf("chapters %d–%d", from, to)
}

// SplitWork moves chapters atChapter..n of a work to a new work made by
// fanarchive.Work.SplitOff, in one transaction, and returns its ID.
func (s *Store) SplitWork(ctx context.Context, workID int64, atChapter int, by string) (int64, error) {
	if err := fanarchive.CheckEditor(by); err != nil {
		return 0, err
	}
	var newID int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		a, err := loadWork(ctx, tx, workID)
		if err != nil {
			return err
		}
		n, err := chapterCount(ctx, tx, workID)
		if err != nil {
			return err
		}
		if n < 2 {
			return fanarchive.Errorf(fanarchive.EINVALID, "Work %d has one chapter; there is nothing to split.", workID)
		} else if atChapter < 2 || atChapter > n {
			return fanarchive.Errorf(fanarchive.EINVALID, "Work %d has %d chapters; it can be split before chapter 2 to %d, not %d.", workID, n, n, atChapter)
		}
		b := a.SplitOff()
		if newID, err = s.insertWorkRow(ctx, tx, b); err != nil {
			return err
		}
		b.ID = newID
		if err := writeAuthors(ctx, tx, b); err != nil {
			return err
		}
		if err := writeTags(ctx, tx, b); err != nil {
			return err
		}
		if err := moveSplit(ctx, tx, a, b, atChapter); err != nil {
			return err
		}
		for _, w := range []*fanarchive.Work{a, b} {
			if err := s.saveWork(ctx, tx, w); err != nil {
				return err
			}
			if err := s.reindexWork(ctx, tx, w.ID); err != nil {
				return err
			}
		}
		moved := chapterRange(atChapter, n)
		if err := s.recordEdits(ctx, tx, a.ID, by, fanarchive.WorkEdit{Op: fanarchive.EditSplit, Field: fanarchive.FieldChapters,
			Old: chapterRange(1, n), New: fmt.Sprintf("%s; %s became work %d", chapterRange(1, atChapter-1), moved, newID)}); err != nil {
			return err
		}
		return s.recordEdits(ctx, tx, newID, by, fanarchive.WorkEdit{Op: fanarchive.EditSplit, Field: fanarchive.FieldChapters,
			Old: fmt.Sprintf("%s of work %d %q", moved, a.ID, a.DisplayTitle()), New: chapterRange(1, n-atChapter+1)})
	})
	if err != nil {
		return 0, fmt.Errorf("split work %d at chapter %d: %w", workID, atChapter, err)
	}
	return newID, nil
}

// moveSplit moves chapters at.. of work a to work b, with the links to the
// sources they came from, and sets both works' words and b's Begins.
func moveSplit(ctx context.Context, tx *sql.Tx, a, b *fanarchive.Work, at int) error {
	for _, q := range []struct {
		what, query string
		args        []any
	}{
		{"chapters", `UPDATE chapters SET work_id = ?, number = number - ? WHERE work_id = ? AND number >= ?`,
			[]any{b.ID, at - 1, a.ID, at}},
		{"sources", `INSERT INTO work_sources (work_id, source_id, position)
			SELECT ?, source_id, row_number() OVER (ORDER BY min(number)) - 1
			FROM chapters WHERE work_id = ? AND source_id IS NOT NULL GROUP BY source_id`, []any{b.ID, b.ID}},
		// Co-authors who accepted own the new work too.
		{"co-authors", `INSERT INTO work_coauthors (work_id, author_id, state, invited_by, invited_at, answered_by, answered_at)
			SELECT ?, author_id, state, invited_by, invited_at, answered_by, answered_at
			FROM work_coauthors WHERE work_id = ? AND state = 'accepted'`, []any{b.ID, a.ID}},
		// a keeps the sources its own chapters use, and those no chapter uses.
		{"sources", `DELETE FROM work_sources WHERE work_id = ?
			AND source_id IN (SELECT source_id FROM chapters WHERE work_id = ?)
			AND source_id NOT IN (SELECT source_id FROM chapters WHERE work_id = ? AND source_id IS NOT NULL)`,
			[]any{a.ID, b.ID, a.ID}},
	} {
		if _, err := tx.ExecContext(ctx, q.query, q.args...); err != nil {
			return fmt.Errorf("move %s of work %d to work %d: %w", q.what, a.ID, b.ID, err)
		}
	}
	for _, w := range []*fanarchive.Work{a, b} {
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(words), 0) FROM chapters WHERE work_id = ?`, w.ID).Scan(&w.Words); err != nil {
			return fmt.Errorf("count words of work %d: %w", w.ID, err)
		}
	}
	var body string
	if err := tx.QueryRowContext(ctx, `SELECT `+chapterBody+` FROM chapters c WHERE c.work_id = ? AND c.number = 1`, b.ID).Scan(&body); err != nil {
		return fmt.Errorf("first chapter of work %d: %w", b.ID, err)
	}
	b.Begins = prose.Opening(prose.PlainText(body), beginsWords)
	return nil
}

// beginsWords is how many words Work.Begins holds, as the importer makes it.
const beginsWords = 40

// insertWorkRow inserts a work's row alone (no links, no origin) and
// returns its ID.
func (s *Store) insertWorkRow(ctx context.Context, tx *sql.Tx, w *fanarchive.Work) (int64, error) {
	notes, evidence, problems, err := encodeWorkJSON(w)
	if err != nil {
		return 0, err
	}
	endNotes, err := encodeNotes(w.EndNotes)
	if err != nil {
		return 0, err
	}
	now := formatTime(s.now())
	rv := newReviewValues(w)
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO works (kind, title, summary, notes, rating, rating_original,
		language, words, complete, begins, published, updated, duplicate_of, evidence, problems, created_at, updated_at,
		review_confidence, needs_review, review_fields, review_problems, end_notes, posted_by, draft, restricted,
		published_source)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		string(w.Kind), w.Title, w.Summary, notes, string(w.Rating), w.RatingOriginal, w.Language, w.Words,
		w.Complete, w.Begins, formatTime(w.Published), formatTime(w.Updated), nullID(w.DuplicateOf),
		evidence, problems, now, now, rv.confidence, rv.needs, rv.fields, rv.problems,
		endNotes, nullID(w.PostedBy), w.Draft, w.Restricted, string(w.PublishedFrom)).Scan(&id); err != nil {
		return 0, fmt.Errorf("insert work: %w", err)
	}
	return id, nil
}
