package mailin

import (
	"context"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestGracefulShutdown: when Serve's context ends, a message being sent
// is finished and delivered, a session that starts a new one gets 421,
// new connections are refused, and Serve returns nil.
func TestGracefulShutdown(t *testing.T) {
	be := newTestBackend("l3@lists.test")
	ts := startServer(t, Config{Backend: be, ShutdownTimeout: 10 * time.Second})
	busy := dialRaw(t, ts.addr)
	busy.cmd("EHLO client.test\r\n")
	busy.cmd("MAIL FROM:<a@example.net>\r\n")
	busy.cmd("RCPT TO:<l3@lists.test>\r\n")
	busy.cmd("DATA\r\n")
	io.WriteString(busy.c, "Subject: half\r\n\r\nthe first half,\r\n")
	idle := dialRaw(t, ts.addr)
	idle.cmd("EHLO client.test\r\n")

	ts.stop()
	waitFor(t, 10*time.Second, "the listener to close", func() bool {
		c, err := net.DialTimeout("tcp", ts.addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	if r := idle.cmd("MAIL FROM:<a@example.net>\r\n"); !strings.HasPrefix(r, "421") {
		t.Errorf("MAIL during the shutdown: %q, want 421", r)
	}
	idle.cmd("QUIT\r\n")
	if r := busy.cmd("the second half.\r\n.\r\n"); !strings.HasPrefix(r, "250") {
		t.Errorf("the message being sent at the shutdown: %q, want 250", r)
	}
	busy.cmd("QUIT\r\n")
	select {
	case err := <-ts.done:
		ts.done <- err
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
	if d := be.deliveries(); len(d) != 1 || !strings.HasSuffix(string(d[0].Raw), "the second half.\r\n") {
		t.Errorf("deliveries %+v", d)
	}
}

// TestShutdownTimeout: a session that stays idle past ShutdownTimeout is
// closed, and Serve returns.
func TestShutdownTimeout(t *testing.T) {
	be := newTestBackend("l3@lists.test")
	ts := startServer(t, Config{Backend: be, ShutdownTimeout: 200 * time.Millisecond})
	idle := dialRaw(t, ts.addr)
	idle.cmd("EHLO client.test\r\n")
	ts.stop()
	select {
	case err := <-ts.done:
		ts.done <- err
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after the shutdown timeout")
	}
	if _, err := idle.r.ReadString('\n'); err == nil {
		t.Error("the idle connection is still open")
	}
}

// TestRecoverAtStart: a message left in spool/new by an earlier run is
// delivered when a server starts on the spool.
func TestRecoverAtStart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	down := newTestBackend("l3@lists.test")
	down.deliver = func(string, int) (bool, error) { return false, errors.New("down") }
	sp, err := OpenSpool(dir, SpoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	key, out, err := Inject(context.Background(), sp, down, Envelope{From: "a@example.net", To: []string{"l3@lists.test"}}, strings.NewReader(post))
	if err != nil || out != Queued {
		t.Fatalf("Inject: %v %v", out, err)
	}
	be := newTestBackend("l3@lists.test")
	startServer(t, Config{Backend: be, Spool: dir, RetryMin: time.Hour})
	waitFor(t, 10*time.Second, "the recovery", func() bool { return len(be.deliveries()) == 1 })
	if d := be.deliveries()[0]; d.Key != key || body(t, d.Raw) != post {
		t.Errorf("recovered %+v, want key %s", d, key)
	}
}

// TestClose stops the server at once: a message half sent is dropped
// (the client has no 250, and nothing is kept), and Serve returns.
func TestClose(t *testing.T) {
	be := newTestBackend("l3@lists.test")
	ts := startServer(t, Config{Backend: be})
	busy := dialRaw(t, ts.addr)
	busy.cmd("EHLO client.test\r\n")
	busy.cmd("MAIL FROM:<a@example.net>\r\n")
	busy.cmd("RCPT TO:<l3@lists.test>\r\n")
	busy.cmd("DATA\r\n")
	io.WriteString(busy.c, "Subject: half\r\n\r\nthe first half,\r\n")
	time.Sleep(100 * time.Millisecond)
	if err := ts.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	select {
	case err := <-ts.done:
		ts.done <- err
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after Close")
	}
	if _, err := busy.r.ReadString('\n'); err == nil {
		t.Error("the connection is still open")
	}
	waitFor(t, 5*time.Second, "tmp to empty", func() bool { return len(files(t, filepath.Join(ts.spool, "tmp"))) == 0 })
	if n := files(t, filepath.Join(ts.spool, "new")); len(n) != 0 || len(be.deliveries()) != 0 {
		t.Errorf("a message half sent was kept: %v", n)
	}
}

// TestCloseBeforeServe: a server closed before it serves does not serve.
func TestCloseBeforeServe(t *testing.T) {
	srv, err := NewServer(Config{Backend: newTestBackend(), Spool: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(context.Background(), ln) }()
	select {
	case err := <-done:
		if err == nil {
			t.Error("Serve after Close returned nil")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve after Close did not return")
	}
}

func TestNewServerNeeds(t *testing.T) {
	if _, err := NewServer(Config{Spool: t.TempDir()}); err == nil {
		t.Error("no backend accepted")
	}
	if _, err := NewServer(Config{Backend: newTestBackend()}); err == nil {
		t.Error("no spool accepted")
	}
}
