package web

import (
	"context"
	"time"
)

// notifyBatch is how many changes of the log one fan-out transaction reads.
const notifyBatch = 500

// NotifyOnce runs the fan-out of work events to subscribers and queues the
// daily digests that are due (docs/comments.md). Failures are logged; the
// next run picks up where the last committed batch ended.
func (s *Server) NotifyOnce(ctx context.Context) {
	mailer, err := s.commentService().Mailer(ctx)
	if err != nil {
		s.logger.Error("notification mail", "err", err)
		return
	}
	if n, err := s.store.NotifySubscribers(ctx, notifyBatch, mailer); err != nil && ctx.Err() == nil {
		s.logger.Error("notify subscribers", "err", err)
	} else if n > 0 {
		s.logger.Info("subscribers notified", "notifications", n)
	}
	if n, err := s.store.SendDigests(ctx, 1000, mailer); err != nil && ctx.Err() == nil {
		s.logger.Error("daily digests", "err", err)
	} else if n > 0 {
		s.logger.Info("daily digests queued", "digests", n)
	}
}

// RunNotifications runs NotifyOnce every interval until ctx ends.
func (s *Server) RunNotifications(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		s.NotifyOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
