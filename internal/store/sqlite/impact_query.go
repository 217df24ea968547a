package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"fanarchive/internal/search"
)

// ftsBestText returns the works the text matches (MatchText) and, when the
// text is one common word with an impact list (impact.go) and no field,
// the listed works that match with their exact BM25 scores and a bound on
// the score of every other match. The scores are FTS5's bm25() computed
// from the list's counts and lengths, the averages record and the word's
// number of matching works, with the operations of FTS5 (bm25Phrase,
// bm25IDF): equal to RankText's, bit for bit. The bound is the word's IDF
// times impactBound, widened by a billionth for rounding.
func (s *Store) ftsBestText(ctx context.Context, must, mustNot []search.Clause) ([]uint32, *search.TopScores, error) {
	ids, err := s.ftsMatchText(ctx, must, mustNot)
	if err != nil {
		return nil, nil, err
	}
	if len(must) != 1 || must[0].Field != search.FieldAny || !plainWord(must[0].Text) || len(ids) == 0 {
		return ids, nil, nil
	}
	// Read after matching: a work that matched was listed in the same
	// commit that indexed it, so this snapshot lists it too.
	var top *search.TopScores
	err = s.read(ctx, func(tx *sql.Tx) error {
		var wordID int64
		var theta, avgdl0 float64
		err := tx.QueryRowContext(ctx, `SELECT id, theta, avgdl FROM text_impact_words WHERE word = ?`,
			must[0].Text).Scan(&wordID, &theta, &avgdl0)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // not a common word, or no lists
		} else if err != nil {
			return err
		}
		n, avgdl, err := textAverages(ctx, tx)
		if err != nil {
			return err
		}
		hits := float64(len(ids))
		if len(mustNot) > 0 {
			expr, err := ftsMatch(must, nil)
			if err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM work_text WHERE work_text MATCH ?`, expr).Scan(&hits); err != nil {
				return fmt.Errorf("count matches: %w", err)
			}
		}
		idf, err := bm25IDF(ctx, tx, n, hits)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT work_id, wf, dl FROM text_impact WHERE word_id = ?`, wordID)
		if err != nil {
			return fmt.Errorf("impact list: %w", err)
		}
		defer rows.Close()
		top = &search.TopScores{Bound: idf * impactBound(theta, avgdl0/avgdl) * (1 + 1e-9)}
		for rows.Next() {
			var id uint32
			var wf, dl float64
			if err := rows.Scan(&id, &wf, &dl); err != nil {
				return fmt.Errorf("impact list: %w", err)
			}
			// A row's score is its phrases' parts summed from 0: this
			// part alone, since the phrases of NOT add 0 where they do
			// not match.
			top.Scored = append(top.Scored, search.Scored{ID: id, Score: bm25Phrase(idf, wf, dl, avgdl)})
		}
		return rows.Err()
	})
	if err != nil {
		return nil, nil, fmt.Errorf("best text: %w", err)
	}
	return ids, top, nil
}

// impactBound bounds g in the works of a word that are not listed, given
// its theta and r = avgdl₀ / avgdl, the average length at the build over
// the current one. Such a work has g ≤ theta at avgdl₀, so k1 × b × dl /
// avgdl₀ ≥ wf × (k1 + 1) / theta − wf − k1 × (1 − b); at avgdl, where
// the length term is r times that, g = wf × (k1 + 1) / (wf + k1 × (1 − b)
// + r × k1 × b × dl / avgdl₀) is then at most
//
//	(k1 + 1) / ((1 − r) × (1 + k1 × (1 − b) / wf) + r × (k1 + 1) / theta),
//
// which grows with wf towards (k1 + 1) / ((1 − r) + r × (k1 + 1) / theta).
// With r = 1 that is theta; with r > 1 (works got shorter on average) g
// only fell, so theta still holds.
func impactBound(theta, r float64) float64 {
	if theta <= 0 {
		return 0 // every work with the word is listed
	}
	k1 := 1.2
	r = min(r, 1)
	return (k1 + 1) / ((1 - r) + r*(k1+1)/theta)
}

// plainWord reports whether a clause is one word of ASCII letters and
// digits in lower case: what FTS5 reads it as, then, is itself, the word
// of its impact list.
func plainWord(text string) bool {
	if text == "" {
		return false
	}
	for i := 0; i < len(text); i++ {
		if c := text[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
