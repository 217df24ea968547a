package sqlite

import (
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/store/storetest"
)

func TestReaders(t *testing.T) {
	storetest.RunReaders(t, func(t *testing.T, now func() time.Time) fanarchive.Store {
		s := openTest(t)
		s.now = now
		return s
	})
}
