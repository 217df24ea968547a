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
}

// searchOpener opens a store and, on demand, a search engine on a second
// handle; limits >= 0 are passed to Engine.SetLimits.
func searchOpener(limits int) storetest.SearchOpener {
	return func(t *testing.T) (fanarchive.Store, func(t *testing.T) fanarchive.SearchService) {
		path := filepath.Join(t.TempDir(), "archive.db")
		w, err := Open(context.Background(), path, nil)
		if err != nil {
			t.Fatal(err)
		}
		return w, func(t *testing.T) fanarchive.SearchService {
			r, err := Open(context.Background(), path, nil)
			if err != nil {
				t.Fatal(err)
			}
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
