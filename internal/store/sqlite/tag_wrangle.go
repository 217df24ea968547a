package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"fanarchive"
	"fanarchive/internal/search"
	"fanarchive/internal/tags"
)

// storedTag is a row of tags.
type storedTag struct {
	id        int64
	name      string
	canonical sql.NullInt64
}

// root is the canonical a tag resolves to.
func (t storedTag) root() int64 {
	if t.canonical.Valid {
		return t.canonical.Int64
	}
	return t.id
}

// findTag reads the tag of a kind with a name, as given or tidied
// (tags.Clean). Returns ENOTFOUND.
func findTag(ctx context.Context, tx *sql.Tx, kind fanarchive.TagKind, name string) (storedTag, error) {
	var t storedTag
	for _, n := range []string{name, tags.Clean(kind, name)} {
		err := tx.QueryRowContext(ctx, `SELECT id, name, canonical_id FROM tags WHERE kind = ? AND name = ?`,
			string(kind), n).Scan(&t.id, &t.name, &t.canonical)
		if err == nil {
			return t, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return t, fmt.Errorf("find tag: %w", err)
		}
	}
	return t, fanarchive.Errorf(fanarchive.ENOTFOUND, "There is no %s tag %q.", kind, name)
}

// validKind returns EINVALID for an unknown tag kind.
func validKind(kind fanarchive.TagKind) error {
	if !kind.Valid() {
		return fanarchive.Errorf(fanarchive.EINVALID, "Tag kind %q is not one of %v.", kind, fanarchive.TagKinds)
	}
	return nil
}

// SetTagSynonym makes name a synonym of canonical's canonical, together
// with name's own synonyms, and logs the change for search.
func (s *Store) SetTagSynonym(ctx context.Context, kind fanarchive.TagKind, name, canonical string) error {
	if err := validKind(kind); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		a, err := findTag(ctx, tx, kind, name)
		if err != nil {
			return err
		}
		c, err := findTag(ctx, tx, kind, canonical)
		if err != nil {
			return err
		}
		if c.root() == a.id {
			return fanarchive.Errorf(fanarchive.EINVALID, "%q cannot be a synonym of %q: %q is %s.",
				a.name, c.name, c.name, map[bool]string{true: "the same tag", false: "already its synonym"}[a.id == c.id])
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tags SET canonical_id = ? WHERE id = ? OR canonical_id = ?`,
			c.root(), a.id, a.id); err != nil {
			return fmt.Errorf("set synonym: %w", err)
		}
		return logChange(ctx, tx, 0, search.OpTags)
	})
	if err != nil {
		return fmt.Errorf("make %s tag %q a synonym of %q: %w", kind, name, canonical, err)
	}
	return nil
}

// RenameTag renames a tag; its norm follows the new name. Synonyms stay as
// they are.
func (s *Store) RenameTag(ctx context.Context, kind fanarchive.TagKind, oldName, newName string) error {
	if err := validKind(kind); err != nil {
		return err
	}
	newName = tags.Clean(kind, newName)
	if err := (fanarchive.Tag{Kind: kind, Name: newName}).Validate(); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		a, err := findTag(ctx, tx, kind, oldName)
		if err != nil {
			return err
		}
		if other, err := findTag(ctx, tx, kind, newName); err == nil && other.id != a.id {
			return fanarchive.Errorf(fanarchive.ECONFLICT, "There is already a %s tag %q; merge the two instead.", kind, other.name)
		} else if err != nil && fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tags SET name = ?, norm = ? WHERE id = ?`,
			newName, tags.Norm(kind, newName), a.id); err != nil {
			return fmt.Errorf("rename: %w", err)
		}
		return logChange(ctx, tx, 0, search.OpTags)
	})
	if err != nil {
		return fmt.Errorf("rename %s tag %q: %w", kind, oldName, err)
	}
	return nil
}

// MergeTags re-tags every work tagged from with into (a work that has both
// keeps one), then makes from and its synonyms synonyms of into's
// canonical. Each re-tagged work is logged for search.
func (s *Store) MergeTags(ctx context.Context, kind fanarchive.TagKind, from, into string) error {
	if err := validKind(kind); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		f, err := findTag(ctx, tx, kind, from)
		if err != nil {
			return err
		}
		i, err := findTag(ctx, tx, kind, into)
		if err != nil {
			return err
		}
		if f.id == i.id || i.root() == f.id {
			return fanarchive.Errorf(fanarchive.EINVALID, "%q cannot be merged into %q, which is the same tag or its synonym; merge the other way.", f.name, i.name)
		}
		for _, q := range []struct {
			query string
			args  []any
		}{
			{`INSERT INTO search_changes (work_id, op) SELECT work_id, 'put' FROM work_tags WHERE tag_id = ?`, []any{f.id}},
			// A work tagged with both keeps its link to into; the other goes below.
			{`UPDATE work_tags SET tag_id = ? WHERE tag_id = ?
				AND NOT EXISTS (SELECT 1 FROM work_tags x WHERE x.work_id = work_tags.work_id AND x.tag_id = ?)`,
				[]any{i.id, f.id, i.id}},
			{`DELETE FROM work_tags WHERE tag_id = ?`, []any{f.id}},
			{`UPDATE tags SET canonical_id = ? WHERE id = ? OR canonical_id = ?`, []any{i.root(), f.id, f.id}},
		} {
			if _, err := tx.ExecContext(ctx, q.query, q.args...); err != nil {
				return fmt.Errorf("merge: %w", err)
			}
		}
		return logChange(ctx, tx, 0, search.OpTags)
	})
	if err != nil {
		return fmt.Errorf("merge %s tag %q into %q: %w", kind, from, into, err)
	}
	return nil
}

// maxUsageFandoms is how many fandoms TagUsages lists per tag.
const maxUsageFandoms = 3

// TagUsages returns every tag with its canonical's name, its number of
// works and, for characters and relationships, the (canonical) fandoms its
// works are in. On a large archive this reads every tag link; it is meant
// for the archivist's command line, not for pages.
func (s *Store) TagUsages(ctx context.Context) ([]fanarchive.TagUsage, error) {
	var out []fanarchive.TagUsage
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT t.id, t.kind, t.name, coalesce(c.name, ''),
			(SELECT COUNT(*) FROM work_tags wt WHERE wt.tag_id = t.id)
			FROM tags t LEFT JOIN tags c ON c.id = t.canonical_id ORDER BY t.kind, t.name, t.id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		byID := map[int64]int{}
		for rows.Next() {
			var u fanarchive.TagUsage
			var kind string
			if err := rows.Scan(&u.ID, &kind, &u.Name, &u.Canonical, &u.Works); err != nil {
				return err
			}
			u.Kind = fanarchive.TagKind(kind)
			byID[u.ID] = len(out)
			out = append(out, u)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return usageFandoms(ctx, tx, out, byID)
	})
	if err != nil {
		return nil, fmt.Errorf("tag usages: %w", err)
	}
	return out, nil
}

// usageFandoms fills in the fandoms of character and relationship usages.
func usageFandoms(ctx context.Context, tx *sql.Tx, out []fanarchive.TagUsage, byID map[int64]int) error {
	rows, err := tx.QueryContext(ctx, `SELECT wt.tag_id, coalesce(fc.name, f.name), COUNT(*)
		FROM tags t
		JOIN work_tags wt ON wt.tag_id = t.id
		JOIN work_tags wf ON wf.work_id = wt.work_id
		JOIN tags f ON f.id = wf.tag_id AND f.kind = 'fandom'
		LEFT JOIN tags fc ON fc.id = f.canonical_id
		WHERE t.kind IN ('character', 'relationship')
		GROUP BY wt.tag_id, coalesce(fc.name, f.name)`)
	if err != nil {
		return err
	}
	defer rows.Close()
	type fandomCount struct {
		name string
		n    int
	}
	counts := map[int64][]fandomCount{}
	for rows.Next() {
		var id int64
		var fc fandomCount
		if err := rows.Scan(&id, &fc.name, &fc.n); err != nil {
			return err
		}
		counts[id] = append(counts[id], fc)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for id, fcs := range counts {
		slices.SortFunc(fcs, func(a, b fandomCount) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.name, b.name)) })
		i, ok := byID[id]
		if !ok {
			continue
		}
		for _, fc := range fcs[:min(len(fcs), maxUsageFandoms)] {
			out[i].Fandoms = append(out[i].Fandoms, fc.name)
		}
	}
	return nil
}
