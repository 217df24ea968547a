package fanarchive

import (
	"context"
	"time"
)

// Reading history and "Mark for later" (docs/readers.md). History is
// opt-in: off by default, and turning it off deletes what was kept.

// Reading is one work in a reader's history or later list.
type Reading struct {
	WorkID int64 `json:"work_id"`
	// Chapter is the number of the last chapter read (history only).
	Chapter int       `json:"chapter,omitempty"`
	At      time.Time `json:"at"` // last read, or added to the list
	Work    *Work     `json:"work,omitempty"`
}

// Page sizes of history and the later list.
const (
	DefaultReadingsPage = 20
	MaxReadingsPage     = 100
)

// HistoryService keeps reading history and the later list.
type HistoryService interface {
	// HistoryOn reports whether the reader keeps a reading history.
	HistoryOn(ctx context.Context, userID int64) (bool, error)
	// SetHistory turns the history on or off; off deletes it. Returns
	// ENOTFOUND.
	SetHistory(ctx context.Context, userID int64, on bool) error
	// RecordReading notes that the reader read chapter of the work now,
	// when their history is on (else it does nothing), and reports
	// whether it was recorded.
	RecordReading(ctx context.Context, userID, workID int64, chapter int) (bool, error)
	// FindHistory returns a page of the reader's history, last read
	// first, with the works (deleted ones left out), and the total.
	FindHistory(ctx context.Context, userID int64, offset, limit int) ([]*Reading, int, error)
	// ClearHistory deletes the reader's history, keeping the setting.
	ClearHistory(ctx context.Context, userID int64) error

	// MarkForLater adds a work to the reader's later list (again: no
	// error) or, with on false, takes it off. Returns ENOTFOUND for no
	// such work.
	MarkForLater(ctx context.Context, userID, workID int64, on bool) error
	// IsMarkedForLater reports whether the work is on the list.
	IsMarkedForLater(ctx context.Context, userID, workID int64) (bool, error)
	// FindLater returns a page of the later list, last added first, with
	// the works, and the total.
	FindLater(ctx context.Context, userID int64, offset, limit int) ([]*Reading, int, error)
}
