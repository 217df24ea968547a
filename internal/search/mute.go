package search

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"

	"fanarchive"
)

// muted returns the works m mutes, to take away from a search's result
// before its total and facets are counted: the union of each muted tag's
// canonical bitmap (so its synonyms are muted too) and of the muted
// authors' works, as one bitmap (none when nothing is muted). One union
// and one AndNot cost far less than an AndNot per tag: the result is often
// the index's run-length containers, which each AndNot would convert to
// bitmaps and back (docs/benchmarks.md, "Muting").
func (ix *index) muted(m *fanarchive.MuteSet) []*roaring.Bitmap {
	bs := ix.mutedSets(m)
	switch len(bs) {
	case 0:
		return nil
	case 1:
		return bs
	}
	return []*roaring.Bitmap{roaring.FastOr(bs...)}
}

// mutedSets returns the bitmaps whose union m mutes: the index's own
// (never changed here) and one built for the works.
func (ix *index) mutedSets(m *fanarchive.MuteSet) []*roaring.Bitmap {
	if m.Empty() {
		return nil
	}
	var out []*roaring.Bitmap
	seen := map[uint32]bool{}
	for _, id := range m.Tags {
		if id <= 0 || id > 1<<32-1 {
			continue
		}
		c := ix.canonOf(uint32(id))
		if seen[c] {
			continue
		}
		seen[c] = true
		if b := ix.canonBitmap(c); b != nil && !b.IsEmpty() {
			out = append(out, b)
		}
	}
	if len(m.Works) > 0 {
		ids := make([]uint32, 0, len(m.Works))
		for _, id := range m.Works {
			if id > 0 && id <= 1<<32-1 {
				ids = append(ids, uint32(id))
			}
		}
		slices.Sort(ids)
		out = append(out, roaring.BitmapOf(ids...))
	}
	return out
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
