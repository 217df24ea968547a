package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"fanarchive"
	"fanarchive/internal/privacy"
	"fanarchive/internal/prose"
	"fanarchive/internal/search"
	"fanarchive/internal/tags"
)

// This file holds what every write does for search, inside the write's own
// transaction: the full-text row of a work, the change log that in-memory
// indexes catch up from, and the normalisation of new tags.

// logChange appends to the change log (search_changes).
func logChange(ctx context.Context, tx *sql.Tx, workID int64, op string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO search_changes (work_id, op) VALUES (?, ?)`, workID, op); err != nil {
		return fmt.Errorf("log %s of work %d for search: %w", op, workID, err)
	}
	return nil
}

// workText is what the full-text index holds of a work.
type workText struct {
	title, authors, summary, body string
}

// newWorkText gathers a work's text: chapter titles and the plain text of
// every chapter make up the body. The placeholder of a masked address is
// left out, so that searching "address" or "hidden" does not find every
// work that had one.
func newWorkText(w *fanarchive.Work) workText {
	var body strings.Builder
	for _, ch := range w.Chapters {
		if ch.Title != "" {
			body.WriteString(ch.Title)
			body.WriteString("\n\n")
		}
		if ch.Text != "" {
			body.WriteString(ch.Text)
		} else {
			body.WriteString(prose.PlainText(ch.Body))
		}
		body.WriteString("\n\n")
	}
	return workText{
		title:   unhide(w.Title),
		authors: unhide(strings.Join(w.AuthorNames(), "\n")),
		summary: unhide(w.Summary),
		body:    unhide(body.String()),
	}
}

// unhide returns s without privacy.Hidden.
func unhide(s string) string {
	if !strings.Contains(s, privacy.Hidden) {
		return s
	}
	return strings.ReplaceAll(s, privacy.Hidden, " ")
}

// indexText writes a work's text into the full-text index (textIndex).
func (s *Store) indexText(ctx context.Context, tx *sql.Tx, id int64, t workText) error {
	return s.text.indexWork(ctx, tx, id, t)
}

// indexTexts writes the text rows of a batch of works after the batch's
// other rows. FTS5 writes out the text it holds in memory whenever a
// statement on another table opens a savepoint in the transaction, so text
// rows written between each work's other rows cost a third more
// (BenchmarkIndexCorpusText and cmd/benchimport, docs/benchmarks.md).
func (s *Store) indexTexts(ctx context.Context, tx *sql.Tx, texts []pendingText) error {
	for _, p := range texts {
		if err := s.indexText(ctx, tx, p.id, p.t); err != nil {
			return err
		}
	}
	return nil
}

// tagID returns the ID of the tag of this kind and name, creating it if
// needed. The name is tidied first (tags.Clean). A new tag whose normalised
// name (tags.Norm) matches an existing tag of its kind is made a synonym of
// that tag's canonical, so "Lex/Clark" finds the works tagged "Clark/Lex".
func tagID(ctx context.Context, tx *sql.Tx, kind fanarchive.TagKind, name string) (int64, error) {
	name = tags.Clean(kind, name)
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM tags WHERE kind = ? AND name = ?`, string(kind), name).Scan(&id)
	if err == nil {
		return id, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	norm := tags.Norm(kind, name)
	var canonical sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT coalesce(canonical_id, id) FROM tags WHERE kind = ? AND norm = ?
		ORDER BY canonical_id IS NOT NULL, id LIMIT 1`, string(kind), norm).Scan(&canonical)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO tags (kind, name, norm, canonical_id) VALUES (?, ?, ?, ?) RETURNING id`,
		string(kind), name, norm, canonical).Scan(&id); err != nil {
		return 0, err
	}
	return id, nil
}

// unlistWork removes a deleted work from search, in the deleting
// transaction: its text row goes, and the works marked as its duplicates,
// which become listed again, are logged to be read again.
func (s *Store) unlistWork(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO search_changes (work_id, op)
		SELECT id, ? FROM works WHERE duplicate_of = ?`, search.OpPut, id); err != nil {
		return fmt.Errorf("log duplicates of work %d for search: %w", id, err)
	}
	if err := s.text.unindexWork(ctx, tx, id); err != nil {
		return err
	}
	return logChange(ctx, tx, id, search.OpDelete)
}
