package search

import (
	"bytes"
	"cmp"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"fanarchive"
)

// defaultMaterializeLimit is the result size up to which a page is found by
// sorting the whole result; past it, by walking the stored order from the
// cursor and keeping the works in the result. Either way a deep page costs
// what the first one does: the result is at least 1 in 25 works when it is
// walked, so a page is found within a few hundred steps.
const defaultMaterializeLimit = 40000

// cursor names the work a page starts after (or ends before) and its sort
// key, so it can be placed again in an order that has changed since.
type cursor struct {
	id   uint32
	ikey int64   // updated, published or words
	fkey float64 // relevance
}

// parseCursor reads a cursor made by formatCursor for the same sort.
func parseCursor(s string, sort fanarchive.SearchSort) (*cursor, error) {
	bad := fanarchive.Errorf(fanarchive.EINVALID, "That page link is not valid for this search; please start from the first page.")
	i := strings.LastIndexByte(s, '_')
	if i < 0 || len(s) > 64 {
		return nil, bad
	}
	id, err := strconv.ParseUint(s[i+1:], 10, 32)
	if err != nil || id == 0 {
		return nil, bad
	}
	c := &cursor{id: uint32(id)}
	key := s[:i]
	switch sort {
	case fanarchive.SortRelevance:
		if c.fkey, err = strconv.ParseFloat(key, 64); err != nil || math.IsNaN(c.fkey) {
			return nil, bad
		}
	case fanarchive.SortTitle:
		if key != "" {
			return nil, bad
		}
	default:
		if c.ikey, err = strconv.ParseInt(key, 10, 64); err != nil {
			return nil, bad
		}
	}
	return c, nil
}

// formatCursor returns the cursor of a work in an order.
func (ix *index) formatCursor(o int, id uint32) string {
	d := &ix.docs[id]
	var key string
	switch o {
	case orderUpdated:
		key = strconv.FormatInt(d.updated, 10)
	case orderPublished:
		key = strconv.FormatInt(d.published, 10)
	case orderWords:
		key = strconv.FormatInt(int64(d.words), 10)
	}
	return key + "_" + strconv.FormatUint(uint64(id), 10)
}

// cmpCursor compares a work with the cursor's place in an order: negative
// when the work comes before it.
func (ix *index) cmpCursor(o int, id uint32, c *cursor) int {
	d := &ix.docs[id]
	var k int
	switch o {
	case orderUpdated:
		k = cmp.Compare(c.ikey, d.updated)
	case orderPublished:
		k = cmp.Compare(c.ikey, d.published)
	case orderWords:
		k = cmp.Compare(c.ikey, int64(d.words))
	case orderTitle:
		// The cursor's work keeps its record after it is deleted, so its
		// title can still be compared with.
		if int(c.id) < len(ix.docs) && ix.docs[c.id].rating != 0 {
			k = bytes.Compare(ix.title(d), ix.title(&ix.docs[c.id]))
		}
	}
	if k != 0 {
		return k
	}
	return cmp.Compare(c.id, id)
}

// page returns the IDs of the page r asks for among the works in set, and
// the cursors of the pages after and before it. scored holds the relevance
// of the works the text matched when sorting by relevance.
func (ix *index) page(r *request, set *roaring.Bitmap, scored []Scored) (ids []uint32, next, prev string) {
	if r.sort == fanarchive.SortRelevance && scored != nil {
		return pageRelevance(r, set, scored)
	}
	o := orderFor(string(r.sort)) // relevance without words is newest first
	cmpCur := func(id uint32) int { return ix.cmpCursor(o, id, r.cursor) }
	format := func(id uint32) string { return ix.formatCursor(o, id) }
	if set.GetCardinality() <= uint64(ix.materializeLimit) {
		list := set.ToArray()
		slices.SortFunc(list, func(a, b uint32) int { return ix.compare(o, a, b) })
		return pageSlice(r, len(list), func(i int) uint32 { return list[i] },
			func(i int) int { return cmpCur(list[i]) }, func(i int) string { return format(list[i]) })
	}
	return pageWalk(r, ix.orders[o], set, cmpCur, format)
}

// pageRelevance pages through the text matches in set, best first. Only
// the page is sorted: the matches on the cursor's side are kept in a small
// buffer of the best (or, going back, the nearest) limit, so a common word
// with hundreds of thousands of matches costs one pass.
func pageRelevance(r *request, set *roaring.Bitmap, scored []Scored) ([]uint32, string, string) {
	// order is the page order: negative when a comes first.
	order := func(a, b Scored) int { return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.ID, a.ID)) }
	vsCursor := func(s Scored) int { // negative when s comes before the cursor
		if r.cursor == nil {
			return 1
		}
		return order(s, Scored{ID: r.cursor.id, Score: r.cursor.fkey})
	}
	var page []Scored
	inSet, onSide := 0, 0
	for _, s := range scored {
		if !set.Contains(s.ID) {
			continue
		}
		inSet++
		c := vsCursor(s)
		if r.before && c >= 0 || !r.before && c <= 0 {
			continue
		}
		onSide++
		// Keep the limit items nearest the cursor: the first ones going
		// forward, the last ones going back.
		better := func(x, y Scored) bool {
			if r.before {
				return order(x, y) > 0
			}
			return order(x, y) < 0
		}
		if len(page) == r.Limit && !better(s, page[len(page)-1]) {
			continue
		}
		i, _ := slices.BinarySearchFunc(page, s, func(x, y Scored) int {
			if better(x, y) {
				return -1
			}
			return 1
		})
		page = slices.Insert(page, i, s)
		if len(page) > r.Limit {
			page = page[:r.Limit]
		}
	}
	if r.before {
		slices.Reverse(page)
	}
	ids := make([]uint32, len(page))
	for i, s := range page {
		ids[i] = s.ID
	}
	format := func(s Scored) string {
		return strconv.FormatFloat(s.Score, 'g', -1, 64) + "_" + strconv.FormatUint(uint64(s.ID), 10)
	}
	var next, prev string
	if len(page) == 0 {
		return ids, "", ""
	}
	moreOnSide := onSide > len(page)
	otherSide := inSet > onSide
	if r.before {
		if moreOnSide {
			prev = format(page[0])
		}
		if otherSide {
			next = format(page[len(page)-1])
		}
	} else {
		if moreOnSide {
			next = format(page[len(page)-1])
		}
		if otherSide {
			prev = format(page[0])
		}
	}
	return ids, next, prev
}

// pageSlice pages through a sorted list of n works: idAt gives the work at
// a place in it, cmpAt compares it with the cursor and formatAt makes its
// cursor.
func pageSlice(r *request, n int, idAt func(int) uint32, cmpAt func(int) int, formatAt func(int) string) ([]uint32, string, string) {
	var lo, hi int
	switch {
	case r.cursor == nil:
		lo, hi = 0, min(r.Limit, n)
	case r.before:
		hi = sort.Search(n, func(i int) bool { return cmpAt(i) >= 0 })
		lo = max(0, hi-r.Limit)
	default:
		lo = sort.Search(n, func(i int) bool { return cmpAt(i) > 0 })
		hi = min(lo+r.Limit, n)
	}
	page := make([]uint32, 0, hi-lo)
	for i := lo; i < hi; i++ {
		page = append(page, idAt(i))
	}
	var next, prev string
	if hi > lo && hi < n {
		next = formatAt(hi - 1)
	}
	if hi > lo && lo > 0 {
		prev = formatAt(lo)
	}
	return page, next, prev
}

// pageWalk pages through the works of set in a stored order of all works.
func pageWalk(r *request, order []uint32, set *roaring.Bitmap, cmpCur func(uint32) int, format func(uint32) string) ([]uint32, string, string) {
	pos := 0
	if r.cursor != nil {
		strict := !r.before
		pos = sort.Search(len(order), func(i int) bool {
			c := cmpCur(order[i])
			return c > 0 || !strict && c == 0
		})
	}
	var page []uint32
	moreAfter, moreBefore := false, false
	if r.before {
		i := pos - 1
		for ; i >= 0 && len(page) < r.Limit; i-- {
			if set.Contains(order[i]) {
				page = append(page, order[i])
			}
		}
		slices.Reverse(page)
		moreBefore = anyIn(order, set, i, -1)
		moreAfter = anyIn(order, set, pos, 1)
	} else {
		i := pos
		for ; i < len(order) && len(page) < r.Limit; i++ {
			if set.Contains(order[i]) {
				page = append(page, order[i])
			}
		}
		moreAfter = anyIn(order, set, i, 1)
		moreBefore = anyIn(order, set, pos-1, -1)
	}
	var next, prev string
	if len(page) > 0 && moreAfter {
		next = format(page[len(page)-1])
	}
	if len(page) > 0 && moreBefore {
		prev = format(page[0])
	}
	return page, next, prev
}

// anyIn reports whether any work of set is in order from index i on, going
// in direction step (1 or -1).
func anyIn(order []uint32, set *roaring.Bitmap, i, step int) bool {
	for ; i >= 0 && i < len(order); i += step {
		if set.Contains(order[i]) {
			return true
		}
	}
	return false
}
