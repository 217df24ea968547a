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
// (migration 0006_text_impact.sql, docs/search.md "Relevance"). A word's
// BM25 score in a work is its IDF, the same for every work, times
//
//	g = wf × (k1 + 1) / (wf + k1 × (1 − b + b × dl / avgdl))
//
// where wf is its count weighted by column and dl the work's length. g
// grows with wf and falls with dl. The lists hold the works whose g, at the
// average length avgdl₀ of the build, is above the word's theta; every
// other work with the word has g ≤ theta at avgdl₀, hence g ≤ theta ×
// max(1, avgdl / avgdl₀) at any avgdl. A search for the word scores the
// listed works exactly (impact_query.go) and knows that no other scores
// more than that bound. This file keeps the lists current: every write of
// a work's text row lists the work under each common word it scores above
// theta in, in the same transaction.

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
	avgdl   float64 // 0: no lists
	words   map[string]impactWord
}

// impactWord is a common word's row.
type impactWord struct {
	id    int64
	theta float64
}

// current returns the common words as of tx, and the average length their
// lists were built at (0 if there are none).
func (iw *impactWords) current(ctx context.Context, tx *sql.Tx) (map[string]impactWord, float64, error) {
	var version int64
	var avgdl float64
	if err := tx.QueryRowContext(ctx, `SELECT impact_version, impact_avgdl FROM search_state`).Scan(&version, &avgdl); err != nil {
		return nil, 0, fmt.Errorf("impact lists: state: %w", err)
	}
	iw.mu.Lock()
	defer iw.mu.Unlock()
	if iw.loaded && iw.version == version {
		return iw.words, iw.avgdl, nil
	}
	words := map[string]impactWord{}
	if avgdl > 0 {
		rows, err := tx.QueryContext(ctx, `SELECT id, word, theta FROM text_impact_words`)
		if err != nil {
			return nil, 0, fmt.Errorf("impact lists: words: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var w impactWord
			var word string
			if err := rows.Scan(&w.id, &word, &w.theta); err != nil {
				return nil, 0, fmt.Errorf("impact lists: words: %w", err)
			}
			words[word] = w
		}
		if err := rows.Err(); err != nil {
			return nil, 0, fmt.Errorf("impact lists: words: %w", err)
		}
	}
	iw.loaded, iw.version, iw.avgdl, iw.words = true, version, avgdl, words
	return words, avgdl, nil
}

// listText lists a work whose text row was just written under the common
// words it scores above theta in. Its counts of the words come from its
// text split here when that is certain to split as FTS5 does (asciiCounts),
// else from FTS5 itself (oracleCounts); its length from work_text_docsize.
func (s *Store) listText(ctx context.Context, tx *sql.Tx, id int64, t workText) error {
	words, avgdl, err := s.impact.current(ctx, tx)
	if err != nil || avgdl == 0 || len(words) == 0 {
		return err
	}
	wf, ok := asciiCounts(t, words)
	if !ok {
		if wf, err = oracleCounts(ctx, tx, t); err != nil {
			return err
		}
	}
	if len(wf) == 0 {
		return nil
	}
	dl, err := docLength(ctx, tx, id)
	if err != nil {
		return err
	}
	for word, f := range wf {
		w, ok := words[word]
		if !ok || !(impactG(f, dl, avgdl) > w.theta) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO text_impact (word_id, work_id, wf, dl) VALUES (?, ?, ?, ?)`,
			w.id, id, int64(f), int64(dl)); err != nil {
			return fmt.Errorf("list work %d under %q: %w", id, word, err)
		}
	}
	return nil
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

// unindexText removes a work's row of the full-text index and its places
// in the impact lists.
func unindexText(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM work_text WHERE rowid = ?`, id); err != nil {
		return fmt.Errorf("remove work %d from the text index: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM text_impact WHERE work_id = ?`, id); err != nil {
		return fmt.Errorf("remove work %d from the impact lists: %w", id, err)
	}
	return nil
}

// asciiCounts returns the weighted counts of the common words in a work's
// text, if the text splits into words the same way for certain here and in
// FTS5's unicode61 tokenizer: when every character outside ASCII is
// punctuation, a symbol, a space or a control or format character (curly
// quotes, dashes and emoji are; letters, digits and marks are not), the
// words are the runs of ASCII letters and digits, lower-cased, in both. ok
// is false otherwise.
func asciiCounts(t workText, words map[string]impactWord) (wf map[string]float64, ok bool) {
	wf = map[string]float64{}
	var buf []byte
	for col, text := range [4]string{t.title, t.authors, t.summary, t.body} {
		weight := bm25Columns[col]
		flush := func() {
			if len(buf) > 0 {
				if _, ok := words[string(buf)]; ok {
					wf[string(buf)] += weight
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

// oracleCounts returns the weighted counts of the common words in a work's
// text as FTS5 counts them: the text is indexed alone in a temporary table
// of this connection with work_text's tokenizer, whose vocabulary gives each
// word's count by column; the table is emptied after.
func oracleCounts(ctx context.Context, tx *sql.Tx, t workText) (map[string]float64, error) {
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
	wf, err := func() (map[string]float64, error) {
		rows, err := tx.QueryContext(ctx, `SELECT v.term, v.col, v.cnt FROM temp.text_oracle_cols v
			JOIN text_impact_words w ON w.word = v.term`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		wf := map[string]float64{}
		for rows.Next() {
			var term, col string
			var n float64
			if err := rows.Scan(&term, &col, &n); err != nil {
				return nil, err
			}
			weight, ok := impactColumnWeights[col]
			if !ok {
				return nil, fmt.Errorf("unknown column %q", col)
			}
			wf[term] += weight * n
		}
		return wf, rows.Err()
	}()
	_, clearErr := tx.ExecContext(ctx, `INSERT INTO temp.text_oracle (text_oracle) VALUES ('delete-all')`)
	if err := errors.Join(err, clearErr); err != nil {
		return nil, fmt.Errorf("word counts: %w", err)
	}
	return wf, nil
}
