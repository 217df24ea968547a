package importer

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fanarchive"
)

// TestFileDate: an undated work takes its file's modification time, marked
// as such, unless the file was written within a day (a fresh copy) or the
// work has a date already.
func TestFileDate(t *testing.T) {
	now := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	old := time.Date(1996, 4, 2, 8, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	file := func(name string, mod time.Time) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("The tide came in.\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mod, mod); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		path string
		from fanarchive.DateSource
		want fanarchive.DateSource
		date time.Time
	}{
		{"an old file", file("old.txt", old), fanarchive.DateUnknown, fanarchive.DateFile, old},
		{"a fresh copy", file("fresh.txt", now.Add(-time.Hour)), fanarchive.DateUnknown, fanarchive.DateUnknown, time.Time{}},
		{"a dated work", file("dated.txt", old), fanarchive.DateHeader, fanarchive.DateHeader, time.Time{}},
		{"a missing file", filepath.Join(dir, "gone.txt"), fanarchive.DateUnknown, fanarchive.DateUnknown, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &fanarchive.Work{PublishedFrom: tt.from, Sources: []*fanarchive.Source{{Name: tt.path}}}
			fileDate(w, now)
			if w.PublishedFrom != tt.want || !w.Published.Equal(tt.date) {
				t.Errorf("got %v from %q, want %v from %q", w.Published, w.PublishedFrom, tt.date, tt.want)
			}
		})
	}
}
