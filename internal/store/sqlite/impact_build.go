package sqlite

import (
	"container/heap"
	"context"
	"database/sql"
	"fmt"
	"time"
)

// BuildTextImpacts rebuilds the impact lists (impact.go) from the full-text
// index, in one transaction: every word in at least impactMinDocs works
// gets the impactListLen or so works in which it scores highest. Reindex
// runs it; EnsureTextImpacts runs it when the lists are missing or out of
// scale. Imports wait meanwhile (about two minutes at a million works).
func (s *Store) BuildTextImpacts(ctx context.Context) error {
	if err := s.write(ctx, func(tx *sql.Tx) error { return s.buildImpacts(ctx, tx) }); err != nil {
		return fmt.Errorf("build impact lists: %w", err)
	}
	return nil
}

// ImpactMinWorks is the archive size from which serve builds impact lists
// (EnsureTextImpacts): below it, scoring every match of a word is quick.
const ImpactMinWorks = 20000

// EnsureTextImpacts builds the impact lists if the archive has at least
// minWorks works and the lists are missing or out of date: built when it
// had less than half or more than twice as many works (its common words
// and their thresholds have changed since), or when its works were a
// quarter shorter on average (the bounds on the scores of works not listed
// loosen as works grow longer; impactBound). It reports whether it built.
func (s *Store) EnsureTextImpacts(ctx context.Context, minWorks int) (bool, error) {
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
	if err := s.BuildTextImpacts(ctx); err != nil {
		return false, err
	}
	s.logger.Info("built the impact lists", "duration", time.Since(start).Round(time.Millisecond))
	return true, nil
}

// buildImpacts replaces the impact lists within tx. The words and their
// counts come from FTS5's vocabulary of work_text (fts5vocab: a word's
// number of works, then each of its occurrences by work and column), the
// works' lengths from work_text_docsize, so the lists are FTS5's own view.
func (s *Store) buildImpacts(ctx context.Context, tx *sql.Tx) error {
	if err := clearImpacts(ctx, tx); err != nil {
		return err
	}
	for _, q := range []string{
		`CREATE VIRTUAL TABLE IF NOT EXISTS temp.work_text_rows USING fts5vocab(main, work_text, row)`,
		`CREATE VIRTUAL TABLE IF NOT EXISTS temp.work_text_instances USING fts5vocab(main, work_text, instance)`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	nRow, avgdl, err := textAverages(ctx, tx)
	if err != nil || nRow == 0 {
		return err
	}
	lengths, err := docLengths(ctx, tx)
	if err != nil {
		return err
	}
	words, err := commonWords(ctx, tx, s.impactMinDocs)
	if err != nil {
		return err
	}
	for _, word := range words {
		if err := s.buildImpactList(ctx, tx, word, lengths, avgdl); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE search_state SET impact_avgdl = ?, impact_works = ?`, avgdl, int64(nRow))
	return err
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
func docLengths(ctx context.Context, tx *sql.Tx) (*workLengths, error) {
	var n, maxID int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(max(id), 0) FROM work_text_docsize`).Scan(&n, &maxID); err != nil {
		return nil, fmt.Errorf("work lengths: %w", err)
	}
	l := &workLengths{}
	if maxID <= 2*n+1024 {
		l.dense = make([]uint32, maxID+1)
	} else {
		l.sparse = make(map[int64]uint32, n)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, sz FROM work_text_docsize`)
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
		dl := uint32(max(1, min(total, 1<<32-1))) // 0 marks a missing work; an empty one scores as none
		if l.sparse != nil {
			l.sparse[id] = dl
		} else if id >= 0 && id < int64(len(l.dense)) {
			l.dense[id] = dl
		}
	}
	return l, rows.Err()
}

// commonWords returns the words of work_text in at least minDocs rows.
func commonWords(ctx context.Context, tx *sql.Tx, minDocs int) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT term FROM temp.work_text_rows WHERE doc >= ?`, minDocs)
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

// buildImpactList writes one word's row and list: the impactListLen works
// with the highest g (impactG at avgdl), less any tied with the next one,
// which sets theta; a word in no more works lists them all (theta 0).
func (s *Store) buildImpactList(ctx context.Context, tx *sql.Tx, word string, lengths *workLengths, avgdl float64) error {
	rows, err := tx.QueryContext(ctx, `SELECT doc, col FROM temp.work_text_instances WHERE term = ?`, word)
	if err != nil {
		return fmt.Errorf("occurrences of %q: %w", word, err)
	}
	best := &impactHeap{}
	limit := s.impactListLen + 1
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
	var col string
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d, &col); err != nil {
			rows.Close()
			return fmt.Errorf("occurrences of %q: %w", word, err)
		}
		if d != doc {
			if d < doc {
				rows.Close()
				return fmt.Errorf("occurrences of %q are not in work order", word)
			}
			offer()
			doc, wf = d, 0
		}
		wf += impactColumnWeights[col]
	}
	offer()
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("occurrences of %q: %w", word, err)
	}
	theta := 0.0
	if best.Len() == limit {
		theta = (*best)[0].g
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO text_impact_words (word, theta) VALUES (?, ?)`, word, theta)
	if err != nil {
		return fmt.Errorf("impact list of %q: %w", word, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	for _, e := range *best {
		if !(e.g > theta) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO text_impact (word_id, work_id, wf, dl) VALUES (?, ?, ?, ?)`,
			id, e.doc, int64(e.wf), int64(e.dl)); err != nil {
			return fmt.Errorf("impact list of %q: %w", word, err)
		}
	}
	return nil
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
