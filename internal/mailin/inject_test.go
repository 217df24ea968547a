package mailin

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fanarchive"
)

func openTestSpool(t *testing.T) *Spool {
	t.Helper()
	sp, err := OpenSpool(filepath.Join(t.TempDir(), "spool"), SpoolOptions{Domain: "host.test", RetryMin: time.Millisecond, RetryMax: 4 * time.Millisecond, Poll: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

// TestInject delivers a message from a file with LF line endings, as an
// MTA's pipe transport hands it over: the Received: field on top matches them.
func TestInject(t *testing.T) {
	sp := openTestSpool(t)
	be := newTestBackend("l3@lists.test")
	msg := "From: poster@example.net\nSubject: Part 2\n\nThe story goes on.\n"
	key, out, err := Inject(context.Background(), sp, be, Envelope{From: "poster@example.net", To: []string{"l3@Lists.Test", "l3@lists.test"}}, strings.NewReader(msg))
	if err != nil || out != Delivered {
		t.Fatalf("Inject: %v, %v", out, err)
	}
	got := be.deliveries()
	if len(got) != 1 || got[0].Key != key || strings.Join(got[0].Env.To, ",") != "l3@lists.test" {
		t.Fatalf("deliveries %+v", got)
	}
	raw := string(got[0].Raw)
	if !strings.HasPrefix(raw, "Received: from local\n\tby host.test (fanarchive) with local id "+key+"\n\tfor <l3@lists.test>; ") {
		t.Errorf("Received: field %q", raw[:min(len(raw), 200)])
	}
	if body(t, got[0].Raw) != msg {
		t.Errorf("message %q, want %q", body(t, got[0].Raw), msg)
	}
	if n := files(t, filepath.Join(sp.Dir(), "new")); len(n) != 0 {
		t.Errorf("spool/new holds %v", n)
	}
}

// TestInjectRefused: what Inject refuses keeps nothing, and says why with
// an error code the CLI can turn into an exit status.
func TestInjectRefused(t *testing.T) {
	be := newTestBackend("l3@lists.test")
	be.addrs["small@lists.test"] = 100
	tests := []struct {
		name string
		to   []string
		msg  string
		want string
	}{
		{"unknown list", []string{"l3@lists.test", "nope@lists.test"}, post, fanarchive.ENOTFOUND},
		{"no recipient", nil, post, fanarchive.EINVALID},
		{"too big for the list", []string{"small@lists.test"}, post + strings.Repeat("x", 100), fanarchive.EINVALID},
		{"NUL", []string{"l3@lists.test"}, post + "\x00", fanarchive.EINVALID},
		{"loop", []string{"l3@lists.test"}, strings.Repeat("Received: x\n", 31) + "\n", fanarchive.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := openTestSpool(t)
			_, _, err := Inject(context.Background(), sp, be, Envelope{To: tt.to}, strings.NewReader(tt.msg))
			if got := fanarchive.ErrorCode(err); got != tt.want {
				t.Errorf("error %v (code %q), want code %q", err, got, tt.want)
			}
			for _, sub := range []string{"tmp", "new", "failed"} {
				if n := files(t, filepath.Join(sp.Dir(), sub)); len(n) != 0 {
					t.Errorf("spool/%s holds %v", sub, n)
				}
			}
		})
	}
	if n := len(be.deliveries()); n != 0 {
		t.Errorf("%d deliveries", n)
	}
}

// TestInjectQueued: with the backend down, Inject keeps the message and
// says so; the spool's Run delivers it once the backend is back.
func TestInjectQueued(t *testing.T) {
	sp := openTestSpool(t)
	be := newTestBackend("l3@lists.test")
	down := true
	be.deliver = func(string, int) (bool, error) {
		if down {
			return false, errors.New("down")
		}
		return true, nil
	}
	key, out, err := Inject(context.Background(), sp, be, Envelope{To: []string{"l3@lists.test"}}, strings.NewReader(post))
	if err != nil || out != Queued {
		t.Fatalf("Inject: %v, %v; want Queued", out, err)
	}
	if _, err := os.Stat(filepath.Join(sp.Dir(), "new", key)); err != nil {
		t.Fatal(err)
	}
	be.mu.Lock()
	down = false
	be.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- sp.Run(ctx, be) }()
	waitFor(t, 10*time.Second, "the delivery", func() bool { return len(be.deliveries()) == 1 })
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	if be.deliveries()[0].Key != key {
		t.Errorf("delivered under another key")
	}
}

// TestSpoolBackoff: each temporary failure doubles the wait, up to RetryMax.
func TestSpoolBackoff(t *testing.T) {
	sp, err := OpenSpool(t.TempDir(), SpoolOptions{RetryMin: 10 * time.Second, RetryMax: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	var waits []time.Duration
	for i := 0; i < 9; i++ {
		sp.later("k", errors.New("down"))
		waits = append(waits, time.Until(sp.retry["k"].next).Round(time.Second))
	}
	want := []time.Duration{10, 20, 40, 80, 160, 320, 600, 600, 600}
	for i := range want {
		if waits[i] != want[i]*time.Second {
			t.Errorf("wait after failure %d: %v, want %v", i+1, waits[i], want[i]*time.Second)
		}
	}
}

// TestSpoolSkipsStrangers: files in new that are not spool keys are left
// alone, and a file that is not a spool file goes to failed, kept.
func TestSpoolSkipsStrangers(t *testing.T) {
	sp := openTestSpool(t)
	be := newTestBackend("l3@lists.test")
	newDir := filepath.Join(sp.Dir(), "new")
	os.WriteFile(filepath.Join(newDir, ".swp"), []byte("editor"), 0o600)
	os.WriteFile(filepath.Join(newDir, "garbage"), []byte("not a spool file"), 0o600)
	if err := sp.Recover(context.Background(), be); err != nil {
		t.Fatal(err)
	}
	if n := files(t, newDir); strings.Join(n, ",") != ".swp" {
		t.Errorf("spool/new holds %v, want only .swp", n)
	}
	if n := files(t, filepath.Join(sp.Dir(), "failed")); strings.Join(n, ",") != "garbage,garbage.reason" {
		t.Errorf("spool/failed holds %v", n)
	}
	if be.totalCalls() != 0 {
		t.Errorf("the backend was called")
	}
}
