package lists

import (
	"context"
	"fmt"
	"time"

	"fanarchive"
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

// digestBuilder returns what builds the digests' mail: one body per list
// and set of posts, shared by every chunk of its digest members, each
// member with their own fields and return path.
func (e *Engine) digestBuilder(ctx context.Context) (fanarchive.ListDigestBuilder, error) {
	cfg, err := e.mail(ctx)
	if err != nil {
		return nil, err
	}
	now := e.now()
	type built struct {
		list, last int64
		body       *fanarchive.MailBody
	}
	var cur built
	return func(l *fanarchive.List, msgs []*fanarchive.ListMessage, members []*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
		if len(msgs) == 0 {
			return nil, nil
		}
		last := msgs[len(msgs)-1].ID
		if cur.body == nil || cur.list != l.ID || cur.last != last {
			for _, m := range msgs {
				if m.Raw == nil {
					raw, err := e.Store.ListMessageRaw(ctx, m.ID)
					if err != nil {
						return nil, err
					}
					m.Raw = raw
				}
			}
			raw, err := cfg.BuildDigest(l, msgs, now)
			if err != nil {
				return nil, err
			}
			cur = built{list: l.ID, last: last, body: &fanarchive.MailBody{Raw: raw}}
		}
		mails := make([]*fanarchive.OutboundMail, 0, len(members))
		for _, mem := range members {
			m, err := cfg.MemberMail(fanarchive.MailKindListDigest, fmt.Sprintf("list-digest:%d:%d:%d", l.ID, last, mem.ID), l, mem, cur.body)
			if err != nil {
				return nil, err
			}
			mails = append(mails, m)
		}
		return mails, nil
	}, nil
}
