package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"

	"fanarchive"
	"fanarchive/internal/pgtest"
	"fanarchive/internal/search"
)

// noBest is a search source without impact lists: every relevance page is
// found by scoring every match (or the best few, for a first page).
type noBest struct{ *Store }

func (s noBest) BestText(ctx context.Context, must, mustNot []search.Clause) ([]uint32, *search.TopScores, error) {
	ids, err := s.MatchText(ctx, must, mustNot)
	return ids, nil, err
}

// scoreCounter counts the times a search scored matches the slow ways.
type scoreCounter struct {
	*Store
	n *atomic.Int64
}

func (s scoreCounter) RankText(ctx context.Context, must, mustNot []search.Clause) ([]search.Scored, error) {
	s.n.Add(1)
	return s.Store.RankText(ctx, must, mustNot)
}

func (s scoreCounter) TopText(ctx context.Context, must, mustNot []search.Clause, k int) ([]search.Scored, error) {
	s.n.Add(1)
	return s.Store.TopText(ctx, must, mustNot, k)
}

func (s scoreCounter) ScoreText(ctx context.Context, must, mustNot []search.Clause, ids []uint32) ([]search.Scored, error) {
	s.n.Add(1)
	return s.Store.ScoreText(ctx, must, mustNot, ids)
}

// TestSearchImpactPages checks that relevance pages found from the impact
// lists are the pages found by scoring every match: every page of every
// common word forward and back, with and without filters and exclusions,
// before and after writes that the lists must follow; and that the lists
// decide most first pages.
func TestSearchImpactPages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "archive.db")
	testImpactPages(t, openAt(t, path), func() *Store {
		r := openAt(t, path)
		r.splitTextAt = 0 // queries split between connections, as at scale
		return r
	})
}

// TestPostgresImpactPages is TestSearchImpactPages on PostgreSQL, the
// search engine reading through a store of its own, as another process.
func TestPostgresImpactPages(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	open := func() *Store {
		s, err := OpenPostgres(context.Background(), dsn, nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	testImpactPages(t, open(), open)
}

// testImpactPages runs TestSearchImpactPages with w to write and a store
// from reader to search through.
func testImpactPages(t *testing.T, w *Store, reader func() *Store) {
	ctx := context.Background()
	defer w.Close()
	w.impactMinDocs, w.impactListLen = 60, 40
	rng := rand.New(rand.NewPCG(3, 5))
	works := impactCorpus(t, w, rng, 700, 1)
	if err := w.BuildTextImpacts(ctx); err != nil {
		t.Fatal(err)
	}
	r := reader()
	defer r.Close()
	var slowCalls atomic.Int64
	fast, err := search.New(ctx, scoreCounter{r, &slowCalls}, nil)
	if err != nil {
		t.Fatal(err)
	}
	slow, err := search.New(ctx, noBest{r}, nil)
	if err != nil {
		t.Fatal(err)
	}
	fast.SetTextCacheBytes(0)
	slow.SetTextCacheBytes(0)

	var words []string
	rows, err := r.rdb.QueryContext(ctx, `SELECT word FROM text_impact_words ORDER BY word`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var word string
		if err := rows.Scan(&word); err != nil {
			t.Fatal(err)
		}
		if plainWord(word) {
			words = append(words, word)
		}
	}
	rows.Close()
	if len(words) < 8 {
		t.Fatalf("only %d common words", len(words))
	}
	for len(words) > 12 { // a dozen or so, at random
		words = slices.DeleteFunc(words, func(string) bool { return rng.IntN(2) == 0 })
	}
	check := func(stage string) {
		decided, firsts := 0, 0
		for i, word := range words {
			for _, q := range []fanarchive.SearchQuery{
				{Text: word, Limit: 20},
				{Text: word, Limit: 3},
				{Text: word + " -w2", Limit: 5},
				{Text: word, Limit: 4, Ratings: []fanarchive.Rating{fanarchive.Ratings[i%len(fanarchive.Ratings)]}},
			} {
				before := slowCalls.Load()
				if _, err := fast.Search(ctx, q); err != nil {
					t.Fatal(err)
				}
				firsts++
				if slowCalls.Load() == before {
					decided++
				}
				comparePages(t, stage, fast, slow, q)
			}
		}
		t.Logf("%s: %d of %d first pages found from the lists alone", stage, decided, firsts)
		if decided == 0 {
			t.Errorf("%s: the lists decided no search", stage)
		}
	}
	check("after the build")

	// Writes the lists follow: new works, some longer (the average length
	// grows), deletions, edits.
	impactCorpus(t, w, rng, 200, 2)
	for i, wk := range works[:90] {
		if i%2 == 0 {
			if err := w.DeleteWork(ctx, wk.ID); err != nil {
				t.Fatal(err)
			}
		} else if err := w.UpdateWorkField(ctx, wk.ID, fanarchive.FieldTitle, words[i%len(words)]+" "+words[0], "archivist"); err != nil {
			t.Fatal(err)
		}
	}
	check("after writes")
}

// comparePages walks the pages of q forward on both engines (15 at most),
// then back from the last, and fails at the first difference.
func comparePages(t *testing.T, stage string, fast, slow fanarchive.SearchService, q fanarchive.SearchQuery) {
	t.Helper()
	ctx := context.Background()
	ids := func(res *fanarchive.SearchResult) string {
		var out []int64
		for _, w := range res.Works {
			out = append(out, w.ID)
		}
		return fmt.Sprint(out)
	}
	// walk pages from q, forward or back, up to 15 pages, and returns the
	// last page's query.
	walk := func(q fanarchive.SearchQuery, forward bool) fanarchive.SearchQuery {
		for n := 0; n < 15; n++ {
			a, err := fast.Search(ctx, q)
			if err != nil {
				t.Fatalf("%s: Search(%+v): %v", stage, q, err)
			}
			b, err := slow.Search(ctx, q)
			if err != nil {
				t.Fatalf("%s: Search(%+v): %v", stage, q, err)
			}
			if ids(a) != ids(b) || a.Next != b.Next || a.Prev != b.Prev || a.Total != b.Total {
				t.Fatalf("%s: %+v, page %d:\nlists  %s next %q prev %q total %d\nscored %s next %q prev %q total %d",
					stage, q, n, ids(a), a.Next, a.Prev, a.Total, ids(b), b.Next, b.Prev, b.Total)
			}
			link := a.Prev
			if forward {
				link = a.Next
			}
			if link == "" || n == 14 {
				return q
			}
			q.After, q.Before = "", ""
			if forward {
				q.After = link
			} else {
				q.Before = link
			}
		}
		return q
	}
	walk(walk(q, true), false)
}
