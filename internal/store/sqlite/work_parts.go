package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"fanarchive"
)

// inList returns "?, ?, ?" and the arguments for an IN list of IDs.
func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}

// workIndex maps IDs to works and returns the IDs for an IN list.
func workIndex(works []*fanarchive.Work) (map[int64]*fanarchive.Work, []int64) {
	byID := make(map[int64]*fanarchive.Work, len(works))
	ids := make([]int64, len(works))
	for i, w := range works {
		byID[w.ID], ids[i] = w, w.ID
	}
	return byID, ids
}

// loadAuthors sets the authors of each work, in byline order.
func loadAuthors(ctx context.Context, tx *sql.Tx, works []*fanarchive.Work) error {
	byID, ids := workIndex(works)
	in, args := inList(ids)
	rows, err := tx.QueryContext(ctx, `SELECT wa.work_id, a.id, a.name, coalesce(a.user_id, 0) FROM work_authors wa
		JOIN authors a ON a.id = wa.author_id
		WHERE wa.work_id IN (`+in+`) ORDER BY wa.work_id, wa.position`, args...)
	if err != nil {
		return fmt.Errorf("load authors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var workID int64
		var a fanarchive.Author
		if err := rows.Scan(&workID, &a.ID, &a.Name, &a.UserID); err != nil {
			return fmt.Errorf("load authors: %w", err)
		}
		w := byID[workID]
		w.Authors = append(w.Authors, a)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load authors: %w", err)
	}
	return nil
}

// loadTags sets the tags of each work, in their stored order.
func loadTags(ctx context.Context, tx *sql.Tx, works []*fanarchive.Work) error {
	byID, ids := workIndex(works)
	in, args := inList(ids)
	rows, err := tx.QueryContext(ctx, `SELECT wt.work_id, t.id, t.kind, t.name, wt.inferred FROM work_tags wt
		JOIN tags t ON t.id = wt.tag_id
		WHERE wt.work_id IN (`+in+`) ORDER BY wt.work_id, wt.position`, args...)
	if err != nil {
		return fmt.Errorf("load tags: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var workID int64
		var t fanarchive.Tag
		var kind string
		if err := rows.Scan(&workID, &t.ID, &kind, &t.Name, &t.Inferred); err != nil {
			return fmt.Errorf("load tags: %w", err)
		}
		t.Kind = fanarchive.TagKind(kind)
		w := byID[workID]
		w.Tags = append(w.Tags, t)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load tags: %w", err)
	}
	return nil
}

// chapterColumns are the columns scanChapter reads; the body is only read
// when asked for, since listings need the count and titles but not the text.
// A chapter in pages has its pages joined (chapter_pages.go).
func chapterColumns(withBody bool) string {
	body := `''`
	if withBody {
		body = chapterBody
	}
	return `c.id, c.work_id, c.number, c.title, ` + body + `, c.words, c.source_id, c.pages`
}

func scanChapter(row scanner) (*fanarchive.Chapter, error) {
	var ch fanarchive.Chapter
	var sourceID sql.NullInt64
	if err := row.Scan(&ch.ID, &ch.WorkID, &ch.Number, &ch.Title, &ch.Body, &ch.Words, &sourceID, &ch.Pages); err != nil {
		return nil, err
	}
	ch.SourceID = sourceID.Int64
	ch.Pages = max(ch.Pages, 1) // 0: a long chapter not yet in pages (migration 0009), read whole
	return &ch, nil
}

// loadChapters sets the chapters of each work in order, with or without
// their bodies.
func loadChapters(ctx context.Context, tx *sql.Tx, works []*fanarchive.Work, withBody bool) error {
	byID, ids := workIndex(works)
	in, args := inList(ids)
	rows, err := tx.QueryContext(ctx, `SELECT `+chapterColumns(withBody)+` FROM chapters c
		WHERE c.work_id IN (`+in+`) ORDER BY c.work_id, c.number`, args...)
	if err != nil {
		return fmt.Errorf("load chapters: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		ch, err := scanChapter(rows)
		if err != nil {
			return fmt.Errorf("load chapters: %w", err)
		}
		w := byID[ch.WorkID]
		w.Chapters = append(w.Chapters, ch)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load chapters: %w", err)
	}
	return nil
}

// FindChapter returns chapter number n (1-based) of a work, body and input
// included.
// Returns ENOTFOUND if the work (or a work not deleted) or the chapter
// does not exist.
func (s *Store) FindChapter(ctx context.Context, workID int64, n int) (*fanarchive.Chapter, error) {
	var ch *fanarchive.Chapter
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		ch, err = scanChapter(tx.QueryRowContext(ctx, `SELECT `+chapterColumns(true)+` FROM chapters c
			JOIN works w ON w.id = c.work_id AND w.deleted_at IS NULL
			WHERE c.work_id = ? AND c.number = ?`, workID, n))
		if err == nil {
			return tx.QueryRowContext(ctx, `SELECT input_format, input FROM chapters WHERE id = ?`, ch.ID).Scan(&ch.InputFormat, &ch.Input)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if ok, err := exists(ctx, tx, `SELECT 1 FROM works WHERE id = ? AND deleted_at IS NULL`, workID); err != nil {
			return err
		} else if !ok {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d not found.", workID)
		}
		return fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d has no chapter %d.", workID, n)
	})
	if err != nil {
		return nil, fmt.Errorf("find chapter %d of work %d: %w", n, workID, err)
	}
	return ch, nil
}
