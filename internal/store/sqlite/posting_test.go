package sqlite

import (
	"testing"

	"fanarchive/internal/store/storetest"
)

// TestPosting runs the shared posting suite, with searches on a second
// Store opened on the same file.
func TestPosting(t *testing.T) {
	storetest.RunPosting(t, searchOpener(-1))
}
