package cli

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"fanarchive/internal/pgtest"
)

// TestServePostgresHearsOtherProcesses: a serve process on PostgreSQL
// hears at once of what another process commits. A work imported
// elsewhere is applied to its search index with no search asking for it,
// and mail queued elsewhere is delivered sooner than its sender's poll
// (2 s) would.
func TestServePostgresHearsOtherProcesses(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	if out, err := fanarchiveCommand(t, "import", "--db", dsn, "--data", t.TempDir(), "../demo/stories").CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := ln.Addr().String()
	ln.Close()
	data := t.TempDir()
	startServe(t, "--db", dsn, "--data", data, "--metrics-addr", metricsAddr)
	lagRE := regexp.MustCompile(`(?m)^fanarchive_search_index_lag_changes (\d+)$`)
	lag := func() string {
		status, body, _ := get(t, "http://"+metricsAddr+"/metrics")
		m := lagRE.FindStringSubmatch(body)
		if status != http.StatusOK || m == nil {
			t.Fatalf("GET /metrics = %d, no search index lag:\n%.2000s", status, body)
		}
		return m[1]
	}
	if l := lag(); l != "0" {
		t.Fatalf("search index lag at start: %s", l)
	}

	dir := t.TempDir()
	story := "Title: The Ferryman's Lantern\nAuthor: Wren Hollis\nRating: General\n\n" +
		"The ferryman kept a lantern of blue glass, and nobody on the quay asked why.\n"
	if err := os.WriteFile(filepath.Join(dir, "ferry.txt"), []byte(story), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := fanarchiveCommand(t, "import", "--db", dsn, "--data", t.TempDir(), dir).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	start := time.Now()
	for l := lag(); l != "0"; l = lag() {
		if time.Since(start) > time.Second {
			t.Fatalf("search index lag still %s a second after another process's import", l)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("imported work applied to the search index, unasked, after %v", time.Since(start))

	if out, err := fanarchiveCommand(t, "mail", "test", "--db", dsn, "--data", t.TempDir(), "reader@example.net").CombinedOutput(); err != nil {
		t.Fatalf("mail test: %v\n%s", err, out)
	}
	start = time.Now()
	for {
		if files, _ := os.ReadDir(filepath.Join(data, "mail", "new")); len(files) > 0 {
			break
		}
		if time.Since(start) > time.Second {
			t.Fatalf("mail queued by another process not delivered within a second")
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("mail queued by another process delivered after %v", time.Since(start))
}
