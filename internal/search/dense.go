package search

import (
	"math/bits"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
)

// Dense copies of the most used tags make a large result's facets cheap.
//
// A large result that has lost works here and there — a muted reader's
// whole archive, one rating, complete works — is held in bitmap containers,
// and intersecting it with a tag kept in array containers (any tag on fewer
// than one work in sixteen) looks every work of the tag up one by one. The
// facet loop (facetByBitmaps) does that for the top tags of every kind, and
// more of them the more the result's counts fall below the tags' counts
// overall: 50 muted popular tags made the whole archive's facets six times
// slower (docs/benchmarks.md, "Muting"). A plain bit array of the tag ANDed
// with the result's, counting bits a word at a time, costs one pass over the
// archive's IDs however many works the tag has.
//
// So the index keeps, next to the roaring bitmap, a bit array of each
// canonical tag on at least one listed work in denseDivisor — at that
// density the array costs twice the tag's array containers, less above —
// up to denseMaxPerKind tags of each facet kind, the most used (the ones the
// facet loop reaches). put and remove keep them equal to the bitmaps;
// rebuildCounts adds tags that have become dense and drops those that fell
// well below.
const (
	denseDivisor    = 64
	denseMaxPerKind = 96
)

// denseSets are the dense copies, by canonical tag ID.
type denseSets map[uint32][]uint64

// add sets id in c's copy, if c has one.
func (d denseSets) add(c, id uint32) {
	words, ok := d[c]
	if !ok {
		return
	}
	w := int(id / 64)
	if w >= len(words) {
		words = append(words, make([]uint64, w+1-len(words))...)
		d[c] = words
	}
	words[w] |= 1 << (id % 64)
}

// remove clears id in c's copy, if c has one.
func (d denseSets) remove(c, id uint32) {
	if words, ok := d[c]; ok && int(id/64) < len(words) {
		words[id/64] &^= 1 << (id % 64)
	}
}

// refresh makes the copies match byCount's order: the first
// denseMaxPerKind tags of each kind on at least live/denseDivisor works get
// a copy; a copy is dropped once its tag is on fewer than half that, or
// past the first 2*denseMaxPerKind (so a tag near the line is not copied and
// dropped at every change). Archives no larger than the scan limit count
// facets by scanning and keep none.
func (ix *index) refreshDense() {
	live := ix.live.GetCardinality()
	if live <= uint64(ix.scanLimit) {
		clear(ix.dense)
		return
	}
	min := live / denseDivisor
	keep := map[uint32]bool{}
	for _, k := range facetKinds {
		for i, c := range ix.byCount[k] {
			n := ix.canon[c].GetCardinality()
			if n < min/2 || i >= 2*denseMaxPerKind {
				break
			}
			keep[c] = true
			if _, ok := ix.dense[c]; !ok && n >= min && i < denseMaxPerKind {
				ix.dense[c] = ix.canon[c].ToDense()
			}
		}
	}
	for c := range ix.dense {
		if !keep[c] {
			delete(ix.dense, c)
		}
	}
}

// denseBuffers hold results made dense for one facet count: 125 KB at a
// million works.
var denseBuffers = sync.Pool{New: func() any { return new([]uint64) }}

// denseOf writes set as a bit array into a pooled buffer; release returns it.
func denseOf(set *roaring.Bitmap) (words []uint64, release func()) {
	p := denseBuffers.Get().(*[]uint64)
	n := int(set.DenseSize())
	if cap(*p) < n {
		*p = make([]uint64, n)
	}
	words = (*p)[:n]
	clear(words)
	set.WriteDenseTo(words)
	return words, func() { denseBuffers.Put(p) }
}

// andCount counts the bits set in both a and b.
func andCount(a, b []uint64) int {
	n := min(len(a), len(b))
	a, b = a[:n], b[:n]
	var c0, c1, c2, c3 int
	i := 0
	for ; i+4 <= n; i += 4 {
		c0 += bits.OnesCount64(a[i] & b[i])
		c1 += bits.OnesCount64(a[i+1] & b[i+1])
		c2 += bits.OnesCount64(a[i+2] & b[i+2])
		c3 += bits.OnesCount64(a[i+3] & b[i+3])
	}
	for ; i < n; i++ {
		c0 += bits.OnesCount64(a[i] & b[i])
	}
	return c0 + c1 + c2 + c3
}

// orInto sets in dst every bit set in src; dst is at least as long.
func orInto(dst, src []uint64) {
	dst = dst[:len(src)]
	for i, w := range src {
		dst[i] |= w
	}
}
