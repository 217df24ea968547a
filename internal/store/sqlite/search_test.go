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
	storetest.RunSearch(t, func(t *testing.T) (fanarchive.Store, func(t *testing.T) fanarchive.SearchService) {
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
			return e
		}
	})
}
