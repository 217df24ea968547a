package storetest

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fanarchive"
)

// ClockOpener returns a new, empty store whose clock is now, so tests can
// move time on (leases, retries, purging). The suite closes the store.
type ClockOpener func(t *testing.T, now func() time.Time) fanarchive.Store

// RunMail runs the outbox suite (fanarchive.MailOutbox). Subtests run in
// parallel, each on its own store with its own clock.
func RunMail(t *testing.T, open ClockOpener) {
	t.Helper()
	suites := []struct {
		name string
		fn   func(t *testing.T, s fanarchive.Store, c *clock)
	}{
		{"QueueAndClaim", testMailQueueAndClaim},
		{"LeaseExpires", testMailLeaseExpires},
		{"ClaimersNeverShare", testMailClaimersNeverShare},
		{"ClaimOrder", testMailClaimOrder},
		{"MarkSent", testMailMarkSent},
		{"Retry", testMailRetry},
		{"GiveUp", testMailGiveUp},
		{"StaleFailure", testMailStaleFailure},
		{"Release", testMailRelease},
		{"IdempotencyKey", testMailKey},
		{"Invalid", testMailInvalid},
		{"StoredBody", testMailStoredBody},
		{"Find", testMailFind},
		{"Purge", testMailPurge},
		{"Batch100k", testMailBatch},
	}
	for _, st := range suites {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			c := &clock{}
			c.set(time.Date(2026, time.May, 4, 10, 0, 0, 0, time.UTC))
			s := open(t, c.now)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			st.fn(t, s, c)
		})
	}
}

// clock is a settable time, safe to read from several goroutines.
type clock struct{ t atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(0, c.t.Load()).UTC() }
func (c *clock) set(t time.Time)         { c.t.Store(t.UnixNano()) }
func (c *clock) advance(d time.Duration) { c.t.Add(int64(d)) }

// rawMail is a small valid message.
func rawMail(subject string) []byte {
	return []byte("From: archive@example.org\r\nTo: reader@example.net\r\nSubject: " + subject +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n")
}

// newMail returns a valid mail to to with its own body.
func newMail(to string) *fanarchive.OutboundMail {
	return &fanarchive.OutboundMail{Kind: "test", From: "bounces@example.org", To: to,
		Body: &fanarchive.MailBody{Raw: rawMail("to " + to)}}
}

// queueMail queues mails or fails the test.
func queueMail(t *testing.T, s fanarchive.Store, mails ...*fanarchive.OutboundMail) {
	t.Helper()
	must(t, s.QueueMail(context.Background(), mails))
	for _, m := range mails {
		if m.ID == 0 || m.Body.ID == 0 {
			t.Fatalf("QueueMail left mail %q without an ID (%d) or body ID (%d)", m.To, m.ID, m.Body.ID)
		}
	}
}

// claimMail claims up to limit mails with a ten-minute lease or fails the test.
func claimMail(t *testing.T, s fanarchive.Store, limit int) []*fanarchive.OutboundMail {
	t.Helper()
	mails, err := s.ClaimMail(context.Background(), limit, 10*time.Minute)
	must(t, err)
	return mails
}

// recipients lists the mails' To addresses, for comparing.
func recipients(mails []*fanarchive.OutboundMail) string {
	var b bytes.Buffer
	for i, m := range mails {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(m.To)
	}
	return b.String()
}

// findOne returns the mail with the key, or fails the test.
func findOne(t *testing.T, s fanarchive.Store, key string) *fanarchive.OutboundMail {
	t.Helper()
	mails, total, err := s.FindMail(context.Background(), fanarchive.MailFilter{Key: key})
	must(t, err)
	if total != 1 || len(mails) != 1 {
		t.Fatalf("FindMail(key %q) = %d mails (total %d), want 1", key, len(mails), total)
	}
	return mails[0]
}

func counts(t *testing.T, s fanarchive.Store) fanarchive.MailCounts {
	t.Helper()
	c, err := s.CountMail(context.Background())
	must(t, err)
	return c
}

func testMailQueueAndClaim(t *testing.T, s fanarchive.Store, c *clock) {
	shared := &fanarchive.MailBody{Raw: rawMail("list post")}
	a := &fanarchive.OutboundMail{Kind: "list-post", From: "list+a=example.net@example.org", To: "a@example.net",
		Header: []byte("List-Unsubscribe: <https://example.org/u/a>\r\n"), Body: shared}
	b := &fanarchive.OutboundMail{Kind: "list-post", From: "list+b=example.net@example.org", To: "b@example.net", Body: shared}
	own := newMail("c@example.net")
	queueMail(t, s, a, b, own)
	if a.Body.ID != b.Body.ID || a.Body.ID == own.Body.ID {
		t.Errorf("body IDs %d %d %d: a shared body must be stored once, another apart", a.Body.ID, b.Body.ID, own.Body.ID)
	}
	if !a.CreatedAt.Equal(c.now()) || !a.NextAttemptAt.Equal(c.now()) || a.Attempts != 0 {
		t.Errorf("queued mail: created %v, next %v, attempts %d; want the clock's time, due now, 0", a.CreatedAt, a.NextAttemptAt, a.Attempts)
	}
	if got := counts(t, s); got != (fanarchive.MailCounts{Queued: 3}) {
		t.Errorf("counts after queueing = %+v", got)
	}

	got := claimMail(t, s, 10)
	if recipients(got) != "a@example.net,b@example.net,c@example.net" {
		t.Fatalf("claimed %q", recipients(got))
	}
	for i, want := range []*fanarchive.OutboundMail{a, b, own} {
		m := got[i]
		if m.ID != want.ID || m.Kind != want.Kind || m.From != want.From || !bytes.Equal(m.Header, want.Header) ||
			!bytes.Equal(m.Body.Raw, want.Body.Raw) || m.Body.ID != want.Body.ID {
			t.Errorf("claimed mail %d = %+v, want %+v", i, m, want)
		}
		if m.Attempts != 1 || !m.ClaimedUntil.Equal(c.now().Add(10*time.Minute)) || m.State() != fanarchive.MailQueued {
			t.Errorf("claimed mail %d: attempts %d, claimed until %v, state %s", i, m.Attempts, m.ClaimedUntil, m.State())
		}
	}
	if got[0].Body != got[1].Body {
		t.Error("mails that share a body must share one *MailBody when claimed")
	}
	if again := claimMail(t, s, 10); len(again) != 0 {
		t.Errorf("leased mail claimed again: %q", recipients(again))
	}
}

func testMailLeaseExpires(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	m := newMail("a@example.net")
	queueMail(t, s, m)
	first, err := s.ClaimMail(ctx, 1, time.Minute)
	must(t, err)
	if len(first) != 1 {
		t.Fatalf("claimed %d, want 1", len(first))
	}
	c.advance(59 * time.Second)
	if got := claimMail(t, s, 1); len(got) != 0 {
		t.Fatal("claimed again before the lease ran out")
	}
	c.advance(time.Second)
	got := claimMail(t, s, 1)
	if len(got) != 1 || got[0].ID != m.ID || got[0].Attempts != 2 {
		t.Fatalf("after the lease ran out: %+v, want the mail with attempt 2", got)
	}
}

func testMailClaimersNeverShare(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	const n = 400
	mails := make([]*fanarchive.OutboundMail, n)
	for i := range mails {
		mails[i] = newMail(fmt.Sprintf("r%d@example.net", i))
	}
	queueMail(t, s, mails...)
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				got, err := s.ClaimMail(ctx, 7, time.Hour)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, m := range got {
					seen[m.ID]++
				}
				mu.Unlock()
				if err := s.MarkMailSent(ctx, got); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("%d mails claimed, want %d", len(seen), n)
	}
	for id, k := range seen {
		if k != 1 {
			t.Errorf("mail %d claimed %d times", id, k)
		}
	}
	if got := counts(t, s); got != (fanarchive.MailCounts{Sent: n}) {
		t.Errorf("counts = %+v", got)
	}
}

func testMailClaimOrder(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	late, early, now := newMail("late@example.net"), newMail("early@example.net"), newMail("now@example.net")
	late.NextAttemptAt = c.now().Add(2 * time.Hour)
	early.NextAttemptAt = c.now().Add(-time.Hour)
	queueMail(t, s, late, now, early)
	var order []string
	for {
		got := claimMail(t, s, 1)
		if len(got) == 0 {
			break
		}
		order = append(order, got[0].To)
		must(t, s.MarkMailSent(ctx, got))
	}
	if got := strings.Join(order, ","); got != "early@example.net,now@example.net" {
		t.Errorf("claimed %q: want what is due, oldest due first", got)
	}
	c.advance(2 * time.Hour)
	if got := recipients(claimMail(t, s, 10)); got != "late@example.net" {
		t.Errorf("two hours later claimed %q, want the mail queued for then", got)
	}
}

func testMailMarkSent(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	m := newMail("a@example.net")
	m.Key = "sent-1"
	queueMail(t, s, m, newMail("b@example.net"))
	got := claimMail(t, s, 1)
	c.advance(time.Minute)
	must(t, s.MarkMailSent(ctx, got))
	c.advance(time.Hour) // past the lease
	if again := claimMail(t, s, 10); recipients(again) != "b@example.net" {
		t.Errorf("claimed %q after a@ was sent, want only b@", recipients(again))
	}
	stored := findOne(t, s, "sent-1")
	if stored.State() != fanarchive.MailSent || !stored.SentAt.Equal(c.now().Add(-time.Hour)) || !stored.ClaimedUntil.IsZero() {
		t.Errorf("sent mail: state %s, sent %v, claimed until %v", stored.State(), stored.SentAt, stored.ClaimedUntil)
	}
	// Marking again changes nothing.
	must(t, s.MarkMailSent(ctx, got))
	if again := findOne(t, s, "sent-1"); !again.SentAt.Equal(stored.SentAt) {
		t.Errorf("marking sent twice moved SentAt from %v to %v", stored.SentAt, again.SentAt)
	}
	if got := counts(t, s); got != (fanarchive.MailCounts{Queued: 1, Sent: 1}) {
		t.Errorf("counts = %+v", got)
	}
}

func testMailRetry(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	m := newMail("a@example.net")
	m.Key = "retry"
	queueMail(t, s, m)
	got := claimMail(t, s, 1)
	must(t, s.MarkMailFailed(ctx, []fanarchive.MailFailure{{Mail: got[0], RetryAt: c.now().Add(4 * time.Minute),
		Error: "451 4.3.0 try again later"}}))
	stored := findOne(t, s, "retry")
	if stored.State() != fanarchive.MailQueued || stored.LastError != "451 4.3.0 try again later" ||
		!stored.NextAttemptAt.Equal(c.now().Add(4*time.Minute)) || !stored.ClaimedUntil.IsZero() || stored.Attempts != 1 {
		t.Errorf("after a temporary failure: %+v", stored)
	}
	c.advance(4*time.Minute - time.Nanosecond)
	if again := claimMail(t, s, 1); len(again) != 0 {
		t.Fatal("claimed before its retry time")
	}
	c.advance(time.Nanosecond)
	again := claimMail(t, s, 1)
	if len(again) != 1 || again[0].Attempts != 2 || again[0].LastError != "451 4.3.0 try again later" {
		t.Fatalf("at its retry time: %+v", again)
	}
}

func testMailGiveUp(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	m := newMail("nobody@example.net")
	m.Key = "give-up"
	queueMail(t, s, m)
	got := claimMail(t, s, 1)
	must(t, s.MarkMailFailed(ctx, []fanarchive.MailFailure{{Mail: got[0], Error: "550 5.1.1 no such user"}}))
	c.advance(30 * 24 * time.Hour)
	if again := claimMail(t, s, 1); len(again) != 0 {
		t.Fatal("mail given up was claimed again")
	}
	stored := findOne(t, s, "give-up")
	if stored.State() != fanarchive.MailFailed || stored.LastError != "550 5.1.1 no such user" || stored.FailedAt.IsZero() {
		t.Errorf("given up: %+v", stored)
	}
	if got := counts(t, s); got != (fanarchive.MailCounts{Failed: 1}) {
		t.Errorf("counts = %+v", got)
	}
}

func testMailStaleFailure(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	m := newMail("a@example.net")
	m.Key = "stale"
	queueMail(t, s, m)
	first := claimMail(t, s, 1)
	c.advance(11 * time.Minute) // the first sender's lease ran out
	second := claimMail(t, s, 1)
	if len(second) != 1 || second[0].Attempts != 2 {
		t.Fatalf("second claim: %+v", second)
	}
	// The first sender, late, reports a failure: it answers a claim that is
	// no longer current and changes nothing.
	must(t, s.MarkMailFailed(ctx, []fanarchive.MailFailure{{Mail: first[0], Error: "late"}}))
	if stored := findOne(t, s, "stale"); stored.State() != fanarchive.MailQueued || stored.LastError != "" {
		t.Errorf("a stale failure changed the mail: %+v", stored)
	}
	// Neither does a failure after the mail was sent.
	must(t, s.MarkMailSent(ctx, second))
	must(t, s.MarkMailFailed(ctx, []fanarchive.MailFailure{{Mail: second[0], Error: "after"}}))
	if stored := findOne(t, s, "stale"); stored.State() != fanarchive.MailSent {
		t.Errorf("a failure after sending changed the mail: %+v", stored)
	}
}

func testMailRelease(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	a, b := newMail("a@example.net"), newMail("b@example.net")
	queueMail(t, s, a, b)
	got := claimMail(t, s, 2)
	must(t, s.ReleaseMail(ctx, got[1:]))
	again := claimMail(t, s, 2)
	if recipients(again) != "b@example.net" || again[0].Attempts != 1 || !again[0].ClaimedUntil.Equal(c.now().Add(10*time.Minute)) {
		t.Fatalf("after release: %+v, want b@ at once, its release not counted as an attempt", again)
	}
	// Releasing a's old claim after a was claimed again changes nothing.
	c.advance(time.Hour)
	reclaimed := claimMail(t, s, 2) // both leases ran out
	if len(reclaimed) != 2 {
		t.Fatalf("reclaimed %d, want 2", len(reclaimed))
	}
	must(t, s.ReleaseMail(ctx, got[:1]))
	if more := claimMail(t, s, 2); len(more) != 0 {
		t.Errorf("a stale release made %q claimable while leased", recipients(more))
	}
}

func testMailKey(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	m := newMail("a@example.net")
	m.Key = "confirm-email:42"
	queueMail(t, s, m)

	again, other := newMail("a@example.net"), newMail("b@example.net")
	again.Key = "confirm-email:42"
	wantCode(t, s.QueueMail(ctx, []*fanarchive.OutboundMail{other, again}), fanarchive.ECONFLICT)
	if other.ID != 0 {
		t.Error("a failed QueueMail set IDs")
	}
	x, y := newMail("x@example.net"), newMail("y@example.net")
	x.Key, y.Key = "twice", "twice"
	wantCode(t, s.QueueMail(ctx, []*fanarchive.OutboundMail{x, y}), fanarchive.ECONFLICT)
	if got := counts(t, s); got.Queued != 1 {
		t.Errorf("%d mails queued after two conflicting batches, want 1 (all or none)", got.Queued)
	}
	// Mails without a key never conflict.
	queueMail(t, s, newMail("a@example.net"), newMail("a@example.net"))
}

func testMailInvalid(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	tests := map[string]func(m *fanarchive.OutboundMail){
		"no kind":              func(m *fanarchive.OutboundMail) { m.Kind = "" },
		"no recipient":         func(m *fanarchive.OutboundMail) { m.To = "" },
		"no sender":            func(m *fanarchive.OutboundMail) { m.From = "" },
		"no domain":            func(m *fanarchive.OutboundMail) { m.To = "a@" },
		"smtp in recipient":    func(m *fanarchive.OutboundMail) { m.To = "a@example.net>\r\nRCPT TO:<b@example.net" },
		"lf in sender":         func(m *fanarchive.OutboundMail) { m.From = "a@example.org\nDATA" },
		"space in recipient":   func(m *fanarchive.OutboundMail) { m.To = "a b@example.net" },
		"no body":              func(m *fanarchive.OutboundMail) { m.Body = nil },
		"empty body":           func(m *fanarchive.OutboundMail) { m.Body = &fanarchive.MailBody{} },
		"header ends early":    func(m *fanarchive.OutboundMail) { m.Header = []byte("X-A: 1\r\n\r\nBody\r\n") },
		"header without crlf":  func(m *fanarchive.OutboundMail) { m.Header = []byte("X-A: 1") },
		"header lone lf":       func(m *fanarchive.OutboundMail) { m.Header = []byte("X-A: 1\nBcc: x@example.net\r\n") },
		"header not a field":   func(m *fanarchive.OutboundMail) { m.Header = []byte("hello\r\n") },
		"header continuation":  func(m *fanarchive.OutboundMail) { m.Header = []byte(" folded\r\n") },
		"key with newline":     func(m *fanarchive.OutboundMail) { m.Key = "a\nb" },
		"too large":            func(m *fanarchive.OutboundMail) { m.Body.Raw = make([]byte, fanarchive.MaxMailSize+1) },
		"kind with spaces":     func(m *fanarchive.OutboundMail) { m.Kind = "list post" },
		"body that is missing": func(m *fanarchive.OutboundMail) { m.Body = &fanarchive.MailBody{ID: 999999} },
	}
	for name, change := range tests {
		t.Run(name, func(t *testing.T) {
			m := newMail("a@example.net")
			change(m)
			wantCode(t, s.QueueMail(ctx, []*fanarchive.OutboundMail{newMail("ok@example.net"), m}), fanarchive.EINVALID)
		})
	}
	if got := counts(t, s); got.Queued != 0 {
		t.Errorf("%d mails queued by invalid batches", got.Queued)
	}
	// Folded fields, non-ASCII addresses and a nil mail list are fine.
	m := newMail("rené@example.net")
	m.Header = []byte("List-Unsubscribe: <https://example.org/u/1>,\r\n <mailto:u@example.org>\r\n")
	queueMail(t, s, m)
	must(t, s.QueueMail(ctx, nil))
}

func testMailStoredBody(t *testing.T, s fanarchive.Store, c *clock) {
	first := newMail("a@example.net")
	queueMail(t, s, first)
	// A later batch of the same fan-out refers to the body by its ID.
	later := &fanarchive.OutboundMail{Kind: "test", From: "bounces@example.org", To: "b@example.net",
		Body: &fanarchive.MailBody{ID: first.Body.ID}}
	queueMail(t, s, later)
	if later.Body.ID != first.Body.ID {
		t.Errorf("body ID %d, want %d", later.Body.ID, first.Body.ID)
	}
	got := claimMail(t, s, 5)
	if len(got) != 2 || got[0].Body != got[1].Body || !bytes.Equal(got[1].Body.Raw, first.Body.Raw) {
		t.Fatalf("claimed %+v: want both with the one body", got)
	}
}

func testMailFind(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	var mails []*fanarchive.OutboundMail
	for i := range 5 {
		m := newMail(fmt.Sprintf("r%d@example.net", i))
		if i == 4 {
			m.Kind = "confirm-email"
		}
		mails = append(mails, m)
	}
	queueMail(t, s, mails...)
	got := claimMail(t, s, 2)
	must(t, s.MarkMailSent(ctx, got[:1]))
	must(t, s.MarkMailFailed(ctx, []fanarchive.MailFailure{{Mail: got[1], Error: "550"}}))

	for _, tt := range []struct {
		f     fanarchive.MailFilter
		want  string
		total int
	}{
		{fanarchive.MailFilter{}, "r0@example.net,r1@example.net,r2@example.net,r3@example.net,r4@example.net", 5},
		{fanarchive.MailFilter{State: fanarchive.MailQueued}, "r2@example.net,r3@example.net,r4@example.net", 3},
		{fanarchive.MailFilter{State: fanarchive.MailSent}, "r0@example.net", 1},
		{fanarchive.MailFilter{State: fanarchive.MailFailed}, "r1@example.net", 1},
		{fanarchive.MailFilter{Kind: "confirm-email"}, "r4@example.net", 1},
		{fanarchive.MailFilter{Offset: 1, Limit: 2}, "r1@example.net,r2@example.net", 5},
	} {
		list, total, err := s.FindMail(ctx, tt.f)
		must(t, err)
		if recipients(list) != tt.want || total != tt.total {
			t.Errorf("FindMail(%+v) = %q (total %d), want %q (total %d)", tt.f, recipients(list), total, tt.want, tt.total)
		}
	}
	list, _, err := s.FindMail(ctx, fanarchive.MailFilter{State: fanarchive.MailFailed})
	must(t, err)
	if f := list[0]; f.LastError != "550" || f.Attempts != 1 || f.Body == nil || f.Body.ID != mails[1].Body.ID || f.Body.Raw != nil {
		t.Errorf("listed failed mail: %+v (body %+v)", f, f.Body)
	}
	_, _, err = s.FindMail(ctx, fanarchive.MailFilter{State: "lost"})
	wantCode(t, err, fanarchive.EINVALID)
	_, _, err = s.FindMail(ctx, fanarchive.MailFilter{Offset: -1})
	wantCode(t, err, fanarchive.EINVALID)
	_, err = s.ClaimMail(ctx, 0, time.Minute)
	wantCode(t, err, fanarchive.EINVALID)
	_, err = s.ClaimMail(ctx, 1, 0)
	wantCode(t, err, fanarchive.EINVALID)
}

func testMailPurge(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	sent, failed, waiting := newMail("sent@example.net"), newMail("failed@example.net"), newMail("waiting@example.net")
	sent.Key, failed.Key, waiting.Key = "k-sent", "k-failed", "k-waiting"
	queueMail(t, s, sent, failed, waiting)
	got := claimMail(t, s, 2)
	must(t, s.MarkMailSent(ctx, got[:1]))
	must(t, s.MarkMailFailed(ctx, []fanarchive.MailFailure{{Mail: got[1], Error: "550"}}))
	c.advance(8 * 24 * time.Hour)
	recent := newMail("recent@example.net")
	queueMail(t, s, recent)
	must(t, s.MarkMailSent(ctx, claimMail(t, s, 10))) // waiting@ and recent@, sent now

	n, err := s.PurgeMail(ctx, c.now().Add(-7*24*time.Hour))
	must(t, err)
	if n != 2 {
		t.Errorf("purged %d mails, want 2", n)
	}
	if got := counts(t, s); got != (fanarchive.MailCounts{Sent: 2}) {
		t.Errorf("counts after purge = %+v, want the two sent recently", got)
	}
	// The purged mails' bodies are gone, and their keys forgotten.
	orphan := &fanarchive.OutboundMail{Kind: "test", From: "a@example.org", To: "b@example.net", Body: &fanarchive.MailBody{ID: sent.Body.ID}}
	wantCode(t, s.QueueMail(ctx, []*fanarchive.OutboundMail{orphan}), fanarchive.EINVALID)
	again := newMail("sent@example.net")
	again.Key = "k-sent"
	queueMail(t, s, again)
	// A body still in use is kept however old.
	kept := &fanarchive.OutboundMail{Kind: "test", From: "a@example.org", To: "b@example.net", Body: &fanarchive.MailBody{ID: waiting.Body.ID}}
	queueMail(t, s, kept)
}

func testMailBatch(t *testing.T, s fanarchive.Store, c *clock) {
	const n = 100_000
	body := &fanarchive.MailBody{Raw: bytes.Repeat(rawMail("a list post"), 20)}
	mails := make([]*fanarchive.OutboundMail, n)
	for i := range mails {
		mails[i] = &fanarchive.OutboundMail{Kind: "list-post", Key: fmt.Sprintf("post-1:member-%d", i),
			From: fmt.Sprintf("list+m%d@example.org", i), To: fmt.Sprintf("m%d@example.net", i), Body: body}
	}
	start := time.Now()
	queueMail(t, s, mails...)
	t.Logf("queued %d mails in one transaction in %v", n, time.Since(start).Round(time.Millisecond))
	if got := counts(t, s); got.Queued != n {
		t.Fatalf("queued %d, want %d", got.Queued, n)
	}
	got := claimMail(t, s, 1000)
	if len(got) != 1000 || got[0].ID != mails[0].ID || got[999].ID != mails[999].ID || got[0].Body != got[999].Body {
		t.Fatalf("claimed %d, first %d last %d", len(got), got[0].ID, got[len(got)-1].ID)
	}
}
