package search

import (
	"context"
	"sync"

	"fanarchive"
)

// workCache keeps the works that result pages show (Source.FindWorksByIDs:
// authors, tags and chapters without bodies), so the popular ones are not
// read from the database for every page. It is kept right by the change
// log, like the rest of the index: a work is dropped when a change to it is
// applied, everything when tags change or the index reloads. Works read
// while changes were being applied are not kept, since they may predate a
// change the cache has just dropped.
type workCache struct {
	mu    sync.Mutex
	gen   uint64 // counts invalidations
	works map[uint32]*fanarchive.Work
	limit int // works kept; 0 keeps none
}

// defaultWorkCacheSize bounds the cache: a listed work with its tags is a
// few KB, so about 10 MB.
const defaultWorkCacheSize = 4096

// generation returns the current generation, to pass to put.
func (c *workCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// get returns the cached works among ids, by ID, and the IDs it lacks.
func (c *workCache) get(ids []int64) (map[int64]*fanarchive.Work, []int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	found := make(map[int64]*fanarchive.Work, len(ids))
	var missing []int64
	for _, id := range ids {
		if w := c.works[uint32(id)]; w != nil {
			found[id] = w
		} else {
			missing = append(missing, id)
		}
	}
	return found, missing
}

// put keeps works read at generation gen, unless something was invalidated
// since. When full, it makes room by dropping arbitrary works (Go's map
// order), which is as good as any order for a cache this cheap to refill.
func (c *workCache) put(gen uint64, works []*fanarchive.Work) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || c.limit == 0 {
		return
	}
	if c.works == nil {
		c.works = map[uint32]*fanarchive.Work{}
	}
	for _, w := range works {
		if len(c.works) >= c.limit {
			for id := range c.works {
				delete(c.works, id)
				if len(c.works) < c.limit*3/4 {
					break
				}
			}
		}
		c.works[uint32(w.ID)] = w
	}
}

// drop forgets the works ids; with none, every work.
func (c *workCache) drop(ids []uint32, all bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if all {
		c.works = nil
		return
	}
	for _, id := range ids {
		delete(c.works, id)
	}
}

// SetWorkCacheSize sets how many listed works are kept in memory (4,096 by
// default); 0 keeps none, and every page reads its works from the database.
func (e *Engine) SetWorkCacheSize(n int) {
	e.works.mu.Lock()
	defer e.works.mu.Unlock()
	e.works.limit, e.works.works = n, nil
	e.works.gen++
}

// findWorks returns the works with these IDs that exist, in the order
// given, from the cache or the database. The works are shared: callers
// must not change them.
func (e *Engine) findWorks(ctx context.Context, ids []int64) ([]*fanarchive.Work, error) {
	gen := e.works.generation()
	found, missing := e.works.get(ids)
	if len(missing) > 0 {
		read, err := e.src.FindWorksByIDs(ctx, missing)
		if err != nil {
			return nil, err
		}
		e.works.put(gen, read)
		for _, w := range read {
			found[w.ID] = w
		}
	}
	out := make([]*fanarchive.Work, 0, len(ids))
	for _, id := range ids {
		if w := found[id]; w != nil {
			out = append(out, w)
		}
	}
	return out, nil
}
