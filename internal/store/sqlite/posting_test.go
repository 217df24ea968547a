package sqlite

import (
	"testing"

	"fanarchive/internal/store/storetest"
)

// TestPosting runs the shared posting suite, with searches on a second
// Store opened on the same file, down each of the engine's paths (as
// TestSearch does): small results, large ones, and impact lists.
func TestPosting(t *testing.T) {
	t.Run("small", func(t *testing.T) { storetest.RunPosting(t, searchOpener(-1)) })
	t.Run("large", func(t *testing.T) { storetest.RunPosting(t, searchOpener(0)) })
	t.Run("impact", func(t *testing.T) { storetest.RunPosting(t, impactOpener) })
}
