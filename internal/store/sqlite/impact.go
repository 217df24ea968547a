package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Impact lists: for each common word, the works in which it scores highest
// (migration 0006_text_impact.sql, docs/search.md "Impact lists"). A word's
// BM25 score in a work is its IDF, the same for every work, times
//
//	g = wf × (k1 + 1) / (wf + k1 × (1 − b + b × dl / avgdl))
//
// where wf is its count weighted by column and dl the work's length. g
// grows with wf and falls with dl. A word's list holds the works whose g, at
// the average length avgdl₀ of the list's build, is above the word's theta;
// every other work with the word has g ≤ theta at avgdl₀, hence at most
// impactBound at any avgdl. A search for the word scores the listed works
// exactly (impact_query.go) and knows that no other scores more than that
// bound. This file keeps the lists current: every write of a work's text
// row lists the work under each common word it scores above theta in, in
// the same transaction.

// Defaults of the build (impact_build.go): words in at least
// impactMinDocsDefault works get a list of about impactListLenDefault
// works. Scoring every work of a word in a few thousand works takes a few
// milliseconds: rarer words need no list.
const (
	impactMinDocsDefault = 2000
	impactListLenDefault = 300
)

// impactColumnWeights are the BM25 weights of work_text's columns by name,
// as bm25Weights gives them to bm25().
var impactColumnWeights = map[string]float64{"title": 10, "authors": 5, "summary": 2, "body": 1}

// impactG is the term frequency part of BM25 for a word counted wf times
// (weighted) in a work of dl tokens, at the average length avgdl. Builds
// and writes compare it with theta; both compute it here, so they agree.
func impactG(wf, dl, avgdl float64) float64 {
	k1, b := 1.2, 0.75
	return float64(wf*(k1+1)) / (wf + float64(k1*(1-b+float64(b*dl)/avgdl)))
}

// impactWords is a Store's copy of the common words, for writes: read
// again whenever search_state.impact_version changes.
type impactWords struct {
	mu      sync.Mutex
	loaded  bool
	version int64
	set     *wordSet
}

// impactWord is a common word's row: its list's theta and the average
// length it was built at.
type impactWord struct {
	word         string
	id           int64
	theta, avgdl float64
}

// wordSet is a set of words whose counts in a work are wanted, by index.
type wordSet struct {
	index map[string]int32
	words []impactWord
}

func (ws *wordSet) add(w impactWord) {
	ws.index[w.word] = int32(len(ws.words))
	ws.words = append(ws.words, w)
}

// current returns the common words as of tx.
func (iw *impactWords) current(ctx context.Context, tx *sql.Tx) (*wordSet, error) {
	var version int64
	if err := tx.QueryRowContext(ctx, `SELECT impact_version FROM search_state`).Scan(&version); err != nil {
		return nil, fmt.Errorf("impact lists: state: %w", err)
	}
	iw.mu.Lock()
	defer iw.mu.Unlock()
	if iw.loaded && iw.version == version {
		return iw.set, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, word, theta, avgdl FROM text_impact_words`)
	if err != nil {
		return nil, fmt.Errorf("impact lists: words: %w", err)
	}
	defer rows.Close()
	set := &wordSet{index: map[string]int32{}}
	for rows.Next() {
		var w impactWord
		if err := rows.Scan(&w.id, &w.word, &w.theta, &w.avgdl); err != nil {
			return nil, fmt.Errorf("impact lists: words: %w", err)
		}
		set.add(w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("impact lists: words: %w", err)
	}
	iw.loaded, iw.version, iw.set = true, version, set
	return set, nil
}

// listText lists a work whose text row was just written under the common
// words it scores above theta in.
func (s *Store) listText(ctx context.Context, tx *sql.Tx, id int64, t workText) error {
	set, err := s.impact.current(ctx, tx)
	if err != nil || len(set.words) == 0 {
		return err
	}
	wf, err := wordCounts(ctx, tx, t, set)
	if err != nil || len(wf) == 0 {
		return err
	}
	dl, err := docLength(ctx, tx, id)
	if err != nil {
		return err
	}
	for i, f := range wf {
		if err := listUnder(ctx, tx, id, set.words[i], f, dl); err != nil {
			return err
		}
	}
	return nil
}

// listUnder lists a work under a word if it scores above the word's theta:
// f is its weighted count of the word, dl its length.
func listUnder(ctx context.Context, tx *sql.Tx, id int64, w impactWord, f, dl float64) error {
	if !(impactG(f, dl, w.avgdl) > w.theta) {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO text_impact (word_id, work_id, wf, dl) VALUES (?, ?, ?, ?)`,
		w.id, id, int64(f), int64(dl)); err != nil {
		return fmt.Errorf("list work %d under %q: %w", id, w.word, err)
	}
	return nil
}

// wordCounts returns a work's weighted counts of the words of set, by
// index, from its text split here when that is certain to split as FTS5
// does (asciiCounts), else from FTS5 itself (oracleCounts).
func wordCounts(ctx context.Context, tx *sql.Tx, t workText, set *wordSet) (map[int32]float64, error) {
	if wf, ok := asciiCounts(t, set); ok {
		return wf, nil
	}
	return oracleCounts(ctx, tx, t, set)
}

// docLength returns a work's length in tokens as FTS5 recorded it.
func docLength(ctx context.Context, tx *sql.Tx, id int64) (float64, error) {
	var sz []byte
	if err := tx.QueryRowContext(ctx, `SELECT sz FROM work_text_docsize WHERE id = ?`, id).Scan(&sz); err != nil {
		return 0, fmt.Errorf("length of work %d in tokens: %w", id, err)
	}
	dl := 0.0
	for _, v := range varints(sz) {
		dl += float64(v)
	}
	return dl, nil
}

// ftsUnindexText removes a work's row of the full-text index and its places
// in the impact lists.
func ftsUnindexText(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM work_text WHERE rowid = ?`, id); err != nil {
		return fmt.Errorf("remove work %d from the text index: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM text_impact WHERE work_id = ?`, id); err != nil {
		return fmt.Errorf("remove work %d from the impact lists: %w", id, err)
	}
	return nil
}

// asciiCounts returns the weighted counts of the words of set in a work's
// text, by index, if the text splits into words the same way for certain here and in
// FTS5's unicode61 tokenizer: when every character outside ASCII is
// punctuation, a symbol, a space or a control or format character (curly
// quotes, dashes and emoji are; letters, digits and marks are not), the
// words are the runs of ASCII letters and digits, lower-cased, in both. ok
// is false otherwise.
func asciiCounts(t workText, set *wordSet) (wf map[int32]float64, ok bool) {
	wf = map[int32]float64{}
	var buf []byte
	for col, text := range [4]string{t.title, t.authors, t.summary, t.body} {
		weight := bm25Columns[col]
		flush := func() {
			if len(buf) > 0 {
				if i, ok := set.index[string(buf)]; ok {
					wf[i] += weight
				}
				buf = buf[:0]
			}
		}
		for i := 0; i < len(text); {
			c := text[i]
			switch {
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
				buf = append(buf, c)
				i++
			case c >= 'A' && c <= 'Z':
				buf = append(buf, c+'a'-'A')
				i++
			case c < utf8.RuneSelf:
				flush()
				i++
			default:
				r, size := utf8.DecodeRuneInString(text[i:])
				if r == utf8.RuneError && size == 1 || unicode.IsLetter(r) || unicode.IsNumber(r) ||
					unicode.IsMark(r) || unicode.Is(unicode.Co, r) {
					return nil, false
				}
				flush()
				i += size
			}
		}
		flush()
	}
	return wf, true
}

// oracleTokenizer must be work_text's (migration 0002_search.sql).
const oracleTokenizer = `unicode61 remove_diacritics 2`

// oracleCounts returns the weighted counts of the words of set in a work's
// text as FTS5 counts them, by index: the text is indexed alone in a temporary
// table of this connection with work_text's tokenizer, whose vocabulary
// gives each word's count by column; the table is emptied after.
func oracleCounts(ctx context.Context, tx *sql.Tx, t workText, set *wordSet) (map[int32]float64, error) {
	for _, q := range []string{
		`CREATE VIRTUAL TABLE IF NOT EXISTS temp.text_oracle USING fts5(title, authors, summary, body,
			content = '', tokenize = '` + oracleTokenizer + `')`,
		`CREATE VIRTUAL TABLE IF NOT EXISTS temp.text_oracle_cols USING fts5vocab(temp, text_oracle, col)`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("word counts: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO temp.text_oracle (rowid, title, authors, summary, body) VALUES (1, ?, ?, ?, ?)`,
		t.title, t.authors, t.summary, t.body); err != nil {
		return nil, fmt.Errorf("word counts: %w", err)
	}
	wf, err := func() (map[int32]float64, error) {
		rows, err := tx.QueryContext(ctx, `SELECT term, col, cnt FROM temp.text_oracle_cols`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		wf := map[int32]float64{}
		for rows.Next() {
			var term sql.RawBytes
			var col string
			var n float64
			if err := rows.Scan(&term, &col, &n); err != nil {
				return nil, err
			}
			i, ok := set.index[string(term)]
			if !ok {
				continue
			}
			weight, ok := impactColumnWeights[col]
			if !ok {
				return nil, fmt.Errorf("unknown column %q", col)
			}
			wf[i] += weight * n
		}
		return wf, rows.Err()
	}()
	_, clearErr := tx.ExecContext(ctx, `INSERT INTO temp.text_oracle (text_oracle) VALUES ('delete-all')`)
	if err := errors.Join(err, clearErr); err != nil {
		return nil, fmt.Errorf("word counts: %w", err)
	}
	return wf, nil
}
