package sqlite

import (
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/store/storetest"
)

func TestFeedback(t *testing.T) {
	storetest.RunFeedback(t, func(t *testing.T, now func() time.Time) fanarchive.Store {
		s := openTest(t)
		s.now = now
		return s
	})
}

func TestComments(t *testing.T) {
	storetest.RunComments(t, func(t *testing.T, now func() time.Time) fanarchive.Store {
		s := openTest(t)
		s.now = now
		return s
	})
}
