package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"fanarchive/internal/pgtest"
	"fanarchive/internal/search"
)

// FuzzPostgresText: whatever a story or a search box holds, the tsvector
// pieces written for it and the tsquery made of it are accepted by
// PostgreSQL, every word of the text is in its pieces, and a phrase of the
// text's own words matches them. Needs a PostgreSQL server (pgtest).
func FuzzPostgresText(f *testing.F) {
	for _, s := range []string{
		"The Ferryman's Lantern", `a 'quoted' \back\slash "word"`, "Ça, c'est l'été — naïve café", "日本語のテキスト",
		"x:A & y | !z <-> (w)", "\x00\xff\xfe broken \xc3", strings.Repeat("word ", 300), "İstanbul ǅ ß ﬁ",
	} {
		f.Add(s)
	}
	dsn := pgtest.NewDatabase(f)
	db, err := openPostgresDB(dsn)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, text string) {
		words := map[string]bool{}
		textTokens(text, func(w string) { words[w] = true })
		pieces := textPieces([]string{text, "", "", text}, []string{"A", "B", "C", "D"})
		var lexemes []string
		for _, p := range pieces {
			var got []string
			if err := scanStrings(ctx, db, &got, `SELECT unnest(tsvector_to_array(CAST(? AS tsvector)))`, p); err != nil {
				t.Fatalf("piece %.100q: %v", p, err)
			}
			lexemes = append(lexemes, got...)
		}
		for _, l := range lexemes {
			delete(words, l)
		}
		if len(words) > 0 {
			t.Errorf("words of %.100q not in its pieces: %v", text, words)
		}
		q := clauseQuery(search.Clause{Text: text})
		n := 0
		textTokens(text, func(string) { n++ })
		if q == "" || n > 200 {
			return
		}
		title := textPieces([]string{text, "", "", ""}, []string{"A", "B", "C", "D"})
		var match bool
		if err := db.QueryRowContext(ctx, `SELECT CAST(? AS tsvector) @@ CAST(? AS tsquery)`, title[0], q).Scan(&match); err != nil {
			t.Fatalf("query %.100q: %v", q, err)
		}
		if !match {
			t.Errorf("the phrase of %.100q does not match its own title", text)
		}
	})
}

// scanStrings reads one text column of every row.
func scanStrings(ctx context.Context, db *sql.DB, out *[]string, query string, args ...any) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		*out = append(*out, s)
	}
	return rows.Err()
}

// FuzzRebind: any SQL text is rebound without a panic, text without a
// question mark is unchanged, and every ? outside quotes and comments
// becomes one $n, numbered in order.
func FuzzRebind(f *testing.F) {
	for _, s := range []string{"SELECT ?", "SELECT '?', ?", "-- ?\nSELECT ?1, ?2", "SELECT $$ ? $$, ?", `SELECT "a?" FROM t WHERE x = ?`, "/* ? */ ?"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		out := rebind(q)
		if !strings.Contains(q, "?") && out != q {
			t.Errorf("rebind(%q) = %q, want it unchanged", q, out)
		}
	})
}
