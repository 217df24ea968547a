package search

import (
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

func TestTextCache(t *testing.T) {
	c := &textCache{limit: 4096}
	entry := func(ids ...uint32) *textEntry { return &textEntry{hits: roaring.BitmapOf(ids...)} }
	c.put(1, "a", entry(1, 2))
	if c.get(1, "a", wantHits) == nil {
		t.Fatal("miss after put")
	}
	if c.get(1, "a", wantScored) != nil {
		t.Error("an unscored entry answered a scored lookup")
	}
	if c.get(1, "a", wantBest) != nil {
		t.Error("an entry of matches alone answered a lookup for the best-scoring works")
	}
	c.put(1, "a", &textEntry{hits: roaring.BitmapOf(1, 2), best: true})
	if c.get(1, "a", wantBest) == nil || c.get(1, "a", wantHits) == nil {
		t.Error("an entry with the best-scoring works did not answer")
	}
	c.put(1, "s", &textEntry{hits: roaring.BitmapOf(1), scored: []Scored{{ID: 1}}})
	if c.get(1, "s", wantBest) == nil {
		t.Error("an entry scoring every match did not answer a lookup for the best-scoring works")
	}
	if c.get(2, "a", wantHits) != nil {
		t.Error("an entry outlived its change sequence number")
	}
	c.put(2, "b", entry(3))
	if c.get(2, "a", wantHits) != nil || c.get(2, "b", wantHits) == nil {
		t.Error("a new sequence number should empty the cache")
	}
	for i := range 100 {
		c.put(2, string(rune('c'+i)), &textEntry{hits: roaring.BitmapOf(uint32(i)), scored: make([]Scored, 10)})
	}
	if c.bytes > c.limit {
		t.Errorf("cache holds %d bytes, limit %d", c.bytes, c.limit)
	}
	if c.get(2, "b", wantHits) != nil {
		t.Error("the oldest entry was not evicted")
	}
	c.limit = 0
	c.put(2, "z", entry(1))
	if c.get(2, "z", wantHits) != nil {
		t.Error("a cache with limit 0 kept an entry")
	}
}
