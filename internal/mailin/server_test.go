package mailin

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"fanarchive"
)

const post = "From: poster@example.net\r\nTo: l3@lists.test\r\nSubject: Part 1\r\n\r\nOnce upon a time.\r\n"

// TestDeliver sends one message and checks what the backend gets: the
// envelope, our Received: field on top, then the bytes as sent.
func TestDeliver(t *testing.T) {
	be := newTestBackend("l3@lists.test")
	ts := startServer(t, Config{Backend: be})
	if err := sendMail(t, ts.addr, "Poster@Example.NET", []string{"l3@LISTS.test"}, post); err != nil {
		t.Fatal(err)
	}
	got := be.deliveries()
	if len(got) != 1 {
		t.Fatalf("%d deliveries, want 1", len(got))
	}
	d := got[0]
	if d.Env.From != "Poster@example.net" || len(d.Env.To) != 1 || d.Env.To[0] != "l3@lists.test" {
		t.Errorf("envelope %+v: want the domains in lower case", d.Env)
	}
	if d.Env.Helo != "client.test" || !strings.HasPrefix(d.Env.RemoteAddr, "127.0.0.1:") || time.Since(d.Env.ReceivedAt) > time.Minute {
		t.Errorf("envelope %+v", d.Env)
	}
	if b := body(t, d.Raw); b != post {
		t.Errorf("stored message %q, want %q byte for byte", b, post)
	}
	rcv := string(d.Raw[:len(d.Raw)-len(post)])
	for _, want := range []string{"Received: from client.test (127.0.0.1:", "\r\n\tby lists.test (fanarchive) with ESMTP id " + d.Key, "\r\n\tfor <l3@lists.test>; "} {
		if !strings.Contains(rcv, want) {
			t.Errorf("Received: field %q lacks %q", rcv, want)
		}
	}
	if n := files(t, filepath.Join(ts.spool, "new")); len(n) != 0 {
		t.Errorf("spool/new holds %v after delivery", n)
	}
	if !strings.Contains(ts.logs.String(), "mailin: accepted") || strings.Contains(ts.logs.String(), "Once upon") {
		t.Errorf("log should name the accepted message, without its body:\n%s", ts.logs)
	}
}

// TestRecipients: every RCPT goes through CheckRecipient, so an outside
// address (a relay attempt) is refused like an unknown local one.
func TestRecipients(t *testing.T) {
	be := newTestBackend("l3@lists.test")
	be.check = func(rcpt string) (int64, error) {
		switch rcpt {
		case "bad..name@lists.test":
			return 0, fanarchive.Errorf(fanarchive.EINVALID, "bad list name")
		case "down@lists.test":
			return 0, errors.New("database is locked")
		}
		return 0, fanarchive.Errorf(fanarchive.ENOTFOUND, "no such list")
	}
	ts := startServer(t, Config{Backend: be})
	tests := []struct {
		rcpt, want string
	}{
		{"l3@lists.test", ""},
		{"L3@lists.TEST", "550 5.1.1"}, // the local part is the backend's to compare
		{"l3@LISTS.TEST", ""},
		{"victim@example.com", "550 5.1.1"},
		{"nobody@lists.test", "550 5.1.1"},
		{"postmaster", "550 5.1.1"},
		{"bad..name@lists.test", "553 5.1.3"},
		{"down@lists.test", "451 4.3.0"},
	}
	c := dial(t, ts.addr)
	for _, tt := range tests {
		if err := c.Mail("someone@example.net", nil); err != nil {
			t.Fatal(err)
		}
		if got := code(c.Rcpt(tt.rcpt, nil)); got != tt.want {
			t.Errorf("RCPT TO:<%s>: %q, want %q", tt.rcpt, got, tt.want)
		}
		if err := c.Reset(); err != nil {
			t.Fatal(err)
		}
	}
	// DATA with every recipient refused is refused too.
	err := send(c, "someone@example.net", []string{"victim@example.com"}, strings.NewReader(post))
	if code(err) != "550 5.1.1" {
		t.Errorf("relay attempt: %v", err)
	}
	if n := len(be.deliveries()); n != 0 {
		t.Errorf("%d messages delivered, want none", n)
	}
}

// TestMixedRecipients: a message to one of ours and one outside address
// goes to ours only.
func TestMixedRecipients(t *testing.T) {
	be := newTestBackend("l3@lists.test", "fic@lists.test")
	ts := startServer(t, Config{Backend: be})
	c := dial(t, ts.addr)
	if err := c.Mail("", nil); err != nil { // a bounce's null sender
		t.Fatal(err)
	}
	for _, a := range []string{"l3@lists.test", "victim@example.com", "fic@lists.test", "l3@lists.test"} {
		c.Rcpt(a, nil)
	}
	w, _ := c.Data()
	io.WriteString(w, post)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got := be.deliveries()
	if len(got) != 1 || got[0].Env.From != "" || strings.Join(got[0].Env.To, ",") != "l3@lists.test,fic@lists.test" {
		t.Fatalf("deliveries %+v", got)
	}
	if strings.Contains(string(got[0].Raw), "\tfor <") {
		t.Errorf("a Received: field names one recipient of two: %.200q", got[0].Raw)
	}
}

// TestSizeAtMail: a declared SIZE over the server's cap is refused at
// MAIL, and over a recipient's limit at its RCPT.
func TestSizeAtMail(t *testing.T) {
	be := newTestBackend("l3@lists.test")
	be.addrs["small@lists.test"] = 1000
	ts := startServer(t, Config{Backend: be, MaxSize: 1 << 20})
	c := dial(t, ts.addr)
	if ok, v := c.Extension("SIZE"); !ok || v != "1048576" {
		t.Errorf("EHLO advertises SIZE %q, want 1048576", v)
	}
	if got := code(c.Mail("a@example.net", &smtp.MailOptions{Size: 1<<20 + 1})); got != "552 5.3.4" {
		t.Errorf("MAIL SIZE over the cap: %q, want 552 5.3.4", got)
	}
	if err := c.Mail("a@example.net", &smtp.MailOptions{Size: 5000}); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("l3@lists.test", nil); err != nil {
		t.Errorf("RCPT with room: %v", err)
	}
	if got := code(c.Rcpt("small@lists.test", nil)); got != "552 5.3.4" {
		t.Errorf("RCPT with a limit under SIZE: %q, want 552 5.3.4", got)
	}
}

// TestSizeAtData: the smallest limit of the recipients holds at DATA.
func TestSizeAtData(t *testing.T) {
	be := newTestBackend("l3@lists.test")
	be.addrs["small@lists.test"] = 1000
	ts := startServer(t, Config{Backend: be})
	big := post + strings.Repeat(strings.Repeat("x", 98)+"\r\n", 20)
	if got := code(sendMail(t, ts.addr, "a@example.net", []string{"l3@lists.test", "small@lists.test"}, big)); got != "552 5.3.4" {
		t.Errorf("2 KB to a 1000-byte recipient: %q, want 552 5.3.4", got)
	}
	if err := sendMail(t, ts.addr, "a@example.net", []string{"l3@lists.test"}, big); err != nil {
		t.Errorf("2 KB to a recipient without a limit: %v", err)
	}
	if n := len(be.deliveries()); n != 1 {
		t.Errorf("%d deliveries, want 1", n)
	}
}

// patternReader yields n bytes of mail-like lines without holding them.
type patternReader struct{ n, off int64 }

func (r *patternReader) Read(p []byte) (int, error) {
	const line = "All work and no play makes a fic writer dull, dull, dull.\r\n"
	if r.off >= r.n {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && r.off < r.n {
		p[k] = line[r.off%int64(len(line))]
		k++
		r.off++
	}
	return k, nil
}

// Test60MB sends a 60 MB message to a 25 MB server: refused at DATA with
// 552, read to the end without being held in memory, nothing kept, and the
// connection still usable.
func Test60MB(t *testing.T) {
	if testing.Short() {
		t.Skip("60 MB over loopback skipped with -short")
	}
	be := newTestBackend("l3@lists.test")
	ts := startServer(t, Config{Backend: be})
	c := dial(t, ts.addr)

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // samples the live heap while the message goes through
		defer wg.Done()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
		}
	}()
	start := time.Now()
	const size = 60 << 20
	err := send(c, "a@example.net", []string{"l3@lists.test"}, io.MultiReader(strings.NewReader("Subject: big\r\n\r\n"), &patternReader{n: size}))
	close(stop)
	wg.Wait()
	runtime.ReadMemStats(&after)
	if got := code(err); got != "552 5.3.4" {
		t.Fatalf("60 MB message: %v, want 552 5.3.4", err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	grew := int64(peak) - int64(before.HeapInuse)
	t.Logf("60 MB refused in %v; allocated %.1f MB in all, live heap grew by %.1f MB at most",
		time.Since(start).Round(time.Millisecond), float64(alloc)/(1<<20), float64(grew)/(1<<20))
	if alloc > 16<<20 || grew > 16<<20 {
		t.Errorf("the server allocated %d bytes (heap +%d) for a refused 60 MB message; want it streamed", alloc, grew)
	}
	for _, sub := range []string{"tmp", "new", "failed"} {
		if n := files(t, filepath.Join(ts.spool, sub)); len(n) != 0 {
			t.Errorf("spool/%s holds %v after a refused message", sub, n)
		}
	}
	if err := send(c, "a@example.net", []string{"l3@lists.test"}, strings.NewReader(post)); err != nil {
		t.Errorf("a message on the same connection after the refusal: %v", err)
	}
	if n := len(be.deliveries()); n != 1 {
		t.Errorf("%d deliveries, want 1", n)
	}
}

// TestTooManyRecipients: past MaxRecipients a RCPT gets 452 4.5.3, and the
// message goes to the ones accepted.
func TestTooManyRecipients(t *testing.T) {
	be := newTestBackend("a@lists.test", "b@lists.test", "c@lists.test", "d@lists.test")
	ts := startServer(t, Config{Backend: be, MaxRecipients: 3})
	c := dial(t, ts.addr)
	c.Mail("x@example.net", nil)
	var got []string
	for _, a := range []string{"a@lists.test", "b@lists.test", "c@lists.test", "d@lists.test"} {
		got = append(got, code(c.Rcpt(a, nil)))
	}
	if strings.Join(got, ",") != ",,,452 4.5.3" {
		t.Errorf("RCPT replies %q, want the 4th to be 452 4.5.3", got)
	}
	w, _ := c.Data()
	io.WriteString(w, post)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if d := be.deliveries(); len(d) != 1 || len(d[0].Env.To) != 3 {
		t.Errorf("deliveries %+v, want one to three", d)
	}
}

// TestTemporaryFailure: the backend fails twice; the client still gets
// 250 and the spool delivers the message later.
func TestTemporaryFailure(t *testing.T) {
	be := newTestBackend("l3@lists.test")
	be.deliver = func(key string, call int) (bool, error) {
		if call <= 2 {
			return false, errors.New("database is locked")
		}
		return true, nil
	}
	ts := startServer(t, Config{Backend: be})
	if err := sendMail(t, ts.addr, "a@example.net", []string{"l3@lists.test"}, post); err != nil {
		t.Fatalf("a temporary backend failure must still answer 250: %v", err)
	}
	if n := files(t, filepath.Join(ts.spool, "new")); len(n) != 1 {
		t.Fatalf("spool/new holds %v, want the message", n)
	}
	waitFor(t, 10*time.Second, "the retry", func() bool { return len(be.deliveries()) == 1 })
	waitFor(t, 10*time.Second, "spool/new to empty", func() bool { return len(files(t, filepath.Join(ts.spool, "new"))) == 0 })
	if n := be.totalCalls(); n != 3 {
		t.Errorf("%d Deliver calls, want 3", n)
	}
	if b := body(t, be.deliveries()[0].Raw); b != post {
		t.Errorf("retried message %q", b)
	}
}

// TestExactlyOnce: the backend stores the message but its answer is lost
// (it fails after taking it); the retry offers the same key, and the
// message is stored once.
func TestExactlyOnce(t *testing.T) {
	be := newTestBackend("l3@lists.test")
	be.deliver = func(key string, call int) (bool, error) {
		return true, errors.New("connection reset after commit")
	}
	ts := startServer(t, Config{Backend: be})
	for i := 0; i < 3; i++ {
		if err := sendMail(t, ts.addr, "a@example.net", []string{"l3@lists.test"}, post); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 10*time.Second, "the retries", func() bool { return len(files(t, filepath.Join(ts.spool, "new"))) == 0 })
	if got, calls := len(be.deliveries()), be.totalCalls(); got != 3 || calls != 6 {
		t.Errorf("%d messages stored from %d Deliver calls, want 3 from 6", got, calls)
	}
	be.mu.Lock()
	for k, n := range be.calls {
		if n != 2 {
			t.Errorf("key %s offered %d times, want 2", k, n)
		}
	}
	be.mu.Unlock()
}

// TestInvalidKeptInFailed: a permanent refusal still answers 250 (the
// backend bounces), and the message is kept in spool/failed, not retried.
func TestInvalidKeptInFailed(t *testing.T) {
	be := newTestBackend("l3@lists.test")
	be.deliver = func(key string, call int) (bool, error) {
		return false, fanarchive.Errorf(fanarchive.EINVALID, "not a post")
	}
	ts := startServer(t, Config{Backend: be})
	if err := sendMail(t, ts.addr, "a@example.net", []string{"l3@lists.test"}, post); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // several polls
	failed := files(t, filepath.Join(ts.spool, "failed"))
	if len(failed) != 2 || !strings.HasSuffix(failed[1], ".reason") {
		t.Fatalf("spool/failed holds %v, want the message and its reason", failed)
	}
	f, err := os.Open(filepath.Join(ts.spool, "failed", failed[0]))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env, raw, err := ReadSpool(f)
	if err != nil || env.To[0] != "l3@lists.test" || body(t, raw) != post {
		t.Errorf("kept message: %+v %v", env, err)
	}
	reason, _ := os.ReadFile(filepath.Join(ts.spool, "failed", failed[1]))
	if !strings.Contains(string(reason), "not a post") {
		t.Errorf("reason %q", reason)
	}
	if n := be.totalCalls(); n != 1 {
		t.Errorf("%d Deliver calls, want 1 (no retry)", n)
	}
	if n := files(t, filepath.Join(ts.spool, "new")); len(n) != 0 {
		t.Errorf("spool/new holds %v", n)
	}
}

// TestBackendPanics: a panicking backend is a temporary failure.
func TestBackendPanics(t *testing.T) {
	be := newTestBackend("l3@lists.test")
	be.deliver = func(key string, call int) (bool, error) {
		if call == 1 {
			panic("list engine bug")
		}
		return true, nil
	}
	ts := startServer(t, Config{Backend: be})
	if err := sendMail(t, ts.addr, "a@example.net", []string{"l3@lists.test"}, post); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the retry", func() bool { return len(be.deliveries()) == 1 })
}

// TestHygiene: what the server does with odd messages, sent by hand.
func TestHygiene(t *testing.T) {
	be := newTestBackend("l3@lists.test")
	ts := startServer(t, Config{Backend: be})
	received := func(n int) string {
		return strings.Repeat("Received: from a by b; Thu, 3 Dec 2026 10:00:00 +0000\r\n", n)
	}
	tests := []struct {
		name, data string // data as sent after DATA, up to and with the end marker
		want       string // the reply's start
		stored     string // the message the backend gets, if any
	}{
		{"no body", "Subject: empty\r\n.\r\n", "250", "Subject: empty\r\n"},
		{"nothing at all", ".\r\n", "250", ""},
		{"dot-stuffed", "Subject: d\r\n\r\n..a line with a dot\r\n.\r\n", "250", "Subject: d\r\n\r\n.a line with a dot\r\n"},
		{"bare LF kept as is", "Subject: lf\n\nbody\n\r\n.\r\n", "250", "Subject: lf\n\nbody\n\r\n"},
		{"smuggling with LF.LF is data", "Subject: s\r\n\r\nx\n.\nMAIL FROM:<evil@example.com>\r\n.\r\n", "250",
			"Subject: s\r\n\r\nx\n.\nMAIL FROM:<evil@example.com>\r\n"},
		{"smuggling with CR.CR is data", "Subject: s\r\n\r\nx\r.\rRSET\r\n.\r\n", "250", "Subject: s\r\n\r\nx\r.\rRSET\r\n"},
		{"NUL", "Subject: n\r\n\r\na\x00b\r\n.\r\n", "554 5.6.0", ""},
		{"30 Received", received(30) + "Subject: r\r\n\r\nb\r\n.\r\n", "250", received(30) + "Subject: r\r\n\r\nb\r\n"},
		{"31 Received: a loop", received(31) + "Subject: r\r\n\r\nb\r\n.\r\n", "554 5.4.6", ""},
		{"Received in the body does not count", "Subject: r\r\n\r\n" + received(40) + ".\r\n", "250", "Subject: r\r\n\r\n" + received(40)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := len(be.deliveries())
			rc := dialRaw(t, ts.addr)
			rc.cmd("EHLO client.test\r\n")
			rc.cmd("MAIL FROM:<a@example.net>\r\n")
			rc.cmd("RCPT TO:<l3@lists.test>\r\n")
			if r := rc.cmd("DATA\r\n"); !strings.HasPrefix(r, "354") {
				t.Fatalf("DATA: %q", r)
			}
			if r := rc.cmd(tt.data); !strings.HasPrefix(r, tt.want) {
				t.Fatalf("reply %q, want %s", r, tt.want)
			}
			if r := rc.cmd("NOOP\r\n"); !strings.HasPrefix(r, "250") {
				t.Errorf("after the message: %q (smuggled command?)", r)
			}
			got := be.deliveries()[n:]
			if tt.want != "250" {
				if len(got) != 0 {
					t.Errorf("refused message delivered")
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("%d deliveries", len(got))
			}
			if b := body(t, got[0].Raw); b != tt.stored {
				t.Errorf("stored %q, want %q", b, tt.stored)
			}
		})
	}
}

// TestConcurrent: many clients at once, every message delivered once.
func TestConcurrent(t *testing.T) {
	be := newTestBackend("l3@lists.test")
	ts := startServer(t, Config{Backend: be})
	const clients, each = 16, 8
	var wg sync.WaitGroup
	errs := make(chan error, clients*each)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := smtp.Dial(ts.addr)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			for j := 0; j < each; j++ {
				msg := fmt.Sprintf("Subject: %d-%d\r\n\r\nbody\r\n", i, j)
				if err := send(c, "a@example.net", []string{"l3@lists.test"}, strings.NewReader(msg)); err != nil {
					errs <- err
				}
			}
			c.Quit()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got := be.deliveries()
	seen := map[string]bool{}
	for _, d := range got {
		seen[body(t, d.Raw)] = true
	}
	if len(got) != clients*each || len(seen) != clients*each {
		t.Errorf("%d deliveries of %d distinct messages, want %d", len(got), len(seen), clients*each)
	}
}

// TestLongLine: a line over go-smtp's 2000 bytes ends the message with
// 554 5.6.0 (and the connection, which go-smtp cannot resynchronise).
func TestLongLine(t *testing.T) {
	be := newTestBackend("l3@lists.test")
	ts := startServer(t, Config{Backend: be})
	err := sendMail(t, ts.addr, "a@example.net", []string{"l3@lists.test"}, post+strings.Repeat("x", 2100)+"\r\n")
	if got := code(err); got != "554 5.6.0" {
		t.Errorf("a 2100-byte line: %v, want 554 5.6.0", err)
	}
	if n := len(be.deliveries()); n != 0 {
		t.Errorf("%d deliveries", n)
	}
}
