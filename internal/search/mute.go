package search

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"

	"fanarchive"
)

// takeMuted takes the works m mutes away from set, before its total and
// facets are counted: works with a muted tag's canonical (so its synonyms
// are muted too), and the muted authors' works. A small result is checked
// work by work against the muted canonicals (the cost is the result's, not
// the muted tags' sizes); a large one, often the index's run-length
// containers, loses the union of the muted tags' bitmaps in one AndNot, not
// one per tag, which would convert each container to a bitmap and back
// (docs/benchmarks.md, "Muting").
func (ix *index) takeMuted(set *roaring.Bitmap, m *fanarchive.MuteSet) {
	if m.Empty() || set.IsEmpty() {
		return
	}
	canons := ix.mutedCanons(m)
	if len(m.Works) > 0 {
		ids := make([]uint32, 0, len(m.Works))
		for _, id := range m.Works {
			if id > 0 && id <= 1<<32-1 {
				ids = append(ids, uint32(id))
			}
		}
		slices.Sort(ids)
		set.AndNot(roaring.BitmapOf(ids...))
	}
	if len(canons) == 0 {
		return
	}
	// Checking works one by one costs the result's size; with dense
	// copies the union costs about the same for any result, as much as
	// checking some twenty thousand works on a million-work archive.
	scanUpTo := ix.scanLimit
	if len(ix.dense) > 0 {
		scanUpTo /= 4
	}
	if set.GetCardinality() <= uint64(scanUpTo) {
		var drop []uint32
		it := set.Iterator()
		for it.HasNext() {
			id := it.Next()
			for _, t := range ix.docTags(&ix.docs[id]) {
				if canons[ix.canonOf(t)] {
					drop = append(drop, id)
					break
				}
			}
		}
		if len(drop) > 0 {
			set.AndNot(roaring.BitmapOf(drop...))
		}
		return
	}
	if len(ix.dense) > 0 {
		// With dense copies of the popular tags (dense.go), the union is
		// built in one bit array: ORing words is cheaper than merging
		// containers.
		words := make([]uint64, len(ix.docs)/64+1) // every work ID fits
		for c := range canons {
			if d, ok := ix.dense[c]; ok {
				orInto(words, d)
			} else if b := ix.canonBitmap(c); b != nil {
				b.WriteDenseTo(words)
			}
		}
		set.AndNot(roaring.FromDense(words, false))
		return
	}
	var bs []*roaring.Bitmap
	for c := range canons {
		if b := ix.canonBitmap(c); b != nil && !b.IsEmpty() {
			bs = append(bs, b)
		}
	}
	switch len(bs) {
	case 0:
	case 1:
		set.AndNot(bs[0])
	default:
		set.AndNot(roaring.FastOr(bs...))
	}
}

// mutedCanons returns the canonical tags m mutes (a muted synonym mutes its
// canonical, and so every synonym of it), or nil.
func (ix *index) mutedCanons(m *fanarchive.MuteSet) map[uint32]bool {
	if m.Empty() || len(m.Tags) == 0 {
		return nil
	}
	canons := make(map[uint32]bool, len(m.Tags))
	for _, id := range m.Tags {
		if id > 0 && id <= 1<<32-1 {
			canons[ix.canonOf(uint32(id))] = true
		}
	}
	return canons
}

// muteKey identifies a mute set for the text cache's keys: a hash, since a
// set may name hundreds of IDs.
func muteKey(m *fanarchive.MuteSet) string {
	if m.Empty() {
		return ""
	}
	h := sha256.New()
	var buf [8]byte
	for _, ids := range [][]int64{m.Tags, m.Works} {
		sorted := slices.Clone(ids)
		slices.Sort(sorted)
		for _, id := range sorted {
			binary.LittleEndian.PutUint64(buf[:], uint64(id))
			h.Write(buf[:])
		}
		h.Write([]byte{0xff})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
