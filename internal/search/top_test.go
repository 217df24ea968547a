package search

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"

	"fanarchive"
)

// TestPageTop checks pages found from the best-scoring works alone against
// pages found by scoring every match (pageRelevance), on random results
// with many tied scores, for first pages and cursors either way, and that
// it decides the pages it should.
func TestPageTop(t *testing.T) {
	for _, tc := range []struct {
		name          string
		n, inTop      int // results, and how many score above the bound
		limit         int
		wantFirstPage bool // the first page must be decided
	}{
		{"many above the bound", 200, 60, 10, true},
		{"page and one more", 200, 11, 10, true},
		{"just the page", 200, 10, 10, false},
		{"none above", 50, 0, 5, false},
		{"all above", 30, 30, 7, true},
		{"fewer than a page, all above", 4, 4, 10, true},
		{"nothing", 0, 0, 10, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(tc.n), uint64(tc.inTop)))
			for round := range 20 {
				all, set, top := randomTop(rng, tc.n, tc.inTop)
				cursors := []*cursor{nil}
				for range 30 {
					var c cursor
					if len(all) > 0 && rng.IntN(4) > 0 {
						s := all[rng.IntN(len(all))]
						c = cursor{id: s.ID, fkey: s.Score}
					} else { // a work that is gone, or another place
						c = cursor{id: uint32(1 + rng.IntN(tc.n+5)), fkey: float64(rng.IntN(12))}
					}
					cursors = append(cursors, &c)
				}
				decided := 0
				for _, c := range cursors {
					for _, before := range []bool{false, true} {
						if c == nil && before {
							continue
						}
						r := &request{SearchQuery: fanarchive.SearchQuery{Limit: tc.limit}, sort: fanarchive.SortRelevance,
							cursor: c, before: before}
						wantIDs, wantNext, wantPrev := pageRelevance(r, set, all)
						ids, next, prev, ok := pageTop(r, set, top)
						if c == nil && ok != tc.wantFirstPage {
							t.Fatalf("round %d: first page decided = %v, want %v", round, ok, tc.wantFirstPage)
						}
						if !ok {
							continue
						}
						decided++
						if !slices.Equal(ids, wantIDs) || next != wantNext || prev != wantPrev {
							t.Fatalf("round %d, cursor %+v, before %v:\n got %v next %q prev %q\nwant %v next %q prev %q",
								round, c, before, ids, next, prev, wantIDs, wantNext, wantPrev)
						}
					}
				}
				if tc.inTop > 2*tc.limit && decided < 3 {
					t.Errorf("round %d: only %d pages decided", round, decided)
				}
			}
		})
	}
}

// randomTop makes n scored results (IDs 1..n, in set) and what a database
// would tell of them: the inTop best scored exactly with a bound below
// them, and also some others scored (below the bound) and some works that
// are not results (a filter left them out).
func randomTop(rng *rand.Rand, n, inTop int) ([]Scored, *roaring.Bitmap, *TopScores) {
	all := make([]Scored, n)
	set := roaring.New()
	for i := range all {
		all[i] = Scored{ID: uint32(i + 1), Score: float64(rng.IntN(12))} // ties are common
		set.Add(uint32(i + 1))
	}
	sorted := slices.Clone(all)
	slices.SortFunc(sorted, pageOrder)
	// The bound lies between the inTop-th best and the next, which must
	// not tie with it: add a gap.
	top := &TopScores{Bound: -1}
	for i := range sorted {
		if i < inTop {
			sorted[i].Score += 100
		}
	}
	if inTop < n {
		top.Bound = sorted[inTop].Score + 0.5
	}
	score := map[uint32]float64{}
	for _, s := range sorted {
		score[s.ID] = s.Score
	}
	for i := range all {
		all[i].Score = score[all[i].ID]
	}
	for _, s := range sorted[:inTop] {
		top.Scored = append(top.Scored, s)
	}
	for _, s := range sorted[inTop:] {
		if rng.IntN(3) == 0 {
			top.Scored = append(top.Scored, s) // listed, but not above the bound
		}
	}
	for range 5 {
		top.Scored = append(top.Scored, Scored{ID: uint32(n + 1 + rng.IntN(100)), Score: 1000}) // not a result
	}
	rng.Shuffle(len(top.Scored), func(i, j int) { top.Scored[i], top.Scored[j] = top.Scored[j], top.Scored[i] })
	return all, set, top
}
