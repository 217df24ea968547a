package mail

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"fanarchive"
)

// Sender takes due mail from the outbox and delivers it through a
// Transport: Workers sessions at once, each claiming Batch mails at a time
// under a lease, so several senders (processes) can share one outbox. Mail
// that fails for a while is retried with exponential backoff; mail the
// relay refuses for good (5xx), or that has failed for MaxAge, is given up.
//
// Each mail is marked sent as soon as the relay accepts it (the marks of
// all workers are committed together, while they send on), so a crash
// sends again at most the mails in flight: two per worker (docs/mail.md).
// Set the fields before Run; zero values are the defaults.
type Sender struct {
	Outbox    fanarchive.MailOutbox
	Transport Transport
	Logger    *slog.Logger

	Workers int           // sessions in parallel: 4
	Batch   int           // mails a claim takes: 100
	Lease   time.Duration // how long a claim holds mail: 10 min
	Poll    time.Duration // how often to look for mail queued elsewhere: 2 s
	MaxAge  time.Duration // give up on mail failing this long after it was queued: 3 days
	// KeepSent is how long sent and given-up mail stays in the outbox
	// (and its key with it): 7 days; negative keeps it for ever.
	KeepSent time.Duration
	// Grace is how long a message being sent may still take once Run's
	// context ends: 5 s. After it the connection is cut.
	Grace time.Duration
	// Retry says how long to wait after a mail's attempt-th failed attempt;
	// nil is a minute, doubling up to six hours, spread by ±25%.
	Retry func(attempt int) time.Duration

	mu   sync.Mutex
	wake chan struct{} // closed by Notify
}

// Defaults.
const (
	defaultWorkers  = 4
	defaultBatch    = 100
	defaultLease    = 10 * time.Minute
	defaultPoll     = 2 * time.Second
	defaultMaxAge   = 72 * time.Hour
	defaultKeepSent = 7 * 24 * time.Hour
	defaultGrace    = 5 * time.Second

	firstRetry    = time.Minute
	maxRetry      = 6 * time.Hour
	maxRelayPause = 5 * time.Minute // between tries to reach a relay that is down
	purgeEvery    = time.Hour
	markTimeout   = 30 * time.Second
)

// Notify tells the sender mail was just queued, so it looks now instead of
// at its next poll. It never blocks; call it after the queueing commits.
func (s *Sender) Notify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wake != nil {
		close(s.wake)
		s.wake = nil
	}
}

// woken returns a channel Notify closes. Taken before looking for mail, it
// cannot miss a Notify that comes after the look.
func (s *Sender) woken() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wake == nil {
		s.wake = make(chan struct{})
	}
	return s.wake
}

func (s *Sender) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

// Run delivers mail until ctx ends, then finishes the messages in flight
// (for up to Grace), gives the rest of its claims back and returns nil.
func (s *Sender) Run(ctx context.Context) error {
	if s.Outbox == nil || s.Transport == nil {
		return errors.New("mail sender: no outbox or transport")
	}
	sendCtx, stopSending := s.sendContext(ctx)
	defer stopSending()
	rec, stopRecording := s.startRecorder()
	defer stopRecording()
	var wg sync.WaitGroup
	for range or(s.Workers, defaultWorkers) {
		wg.Go(func() { s.work(ctx, sendCtx, rec) })
	}
	if s.KeepSent >= 0 {
		wg.Go(func() { s.purge(ctx) })
	}
	wg.Wait()
	return nil
}

// sendContext returns the context sessions send under: it ends Grace after
// ctx does, so a message being sent at the end can still be accepted.
func (s *Sender) sendContext(ctx context.Context) (context.Context, context.CancelFunc) {
	sendCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(or(s.Grace, defaultGrace), cancel) })
	return sendCtx, func() { stop(); cancel() }
}

// DeliverDue delivers the mail due now through one session and returns
// when none is left (mail to retry later stays queued), or ctx ends. It is
// `fanarchive mail send`.
func (s *Sender) DeliverDue(ctx context.Context) (sent, failed int, err error) {
	sendCtx, stopSending := s.sendContext(ctx)
	defer stopSending()
	rec, stopRecording := s.startRecorder()
	defer stopRecording()
	w := &worker{s: s, rec: rec}
	defer w.close()
	for ctx.Err() == nil {
		r, err := w.batch(ctx, sendCtx)
		sent, failed = sent+r.sent, failed+r.failed
		if err != nil || r.claimed == 0 {
			return sent, failed, err
		}
	}
	return sent, failed, nil
}

// work is one worker's loop: claim, deliver, and wait when there is
// nothing to do (or the relay is down).
func (s *Sender) work(ctx, sendCtx context.Context, rec *recorder) {
	w := &worker{s: s, rec: rec}
	defer w.close()
	poll := or(s.Poll, defaultPoll)
	pause := time.Duration(0)
	for ctx.Err() == nil {
		wake := s.woken()
		r, err := w.batch(ctx, sendCtx)
		switch {
		case errors.Is(err, errRelayDown):
			// Every mail would fail alike: wait, longer each time, and
			// ignore Notify meanwhile.
			pause = min(max(2*pause, poll), maxRelayPause)
			s.logger().Warn("mail relay unreachable; trying again later", "transport", s.Transport.String(), "in", pause, "err", err)
			wake = nil
		case err != nil:
			pause = min(max(2*pause, poll), maxRelayPause)
			s.logger().Error("mail sender", "err", err)
			wake = nil
		case r.claimed == or(s.Batch, defaultBatch):
			pause = 0
			continue // there may be more
		default:
			pause = poll
			// Nothing more due now: no need to hold the relay's connection.
			w.close()
		}
		select {
		case <-ctx.Done():
		case <-wake:
		case <-time.After(pause):
		}
	}
}

// errRelayDown is returned by batch when no session could be opened.
var errRelayDown = errors.New("cannot reach the relay")

// worker delivers batches through one session, opened when needed and
// kept from batch to batch while there is mail.
type worker struct {
	s       *Sender
	rec     *recorder
	sess    Session
	pending chan struct{} // the last mail handed to rec, until recorded
}

func (w *worker) close() {
	w.flush()
	if w.sess != nil {
		if err := w.sess.Close(); err != nil {
			w.s.logger().Debug("mail session close", "err", err)
		}
		w.sess = nil
	}
}

type batchResult struct{ claimed, sent, failed int }

// batch claims due mail and delivers it, marking each mail as soon as its
// fate is known. Mail it did not get to (ctx ended, or the lease is half
// gone) is released for the next claim.
func (w *worker) batch(ctx, sendCtx context.Context) (batchResult, error) {
	s := w.s
	var r batchResult
	defer w.flush()
	lease := or(s.Lease, defaultLease)
	mails, err := s.Outbox.ClaimMail(ctx, or(s.Batch, defaultBatch), lease)
	if err != nil {
		if ctx.Err() != nil {
			return r, nil
		}
		return r, err
	}
	r.claimed = len(mails)
	if len(mails) == 0 {
		return r, nil
	}
	start := time.Now()
	for i, m := range mails {
		// Past half the lease, another sender may soon claim what is
		// left: give it back rather than risk sending it twice.
		if ctx.Err() != nil || time.Since(start) > lease/2 {
			w.release(mails[i:])
			return r, nil
		}
		if w.sess == nil {
			sess, err := s.Transport.Open(sendCtx)
			if err != nil {
				if sendCtx.Err() != nil {
					w.release(mails[i:])
					return r, nil
				}
				r.failed += w.fail(mails[i:], deliveryError(err))
				return r, errors.Join(errRelayDown, err)
			}
			w.sess = sess
		}
		err := w.sess.Send(sendCtx, &Envelope{From: m.From, To: m.To, Header: m.Header, Body: m.Body.Raw})
		if err == nil {
			w.sent(m)
			r.sent++
			continue
		}
		if sendCtx.Err() != nil {
			// Cut off while sending: whether the relay took it is not
			// known, so it is sent again later (at most once more).
			w.close()
			w.release(mails[i:])
			return r, nil
		}
		de := deliveryError(err)
		if de.Lost {
			w.close()
		}
		if de.Stage == "connect" {
			// The session reconnected (its connection was old) and could
			// not: the relay is down for the rest too.
			r.failed += w.fail(mails[i:], de)
			return r, errors.Join(errRelayDown, err)
		}
		r.failed += w.fail(mails[i:i+1], de)
	}
	if r.sent > 0 || r.failed > 0 {
		s.logger().Info("mail delivered", "sent", r.sent, "failed", r.failed, "transport", s.Transport.String())
	}
	return r, nil
}

// markContext is for recording what happened even while stopping.
func markContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
}

// sent hands m to the recorder to be marked sent, first waiting for the
// worker's previous mail to be marked: so at most two mails of a worker are
// accepted by the relay and not yet recorded (the one being recorded and
// the one being sent), while recording overlaps sending.
func (w *worker) sent(m *fanarchive.OutboundMail) {
	w.flush()
	mk := &mark{mail: m, done: make(chan struct{})}
	w.rec.marks <- mk
	w.pending = mk.done
}

// flush waits until the worker's mail handed to the recorder is recorded.
func (w *worker) flush() {
	if w.pending != nil {
		<-w.pending
		w.pending = nil
	}
}

// recorder marks mail sent for every worker of a sender, as many to a
// transaction as are waiting: a commit per mail would cost more than
// sending it.
type recorder struct {
	s     *Sender
	marks chan *mark
	done  chan struct{}
}

type mark struct {
	mail *fanarchive.OutboundMail
	done chan struct{} // closed once recorded (or failed to be)
}

// startRecorder starts a recorder; stop waits for what it was given to be
// recorded, and ends it.
func (s *Sender) startRecorder() (rec *recorder, stop func()) {
	rec = &recorder{s: s, marks: make(chan *mark, 64), done: make(chan struct{})}
	go rec.run()
	return rec, func() { close(rec.marks); <-rec.done }
}

func (r *recorder) run() {
	defer close(r.done)
	for first := range r.marks {
		batch := []*mark{first}
	more:
		for len(batch) < 500 {
			select {
			case mk, ok := <-r.marks:
				if !ok {
					break more
				}
				batch = append(batch, mk)
			default:
				break more
			}
		}
		mails := make([]*fanarchive.OutboundMail, len(batch))
		for i, mk := range batch {
			mails[i] = mk.mail
		}
		ctx, cancel := markContext(context.Background())
		if err := r.s.Outbox.MarkMailSent(ctx, mails); err != nil {
			// They stay claimed, and are sent again when the lease runs out.
			r.s.logger().Error("mail sent but not recorded as sent", "mails", len(mails), "first", mails[0].ID, "err", err)
		} else if l := r.s.logger(); l.Enabled(context.Background(), slog.LevelDebug) {
			for _, m := range mails {
				l.Debug("mail sent", "mail", m.ID, "kind", m.Kind, "to", m.To, "attempt", m.Attempts)
			}
		}
		cancel()
		for _, mk := range batch {
			close(mk.done)
		}
	}
}

// fail records a failed attempt for each mail, and returns how many.
func (w *worker) fail(mails []*fanarchive.OutboundMail, de *DeliveryError) int {
	s := w.s
	now := time.Now()
	failures := make([]fanarchive.MailFailure, len(mails))
	for i, m := range mails {
		f := fanarchive.MailFailure{Mail: m, Error: truncate(de.Error(), 1000)}
		if !de.Permanent {
			if at := now.Add(s.retry(m.Attempts)); at.Sub(m.CreatedAt) <= or(s.MaxAge, defaultMaxAge) {
				f.RetryAt = at
			}
		}
		failures[i] = f
		if f.RetryAt.IsZero() {
			s.logger().Warn("mail given up", "mail", m.ID, "kind", m.Kind, "to", m.To, "attempt", m.Attempts, "err", de)
		} else {
			s.logger().Info("mail not delivered; will retry", "mail", m.ID, "kind", m.Kind, "to", m.To,
				"attempt", m.Attempts, "retry_at", f.RetryAt.Format(time.RFC3339), "err", de)
		}
	}
	ctx, cancel := markContext(context.Background())
	defer cancel()
	if err := s.Outbox.MarkMailFailed(ctx, failures); err != nil {
		s.logger().Error("mail failure not recorded", "mails", len(mails), "err", err)
	}
	return len(mails)
}

func (w *worker) release(mails []*fanarchive.OutboundMail) {
	ctx, cancel := markContext(context.Background())
	defer cancel()
	if err := w.s.Outbox.ReleaseMail(ctx, mails); err != nil {
		w.s.logger().Error("claimed mail not released; it is sent when its lease runs out", "mails", len(mails), "err", err)
	}
}

func (s *Sender) retry(attempt int) time.Duration {
	if s.Retry != nil {
		return s.Retry(attempt)
	}
	return backoff(attempt, rand.Float64())
}

// backoff returns how long to wait after the attempt-th failed attempt: a
// minute, doubling up to six hours, spread by ±25% (r is uniform in [0, 1))
// so that mail that failed together is not retried together.
func backoff(attempt int, r float64) time.Duration {
	d := maxRetry
	if attempt >= 1 && attempt < 20 {
		d = min(firstRetry<<(attempt-1), maxRetry)
	}
	return time.Duration(float64(d) * (0.75 + r/2))
}

// purge deletes old sent and given-up mail now and then.
func (s *Sender) purge(ctx context.Context) {
	keep := or(s.KeepSent, defaultKeepSent)
	for {
		n, err := s.Outbox.PurgeMail(ctx, time.Now().Add(-keep))
		if err != nil && ctx.Err() == nil {
			s.logger().Error("purging old mail", "err", err)
		} else if n > 0 {
			s.logger().Info("purged old mail", "mails", n, "older_than", keep)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(purgeEvery):
		}
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
