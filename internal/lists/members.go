package lists

import (
	"context"
	"strconv"
	"time"

	"fanarchive"
	"fanarchive/internal/listmail"
	"fanarchive/internal/mail"
)

// Subscription request limits: confirmations mailed to one address of a
// list, and requests from one remote (an IP address, or "mail").
var (
	subscribeAddressLimit = limit{3, time.Hour}
	subscribeRemoteLimit  = limit{20, time.Hour}
)

type limit struct {
	n   int
	per time.Duration
}

// allowed counts a request against key and reports whether it is within
// the limit.
func (e *Engine) allowed(ctx context.Context, key string, lim limit) (bool, error) {
	ok, _, err := e.Store.HitRateLimit(ctx, key, lim.n, lim.per)
	return ok, err
}

// Subscribe implements fanarchive.ListEngine: it mails address a
// confirmation (double opt-in), within the rate limits; a flood, an
// active member or a banned address get no mail, and the caller is told
// nothing different.
func (e *Engine) Subscribe(ctx context.Context, l *fanarchive.List, address, name string, userID int64, mode fanarchive.DeliveryMode, remote string) error {
	addr, err := fanarchive.ValidateEmail(address)
	if err != nil {
		return err
	}
	if mode == "" {
		mode = fanarchive.DeliverEach
	}
	if !mode.Valid() {
		return fanarchive.Errorf(fanarchive.EINVALID, "There is no delivery mode %q: use each, digest or none.", mode)
	}
	listKey := strconv.FormatInt(l.ID, 36)
	for _, c := range []struct {
		key string
		lim limit
	}{
		{"list-sub-remote:" + remote, subscribeRemoteLimit},
		{"list-sub:" + listKey + ":" + fanarchive.EmailKey(addr), subscribeAddressLimit},
	} {
		ok, err := e.allowed(ctx, c.key, c.lim)
		if err != nil {
			return err
		}
		if !ok {
			e.logger().Info("list subscription refused: too many requests", "list", l.Name, "remote", remote)
			return nil
		}
	}
	cfg, err := e.mail(ctx)
	if err != nil {
		return err
	}
	secret, hash := listmail.NewConfirmSecret()
	confirm, err := cfg.ConfirmNotice(l, mail.Address{Name: name, Address: addr}, secret, mode)
	if err != nil {
		return err
	}
	mem := &fanarchive.ListMember{ListID: l.ID, Address: addr, UserID: userID, Name: name, Mode: mode}
	err = e.Store.SubscribeToList(ctx, mem, hash, e.now().Add(fanarchive.ListConfirmTokenLife), []*fanarchive.OutboundMail{confirm})
	if fanarchive.ErrorCode(err) == fanarchive.ECONFLICT {
		// Already a member, or banned: nothing is mailed, and the form
		// says what it says to everyone.
		e.logger().Info("list subscription not needed", "list", l.Name, "why", fanarchive.ErrorMessage(err))
		return nil
	}
	return err
}

// Confirm implements fanarchive.ListEngine.
func (e *Engine) Confirm(ctx context.Context, secret string) (*fanarchive.List, *fanarchive.ListMember, error) {
	if !listmail.WellFormedConfirmSecret(secret) {
		return nil, nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "That confirmation link is not valid, was used already or has expired.")
	}
	cfg, err := e.mail(ctx)
	if err != nil {
		return nil, nil, err
	}
	var l *fanarchive.List
	mem, err := e.Store.ConfirmSubscription(ctx, listmail.HashConfirmSecret(secret), func(m *fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
		var err error
		if l, err = e.Store.FindListByID(ctx, m.ListID); err != nil {
			return nil, err
		}
		welcome, err := cfg.WelcomeNotice(l, m)
		if err != nil {
			return nil, err
		}
		return []*fanarchive.OutboundMail{welcome}, nil
	})
	if err != nil {
		return nil, nil, err
	}
	if l == nil {
		if l, err = e.Store.FindListByID(ctx, mem.ListID); err != nil {
			return nil, nil, err
		}
	}
	e.logger().Info("list member confirmed", "list", l.Name, "member", mem.ID)
	return l, mem, nil
}

// CheckUnsubscribe implements fanarchive.ListEngine.
func (e *Engine) CheckUnsubscribe(ctx context.Context, token string) (*fanarchive.List, *fanarchive.ListMember, error) {
	cfg, err := e.mail(ctx)
	if err != nil {
		return nil, nil, err
	}
	bad := fanarchive.Errorf(fanarchive.ENOTFOUND, "That unsubscribe link is not valid, or the membership has ended.")
	listID, memberID, err := listmail.ParseUnsubscribeToken(cfg.Key, token, e.now())
	if err != nil {
		return nil, nil, bad
	}
	mem, err := e.Store.FindMemberByID(ctx, memberID)
	if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND || (err == nil && mem.ListID != listID) {
		return nil, nil, bad
	} else if err != nil {
		return nil, nil, err
	}
	switch mem.State {
	case fanarchive.MemberActive, fanarchive.MemberDisabled, fanarchive.MemberPending:
	default:
		return nil, nil, bad
	}
	l, err := e.Store.FindListByID(ctx, listID)
	if err != nil {
		return nil, nil, err
	}
	return l, mem, nil
}

// UnsubscribeToken implements fanarchive.ListEngine.
func (e *Engine) UnsubscribeToken(ctx context.Context, token string) (*fanarchive.List, *fanarchive.ListMember, error) {
	l, mem, err := e.CheckUnsubscribe(ctx, token)
	if err != nil {
		return nil, nil, err
	}
	mem, err = e.unsubscribe(ctx, l, mem.Address)
	return l, mem, err
}

// Unsubscribe implements fanarchive.ListEngine.
func (e *Engine) Unsubscribe(ctx context.Context, l *fanarchive.List, memberID int64) error {
	mem, err := e.Store.FindMemberByID(ctx, memberID)
	if err != nil {
		return err
	}
	if mem.ListID != l.ID {
		return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such member of %s.", l.Title)
	}
	_, err = e.unsubscribe(ctx, l, mem.Address)
	return err
}

// unsubscribe ends a membership and says goodbye.
func (e *Engine) unsubscribe(ctx context.Context, l *fanarchive.List, addr string) (*fanarchive.ListMember, error) {
	cfg, err := e.mail(ctx)
	if err != nil {
		return nil, err
	}
	mem, err := e.Store.UnsubscribeFromList(ctx, l.ID, addr, func(m *fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
		bye, err := cfg.GoodbyeNotice(l, m)
		if err != nil {
			return nil, err
		}
		return []*fanarchive.OutboundMail{bye}, nil
	})
	if err != nil {
		return nil, err
	}
	e.logger().Info("list member left", "list", l.Name, "member", mem.ID)
	return mem, nil
}

// mailSubscribe answers a mail to NAME-subscribe@ (or "subscribe" to
// NAME-request@): the sender's address is mailed a confirmation.
func (e *Engine) mailSubscribe(ctx context.Context, l *fanarchive.List, in *inbound, mode fanarchive.DeliveryMode) error {
	if in.from == "" || listmail.IsAutoReply(in.header) {
		return nil
	}
	err := e.Subscribe(ctx, l, in.from, in.post.From.Name, 0, mode, "mail")
	if fanarchive.ErrorCode(err) == fanarchive.EINVALID {
		e.logger().Info("list subscription by mail refused", "list", l.Name, "why", fanarchive.ErrorMessage(err))
		return nil
	}
	return err
}

// mailConfirm answers a reply to a confirmation (NAME-confirm+SECRET@).
func (e *Engine) mailConfirm(ctx context.Context, l *fanarchive.List, in *inbound, secret string) error {
	if listmail.IsAutoReply(in.header) {
		// An out-of-office reply is not consent.
		return nil
	}
	_, _, err := e.Confirm(ctx, secret)
	if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
		e.logger().Info("list confirmation by mail not valid", "list", l.Name, "key", in.key)
		return nil
	}
	return err
}

// mailUnsubscribe answers a mail to NAME-unsubscribe@. With a signed token
// (the mailto of List-Unsubscribe carries one) the membership ends at once;
// without, anyone could forge the sender, so the member is mailed their
// own unsubscribe link.
func (e *Engine) mailUnsubscribe(ctx context.Context, l *fanarchive.List, in *inbound, token string) error {
	if token == "" {
		if req, ok := listmail.ParseRequest(in.post.Subject, in.post.Text); ok && req.Kind == listmail.RequestUnsubscribe {
			token = req.Token
		}
	}
	if token != "" {
		_, _, err := e.UnsubscribeToken(ctx, token)
		if fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
			return err
		}
	}
	if in.from == "" || listmail.IsAutoReply(in.header) {
		return nil
	}
	mem, err := e.Store.FindMember(ctx, l.ID, in.from)
	if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if ok, err := e.allowed(ctx, "list-unsub:"+strconv.FormatInt(mem.ID, 36), subscribeAddressLimit); err != nil || !ok {
		return err
	}
	switch mem.State {
	case fanarchive.MemberActive, fanarchive.MemberDisabled, fanarchive.MemberPending:
	default:
		return nil
	}
	cfg, err := e.mail(ctx)
	if err != nil {
		return err
	}
	n, err := cfg.UnsubscribeNotice(l, mem)
	if err != nil {
		return err
	}
	n.Key = "list-unsubscribe:" + in.key
	return e.queue(ctx, n)
}

// queue queues mails in a transaction of their own.
func (e *Engine) queue(ctx context.Context, mails ...*fanarchive.OutboundMail) error {
	err := e.Store.QueueMail(ctx, mails)
	if fanarchive.ErrorCode(err) == fanarchive.ECONFLICT {
		return nil // queued by an earlier delivery of the same message
	}
	return err
}
