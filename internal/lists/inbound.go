package lists

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/ingest"
	"fanarchive/internal/listmail"
	"fanarchive/internal/mailin"
	"fanarchive/internal/privacy"
)

// maxCommandSize is the most a mail to a command address (request,
// confirm, moderate, bounces, relay) may be.
const maxCommandSize = 1 << 20

var _ mailin.Backend = (*Engine)(nil)

// route is what an inbound recipient address names.
type route struct {
	list    *fanarchive.List // nil for a relay or comment address
	rcpt    listmail.Recipient
	relay   string // the token of a reply+TOKEN feedback relay address
	comment string // the token of a comment+TOKEN reply address
}

// resolve reads a recipient address: one of a list's addresses, or a
// feedback relay address at the archive's domain. Anything else is
// ENOTFOUND, which the SMTP server answers 550 (no relaying).
func (e *Engine) resolve(ctx context.Context, rcpt string) (*route, error) {
	notOurs := fanarchive.Errorf(fanarchive.ENOTFOUND, "No such list or address here.")
	at := strings.LastIndexByte(rcpt, '@')
	if at <= 0 {
		return nil, notOurs
	}
	local, domain := strings.ToLower(rcpt[:at]), strings.ToLower(rcpt[at+1:])
	own := strings.EqualFold(domain, domainOf(e.From.Address))
	if e.Relay != nil && strings.HasPrefix(local, "reply+") && own {
		return &route{relay: rcpt[len("reply+"):at]}, nil
	}
	if e.CommentReply != nil && strings.HasPrefix(local, "comment+") && own {
		return &route{comment: rcpt[len("comment+"):at]}, nil
	}
	var l *fanarchive.List
	var lookErr error
	r, ok := listmail.ParseRecipient(rcpt, func(name, domain string) bool {
		found, err := e.Store.FindList(ctx, name)
		if err != nil {
			if fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
				lookErr = err
			}
			return false
		}
		if !strings.EqualFold(found.Domain(), domain) {
			return false
		}
		l = found
		return true
	})
	if lookErr != nil {
		return nil, lookErr
	}
	if !ok || l == nil {
		return nil, notOurs
	}
	return &route{list: l, rcpt: r}, nil
}

// CheckRecipient implements mailin.Backend: a list's posting address takes
// posts up to its size limit, its command addresses small mail, and a
// relay address a reply.
func (e *Engine) CheckRecipient(ctx context.Context, rcpt string) (int64, error) {
	rt, err := e.resolve(ctx, rcpt)
	if err != nil {
		return 0, err
	}
	if rt.list != nil && rt.rcpt.Command == listmail.CommandPost {
		return rt.list.MaxSize, nil
	}
	return maxCommandSize, nil
}

// Deliver implements mailin.Backend: it acts on a message for each of its
// recipients. key names the message; recipient i's part of it is
// key/i, so a retried delivery does nothing twice.
func (e *Engine) Deliver(ctx context.Context, env mailin.Envelope, raw []byte, key string) error {
	var errs []error
	for i, rcpt := range env.To {
		rt, err := e.resolve(ctx, rcpt)
		if err != nil {
			// Checked at RCPT; a list deleted since is no reason to retry.
			e.logger().Warn("inbound mail for an address that is gone", "rcpt", rcpt, "key", key)
			continue
		}
		if err := e.deliverTo(ctx, rt, env, raw, fmt.Sprintf("%s/%d", key, i)); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", rcpt, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		// Permanent only when every failure is.
		for _, e := range errs {
			if fanarchive.ErrorCode(e) != fanarchive.EINVALID {
				return err
			}
		}
		return fanarchive.Errorf(fanarchive.EINVALID, "%s", err.Error())
	}
	return nil
}

// inbound is one message as the engine reads it.
type inbound struct {
	env    mailin.Envelope
	raw    []byte
	key    string
	post   ingest.Post    // the decoded message; zero when it is not mail at all
	header netmail.Header // its header fields, for the loop and robot checks
	from   string         // the author's address: From, else the envelope sender
}

// read decodes a message once for every route.
func read(env mailin.Envelope, raw []byte, key string) *inbound {
	in := &inbound{env: env, raw: raw, key: key, header: listmail.ParseHeader(raw)}
	if posts, ok, err := ingest.SplitPosts(raw); err == nil && ok && len(posts) > 0 {
		in.post = posts[0]
	}
	in.from = strings.TrimSpace(in.post.From.Addr)
	if _, err := fanarchive.ValidateEmail(in.from); err != nil {
		in.from = env.From
	}
	return in
}

func (e *Engine) deliverTo(ctx context.Context, rt *route, env mailin.Envelope, raw []byte, key string) error {
	in := read(env, raw, key)
	if rt.comment != "" {
		err := e.CommentReply(ctx, rt.comment, raw)
		switch fanarchive.ErrorCode(err) {
		case fanarchive.ENOTFOUND, fanarchive.EINVALID:
			e.logger().Info("comment reply by mail not posted", "key", key, "why", fanarchive.ErrorMessage(err))
			return nil
		}
		return err
	}
	if rt.list == nil {
		return e.relayReply(ctx, rt.relay, in)
	}
	l := rt.list
	switch rt.rcpt.Command {
	case listmail.CommandPost:
		return e.receivePost(ctx, l, in)
	case listmail.CommandSubscribe:
		return e.mailSubscribe(ctx, l, in, fanarchive.DeliverEach)
	case listmail.CommandUnsubscribe:
		return e.mailUnsubscribe(ctx, l, in, rt.rcpt.Token)
	case listmail.CommandRequest:
		return e.request(ctx, l, in)
	case listmail.CommandConfirm:
		return e.mailConfirm(ctx, l, in, rt.rcpt.Token)
	case listmail.CommandBounces:
		return e.bounce(ctx, l, in, rt.rcpt.Token)
	case listmail.CommandModerate:
		return e.mailModerate(ctx, l, in, rt.rcpt.Token)
	case listmail.CommandOwner:
		return e.toOwners(ctx, l, in)
	}
	return fanarchive.Errorf(fanarchive.EINVALID, "Unknown list address.")
}

// relayReply forwards a reply to a feedback relay address.
func (e *Engine) relayReply(ctx context.Context, token string, in *inbound) error {
	fw, err := e.Relay.RelayReply(ctx, token, in.raw)
	switch fanarchive.ErrorCode(err) {
	case "":
	case fanarchive.ENOTFOUND, fanarchive.EINVALID:
		e.logger().Info("relay reply not forwarded", "key", in.key, "why", fanarchive.ErrorMessage(err))
		return nil
	default:
		return err
	}
	fw.Mail.Key = "relay:" + in.key
	if err := e.Store.QueueMail(ctx, []*fanarchive.OutboundMail{fw.Mail}); err != nil && fanarchive.ErrorCode(err) != fanarchive.ECONFLICT {
		return err
	}
	return nil
}

// domainOf returns the domain of an address, lower case.
func domainOf(addr string) string {
	return strings.ToLower(addr[strings.LastIndexByte(addr, '@')+1:])
}

// maskText hides the addresses in a text shown in the archive.
func maskText(s string) string { return privacy.Mask(s) }

// inboundEnvelope is the envelope of a message the archive itself posts to
// a list (an announcement, an imported message).
func inboundEnvelope(l *fanarchive.List, at time.Time) mailin.Envelope {
	return mailin.Envelope{From: l.Address, To: []string{l.Address}, ReceivedAt: at}
}
