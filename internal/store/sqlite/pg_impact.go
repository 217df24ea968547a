package sqlite

import (
	"container/heap"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"fanarchive/internal/search"
)

// Impact lists on PostgreSQL (migration_pg/0003_text_impact.sql): for each
// common word, the works it ranks highest in. Ranking costs about 4 µs a
// matching piece (ts_rank_cd detoasts the piece's tsvector), so a word in a
// fifth of a million works cannot be ranked whole for every search; with a
// list, the first pages of a search for the word are the listed works
// (search.TopScores, pageTop), read in a millisecond.
//
// A single word's ts_rank_cd in a piece depends on that piece alone: the
// weights of the word's positions, summed, divided by the log of 1 + the
// piece's number of positions (pgPieceScore, the arithmetic of PostgreSQL's
// calc_rank_cd for a query of one word). So a work's score for the word
// never changes until its text does, and theta, the highest score of the
// works not listed, stays a bound however many works are written later —
// unlike SQLite's BM25, whose bound moves with the average length.
//
// The store computes that score in Go, from the pieces it writes (indexWork)
// or reads (the build), only to decide which works to list, with a margin
// (pgImpactMargin) that covers the float4 rounding of each piece's rank and
// any last-bit difference of the logarithm; the scores stored are
// PostgreSQL's, with the expression RankText uses (pgRankExpr), so that the
// listed scores are RankText's exactly, as TopScores requires.

// pgImpactMargin is the relative difference allowed between a score computed
// here (pgPieceScore) and PostgreSQL's: far above a float4's rounding (6e-8).
const pgImpactMargin = 1e-6

// pgRankWeight is the weight pgRankExpr gives a position of weight w ('A',
// 'B', 'C', or 0 for D), as the float4 PostgreSQL reads it.
func pgRankWeight(w byte) float64 {
	switch w {
	case 'A':
		return float64(float32(1.0))
	case 'B':
		return float64(float32(0.5))
	case 'C':
		return float64(float32(0.2))
	default:
		return float64(float32(0.1))
	}
}

// pgPieceScore is ts_rank_cd(weights, piece, word, 1) for a word whose
// positions in a piece of n positions have these weights: each position is
// a cover of its own, worth its weight (calc_rank_cd divides 1 by the sum
// of the inverse weights of a cover's positions), and the sum is divided by
// log(n + 1), then rounded to a float4.
func pgPieceScore(weights []byte, n int) float64 {
	wdoc := 0.0
	for _, w := range weights {
		wdoc += 1 / (1 / pgRankWeight(w))
	}
	if n > 0 {
		wdoc /= math.Log(float64(n + 1))
	}
	return float64(float32(wdoc))
}

// pgListQuery lists one work under the words of the arrays given (IDs,
// tsquery texts and thetas) that it scores above theta in, with its exact
// scores; a listing already there (a work indexed twice in a transaction)
// takes the new score.
const pgListQuery = `INSERT INTO text_impact (word_id, work_id, score)
	SELECT c.id, ?, r.score
	FROM unnest(CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS DOUBLE PRECISION[])) AS c(id, q, theta)
	CROSS JOIN LATERAL (SELECT ` + pgRankHead + `c.q` + pgRankTail + ` AS score FROM work_text t
		WHERE t.work_id = ? AND t.doc @@ CAST(c.q AS tsquery)) r
	WHERE r.score > c.theta
	ON CONFLICT (word_id, work_id) DO UPDATE SET score = EXCLUDED.score`

// listWork lists a work whose pieces were just written under the common
// words it may score above theta in.
func (p *pgText) listWork(ctx context.Context, tx *sql.Tx, id int64, pieces []*tsvBuilder) error {
	set, err := p.s.impact.current(ctx, tx)
	if err != nil || len(set.words) == 0 {
		return err
	}
	scores := map[int32]float64{}
	var weights []byte
	for _, piece := range pieces {
		n := piece.positions()
		for w, ps := range piece.words {
			i, ok := set.index[w]
			if !ok {
				continue
			}
			weights = weights[:0]
			for _, pos := range ps {
				weights = append(weights, pos.weight)
			}
			scores[i] += pgPieceScore(weights, n)
		}
	}
	var ids []int64
	var queries []string
	var thetas []float64
	for i, score := range scores {
		if w := set.words[i]; score > w.theta*(1-pgImpactMargin) {
			ids = append(ids, w.id)
			queries = append(queries, quoteLexeme(w.word))
			thetas = append(thetas, w.theta)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, pgListQuery, id, ids, queries, thetas, id); err != nil {
		return fmt.Errorf("list work %d under its common words: %w", id, err)
	}
	return nil
}

// pgClearImpacts removes every impact list, so that writes list nothing
// until the next build.
func pgClearImpacts(ctx context.Context, tx *sql.Tx) error {
	for _, q := range []string{
		`DELETE FROM text_impact`,
		`DELETE FROM text_impact_words`,
		// A new version, never one seen before (see clearImpacts).
		`UPDATE search_state SET impact_avgdl = 0, impact_works = 0,
			impact_version = CAST(floor(random() * 9e18) AS BIGINT)`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("clear impact lists: %w", err)
		}
	}
	return nil
}

// pgCandidate is a work with its score for a word as computed here.
type pgCandidate struct {
	id    int64
	score float64
}

// pgCandidates keeps the best n candidates of a word: a min-heap, worst
// (lowest score, then lowest ID, as pages order them) first.
type pgCandidates []pgCandidate

func (h pgCandidates) Len() int { return len(h) }
func (h pgCandidates) Less(i, j int) bool {
	return h[i].score < h[j].score || h[i].score == h[j].score && h[i].id < h[j].id
}
func (h pgCandidates) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *pgCandidates) Push(x any)   { *h = append(*h, x.(pgCandidate)) }
func (h *pgCandidates) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// offer adds a candidate if it is among the best n.
func (h *pgCandidates) offer(c pgCandidate, n int) {
	if len(*h) < n {
		heap.Push(h, c)
	} else if (*h)[0].score < c.score || (*h)[0].score == c.score && (*h)[0].id < c.id {
		(*h)[0] = c
		heap.Fix(h, 0)
	}
}

// buildImpacts replaces the impact lists within tx, which holds the write
// lock throughout, so that no work is written meanwhile: the words in at
// least impactMinDocs pieces (ts_stat); one read of every piece,
// scoring each common word here and keeping each word's best
// impactListLen + 1 works; then, for each word, its row with theta
// (the score of the best work left out, widened by the margin; 0 when every
// work with the word is listed) and its list with PostgreSQL's own scores.
func (p *pgText) buildImpacts(ctx context.Context, tx *sql.Tx) error {
	if err := pgClearImpacts(ctx, tx); err != nil {
		return err
	}
	set := &wordSet{index: map[string]int32{}}
	rows, err := tx.QueryContext(ctx, `SELECT word FROM ts_stat('SELECT doc FROM work_text') WHERE ndoc >= ? ORDER BY word`,
		p.s.impactMinDocs)
	if err != nil {
		return fmt.Errorf("impact lists: common words: %w", err)
	}
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			rows.Close()
			return fmt.Errorf("impact lists: common words: %w", err)
		}
		set.add(impactWord{word: w})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("impact lists: common words: %w", err)
	}
	keep := p.s.impactListLen + 1
	best := make([]pgCandidates, len(set.words))
	if len(set.words) > 0 {
		if err := pgScorePieces(ctx, tx, set, func(work int64, scores map[int32]float64) {
			for i, s := range scores {
				best[i].offer(pgCandidate{work, s}, keep)
			}
		}); err != nil {
			return err
		}
	}
	for i, w := range set.words {
		theta := 0.0
		if len(best[i]) == keep {
			theta = best[i][0].score * (1 + pgImpactMargin)
		}
		var wordID int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO text_impact_words (word, theta) VALUES (?, ?) RETURNING id`,
			w.word, theta).Scan(&wordID); err != nil {
			return fmt.Errorf("impact list of %q: %w", w.word, err)
		}
		ids := make([]int64, len(best[i]))
		for j, c := range best[i] {
			ids[j] = c.id
		}
		q := quoteLexeme(w.word)
		if _, err := tx.ExecContext(ctx, `INSERT INTO text_impact (word_id, work_id, score)
			SELECT ?, t.work_id, `+pgRankExpr+` FROM work_text t
			WHERE t.work_id = ANY(CAST(? AS BIGINT[])) AND t.doc @@ CAST(? AS tsquery)
			GROUP BY t.work_id HAVING `+pgRankExpr+` > ?`,
			wordID, q, ids, q, q, theta); err != nil {
			return fmt.Errorf("impact list of %q: %w", w.word, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE search_state SET impact_works = (SELECT count(*) FROM works)`); err != nil {
		return fmt.Errorf("impact lists: state: %w", err)
	}
	return nil
}

// pgScorePieces reads every piece of work_text, in work order, and passes
// each work's scores for the words of set (by index) to fn.
func pgScorePieces(ctx context.Context, tx *sql.Tx, set *wordSet, fn func(work int64, scores map[int32]float64)) error {
	rows, err := tx.QueryContext(ctx, `SELECT work_id, CAST(doc AS TEXT) FROM work_text ORDER BY work_id, piece`)
	if err != nil {
		return fmt.Errorf("impact lists: read the text index: %w", err)
	}
	defer rows.Close()
	cur := int64(-1)
	scores := map[int32]float64{}
	type found struct {
		word    int32
		weights []byte
	}
	var words []found
	var doc sql.RawBytes
	for rows.Next() {
		var work int64
		if err := rows.Scan(&work, &doc); err != nil {
			return fmt.Errorf("impact lists: read the text index: %w", err)
		}
		if work != cur {
			if len(scores) > 0 {
				fn(cur, scores)
			}
			cur, scores = work, map[int32]float64{}
		}
		words = words[:0]
		n, err := tsvWords(string(doc), func(w string, weights []byte) {
			if i, ok := set.index[w]; ok {
				words = append(words, found{i, append([]byte(nil), weights...)})
			}
		})
		if err != nil {
			return fmt.Errorf("impact lists: piece of work %d: %w", work, err)
		}
		for _, f := range words {
			scores[f.word] += pgPieceScore(f.weights, n)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("impact lists: read the text index: %w", err)
	}
	if len(scores) > 0 {
		fn(cur, scores)
	}
	return nil
}

// tsvWords reads a tsvector's text form ('word':1A,2 'other':3): it calls fn
// with each word and the weights of its positions ('A', 'B', 'C', or 0 for
// D) and returns the number of positions, counting a word without any as
// one (ts_rank_cd's length).
func tsvWords(s string, fn func(word string, weights []byte)) (int, error) {
	n := 0
	var word []byte
	var weights []byte
	for i := 0; i < len(s); {
		if s[i] == ' ' {
			i++
			continue
		}
		if s[i] != '\'' {
			return 0, fmt.Errorf("tsvector: expected a quoted word at byte %d", i)
		}
		i++
		word = word[:0]
		for {
			if i >= len(s) {
				return 0, errors.New("tsvector: unterminated word")
			}
			c := s[i]
			switch {
			case c == '\\' && i+1 < len(s):
				word = append(word, s[i+1])
				i += 2
				continue
			case c == '\'' && i+1 < len(s) && s[i+1] == '\'':
				word = append(word, '\'')
				i += 2
				continue
			case c == '\'':
				i++
			default:
				word = append(word, c)
				i++
				continue
			}
			break
		}
		weights = weights[:0]
		if i < len(s) && s[i] == ':' {
			i++
			for {
				j := i
				for j < len(s) && s[j] >= '0' && s[j] <= '9' {
					j++
				}
				if j == i {
					return 0, fmt.Errorf("tsvector: expected a position at byte %d", i)
				}
				if _, err := strconv.Atoi(s[i:j]); err != nil {
					return 0, fmt.Errorf("tsvector: position %q: %w", s[i:j], err)
				}
				var w byte
				if j < len(s) && s[j] >= 'A' && s[j] <= 'D' {
					if s[j] != 'D' {
						w = s[j]
					}
					j++
				}
				weights = append(weights, w)
				i = j
				if i < len(s) && s[i] == ',' {
					i++
					continue
				}
				break
			}
			n += len(weights)
		} else {
			n++
		}
		fn(string(word), weights)
	}
	return n, nil
}

func (p *pgText) ensureImpacts(ctx context.Context, minWorks int) (bool, error) {
	why, err := p.impactsOutOfDate(ctx, p.s.rdb, minWorks)
	if err != nil || why == "" {
		return false, err
	}
	start := time.Now()
	p.s.logger.Info("building the impact lists of common words", "why", why)
	built := false
	err = p.s.write(ctx, func(tx *sql.Tx) error {
		// Another process may have built them while this one waited
		// for the write lock.
		why, err := p.impactsOutOfDate(ctx, tx, minWorks)
		if err != nil || why == "" {
			return err
		}
		built = true
		return p.buildImpacts(ctx, tx)
	})
	if err != nil {
		return false, fmt.Errorf("build impact lists: %w", err)
	}
	if built {
		p.s.logger.Info("built the impact lists", "duration", time.Since(start).Round(time.Millisecond))
	}
	return built, nil
}

// impactsOutOfDate says why the lists need building ("" if they do not):
// missing on an archive of at least minWorks works, or built when it had
// less than half or more than twice as many (its common words have
// changed). Unlike SQLite's, the bounds do not loosen as works grow
// longer.
func (p *pgText) impactsOutOfDate(ctx context.Context, q querier, minWorks int) (string, error) {
	var built, works int64
	if err := q.QueryRowContext(ctx, `SELECT impact_works, (SELECT count(*) FROM works) FROM search_state`).
		Scan(&built, &works); err != nil {
		return "", fmt.Errorf("impact lists: state: %w", err)
	}
	switch {
	case works < int64(minWorks):
		return "", nil
	case built == 0:
		return "missing", nil
	case works > 2*built || 2*works < built:
		return "the number of works has changed", nil
	}
	return "", nil
}

func (p *pgText) buildImpactLists(ctx context.Context) error {
	if err := p.s.write(ctx, func(tx *sql.Tx) error { return p.buildImpacts(ctx, tx) }); err != nil {
		return fmt.Errorf("build impact lists: %w", err)
	}
	return nil
}

// bestText returns what matchText does and, for one word with a list, the
// listed works with their scores and theta as the bound.
func (p *pgText) bestText(ctx context.Context, must, mustNot []search.Clause) ([]uint32, *search.TopScores, error) {
	ids, err := p.matchText(ctx, must, mustNot)
	if err != nil || len(must) != 1 || must[0].Field != search.FieldAny || len(ids) == 0 {
		return ids, nil, err
	}
	var words []string
	textTokens(must[0].Text, func(w string) { words = append(words, w) })
	if len(words) != 1 {
		return ids, nil, nil
	}
	// Read after matching: a work that matched was listed in the same
	// commit that indexed it.
	var top *search.TopScores
	err = p.s.read(ctx, func(tx *sql.Tx) error {
		var wordID int64
		var theta float64
		err := tx.QueryRowContext(ctx, `SELECT id, theta FROM text_impact_words WHERE word = ?`, words[0]).Scan(&wordID, &theta)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // not a common word, or no lists
		} else if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT work_id, score FROM text_impact WHERE word_id = ?`, wordID)
		if err != nil {
			return err
		}
		scored, err := scanScored(rows)
		if err != nil {
			return err
		}
		top = &search.TopScores{Scored: scored, Bound: theta}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("best text: %w", err)
	}
	return ids, top, nil
}
