package search

import (
	"bytes"
	"cmp"
	"slices"
)

// compare orders two works in one of the stored orders: newest updated,
// newest published or longest first, or titles A–Z; ties go to the higher
// work ID, so the order is total.
func (ix *index) compare(order int, a, b uint32) int {
	da, db := &ix.docs[a], &ix.docs[b]
	var c int
	switch order {
	case orderUpdated:
		c = cmp.Compare(db.updated, da.updated)
	case orderPublished:
		c = cmp.Compare(db.published, da.published)
	case orderWords:
		c = cmp.Compare(db.words, da.words)
	case orderTitle:
		c = bytes.Compare(ix.title(da), ix.title(db))
	}
	if c != 0 {
		return c
	}
	return cmp.Compare(b, a)
}

// sortOrders sorts every listed work into each stored order from scratch.
func (ix *index) sortOrders() {
	ids := ix.live.ToArray()
	for o := range numOrders {
		ord := slices.Clone(ids)
		slices.SortFunc(ord, func(a, b uint32) int { return ix.compare(o, a, b) })
		ix.orders[o] = ord
	}
}

// updateOrders brings the orders up to date after the works in changed
// were put or removed: they are taken out of each order and the listed ones
// merged back in at their new places, in one pass over each order.
func (ix *index) updateOrders(changed []uint32) {
	if len(changed) == 0 {
		return
	}
	drop := make(map[uint32]bool, len(changed))
	var add []uint32
	for _, id := range changed {
		if drop[id] {
			continue
		}
		drop[id] = true
		if ix.docs[id].listed {
			add = append(add, id)
		}
	}
	for o := range numOrders {
		slices.SortFunc(add, func(a, b uint32) int { return ix.compare(o, a, b) })
		old := ix.orders[o]
		out := make([]uint32, 0, len(old)+len(add))
		i := 0
		for _, id := range old {
			if drop[id] {
				continue
			}
			for i < len(add) && ix.compare(o, add[i], id) < 0 {
				out = append(out, add[i])
				i++
			}
			out = append(out, id)
		}
		out = append(out, add[i:]...)
		ix.orders[o] = out
	}
}

// orderFor maps a sort to its stored order.
func orderFor(sort string) int {
	switch sort {
	case "published":
		return orderPublished
	case "words":
		return orderWords
	case "title":
		return orderTitle
	}
	return orderUpdated
}
