package search

import (
	"cmp"
	"slices"
	"sort"
	"strconv"

	"github.com/RoaringBitmap/roaring/v2"
)

// A relevance page from the best-scoring works alone (Source.BestText).
//
// Scoring every work a common word matches costs about a microsecond each,
// a hundred milliseconds for a word in a tenth of a million works. The
// database keeps, for each common word, the few hundred works it scores
// highest in, with what their scores are made of, and a bound on the score
// of every other work (docs/search.md, "Relevance"). The results scoring
// above the bound are then known exactly and in order; whatever else the
// text matches comes after them. A page that lies within them, with one
// result beyond it to tell whether there is a next page, is exactly the
// page scoring every match would give, cursors included.

// pageTop returns the page r asks for among the works of set, ranked by
// relevance, if top (the text's best-scoring works) decides it; ok is false
// when it does not, and the caller scores every match instead.
func pageTop(r *request, set *roaring.Bitmap, top *TopScores) (ids []uint32, next, prev string, ok bool) {
	// known: the results scoring above the bound, in page order.
	var known []Scored
	for _, s := range top.Scored {
		if s.Score > top.Bound && set.Contains(s.ID) {
			known = append(known, s)
		}
	}
	slices.SortFunc(known, pageOrder)
	n := int(set.GetCardinality())
	all := len(known) == n // every result is known
	var cur Scored
	if r.cursor != nil {
		cur = Scored{ID: r.cursor.id, Score: r.cursor.fkey}
	}
	var lo, hi int
	switch {
	case r.cursor == nil:
		lo, hi = 0, r.Limit
	case r.before:
		// The results before the cursor are all known if the cursor is
		// not past the last known result.
		if !all && (len(known) == 0 || pageOrder(cur, known[len(known)-1]) > 0) {
			return nil, "", "", false
		}
		hi = sort.Search(len(known), func(i int) bool { return pageOrder(known[i], cur) >= 0 })
		lo = max(0, hi-r.Limit)
	default:
		// The results up to the cursor are all known if the cursor comes
		// before the last known result.
		if !all && (len(known) == 0 || pageOrder(cur, known[len(known)-1]) >= 0) {
			return nil, "", "", false
		}
		lo = sort.Search(len(known), func(i int) bool { return pageOrder(known[i], cur) > 0 })
		hi = lo + r.Limit
	}
	// Going forward, one more result than the page must be known to tell
	// whether a next page exists.
	if !all && (r.before && hi > len(known) || !r.before && hi >= len(known)) {
		return nil, "", "", false
	}
	hi = min(hi, len(known))
	page := known[lo:hi]
	if len(page) == 0 {
		return []uint32{}, "", "", true
	}
	ids = make([]uint32, len(page))
	for i, s := range page {
		ids[i] = s.ID
	}
	format := func(s Scored) string {
		return strconv.FormatFloat(s.Score, 'g', -1, 64) + "_" + strconv.FormatUint(uint64(s.ID), 10)
	}
	// Results after the page: beyond hi among the known ones, or unknown
	// ones (which come after every known one); before it: lo of them.
	if hi < n {
		next = format(page[len(page)-1])
	}
	if lo > 0 {
		prev = format(page[0])
	}
	return ids, next, prev, true
}

// pageOrder is the order of relevance pages: higher scores first, ties to
// the higher ID (as pageRelevance orders them).
func pageOrder(a, b Scored) int {
	return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.ID, a.ID))
}
