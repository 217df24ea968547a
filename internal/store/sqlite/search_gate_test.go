package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/search"
)

// slowMatch is a search source whose text matching takes a while and
// records how many matchings run at once.
type slowMatch struct {
	*Store
	now, most atomic.Int64
	delay     atomic.Int64 // nanoseconds
}

func (s *slowMatch) BestText(ctx context.Context, must, mustNot []search.Clause) ([]uint32, *search.TopScores, error) {
	n := s.now.Add(1)
	defer s.now.Add(-1)
	for {
		m := s.most.Load()
		if n <= m || s.most.CompareAndSwap(m, n) {
			break
		}
	}
	select {
	case <-time.After(time.Duration(s.delay.Load())):
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	return s.Store.BestText(ctx, must, mustNot)
}

// TestSearchesRunFewAtOnce: however many readers search at once, only a
// few searches per CPU run together (so what they hold in memory is
// bounded); the others wait, and all are answered. A search whose reader
// leaves while it waits ends with the request's error.
func TestSearchesRunFewAtOnce(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	defer s.Close()
	work := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "Gate", Rating: fanarchive.RatingGeneral,
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>The heron waited at the gate.</p>"}}}
	if err := s.CreateWork(ctx, work); err != nil {
		t.Fatal(err)
	}
	src := &slowMatch{Store: s}
	src.delay.Store(int64(20 * time.Millisecond))
	engine, err := search.New(ctx, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	engine.SetTextCacheBytes(0)
	limit := int64(2 * runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range 8 * limit {
		wg.Go(func() {
			res, err := engine.Search(ctx, fanarchive.SearchQuery{Text: "heron"})
			if err != nil || res.Total != 1 {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		t.Errorf("%d searches failed", n)
	}
	if most := src.most.Load(); most > limit || most < 2 {
		t.Errorf("%d searches matched text at once; want between 2 and %d", most, limit)
	}

	// Fill every place with searches that hold it, then ask once more and
	// give up waiting: the search never starts.
	src.delay.Store(int64(time.Hour))
	src.most.Store(0)
	block, release := context.WithCancel(ctx)
	for range limit {
		wg.Go(func() { engine.Search(block, fanarchive.SearchQuery{Text: "heron"}) }) //nolint:errcheck // cancelled
	}
	for src.now.Load() < limit {
		time.Sleep(time.Millisecond)
	}
	waiting, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	if _, err := engine.Search(waiting, fanarchive.SearchQuery{Text: "heron"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a search waiting for its turn past its deadline: err %v", err)
	}
	if most := src.most.Load(); most != limit {
		t.Errorf("%d searches matched text at once, want the %d that hold their places", most, limit)
	}
	release()
	wg.Wait()
}

// TestSearchWorkCache: the works a result page shows are kept in memory,
// and a change to one, committed by another store handle (another
// process), reaches the next page at once: a new title, a renamed tag, a
// deleted work.
func TestSearchWorkCache(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "archive.db")
	w := openAt(t, path)
	defer w.Close()
	var ids []int64
	for _, title := range []string{"Heron Song", "Heron Tide", "Heron Lamp"} {
		work := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: title, Rating: fanarchive.RatingGeneral,
			Tags:     []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Marsh Lights"}},
			Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>The heron waited.</p>"}}}
		if err := w.CreateWork(ctx, work); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, work.ID)
	}
	r := openAt(t, path)
	defer r.Close()
	engine, err := search.New(ctx, r, nil)
	if err != nil {
		t.Fatal(err)
	}
	page := func() map[int64]*fanarchive.Work {
		t.Helper()
		res, err := engine.Search(ctx, fanarchive.SearchQuery{Text: "heron", Sort: fanarchive.SortTitle})
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64]*fanarchive.Work{}
		for _, work := range res.Works {
			out[work.ID] = work
		}
		return out
	}
	first := page()
	if again := page(); again[ids[0]] != first[ids[0]] {
		t.Error("the second page read its works again; the cache kept none")
	}
	if err := w.UpdateWorkField(ctx, ids[0], fanarchive.FieldTitle, "Heron Song Revised", "test"); err != nil {
		t.Fatal(err)
	}
	if got := page()[ids[0]].Title; got != "Heron Song Revised" {
		t.Errorf("after the title changed, the page shows %q", got)
	}
	if err := w.RenameTag(ctx, fanarchive.TagFandom, "Marsh Lights", "Fen Lights"); err != nil {
		t.Fatal(err)
	}
	for id, work := range page() {
		if got := work.TagsOf(fanarchive.TagFandom); len(got) != 1 || got[0] != "Fen Lights" {
			t.Errorf("after the rename, work %d shows fandoms %v", id, got)
		}
	}
	if err := w.DeleteWork(ctx, ids[1]); err != nil {
		t.Fatal(err)
	}
	if got := page(); len(got) != 2 || got[ids[1]] != nil {
		t.Errorf("after a delete, the page shows %d works", len(got))
	}
}
