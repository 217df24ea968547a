package mailin

import (
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// TestConnectionLimit: past MaxConnections a client is greeted with 421;
// when one leaves, another gets in.
func TestConnectionLimit(t *testing.T) {
	be := newTestBackend("l3@lists.test")
	ts := startServer(t, Config{Backend: be, MaxConnections: 2})
	a, b := dial(t, ts.addr), dial(t, ts.addr)
	_ = b
	if got := code(dialErr(ts.addr)); got != "421 4.3.2" {
		t.Errorf("third connection: %q, want 421 4.3.2", got)
	}
	a.Quit()
	waitFor(t, 5*time.Second, "a place to free", func() bool {
		c, err := smtp.Dial(ts.addr)
		if err != nil {
			return false
		}
		defer c.Close()
		return c.Hello("client.test") == nil
	})
}

// dialErr connects to addr and returns what the greeting and EHLO say.
func dialErr(addr string) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Hello("client.test")
}

// TestRateLimit: one address may open Burst connections, then waits.
func TestRateLimit(t *testing.T) {
	be := newTestBackend("l3@lists.test")
	ts := startServer(t, Config{Backend: be, RateLimit: RateLimit{Every: time.Hour, Burst: 3}})
	for i := 0; i < 3; i++ {
		c := dial(t, ts.addr)
		c.Quit()
	}
	if got := code(dialErr(ts.addr)); got != "421 4.7.0" {
		t.Errorf("fourth connection in a row: %q, want 421 4.7.0", got)
	}
	if !strings.Contains(ts.logs.String(), "connection refused") {
		t.Errorf("refusal not logged")
	}
}

func TestIPRate(t *testing.T) {
	r := newIPRate(RateLimit{Every: time.Second, Burst: 2})
	t0 := time.Unix(1000, 0)
	steps := []struct {
		ip   string
		at   time.Duration
		want bool
	}{
		{"a", 0, true}, {"a", 0, true}, {"a", 0, false}, {"b", 0, true},
		{"a", 500 * time.Millisecond, false}, {"a", time.Second, true}, {"a", time.Second, false},
		{"a", 10 * time.Second, true}, {"a", 10 * time.Second, true}, {"a", 10 * time.Second, false},
		{"b", 2 * time.Minute, true}, // after a sweep
	}
	for i, s := range steps {
		if got := r.allow(s.ip, t0.Add(s.at)); got != s.want {
			t.Errorf("step %d (%s at %v): %v, want %v", i, s.ip, s.at, got, s.want)
		}
	}
	if len(r.buckets) > 2 {
		t.Errorf("%d buckets kept", len(r.buckets))
	}
	if !(*ipRate)(nil).allow("x", t0) {
		t.Error("no limit refused")
	}
}
