package sqlite

import (
	"context"
	"os"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/pgtest"
	"fanarchive/internal/search"
	"fanarchive/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// openPG opens a store on a new, empty PostgreSQL database (pgtest), with
// its clock set to now when now is not nil.
func openPG(t *testing.T, now func() time.Time) *Store {
	t.Helper()
	s, err := OpenPostgres(context.Background(), pgtest.NewDatabase(t), nil)
	if err != nil {
		t.Fatalf("OpenPostgres: %v", err)
	}
	if now != nil {
		s.now = now
	}
	return s
}

// pgOpener is an opener of the storetest suites that take a clock.
func pgOpener(t *testing.T, now func() time.Time) fanarchive.Store { return openPG(t, now) }

// pgSearchOpener is searchOpener on PostgreSQL: the search engine reads the
// database through a second store, as another process would.
func pgSearchOpener(limits int) storetest.SearchOpener {
	return func(t *testing.T) (fanarchive.Store, func(t *testing.T) fanarchive.SearchService) {
		dsn := pgtest.NewDatabase(t)
		w, err := OpenPostgres(context.Background(), dsn, nil)
		if err != nil {
			t.Fatalf("OpenPostgres: %v", err)
		}
		return w, func(t *testing.T) fanarchive.SearchService {
			r, err := OpenPostgres(context.Background(), dsn, nil)
			if err != nil {
				t.Fatalf("OpenPostgres: %v", err)
			}
			t.Cleanup(func() { r.Close() })
			e, err := search.New(context.Background(), r, nil)
			if err != nil {
				t.Fatal(err)
			}
			if limits >= 0 {
				e.SetLimits(limits, limits)
			}
			return e
		}
	}
}

// TestPostgres runs the whole store suite on PostgreSQL.
func TestPostgres(t *testing.T) {
	t.Run("Store", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) fanarchive.Store { return openPG(t, nil) })
	})
	t.Run("Accounts", func(t *testing.T) { storetest.RunAccounts(t, pgOpener) })
	t.Run("Claims", func(t *testing.T) { storetest.RunClaims(t, pgOpener) })
	t.Run("Feedback", func(t *testing.T) { storetest.RunFeedback(t, pgOpener) })
	t.Run("Comments", func(t *testing.T) { storetest.RunComments(t, pgOpener) })
	t.Run("ListStories", func(t *testing.T) { storetest.RunListStories(t, pgOpener) })
	t.Run("Lists", func(t *testing.T) { storetest.RunLists(t, pgOpener) })
	t.Run("Mail", func(t *testing.T) { storetest.RunMail(t, pgOpener) })
	t.Run("Readers", func(t *testing.T) { storetest.RunReaders(t, pgOpener) })
	t.Run("Posting", func(t *testing.T) { storetest.RunPosting(t, pgSearchOpener(-1)) })
	t.Run("Review", func(t *testing.T) { storetest.RunReview(t, pgSearchOpener(-1)) })
	t.Run("Search", func(t *testing.T) { storetest.RunSearch(t, pgSearchOpener(-1)) })
	t.Run("SearchLarge", func(t *testing.T) { storetest.RunSearch(t, pgSearchOpener(0)) })
}

func TestRebind(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`a = ? AND b = ?`, `a = $1 AND b = $2`},
		{`x = '?' AND y = ?`, `x = '?' AND y = $1`},
		{`x = 'it''s ?' AND y = ?`, `x = 'it''s ?' AND y = $1`},
		{`"we?ird" = ? -- what?` + "\n" + `AND z = ?`, `"we?ird" = $1 -- what?` + "\n" + `AND z = $2`},
		{`/* ? */ a = ?`, `/* ? */ a = $1`},
		{`$$ ? $$ || ?`, `$$ ? $$ || $1`},
		{`expires_at > ?1 AND id = ?2 OR x = ?1`, `expires_at > $1 AND id = $2 OR x = $1`},
	} {
		if got := rebind(c.in); got != c.want {
			t.Errorf("rebind(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTextTokens(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"The girl is dead.", "the girl is dead"},
		{"Café déjà-vu, NAÏVE", "cafe deja vu naive"},
		{"don't stop—3x", "don t stop 3x"},
		{"Ελληνικά Straße", "ελληνικα straße"},
		{"", ""},
	} {
		var got []string
		textTokens(c.in, func(w string) { got = append(got, w) })
		if s := joinWords(got); s != c.want {
			t.Errorf("textTokens(%q) = %q, want %q", c.in, s, c.want)
		}
	}
}

func joinWords(w []string) string {
	out := ""
	for i, s := range w {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out
}
