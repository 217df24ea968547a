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
	key, err := e.secret(ctx)
	if err != nil {
		return 0, err
	}
	now := e.now()
	// One digest body per list and set of messages, shared by every
	// chunk of its digest members.
	type built struct {
		list, last int64
		body       *fanarchive.MailBody
	}
	var cur built
	return e.Store.QueueListDigests(ctx, now, func(l *fanarchive.List, msgs []*fanarchive.ListMessage, members []*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
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
			raw, err := listmail.BuildDigest(l, e.site(l), msgs, now)
			if err != nil {
				return nil, err
			}
			cur = built{list: l.ID, last: last, body: &fanarchive.MailBody{Raw: raw}}
		}
		mails := make([]*fanarchive.OutboundMail, 0, len(members))
		for _, mem := range members {
			h, err := listmail.MemberFields(key, e.site(l), l, mem)
			if err != nil {
				return nil, err
			}
			mails = append(mails, &fanarchive.OutboundMail{
				Kind:   fanarchive.MailKindListDigest,
				Key:    fmt.Sprintf("list-digest:%d:%d:%d", l.ID, last, mem.ID),
				From:   listmail.BounceAddress(key, l, mem.ID),
				To:     mem.Address,
				Header: h,
				Body:   cur.body,
			})
		}
		return mails, nil
	})
}
