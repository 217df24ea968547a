package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"fanarchive"
)

// DeleteUser deletes an account, orphaning or deleting its works.
func (s *Store) DeleteUser(ctx context.Context, userID int64, orphan bool) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := findUser(ctx, tx, `u.id = ?`, userID); err != nil {
			return err
		}
		pseuds, err := findPseuds(ctx, tx, userID)
		if err != nil {
			return err
		}
		var orphanID int64
		if orphan {
			if orphanID, err = orphanAuthor(ctx, tx); err != nil {
				return err
			}
		}
		changed := map[int64]bool{}
		for _, p := range pseuds {
			works, err := authorWorks(ctx, tx, p.ID)
			if err != nil {
				return err
			}
			for _, w := range works {
				changed[w] = true
			}
		}
		var reindex []int64
		for w := range changed {
			if !orphan {
				// A work only this user's pseuds are on goes; others only
				// lose them.
				var others int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM work_authors wa JOIN authors a ON a.id = wa.author_id
					WHERE wa.work_id = ? AND (a.user_id IS NULL OR a.user_id != ?)`, w, userID).Scan(&others); err != nil {
					return err
				}
				if others == 0 {
					if err := s.deleteWorkIn(ctx, tx, w); err != nil {
						return err
					}
					continue
				}
			}
			reindex = append(reindex, w)
		}
		for _, p := range pseuds {
			if orphan {
				err = moveAuthorLinks(ctx, tx, p.ID, orphanID)
			} else {
				_, err = tx.ExecContext(ctx, `DELETE FROM work_authors WHERE author_id = ?`, p.ID)
			}
			if err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM authors WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("delete pseuds: %w", err)
		}
		// Sessions, tokens and roles go with the row (ON DELETE CASCADE).
		if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, userID); err != nil {
			return err
		}
		return s.reindexWorks(ctx, tx, sortedIDs(reindex))
	})
	if err != nil {
		return fmt.Errorf("delete user %d: %w", userID, err)
	}
	return nil
}

// orphanAuthor returns the ID of the shared orphan_account author, making it
// when first needed. It belongs to no user.
func orphanAuthor(ctx context.Context, tx *sql.Tx) (int64, error) {
	name := fanarchive.OrphanAuthorName
	id, err := getOrCreate(ctx, tx, `SELECT id FROM authors WHERE name = ?`, []any{name},
		`INSERT INTO authors (name, name_key) VALUES (?, ?) RETURNING id`, name, fanarchive.UserNameKey(name))
	if err != nil {
		return 0, fmt.Errorf("orphan_account: %w", err)
	}
	return id, nil
}

// deleteWorkIn deletes a work inside tx, as DeleteWork does (work_delete.go):
// out of search, its origin remembered so that importing it again does not
// bring it back, out of its series, its chapters and links gone, its
// sources kept.
func (s *Store) deleteWorkIn(ctx context.Context, tx *sql.Tx, id int64) error {
	if err := s.unlistWork(ctx, tx, id); err != nil { // search_write.go
		return err
	}
	return s.deleteWorkRow(ctx, tx, id)
}

// sortedIDs returns ids in increasing order, so that writes happen in a
// repeatable order.
func sortedIDs(ids []int64) []int64 {
	slices.Sort(ids)
	return ids
}
