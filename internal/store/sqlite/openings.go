package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"fanarchive/internal/prose"
)

// remakeOpenings is the data migration that migration 0017 asks for: every
// work's Begins is made again from the first page of its first chapter
// with prose.Opening, as the importer now makes it, so listings of works
// stored before show a story's first words rather than the header lines
// and notices above them. Only changed rows are written.
func (s *Store) remakeOpenings(ctx context.Context, tx *sql.Tx) (string, error) {
	type work struct {
		id     int64
		begins string
		first  string
	}
	checked, changed := 0, 0
	for after := int64(0); ; {
		rows, err := tx.QueryContext(ctx, `SELECT w.id, w.begins, CASE WHEN c.pages > 1 THEN (SELECT p.body FROM chapter_pages p
			WHERE p.chapter_id = c.id AND p.number = 1) ELSE c.body END
			FROM works w JOIN chapters c ON c.work_id = w.id AND c.number = 1
			WHERE w.id > ? ORDER BY w.id LIMIT ?`, after, sanitizeBatch)
		if err != nil {
			return "", fmt.Errorf("read openings: %w", err)
		}
		var batch []work
		for rows.Next() {
			var w work
			if err := rows.Scan(&w.id, &w.begins, &w.first); err != nil {
				rows.Close()
				return "", fmt.Errorf("read openings: %w", err)
			}
			batch = append(batch, w)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", fmt.Errorf("read openings: %w", err)
		}
		if len(batch) == 0 {
			break
		}
		for _, w := range batch {
			checked++
			after = w.id
			begins := prose.Opening(prose.PlainText(w.first), beginsWords)
			if begins == w.begins {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE works SET begins = ? WHERE id = ?`, begins, w.id); err != nil {
				return "", fmt.Errorf("update opening of work %d: %w", w.id, err)
			}
			changed++
		}
	}
	return fmt.Sprintf("%d of %d works' openings made again", changed, checked), nil
}
