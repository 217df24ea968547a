package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// BM25 as FTS5 computes it, for the scores made in Go from the impact lists
// (impact.go, impact_query.go): the same float64 as FTS5's bm25(), bit for
// bit, so that pages found either way join up.

// bm25Columns are the weights of bm25Weights, by column.
var bm25Columns = [4]float64{10, 5, 2, 1}

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
