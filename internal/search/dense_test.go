package search

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"

	"fanarchive"
)

// TestDenseCopies checks that the dense copies stay equal to the tags'
// bitmaps through puts, removals and synonym changes, and that facets and
// muting give the same answers with them as without.
func TestDenseCopies(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	ix := newIndex()
	ix.scanLimit = 50 // facets by intersection, and dense copies, from 51 works
	var rows []TagRow
	kinds := []fanarchive.TagKind{fanarchive.TagFandom, fanarchive.TagCharacter, fanarchive.TagFreeform, fanarchive.TagWarning}
	for i := range 120 {
		rows = append(rows, TagRow{ID: int64(i + 1), Kind: kinds[i%len(kinds)], Name: string(rune('a'+i%26)) + string(rune('a'+i/26))})
	}
	ix.setTags(rows)
	zipf := rand.NewZipf(rng, 1.2, 2, 119)
	doc := func(id int64) Doc {
		var tags []int64
		for range 1 + rng.IntN(8) {
			tags = append(tags, 1+int64(zipf.Uint64()))
		}
		slices.Sort(tags)
		return Doc{ID: id, Listed: rng.IntN(20) > 0, Rating: fanarchive.Ratings[rng.IntN(4)], Tags: slices.Compact(tags)}
	}
	for id := int64(1); id <= 3000; id++ {
		ix.put(doc(id))
	}
	ix.rebuildCounts()

	check := func(step string) {
		t.Helper()
		if len(ix.dense) == 0 {
			t.Fatalf("%s: no dense copies", step)
		}
		for c, words := range ix.dense {
			if got := roaring.FromDense(words, true); !got.Equals(ix.canon[c]) {
				t.Fatalf("%s: tag %d's dense copy has %d works, its bitmap %d", step, c, got.GetCardinality(), ix.canon[c].GetCardinality())
			}
		}
		for trial := range 20 {
			set := ix.live.Clone()
			if trial%2 == 1 {
				set.And(ix.ratings[fanarchive.Ratings[trial%4]])
			}
			m := &fanarchive.MuteSet{}
			for range trial % 6 {
				m.Tags = append(m.Tags, 1+int64(zipf.Uint64()))
			}
			plain := set.Clone()
			withDense := set.Clone()
			dense := ix.dense
			ix.dense = denseSets{}
			ix.takeMuted(plain, m)
			want := ix.facets(plain, 5, ix.mutedCanons(m))
			ix.dense = dense
			ix.takeMuted(withDense, m)
			got := ix.facets(withDense, 5, ix.mutedCanons(m))
			if !plain.Equals(withDense) {
				t.Fatalf("%s: muting %v with dense copies leaves %d works, without %d", step, m.Tags, withDense.GetCardinality(), plain.GetCardinality())
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: facets with dense copies\n%v\nwithout\n%v", step, got, want)
			}
			// And against counting by scan, which uses no bitmaps.
			if scan := ix.facetsByScan(withDense, 5); !reflect.DeepEqual(got[:len(facetKinds)], scan) {
				t.Fatalf("%s: facets by intersection\n%v\nby scan\n%v", step, got[:len(facetKinds)], scan)
			}
		}
	}
	check("loaded")

	for range 500 {
		id := 1 + rng.Int64N(3200) // some new works past the last ID
		if rng.IntN(3) == 0 {
			ix.remove(uint32(id))
		} else {
			ix.put(doc(id))
		}
	}
	ix.rebuildCounts()
	check("after changes")

	// A synonym folds one popular tag into another.
	rows[1].Canonical = rows[0].ID
	ix.setTags(rows)
	ix.rebuildCanon()
	ix.rebuildCounts()
	check("after a synonym")
}

func TestAndCount(t *testing.T) {
	for _, c := range []struct {
		a, b []uint64
		want int
	}{
		{nil, nil, 0},
		{[]uint64{1}, nil, 0},
		{[]uint64{0b1011}, []uint64{0b0011, 5}, 2},
		{[]uint64{^uint64(0), ^uint64(0), 1, 1, 1}, []uint64{^uint64(0), 0, 1, 1, 1, 1}, 67},
	} {
		if got := andCount(c.a, c.b); got != c.want {
			t.Errorf("andCount(%x, %x) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
