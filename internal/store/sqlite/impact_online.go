package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// impactGroupRowsDefault is how many listed works a write transaction of
// BuildTextImpacts swaps in at most (with the words they belong to): about
// half a second of writing.
const impactGroupRowsDefault = 100000

// ftsBuildImpacts is BuildTextImpacts on SQLite: it rebuilds the impact
// lists (impact.go) from the full-text
// index without holding up other writers for long, so that imports in other
// processes go on meanwhile. First it computes every list in one read
// snapshot, on a connection of its own, into a temporary table of that
// connection (about three minutes at a million works; no lock). Then it
// swaps them in, a group of words at a time, each group in a short write
// transaction: a word's row and list change together, and the works
// written since the snapshot (the change log says which) are listed again
// under the group's words from their current text. Last, the words no
// longer common are removed. Writes meanwhile list works under each word
// as its row says, old or new. If Reindex runs meanwhile, it has rebuilt
// the lists itself and this build stops.
func (s *Store) ftsBuildImpacts(ctx context.Context) error {
	db, err := sql.Open("sqlite", dsn(s.path, false))
	if err != nil {
		return fmt.Errorf("build impact lists: %w", err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("build impact lists: %w", err)
	}
	defer conn.Close()
	st, err := s.stageImpacts(ctx, conn)
	if err != nil {
		return fmt.Errorf("build impact lists: %w", err)
	}
	if s.impactHook != nil {
		s.impactHook()
	}
	for g := range st.groups {
		lists, err := stagedGroup(ctx, conn, g)
		if err != nil {
			return fmt.Errorf("build impact lists: %w", err)
		}
		err = s.write(ctx, func(tx *sql.Tx) error { return st.swap(ctx, tx, lists) })
		if errors.Is(err, errReindexed) {
			return nil
		} else if err != nil {
			return fmt.Errorf("build impact lists: %w", err)
		}
		if s.impactHook != nil {
			s.impactHook()
		}
	}
	err = s.write(ctx, func(tx *sql.Tx) error { return finishImpacts(ctx, tx, st) })
	if err != nil && !errors.Is(err, errReindexed) {
		return fmt.Errorf("build impact lists: %w", err)
	}
	_, err = conn.ExecContext(ctx, `DROP TABLE IF EXISTS temp.impact_staged; DROP TABLE IF EXISTS temp.impact_staged_words`)
	return err
}

// errReindexed stops a build that Reindex has overtaken.
var errReindexed = errors.New("reindexed meanwhile")

// impactStage is what the read phase of a build found, and the counts of
// the works written since, as the write phase reads them.
type impactStage struct {
	seq      int64 // the last change the snapshot includes
	n, avgdl float64
	words    *wordSet // the common words
	groups   int
	changed  map[int64]*changedWork
}

// changedWork is a work written since a build's snapshot: its counts of the
// common words, read and split once rather than once per group.
type changedWork struct {
	seq    int64 // its last change when counted
	exists bool
	dl     float64
	counts []wordCount
}

// wordCount is a weighted count of a common word (by index) in a work.
type wordCount struct {
	word int32
	wf   float64
}

// impactMaxChanged is how many works may be written during a build before
// it gives up (the lists it would replace stay): each group of words must
// list each of them again.
const impactMaxChanged = 20000

// errTooManyWrites stops a build during heavy writing.
var errTooManyWrites = errors.New("too many works written meanwhile; build again when imports are done")

// stageImpacts computes every list in one read snapshot on conn into
// temp.impact_staged_words (word, theta, avgdl, group) and
// temp.impact_staged (word, work, wf, dl).
func (s *Store) stageImpacts(ctx context.Context, conn *sql.Conn) (*impactStage, error) {
	for _, q := range []string{
		`CREATE TEMP TABLE IF NOT EXISTS impact_staged_words (word TEXT PRIMARY KEY, theta REAL NOT NULL,
			avgdl REAL NOT NULL, grp INTEGER NOT NULL)`,
		`CREATE TEMP TABLE IF NOT EXISTS impact_staged (word TEXT NOT NULL, work_id INTEGER NOT NULL,
			wf INTEGER NOT NULL, dl INTEGER NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS temp.impact_staged_word ON impact_staged (word)`,
		`DELETE FROM temp.impact_staged`,
		`DELETE FROM temp.impact_staged_words`,
		`BEGIN`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return nil, err
		}
	}
	st := &impactStage{words: &wordSet{index: map[string]int32{}}, changed: map[int64]*changedWork{}}
	rows := 0
	err := func() error {
		if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM search_changes`).Scan(&st.seq); err != nil {
			return err
		}
		return s.eachImpactList(ctx, conn, func(l impactList) error {
			if _, err := conn.ExecContext(ctx, `INSERT INTO temp.impact_staged_words (word, theta, avgdl, grp) VALUES (?, ?, ?, ?)`,
				l.word, l.theta, l.avgdl, st.groups); err != nil {
				return err
			}
			for _, e := range l.works {
				if _, err := conn.ExecContext(ctx, `INSERT INTO temp.impact_staged (word, work_id, wf, dl) VALUES (?, ?, ?, ?)`,
					l.word, e.doc, int64(e.wf), int64(e.dl)); err != nil {
					return err
				}
			}
			st.words.add(impactWord{word: l.word})
			if rows += len(l.works) + 1; rows >= s.impactGroupRows {
				st.groups, rows = st.groups+1, 0
			}
			return nil
		}, func(n, avgdl float64) error {
			st.n, st.avgdl = n, avgdl
			return nil
		})
	}()
	if rows > 0 {
		st.groups++
	}
	end := `COMMIT`
	if err != nil {
		end = `ROLLBACK`
	}
	if _, endErr := conn.ExecContext(ctx, end); err == nil && endErr != nil {
		err = endErr
	}
	if err != nil {
		return nil, fmt.Errorf("stage: %w", err)
	}
	return st, nil
}

// stagedGroup reads the staged lists of one group of words.
func stagedGroup(ctx context.Context, conn *sql.Conn, g int) ([]impactList, error) {
	rows, err := conn.QueryContext(ctx, `SELECT w.word, w.theta, w.avgdl, s.work_id, s.wf, s.dl
		FROM temp.impact_staged_words w LEFT JOIN temp.impact_staged s ON s.word = w.word
		WHERE w.grp = ? ORDER BY w.word`, g)
	if err != nil {
		return nil, fmt.Errorf("staged group %d: %w", g, err)
	}
	defer rows.Close()
	var lists []impactList
	for rows.Next() {
		var l impactList
		var doc, wf, dl sql.NullInt64
		if err := rows.Scan(&l.word, &l.theta, &l.avgdl, &doc, &wf, &dl); err != nil {
			return nil, fmt.Errorf("staged group %d: %w", g, err)
		}
		if len(lists) == 0 || lists[len(lists)-1].word != l.word {
			lists = append(lists, l)
		}
		if doc.Valid {
			last := &lists[len(lists)-1]
			last.works = append(last.works, impactEntry{doc: doc.Int64, wf: float64(wf.Int64), dl: uint32(dl.Int64)})
		}
	}
	return lists, rows.Err()
}

// swap replaces the rows and lists of a group of words with the staged
// ones, then lists again under these words the works written since the
// snapshot, from their current text.
func (st *impactStage) swap(ctx context.Context, tx *sql.Tx, lists []impactList) error {
	if err := checkNotReindexed(ctx, tx, st); err != nil {
		return err
	}
	group := map[int32]impactWord{}
	var ids []int64
	for _, l := range lists {
		w := impactWord{word: l.word, theta: l.theta, avgdl: l.avgdl}
		err := tx.QueryRowContext(ctx, `INSERT INTO text_impact_words (word, theta, avgdl) VALUES (?, ?, ?)
			ON CONFLICT (word) DO UPDATE SET theta = excluded.theta, avgdl = excluded.avgdl RETURNING id`,
			l.word, l.theta, l.avgdl).Scan(&w.id)
		if err != nil {
			return fmt.Errorf("impact list of %q: %w", l.word, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM text_impact WHERE word_id = ?`, w.id); err != nil {
			return fmt.Errorf("impact list of %q: %w", l.word, err)
		}
		for _, e := range l.works {
			if _, err := tx.ExecContext(ctx, `INSERT INTO text_impact (word_id, work_id, wf, dl) VALUES (?, ?, ?, ?)`,
				w.id, e.doc, int64(e.wf), int64(e.dl)); err != nil {
				return fmt.Errorf("impact list of %q: %w", l.word, err)
			}
		}
		group[st.words.index[l.word]] = w
		ids = append(ids, w.id)
	}
	if err := st.catchUp(ctx, tx, group, ids); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE search_state SET impact_version = random()`)
	return err
}

// catchUp lists again under a group of words (by index, with their IDs)
// the works written since the snapshot: their staged entries, if any, may
// be out of date, and the lists they were put in by their writes were
// those the group has just replaced.
func (st *impactStage) catchUp(ctx context.Context, tx *sql.Tx, group map[int32]impactWord, ids []int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT work_id, max(seq) FROM search_changes WHERE seq > ? AND work_id > 0
		GROUP BY work_id`, st.seq)
	if err != nil {
		return fmt.Errorf("changes since the snapshot: %w", err)
	}
	last := map[int64]int64{}
	for rows.Next() {
		var id, seq int64
		if err := rows.Scan(&id, &seq); err != nil {
			rows.Close()
			return fmt.Errorf("changes since the snapshot: %w", err)
		}
		last[id] = seq
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("changes since the snapshot: %w", err)
	}
	if len(last) > impactMaxChanged {
		return errTooManyWrites
	}
	idList, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	for id, seq := range last {
		cw := st.changed[id]
		if cw == nil || cw.seq != seq {
			if cw, err = st.count(ctx, tx, id, seq); err != nil {
				return err
			}
			st.changed[id] = cw
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM text_impact WHERE work_id = ? AND word_id IN (SELECT value FROM json_each(?))`,
			id, string(idList)); err != nil {
			return fmt.Errorf("work %d: %w", id, err)
		}
		if !cw.exists {
			continue
		}
		for _, c := range cw.counts {
			if w, ok := group[c.word]; ok {
				if err := listUnder(ctx, tx, id, w, c.wf, cw.dl); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// count reads a work written since the snapshot and counts the common
// words in it.
func (st *impactStage) count(ctx context.Context, tx *sql.Tx, id, seq int64) (*changedWork, error) {
	cw := &changedWork{seq: seq}
	t, ok, err := currentText(ctx, tx, id)
	if err != nil || !ok {
		return cw, err
	}
	wf, err := wordCounts(ctx, tx, t, st.words)
	if err != nil {
		return nil, err
	}
	if cw.dl, err = docLength(ctx, tx, id); err != nil {
		return nil, err
	}
	cw.exists = true
	for i, f := range wf {
		cw.counts = append(cw.counts, wordCount{word: i, wf: f})
	}
	return cw, nil
}

// currentText returns a work's text as its text row holds it, and whether
// the work exists.
func currentText(ctx context.Context, tx *sql.Tx, id int64) (workText, bool, error) {
	works, err := worksByIDs(ctx, tx, []int64{id})
	if err != nil || len(works) == 0 {
		return workText{}, false, err
	}
	if err := loadAuthors(ctx, tx, works); err != nil {
		return workText{}, false, err
	}
	if err := loadChapters(ctx, tx, works, true); err != nil {
		return workText{}, false, err
	}
	return newWorkText(works[0]), true, nil
}

// finishImpacts removes the words that are no longer common and records
// the build.
func finishImpacts(ctx context.Context, tx *sql.Tx, st *impactStage) error {
	if err := checkNotReindexed(ctx, tx, st); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, word FROM text_impact_words`)
	if err != nil {
		return err
	}
	var gone []int64
	for rows.Next() {
		var id int64
		var word string
		if err := rows.Scan(&id, &word); err != nil {
			rows.Close()
			return err
		}
		if _, ok := st.words.index[word]; !ok {
			gone = append(gone, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range gone {
		if _, err := tx.ExecContext(ctx, `DELETE FROM text_impact WHERE word_id = ?`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM text_impact_words WHERE id = ?`, id); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE search_state SET impact_avgdl = ?, impact_works = ?, impact_version = random()`,
		st.avgdl, int64(st.n))
	return err
}

// checkNotReindexed returns errReindexed if Reindex has run since the
// snapshot of st (it empties the change log and rebuilds the lists).
func checkNotReindexed(ctx context.Context, tx *sql.Tx, st *impactStage) error {
	var trimmed int64
	if err := tx.QueryRowContext(ctx, `SELECT trimmed FROM search_state`).Scan(&trimmed); err != nil {
		return err
	}
	if trimmed > st.seq {
		return errReindexed
	}
	return nil
}
