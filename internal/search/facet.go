package search

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/RoaringBitmap/roaring/v2"

	"fanarchive"
)

// defaultScanLimit is the result size past which facets are counted by
// intersecting the result with each tag's bitmap, most used tags first,
// stopping as soon as no tag left can reach the top (a count in the result
// can never exceed the tag's count overall). Up to a quarter of it they are
// counted by reading each result's tags from the forward index, which
// costs the result's size. In between, either may be cheaper: the
// intersections stop early when the result is spread over the archive as
// the tags are (a rating, the complete works, an archive less some muted
// tags) and late when it is one corner of it (a fandom, whose own tags are
// not the archive's most used); so the intersections are tried first
// within a share of what a scan would cost, and the scan counts when they
// run out of it (docs/benchmarks.md, "Muting").
const defaultScanLimit = 100000

// bitmapBudgetShare is the share of a scan's expected time that the
// intersections may take before a result between the limits is scanned
// instead: at worst a count costs this much more than the scan alone.
const bitmapBudgetShare = 0.25

// defaultScanNanos is the expected scan time per 1024 works before a scan
// has been timed (about 0.3 µs a work on the 2-core benchmark machine).
const defaultScanNanos = 300 << 10

// counters are reused between searches: one slot per tag ID.
var counters = sync.Pool{New: func() any { return &counter{} }}

type counter struct {
	count   []uint32
	lastDoc []uint32 // the last work counted for each tag, so a work with two synonyms counts once
	touched []uint32
}

// facets counts the most used canonical tags of each facet kind, and every
// rating, among the works in set. Tags in skip (the asker's muted tags,
// whose works are gone from set) are not counted: they have none left.
//
// Past the scan limit each kind is counted by intersections on its own
// goroutine, up to GOMAXPROCS at once: a large result's facets are the
// slowest part of its search, and the kinds share nothing but the index,
// which the caller holds read-locked until they are done.
func (ix *index) facets(set *roaring.Bitmap, limit int, skip map[uint32]bool) []fanarchive.Facet {
	var out []fanarchive.Facet
	n := set.GetCardinality()
	switch {
	case n <= uint64(ix.scanLimit/4):
		out = ix.facetsByScan(set, limit)
	case n <= uint64(ix.scanLimit):
		budget := time.Duration(float64(n) * float64(ix.scanNanos.Load()) / 1024 * bitmapBudgetShare)
		deadline := time.Now().Add(budget)
		if out = ix.facetsByBitmaps(set, limit, skip, deadline); out == nil {
			out = ix.facetsByScan(set, limit)
		}
	default:
		out = ix.facetsByBitmaps(set, limit, skip, time.Time{})
	}
	ratings := fanarchive.Facet{Kind: fanarchive.FacetRating}
	for _, r := range fanarchive.Ratings {
		if n := set.AndCardinality(ix.ratings[r]); n > 0 {
			ratings.Counts = append(ratings.Counts, fanarchive.TagCount{
				Tag: fanarchive.Tag{Kind: fanarchive.FacetRating, Name: string(r)}, Works: int(n)})
		}
	}
	return append(out, ratings)
}

// facetsByBitmaps counts each kind by intersections on its own goroutine,
// up to GOMAXPROCS at once. With a deadline (not zero) it gives up when
// the deadline passes and returns nil.
func (ix *index) facetsByBitmaps(set *roaring.Bitmap, limit int, skip map[uint32]bool, deadline time.Time) []fanarchive.Facet {
	var words []uint64
	if len(ix.dense) > 0 {
		var release func()
		words, release = denseOf(set)
		defer release()
	}
	var late atomic.Bool
	stop := func() bool {
		if deadline.IsZero() {
			return false
		}
		if late.Load() || time.Now().After(deadline) {
			late.Store(true)
			return true
		}
		return false
	}
	out := make([]fanarchive.Facet, len(facetKinds))
	work := make(chan int, len(facetKinds))
	for i := range facetKinds {
		work <- i
	}
	close(work)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(facetKinds)) {
		wg.Go(func() {
			for i := range work {
				out[i] = ix.facetByBitmaps(set, words, facetKinds[i], limit, skip, stop)
			}
		})
	}
	wg.Wait()
	if late.Load() {
		return nil
	}
	return out
}

// facetsByScan counts every tag of every work in set.
func (ix *index) facetsByScan(set *roaring.Bitmap, limit int) []fanarchive.Facet {
	if n := set.GetCardinality(); n >= 1024 {
		defer ix.timeScan(time.Now(), n)
	}
	c := counters.Get().(*counter)
	defer counters.Put(c)
	if n := len(ix.tags); len(c.count) < n {
		c.count = make([]uint32, n)
		c.lastDoc = make([]uint32, n)
	}
	c.touched = c.touched[:0]
	it := set.Iterator()
	for it.HasNext() {
		id := it.Next()
		for _, t := range ix.docTags(&ix.docs[id]) {
			k := ix.canonOf(t)
			if int(k) >= len(c.count) {
				continue
			}
			if c.count[k] == 0 {
				c.touched = append(c.touched, k)
			} else if c.lastDoc[k] == id+1 {
				continue
			}
			c.count[k]++
			c.lastDoc[k] = id + 1
		}
	}
	// Keep the top of each kind as the counts are read, rather than sort
	// every tag the result touched.
	tops := map[fanarchive.TagKind]*topK{}
	for _, kind := range facetKinds {
		tops[kind] = &topK{limit: limit}
	}
	for _, k := range c.touched {
		if top := tops[ix.tags[k].kind]; top != nil {
			top.offer(ix, k, int(c.count[k]))
		}
		c.count[k], c.lastDoc[k] = 0, 0
	}
	out := make([]fanarchive.Facet, 0, len(facetKinds)+1)
	for _, kind := range facetKinds {
		out = append(out, fanarchive.Facet{Kind: kind, Counts: tops[kind].counts})
	}
	return out
}

// timeScan folds the time of a scan of n works that began at start into
// the expected scan time per work (a moving average over about eight
// scans), which bounds the intersections' budget.
func (ix *index) timeScan(start time.Time, n uint64) {
	per := int64(time.Since(start)) * 1024 / int64(n)
	old := ix.scanNanos.Load()
	ix.scanNanos.Store(old + (per-old)/8) // a lost update among racing scans is harmless
}

// topK keeps the limit most used tags offered to it, in facet order.
type topK struct {
	limit  int
	counts []fanarchive.TagCount
}

// offer considers tag id with n works.
func (t *topK) offer(ix *index, id uint32, n int) {
	if len(t.counts) == t.limit {
		last := t.counts[len(t.counts)-1]
		if n < last.Works || n == last.Works && ix.tags[id].name >= last.Tag.Name {
			return
		}
		t.counts = t.counts[:len(t.counts)-1]
	}
	tc := fanarchive.TagCount{Tag: ix.tagOf(id), Works: n}
	i, _ := slices.BinarySearchFunc(t.counts, tc, compareCounts)
	t.counts = slices.Insert(t.counts, i, tc)
}

// facetByBitmaps counts the top tags of one kind by intersection: with the
// tag's dense copy when it has one and the result is given as a bit array
// too (words), else with its bitmap. It gives up, returning no counts,
// once stop reports true.
func (ix *index) facetByBitmaps(set *roaring.Bitmap, words []uint64, kind fanarchive.TagKind, limit int, skip map[uint32]bool, stop func() bool) fanarchive.Facet {
	var top []fanarchive.TagCount
	for _, c := range ix.byCount[kind] {
		if skip[c] {
			continue
		}
		if stop() { // a clock read is cheap next to an intersection
			return fanarchive.Facet{Kind: kind}
		}
		b := ix.canon[c]
		if len(top) == limit && b.GetCardinality() < uint64(top[len(top)-1].Works) {
			break // neither this tag nor any less used one can get in
		}
		var n int
		if d, ok := ix.dense[c]; ok && words != nil {
			n = andCount(words, d)
		} else {
			n = int(set.AndCardinality(b))
		}
		if n == 0 || len(top) == limit && n < top[len(top)-1].Works {
			continue // (a tie may still win on its name)
		}
		top = append(top, fanarchive.TagCount{Tag: ix.tagOf(c), Works: n})
		sortCounts(top)
		top = top[:min(limit, len(top))]
	}
	return fanarchive.Facet{Kind: kind, Counts: top}
}

// tagOf returns the tag with this ID as the domain has it.
func (ix *index) tagOf(id uint32) fanarchive.Tag {
	t := ix.tags[id]
	return fanarchive.Tag{ID: int64(id), Kind: t.kind, Name: t.name}
}

// sortCounts orders counts most used first, then by name.
func sortCounts(counts []fanarchive.TagCount) { slices.SortFunc(counts, compareCounts) }

func compareCounts(a, b fanarchive.TagCount) int {
	return cmp.Or(cmp.Compare(b.Works, a.Works), cmp.Compare(a.Tag.Name, b.Tag.Name), cmp.Compare(a.Tag.ID, b.Tag.ID))
}

// TagCounts implements fanarchive.SearchService.
func (e *Engine) TagCounts(ctx context.Context, kind fanarchive.TagKind) ([]fanarchive.TagCount, error) {
	if !kind.Valid() {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "Tag kind %q is not one of %v.", kind, fanarchive.TagKinds)
	}
	if err := e.catchUp(ctx); err != nil {
		return nil, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	var out []fanarchive.TagCount
	for c, b := range e.ix.canon {
		if b == nil || c >= len(e.ix.tags) || e.ix.tags[c].kind != kind {
			continue
		}
		n := b.GetCardinality()
		if !e.ix.restricted.IsEmpty() {
			n -= b.AndCardinality(e.ix.restricted) // a guest's count
		}
		if n > 0 {
			out = append(out, fanarchive.TagCount{Tag: e.ix.tagOf(uint32(c)), Works: int(n)})
		}
	}
	sortCounts(out)
	return out, nil
}
