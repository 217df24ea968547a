package web_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"fanarchive/internal/web"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// cssVersion is the stylesheet's content hash, which changes with every edit
// of the CSS; golden files hold a placeholder instead.
var cssVersion = regexp.MustCompile(`style\.css\?v=[0-9a-f]+`)

// TestGolden compares whole rendered pages with files under testdata/. Run
// `go test ./internal/web -run TestGolden -update` after an intended change
// and review the diff.
func TestGolden(t *testing.T) {
	f := newFixture(t, web.Options{})
	tests := []struct {
		file string
		path string
	}{
		{"work.golden.html", workPath(f.quiet)},
		{"chapter.golden.html", workPath(f.multi) + "/chapters/2"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := cssVersion.ReplaceAllString(f.get(tt.path, false).body, "style.css?v=VERSION")
			golden := filepath.Join("testdata", tt.file)
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("GET %s differs from %s; run with -update and review the diff.\ngot:\n%s", tt.path, golden, got)
			}
		})
	}
}
