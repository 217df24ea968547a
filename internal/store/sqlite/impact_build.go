package sqlite

import (
	"container/heap"
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Building impact lists (impact.go) from FTS5's own view of the text: the
// words in at least impactMinDocs rows and, for each, every occurrence by
// row and column (fts5vocab), with the rows' lengths from
// work_text_docsize. Reindex builds them in its transaction (buildImpacts);
// BuildTextImpacts builds them beside the writers (impact_online.go).

// querier is what a transaction and a connection both offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ImpactMinWorks is the archive size from which serve builds impact lists
// (EnsureTextImpacts): below it, scoring every match of a word is quick.
const ImpactMinWorks = 20000

// ftsEnsureImpacts is EnsureTextImpacts on SQLite: it builds the impact
// lists if the archive has at least minWorks works and the lists are
// missing or out of date: built when it
// had less than half or more than twice as many works (its common words
// and their thresholds have changed since), or when its works were a
// quarter shorter on average (the bounds on the scores of works not listed
// loosen as works grow longer; impactBound). It reports whether it built.
func (s *Store) ftsEnsureImpacts(ctx context.Context, minWorks int) (bool, error) {
	var built, works int64
	var avgdl0, avgdl float64
	err := s.read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT impact_avgdl, impact_works, (SELECT count(*) FROM works) FROM search_state`).
			Scan(&avgdl0, &built, &works)
		if err != nil {
			return err
		}
		_, avgdl, err = textAverages(ctx, tx)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("impact lists: state: %w", err)
	}
	var why string
	switch {
	case works < int64(minWorks):
		return false, nil
	case avgdl0 == 0:
		why = "missing"
	case works > 2*built || 2*works < built:
		why = "the number of works has changed"
	case avgdl > 1.25*avgdl0:
		why = "works have grown longer"
	default:
		return false, nil
	}
	start := time.Now()
	s.logger.Info("building the impact lists of common words", "why", why, "works", works, "built_with", built)
	if err := s.ftsBuildImpacts(ctx); err != nil {
		return false, err
	}
	s.logger.Info("built the impact lists", "duration", time.Since(start).Round(time.Millisecond))
	return true, nil
}

// clearImpacts removes every impact list, so that writes list nothing
// until the next build.
func clearImpacts(ctx context.Context, tx *sql.Tx) error {
	for _, q := range []string{
		`DELETE FROM text_impact`,
		`DELETE FROM text_impact_words`,
		// A new version, never one seen before (so not version + 1: a
		// writer may have read a version in a transaction that was then
		// rolled back).
		`UPDATE search_state SET impact_avgdl = 0, impact_works = 0, impact_version = random()`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("clear impact lists: %w", err)
		}
	}
	return nil
}

// buildImpacts replaces the impact lists within tx, which holds the write
// lock throughout: Reindex's way.
func (s *Store) buildImpacts(ctx context.Context, tx *sql.Tx) error {
	if err := clearImpacts(ctx, tx); err != nil {
		return err
	}
	return s.eachImpactList(ctx, tx, func(l impactList) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO text_impact_words (word, theta, avgdl) VALUES (?, ?, ?)`,
			l.word, l.theta, l.avgdl)
		if err != nil {
			return fmt.Errorf("impact list of %q: %w", l.word, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		for _, e := range l.works {
			if _, err := tx.ExecContext(ctx, `INSERT INTO text_impact (word_id, work_id, wf, dl) VALUES (?, ?, ?, ?)`,
				id, e.doc, int64(e.wf), int64(e.dl)); err != nil {
				return fmt.Errorf("impact list of %q: %w", l.word, err)
			}
		}
		return nil
	}, func(n, avgdl float64) error {
		_, err := tx.ExecContext(ctx, `UPDATE search_state SET impact_avgdl = ?, impact_works = ?`, avgdl, int64(n))
		return err
	})
}

// impactList is one word's list as a build makes it.
type impactList struct {
	word         string
	theta, avgdl float64
	works        []impactEntry // those with g above theta
}

// eachImpactList computes the list of every common word of the text index
// as q sees it and passes each to fn, then the index's row count and
// average length to done.
func (s *Store) eachImpactList(ctx context.Context, q querier, fn func(impactList) error, done func(n, avgdl float64) error) error {
	for _, stmt := range []string{
		`CREATE VIRTUAL TABLE IF NOT EXISTS temp.work_text_rows USING fts5vocab(main, work_text, row)`,
		`CREATE VIRTUAL TABLE IF NOT EXISTS temp.work_text_instances USING fts5vocab(main, work_text, instance)`,
	} {
		if _, err := q.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	n, avgdl, err := textAverages(ctx, q)
	if err != nil {
		return err
	}
	if n > 0 {
		lengths, err := docLengths(ctx, q)
		if err != nil {
			return err
		}
		words, err := commonWords(ctx, q, s.impactMinDocs)
		if err != nil {
			return err
		}
		for _, word := range words {
			l, err := computeImpactList(ctx, q, word, lengths, avgdl, s.impactListLen)
			if err != nil {
				return err
			}
			if err := fn(l); err != nil {
				return err
			}
		}
	}
	return done(n, avgdl)
}

// workLengths are the works' lengths in tokens, by work ID: a slice when
// the IDs are dense enough, else a map.
type workLengths struct {
	dense  []uint32 // 0: no such work
	sparse map[int64]uint32
}

func (l *workLengths) get(id int64) (uint32, bool) {
	if l.sparse != nil {
		n, ok := l.sparse[id]
		return n, ok
	}
	if id < 0 || id >= int64(len(l.dense)) || l.dense[id] == 0 {
		return 0, false
	}
	return l.dense[id], true
}

// docLengths reads every work's length in tokens from work_text_docsize.
func docLengths(ctx context.Context, q querier) (*workLengths, error) {
	var n, maxID int64
	if err := q.QueryRowContext(ctx, `SELECT count(*), coalesce(max(id), 0) FROM work_text_docsize`).Scan(&n, &maxID); err != nil {
		return nil, fmt.Errorf("work lengths: %w", err)
	}
	l := &workLengths{}
	if maxID <= 2*n+1024 {
		l.dense = make([]uint32, maxID+1)
	} else {
		l.sparse = make(map[int64]uint32, n)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, sz FROM work_text_docsize`)
	if err != nil {
		return nil, fmt.Errorf("work lengths: %w", err)
	}
	defer rows.Close()
	var sz []byte
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id, &sz); err != nil {
			return nil, fmt.Errorf("work lengths: %w", err)
		}
		var total uint64
		for _, v := range varints(sz) {
			total += v
		}
		dl := uint32(max(1, min(total, 1<<32-1))) // 0 marks a missing work; an empty one has no words
		if l.sparse != nil {
			l.sparse[id] = dl
		} else if id >= 0 && id < int64(len(l.dense)) {
			l.dense[id] = dl
		}
	}
	return l, rows.Err()
}

// commonWords returns the words of work_text in at least minDocs rows.
func commonWords(ctx context.Context, q querier, minDocs int) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT term FROM temp.work_text_rows WHERE doc >= ?`, minDocs)
	if err != nil {
		return nil, fmt.Errorf("common words: %w", err)
	}
	defer rows.Close()
	var words []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, fmt.Errorf("common words: %w", err)
		}
		words = append(words, w)
	}
	return words, rows.Err()
}

// computeImpactList makes one word's list: the listLen works with the
// highest g (impactG at avgdl), less any tied with the next one, whose g
// is theta; a word in no more works lists them all (theta 0).
func computeImpactList(ctx context.Context, q querier, word string, lengths *workLengths, avgdl float64, listLen int) (impactList, error) {
	l := impactList{word: word, avgdl: avgdl}
	rows, err := q.QueryContext(ctx, `SELECT doc, col FROM temp.work_text_instances WHERE term = ?`, word)
	if err != nil {
		return l, fmt.Errorf("occurrences of %q: %w", word, err)
	}
	defer rows.Close()
	best := &impactHeap{}
	limit := listLen + 1
	var doc int64 = -1
	wf := 0.0
	offer := func() {
		dl, ok := lengths.get(doc)
		if doc < 0 || !ok { // no such row (any more)
			return
		}
		e := impactEntry{g: impactG(wf, float64(dl), avgdl), doc: doc, wf: wf, dl: dl}
		if best.Len() < limit {
			heap.Push(best, e)
		} else if e.g > (*best)[0].g {
			(*best)[0] = e
			heap.Fix(best, 0)
		}
	}
	var col sql.RawBytes
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d, &col); err != nil {
			return l, fmt.Errorf("occurrences of %q: %w", word, err)
		}
		if d != doc {
			if d < doc {
				return l, fmt.Errorf("occurrences of %q are not in work order", word)
			}
			offer()
			doc, wf = d, 0
		}
		wf += impactColumnWeights[string(col)]
	}
	if err := rows.Err(); err != nil {
		return l, fmt.Errorf("occurrences of %q: %w", word, err)
	}
	offer()
	if best.Len() == limit {
		l.theta = (*best)[0].g
	}
	for _, e := range *best {
		if e.g > l.theta {
			l.works = append(l.works, e)
		}
	}
	return l, nil
}

// impactEntry is a work of a word's list being built.
type impactEntry struct {
	g   float64
	doc int64
	wf  float64
	dl  uint32
}

// impactHeap keeps the best entries seen, the lowest g on top.
type impactHeap []impactEntry

func (h impactHeap) Len() int           { return len(h) }
func (h impactHeap) Less(i, j int) bool { return h[i].g < h[j].g }
func (h impactHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *impactHeap) Push(x any)        { *h = append(*h, x.(impactEntry)) }
func (h *impactHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
