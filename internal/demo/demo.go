// Package demo holds the demo stories that `fanarchive serve --demo` loads
// into an empty archive. They were written for this project, in the legacy
// formats the importer reads (labelled headers, bylines, feedback footers,
// CRLF and windows-1252, a story in two parts, one rated Explicit), and are
// imported through the real importer, so the demo also exercises it.
package demo

import (
	"embed"
	"io/fs"
	"sort"
)

//go:embed stories/*.txt
var stories embed.FS

// Stories returns the demo story files and their names in import order.
func Stories() (fs.FS, []string) {
	sub, err := fs.Sub(stories, "stories")
	if err != nil {
		panic(err) // the embedded directory is fixed at build time
	}
	names, err := fs.Glob(sub, "*.txt")
	if err != nil {
		panic(err)
	}
	sort.Strings(names)
	return sub, names
}
