package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"fanarchive/internal/search"
)

// ScoreText returns the BM25 score RankText would give each of the works
// ids, computed here for those works alone, with FTS5's formula and
// statistics: the row count and token totals of work_text's averages
// record, each work's token count from work_text_docsize, each phrase's
// number of matching works, and the phrases counted in the works' text,
// read again and split as the unicode61 tokenizer splits it. RankText costs
// about a microsecond for every work the words match; this costs a
// database read of each work asked for, so the engine uses it when filters
// leave few of many matches. ids must all match the text.
func (s *Store) ScoreText(ctx context.Context, must []search.Clause, ids []uint32) ([]search.Scored, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []search.Scored
	err := s.read(ctx, func(tx *sql.Tx) error {
		n, avgdl, err := textAverages(ctx, tx)
		if err != nil {
			return err
		}
		idf := make([]float64, len(must))
		for i, c := range must {
			expr, err := ftsMatch([]search.Clause{c}, nil)
			if err != nil {
				return err
			}
			var hits float64
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM work_text WHERE work_text MATCH ?`, expr).Scan(&hits); err != nil {
				return fmt.Errorf("count phrase: %w", err)
			}
			if idf[i], err = bm25IDF(ctx, tx, n, hits); err != nil {
				return err
			}
		}
		for chunk := range slicesChunk(toInt64(ids), 500) {
			texts, sizes, err := scoringTexts(ctx, tx, chunk)
			if err != nil {
				return err
			}
			for _, id := range chunk {
				t, ok := texts[id]
				if !ok {
					continue
				}
				out = append(out, search.Scored{ID: uint32(id), Score: bm25(must, idf, t, sizes[id], avgdl)})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("score text: %w", err)
	}
	return out, nil
}

// bm25Columns are the weights of bm25Weights, by column.
var bm25Columns = [4]float64{10, 5, 2, 1}

// bm25 is FTS5's bm25(): for each phrase, its frequency in the row
// (weighted by column) against the row's length in tokens, times its IDF.
func bm25(must []search.Clause, idf []float64, cols [4][]string, d, avgdl float64) float64 {
	score := 0.0
	for i, c := range must {
		phrase := strings.Fields(foldText(c.Text))
		freq := 0.0
		for col, toks := range cols {
			if c.Field == search.FieldTitle && col != 0 || c.Field == search.FieldAuthors && col != 1 {
				continue
			}
			freq += bm25Columns[col] * float64(countPhrase(toks, phrase))
		}
		score += bm25Phrase(idf[i], freq, d, avgdl)
	}
	return score
}

// bm25Phrase is one phrase's part of a row's bm25(): freq is the phrase's
// count in the row weighted by column, d the row's length in tokens. It
// makes the operations of FTS5's fts5Bm25Function in the same order, each
// product rounded on its own (never fused with an addition), so its result
// is the same float64 as FTS5's (the score of a row is the sum of its
// phrases' parts, from 0, in the order of the phrases).
func bm25Phrase(idf, freq, d, avgdl float64) float64 {
	k1, b := 1.2, 0.75
	return float64(idf * (float64(freq*(k1+1)) / (freq + float64(k1*(1-b+float64(b*d)/avgdl)))))
}

// bm25IDF returns FTS5's IDF for a phrase that n rows of hits match:
// ln((n - hits + 0.5) / (hits + 0.5)), at least 1e-6. The logarithm is
// SQLite's ln(), which calls the C library's log() as FTS5 does: Go's
// math.Log differs from it in the last bit for some arguments.
func bm25IDF(ctx context.Context, tx *sql.Tx, n, hits float64) (float64, error) {
	var idf sql.NullFloat64
	if err := tx.QueryRowContext(ctx, `SELECT ln(?)`, (n-hits+0.5)/(hits+0.5)).Scan(&idf); err != nil {
		return 0, fmt.Errorf("bm25 idf: %w", err)
	}
	if !idf.Valid || !(idf.Float64 > 0) {
		return 1e-6, nil
	}
	return idf.Float64, nil
}

// countPhrase counts the places where phrase occurs in toks.
func countPhrase(toks, phrase []string) int {
	n := 0
	for i := 0; i+len(phrase) <= len(toks); i++ {
		match := true
		for j, p := range phrase {
			if toks[i+j] != p {
				match = false
				break
			}
		}
		if match {
			n++
		}
	}
	return n
}

// foldText splits text as unicode61 with remove_diacritics 2 does:
// letters, numbers (all of Unicode's N*: "½" and "²" too) and private-use
// characters make tokens, diacritics are removed, and case is folded. It
// returns the tokens joined by spaces.
func foldText(text string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, text)
	if err != nil {
		folded = text
	}
	return strings.Join(strings.FieldsFunc(strings.ToLower(folded), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r))
	}), " ")
}

// textAverages reads FTS5's averages record: the number of rows and of
// tokens in all columns, giving the average row length.
func textAverages(ctx context.Context, tx querier) (n, avgdl float64, err error) {
	var rec []byte
	if err := tx.QueryRowContext(ctx, `SELECT block FROM work_text_data WHERE id = 1`).Scan(&rec); err != nil {
		return 0, 0, fmt.Errorf("text averages: %w", err)
	}
	vals := varints(rec)
	if len(vals) < 1 || vals[0] == 0 {
		return 0, 1, nil
	}
	total := 0.0
	for _, v := range vals[1:] {
		total += float64(v)
	}
	return float64(vals[0]), total / float64(vals[0]), nil
}

// scoringTexts reads the text of works, split into tokens by column, and
// their lengths in tokens as FTS5 recorded them.
func scoringTexts(ctx context.Context, tx *sql.Tx, ids []int64) (map[int64][4][]string, map[int64]float64, error) {
	in, args := inList(ids)
	works, err := worksByIDs(ctx, tx, ids)
	if err != nil {
		return nil, nil, err
	}
	if err := loadAuthors(ctx, tx, works); err != nil {
		return nil, nil, err
	}
	if err := loadChapters(ctx, tx, works, true); err != nil {
		return nil, nil, err
	}
	texts := make(map[int64][4][]string, len(works))
	for _, w := range works {
		t := newWorkText(w)
		texts[w.ID] = [4][]string{
			strings.Fields(foldText(t.title)), strings.Fields(foldText(t.authors)),
			strings.Fields(foldText(t.summary)), strings.Fields(foldText(t.body)),
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, sz FROM work_text_docsize WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("text sizes: %w", err)
	}
	defer rows.Close()
	sizes := make(map[int64]float64, len(ids))
	for rows.Next() {
		var id int64
		var sz []byte
		if err := rows.Scan(&id, &sz); err != nil {
			return nil, nil, fmt.Errorf("text sizes: %w", err)
		}
		for _, v := range varints(sz) {
			sizes[id] += float64(v)
		}
	}
	return texts, sizes, rows.Err()
}

// varints decodes a run of SQLite varints (big-endian groups of 7 bits, the
// high bit set on all but the last; a ninth byte gives 8 bits).
func varints(b []byte) []uint64 {
	var out []uint64
	for len(b) > 0 {
		var v uint64
		i := 0
		for ; i < 8 && i < len(b); i++ {
			v = v<<7 | uint64(b[i]&0x7f)
			if b[i]&0x80 == 0 {
				break
			}
		}
		if i == 8 && i < len(b) {
			v = v<<8 | uint64(b[i])
		}
		b = b[min(i+1, len(b)):]
		out = append(out, v)
	}
	return out
}

func toInt64(ids []uint32) []int64 {
	out := make([]int64, len(ids))
	for i, id := range ids {
		out[i] = int64(id)
	}
	return out
}
