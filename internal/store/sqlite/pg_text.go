package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"fanarchive"
	"fanarchive/internal/search"
)

// pgText is the PostgreSQL store's full-text index (migration_pg/
// 0001_init.sql): each work is one or more rows of work_text, whose tsvector
// holds the work's words with their positions, weighted A (title), B
// (authors), C (summary) and D (body). The words are made here, by
// textTokens, not by a PostgreSQL text search configuration, so that they
// are the words SQLite's FTS5 tokenizer (unicode61, remove_diacritics 2)
// makes and a search finds the same works on both stores, whatever
// dictionaries the server has.
//
// A tsvector keeps at most 256 positions of one word and positions up to
// 16383, so a long body is cut into pieces that stay within both, each
// beginning with the last pieceOverlap words of the one before so that a
// phrase across the cut is found in the next piece. A work matches a clause
// when any of its pieces does.
type pgText struct{ s *Store }

const (
	// pieceMaxPositions and pieceMaxRepeats keep a piece's tsvector within
	// PostgreSQL's limits (16383 positions, 256 of one word).
	pieceMaxPositions = 16000
	pieceMaxRepeats   = 250
	// pieceOverlap is how many words a piece repeats from the one before:
	// more than the words of any phrase a query can hold
	// (fanarchive.MaxSearchTerms).
	pieceOverlap = 64
	// columnGap separates the columns' positions in piece 0, so that a
	// phrase never runs from the end of the title into the authors.
	columnGap = 100
	// maxLexeme is the longest word kept, in bytes: PostgreSQL refuses
	// longer ones (2047). A query's words are cut the same way.
	maxLexeme = 2000
)

// textTokens calls fn with each word of s as FTS5's unicode61 tokenizer
// with remove_diacritics 2 makes them: runs of letters, numbers and
// private-use characters, lower-cased, with the diacritics of Latin letters
// taken off; everything else separates words.
func textTokens(s string, fn func(string)) {
	var b []byte
	flush := func() {
		if len(b) > 0 {
			w := b
			if len(w) > maxLexeme {
				w = w[:maxLexeme]
				for !utf8.Valid(w) {
					w = w[:len(w)-1]
				}
			}
			fn(string(w))
			b = b[:0]
		}
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			// A combining mark is a diacritic: dropped, and no separator.
		case unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r):
			b = appendFolded(b, r)
		default:
			flush()
		}
	}
	flush()
}

// appendFolded appends r lower-cased and without its diacritics.
func appendFolded(b []byte, r rune) []byte {
	r = unicode.ToLower(r)
	if r < utf8.RuneSelf {
		return append(b, byte(r))
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	d := norm.NFD.Bytes(buf[:n])
	for len(d) > 0 {
		c, size := utf8.DecodeRune(d)
		d = d[size:]
		if !unicode.Is(unicode.Mn, c) {
			b = utf8.AppendRune(b, c)
		}
	}
	return b
}

// tsvBuilder writes one piece's tsvector in PostgreSQL's text form.
type tsvBuilder struct {
	pos   int
	words map[string][]tsvPos
	order []string
}

// tsvPos is a word's position in a piece and its weight: 'A', 'B', 'C', or
// 0 for D.
type tsvPos struct {
	pos    int
	weight byte
}

func newTSV() *tsvBuilder { return &tsvBuilder{words: map[string][]tsvPos{}} }

// add puts word at the next position, with weight ("A", "B", "C" or "" for D).
func (t *tsvBuilder) add(word, weight string) {
	t.pos++
	if _, ok := t.words[word]; !ok {
		t.order = append(t.order, word)
	}
	var w byte
	if weight != "" {
		w = weight[0]
	}
	t.words[word] = append(t.words[word], tsvPos{t.pos, w})
}

func (t *tsvBuilder) repeats(word string) int { return len(t.words[word]) }

// positions is the piece's number of positions, ts_rank_cd's length.
func (t *tsvBuilder) positions() int {
	n := 0
	for _, ps := range t.words {
		n += len(ps)
	}
	return n
}

func (t *tsvBuilder) String() string {
	var b strings.Builder
	for i, w := range t.order {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(quoteLexeme(w))
		b.WriteByte(':')
		for j, p := range t.words[w] {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(p.pos))
			if p.weight != 0 {
				b.WriteByte(p.weight)
			}
		}
	}
	return b.String()
}

// quoteLexeme quotes a word for a tsvector or tsquery literal.
func quoteLexeme(w string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(w, `\`, `\\`), `'`, `''`) + "'"
}

// textPieces returns the tsvectors of a text made of weighted columns, the
// first ones (all but the last) short, the last one of any length.
func textPieces(cols []string, weights []string) []string {
	built := buildPieces(cols, weights)
	pieces := make([]string, len(built))
	for i, p := range built {
		pieces[i] = p.String()
	}
	return pieces
}

// buildPieces returns the pieces of textPieces, before they are written out.
func buildPieces(cols []string, weights []string) []*tsvBuilder {
	head := newTSV()
	for i, c := range cols[:len(cols)-1] {
		textTokens(c, func(w string) { head.add(w, weights[i]) })
		head.pos += columnGap
	}
	pieces := []*tsvBuilder{}
	if len(head.order) > 0 {
		pieces = append(pieces, head)
	}
	var words []string
	textTokens(cols[len(cols)-1], func(w string) { words = append(words, w) })
	weight := weights[len(weights)-1]
	for start := 0; start < len(words); {
		p := newTSV()
		i := start
		for ; i < len(words) && p.pos < pieceMaxPositions && p.repeats(words[i]) < pieceMaxRepeats; i++ {
			p.add(words[i], weight)
		}
		pieces = append(pieces, p)
		if i >= len(words) {
			break
		}
		start = max(start+1, i-pieceOverlap)
	}
	if len(pieces) == 0 {
		pieces = append(pieces, newTSV())
	}
	return pieces
}

func (p *pgText) indexWork(ctx context.Context, tx *sql.Tx, id int64, t workText) error {
	pieces := buildPieces([]string{t.title, t.authors, t.summary, t.body}, []string{"A", "B", "C", ""})
	for i, piece := range pieces {
		if _, err := tx.ExecContext(ctx, `INSERT INTO work_text (work_id, piece, doc) VALUES (?, ?, CAST(? AS tsvector))`,
			id, i, piece.String()); err != nil {
			return fmt.Errorf("index text of work %d: %w", id, err)
		}
	}
	return p.listWork(ctx, tx, id, pieces) // pg_impact.go
}

func (p *pgText) unindexWork(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM work_text WHERE work_id = ?`, id); err != nil {
		return fmt.Errorf("unindex text of work %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM text_impact WHERE work_id = ?`, id); err != nil {
		return fmt.Errorf("remove work %d from the impact lists: %w", id, err)
	}
	return nil
}

func (p *pgText) clearWorks(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM work_text`); err != nil {
		return err
	}
	return pgClearImpacts(ctx, tx) // built again from the new index by finishReindex
}

func (p *pgText) finishReindex(ctx context.Context, tx *sql.Tx) error {
	return p.buildImpacts(ctx, tx)
}

func (p *pgText) indexMessage(ctx context.Context, tx *sql.Tx, id int64, subject, text string) error {
	for i, doc := range textPieces([]string{subject, text}, []string{"A", ""}) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO list_message_text (message_id, piece, doc) VALUES (?, ?, CAST(? AS tsvector))`,
			id, i, doc); err != nil {
			return fmt.Errorf("index list message %d: %w", id, err)
		}
	}
	return nil
}

func (p *pgText) messageMatch(q string) (string, []any, error) {
	var words []string
	textTokens(q, func(w string) { words = append(words, w) })
	if len(words) == 0 {
		return "", nil, fanarchive.Errorf(fanarchive.EINVALID, "A search needs a word to look for.")
	}
	if len(words) > 32 {
		words = words[:32]
	}
	var conds []string
	var args []any
	for _, w := range words {
		conds = append(conds, `g.id IN (SELECT message_id FROM list_message_text WHERE doc @@ CAST(? AS tsquery))`)
		args = append(args, quoteLexeme(w))
	}
	return "(" + strings.Join(conds, " AND ") + ")", args, nil
}

// clauseQuery writes a clause as a tsquery: its words as a phrase, limited
// to the title's or authors' weight for a field. A clause with no words
// matches nothing, as in FTS5.
func clauseQuery(c search.Clause) string {
	weight := ""
	switch c.Field {
	case search.FieldTitle:
		weight = ":A"
	case search.FieldAuthors:
		weight = ":B"
	}
	var words []string
	textTokens(c.Text, func(w string) { words = append(words, quoteLexeme(w)+weight) })
	if len(words) == 0 {
		return ""
	}
	return strings.Join(words, " <-> ")
}

// matchSQL returns a query of the IDs of the works matching every clause of
// must and none of mustNot (each clause a piece's match, so it uses the GIN
// index), and its arguments.
func matchSQL(must, mustNot []search.Clause) (string, []any, error) {
	if len(must) == 0 {
		return "", nil, fanarchive.Errorf(fanarchive.EINVALID, "A text search needs at least one word to look for.")
	}
	var b strings.Builder
	var args []any
	for i, c := range must {
		q := clauseQuery(c)
		if q == "" {
			return `SELECT work_id FROM work_text WHERE false`, nil, nil
		}
		if i > 0 {
			b.WriteString(" INTERSECT ")
		}
		b.WriteString(`SELECT work_id FROM work_text WHERE doc @@ CAST(? AS tsquery)`)
		args = append(args, q)
	}
	for _, c := range mustNot {
		if q := clauseQuery(c); q != "" {
			b.WriteString(` EXCEPT SELECT work_id FROM work_text WHERE doc @@ CAST(? AS tsquery)`)
			args = append(args, q)
		}
	}
	return b.String(), args, nil
}

// rankSQL returns a query of (work_id, score) for the works matching,
// where restricting them further (with more arguments), and its arguments.
// The score is pgRankExpr over the must clauses.
//
// Without where (RankText, TopText), only the pieces matching some must
// clause are read and ranked (the others rank 0 and would add nothing to
// the sum), found by the GIN index; a work's having every clause and none
// of mustNot is then the semi-join with matchSQL, which a single clause
// with no exclusions does not need (a piece matching it is a work matching
// it). Ranking every piece of the matching works instead, as this query
// first did, read the whole table for the semi-join (a sequential scan)
// and detoasted pieces that rank 0. With where (ScoreText: a few given
// works), the given works' pieces are read by their key and each checked
// against the match: a condition on the GIN index there would have
// PostgreSQL read the whole posting list of a common word to intersect it
// with a few works.
func rankSQL(must, mustNot []search.Clause, where string) (string, []any, error) {
	match, margs, err := matchSQL(must, mustNot)
	if err != nil {
		return "", nil, err
	}
	var each []string
	for _, c := range must {
		if q := clauseQuery(c); q != "" {
			each = append(each, "("+q+")")
		}
	}
	if len(each) < len(must) {
		// A clause with no words matches nothing (as matchSQL says).
		return `SELECT t.work_id, CAST(0 AS DOUBLE PRECISION) FROM work_text t WHERE false ` + where + ` GROUP BY t.work_id`, nil, nil
	}
	all := strings.Join(each, " | ")
	rank := `SELECT t.work_id, ` + pgRankExpr + ` FROM work_text t WHERE `
	if where != "" {
		return rank + `t.work_id IN (` + match + `) ` + where + ` GROUP BY t.work_id`, append([]any{all}, margs...), nil
	}
	q := rank + `t.doc @@ CAST(? AS tsquery) `
	args := []any{all, all}
	if len(must) > 1 || len(mustNot) > 0 {
		q += `AND t.work_id IN (` + match + `) `
		args = append(args, margs...)
	}
	return q + ` GROUP BY t.work_id`, args, nil
}

// pgRankExpr is a work's score for the tsquery of its one argument, summed
// over the rows t of work_text that GROUP BY t.work_id gathers: ts_rank_cd
// with the weights of SQLite's bm25Weights (10, 5, 2, 1 scaled to
// PostgreSQL's 0..1) for D, C, B and A, normalised by each piece's length
// (1: divided by the log of 1 + its number of positions). Each piece's rank
// is a float4, summed as float8, which adds a work's few pieces exactly in
// any order: the impact lists (pg_impact.go) store scores computed with
// this expression for one work, equal to RankText's for all.
const pgRankExpr = pgRankHead + `?` + pgRankTail

// pgRankHead and pgRankTail are pgRankExpr around its tsquery text.
const (
	pgRankHead = `sum(CAST(ts_rank_cd('{0.1, 0.2, 0.5, 1.0}', t.doc, CAST(`
	pgRankTail = ` AS tsquery), 1) AS DOUBLE PRECISION))`
)

// scanScored reads (id, score) rows.
func scanScored(rows *sql.Rows) ([]search.Scored, error) {
	defer rows.Close()
	var out []search.Scored
	for rows.Next() {
		var sc search.Scored
		if err := rows.Scan(&sc.ID, &sc.Score); err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

func (p *pgText) matchText(ctx context.Context, must, mustNot []search.Clause) ([]uint32, error) {
	q, args, err := matchSQL(must, mustNot)
	if err != nil {
		return nil, err
	}
	var list sql.NullString
	if err := p.s.rdb.QueryRowContext(ctx, `SELECT string_agg(CAST(work_id AS TEXT), ',' ORDER BY work_id) FROM (`+q+`) m`,
		args...).Scan(&list); err != nil {
		return nil, fmt.Errorf("match text: %w", err)
	}
	ids, err := parseIDs(list.String)
	if err != nil {
		return nil, fmt.Errorf("match text: %w", err)
	}
	return ids, nil
}

func (p *pgText) rankText(ctx context.Context, must, mustNot []search.Clause) ([]search.Scored, error) {
	q, args, err := rankSQL(must, mustNot, "")
	if err != nil {
		return nil, err
	}
	rows, err := p.s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("rank text: %w", err)
	}
	out, err := scanScored(rows)
	if err != nil {
		return nil, fmt.Errorf("rank text: %w", err)
	}
	return out, nil
}

func (p *pgText) topText(ctx context.Context, must, mustNot []search.Clause, k int) ([]search.Scored, error) {
	q, args, err := rankSQL(must, mustNot, "")
	if err != nil {
		return nil, err
	}
	rows, err := p.s.rdb.QueryContext(ctx, `SELECT * FROM (`+q+`) r ORDER BY 2 DESC, 1 DESC LIMIT ?`, append(args, k)...)
	if err != nil {
		return nil, fmt.Errorf("top text: %w", err)
	}
	out, err := scanScored(rows)
	if err != nil {
		return nil, fmt.Errorf("top text: %w", err)
	}
	slices.SortFunc(out, func(a, b search.Scored) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.ID, a.ID))
	})
	return out, nil
}

func (p *pgText) scoreText(ctx context.Context, must, mustNot []search.Clause, ids []uint32) ([]search.Scored, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list := make([]int64, len(ids))
	for i, id := range ids {
		list[i] = int64(id)
	}
	q, args, err := rankSQL(must, mustNot, `AND t.work_id = ANY(CAST(? AS BIGINT[]))`)
	if err != nil {
		return nil, err
	}
	rows, err := p.s.rdb.QueryContext(ctx, q, append(args, list)...)
	if err != nil {
		return nil, fmt.Errorf("score text: %w", err)
	}
	out, err := scanScored(rows)
	if err != nil {
		return nil, fmt.Errorf("score text: %w", err)
	}
	return out, nil
}
