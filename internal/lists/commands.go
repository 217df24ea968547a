package lists

import (
	"context"
	"strconv"

	"fanarchive"
	"fanarchive/internal/listmail"
	"fanarchive/internal/mail"
)

// request answers a mail to NAME-request@: the commands in its subject or
// first lines (subscribe, unsubscribe, set MODE, confirm, help).
func (e *Engine) request(ctx context.Context, l *fanarchive.List, in *inbound) error {
	if in.from == "" || listmail.IsAutoReply(in.header) || listmail.IsLoop(in.header, l) {
		return nil
	}
	req, ok := listmail.ParseRequest(in.post.Subject, in.post.Text)
	if !ok {
		return e.help(ctx, l, in)
	}
	switch req.Kind {
	case listmail.RequestSubscribe:
		return e.mailSubscribe(ctx, l, in, req.Mode)
	case listmail.RequestUnsubscribe:
		return e.mailUnsubscribe(ctx, l, in, req.Token)
	case listmail.RequestConfirm:
		return e.mailConfirm(ctx, l, in, req.Token)
	case listmail.RequestSet:
		mem, err := e.Store.FindMember(ctx, l.ID, in.from)
		if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
			return e.help(ctx, l, in)
		} else if err != nil {
			return err
		}
		// A forged sender could change someone's mode, never their
		// membership; the member is told, so they would notice.
		if err := e.Store.SetMemberMode(ctx, mem.ID, req.Mode); err != nil {
			return err
		}
		mem.Mode = req.Mode
		cfg, err := e.mail(ctx)
		if err != nil {
			return err
		}
		n, err := cfg.ModeNotice(l, mem)
		if err != nil {
			return err
		}
		n.Key = "list-mode:" + in.key
		return e.queue(ctx, n)
	}
	return e.help(ctx, l, in)
}

// help mails the sender how to use the list, at most a few times an hour.
func (e *Engine) help(ctx context.Context, l *fanarchive.List, in *inbound) error {
	if ok, err := e.allowed(ctx, "list-help:"+strconv.FormatInt(l.ID, 36)+":"+fanarchive.EmailKey(in.from), subscribeAddressLimit); err != nil || !ok {
		return err
	}
	cfg, err := e.mail(ctx)
	if err != nil {
		return err
	}
	n, err := cfg.HelpNotice(l, mail.Address{Name: in.post.From.Name, Address: in.from})
	if err != nil {
		return err
	}
	n.Key = "list-help:" + in.key
	return e.queue(ctx, n)
}

// bounce counts a bounce of a member's mail (its VERP return path names
// the member): a permanent failure counts, a delay does not.
func (e *Engine) bounce(ctx context.Context, l *fanarchive.List, in *inbound, token string) error {
	cfg, err := e.mail(ctx)
	if err != nil {
		return err
	}
	memberID, err := listmail.ParseBounceToken(cfg.Key, token)
	if err != nil {
		e.logger().Info("list bounce without a valid return path", "list", l.Name, "key", in.key)
		return nil
	}
	b, err := listmail.ParseBounce(in.raw)
	if err != nil || !b.Counts() {
		e.logger().Info("list delivery delayed", "list", l.Name, "member", memberID)
		return nil
	}
	mem, err := e.Store.FindMemberByID(ctx, memberID)
	if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND || (err == nil && mem.ListID != l.ID) {
		return nil
	} else if err != nil {
		return err
	}
	disabled, err := e.Store.RecordListBounce(ctx, mem.ID, e.now(), e.bounceLimit())
	if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	e.logger().Info("list bounce", "list", l.Name, "member", mem.ID, "disabled", disabled)
	return nil
}

// mailModerate answers a moderator's reply to a moderation request
// (NAME-moderate+TOKEN@): approve, reject or ban, from the address of an
// account that moderates the list.
func (e *Engine) mailModerate(ctx context.Context, l *fanarchive.List, in *inbound, token string) error {
	cfg, err := e.mail(ctx)
	if err != nil {
		return err
	}
	msgID, err := listmail.ParseModerationToken(cfg.Key, token)
	if err != nil || listmail.IsAutoReply(in.header) {
		return nil
	}
	u, err := e.Store.FindUserByLogin(ctx, in.from)
	if err != nil || !u.EmailConfirmed || fanarchive.EmailKey(u.Email) != fanarchive.EmailKey(in.from) || !isModerator(l, u) {
		e.logger().Info("list moderation reply from someone who does not moderate it", "list", l.Name, "key", in.key)
		return nil
	}
	req, _ := listmail.ParseRequest(in.post.Subject, in.post.Text)
	var d fanarchive.ModerationDecision
	switch req.Kind {
	case listmail.RequestApprove:
		d = fanarchive.ModerationApprove
	case listmail.RequestReject:
		d = fanarchive.ModerationReject
	case listmail.RequestBan:
		d = fanarchive.ModerationBan
	default:
		return nil
	}
	err = e.Moderate(ctx, l, msgID, d, u.ID)
	switch fanarchive.ErrorCode(err) {
	case fanarchive.ENOTFOUND, fanarchive.ECONFLICT:
		return nil // decided already (on the site, or by another moderator)
	}
	return err
}

// Moderate implements fanarchive.ListEngine.
func (e *Engine) Moderate(ctx context.Context, l *fanarchive.List, messageID int64, d fanarchive.ModerationDecision, by int64) error {
	held, err := e.Store.FindListMessage(ctx, messageID)
	if err != nil {
		return err
	}
	if held.ListID != l.ID {
		return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such message in %s.", l.Title)
	}
	var fanout fanarchive.ListFanout
	var raw []byte
	if d == fanarchive.ModerationApprove {
		if raw, err = e.Store.ListMessageRaw(ctx, messageID); err != nil {
			return err
		}
		if fanout, err = e.fanout(ctx, l, raw, held); err != nil {
			return err
		}
	}
	m, err := e.Store.ModerateListMessage(ctx, messageID, d, by, fanout)
	if err != nil {
		return err
	}
	e.logger().Info("list message moderated", "list", l.Name, "id", m.ID, "decision", d, "by", by)
	if m.State == fanarchive.ListMessagePosted {
		return e.file(ctx, l, m, raw)
	}
	return nil
}

// heldNotices are the mails a held post (stored, so with its ID) sends: a
// moderation request to each moderator (reply to approve, reject or ban)
// and, unless it was a robot's, word to the poster that it waits. Their
// keys name the message, so a retried delivery queues them once.
func (e *Engine) heldNotices(ctx context.Context, l *fanarchive.List, in *inbound, m *fanarchive.ListMessage) ([]*fanarchive.OutboundMail, error) {
	cfg, err := e.mail(ctx)
	if err != nil {
		return nil, err
	}
	mods, err := e.moderatorAddresses(ctx, l)
	if err != nil {
		return nil, err
	}
	var to []mail.Address
	for _, a := range mods {
		to = append(to, mail.Address{Address: a})
	}
	if m.Raw == nil {
		m.Raw = in.raw
	}
	out, err := cfg.ModerationNotice(l, to, m)
	if err != nil {
		return nil, err
	}
	for _, n := range out {
		n.Key = "list-moderation:" + strconv.FormatInt(m.ID, 10) + ":" + fanarchive.EmailKey(n.To)
	}
	if in.from != "" && m.HoldReason != reasonAuto {
		n, err := cfg.HeldNotice(l, mail.Address{Name: in.post.From.Name, Address: in.from}, m.Subject, m.HoldReason)
		if err != nil {
			return nil, err
		}
		n.Key = "list-held:" + strconv.FormatInt(m.ID, 10)
		out = append(out, n)
	}
	return out, nil
}

// moderatorAddresses returns the confirmed addresses of a list's
// moderators.
func (e *Engine) moderatorAddresses(ctx context.Context, l *fanarchive.List) ([]string, error) {
	var out []string
	for _, id := range l.Moderators {
		u, err := e.Store.FindUserByID(ctx, id)
		if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		if u.EmailConfirmed && !u.Disabled {
			out = append(out, u.Email)
		}
	}
	return out, nil
}

// toOwners forwards a mail to NAME-owner@ to the list's moderators.
func (e *Engine) toOwners(ctx context.Context, l *fanarchive.List, in *inbound) error {
	if listmail.IsLoop(in.header, l) {
		return nil
	}
	mods, err := e.moderatorAddresses(ctx, l)
	if err != nil {
		return err
	}
	body := &fanarchive.MailBody{Raw: in.raw}
	var mails []*fanarchive.OutboundMail
	for _, to := range mods {
		mails = append(mails, &fanarchive.OutboundMail{Kind: fanarchive.MailKindListNotice, Key: "list-owner:" + in.key + ":" + fanarchive.EmailKey(to),
			From: l.CommandAddress("-bounces"), To: to, Body: body})
	}
	if len(mails) == 0 {
		e.logger().Warn("mail to a list's owners, who are none", "list", l.Name, "key", in.key)
		return nil
	}
	return e.queue(ctx, mails...)
}
