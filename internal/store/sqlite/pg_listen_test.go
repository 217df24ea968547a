package sqlite

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/pgtest"
)

// openPGAt opens a store on the PostgreSQL database at dsn, closed when
// the test ends, logging to the test.
func openPGAt(t *testing.T, dsn string) *Store {
	t.Helper()
	s, err := OpenPostgres(context.Background(), dsn, slog.New(slog.NewTextHandler(testWriter{t}, nil)))
	if err != nil {
		t.Fatalf("OpenPostgres: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// testWriter writes a log to t.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Logf("%s", p)
	return len(p), nil
}

// calls counts the calls of an OnChange function and signals each.
type calls struct {
	n  atomic.Int64
	ch chan struct{}
}

func newCalls() *calls { return &calls{ch: make(chan struct{}, 100)} }

func (c *calls) fn() {
	c.n.Add(1)
	c.ch <- struct{}{}
}

// want waits up to limit for a call, failing the test if none comes, and
// says how long it took.
func (c *calls) want(t *testing.T, what string, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	select {
	case <-c.ch:
		return time.Since(start)
	case <-time.After(limit):
		t.Fatalf("%s: no call within %v", what, limit)
		return 0
	}
}

// none fails the test if a call comes within d.
func (c *calls) none(t *testing.T, what string, d time.Duration) {
	t.Helper()
	select {
	case <-c.ch:
		t.Fatalf("%s: called", what)
	case <-time.After(d):
	}
}

// listenWork is a small valid work named name.
func listenWork(name string) *fanarchive.Work {
	return &fanarchive.Work{Kind: fanarchive.KindFiction, Rating: fanarchive.RatingTeen, Title: name,
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>" + name + "</p>"}}}
}

// listenMail is a valid mail to to.
func listenMail(to string) *fanarchive.OutboundMail {
	return &fanarchive.OutboundMail{Kind: "test", From: "bounces@example.org", To: to,
		Body: &fanarchive.MailBody{Raw: []byte("From: archive@example.org\r\nTo: " + to +
			"\r\nSubject: hello\r\n\r\nHello.\r\n")}}
}

// listenerPIDs returns the backends of the listeners on s's database.
func listenerPIDs(t *testing.T, s *Store) []int64 {
	t.Helper()
	rows, err := s.db.Query(`SELECT pid FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = ? ORDER BY pid`, listenerAppName)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var pids []int64
	for rows.Next() {
		var pid int64
		if err := rows.Scan(&pid); err != nil {
			t.Fatal(err)
		}
		pids = append(pids, pid)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return pids
}

// TestListenTwoStores: what one store commits, a function registered on
// another store of the same database hears of within a second, by topic.
func TestListenTwoStores(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	a, b := openPGAt(t, dsn), openPGAt(t, dsn)
	ctx := context.Background()
	search, mail := newCalls(), newCalls()
	b.OnChange(ChangeSearch, search.fn)
	b.OnChange(ChangeMail, mail.fn)
	// Each is called once when the listener is listening.
	search.want(t, "search, on connecting", 10*time.Second)
	mail.want(t, "mail, on connecting", 10*time.Second)

	if err := a.CreateWork(ctx, listenWork("Lantern")); err != nil {
		t.Fatal(err)
	}
	t.Logf("work committed through A heard by B after %v", search.want(t, "search, after A created a work", time.Second))
	mail.none(t, "mail, after A created a work", 200*time.Millisecond)

	if err := a.QueueMail(ctx, []*fanarchive.OutboundMail{listenMail("kim@example.net")}); err != nil {
		t.Fatal(err)
	}
	t.Logf("mail queued through A heard by B after %v", mail.want(t, "mail, after A queued mail", time.Second))
	search.none(t, "search, after A queued mail", 200*time.Millisecond)

	// Mail a sender claims and gives back unattempted is news too: another
	// process's sender may take it.
	claimed, err := a.ClaimMail(ctx, 10, time.Minute)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("ClaimMail = %d mails, %v", len(claimed), err)
	}
	mail.none(t, "mail, after A claimed mail", 200*time.Millisecond)
	if err := a.ReleaseMail(ctx, claimed); err != nil {
		t.Fatal(err)
	}
	mail.want(t, "mail, after A released mail", time.Second)

	// Many changes in one transaction are one notification, and one call.
	tx, err := a.db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := tx.Exec(`INSERT INTO search_changes (work_id, op) VALUES (?, 'put')`, 1); err != nil {
			tx.Rollback()
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	search.want(t, "search, after three changes in one transaction", time.Second)
	search.none(t, "search, again after three changes in one transaction", 200*time.Millisecond)

	// A transaction rolled back notifies nobody.
	tx, err = a.db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO search_changes (work_id, op) VALUES (?, 'put')`, 1); err != nil {
		tx.Rollback()
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	search.none(t, "search, after a rollback", 200*time.Millisecond)
}

// TestListenReconnect: a listener whose connection is cut reconnects,
// calls every function once (it may have missed a change meanwhile) and
// hears what is committed after.
func TestListenReconnect(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	a, b := openPGAt(t, dsn), openPGAt(t, dsn)
	ctx := context.Background()
	search := newCalls()
	b.OnChange(ChangeSearch, search.fn)
	search.want(t, "on connecting", 10*time.Second)
	pids := listenerPIDs(t, a)
	if len(pids) != 1 {
		t.Fatalf("listeners: %v, want one", pids)
	}
	for range 2 { // twice: the backoff starts again after a connection that worked
		if _, err := a.db.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE datname = current_database() AND application_name = ?`, listenerAppName); err != nil {
			t.Fatal(err)
		}
		t.Logf("reconnected after %v", search.want(t, "on reconnecting", 10*time.Second))
		now := listenerPIDs(t, a)
		if len(now) != 1 || now[0] == pids[0] {
			t.Fatalf("listeners after terminating %v: %v", pids, now)
		}
		pids = now
		if err := a.CreateWork(ctx, listenWork("After")); err != nil {
			t.Fatal(err)
		}
		search.want(t, "after A created a work", time.Second)
	}
}

// TestListenHeartbeat: an idle listener pings its connection and keeps it.
func TestListenHeartbeat(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	a, b := openPGAt(t, dsn), openPGAt(t, dsn)
	b.eng.(postgresEngine).changes.heartbeat = 50 * time.Millisecond
	search := newCalls()
	b.OnChange(ChangeSearch, search.fn)
	search.want(t, "on connecting", 10*time.Second)
	pids := listenerPIDs(t, a)
	search.none(t, "while idle", 500*time.Millisecond)
	if now := listenerPIDs(t, a); len(now) != 1 || now[0] != pids[0] {
		t.Fatalf("listeners %v, then %v", pids, now)
	}
	if err := a.CreateWork(context.Background(), listenWork("Late")); err != nil {
		t.Fatal(err)
	}
	search.want(t, "after A created a work", time.Second)
}

// TestListenSlowFunction: a function that takes its time holds up neither
// the listener nor another function, and the changes made meanwhile are
// one call when it returns.
func TestListenSlowFunction(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	a, b := openPGAt(t, dsn), openPGAt(t, dsn)
	ctx := context.Background()
	release := make(chan struct{})
	slow := newCalls()
	b.OnChange(ChangeSearch, func() {
		slow.fn()
		<-release
	})
	fast := newCalls()
	b.OnChange(ChangeSearch, fast.fn)
	slow.want(t, "slow, on connecting", 10*time.Second) // and now it waits
	fast.want(t, "fast, on connecting", 10*time.Second)
	for i := range 3 {
		if err := a.CreateWork(ctx, listenWork(fmt.Sprintf("Work %d", i))); err != nil {
			t.Fatal(err)
		}
		fast.want(t, "fast, while slow is stuck", time.Second)
	}
	close(release)
	slow.want(t, "slow, once released", time.Second)
	slow.none(t, "slow, again", 200*time.Millisecond)
}

// TestListenClose: Close stops the listener, and OnChange after it does
// nothing.
func TestListenClose(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	a := openPGAt(t, dsn)
	b, err := OpenPostgres(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	search := newCalls()
	b.OnChange(ChangeSearch, search.fn)
	search.want(t, "on connecting", 10*time.Second)
	start := time.Now()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Close took %v", d)
	}
	b.OnChange(ChangeSearch, search.fn)
	if err := a.CreateWork(context.Background(), listenWork("Closed")); err != nil {
		t.Fatal(err)
	}
	search.none(t, "after Close", 300*time.Millisecond)
	deadline := time.Now().Add(5 * time.Second)
	for len(listenerPIDs(t, a)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("listeners after Close: %v", listenerPIDs(t, a))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestListenSQLite: on SQLite, OnChange never calls its function.
func TestListenSQLite(t *testing.T) {
	s := openTest(t)
	defer s.Close()
	ctx := context.Background()
	c := newCalls()
	s.OnChange(ChangeSearch, c.fn)
	s.OnChange(ChangeMail, c.fn)
	if err := s.CreateWork(ctx, listenWork("Local")); err != nil {
		t.Fatal(err)
	}
	if err := s.QueueMail(ctx, []*fanarchive.OutboundMail{listenMail("kim@example.net")}); err != nil {
		t.Fatal(err)
	}
	c.none(t, "on SQLite", 200*time.Millisecond)
}
