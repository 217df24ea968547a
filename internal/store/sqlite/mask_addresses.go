package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"fanarchive"
	"fanarchive/internal/privacy"
	"fanarchive/internal/prose"
	"fanarchive/internal/search"
)

// dataMigrations are the tasks in Go that SQL migrations ask for by name
// (table pending_data_migrations), run by Open after the SQL migrations.
var dataMigrations = map[string]func(s *Store, ctx context.Context, tx *sql.Tx) (string, error){
	"mask-addresses":  (*Store).maskStoredAddresses,
	"sanitize-bodies": (*Store).sanitizeStoredBodies, // sanitize_bodies.go
	"openings":        (*Store).remakeOpenings,       // openings.go
}

// runDataMigrations runs each pending task in its own transaction with the
// deletion of its row, so it runs once, wholly or not at all.
func (s *Store) runDataMigrations(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM pending_data_migrations ORDER BY name`)
	if err != nil {
		return fmt.Errorf("sqlite: pending data migrations: %w", err)
	}
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return fmt.Errorf("sqlite: pending data migrations: %w", err)
		}
		names = append(names, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: pending data migrations: %w", err)
	}
	for _, name := range names {
		run, ok := dataMigrations[name]
		if !ok {
			return fmt.Errorf("sqlite: data migration %q is unknown to this version", name)
		}
		var report string
		err := s.write(ctx, func(tx *sql.Tx) error {
			var err error
			if report, err = run(s, ctx, tx); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `DELETE FROM pending_data_migrations WHERE name = ?`, name)
			return err
		})
		if err != nil {
			return fmt.Errorf("sqlite: data migration %s: %w", name, err)
		}
		s.logger.Info("applied data migration", "migration", name, "result", report, "path", s.path)
	}
	return nil
}

// maskStoredAddresses masks the addresses in the derived fields of every
// stored work, as the importer now does before storing one
// (privacy.MaskWork): works, chapters, bylines, tags, and the sources'
// list and archive names. A changed work's row of the full-text index is
// written again and logged for search. Authors and tags whose names held
// an address are replaced by masked ones and then deleted, so no page
// finds them by their old names. Feedback contacts and raw files are left
// as they are: private, by design.
func (s *Store) maskStoredAddresses(ctx context.Context, tx *sql.Tx) (string, error) {
	changed := 0
	for after := int64(0); ; {
		works, err := reindexWorks(ctx, tx, after)
		if err != nil {
			return "", err
		}
		if len(works) == 0 {
			break
		}
		if err := loadTags(ctx, tx, works); err != nil {
			return "", err
		}
		for _, w := range works {
			ok, err := s.maskStoredWork(ctx, tx, w)
			if err != nil {
				return "", fmt.Errorf("work %d: %w", w.ID, err)
			}
			if ok {
				changed++
			}
		}
		after = works[len(works)-1].ID
	}
	authors, err := deleteMaskedNames(ctx, tx, `SELECT id, name FROM authors
		WHERE NOT EXISTS (SELECT 1 FROM work_authors wa WHERE wa.author_id = authors.id)`,
		`DELETE FROM authors WHERE id = ?`)
	if err != nil {
		return "", fmt.Errorf("authors: %w", err)
	}
	tagsGone, err := deleteMaskedNames(ctx, tx, `SELECT id, name FROM tags
		WHERE NOT EXISTS (SELECT 1 FROM work_tags wt WHERE wt.tag_id = tags.id)`,
		`UPDATE tags SET canonical_id = NULL WHERE canonical_id = ?`, `DELETE FROM tags WHERE id = ?`)
	if err != nil {
		return "", fmt.Errorf("tags: %w", err)
	}
	if tagsGone > 0 {
		if err := logChange(ctx, tx, 0, search.OpTags); err != nil {
			return "", err
		}
	}
	sources, err := maskSourceNames(ctx, tx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d works, %d sources changed; %d authors and %d tags renamed", changed, sources, authors, tagsGone), nil
}

// maskStoredWork masks one stored work (loaded with authors, tags and
// chapter bodies) and writes back what changed.
func (s *Store) maskStoredWork(ctx context.Context, tx *sql.Tx, w *fanarchive.Work) (bool, error) {
	type chapter struct{ title, body string }
	before := make([]chapter, len(w.Chapters))
	for i, c := range w.Chapters {
		before[i] = chapter{c.Title, c.Body}
	}
	authors, tags := slices.Clone(w.Authors), slices.Clone(w.Tags)
	if !privacy.MaskWork(w) {
		return false, nil
	}
	if err := s.saveWork(ctx, tx, w); err != nil {
		return false, err
	}
	for i, c := range w.Chapters {
		if before[i] == (chapter{c.Title, c.Body}) {
			continue
		}
		// The body is stored as any chapter's is: sanitised, in pages when
		// it is long (chapter_pages.go), else in chapters.body.
		c.Body = prose.Clean(c.Body)
		pages := splitChapter(c.Body)
		body := c.Body
		if len(pages) > 1 {
			body = ""
		}
		if _, err := tx.ExecContext(ctx, `UPDATE chapters SET title = ?, body = ? WHERE id = ?`, c.Title, body, c.ID); err != nil {
			return false, fmt.Errorf("update chapter %d: %w", c.Number, err)
		}
		if err := writePages(ctx, tx, c.ID, pages); err != nil {
			return false, err
		}
	}
	if !slices.Equal(authors, w.Authors) {
		if err := writeAuthors(ctx, tx, w); err != nil {
			return false, err
		}
	}
	if !slices.Equal(tags, w.Tags) {
		if err := writeTags(ctx, tx, w); err != nil {
			return false, err
		}
	}
	if err := s.text.unindexWork(ctx, tx, w.ID); err != nil {
		return false, err
	}
	if err := s.indexText(ctx, tx, w.ID, newWorkText(w)); err != nil {
		return false, err
	}
	return true, logChange(ctx, tx, w.ID, search.OpPut)
}

// deleteMaskedNames runs the statements del on the ID of each row (id,
// name) of query whose name holds an address, and returns how many.
func deleteMaskedNames(ctx context.Context, tx *sql.Tx, query string, del ...string) (int, error) {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return 0, err
		}
		if privacy.Mask(name) != name {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, id := range ids {
		for _, stmt := range del {
			if _, err := tx.ExecContext(ctx, stmt, id); err != nil {
				return 0, err
			}
		}
	}
	return len(ids), nil
}

// maskSourceNames masks the list and archive names of every source, and
// returns how many changed.
func maskSourceNames(ctx context.Context, tx *sql.Tx) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, list, archive FROM sources`)
	if err != nil {
		return 0, fmt.Errorf("read sources: %w", err)
	}
	type names struct {
		id            int64
		list, archive string
	}
	var changed []names
	for rows.Next() {
		var n names
		if err := rows.Scan(&n.id, &n.list, &n.archive); err != nil {
			rows.Close()
			return 0, fmt.Errorf("read sources: %w", err)
		}
		if l, a := privacy.Mask(n.list), privacy.Mask(n.archive); l != n.list || a != n.archive {
			changed = append(changed, names{n.id, l, a})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("read sources: %w", err)
	}
	for _, n := range changed {
		if _, err := tx.ExecContext(ctx, `UPDATE sources SET list = ?, archive = ? WHERE id = ?`, n.list, n.archive, n.id); err != nil {
			return 0, fmt.Errorf("update source %d: %w", n.id, err)
		}
	}
	return len(changed), nil
}
