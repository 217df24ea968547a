package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"fanarchive"
	"fanarchive/internal/prose"
)

// A chapter longer than fanarchive.ChapterPageBytes is stored in pages, rows
// of chapter_pages, and its chapters.body is empty (migration 0009). This
// file reads and writes those pages.

// chapterBody is the SQL for the whole body of chapter c: its pages joined,
// for a chapter in pages, else chapters.body.
const chapterBody = `CASE WHEN c.pages > 1 THEN (SELECT string_agg(p.body, '' ORDER BY p.number)
	FROM chapter_pages p WHERE p.chapter_id = c.id) ELSE c.body END`

// splitChapter returns a chapter body as it is stored: its pages, one page
// (the body itself) unless it is longer than a page.
func splitChapter(body string) []string {
	return prose.SplitPages(body, fanarchive.ChapterPageBytes)
}

// writePages stores the pages of a chapter in pages, and empties its
// chapters.body, which they replace. A chapter of one page keeps its body.
func writePages(ctx context.Context, tx *sql.Tx, chapterID int64, pages []string) error {
	if len(pages) < 2 {
		if _, err := tx.ExecContext(ctx, `UPDATE chapters SET pages = 1 WHERE id = ? AND pages <> 1`, chapterID); err != nil {
			return fmt.Errorf("chapter %d: %w", chapterID, err)
		}
		return nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM chapter_pages WHERE chapter_id = ?`, chapterID); err != nil {
		return fmt.Errorf("chapter %d: replace pages: %w", chapterID, err)
	}
	if err := insertPages(ctx, tx, chapterID, pages); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE chapters SET body = '', pages = ? WHERE id = ?`, len(pages), chapterID); err != nil {
		return fmt.Errorf("chapter %d: %w", chapterID, err)
	}
	return nil
}

// insertPages adds the rows of a chapter's pages.
func insertPages(ctx context.Context, tx *sql.Tx, chapterID int64, pages []string) error {
	for i, p := range pages {
		if _, err := tx.ExecContext(ctx, `INSERT INTO chapter_pages (chapter_id, number, body) VALUES (?, ?, ?)`,
			chapterID, i+1, p); err != nil {
			return fmt.Errorf("chapter %d: page %d: %w", chapterID, i+1, err)
		}
	}
	return nil
}

// FindChapterPage returns page n (1-based) of a chapter, reading only that
// page. Returns ENOTFOUND if the chapter does not exist, is a deleted
// work's, or has no page n.
func (s *Store) FindChapterPage(ctx context.Context, chapterID int64, n int) (*fanarchive.ChapterPage, error) {
	pg := &fanarchive.ChapterPage{ChapterID: chapterID, Number: n}
	err := s.read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT c.pages FROM chapters c
			JOIN works w ON w.id = c.work_id AND w.deleted_at IS NULL WHERE c.id = ?`, chapterID).Scan(&pg.Pages)
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Chapter %d not found.", chapterID)
		} else if err != nil {
			return err
		}
		pg.Pages = max(pg.Pages, 1) // 0: not yet in pages (migration 0009), so one
		if n < 1 || n > pg.Pages {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Chapter %d has no page %d.", chapterID, n)
		}
		if pg.Pages == 1 {
			return tx.QueryRowContext(ctx, `SELECT body FROM chapters WHERE id = ?`, chapterID).Scan(&pg.Body)
		}
		return tx.QueryRowContext(ctx, `SELECT body FROM chapter_pages WHERE chapter_id = ? AND number = ?`,
			chapterID, n).Scan(&pg.Body)
	})
	if err != nil {
		return nil, fmt.Errorf("find page %d of chapter %d: %w", n, chapterID, err)
	}
	return pg, nil
}

// splitLongChapters stores in pages the long chapters of a database from
// before migration 0009, which marked them with pages = 0: one chapter per
// transaction, so that an interrupted run loses nothing and other writers
// wait for one chapter at most. It is quick when there are none (an index
// holds the marked chapters only).
func (s *Store) splitLongChapters(ctx context.Context) error {
	var left int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM chapters WHERE pages = 0`).Scan(&left); err != nil {
		return fmt.Errorf("sqlite: count long chapters: %w", err)
	}
	if left == 0 {
		return nil
	}
	s.logger.Info("storing long chapters in pages", "chapters", left, "path", s.path)
	for done := false; !done; {
		err := s.write(ctx, func(tx *sql.Tx) error {
			var id int64
			var body string
			err := tx.QueryRowContext(ctx, `SELECT id, body FROM chapters WHERE pages = 0 LIMIT 1`).Scan(&id, &body)
			if errors.Is(err, sql.ErrNoRows) {
				done = true
				return nil
			} else if err != nil {
				return err
			}
			return writePages(ctx, tx, id, splitChapter(body))
		})
		if err != nil {
			return fmt.Errorf("sqlite: store long chapters in pages: %w", err)
		}
	}
	return nil
}
