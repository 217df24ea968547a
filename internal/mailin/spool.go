package mailin

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"fanarchive"
)

// Defaults of SpoolOptions.
const (
	DefaultDeliverTimeout = time.Minute
	DefaultRetryMin       = 10 * time.Second
	DefaultRetryMax       = 10 * time.Minute
	DefaultPoll           = time.Second
)

// tmpMaxAge is how old a file in spool/tmp must be before OpenSpool removes
// it: such a file is a message whose client never had its 250 (the process
// died while it was written), but a younger one may be one another process
// (Inject) is writing now.
const tmpMaxAge = 24 * time.Hour

// SpoolOptions tune a Spool; zero values take the defaults.
type SpoolOptions struct {
	Logger *slog.Logger // nil: discard
	// Domain names this host in the Received: field Inject writes
	// (default: the host name).
	Domain string
	// DeliverTimeout bounds each Backend.Deliver call (default 1 min).
	DeliverTimeout time.Duration
	// RetryMin is the wait after a message's first temporary failure; it
	// doubles with each failure up to RetryMax (defaults 10 s and 10 min).
	RetryMin, RetryMax time.Duration
	// Poll is how often Run looks for due messages (default 1 s).
	Poll time.Duration
}

// Spool keeps accepted messages on disk until the backend has taken them:
//
//	DIR/tmp/KEY     a message being written (never acknowledged yet)
//	DIR/new/KEY     accepted, acknowledged with 250, not yet delivered
//	DIR/failed/KEY  refused for good by the backend (EINVALID), kept
//	DIR/failed/KEY.reason  why, one line of text
//
// A spool file is one line "fanarchive-spool 1 JSON-ENVELOPE\n" followed by
// the message's bytes, as received, after the Received: field the server
// added (see ReadSpool). One file per message, written in tmp, synced and
// renamed into new (whose folder is then synced), so a message is in new
// whole or not at all, envelope included.
//
// A Spool is safe for concurrent use. Several processes may share one
// directory (serve and Inject from an MTA's pipe): a message might then be
// given to the backend twice at once, which its key makes harmless.
type Spool struct {
	dir  string
	opts SpoolOptions
	log  *slog.Logger

	mu      sync.Mutex
	claimed map[string]bool        // keys being stored or delivered in this process
	retry   map[string]*retryState // keys in new known to this process
}

type retryState struct {
	attempts int
	next     time.Time
}

// OpenSpool opens the spool in dir, creating its folders if missing, and
// removes what a crash left half-written in tmp long ago.
func OpenSpool(dir string, opts SpoolOptions) (*Spool, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Domain == "" {
		opts.Domain, _ = os.Hostname()
	}
	if opts.DeliverTimeout <= 0 {
		opts.DeliverTimeout = DefaultDeliverTimeout
	}
	if opts.RetryMin <= 0 {
		opts.RetryMin = DefaultRetryMin
	}
	if opts.RetryMax < opts.RetryMin {
		opts.RetryMax = max(DefaultRetryMax, opts.RetryMin)
	}
	if opts.Poll <= 0 {
		opts.Poll = DefaultPoll
	}
	for _, sub := range []string{"tmp", "new", "failed"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, fmt.Errorf("mailin: spool: %w", err)
		}
	}
	sp := &Spool{dir: dir, opts: opts, log: opts.Logger, claimed: map[string]bool{}, retry: map[string]*retryState{}}
	if entries, err := os.ReadDir(sp.path("tmp", "")); err == nil {
		for _, e := range entries {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > tmpMaxAge {
				os.Remove(sp.path("tmp", e.Name()))
			}
		}
	}
	return sp, nil
}

// Dir returns the spool's folder.
func (sp *Spool) Dir() string { return sp.dir }

func (sp *Spool) path(sub, key string) string { return filepath.Join(sp.dir, sub, key) }

// newKey returns a new unique spool key: the time, microseconds, and 64
// random bits ("1764783175.123456.a1b2c3d4e5f60718"), so keys sort by
// arrival and never repeat, across processes too.
func newKey(now time.Time) string {
	var r [8]byte
	rand.Read(r[:])
	return fmt.Sprintf("%d.%06d.%s", now.Unix(), now.Nanosecond()/1000, hex.EncodeToString(r[:]))
}

// validKey reports whether name can be a spool key: what newKey makes, or
// at least a plain file name (editors' and other tools' files are skipped).
func validKey(name string) bool {
	if name == "" || len(name) > 64 || name[0] == '.' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// claim marks key as handled by this process; it fails when it already is.
func (sp *Spool) claim(key string) bool {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.claimed[key] {
		return false
	}
	sp.claimed[key] = true
	return true
}

func (sp *Spool) release(key string) {
	sp.mu.Lock()
	delete(sp.claimed, key)
	sp.mu.Unlock()
}

// store writes a message under key (which the caller has claimed): the
// envelope line, then head (the Received: field), then r's bytes, checked
// on the way (limit bytes at most, no NUL, not a loop). It returns only
// when the message is durably in new, with the size of r's part. On any
// error nothing is left.
func (sp *Spool) store(key string, env Envelope, head string, r io.Reader, limit int64) (size int64, err error) {
	tmp := sp.path("tmp", key)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, fmt.Errorf("mailin: spool: %w", err)
	}
	cw := &checkWriter{limit: limit}
	err = func() error {
		bw := bufio.NewWriterSize(f, 64<<10)
		if err := writeEnvelope(bw, env); err != nil {
			return err
		}
		bw.WriteString(head)
		cw.w = bw
		if _, err := io.Copy(cw, r); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("mailin: spool: %w", err)
		}
		if err := f.Sync(); err != nil {
			return fmt.Errorf("mailin: spool: %w", err)
		}
		return nil
	}()
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("mailin: spool: %w", cerr)
	}
	if err == nil {
		if rerr := os.Rename(tmp, sp.path("new", key)); rerr != nil {
			err = fmt.Errorf("mailin: spool: %w", rerr)
		}
	}
	if err != nil {
		os.Remove(tmp)
		return 0, err
	}
	return cw.n, syncDir(sp.path("new", ""))
}

// syncDir makes a rename into dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("mailin: spool: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("mailin: spool: sync %s: %w", dir, err)
	}
	return nil
}

// deliver hands the message under key (claimed by the caller) to be and
// acts on the answer: removed when taken, moved to failed when refused for
// good, scheduled for a retry otherwise.
func (sp *Spool) deliver(ctx context.Context, be Backend, key string) Outcome {
	data, err := os.ReadFile(sp.path("new", key))
	if errors.Is(err, fs.ErrNotExist) {
		// Another process delivered it (or it was moved away by hand).
		sp.forget(key)
		return Delivered
	} else if err != nil {
		return sp.later(key, err)
	}
	env, raw, err := parseSpool(data)
	if err != nil {
		sp.fail(key, err)
		return Failed
	}
	err = sp.call(ctx, be, env, raw, key)
	switch {
	case err == nil:
		if err := os.Remove(sp.path("new", key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			// Delivered all the same; a later pass delivers it again,
			// which its key makes harmless.
			sp.log.Warn("mailin: spool: cannot remove a delivered message", "key", key, "err", err)
		}
		sp.forget(key)
		sp.log.Info("mailin: delivered", "key", key, "size", len(raw))
		return Delivered
	case fanarchive.ErrorCode(err) == fanarchive.EINVALID:
		sp.fail(key, err)
		return Failed
	default:
		return sp.later(key, err)
	}
}

// call runs be.Deliver with the spool's timeout; a panic is a temporary
// failure, since the message is safe in the spool.
func (sp *Spool) call(ctx context.Context, be Backend, env Envelope, raw []byte, key string) (err error) {
	ctx, cancel := context.WithTimeout(ctx, sp.opts.DeliverTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			sp.log.Error("mailin: backend panicked", "key", key, "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("mailin: backend panicked: %v", p)
		}
	}()
	return be.Deliver(ctx, env, raw, key)
}

// later schedules key's next attempt after a temporary failure.
func (sp *Spool) later(key string, err error) Outcome {
	sp.mu.Lock()
	st := sp.retry[key]
	if st == nil {
		st = &retryState{}
		sp.retry[key] = st
	}
	st.attempts++
	wait := sp.opts.RetryMin
	for i := 1; i < st.attempts && wait < sp.opts.RetryMax; i++ {
		wait *= 2
	}
	wait = min(wait, sp.opts.RetryMax)
	st.next = time.Now().Add(wait)
	attempts := st.attempts
	sp.mu.Unlock()
	sp.log.Warn("mailin: delivery failed, will retry", "key", key, "attempts", attempts, "retry_in", wait, "err", err)
	return Queued
}

func (sp *Spool) forget(key string) {
	sp.mu.Lock()
	delete(sp.retry, key)
	sp.mu.Unlock()
}

// fail moves key to failed, with a .reason file beside it. Accepted mail
// is never deleted: a person can look at it, and move it back into new.
func (sp *Spool) fail(key string, reason error) {
	sp.forget(key)
	line := fmt.Sprintf("%s %s\n", time.Now().UTC().Format(time.RFC3339), reason)
	if err := os.WriteFile(sp.path("failed", key+".reason"), []byte(line), 0o600); err != nil {
		sp.log.Warn("mailin: spool: cannot write the reason of a failure", "key", key, "err", err)
	}
	if err := os.Rename(sp.path("new", key), sp.path("failed", key)); err != nil {
		sp.log.Error("mailin: spool: cannot move a refused message to failed", "key", key, "err", err)
		return
	}
	if err := syncDir(sp.path("failed", "")); err != nil {
		sp.log.Warn("mailin: spool", "err", err)
	}
	sp.log.Error("mailin: message refused for good, kept in spool/failed", "key", key, "err", reason)
}

// Recover delivers every message in spool/new now, whatever its schedule:
// what a crash left between accepting a message and the backend taking it.
// Messages the backend fails on again stay for Run. It returns an error
// only when the spool cannot be read, or ctx ends.
func (sp *Spool) Recover(ctx context.Context, be Backend) error {
	return sp.pass(ctx, be, true)
}

// Run delivers what is in spool/new until ctx ends: first everything
// (Recover), then every Poll what is due, retrying a message that failed
// after RetryMin, doubling up to RetryMax. A message that this process did
// not put in new (a crash's leftover, another process's Inject) is due
// 2×DeliverTimeout after it was written, so it is not taken from under a
// process still delivering it. Run returns nil when ctx ends.
func (sp *Spool) Run(ctx context.Context, be Backend) error {
	if err := sp.Recover(ctx, be); err != nil && ctx.Err() == nil {
		sp.log.Error("mailin: spool", "err", err)
	}
	t := time.NewTicker(sp.opts.Poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := sp.pass(ctx, be, false); err != nil && ctx.Err() == nil {
			sp.log.Error("mailin: spool", "err", err)
		}
	}
}

// pass delivers the messages in new that are due (all of them with all).
func (sp *Spool) pass(ctx context.Context, be Backend, all bool) error {
	entries, err := os.ReadDir(sp.path("new", ""))
	if err != nil {
		return fmt.Errorf("mailin: spool: %w", err)
	}
	sp.prune(entries)
	now := time.Now()
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		key := e.Name()
		if !validKey(key) || !e.Type().IsRegular() || !sp.due(key, e, now, all) || !sp.claim(key) {
			continue
		}
		sp.deliver(ctx, be, key)
		sp.release(key)
	}
	return nil
}

// prune forgets the schedule of keys gone from new (delivered by another
// process, or moved away by hand).
func (sp *Spool) prune(entries []fs.DirEntry) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if len(sp.retry) == 0 {
		return
	}
	present := make(map[string]bool, len(entries))
	for _, e := range entries {
		present[e.Name()] = true
	}
	for key := range sp.retry {
		if !present[key] && !sp.claimed[key] {
			delete(sp.retry, key)
		}
	}
}

// due reports whether key's next attempt has come.
func (sp *Spool) due(key string, e fs.DirEntry, now time.Time, all bool) bool {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.claimed[key] {
		return false
	}
	st := sp.retry[key]
	if st == nil {
		info, err := e.Info()
		if err != nil {
			return false
		}
		st = &retryState{next: info.ModTime().Add(2 * sp.opts.DeliverTimeout)}
		sp.retry[key] = st
	}
	return all || !now.Before(st.next)
}
