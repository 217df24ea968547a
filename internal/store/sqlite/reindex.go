package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"fanarchive"
	"fanarchive/internal/tags"
)

// reindexBatch is how many works Reindex reads at a time.
const reindexBatch = 500

// Reindex rebuilds everything search keeps in the database from the works
// themselves, in one transaction (searches meanwhile see the old index, then
// the new one): every tag's normalised name, the whole full-text index,
// which it then merges into one segment for the fastest queries, and the
// impact lists of common words (impact_build.go). It also
// empties the change log: search processes that have not applied all of it
// reload their in-memory index from scratch, as every process does when it
// starts. progress, if not nil, is called after each batch of works.
func (s *Store) Reindex(ctx context.Context, progress func(done, total int)) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := renormalizeTags(ctx, tx); err != nil {
			return err
		}
		if err := s.text.clearWorks(ctx, tx); err != nil {
			return err
		}
		var total int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM works`).Scan(&total); err != nil {
			return err
		}
		done := 0
		for after := int64(0); ; {
			works, err := reindexWorks(ctx, tx, after)
			if err != nil {
				return err
			}
			if len(works) == 0 {
				break
			}
			for _, w := range works {
				if err := s.indexText(ctx, tx, w.ID, newWorkText(w)); err != nil {
					return err
				}
			}
			after = works[len(works)-1].ID
			done += len(works)
			if progress != nil {
				progress(done, total)
			}
		}
		if err := s.text.finishReindex(ctx, tx); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE search_state SET text_built = 1,
			trimmed = coalesce((SELECT max(seq) FROM search_changes), trimmed)`)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM search_changes`)
		return err
	})
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	return nil
}

// reindexWorks reads the next batch of works after an ID, with what their
// text is made of.
func reindexWorks(ctx context.Context, tx *sql.Tx, after int64) ([]*fanarchive.Work, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+workColumns+` FROM works w WHERE w.id > ? ORDER BY w.id LIMIT ?`, after, reindexBatch)
	if err != nil {
		return nil, fmt.Errorf("read works: %w", err)
	}
	var works []*fanarchive.Work
	for rows.Next() {
		w, err := scanWork(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		works = append(works, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(works) == 0 {
		return nil, err
	}
	if err := loadAuthors(ctx, tx, works); err != nil {
		return nil, err
	}
	if err := loadChapters(ctx, tx, works, true); err != nil {
		return nil, err
	}
	return works, nil
}

// renormalizeTags recomputes every tag's norm with the rules of package
// tags, for tags stored before those rules (or before a change to them).
// It changes no synonyms: those are the archivist's (see ProposeSynonyms).
func renormalizeTags(ctx context.Context, tx *sql.Tx) error {
	all, err := allTags(ctx, tx)
	if err != nil {
		return err
	}
	for _, t := range all {
		norm := tags.Norm(t.Kind, t.Name)
		if _, err := tx.ExecContext(ctx, `UPDATE tags SET norm = ? WHERE id = ? AND norm <> ?`, norm, t.ID, norm); err != nil {
			return fmt.Errorf("normalise tag %d: %w", t.ID, err)
		}
	}
	return nil
}

// EnsureSearchText builds the full-text index if works stored before it
// existed are missing from it (a database from before migration 0002), and
// reports whether it did.
func (s *Store) EnsureSearchText(ctx context.Context) (bool, error) {
	var built bool
	if err := s.db.QueryRowContext(ctx, `SELECT text_built FROM search_state`).Scan(&built); err != nil {
		return false, fmt.Errorf("search state: %w", err)
	}
	if built {
		return false, nil
	}
	s.logger.Info("building the full-text index for works stored before it existed")
	return true, s.Reindex(ctx, nil)
}
