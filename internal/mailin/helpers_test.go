package mailin

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"fanarchive"
)

// delivery is one message a testBackend took.
type delivery struct {
	Env Envelope
	Raw []byte
	Key string
}

// testBackend is a small list engine stand-in: it knows a few addresses,
// records what it takes once per key (as the real one must), and its hooks
// decide failures.
type testBackend struct {
	addrs map[string]int64 // our addresses and their size limits (0: none)
	// check, when set, answers CheckRecipient for addresses not in addrs.
	check func(rcpt string) (int64, error)
	// deliver, when set, is called with each Deliver's key and how many
	// times that key was offered (1 the first time); record says whether
	// the message counts as taken, err is Deliver's answer.
	deliver func(key string, call int) (record bool, err error)

	mu    sync.Mutex
	calls map[string]int
	got   []delivery
	done  map[string]bool
	wake  chan struct{} // gets a value after each Deliver call
}

func newTestBackend(addrs ...string) *testBackend {
	b := &testBackend{addrs: map[string]int64{}, calls: map[string]int{}, done: map[string]bool{}, wake: make(chan struct{}, 1000)}
	for _, a := range addrs {
		b.addrs[a] = 0
	}
	return b
}

func (b *testBackend) CheckRecipient(ctx context.Context, rcpt string) (int64, error) {
	if n, ok := b.addrs[rcpt]; ok {
		return n, nil
	}
	if b.check != nil {
		return b.check(rcpt)
	}
	return 0, fanarchive.Errorf(fanarchive.ENOTFOUND, "no such address")
}

func (b *testBackend) Deliver(ctx context.Context, env Envelope, raw []byte, key string) error {
	defer func() {
		select {
		case b.wake <- struct{}{}:
		default:
		}
	}()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls[key]++
	if b.done[key] {
		return nil // the key makes a second delivery harmless
	}
	record, err := true, error(nil)
	if b.deliver != nil {
		record, err = b.deliver(key, b.calls[key])
	}
	if record {
		b.done[key] = true
		b.got = append(b.got, delivery{Env: env, Raw: append([]byte(nil), raw...), Key: key})
	}
	return err
}

func (b *testBackend) deliveries() []delivery {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]delivery(nil), b.got...)
}

func (b *testBackend) totalCalls() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, c := range b.calls {
		n += c
	}
	return n
}

// testServer is a running Server on a loopback port.
type testServer struct {
	*Server
	addr  string
	dir   string
	stop  context.CancelFunc
	done  chan error
	logs  *syncBuffer
	spool string
}

// startServer serves cfg (Backend set by the caller; Spool and the
// timeouts filled in if empty) on a free loopback port until the test ends.
func startServer(t testing.TB, cfg Config) *testServer {
	t.Helper()
	if cfg.Spool == "" {
		cfg.Spool = filepath.Join(t.TempDir(), "spool")
	}
	if cfg.Domain == "" {
		cfg.Domain = "lists.test"
	}
	if cfg.RateLimit == (RateLimit{}) {
		cfg.RateLimit = RateLimit{Every: -1}
	}
	if cfg.RetryMin == 0 {
		cfg.RetryMin, cfg.RetryMax, cfg.Poll = 50*time.Millisecond, 200*time.Millisecond, 20*time.Millisecond
	}
	logs := &syncBuffer{}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	srv, err := NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{Server: srv, addr: ln.Addr().String(), stop: cancel, done: make(chan error, 1), logs: logs, spool: cfg.Spool}
	go func() { ts.done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		srv.Close()
		select {
		case <-ts.done:
		case <-time.After(30 * time.Second):
			t.Error("the server did not stop")
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return ts
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// dial opens an SMTP client to addr and says EHLO.
func dial(t testing.TB, addr string) *smtp.Client {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// send sends one message over c and returns the first refusal.
func send(c *smtp.Client, from string, to []string, body io.Reader) error {
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	for _, a := range to {
		if err := c.Rcpt(a, nil); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, body); err != nil {
		return err
	}
	return w.Close()
}

// sendMail sends one message on a new connection.
func sendMail(t testing.TB, addr, from string, to []string, body string) error {
	t.Helper()
	c := dial(t, addr)
	err := send(c, from, to, strings.NewReader(body))
	c.Quit()
	return err
}

// code returns err's SMTP reply as "550 5.1.1", or "" if it is none.
func code(err error) string {
	var se *smtp.SMTPError
	if !errors.As(err, &se) {
		return ""
	}
	return fmt.Sprintf("%d %d.%d.%d", se.Code, se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2])
}

// rawConn is an SMTP conversation by hand, for bytes a client library
// would not send (bare LFs, NULs, smuggling attempts).
type rawConn struct {
	t testing.TB
	c net.Conn
	r *bufio.Reader
}

func dialRaw(t testing.TB, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(time.Minute))
	rc := &rawConn{t: t, c: c, r: bufio.NewReader(c)}
	rc.expect("220")
	return rc
}

// reply reads one (possibly multi-line) reply and returns its last line.
func (rc *rawConn) reply() string {
	rc.t.Helper()
	for {
		line, err := rc.r.ReadString('\n')
		if err != nil {
			rc.t.Fatalf("reading a reply: %v", err)
		}
		if len(line) < 4 || line[3] != '-' {
			return strings.TrimRight(line, "\r\n")
		}
	}
}

// cmd writes s as is (the caller ends its lines) and returns the reply.
func (rc *rawConn) cmd(s string) string {
	rc.t.Helper()
	if _, err := io.WriteString(rc.c, s); err != nil {
		rc.t.Fatal(err)
	}
	return rc.reply()
}

func (rc *rawConn) expect(prefix string) string {
	rc.t.Helper()
	line := rc.reply()
	if !strings.HasPrefix(line, prefix) {
		rc.t.Fatalf("reply %q, want %s", line, prefix)
	}
	return line
}

// waitFor polls cond until it holds or d passes.
func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// files lists the names in dir (a spool's sub-folder).
func files(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// body returns a delivered message without the Received: field this
// server put on top.
func body(t testing.TB, raw []byte) string {
	t.Helper()
	s := string(raw)
	if !strings.HasPrefix(s, "Received: from ") {
		t.Fatalf("message does not start with our Received: field: %.80q", s)
	}
	// The field ends at the first line that does not start with a tab.
	i := 0
	for {
		j := strings.Index(s[i:], "\n")
		if j < 0 {
			t.Fatalf("unterminated Received: field")
		}
		i += j + 1
		if i >= len(s) || s[i] != '\t' {
			return s[i:]
		}
	}
}
