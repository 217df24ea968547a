package sqlite

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// What OnChange may be told of: the payloads of the notifications the
// PostgreSQL schema's triggers send (migration_pg/0002_notify.sql).
const (
	// ChangeSearch is the search change log growing (a work was put or
	// deleted, or tags changed): a search engine should catch up.
	ChangeSearch = "search"
	// ChangeMail is mail queued in the outbox, or given back unsent by a
	// sender: a sender should look for due mail.
	ChangeMail = "mail"
)

// notifyChannel is the channel the triggers notify and the listener
// listens on.
const notifyChannel = "fanarchive"

// listenerAppName is the application_name of the listener's connection
// (unless the DSN sets one), so that it can be told apart in
// pg_stat_activity.
const listenerAppName = "fanarchive-listen"

// Defaults of a changeListener's timing.
const (
	listenMinBackoff = 250 * time.Millisecond // first wait before reconnecting
	listenMaxBackoff = 30 * time.Second       // longest wait before reconnecting
	listenHeartbeat  = time.Minute            // an idle connection is pinged this often
	listenPingWait   = 10 * time.Second       // how long a ping may take
)

// OnChange registers fn to be called after any process, this one
// included, commits a change of topic (ChangeSearch or ChangeMail) to the
// database, so that a process learns of another's writes at once instead
// of at its next poll. fn is also called once each time the store's
// listener (re)connects, since a change may have been committed while it
// was not listening; so fn must be right to call at any time, as waking a
// mail sender or catching up a search index is.
//
// On PostgreSQL the first OnChange starts a listener on a connection of
// its own (LISTEN, migration_pg/0002_notify.sql), which reconnects with a
// capped backoff after any error (logged, never fatal) and stops when the
// Store closes. Each fn is called from a goroutine of its own, one call at
// a time, never from the listener: a slow fn cannot make the listener or
// another fn wait, and the changes committed while fn runs are merged into
// one more call when it returns. Close waits for a call in progress.
//
// On SQLite OnChange records nothing and never calls fn: one SQLite
// archive has one serving process, whose own writes already say what they
// changed (OnMailQueued, and a search catches up at its start).
func (s *Store) OnChange(topic string, fn func()) {
	if fn == nil {
		return
	}
	s.eng.onChange(s, topic, fn)
}

func (e postgresEngine) onChange(_ *Store, topic string, fn func()) {
	if e.changes != nil {
		e.changes.subscribe(topic, fn)
	}
}

// changeListener is a PostgreSQL Store's listener for the notifications
// of every process's commits, and the OnChange functions it calls.
type changeListener struct {
	dsn    string // holds the password: never logged
	name   string // the database, redacted, for logs
	logger *slog.Logger

	// Timing; tests shorten them.
	minBackoff, maxBackoff time.Duration
	heartbeat              time.Duration

	mu      sync.Mutex
	subs    []*changeSub
	ctx     context.Context // of the running listener; nil until the first subscription
	cancel  context.CancelFunc
	stopped bool
	wg      sync.WaitGroup // the listener and every changeSub's goroutine
}

// changeSub is one OnChange registration.
type changeSub struct {
	topic string
	fn    func()
	wake  chan struct{} // capacity 1: a wake pending while fn runs is kept, more are merged
}

func newChangeListener(dsn, name string, logger *slog.Logger) *changeListener {
	return &changeListener{dsn: dsn, name: name, logger: logger,
		minBackoff: listenMinBackoff, maxBackoff: listenMaxBackoff, heartbeat: listenHeartbeat}
}

// subscribe registers fn for topic, starting the listener if it is the
// first. After stop it does nothing.
func (l *changeListener) subscribe(topic string, fn func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return
	}
	if l.ctx == nil {
		ctx, cancel := context.WithCancel(context.Background())
		l.ctx, l.cancel = ctx, cancel
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			l.run(ctx)
		}()
	}
	sub := &changeSub{topic: topic, fn: fn, wake: make(chan struct{}, 1)}
	l.subs = append(l.subs, sub)
	ctx := l.ctx
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case <-sub.wake:
				sub.fn()
			}
		}
	}()
}

// stop stops the listener and waits for it and for any OnChange function
// that is running. Later subscriptions are ignored.
func (l *changeListener) stop() {
	l.mu.Lock()
	l.stopped = true
	cancel := l.cancel
	l.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	l.wg.Wait()
}

// wake calls, without waiting for them, the functions of topic, or of
// every topic when topic is "".
func (l *changeListener) wake(topic string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, sub := range l.subs {
		if topic == "" || sub.topic == topic {
			select {
			case sub.wake <- struct{}{}:
			default: // a call is pending already
			}
		}
	}
}

// run listens until ctx ends, reconnecting after errors: minBackoff after
// losing a connection that worked, then twice as long after each failure
// in a row, up to maxBackoff.
func (l *changeListener) run(ctx context.Context) {
	backoff := l.minBackoff
	for {
		listened, err := l.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		if listened {
			backoff = l.minBackoff
		}
		l.logger.Warn("postgres: listening for other processes' changes failed; reconnecting",
			"db", l.name, "err", err, "retry_in", backoff)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(2*backoff, l.maxBackoff)
	}
}

// listen connects, listens, wakes every function (for what was committed
// while it was not listening) and then the functions of each notification,
// until the connection fails or ctx ends. listened tells whether it got as
// far as listening.
func (l *changeListener) listen(ctx context.Context) (listened bool, err error) {
	cfg, err := pgx.ParseConfig(l.dsn)
	if err != nil {
		return false, fmt.Errorf("parse DSN: %w", err)
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = listenerAppName
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return false, fmt.Errorf("connect: %w", err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), listenPingWait)
		defer cancel()
		conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return false, fmt.Errorf("LISTEN: %w", err)
	}
	l.logger.Debug("postgres: listening for other processes' changes", "db", l.name, "pid", conn.PgConn().PID())
	l.wake("")
	for {
		n, err := l.wait(ctx, conn)
		if err != nil {
			return true, err
		}
		if n != "" {
			l.wake(n)
		}
	}
}

// wait returns the payload of the next notification on conn, or "" after
// a heartbeat's time without one and a ping that found conn alive: a
// connection the network dropped without a word would otherwise be
// waited on for ever.
func (l *changeListener) wait(ctx context.Context, conn *pgx.Conn) (string, error) {
	wctx, cancel := context.WithTimeout(ctx, l.heartbeat)
	n, err := conn.WaitForNotification(wctx)
	cancel()
	if err == nil {
		return n.Payload, nil
	}
	if ctx.Err() != nil || wctx.Err() == nil || conn.IsClosed() {
		return "", fmt.Errorf("wait for notifications: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, listenPingWait)
	defer cancel()
	if err := conn.Ping(pctx); err != nil {
		return "", fmt.Errorf("ping: %w", err)
	}
	return "", nil
}
