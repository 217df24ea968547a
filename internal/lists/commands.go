package lists

import (
	"context"
	"strconv"

	"fanarchive"
	"fanarchive/internal/listmail"
)

// request answers a mail to NAME-request@: the commands in its subject or
// first lines (subscribe, unsubscribe, set MODE, confirm, help).
func (e *Engine) request(ctx context.Context, l *fanarchive.List, in *inbound) error {
	if in.from == "" || listmail.IsAutoReply(in.raw) || listmail.IsLoop(in.raw, l) {
		return nil
	}
	req := listmail.ParseRequest(in.post.Subject, in.post.Text)
	switch req.Command {
	case listmail.ReqSubscribe:
		return e.mailSubscribe(ctx, l, in, req.Mode)
	case listmail.ReqUnsubscribe:
		return e.mailUnsubscribe(ctx, l, in, req.Token)
	case listmail.ReqConfirm:
		return e.mailConfirm(ctx, l, in, req.Token)
	case listmail.ReqSet:
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
		raw, err := e.build(l, listmail.ModeNotice(e.site(l), l, mem), mem.Address)
		if err != nil {
			return err
		}
		n := e.notice(l, fanarchive.MailKindListNotice, mem.Address, raw)
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
	raw, err := e.build(l, listmail.HelpNotice(e.site(l), l), in.from)
	if err != nil {
		return err
	}
	n := e.notice(l, fanarchive.MailKindListNotice, in.from, raw)
	n.Key = "list-help:" + in.key
	return e.queue(ctx, n)
}

// bounce counts a bounce of a member's mail (its VERP return path names
// the member): a permanent failure counts, a delay does not.
func (e *Engine) bounce(ctx context.Context, l *fanarchive.List, in *inbound, token string) error {
	key, err := e.secret(ctx)
	if err != nil {
		return err
	}
	memberID, ok := listmail.ParseBounceToken(key, token)
	if !ok {
		e.logger().Info("list bounce without a valid return path", "list", l.Name, "key", in.key)
		return nil
	}
	b := listmail.ParseBounce(in.raw)
	if !b.Permanent {
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
	key, err := e.secret(ctx)
	if err != nil {
		return err
	}
	msgID, ok := listmail.ParseModerationToken(key, token)
	if !ok || listmail.IsAutoReply(in.raw) {
		return nil
	}
	u, err := e.Store.FindUserByLogin(ctx, in.from)
	if err != nil || !u.EmailConfirmed || fanarchive.EmailKey(u.Email) != fanarchive.EmailKey(in.from) || !isModerator(l, u) {
		e.logger().Info("list moderation reply from someone who does not moderate it", "list", l.Name, "key", in.key)
		return nil
	}
	req := listmail.ParseRequest(in.post.Subject, in.post.Text)
	var d fanarchive.ModerationDecision
	switch req.Command {
	case listmail.ReqApprove:
		d = fanarchive.ModerationApprove
	case listmail.ReqReject:
		d = fanarchive.ModerationReject
	case listmail.ReqBan:
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
	key, err := e.secret(ctx)
	if err != nil {
		return nil, err
	}
	mods, err := e.moderatorAddresses(ctx, l)
	if err != nil {
		return nil, err
	}
	var out []*fanarchive.OutboundMail
	for _, to := range mods {
		raw, err := e.build(l, listmail.ModerationNotice(e.site(l), l, m, in.raw, listmail.ModerationAddress(key, l, m.ID)), to)
		if err != nil {
			return nil, err
		}
		n := e.notice(l, fanarchive.MailKindListModeration, to, raw)
		n.Key = "list-moderation:" + strconv.FormatInt(m.ID, 10) + ":" + fanarchive.EmailKey(to)
		out = append(out, n)
	}
	if in.from != "" && m.HoldReason != reasonAuto {
		raw, err := e.build(l, listmail.HeldNotice(e.site(l), l, m), in.from)
		if err != nil {
			return nil, err
		}
		n := e.notice(l, fanarchive.MailKindListNotice, in.from, raw)
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
	if listmail.IsLoop(in.raw, l) {
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
