package search

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"fanarchive"
)

// Engine implements fanarchive.SearchService over a Source. It is safe for
// concurrent use. Searches run under a read lock; catching up with the
// change log takes the write lock briefly.
type Engine struct {
	src    Source
	logger *slog.Logger

	mu  sync.RWMutex
	ix  *index
	seq int64 // last change applied

	scanLimit, materializeLimit int // as set by SetLimits, kept across reloads

	cache textCache // recent full-text matches
	works workCache // works recent pages showed

	// running admits searches: at most cap(running) at once, the others
	// wait their turn (or for their request to end). A search's memory
	// grows with the number of works its words match (a few MB for a word
	// in a quarter of a million works), so this bounds what searches hold
	// together however many readers ask at once, and on a machine of few
	// cores more at once would only share the same CPUs more thinly.
	running chan struct{}
}

// searchesPerCPU is how many searches may run at once per CPU.
const searchesPerCPU = 2

var _ fanarchive.SearchService = (*Engine)(nil)

// changeBatch is how many change log rows are read at a time.
const changeBatch = 10000

// New builds an Engine from a full snapshot of src. At a million works it
// takes some seconds and a few hundred MB (docs/benchmarks.md).
func New(ctx context.Context, src Source, logger *slog.Logger) (*Engine, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	e := &Engine{src: src, logger: logger, scanLimit: defaultScanLimit, materializeLimit: defaultMaterializeLimit,
		running: make(chan struct{}, searchesPerCPU*max(1, runtime.GOMAXPROCS(0)))}
	e.cache.limit = defaultTextCacheBytes
	e.works.limit = defaultWorkCacheSize
	if err := e.reload(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// SetLimits sets the result sizes up to which facets are counted by
// scanning the results' tags and pages are found by sorting the whole
// result (past them: bitmap intersections, and walking a stored order).
// Both ways give the same answers; tests set 0 to exercise the second on
// small archives.
func (e *Engine) SetLimits(scan, materialize int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.scanLimit, e.materializeLimit = scan, materialize
	e.ix.scanLimit, e.ix.materializeLimit = scan, materialize
}

// reload replaces the index with one built from a snapshot. The caller
// holds the write lock, or has not shared e yet.
func (e *Engine) reload(ctx context.Context) error {
	start := time.Now()
	ix := newIndex()
	ix.scanLimit, ix.materializeLimit = e.scanLimit, e.materializeLimit
	ntags := 0
	seq, err := e.src.SearchSnapshot(ctx, func(rows []TagRow) error {
		ix.setTags(rows)
		ntags = len(rows)
		return nil
	}, func(d Doc) error {
		if d.ID <= 0 || d.ID > 1<<32-1 {
			return fmt.Errorf("work ID %d does not fit the search index", d.ID)
		}
		ix.put(d)
		return nil
	})
	if err != nil {
		return fmt.Errorf("search: load index: %w", err)
	}
	ix.live.RunOptimize()
	ix.sortOrders()
	ix.rebuildCounts()
	e.ix, e.seq = ix, seq
	e.works.drop(nil, true)
	e.logger.Info("search index loaded", "works", ix.live.GetCardinality(), "tags", ntags,
		"seq", seq, "duration", time.Since(start).Round(time.Millisecond))
	return nil
}

// CatchUp applies every change committed since the last one applied, by
// any process, as each search does first. A process told that another one
// wrote (sqlite.Store.OnChange) calls it then, so that its next search
// does not wait for the changes. Searches wait while changes are applied.
func (e *Engine) CatchUp(ctx context.Context) error { return e.catchUp(ctx) }

// catchUp applies every change committed since the last one applied, by
// any process, so that a search sees them all.
func (e *Engine) catchUp(ctx context.Context) error {
	seq, trimmed, err := e.src.SearchSeq(ctx)
	if err != nil {
		return fmt.Errorf("search: check for changes: %w", err)
	}
	e.mu.RLock()
	current := e.seq
	e.mu.RUnlock()
	if seq <= current {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if trimmed > e.seq {
		e.logger.Info("search change log was trimmed past this index; reloading", "applied", e.seq, "trimmed", trimmed)
		return e.reload(ctx)
	}
	for e.seq < seq {
		changes, err := e.src.SearchChanges(ctx, e.seq, changeBatch)
		if err != nil {
			return fmt.Errorf("search: read changes: %w", err)
		}
		if len(changes) == 0 {
			break
		}
		if err := e.apply(ctx, changes); err != nil {
			return err
		}
		e.seq = changes[len(changes)-1].Seq
	}
	return nil
}

// apply applies a batch of changes to the index.
func (e *Engine) apply(ctx context.Context, changes []Change) error {
	ix := e.ix
	tagsChanged := false
	seen := map[int64]bool{}
	var ids []int64
	for _, c := range changes {
		switch c.Op {
		case OpTags:
			tagsChanged = true
		case OpPut, OpDelete:
			if !seen[c.WorkID] && c.WorkID > 0 && c.WorkID <= 1<<32-1 {
				seen[c.WorkID] = true
				ids = append(ids, c.WorkID)
			}
		}
	}
	if tagsChanged {
		rows, err := e.src.SearchTags(ctx)
		if err != nil {
			return fmt.Errorf("search: reload tags: %w", err)
		}
		ix.setTags(rows)
	}
	var changed []uint32
	if len(ids) > 0 {
		// Whatever the ops, the database now says what each work is: a
		// work put and then deleted in the batch is simply gone.
		docs, tagRows, err := e.src.SearchDocs(ctx, ids)
		if err != nil {
			return fmt.Errorf("search: read changed works: %w", err)
		}
		for _, r := range tagRows {
			ix.putTag(r)
		}
		found := map[int64]bool{}
		for _, d := range docs {
			found[d.ID] = true
			ix.put(d)
		}
		for _, id := range ids {
			if !found[id] {
				ix.remove(uint32(id))
			}
			changed = append(changed, uint32(id))
		}
	}
	if tagsChanged {
		ix.rebuildCanon()
	}
	// A tag's name may have changed on every work that has it.
	e.works.drop(changed, tagsChanged)
	ix.updateOrders(changed)
	ix.rebuildCounts()
	return nil
}

// Applied returns the sequence number of the last change of the change log
// this engine has applied: a store's SearchSeq less this is how far the
// index is behind (it catches up at the next search).
func (e *Engine) Applied() int64 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.seq
}
