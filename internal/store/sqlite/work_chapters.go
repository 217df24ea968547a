package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fanarchive"
	"fanarchive/internal/prose"
)

// The chapters of posted works (fanarchive.PostingService): adding,
// editing, reordering and deleting them. Numbers stay 1..n. Each change
// updates the work's words, first words and Updated date, writes its row of
// the text index again and logs it for search, in its transaction.

// preparedChapter is a chapter ready to store, made before the write lock
// is taken: the costly parts (sanitising, plain text, counting, paging)
// need no lock.
type preparedChapter struct {
	title string
	body  string   // sanitised
	text  string   // its plain text
	pages []string // body as stored
	words int

	format, input string // as the author wrote it
}

// prepareChapter checks a posted chapter and readies it.
func prepareChapter(ch *fanarchive.Chapter) (*preparedChapter, error) {
	if err := fanarchive.ValidatePostedChapter(ch); err != nil {
		return nil, err
	}
	p := &preparedChapter{title: strings.TrimSpace(ch.Title), body: prose.Clean(ch.Body), format: ch.InputFormat, input: ch.Input}
	if len(p.body) > fanarchive.MaxChapterBody {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "The chapter is longer than %d bytes once sanitised.", fanarchive.MaxChapterBody)
	}
	p.text = prose.PlainText(p.body)
	p.words = prose.CountWords(p.text)
	p.pages = splitChapter(p.body)
	return p, nil
}

// storeBody writes a chapter's title, body and words: in pages when it is
// long, in chapters.body else, replacing what it had.
func storeBody(ctx context.Context, tx *sql.Tx, chapterID int64, title, body string, pages []string, words int) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM chapter_pages WHERE chapter_id = ?`, chapterID); err != nil {
		return fmt.Errorf("chapter %d: replace pages: %w", chapterID, err)
	}
	if len(pages) > 1 {
		body = ""
	}
	if _, err := tx.ExecContext(ctx, `UPDATE chapters SET title = ?, body = ?, words = ?, pages = ? WHERE id = ?`,
		title, body, words, len(pages), chapterID); err != nil {
		return fmt.Errorf("chapter %d: %w", chapterID, err)
	}
	if len(pages) > 1 {
		return insertPages(ctx, tx, chapterID, pages)
	}
	return nil
}

// storeInput writes a chapter as its author wrote it.
func storeInput(ctx context.Context, tx *sql.Tx, chapterID int64, p *preparedChapter) error {
	if _, err := tx.ExecContext(ctx, `UPDATE chapters SET input_format = ?, input = ? WHERE id = ?`, p.format, p.input, chapterID); err != nil {
		return fmt.Errorf("chapter %d: %w", chapterID, err)
	}
	return nil
}

// AddChapter adds a chapter to a work.
func (s *Store) AddChapter(ctx context.Context, workID int64, ch *fanarchive.Chapter, by int64) error {
	if err := fanarchive.CheckUser(by); err != nil {
		return err
	}
	p, err := prepareChapter(ch)
	if err != nil {
		return err
	}
	var id int64
	var pos int
	err = s.write(ctx, func(tx *sql.Tx) error {
		w, err := loadWork(ctx, tx, workID)
		if err != nil {
			return err
		}
		ids, err := chapterIDs(ctx, tx, workID)
		if err != nil {
			return err
		}
		n := len(ids)
		switch pos = ch.Number; {
		case n >= fanarchive.MaxChapters:
			return fanarchive.Errorf(fanarchive.EINVALID, "A work has at most %d chapters.", fanarchive.MaxChapters)
		case pos == 0:
			pos = n + 1
		case pos < 1 || pos > n+1:
			return fanarchive.Errorf(fanarchive.EINVALID, "Work %d has %d chapters; a new one can be chapter 1 to %d, not %d.", workID, n, n+1, pos)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO chapters (work_id, number, title, body, words, pages)
			VALUES (?, ?, '', '', 0, 1) RETURNING id`, workID, -(1 << 30)).Scan(&id); err != nil { // numbered below, with the others
			return fmt.Errorf("insert chapter: %w", err)
		}
		if err := storeBody(ctx, tx, id, p.title, p.body, p.pages, p.words); err != nil {
			return err
		}
		if err := storeInput(ctx, tx, id, p); err != nil {
			return err
		}
		if err := renumber(ctx, tx, workID, slices.Insert(ids, pos-1, id)); err != nil {
			return err
		}
		return s.chaptersChanged(ctx, tx, w, by, fanarchive.RevisionAddChapter, []fanarchive.FieldChange{{
			Field: chapterField(pos), New: chapterText(p.title, p.body, p.words)}}, map[int64]string{id: p.text})
	})
	if err != nil {
		return fmt.Errorf("add chapter to work %d: %w", workID, err)
	}
	ch.ID, ch.WorkID, ch.Number, ch.Title, ch.Body, ch.Words, ch.Pages, ch.Text = id, workID, pos, p.title, p.body, p.words, len(p.pages), ""
	return nil
}

// UpdateChapter sets a chapter's title and body.
func (s *Store) UpdateChapter(ctx context.Context, workID int64, ch *fanarchive.Chapter, by int64) error {
	if err := fanarchive.CheckUser(by); err != nil {
		return err
	}
	p, err := prepareChapter(ch)
	if err != nil {
		return err
	}
	var number int
	err = s.write(ctx, func(tx *sql.Tx) error {
		w, err := loadWork(ctx, tx, workID)
		if err != nil {
			return err
		}
		old, err := scanChapter(tx.QueryRowContext(ctx, `SELECT `+chapterColumns(true)+` FROM chapters c
			WHERE c.id = ? AND c.work_id = ?`, ch.ID, workID))
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d has no chapter with ID %d.", workID, ch.ID)
		} else if err != nil {
			return err
		}
		number = old.Number
		var oldFormat, oldInput string
		if err := tx.QueryRowContext(ctx, `SELECT input_format, input FROM chapters WHERE id = ?`, ch.ID).Scan(&oldFormat, &oldInput); err != nil {
			return err
		}
		// The input is not a change of its own (a revision records what
		// readers see), but is kept with the body it made.
		if oldFormat != p.format || oldInput != p.input {
			if err := storeInput(ctx, tx, ch.ID, p); err != nil {
				return err
			}
		}
		var changes []fanarchive.FieldChange
		if old.Title != p.title {
			changes = append(changes, fanarchive.FieldChange{Field: chapterField(number) + " title", Old: old.Title, New: p.title})
		}
		if old.Body != p.body {
			changes = append(changes, fanarchive.FieldChange{Field: chapterField(number),
				Old: bodyText(old.Body, old.Words), New: bodyText(p.body, p.words)})
		}
		if len(changes) == 0 && oldFormat == p.format && oldInput == p.input {
			return errUnchanged
		} else if len(changes) == 0 {
			return nil
		}
		if err := storeBody(ctx, tx, ch.ID, p.title, p.body, p.pages, p.words); err != nil {
			return err
		}
		return s.chaptersChanged(ctx, tx, w, by, fanarchive.RevisionEditChapter, changes, map[int64]string{ch.ID: p.text})
	})
	if errors.Is(err, errUnchanged) {
		err = nil
	} else if err != nil {
		return fmt.Errorf("update chapter %d of work %d: %w", ch.ID, workID, err)
	}
	ch.WorkID, ch.Number, ch.Title, ch.Body, ch.Words, ch.Pages, ch.Text = workID, number, p.title, p.body, p.words, len(p.pages), ""
	return nil
}

// ReorderChapters puts a work's chapters in a new order.
func (s *Store) ReorderChapters(ctx context.Context, workID int64, order []int64, by int64) error {
	if err := fanarchive.CheckUser(by); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		w, err := loadWork(ctx, tx, workID)
		if err != nil {
			return err
		}
		ids, err := chapterIDs(ctx, tx, workID)
		if err != nil {
			return err
		}
		if len(order) != len(ids) || !sameSet(ids, order) {
			return fanarchive.Errorf(fanarchive.EINVALID, "A new order of work %d's chapters must name each of its %d chapters once.", workID, len(ids))
		}
		if slices.Equal(ids, order) {
			return errUnchanged
		}
		if err := renumber(ctx, tx, workID, order); err != nil {
			return err
		}
		was := make([]string, len(order))
		for i, id := range order {
			was[i] = strconv.Itoa(slices.Index(ids, id) + 1)
		}
		return s.chaptersChanged(ctx, tx, w, by, fanarchive.RevisionReorderChapters, []fanarchive.FieldChange{{
			Field: fanarchive.FieldChapters, Old: chapterRange(1, len(ids)), New: "the old chapters " + strings.Join(was, ", ")}}, nil)
	})
	if errors.Is(err, errUnchanged) {
		return nil
	} else if err != nil {
		return fmt.Errorf("reorder chapters of work %d: %w", workID, err)
	}
	return nil
}

// sameSet reports whether b holds each ID of a exactly once.
func sameSet(a, b []int64) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y) && len(slices.Compact(y)) == len(a)
}

// DeleteChapter deletes a chapter.
func (s *Store) DeleteChapter(ctx context.Context, workID, chapterID, by int64) error {
	if err := fanarchive.CheckUser(by); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		w, err := loadWork(ctx, tx, workID)
		if err != nil {
			return err
		}
		ids, err := chapterIDs(ctx, tx, workID)
		if err != nil {
			return err
		}
		i := slices.Index(ids, chapterID)
		switch {
		case i < 0:
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d has no chapter with ID %d.", workID, chapterID)
		case len(ids) == 1:
			return fanarchive.Errorf(fanarchive.EINVALID, "Chapter %d is work %d's only chapter; delete the work instead.", chapterID, workID)
		}
		old, err := scanChapter(tx.QueryRowContext(ctx, `SELECT `+chapterColumns(true)+` FROM chapters c WHERE c.id = ?`, chapterID))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM chapters WHERE id = ?`, chapterID); err != nil {
			return fmt.Errorf("delete chapter %d: %w", chapterID, err)
		}
		if err := renumber(ctx, tx, workID, slices.Delete(ids, i, i+1)); err != nil {
			return err
		}
		return s.chaptersChanged(ctx, tx, w, by, fanarchive.RevisionDeleteChapter, []fanarchive.FieldChange{{
			Field: chapterField(i + 1), Old: chapterText(old.Title, old.Body, old.Words)}}, nil)
	})
	if err != nil {
		return fmt.Errorf("delete chapter %d of work %d: %w", chapterID, workID, err)
	}
	return nil
}

// chapterField names a chapter in revisions.
func chapterField(n int) string { return "chapter " + strconv.Itoa(n) }

// chapterText describes a chapter for revisions: its title and its body's
// size and digest.
func chapterText(title, body string, words int) string {
	if title == "" {
		return bodyText(body, words)
	}
	return strconv.Quote(title) + ", " + bodyText(body, words)
}

// chapterIDs returns the IDs of a work's chapters in order.
func chapterIDs(ctx context.Context, tx *sql.Tx, workID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM chapters WHERE work_id = ? ORDER BY number`, workID)
	if err != nil {
		return nil, fmt.Errorf("chapters of work %d: %w", workID, err)
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

// renumber numbers a work's chapters 1..n in the order of ids. Numbers are
// unique within a work at every step of an UPDATE, so the chapters that
// move go through negative numbers first.
func renumber(ctx context.Context, tx *sql.Tx, workID int64, ids []int64) error {
	for i, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE chapters SET number = ? WHERE id = ? AND number <> ?`, -(i + 1), id, i+1); err != nil {
			return fmt.Errorf("renumber chapter %d: %w", id, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE chapters SET number = -number WHERE work_id = ? AND number < 0`, workID); err != nil {
		return fmt.Errorf("renumber chapters of work %d: %w", workID, err)
	}
	return nil
}

// chaptersChanged finishes a change to a work's chapters: the work's words,
// first words and Updated date, its row of the text index, the search log
// and the revision. known holds the plain text of chapters just stored, by
// ID.
func (s *Store) chaptersChanged(ctx context.Context, tx *sql.Tx, w *fanarchive.Work, by int64, op string,
	changes []fanarchive.FieldChange, known map[int64]string) error {
	if err := recountChapters(ctx, tx, w, known); err != nil {
		return err
	}
	w.Updated = s.now().UTC()
	if err := s.saveWork(ctx, tx, w); err != nil {
		return err
	}
	if err := s.reindexWorkText(ctx, tx, w.ID, known); err != nil { // logs the change too
		return err
	}
	return s.recordRevision(ctx, tx, w.ID, op, by, changes)
}

// recountChapters sets a work's words and first words from its chapters
// as stored; known holds the plain text of chapters just stored, by ID.
func recountChapters(ctx context.Context, tx *sql.Tx, w *fanarchive.Work, known map[int64]string) error {
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(words), 0) FROM chapters WHERE work_id = ?`, w.ID).Scan(&w.Words); err != nil {
		return fmt.Errorf("count words of work %d: %w", w.ID, err)
	}
	var firstID int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM chapters WHERE work_id = ? AND number = 1`, w.ID).Scan(&firstID); err != nil {
		return fmt.Errorf("first chapter of work %d: %w", w.ID, err)
	}
	text, ok := known[firstID]
	if !ok {
		var first string // the first page of chapter 1 holds its first words
		if err := tx.QueryRowContext(ctx, `SELECT CASE WHEN c.pages > 1 THEN (SELECT p.body FROM chapter_pages p
			WHERE p.chapter_id = c.id AND p.number = 1) ELSE c.body END FROM chapters c WHERE c.id = ?`,
			firstID).Scan(&first); err != nil {
			return fmt.Errorf("first chapter of work %d: %w", w.ID, err)
		}
		text = prose.PlainText(first)
	}
	w.Begins = prose.Opening(text, beginsWords)
	return nil
}
