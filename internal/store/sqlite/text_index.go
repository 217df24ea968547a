package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"fanarchive/internal/search"
)

// textIndex is the full-text index of works and of list messages: SQLite's
// FTS5 tables with impact lists (ftsText: fts.go, impact*.go), or
// PostgreSQL's tsvector with GIN (pgText: pg_text.go). The search engine
// reads it through the Store's search.Source methods, which hand each call
// to the Store's index; writes reach it in the transaction that changes
// the work or message.
type textIndex interface {
	// indexWork adds a work's text; unindexWork removes it.
	indexWork(ctx context.Context, tx *sql.Tx, id int64, t workText) error
	unindexWork(ctx context.Context, tx *sql.Tx, id int64) error
	// clearWorks empties the works' index before a reindex writes every
	// work again; finishReindex runs after.
	clearWorks(ctx context.Context, tx *sql.Tx) error
	finishReindex(ctx context.Context, tx *sql.Tx) error

	// indexMessage adds a posted list message's subject and text;
	// messageMatch returns a condition on list_messages g (and its
	// arguments) true for the messages holding every word of q.
	indexMessage(ctx context.Context, tx *sql.Tx, id int64, subject, text string) error
	messageMatch(q string) (cond string, args []any, err error)

	// The search.Source text methods (see there).
	matchText(ctx context.Context, must, mustNot []search.Clause) ([]uint32, error)
	rankText(ctx context.Context, must, mustNot []search.Clause) ([]search.Scored, error)
	topText(ctx context.Context, must, mustNot []search.Clause, k int) ([]search.Scored, error)
	scoreText(ctx context.Context, must, mustNot []search.Clause, ids []uint32) ([]search.Scored, error)
	bestText(ctx context.Context, must, mustNot []search.Clause) ([]uint32, *search.TopScores, error)

	// ensureImpacts and buildImpactLists are EnsureTextImpacts and
	// BuildTextImpacts (see there).
	ensureImpacts(ctx context.Context, minWorks int) (bool, error)
	buildImpactLists(ctx context.Context) error
}

// EnsureTextImpacts builds the impact lists of common words (SQLite:
// impact.go; PostgreSQL: pg_impact.go) if the archive has at least minWorks
// works and the lists are missing or out of date, and reports whether it
// built. serve calls it at start.
func (s *Store) EnsureTextImpacts(ctx context.Context, minWorks int) (bool, error) {
	return s.text.ensureImpacts(ctx, minWorks)
}

// BuildTextImpacts builds the impact lists of common words again from the
// full-text index (fanarchive reindex --impacts, benchmarks).
func (s *Store) BuildTextImpacts(ctx context.Context) error {
	return s.text.buildImpactLists(ctx)
}

// MatchText implements search.Source.
func (s *Store) MatchText(ctx context.Context, must, mustNot []search.Clause) ([]uint32, error) {
	return s.text.matchText(ctx, must, mustNot)
}

// RankText implements search.Source.
func (s *Store) RankText(ctx context.Context, must, mustNot []search.Clause) ([]search.Scored, error) {
	return s.text.rankText(ctx, must, mustNot)
}

// TopText implements search.Source.
func (s *Store) TopText(ctx context.Context, must, mustNot []search.Clause, k int) ([]search.Scored, error) {
	return s.text.topText(ctx, must, mustNot, k)
}

// ScoreText implements search.Source.
func (s *Store) ScoreText(ctx context.Context, must, mustNot []search.Clause, ids []uint32) ([]search.Scored, error) {
	return s.text.scoreText(ctx, must, mustNot, ids)
}

// BestText implements search.Source.
func (s *Store) BestText(ctx context.Context, must, mustNot []search.Clause) ([]uint32, *search.TopScores, error) {
	return s.text.bestText(ctx, must, mustNot)
}

// ftsText is the SQLite store's text index: FTS5 tables, and impact lists
// for the common words.
type ftsText struct{ s *Store }

func (f ftsText) indexWork(ctx context.Context, tx *sql.Tx, id int64, t workText) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO work_text (rowid, title, authors, summary, body) VALUES (?, ?, ?, ?, ?)`,
		id, t.title, t.authors, t.summary, t.body); err != nil {
		return fmt.Errorf("index text of work %d: %w", id, err)
	}
	return f.s.listText(ctx, tx, id, t)
}

func (f ftsText) unindexWork(ctx context.Context, tx *sql.Tx, id int64) error {
	return ftsUnindexText(ctx, tx, id)
}

func (f ftsText) clearWorks(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO work_text (work_text) VALUES ('delete-all')`); err != nil {
		return fmt.Errorf("empty the text index: %w", err)
	}
	return clearImpacts(ctx, tx) // built again from the new index by finishReindex
}

func (f ftsText) finishReindex(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO work_text (work_text) VALUES ('optimize')`); err != nil {
		return fmt.Errorf("optimize the text index: %w", err)
	}
	if err := f.s.buildImpacts(ctx, tx); err != nil {
		return fmt.Errorf("build impact lists: %w", err)
	}
	return nil
}

func (f ftsText) indexMessage(ctx context.Context, tx *sql.Tx, id int64, subject, text string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO list_message_text (rowid, subject, text) VALUES (?, ?, ?)`, id, subject, text)
	return err
}

func (f ftsText) messageMatch(q string) (string, []any, error) {
	expr, err := listTextMatch(q)
	if err != nil {
		return "", nil, err
	}
	return `g.id IN (SELECT rowid FROM list_message_text WHERE list_message_text MATCH ?)`, []any{expr}, nil
}

func (f ftsText) matchText(ctx context.Context, must, mustNot []search.Clause) ([]uint32, error) {
	return f.s.ftsMatchText(ctx, must, mustNot)
}

func (f ftsText) rankText(ctx context.Context, must, mustNot []search.Clause) ([]search.Scored, error) {
	return f.s.ftsRankText(ctx, must, mustNot)
}

func (f ftsText) topText(ctx context.Context, must, mustNot []search.Clause, k int) ([]search.Scored, error) {
	return f.s.ftsTopText(ctx, must, mustNot, k)
}

func (f ftsText) scoreText(ctx context.Context, must, mustNot []search.Clause, ids []uint32) ([]search.Scored, error) {
	return f.s.ftsScoreText(ctx, must, mustNot, ids)
}

func (f ftsText) ensureImpacts(ctx context.Context, minWorks int) (bool, error) {
	return f.s.ftsEnsureImpacts(ctx, minWorks)
}

func (f ftsText) buildImpactLists(ctx context.Context) error { return f.s.ftsBuildImpacts(ctx) }

func (f ftsText) bestText(ctx context.Context, must, mustNot []search.Clause) ([]uint32, *search.TopScores, error) {
	return f.s.ftsBestText(ctx, must, mustNot)
}
