package lists

import (
	"context"
	"fmt"
	"time"

	"fanarchive"
	"fanarchive/internal/listmail"
)

// digestEvery is how often RunDigests looks for lists whose digest is due.
const digestEvery = time.Minute

// RunDigests queues each list's daily digest when it is due, until ctx
// ends. Digests are queued in the store's transaction that moves the
// list's digest mark, so a crash or a second serve process sends none
// twice.
func (e *Engine) RunDigests(ctx context.Context) {
	t := time.NewTicker(digestEvery)
	defer t.Stop()
	for {
		if n, err := e.QueueDigests(ctx); err != nil && ctx.Err() == nil {
			e.logger().Error("list digests", "err", err)
		} else if n > 0 {
			e.logger().Info("list digests queued", "lists", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// QueueDigests queues the digests due now, and returns for how many lists.
func (e *Engine) QueueDigests(ctx context.Context) (int, error) {
	build, err := e.digestBuilder(ctx)
	if err != nil {
		return 0, err
	}
	return e.Store.QueueListDigests(ctx, e.now(), build)
}

// QueueDigestNow queues a list's digest at once, whatever its hour, with
// the posts since its last, and returns to how many members.
func (e *Engine) QueueDigestNow(ctx context.Context, l *fanarchive.List) (int, error) {
	build, err := e.digestBuilder(ctx)
	if err != nil {
		return 0, err
	}
	return e.Store.QueueListDigest(ctx, l.ID, e.now(), build)
}

// digestBuilder returns what builds the digests' mail (listmail's, one
// body per digest shared by its members), with the received bytes of each
// post, so the digest carries them as sent. Each mail's key names the list,
// the digest's first post and the member, so a digest is queued once.
func (e *Engine) digestBuilder(ctx context.Context) (fanarchive.ListDigestBuilder, error) {
	cfg, err := e.mail(ctx)
	if err != nil {
		return nil, err
	}
	var first int64
	inner := cfg.DigestBuilder(nil, func(l *fanarchive.List, _ *listmail.Digest, mem *fanarchive.ListMember) string {
		return fmt.Sprintf("list-digest:%d:%d:%d", l.ID, first, mem.ID)
	})
	return func(l *fanarchive.List, msgs []*fanarchive.ListMessage, members []*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
		if len(msgs) == 0 {
			return nil, nil
		}
		for _, m := range msgs {
			if m.Raw == nil {
				raw, err := e.Store.ListMessageRaw(ctx, m.ID)
				if err != nil {
					return nil, err
				}
				m.Raw = raw
			}
		}
		first = msgs[0].ID
		return inner(l, msgs, members)
	}, nil
}
