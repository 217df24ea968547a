package sqlite

import (
	"context"
	"math/rand/v2"
	"testing"
)

// TestPostgresPieceScore checks pgPieceScore and tsvWords against
// PostgreSQL: every word of every piece of a small corpus (with accents,
// capitals and several weights), its score computed here from the piece's
// text form equal to ts_rank_cd's, bit for bit. The impact lists allow a
// margin (pgImpactMargin) but should not need it.
func TestPostgresPieceScore(t *testing.T) {
	ctx := context.Background()
	s := openPG(t, nil)
	defer s.Close()
	rng := rand.New(rand.NewPCG(7, 11))
	impactCorpus(t, s, rng, 60, 3)
	rows, err := s.rdb.QueryContext(ctx, `SELECT t.work_id, t.piece, CAST(t.doc AS TEXT), u.lexeme,
		ts_rank_cd('{0.1, 0.2, 0.5, 1.0}', t.doc, CAST(quote_literal(u.lexeme) AS tsquery), 1)
		FROM work_text t, unnest(t.doc) u`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n, inexact := 0, 0
	for rows.Next() {
		var work, piece int64
		var doc, word string
		var want float32
		if err := rows.Scan(&work, &piece, &doc, &word, &want); err != nil {
			t.Fatal(err)
		}
		var weights []byte
		found := false
		length, err := tsvWords(doc, func(w string, ws []byte) {
			if w == word {
				weights, found = append([]byte(nil), ws...), true
			}
		})
		if err != nil {
			t.Fatalf("work %d piece %d: %v", work, piece, err)
		}
		if !found {
			t.Fatalf("work %d piece %d: tsvWords did not find %q in %.200s", work, piece, word, doc)
		}
		got := pgPieceScore(weights, length)
		if got != float64(want) {
			inexact++
			if d := (got - float64(want)) / float64(want); d > pgImpactMargin || d < -pgImpactMargin {
				t.Fatalf("work %d piece %d word %q: score %v here, %v in PostgreSQL", work, piece, word, got, want)
			}
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 1000 {
		t.Fatalf("only %d words compared", n)
	}
	if inexact > 0 {
		t.Errorf("%d of %d scores differ from PostgreSQL's in the last bits (within the margin)", inexact, n)
	}
	t.Logf("%d scores compared", n)
}

// TestTsvWords reads tsvectors' text forms, quotes and weights included.
func TestTsvWords(t *testing.T) {
	for _, tc := range []struct {
		in    string
		words []string
		n     int
	}{
		{``, nil, 0},
		{`'a':1A,2 'b':3B`, []string{"a:AD", "b:B"}, 3},
		{`'it''s':1 'back\\slash':2C 'bare'`, []string{"it's:D", `back\slash:C`, "bare:"}, 3},
	} {
		var got []string
		n, err := tsvWords(tc.in, func(w string, ws []byte) {
			s := w + ":"
			for _, c := range ws {
				if c == 0 {
					c = 'D'
				}
				s += string(c)
			}
			got = append(got, s)
		})
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		if n != tc.n || len(got) != len(tc.words) {
			t.Fatalf("%q: %v, %d positions; want %v, %d", tc.in, got, n, tc.words, tc.n)
		}
		for i := range got {
			if got[i] != tc.words[i] {
				t.Fatalf("%q: %v; want %v", tc.in, got, tc.words)
			}
		}
	}
	for _, bad := range []string{`a`, `'unterminated`, `'a':`, `'a':x`} {
		if _, err := tsvWords(bad, func(string, []byte) {}); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
