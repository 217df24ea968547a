package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"fanarchive"
)

// FindPseud returns the pseud with this author ID.
func (s *Store) FindPseud(ctx context.Context, id int64) (*fanarchive.Pseud, error) {
	p := &fanarchive.Pseud{Author: fanarchive.Author{ID: id}}
	err := s.read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT name, user_id, is_default FROM authors WHERE id = ? AND user_id IS NOT NULL`, id).
			Scan(&p.Name, &p.UserID, &p.Default)
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such pseud.")
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find pseud %d: %w", id, err)
	}
	return p, nil
}

// FindPseuds returns a user's pseuds, the default first, with work counts.
func (s *Store) FindPseuds(ctx context.Context, userID int64) ([]*fanarchive.Pseud, error) {
	var pseuds []*fanarchive.Pseud
	err := s.read(ctx, func(tx *sql.Tx) error {
		if _, err := findUser(ctx, tx, `u.id = ?`, userID); err != nil {
			return err
		}
		var err error
		pseuds, err = findPseuds(ctx, tx, userID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find pseuds of user %d: %w", userID, err)
	}
	return pseuds, nil
}

func findPseuds(ctx context.Context, tx *sql.Tx, userID int64) ([]*fanarchive.Pseud, error) {
	// Works are counted as the author page lists them: fiction that is not
	// a duplicate.
	rows, err := tx.QueryContext(ctx, `SELECT a.id, a.name, a.is_default,
			(SELECT COUNT(*) FROM work_authors wa JOIN works w ON w.id = wa.work_id
			 WHERE wa.author_id = a.id AND w.kind = 'fiction' AND w.duplicate_of IS NULL)
		FROM authors a WHERE a.user_id = ? ORDER BY a.is_default DESC, a.name_key`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var pseuds []*fanarchive.Pseud
	for rows.Next() {
		p := &fanarchive.Pseud{Author: fanarchive.Author{UserID: userID}}
		if err := rows.Scan(&p.ID, &p.Name, &p.Default, &p.Works); err != nil {
			return nil, err
		}
		pseuds = append(pseuds, p)
	}
	return pseuds, rows.Err()
}

// CreatePseud adds a pseud to a user.
func (s *Store) CreatePseud(ctx context.Context, userID int64, name string) (*fanarchive.Pseud, error) {
	if err := fanarchive.ValidateUserName(name); err != nil {
		return nil, err
	}
	p := &fanarchive.Pseud{Author: fanarchive.Author{Name: name, UserID: userID}}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := findUser(ctx, tx, `u.id = ?`, userID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM authors WHERE user_id = ?`, userID).Scan(&n); err != nil {
			return err
		} else if n >= fanarchive.MaxPseuds {
			return fanarchive.Errorf(fanarchive.EINVALID, "An account has at most %d pseuds.", fanarchive.MaxPseuds)
		}
		if err := nameTaken(ctx, tx, name, 0); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO authors (name, user_id, name_key) VALUES (?, ?, ?) RETURNING id`,
			name, userID, fanarchive.UserNameKey(name)).Scan(&p.ID)
	})
	if err != nil {
		return nil, fmt.Errorf("create pseud %q: %w", name, err)
	}
	return p, nil
}

// userPseud returns one of the user's pseuds other than the default, or
// ENOTFOUND / EINVALID.
func userPseud(ctx context.Context, tx *sql.Tx, userID, pseudID int64) (*fanarchive.Pseud, error) {
	p := &fanarchive.Pseud{Author: fanarchive.Author{ID: pseudID, UserID: userID}}
	err := tx.QueryRowContext(ctx, `SELECT name, is_default FROM authors WHERE id = ? AND user_id = ?`, pseudID, userID).
		Scan(&p.Name, &p.Default)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "You have no such pseud.")
	} else if err != nil {
		return nil, err
	}
	if p.Default {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "Your default pseud is your user name; it cannot be renamed or deleted.")
	}
	return p, nil
}

// RenamePseud renames a pseud and re-indexes its works.
func (s *Store) RenamePseud(ctx context.Context, userID, pseudID int64, name string) error {
	if err := fanarchive.ValidateUserName(name); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		p, err := userPseud(ctx, tx, userID, pseudID)
		if err != nil {
			return err
		}
		if p.Name == name {
			return nil
		}
		if err := nameTaken(ctx, tx, name, pseudID); err != nil {
			return err
		}
		works, err := authorWorks(ctx, tx, pseudID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE authors SET name = ?, name_key = ? WHERE id = ?`,
			name, fanarchive.UserNameKey(name), pseudID); err != nil {
			return err
		}
		return s.reindexWorks(ctx, tx, works)
	})
	if err != nil {
		return fmt.Errorf("rename pseud %d: %w", pseudID, err)
	}
	return nil
}

// DeletePseud deletes a pseud; its works move to the default pseud.
func (s *Store) DeletePseud(ctx context.Context, userID, pseudID int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := userPseud(ctx, tx, userID, pseudID); err != nil {
			return err
		}
		var def int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM authors WHERE user_id = ? AND is_default = 1`, userID).Scan(&def); err != nil {
			return fmt.Errorf("default pseud: %w", err)
		}
		works, err := authorWorks(ctx, tx, pseudID)
		if err != nil {
			return err
		}
		if err := moveAuthorLinks(ctx, tx, pseudID, def); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM authors WHERE id = ?`, pseudID); err != nil {
			return err
		}
		return s.reindexWorks(ctx, tx, works)
	})
	if err != nil {
		return fmt.Errorf("delete pseud %d: %w", pseudID, err)
	}
	return nil
}

// authorWorks returns the IDs of the works an author is on.
func authorWorks(ctx context.Context, tx *sql.Tx, authorID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT work_id FROM work_authors WHERE author_id = ? ORDER BY work_id`, authorID)
	if err != nil {
		return nil, err
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

// moveAuthorLinks puts author to in from's place on every work from is on
// (at from's position), and takes from off works that to is on already.
func moveAuthorLinks(ctx context.Context, tx *sql.Tx, from, to int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE work_authors SET author_id = ? WHERE author_id = ?
		AND NOT EXISTS (SELECT 1 FROM work_authors x WHERE x.work_id = work_authors.work_id AND x.author_id = ?)`,
		to, from, to); err != nil {
		return fmt.Errorf("move works of author %d: %w", from, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM work_authors WHERE author_id = ?`, from); err != nil {
		return fmt.Errorf("unlink works of author %d: %w", from, err)
	}
	return nil
}

// reindexWorks updates the search index of works whose authors changed.
func (s *Store) reindexWorks(ctx context.Context, tx *sql.Tx, ids []int64) error {
	for _, id := range ids {
		if err := s.reindexWork(ctx, tx, id); err != nil { // review.go
			return err
		}
	}
	return nil
}
