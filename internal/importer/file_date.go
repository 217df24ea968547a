package importer

import (
	"os"
	"path/filepath"
	"time"

	"fanarchive"
)

// freshFile is how recent a file's modification time may be and still be
// taken for the story's date: a file written within a day of the import
// is a copy made for it, which says nothing of when the story appeared.
const freshFile = 24 * time.Hour

// fileDate dates a work that nothing in its text dated
// (fanarchive.DateUnknown) by its first file's modification time, marked
// as such (fanarchive.DateFile), when the file can be read and is older
// than freshFile before now.
func fileDate(w *fanarchive.Work, now time.Time) {
	if w.PublishedFrom != fanarchive.DateUnknown || len(w.Sources) == 0 {
		return
	}
	name := w.Sources[0].Name
	info, err := os.Stat(name)
	if err != nil && !filepath.IsAbs(name) {
		// Collected names lose their leading slash (collect.go).
		info, err = os.Stat(string(filepath.Separator) + name)
	}
	if err != nil || info.IsDir() {
		return
	}
	t := info.ModTime().UTC()
	if t.Year() < 1970 || !t.Before(now.Add(-freshFile)) {
		return
	}
	w.Published, w.Updated, w.PublishedFrom = t, t, fanarchive.DateFile
}
