package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"fanarchive"
	"fanarchive/internal/search"
)

// ftsMatch writes clauses as an FTS5 MATCH expression. Every clause becomes
// a quoted FTS5 string, so nothing the reader typed is ever read as FTS5
// syntax: the parser has already reduced clauses to words, and quotes are
// doubled all the same. must must not be empty.
func ftsMatch(must, mustNot []search.Clause) (string, error) {
	if len(must) == 0 {
		return "", fanarchive.Errorf(fanarchive.EINVALID, "A text search needs at least one word to look for.")
	}
	phrase := func(c search.Clause) string {
		p := `"` + strings.ReplaceAll(c.Text, `"`, `""`) + `"`
		switch c.Field {
		case search.FieldTitle:
			return "title : " + p
		case search.FieldAuthors:
			return "authors : " + p
		}
		return p
	}
	var b strings.Builder
	b.WriteByte('(')
	for i, c := range must {
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteString(phrase(c))
	}
	b.WriteByte(')')
	for _, c := range mustNot {
		b.WriteString(" NOT (")
		b.WriteString(phrase(c))
		b.WriteByte(')')
	}
	return b.String(), nil
}

// ftsMatchText returns the IDs of the works whose text matches, in increasing
// order. SQLite joins them into one string, which is far cheaper than a
// row per work through database/sql when a common word matches most of the
// archive; the rowid range is split between the CPUs (textParts).
func (s *Store) ftsMatchText(ctx context.Context, must, mustNot []search.Clause) ([]uint32, error) {
	expr, err := ftsMatch(must, mustNot)
	if err != nil {
		return nil, err
	}
	parts, err := s.textParts(ctx, `SELECT group_concat(rowid) FROM work_text
		WHERE work_text MATCH ? AND rowid BETWEEN ? AND ?`, expr)
	if err != nil {
		return nil, fmt.Errorf("match text: %w", err)
	}
	var ids []uint32
	for _, list := range parts {
		more, err := parseIDs(list)
		if err != nil {
			return nil, fmt.Errorf("match text: %w", err)
		}
		ids = append(ids, more...)
	}
	slices.Sort(ids) // FTS5 returns rowid order already, and parts are in order: this is cheap
	return ids, nil
}

// splitTextAtDefault is the number of works from which textParts splits a
// query; below it a single query is quicker.
const splitTextAtDefault = 10000

// textParts runs query (a full-text query taking the MATCH expression and a
// rowid range, returning one text value) over as many rowid ranges as there
// are CPUs, at once, on separate read connections, and returns the values
// in range order. Scoring every match is most of a text search's cost, and
// one query uses one CPU.
func (s *Store) textParts(ctx context.Context, query, expr string) ([]string, error) {
	return s.textPartsWith(ctx, query, func(lo, hi int64) []any { return []any{expr, lo, hi} })
}

// textPartsWith is textParts for a query whose arguments depend on the
// part: args gives them for the rowid range lo..hi.
func (s *Store) textPartsWith(ctx context.Context, query string, args func(lo, hi int64) []any) ([]string, error) {
	var maxID int64
	if err := s.rdb.QueryRowContext(ctx, `SELECT coalesce(max(rowid), 0) FROM works`).Scan(&maxID); err != nil {
		return nil, err
	}
	n := int64(max(1, min(runtime.NumCPU(), 8)))
	if maxID < s.splitTextAt {
		n = 1
	}
	step := maxID/n + 1
	out := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var v sql.NullString
			errs[i] = s.rdb.QueryRowContext(ctx, query, args(i*step, (i+1)*step-1)...).Scan(&v)
			out[i] = v.String
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// parseIDs reads a comma-separated list of work IDs.
func parseIDs(list string) ([]uint32, error) {
	if list == "" {
		return nil, nil
	}
	ids := make([]uint32, 0, strings.Count(list, ",")+1)
	for f := range strings.SplitSeq(list, ",") {
		id, err := strconv.ParseUint(f, 10, 32)
		if err != nil {
			return nil, err
		}
		ids = append(ids, uint32(id))
	}
	return ids, nil
}

// ftsRankText returns every work whose text matches with its BM25 score
// (title, authors, summary and body weighted by bm25Weights), negated so
// that higher is better.
func (s *Store) ftsRankText(ctx context.Context, must, mustNot []search.Clause) ([]search.Scored, error) {
	expr, err := ftsMatch(must, mustNot)
	if err != nil {
		return nil, err
	}
	out, err := s.rankParts(ctx, "", func(lo, hi int64) []any { return []any{expr, lo, hi} })
	if err != nil {
		return nil, fmt.Errorf("rank text: %w", err)
	}
	return out, nil
}

// ftsScoreText returns the scores RankText would give the works ids, and only
// theirs: FTS5's own bm25() over the matches, computed for the rows among
// ids. FTS5 still walks every match of the text (which costs little: a
// doclist read), but scores, formats and returns only those rows, and no
// text is read again, however long the works are. The ids go to SQLite as
// a JSON array, split between the CPUs' rowid ranges as RankText's rows
// are, and are tested with an unindexed IN (the "+" keeps the planner from
// handing FTS5 one rowid at a time, which would make it count the text's
// matches again for every row, for its IDF).
func (s *Store) ftsScoreText(ctx context.Context, must, mustNot []search.Clause, ids []uint32) ([]search.Scored, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	expr, err := ftsMatch(must, mustNot)
	if err != nil {
		return nil, err
	}
	sorted := ids
	if !slices.IsSorted(sorted) {
		sorted = slices.Sorted(slices.Values(ids))
	}
	out, err := s.rankParts(ctx, `AND +rowid IN (SELECT value FROM json_each(?))`, func(lo, hi int64) []any {
		from := sort.Search(len(sorted), func(i int) bool { return int64(sorted[i]) >= lo })
		to := sort.Search(len(sorted), func(i int) bool { return int64(sorted[i]) > hi })
		return []any{expr, lo, hi, jsonIDs(sorted[from:to])}
	})
	if err != nil {
		return nil, fmt.Errorf("score text: %w", err)
	}
	return out, nil
}

// rankParts runs rankQuery(where) over the CPUs' rowid ranges
// (textPartsWith, with args per range) and reads the scores.
func (s *Store) rankParts(ctx context.Context, where string, args func(lo, hi int64) []any) ([]search.Scored, error) {
	parts, err := s.textPartsWith(ctx, rankQuery(where), args)
	if err != nil {
		return nil, err
	}
	return parseScored(parts)
}

// rankQuery is the query of RankText and ScoreText: every row in a rowid
// range that the MATCH expression matches (and where adds), as "rowid
// score" pairs joined by commas in one value, which costs far less than a
// row per work through database/sql. bm25() cannot be an aggregate's
// argument, so the scores are made in a materialised subquery first (a
// plain one would be flattened). printf('%!.17g') writes each score exactly
// (without the '!' SQLite writes at most 16 digits), so it reads back as the
// float64 bm25() made, the one TopText and BestText give too.
func rankQuery(where string) string {
	return `WITH m AS MATERIALIZED (SELECT rowid || ' ' || printf('%!.17g', bm25(work_text, ` + bm25Weights + `)) AS r
		FROM work_text WHERE work_text MATCH ? AND rowid BETWEEN ? AND ? ` + where + `) SELECT group_concat(r) FROM m`
}

// parseScored reads the values of rankQuery, negating the scores so that
// higher is better.
func parseScored(parts []string) ([]search.Scored, error) {
	list := strings.Join(slices.DeleteFunc(parts, func(p string) bool { return p == "" }), ",")
	if list == "" {
		return nil, nil
	}
	out := make([]search.Scored, 0, strings.Count(list, ",")+1)
	for f := range strings.SplitSeq(list, ",") {
		idText, scoreText, ok := strings.Cut(f, " ")
		id, err1 := strconv.ParseUint(idText, 10, 32)
		score, err2 := strconv.ParseFloat(scoreText, 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("bad row %q", f)
		}
		out = append(out, search.Scored{ID: uint32(id), Score: -score})
	}
	return out, nil
}

// jsonIDs writes ids as a JSON array.
func jsonIDs(ids []uint32) string {
	b := make([]byte, 0, 2+8*len(ids))
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, uint64(id), 10)
	}
	return string(append(b, ']'))
}

// ftsTopText returns the k best matches by BM25, best first, ties to the
// higher ID as everywhere in search. Each CPU's rowid range is ranked by
// SQLite's sorter, which keeps only the best k, and the parts are merged:
// about half the cost of returning every score.
func (s *Store) ftsTopText(ctx context.Context, must, mustNot []search.Clause, k int) ([]search.Scored, error) {
	expr, err := ftsMatch(must, mustNot)
	if err != nil {
		return nil, err
	}
	var maxID int64
	if err := s.rdb.QueryRowContext(ctx, `SELECT coalesce(max(rowid), 0) FROM works`).Scan(&maxID); err != nil {
		return nil, fmt.Errorf("top text: %w", err)
	}
	n := int64(max(1, min(runtime.NumCPU(), 8)))
	if maxID < s.splitTextAt {
		n = 1
	}
	step := maxID/n + 1
	parts := make([][]search.Scored, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			// The score is named so that ORDER BY reuses it rather than
			// computing it twice.
			// The score is written as RankText writes it, so that both
			// read back the same float64 and cursors hold across pages.
			rows, err := s.rdb.QueryContext(ctx, `SELECT id, printf('%!.17g', score) FROM (
				SELECT rowid AS id, bm25(work_text, `+bm25Weights+`) AS score FROM work_text
				WHERE work_text MATCH ? AND rowid BETWEEN ? AND ? ORDER BY score, rowid DESC LIMIT ?)`,
				expr, i*step, (i+1)*step-1, k)
			if err != nil {
				errs[i] = err
				return
			}
			defer rows.Close()
			for rows.Next() {
				var sc search.Scored
				var text string
				if errs[i] = rows.Scan(&sc.ID, &text); errs[i] != nil {
					return
				}
				score, err := strconv.ParseFloat(text, 64)
				if err != nil {
					errs[i] = fmt.Errorf("bad score %q", text)
					return
				}
				sc.Score = -score
				parts[i] = append(parts[i], sc)
			}
			errs[i] = rows.Err()
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("top text: %w", err)
	}
	out := slices.Concat(parts...)
	slices.SortFunc(out, func(a, b search.Scored) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.ID, a.ID))
	})
	return out[:min(k, len(out))], nil
}
