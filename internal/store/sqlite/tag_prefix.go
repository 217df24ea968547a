package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"fanarchive"
	"fanarchive/internal/tags"
)

// Tag suggestions for the posting form (fanarchive.TagService), from the
// index tags_prefix on (kind, lower(name)) (migration 0013).

// FindTagsByPrefix returns canonical tags of a kind whose name, or a
// synonym's, begins with prefix.
func (s *Store) FindTagsByPrefix(ctx context.Context, kind fanarchive.TagKind, prefix string, limit int) ([]fanarchive.Tag, error) {
	switch {
	case !kind.Valid():
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "Tag kind %q is not one of %v.", kind, fanarchive.TagKinds)
	case len(prefix) > fanarchive.MaxTagNameLen || !utf8.ValidString(prefix):
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "A tag prefix is valid UTF-8 of at most %d bytes.", fanarchive.MaxTagNameLen)
	}
	if limit <= 0 {
		limit = 10
	}
	limit = min(limit, 50)
	// Tidied as stored names are (a relationship's "Clark / Le" is
	// "Clark/Le"), but a space typed last is kept: "Clark " is not
	// "Clarke".
	p := tags.Clean(kind, prefix)
	if p != "" && strings.HasSuffix(prefix, " ") {
		p += " "
	}
	p = asciiLower(p)
	if p == "" {
		return nil, nil
	}
	var out []fanarchive.Tag
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, tagPrefixQuery, string(kind), p, p+"\U0010FFFF")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() && len(out) < limit {
			t := fanarchive.Tag{Kind: kind}
			if err := rows.Scan(&t.ID, &t.Name); err != nil {
				return err
			}
			if !slices.ContainsFunc(out, func(u fanarchive.Tag) bool { return u.ID == t.ID }) {
				out = append(out, t)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find %s tags by prefix: %w", kind, err)
	}
	return out, nil
}

// tagPrefixQuery finds the tags of a kind (the first argument) whose
// names, lower-cased, are from the second argument up to the third: for a
// prefix p, from p up to p followed by U+10FFFF, the last code point, whose
// UTF-8 sorts after every other's — the names beginning with p in the
// index's (binary) order. (A byte no UTF-8 holds, like 0xFF, would do for
// SQLite, but PostgreSQL refuses text that is not UTF-8.) Each
// match stands for its canonical, suggested if a work that is neither a
// draft nor deleted has it or one of its synonyms.
const tagPrefixQuery = `SELECT c.id, c.name FROM tags t
	JOIN tags c ON c.id = coalesce(t.canonical_id, t.id)
	WHERE t.kind = ? AND lower(t.name) >= ? AND lower(t.name) < ?
	AND EXISTS (SELECT 1 FROM work_tags wt JOIN works w ON w.id = wt.work_id
		WHERE wt.tag_id IN (SELECT c.id UNION ALL SELECT g.id FROM tags g WHERE g.canonical_id = c.id)
		AND w.draft = 0 AND w.deleted_at IS NULL)
	ORDER BY lower(t.name)`

// asciiLower lower-cases ASCII letters only, as SQLite's lower() does.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}
