package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"fanarchive/internal/prose"
)

// sanitizeBatch is how many chapters sanitizeStoredBodies reads at a time:
// a batch holds at most this many whole bodies in memory.
const sanitizeBatch = 64

// sanitizeStoredBodies is the data migration that migration 0013 asks for:
// every stored chapter body is made one that prose.Sanitize leaves as it is,
// so that pages can show bodies without sanitising them (fanarchive.
// WorkService). Bodies that pass prose.IsSanitized (almost all: importers
// sanitised them) cost a quick read; the others are sanitised, and stored
// again only if that changes them, in pages when long, with their works'
// rows of the text index written again and logged for search. Word counts
// are kept: what sanitising takes out of an imported body is markup, not
// words the importer counted.
func (s *Store) sanitizeStoredBodies(ctx context.Context, tx *sql.Tx) (string, error) {
	checked, changed := 0, 0
	var works []int64
	for after := int64(0); ; {
		type chapter struct {
			id, workID int64
			title      string
			body       string
			words      int
		}
		rows, err := tx.QueryContext(ctx, `SELECT c.id, c.work_id, c.title, `+chapterBody+`, c.words FROM chapters c
			WHERE c.id > ? ORDER BY c.id LIMIT ?`, after, sanitizeBatch)
		if err != nil {
			return "", fmt.Errorf("read chapters: %w", err)
		}
		var batch []chapter
		for rows.Next() {
			var c chapter
			if err := rows.Scan(&c.id, &c.workID, &c.title, &c.body, &c.words); err != nil {
				rows.Close()
				return "", fmt.Errorf("read chapters: %w", err)
			}
			batch = append(batch, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", fmt.Errorf("read chapters: %w", err)
		}
		if len(batch) == 0 {
			break
		}
		for _, c := range batch {
			checked++
			if prose.IsSanitized(c.body) {
				continue
			}
			clean := prose.Sanitize(c.body)
			if clean == c.body {
				continue
			}
			if err := storeBody(ctx, tx, c.id, c.title, clean, splitChapter(clean), c.words); err != nil { // work_chapters.go
				return "", err
			}
			changed++
			if !slices.Contains(works, c.workID) {
				works = append(works, c.workID)
			}
		}
		after = batch[len(batch)-1].id
	}
	for _, id := range works {
		if err := s.reindexWork(ctx, tx, id); err != nil { // review.go; logs it for search
			return "", err
		}
	}
	return fmt.Sprintf("%d chapters checked, %d of %d works sanitised", checked, changed, len(works)), nil
}
