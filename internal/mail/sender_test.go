package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/store/sqlite"
)

// openOutbox opens a real SQLite archive in a temporary directory.
func openOutbox(t testing.TB) *sqlite.Store {
	t.Helper()
	return openOutboxAt(t, filepath.Join(t.TempDir(), "archive.db"))
}

func openOutboxAt(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// queueFanOut queues n mails to r0@example.net… sharing one built body,
// each with its own header field and VERP return path, in one transaction.
func queueFanOut(t testing.TB, outbox fanarchive.MailOutbox, n int) []*fanarchive.OutboundMail {
	t.Helper()
	raw, err := Build(&Message{From: Address{Name: "Salt list", Address: "salt@lists.example.org"},
		To: []Address{{Address: "salt@lists.example.org"}}, Subject: "New story: Salt and Static",
		Text:  strings.Repeat("The radio in the harbourmaster's hut had been dead for years.\n", 40),
		Extra: []Field{{"List-Id", "Salt <salt.lists.example.org>"}}})
	if err != nil {
		t.Fatal(err)
	}
	body := &fanarchive.MailBody{Raw: raw}
	mails := make([]*fanarchive.OutboundMail, n)
	for i := range mails {
		h, err := HeaderFields(Field{"List-Unsubscribe", fmt.Sprintf("<https://lists.example.org/u/%d>", i)})
		if err != nil {
			t.Fatal(err)
		}
		mails[i] = &fanarchive.OutboundMail{Kind: "list-post", Key: fmt.Sprintf("post:%d", i),
			From: fmt.Sprintf("salt+r%d=example.net@lists.example.org", i), To: fmt.Sprintf("r%d@example.net", i),
			Header: h, Body: body}
	}
	if err := outbox.QueueMail(context.Background(), mails); err != nil {
		t.Fatal(err)
	}
	return mails
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// runSender runs s until the returned stop is called; stop waits for it.
func runSender(t testing.TB, s *Sender) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// byRecipient counts what the sink got per envelope recipient.
func byRecipient(got []received) map[string]int {
	n := map[string]int{}
	for _, m := range got {
		n[m.To]++
	}
	return n
}

func mailCounts(t testing.TB, outbox fanarchive.MailOutbox) fanarchive.MailCounts {
	t.Helper()
	c, err := outbox.CountMail(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSenderDelivers queues a fan-out while the sender waits with a poll
// of an hour: Notify wakes it, every mail arrives once, complete, with its
// own header and return path, over few connections.
func TestSenderDelivers(t *testing.T) {
	outbox := openOutbox(t)
	s := startSink(t, &sink{})
	tr, _ := ParseSMTPURL("smtp://" + s.addr)
	sender := &Sender{Outbox: outbox, Transport: tr, Poll: time.Hour}
	outbox.OnMailQueued(sender.Notify)
	runSender(t, sender)
	time.Sleep(50 * time.Millisecond) // the workers are waiting

	const n = 250
	mails := queueFanOut(t, outbox, n)
	waitFor(t, 30*time.Second, "the fan-out to arrive", func() bool { return s.count() >= n })
	waitFor(t, 10*time.Second, "every mail to be marked sent", func() bool { return mailCounts(t, outbox).Sent == n })
	got := s.messages()
	if len(got) != n {
		t.Errorf("sink got %d messages, want %d", len(got), n)
	}
	want := map[string]*fanarchive.OutboundMail{}
	for _, m := range mails {
		want[m.To] = m
	}
	for _, r := range got {
		m := want[r.To]
		if m == nil {
			t.Fatalf("unexpected or repeated recipient %s", r.To)
		}
		delete(want, r.To)
		if r.From != m.From || !bytes.Equal(r.Data, append(append([]byte{}, m.Header...), m.Body.Raw...)) {
			t.Errorf("%s: from %s, data differs", r.To, r.From)
		}
	}
	if c := s.conns.Load(); c > 8 {
		t.Errorf("%d connections for %d messages: sessions are not reused", c, n)
	}
}

// TestSenderRetries: a relay that answers 451 once per recipient, then
// accepts; the retry comes at once here (Retry returns 0).
func TestSenderRetries(t *testing.T) {
	outbox := openOutbox(t)
	var mu sync.Mutex
	refused := map[string]bool{}
	s := startSink(t, &sink{rcpt: func(to string) error {
		mu.Lock()
		defer mu.Unlock()
		if !refused[to] {
			refused[to] = true
			return errTemp
		}
		return nil
	}})
	tr, _ := ParseSMTPURL("smtp://" + s.addr)
	queueFanOut(t, outbox, 5)
	sender := &Sender{Outbox: outbox, Transport: tr, Retry: func(int) time.Duration { return 0 }}
	sent, failed, err := sender.DeliverDue(context.Background())
	if err != nil || sent != 5 || failed != 5 {
		t.Fatalf("DeliverDue = %d sent, %d failed, %v; want 5 and 5", sent, failed, err)
	}
	list, _, err := outbox.FindMail(context.Background(), fanarchive.MailFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list {
		if m.State() != fanarchive.MailSent || m.Attempts != 2 || !strings.Contains(m.LastError, "451") {
			t.Errorf("mail to %s: %s after %d attempts, last error %q", m.To, m.State(), m.Attempts, m.LastError)
		}
	}
	if got := len(s.messages()); got != 5 {
		t.Errorf("sink got %d, want 5", got)
	}
}

// TestSenderBackoff: a temporary failure is retried a minute or so later,
// not at once.
func TestSenderBackoff(t *testing.T) {
	outbox := openOutbox(t)
	s := startSink(t, &sink{rcpt: func(string) error { return errTemp }})
	tr, _ := ParseSMTPURL("smtp://" + s.addr)
	queueFanOut(t, outbox, 3)
	before := time.Now()
	sent, failed, err := (&Sender{Outbox: outbox, Transport: tr}).DeliverDue(context.Background())
	if err != nil || sent != 0 || failed != 3 {
		t.Fatalf("DeliverDue = %d sent, %d failed, %v", sent, failed, err)
	}
	list, _, _ := outbox.FindMail(context.Background(), fanarchive.MailFilter{State: fanarchive.MailQueued})
	if len(list) != 3 {
		t.Fatalf("%d queued, want 3", len(list))
	}
	for _, m := range list {
		wait := m.NextAttemptAt.Sub(before)
		if wait < 44*time.Second || wait > 76*time.Second || m.Attempts != 1 {
			t.Errorf("mail to %s: retry in %v after attempt %d, want a minute ±25%%", m.To, wait, m.Attempts)
		}
	}
}

// TestSenderPermanent: a 550 gives the mail up at once; the others in the
// batch are delivered on the same connection.
func TestSenderPermanent(t *testing.T) {
	outbox := openOutbox(t)
	s := startSink(t, &sink{rcpt: func(to string) error {
		if to == "r1@example.net" {
			return errPerm
		}
		return nil
	}})
	tr, _ := ParseSMTPURL("smtp://" + s.addr)
	queueFanOut(t, outbox, 3)
	sent, failed, err := (&Sender{Outbox: outbox, Transport: tr}).DeliverDue(context.Background())
	if err != nil || sent != 2 || failed != 1 {
		t.Fatalf("DeliverDue = %d sent, %d failed, %v", sent, failed, err)
	}
	list, _, _ := outbox.FindMail(context.Background(), fanarchive.MailFilter{State: fanarchive.MailFailed})
	if len(list) != 1 || list[0].To != "r1@example.net" || !strings.Contains(list[0].LastError, "550") {
		t.Errorf("failed mail: %+v", list)
	}
	if c := mailCounts(t, outbox); c != (fanarchive.MailCounts{Sent: 2, Failed: 1}) {
		t.Errorf("counts %+v", c)
	}
	if s.conns.Load() != 1 {
		t.Errorf("%d connections, want 1", s.conns.Load())
	}
}

// TestSenderGivesUp: mail failing longer than MaxAge is given up even on
// a temporary failure.
func TestSenderGivesUp(t *testing.T) {
	outbox := openOutbox(t)
	s := startSink(t, &sink{rcpt: func(string) error { return errTemp }})
	tr, _ := ParseSMTPURL("smtp://" + s.addr)
	queueFanOut(t, outbox, 2)
	if _, _, err := (&Sender{Outbox: outbox, Transport: tr, MaxAge: time.Nanosecond}).DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c := mailCounts(t, outbox); c != (fanarchive.MailCounts{Failed: 2}) {
		t.Errorf("counts %+v, want both given up", c)
	}
}

// TestSenderRelayDown: with the relay unreachable the batch is put off
// and the sender says why.
func TestSenderRelayDown(t *testing.T) {
	outbox := openOutbox(t)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	tr, _ := ParseSMTPURL("smtp://" + addr)
	queueFanOut(t, outbox, 3)
	_, failed, err := (&Sender{Outbox: outbox, Transport: tr}).DeliverDue(context.Background())
	if !errors.Is(err, errRelayDown) || failed != 3 {
		t.Fatalf("DeliverDue: %d failed, %v; want 3 and the relay down", failed, err)
	}
	list, _, _ := outbox.FindMail(context.Background(), fanarchive.MailFilter{State: fanarchive.MailQueued})
	for _, m := range list {
		if m.Attempts != 1 || !m.NextAttemptAt.After(time.Now().Add(30*time.Second)) || !strings.Contains(m.LastError, "connect") {
			t.Errorf("mail to %s: %+v", m.To, m)
		}
	}
}

// TestSenderStopsCleanly cancels the sender in the middle of a batch, from
// the relay's side just after it accepted some mail: Run returns, what was
// accepted is marked sent, the rest is given back, and a new sender
// delivers it at once — every mail once, none lost, none twice.
func TestSenderStopsCleanly(t *testing.T) {
	outbox := openOutbox(t)
	ctx, cancel := context.WithCancel(context.Background())
	var accepted int
	var mu sync.Mutex
	s := startSink(t, &sink{data: func(received) error {
		mu.Lock()
		defer mu.Unlock()
		if accepted++; accepted == 40 {
			cancel()
		}
		return nil
	}})
	tr, _ := ParseSMTPURL("smtp://" + s.addr)
	const n = 300
	queueFanOut(t, outbox, n)
	sender := &Sender{Outbox: outbox, Transport: tr, Batch: 50, Poll: time.Hour}
	start := time.Now()
	if err := sender.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Run took %v to stop", d)
	}
	first := s.count()
	c := mailCounts(t, outbox)
	if first >= n || c.Sent != first || c.Queued != n-first {
		t.Fatalf("after the stop: sink got %d, outbox %+v; want what was accepted marked sent, the rest queued", first, c)
	}
	// Given back, not leased: a new claim takes the rest at once.
	if got, err := outbox.ClaimMail(context.Background(), n, time.Minute); err != nil || len(got) != n-first {
		t.Fatalf("claimable after the stop: %d (%v), want %d", len(got), err, n-first)
	} else if err := outbox.ReleaseMail(context.Background(), got); err != nil {
		t.Fatal(err)
	}

	stop := runSender(t, &Sender{Outbox: outbox, Transport: tr, Batch: 50})
	waitFor(t, 30*time.Second, "the rest to be sent", func() bool { return mailCounts(t, outbox).Sent == n })
	stop()
	seen := byRecipient(s.messages())
	if len(seen) != n {
		t.Errorf("%d recipients got mail, want %d", len(seen), n)
	}
	for to, k := range seen {
		if k != 1 {
			t.Errorf("%s got %d copies", to, k)
		}
	}
	t.Logf("stopped after %d of %d accepted; the rest sent on restart", first, n)
}

func TestBackoff(t *testing.T) {
	for _, tt := range []struct {
		attempt  int
		r        float64
		want     time.Duration
		lo, high time.Duration
	}{
		{1, 0.5, time.Minute, 0, 0},
		{2, 0.5, 2 * time.Minute, 0, 0},
		{4, 0.5, 8 * time.Minute, 0, 0},
		{9, 0.5, 256 * time.Minute, 0, 0},
		{10, 0.5, 6 * time.Hour, 0, 0},
		{19, 0.5, 6 * time.Hour, 0, 0},
		{100, 0.5, 6 * time.Hour, 0, 0},
		{0, 0.5, 6 * time.Hour, 0, 0}, // nonsense is treated as the most
		{1, 0, 45 * time.Second, 0, 0},
		{1, 0.999999, 75 * time.Second, 0, 0},
	} {
		got := backoff(tt.attempt, tt.r)
		if d := got - tt.want; d < -time.Millisecond || d > time.Millisecond {
			t.Errorf("backoff(%d, %v) = %v, want %v", tt.attempt, tt.r, got, tt.want)
		}
	}
	// Retries for three days: about twenty attempts.
	var total time.Duration
	attempts := 0
	for total < 72*time.Hour {
		attempts++
		total += backoff(attempts, 0.5)
	}
	if attempts < 15 || attempts > 25 {
		t.Errorf("%d attempts in three days", attempts)
	}
}
