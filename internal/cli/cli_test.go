package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testMain returns a Main whose output goes to buffers and whose
// environment is env.
func testMain(env map[string]string) (*Main, *syncBuf, *syncBuf) {
	var out, errOut syncBuf
	return &Main{Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }}, &out, &errOut
}

// syncBuf is a bytes.Buffer safe for the server goroutine and the test.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"serve", "--help"}, {"import", "-h"}, {"help", "import"}} {
		m, out, _ := testMain(nil)
		if err := m.Run(context.Background(), args); err != nil {
			t.Errorf("%v: %v", args, err)
		}
		if !strings.Contains(out.String(), "Usage:") {
			t.Errorf("%v: no usage on stdout:\n%s", args, out)
		}
	}
	for _, args := range [][]string{{}, {"frobnicate"}, {"import"}, {"serve", "--no-such-flag"}, {"serve", "extra"}} {
		m, _, _ := testMain(nil)
		var exit *ExitError
		if err := m.Run(context.Background(), args); !errors.As(err, &exit) || exit.Code != ExitUsage {
			t.Errorf("%v: err = %v, want usage error", args, err)
		}
	}
}

// TestImportDryRun checks the dry-run contract on the repository's demo
// stories: one JSON line per work, nothing written.
func TestImportDryRun(t *testing.T) {
	data := t.TempDir()
	m, out, _ := testMain(map[string]string{"FANARCHIVE_DATA": data})
	if err := m.Run(context.Background(), []string{"import", "--dry-run", "--json", "../demo/stories"}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d JSON lines, want 5:\n%s", len(lines), out)
	}
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("bad JSON line %q: %v", l, err)
		}
		for _, k := range []string{"files", "kind", "title", "authors", "rating", "rating_original", "fandoms", "relationships",
			"characters", "tags", "summary", "notes", "feedback", "list", "archive", "chapters", "words", "begins", "ends", "problems"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("record lacks %q: %s", k, l)
			}
		}
		if _, ok := rec["status"]; ok {
			t.Errorf("dry run reports a status: %s", l)
		}
	}
	if entries, _ := os.ReadDir(data); len(entries) != 0 {
		t.Errorf("dry run wrote %d entries to the data directory", len(entries))
	}
}

// TestImportSeed runs the contract on the real seed story.
func TestImportSeed(t *testing.T) {
	seed := filepath.Join("..", "..", "..", "shared", "corpus", "seed")
	if _, err := os.Stat(seed); err != nil {
		t.Skipf("seed corpus not found at %s (it lives outside the repository): %v", seed, err)
	}
	m, out, _ := testMain(nil)
	if err := m.Run(context.Background(), []string{"import", "--dry-run", "--json", seed}); err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Title, Feedback, List, Archive, Begins, Ends string
		Authors, Fandoms, Problems                   []string
		FandomInferred                               bool `json:"fandom_inferred"`
		Notes                                        []struct{ Label string }
		Words                                        int
	}
	if err := json.Unmarshal(out.Bytes(), &rec); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if rec.Title != "" || len(rec.Authors) != 1 || rec.Authors[0] != "Michelle" || len(rec.Notes) != 2 ||
		rec.Feedback != "Michelle" || rec.List != "Level Three" || rec.Archive != "Level Three Records Room" ||
		len(rec.Fandoms) != 1 || rec.Fandoms[0] != "Smallville" || !rec.FandomInferred ||
		!strings.HasPrefix(rec.Begins, "The girl is dead.") || !strings.HasSuffix(rec.Ends, "It's going to be a beautiful morning.") ||
		rec.Words < 9600 || rec.Words > 10000 || len(rec.Problems) == 0 {
		t.Errorf("seed record does not meet the contract: %+v", rec)
	}
}

// Bytes returns the buffer's contents.
func (s *syncBuf) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

// serveForTest starts `fanarchive serve` with args on a free port and
// returns its base URL; the server stops when the test ends, and the test
// fails if it did not stop cleanly.
func serveForTest(t *testing.T, args ...string) string {
	t.Helper()
	m, _, errOut := testMain(nil)
	addr := make(chan string, 1)
	m.Listening = func(a string) { addr <- a }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, errOut)
		}
	})
	select {
	case a := <-addr:
		return "http://" + a
	case err := <-done:
		done <- err // for the clean-up, which waits for it
		t.Fatalf("serve exited: %v\n%s", err, errOut)
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start:\n%s", errOut)
	}
	return ""
}

func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body), resp.Header
}

// TestEndToEnd imports files with the import command, serves them with the
// serve command on a free port, and reads the pages and the raw original.
func TestEndToEnd(t *testing.T) {
	data := t.TempDir()
	m, _, errOut := testMain(nil)
	if err := m.Run(context.Background(), []string{"import", "--data", data, "../demo/stories"}); err != nil {
		t.Fatalf("import: %v\n%s", err, errOut)
	}
	if !strings.Contains(errOut.String(), "5 created, 0 already present, 0 failed") {
		t.Errorf("import summary:\n%s", errOut)
	}
	// The same bytes again: one work each, reported as already present.
	m, _, errOut = testMain(nil)
	if err := m.Run(context.Background(), []string{"import", "--data", data, "--json", "../demo/stories/02-salt-and-static.txt"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), "0 created, 1 already present") {
		t.Errorf("re-import summary:\n%s", errOut)
	}

	base := serveForTest(t, "--data", data)
	status, body, _ := get(t, base+"/")
	if status != 200 || !strings.Contains(body, "Salt and Static") || !strings.Contains(body, "5 works") {
		t.Fatalf("GET / = %d:\n%s", status, body)
	}
	status, body, _ = get(t, base+"/works/2")
	if status != 200 || !strings.Contains(body, "The radio in the harbourmaster") || !strings.Contains(body, "Lighthouse Keepers Story Archive") {
		t.Errorf("GET /works/2 = %d:\n%s", status, body)
	}
	raw, err := os.ReadFile("../demo/stories/03-undertow.txt")
	if err != nil {
		t.Fatal(err)
	}
	// Work 3 is Explicit: the source too waits for consent.
	req, _ := http.NewRequest("GET", base+"/works/3/source", nil)
	req.AddCookie(&http.Cookie{Name: "adult_ok", Value: "1"})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// The public download masks the footer's address, byte for byte otherwise.
	masked := bytes.Replace(raw, []byte("k.ashdown@example.net"), []byte("x.xxxxxxx@xxxxxxx.xxx"), 1)
	if !bytes.Equal(got, masked) || resp.Header.Get("X-Fanarchive-Masked-Addresses") != "1" {
		t.Errorf("web source differs from the masked file (%d vs %d bytes)", len(got), len(masked))
	}
	// The archivist's copy is the original, byte for byte.
	m, out, _ := testMain(nil)
	if err := m.Run(context.Background(), []string{"source", "--data", data, "3"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), raw) {
		t.Errorf("fanarchive source differs from the file (%d vs %d bytes)", len(out.Bytes()), len(raw))
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=windows-1252" {
		t.Errorf("source Content-Type = %q", ct)
	}
	if status, body, _ := get(t, base+"/works/999"); status != 404 || !strings.Contains(body, "/works/999") {
		t.Errorf("GET /works/999 = %d:\n%s", status, body)
	}
}

// TestServeDemo starts the server with --demo twice on one data directory:
// the demo stories are imported once.
func TestServeDemo(t *testing.T) {
	data := t.TempDir()
	for range 2 {
		base := serveForTest(t, "--data", data, "--demo")
		_, body, _ := get(t, base+"/")
		if !strings.Contains(body, "5 works") {
			t.Fatalf("front page after --demo:\n%s", body)
		}
	}
}
