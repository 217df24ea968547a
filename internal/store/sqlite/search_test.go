package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"fanarchive"
	"fanarchive/internal/search"
	"fanarchive/internal/store/storetest"
)

// TestSearch runs the shared search suite with the writes on one Store and
// the search engine on a second Store opened on the same file, as `import`
// and `serve` are two processes.
func TestSearch(t *testing.T) {
	t.Run("small", func(t *testing.T) { storetest.RunSearch(t, searchOpener(-1)) })
	// Limits of 0 send every search down the paths for large results:
	// facets by bitmap intersection, pages by walking the stored orders.
	t.Run("large", func(t *testing.T) { storetest.RunSearch(t, searchOpener(0)) })
	// Impact lists for every word in two works or more, of thirty works
	// each, built when the engine opens: relevance pages come from them
	// where they can, and writes after keep them current.
	t.Run("impact", func(t *testing.T) { storetest.RunSearch(t, impactOpener) })
}

// impactOpener is searchOpener(-1) with impact lists.
func impactOpener(t *testing.T) (fanarchive.Store, func(t *testing.T) fanarchive.SearchService) {
	path := filepath.Join(t.TempDir(), "archive.db")
	w := openAt(t, path)
	w.impactMinDocs, w.impactListLen = 2, 30
	return w, func(t *testing.T) fanarchive.SearchService {
		if err := w.BuildTextImpacts(context.Background()); err != nil {
			t.Fatal(err)
		}
		r := openAt(t, path)
		t.Cleanup(func() { r.Close() })
		e, err := search.New(context.Background(), r, nil)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
}

// searchOpener opens a store and, on demand, a search engine on a second
// handle; limits >= 0 are passed to Engine.SetLimits.
func searchOpener(limits int) storetest.SearchOpener {
	return func(t *testing.T) (fanarchive.Store, func(t *testing.T) fanarchive.SearchService) {
		path := filepath.Join(t.TempDir(), "archive.db")
		w := openAt(t, path)
		return w, func(t *testing.T) fanarchive.SearchService {
			r := openAt(t, path)
			t.Cleanup(func() { r.Close() })
			e, err := search.New(context.Background(), r, nil)
			if err != nil {
				t.Fatal(err)
			}
			if limits >= 0 {
				e.SetLimits(limits, limits)
			}
			return e
		}
	}
}

// TestEnsureSearchText: a database whose works are missing from the text
// index (one from before migration 0002) gets it built, once.
func TestEnsureSearchText(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	defer s.Close()
	w := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "Old", Rating: fanarchive.RatingGeneral,
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>An okapi from before.</p>"}}}
	if err := s.CreateWork(ctx, w); err != nil {
		t.Fatal(err)
	}
	// As a database migrated from 0001 with works in it.
	for _, q := range []string{`INSERT INTO work_text (work_text) VALUES ('delete-all')`, `UPDATE search_state SET text_built = 0`} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if ids, _ := s.MatchText(ctx, []search.Clause{{Text: "okapi"}}, nil); len(ids) != 0 {
		t.Fatalf("set-up: the work is still indexed")
	}
	if built, err := s.EnsureSearchText(ctx); err != nil || !built {
		t.Fatalf("EnsureSearchText = %v, %v; want built", built, err)
	}
	if ids, _ := s.MatchText(ctx, []search.Clause{{Text: "okapi"}}, nil); len(ids) != 1 || int64(ids[0]) != w.ID {
		t.Errorf("after building, okapi finds %v", ids)
	}
	if built, err := s.EnsureSearchText(ctx); err != nil || built {
		t.Errorf("second EnsureSearchText = %v, %v; want nothing to do", built, err)
	}
}

// TestSearchAfterReindex: reindex empties the change log; a search engine
// in another process that had not applied all of it reloads, and still
// sees every work.
func TestSearchAfterReindex(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "archive.db")
	w := openAt(t, path)
	defer w.Close()
	r := openAt(t, path)
	defer r.Close()
	engine, err := search.New(ctx, r, nil)
	if err != nil {
		t.Fatal(err)
	}
	add := func(title string) {
		t.Helper()
		work := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: title, Rating: fanarchive.RatingGeneral,
			Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>The tapir slept.</p>"}}}
		if err := w.CreateWork(ctx, work); err != nil {
			t.Fatal(err)
		}
	}
	count := func() int {
		t.Helper()
		res, err := engine.Search(ctx, fanarchive.SearchQuery{Text: "tapir"})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	add("One")
	if n := count(); n != 1 {
		t.Fatalf("%d works, want 1", n)
	}
	add("Two") // not yet applied by the engine when the log is emptied
	if err := w.Reindex(ctx, nil); err != nil {
		t.Fatal(err)
	}
	add("Three")
	if n := count(); n != 3 {
		t.Errorf("after reindex, %d works, want 3", n)
	}
}
