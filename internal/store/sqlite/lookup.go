package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"fanarchive"
)

// FindAuthorByName returns the author with exactly this name (case and
// spacing included), with its user when it is a pseud; when a pseud and a
// legacy author share the name, the pseud. Returns ENOTFOUND.
func (s *Store) FindAuthorByName(ctx context.Context, name string) (*fanarchive.Author, error) {
	authors, err := s.FindAuthorsByName(ctx, name)
	if err != nil {
		return nil, err
	}
	return &authors[0], nil
}

// FindAuthorsByName returns the authors with exactly this name: the pseud
// first, then the legacy author. Returns ENOTFOUND.
func (s *Store) FindAuthorsByName(ctx context.Context, name string) ([]fanarchive.Author, error) {
	var authors []fanarchive.Author
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, name, coalesce(user_id, 0) FROM authors WHERE name = ?
			ORDER BY user_id IS NULL, id`, name)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a fanarchive.Author
			if err := rows.Scan(&a.ID, &a.Name, &a.UserID); err != nil {
				return err
			}
			authors = append(authors, a)
		}
		if err := rows.Err(); err != nil {
			return err
		} else if len(authors) == 0 {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Author %q not found.", name)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find author: %w", err)
	}
	return authors, nil
}

// FindTag returns the tag of this kind with exactly this name, with the
// name of its canonical when it is a synonym. Inferred is always false:
// whether a tag was inferred belongs to its use on a work. Returns
// ENOTFOUND.
func (s *Store) FindTag(ctx context.Context, kind fanarchive.TagKind, name string) (*fanarchive.Tag, error) {
	t := &fanarchive.Tag{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		var k string
		err := tx.QueryRowContext(ctx, `SELECT t.id, t.kind, t.name, coalesce(c.name, '') FROM tags t
			LEFT JOIN tags c ON c.id = t.canonical_id WHERE t.kind = ? AND t.name = ?`,
			string(kind), name).Scan(&t.ID, &k, &t.Name, &t.Canonical)
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Tag %s %q not found.", kind, name)
		}
		t.Kind = fanarchive.TagKind(k)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find tag: %w", err)
	}
	return t, nil
}

// FindTagSynonyms returns the names of the synonyms of a tag's canonical.
func (s *Store) FindTagSynonyms(ctx context.Context, kind fanarchive.TagKind, name string) ([]string, error) {
	var names []string
	err := s.read(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT coalesce(canonical_id, id) FROM tags WHERE kind = ? AND name = ?`,
			string(kind), name).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Tag %s %q not found.", kind, name)
		} else if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT name FROM tags WHERE canonical_id = ? ORDER BY name`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return err
			}
			names = append(names, n)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find tag synonyms: %w", err)
	}
	return names, nil
}
