package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"fanarchive"
)

// claimWorks returns the works of a claim's legacy author that its scope
// moves, and the rest, which stay with the legacy author. key is the
// address key the claim rests on. Returns EINVALID when nothing would move.
func claimWorks(ctx context.Context, tx *sql.Tx, c *fanarchive.Claim, key string) (move, rest []int64, err error) {
	works, err := worksOfAuthor(ctx, tx, c.AuthorID)
	if err != nil {
		return nil, nil, err
	}
	if c.Scope == fanarchive.ScopeAddress && key == "" {
		return nil, nil, fanarchive.Errorf(fanarchive.EINVALID, "The work's header names no address: move the work alone, or every work by the name.")
	}
	for _, w := range works {
		switch {
		case c.Scope == fanarchive.ScopeAll,
			c.Scope == fanarchive.ScopeWork && w.id == c.WorkID,
			c.Scope == fanarchive.ScopeAddress && w.key == key:
			move = append(move, w.id)
		default:
			rest = append(rest, w.id)
		}
	}
	if len(move) == 0 {
		return nil, nil, fanarchive.Errorf(fanarchive.EINVALID, "No work by %s is in that claim any more.", c.AuthorName)
	}
	return move, rest, nil
}

// settleClaim moves the works of claim c's legacy author within its scope
// to a pseud of its user, in tx, and sets c.PseudID and c.Works:
//
//   - to c.PseudID, when the claimant or the archivist chose one of the
//     user's pseuds: the legacy author keeps the rest, or goes if none is
//     left;
//   - to the user's pseud of the same name (by UserNameKey), if they have
//     one: the legacy author keeps the rest, or goes if none is left;
//   - else, when every work of the legacy author moves, the legacy author
//     itself becomes the user's pseud, keeping its ID;
//   - else to a new pseud of the user with the same name, while the legacy
//     author keeps the works with another address or none.
//
// Search sees the moved works under the pseud in the same commit; the
// caller then records the claim (claimSettled). Returns
// ECONFLICT when the author is no longer a legacy author or another
// account has a pseud of its name, EINVALID when nothing moves or the
// user has MaxPseuds or is disabled.
func (s *Store) settleClaim(ctx context.Context, tx *sql.Tx, c *fanarchive.Claim, key string) error {
	var name string
	var owner sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT name, user_id FROM authors WHERE id = ?`, c.AuthorID).Scan(&name, &owner)
	if errors.Is(err, sql.ErrNoRows) || err == nil && owner.Valid {
		return fanarchive.Errorf(fanarchive.ECONFLICT, "The works of %s have been claimed already.", c.AuthorName)
	} else if err != nil {
		return err
	}
	u, err := findUser(ctx, tx, `u.id = ?`, c.UserID)
	if err != nil {
		return err
	} else if u.Disabled {
		return fanarchive.Errorf(fanarchive.EINVALID, "That account is disabled.")
	}
	move, rest, err := claimWorks(ctx, tx, c, key)
	if err != nil {
		return err
	}
	if c.PseudID != 0 && c.PseudID != c.AuthorID {
		// The pseud the claimant (or the archivist) chose.
		if err := ownPseud(ctx, tx, c.PseudID, u.ID); err != nil {
			return err
		}
		return s.moveClaimedWorks(ctx, tx, c, move, rest)
	}
	nameKey := fanarchive.UserNameKey(name)
	var pseud, other sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT id, user_id FROM authors WHERE name_key = ? AND user_id IS NOT NULL`, nameKey).
		Scan(&pseud, &other); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	switch {
	case pseud.Valid && other.Int64 != u.ID:
		return fanarchive.Errorf(fanarchive.ECONFLICT, "Another account has a pseud named %s, so the works cannot take that name; an archivist can settle this.", name)
	case pseud.Valid:
		c.PseudID = pseud.Int64
	default:
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM authors WHERE user_id = ?`, u.ID).Scan(&n); err != nil {
			return err
		} else if n >= fanarchive.MaxPseuds {
			return fanarchive.Errorf(fanarchive.EINVALID, "%s has %d pseuds, the most an account may have; delete one first.", u.Name, n)
		}
		if len(rest) == 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE authors SET user_id = ? WHERE id = ?`, u.ID, c.AuthorID); err != nil {
				return fmt.Errorf("make author %d a pseud: %w", c.AuthorID, err)
			}
			c.PseudID = c.AuthorID
			break
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO authors (name, user_id, name_key) VALUES (?, ?, ?) RETURNING id`,
			name, u.ID, nameKey).Scan(&c.PseudID); err != nil {
			return fmt.Errorf("new pseud %q: %w", name, err)
		}
	}
	return s.moveClaimedWorks(ctx, tx, c, move, rest)
}

// moveClaimedWorks moves the works move from claim c's legacy author to
// c.PseudID (unless the legacy author became that pseud), deleting the
// legacy author when no works (rest) are left to it, and sets c.Works.
func (s *Store) moveClaimedWorks(ctx context.Context, tx *sql.Tx, c *fanarchive.Claim, move, rest []int64) error {
	if c.PseudID != c.AuthorID {
		for _, w := range move {
			// A work the pseud is on already keeps that link (the
			// legacy one goes below).
			if _, err := tx.ExecContext(ctx, `UPDATE work_authors SET author_id = ? WHERE author_id = ? AND work_id = ?
				AND NOT EXISTS (SELECT 1 FROM work_authors x WHERE x.work_id = work_authors.work_id AND x.author_id = ?)`,
				c.PseudID, c.AuthorID, w, c.PseudID); err != nil {
				return fmt.Errorf("move work %d: %w", w, err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM work_authors WHERE author_id = ? AND work_id = ?`, c.AuthorID, w); err != nil {
				return fmt.Errorf("move work %d: %w", w, err)
			}
		}
		if len(rest) == 0 {
			// Nothing is left under the legacy name.
			if _, err := tx.ExecContext(ctx, `DELETE FROM authors WHERE id = ?`, c.AuthorID); err != nil {
				return fmt.Errorf("delete author %d: %w", c.AuthorID, err)
			}
			c.AuthorID = 0
		}
	}
	c.Works = slices.Clone(move)
	return s.reindexWorks(ctx, tx, move) // pseuds.go
}
