package cli

import (
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fanarchive/internal/pgtest"
	"fanarchive/internal/store/sqlite"
)

// startServe runs `fanarchive serve` as a child process with args on a free
// port, and returns its base URL once it answers; it is stopped when the
// test ends.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := fanarchiveCommand(t, append([]string{"serve", "--addr", addr}, args...)...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Errorf("serve on %s did not stop", addr)
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v\n%s", err, out.String())
		default:
		}
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("serve did not answer on %s:\n%s", addr, out.String())
	return ""
}

// eventually polls get(url) until body holds want, for at most limit.
func eventually(t *testing.T, url, want string, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		status, body, _ := get(t, url)
		if status == http.StatusOK && strings.Contains(body, want) {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			t.Fatalf("GET %s did not show %q within %v (status %d):\n%.2000s", url, want, limit, status, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestTwoServeProcessesOnePostgres: two serve processes on one PostgreSQL
// database are one archive. What is written through one (kudos, over HTTP)
// or by a third process (an import) is read through the other within a
// second: pages and search alike.
func TestTwoServeProcessesOnePostgres(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	if out, err := fanarchiveCommand(t, "import", "--db", dsn, "--data", t.TempDir(), "../demo/stories").CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	a := startServe(t, "--db", dsn, "--data", t.TempDir())
	b := startServe(t, "--db", dsn, "--data", t.TempDir())

	status, body, _ := get(t, b+"/works/2")
	if status != http.StatusOK || !strings.Contains(body, "Salt and Static") || strings.Contains(body, "1 kudos") {
		t.Fatalf("GET B /works/2 = %d:\n%.2000s", status, body)
	}
	resp, err := http.Post(a+"/works/2/kudos", "application/x-www-form-urlencoded", strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		t.Fatalf("kudos through A: %d", resp.StatusCode)
	}
	took := eventually(t, b+"/works/2", "1 kudos", time.Second)
	t.Logf("kudos left through A seen through B after %v", took)

	// A new work, imported by a third process, is found by both searches.
	dir := t.TempDir()
	story := "Title: The Ferryman's Lantern\nAuthor: Wren Hollis\nRating: General\n\n" +
		"The ferryman kept a lantern of blue glass, and nobody on the quay asked why.\n"
	if err := os.WriteFile(filepath.Join(dir, "ferry.txt"), []byte(story), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := fanarchiveCommand(t, "import", "--db", dsn, "--data", t.TempDir(), dir).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	for _, base := range []string{a, b} {
		took := eventually(t, base+"/search?q=lantern", "The Ferryman", time.Second)
		t.Logf("imported work found by %s's search after %v", base, took)
	}
}

// TestDBFlag: --db takes a postgres:// URL or sqlite:PATH, and says what is
// wrong with anything else.
func TestDBFlag(t *testing.T) {
	path := filepath.Join(t.TempDir(), "elsewhere.db")
	if out, err := fanarchiveCommand(t, "import", "--db", "sqlite:"+path, "../demo/stories").CombinedOutput(); err != nil {
		t.Fatalf("import --db sqlite:: %v\n%s", err, out)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("import --db sqlite:%s wrote no file: %v", path, err)
	}
	out, err := fanarchiveCommand(t, "import", "--db", "mysql://x", "../demo/stories").CombinedOutput()
	if _, ok := err.(*exec.ExitError); !ok || !strings.Contains(string(out), "neither a postgres:// URL nor sqlite:PATH") {
		t.Errorf("import --db mysql://x: %v\n%s", err, out)
	}
}

// TestMigrateDBAndBackupOnPostgres: an SQLite archive copied into
// PostgreSQL by migrate-db — cut short once, then run again — exports
// byte-identically to the original; so does a backup of the PostgreSQL
// archive restored into a second PostgreSQL database and into SQLite.
// migrate-db never copies into an archive, and restore into PostgreSQL
// takes only an empty database.
func TestMigrateDBAndBackupOnPostgres(t *testing.T) {
	data := t.TempDir()
	if _, err := runIn(t, "", "import", "--data", data, "../demo/stories", "testdata/review", "testdata/claim/ledger.txt"); err != nil {
		t.Fatal(err)
	}
	if _, err := runIn(t, "a long enough password\n", "user", "add", "Pat Postgres", "--email", "pat@example.org",
		"--password-stdin", "--data", data); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	export := func(name string, args ...string) string {
		t.Helper()
		dir := filepath.Join(out, name)
		if msg, err := runIn(t, "", append([]string{"export", "--out", dir, "--time", "2026-01-02T03:04:05Z"}, args...)...); err != nil {
			t.Fatalf("export %s: %v\n%s", name, err, msg)
		}
		return dir
	}
	original := export("original", "--data", data)

	// A copy cut short after its first tables, as by an interrupt.
	dsn := pgtest.NewDatabase(t)
	ctx := t.Context()
	src, err := openDatabase(ctx, "", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	dst, err := openDatabase(ctx, dsn, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("cut short")
	tables := 0
	_, err = sqlite.Copy(ctx, src, dst, func(table string, rows, total int64) error {
		if rows == 0 {
			tables++
		}
		if tables > 5 {
			return stop
		}
		return nil
	})
	src.Close()
	dst.Close()
	if !errors.Is(err, stop) {
		t.Fatalf("the cut-short copy: %v", err)
	}
	msg, err := runIn(t, "", "migrate-db", "--data", data, "--to", dsn)
	if err != nil || !strings.Contains(msg, "(5 tables copied by an earlier run)") || !strings.Contains(msg, "verified") {
		t.Fatalf("migrate-db after a cut-short copy: %v\n%s", err, msg)
	}
	sameExport(t, "SQLite → migrate-db → PostgreSQL", original, export("postgres", "--db", dsn))
	if _, err := runIn(t, "", "migrate-db", "--data", data, "--to", dsn); err == nil || !strings.Contains(err.Error(), "holds an archive already") {
		t.Errorf("migrate-db into an archive: %v", err)
	}

	backup := filepath.Join(out, "pg.backup")
	if msg, err := runIn(t, "", "backup", "--db", dsn, "--out", backup); err != nil || !strings.Contains(msg, "original files and 1 accounts") {
		t.Fatalf("backup of PostgreSQL: %v\n%s", err, msg)
	}
	second := pgtest.NewDatabase(t)
	if msg, err := runIn(t, "", "restore", "--db", second, backup); err != nil || !strings.Contains(msg, "Restored ") {
		t.Fatalf("restore into PostgreSQL: %v\n%s", err, msg)
	}
	sameExport(t, "PostgreSQL → backup → restore into PostgreSQL", original, export("restored-pg", "--db", second))
	if _, err := runIn(t, "", "restore", "--db", second, backup); err == nil || !strings.Contains(err.Error(), "holds an archive already") {
		t.Errorf("restore into a PostgreSQL archive: %v", err)
	}
	restored := t.TempDir()
	if _, err := runIn(t, "", "restore", "--data", restored, backup); err != nil {
		t.Fatal(err)
	}
	sameExport(t, "PostgreSQL → backup → restore into SQLite", original, export("restored-sqlite", "--data", restored))
}
