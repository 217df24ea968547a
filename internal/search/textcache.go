package search

import (
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
)

// textCache keeps the full-text matches of recent searches, so that paging
// through a search, sorting it another way or clicking its facets does not
// ask the database to match and score the same words again. Entries are
// valid for one change sequence number: any commit empties the cache, since
// it may add or remove matches and changes BM25's statistics.
type textCache struct {
	mu      sync.Mutex
	seq     int64
	entries map[string]*textEntry
	order   []string // oldest first
	bytes   int
	limit   int // bytes; 0 keeps nothing
}

type textEntry struct {
	hits   *roaring.Bitmap
	scored []Scored   // nil unless every match is scored
	top    *TopScores // the best-scoring works, when known (Source.BestText)
	best   bool       // Source.BestText was asked
	size   int
}

// What a search needs of an entry.
type want int

const (
	wantHits   want = iota // the matches
	wantScored             // every match scored
	wantBest               // the matches, with the best-scoring works if the database knows them
)

// defaultTextCacheBytes bounds the cache's memory.
const defaultTextCacheBytes = 32 << 20

// get returns the entry for key at seq, if it has what w asks for.
func (c *textCache) get(seq int64, key string, w want) *textEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seq != seq {
		return nil
	}
	e := c.entries[key]
	if e == nil || w == wantScored && e.scored == nil || w == wantBest && e.scored == nil && !e.best {
		return nil
	}
	return e
}

// put stores an entry, evicting the oldest past the limit. Entries larger
// than a quarter of the limit are not kept.
func (c *textCache) put(seq int64, key string, e *textEntry) {
	e.size = int(e.hits.GetSizeInBytes()) + 16*len(e.scored) + len(key)
	if e.top != nil {
		e.size += 16 * len(e.top.Scored)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.size > c.limit/4 {
		return
	}
	if c.seq != seq || c.entries == nil {
		c.seq, c.entries, c.order, c.bytes = seq, map[string]*textEntry{}, nil, 0
	}
	if old := c.entries[key]; old != nil {
		c.bytes -= old.size
	} else {
		c.order = append(c.order, key)
	}
	c.entries[key] = e
	c.bytes += e.size
	for c.bytes > c.limit && len(c.order) > 0 {
		k := c.order[0]
		c.order = c.order[1:]
		if old := c.entries[k]; old != nil {
			c.bytes -= old.size
			delete(c.entries, k)
		}
	}
}

// SetTextCacheBytes bounds the memory kept for recent full-text matches
// (32 MB by default); 0 turns the cache off, as cmd/benchsearch does to
// measure every query cold.
func (e *Engine) SetTextCacheBytes(n int) {
	e.cache.mu.Lock()
	defer e.cache.mu.Unlock()
	e.cache.limit = n
	e.cache.entries, e.cache.order, e.cache.bytes = nil, nil, 0
}
