package lists

import (
	"context"
	"fmt"
	"strings"

	"fanarchive"
	"fanarchive/internal/listmail"
	"fanarchive/internal/privacy"
)

// Hold and refusal reasons, as moderators read them.
const (
	reasonLoop      = "mail loop: the message came from this list"
	reasonAuto      = "automatic reply"
	reasonBanned    = "the sender is banned from the list"
	reasonNotMember = "the sender is not a member"
	reasonModerated = "every post to this list is moderated"
	reasonTooLarge  = "larger than the list's size limit"
	reasonEmpty     = "the message has no text"
)

// receivePost decides on a post to a list's address and stores it: posted
// to members (and filed as a work when it is a story), held for a
// moderator, or refused — kept either way, so nothing accepted is lost.
func (e *Engine) receivePost(ctx context.Context, l *fanarchive.List, in *inbound) error {
	m := e.message(ctx, l, in)
	state, reason, err := e.decide(ctx, l, in, m)
	if err != nil {
		return err
	}
	m.State, m.HoldReason = state, reason
	var fanout fanarchive.ListFanout
	if state == fanarchive.ListMessagePosted {
		if fanout, err = e.fanout(ctx, l, in.raw, m); err != nil {
			return err
		}
	}
	err = e.Store.ReceiveListMessage(ctx, m, fanout, nil)
	switch fanarchive.ErrorCode(err) {
	case "":
	case fanarchive.ECONFLICT:
		// Delivered before (a retry after a crash): finish what may be
		// left, the filing of a story.
		stored, ferr := e.Store.FindListMessage(ctx, m.ID)
		if ferr != nil {
			return ferr
		}
		m = stored
	default:
		return err
	}
	e.logger().Info("list message", "list", l.Name, "id", m.ID, "state", m.State, "reason", m.HoldReason, "key", in.key)
	switch {
	case m.State == fanarchive.ListMessageHeld:
		// After the message, so the notices can name it; a crash in
		// between leaves it in the moderation queue on the site, and the
		// retried delivery queues them.
		notices, err := e.heldNotices(ctx, l, in, m)
		if err != nil {
			return err
		}
		if len(notices) > 0 {
			return e.queue(ctx, notices...)
		}
	case m.State == fanarchive.ListMessagePosted && m.WorkID == 0:
		return e.file(ctx, l, m, in.raw)
	}
	return nil
}

// message reads what the archive keeps of an inbound post.
func (e *Engine) message(ctx context.Context, l *fanarchive.List, in *inbound) *fanarchive.ListMessage {
	p := in.post
	m := &fanarchive.ListMessage{
		ListID:      l.ID,
		Key:         in.key,
		MessageID:   p.MessageID,
		References:  p.References,
		Subject:     p.Subject,
		FromName:    privacy.Mask(p.From.Name),
		FromAddress: in.from,
		Date:        p.Date,
		Text:        privacy.Mask(p.Text),
		HTML:        privacy.MaskHTML(p.HTML),
		ReceivedAt:  in.env.ReceivedAt,
		Raw:         in.raw,
	}
	if v := p.Header["In-Reply-To"]; len(v) > 0 {
		if ids := strings.Fields(v[0]); len(ids) > 0 {
			m.InReplyTo = ids[0]
		}
	}
	if m.ReceivedAt.IsZero() {
		m.ReceivedAt = e.now()
	}
	if m.Date.IsZero() {
		m.Date = m.ReceivedAt
	}
	if m.FromName == "" && m.FromAddress != "" {
		m.FromName = privacy.Mask(m.FromAddress)
	}
	if u, err := e.Store.FindUserByLogin(ctx, in.from); err == nil && u.EmailConfirmed && !u.Disabled &&
		fanarchive.EmailKey(u.Email) == fanarchive.EmailKey(in.from) {
		m.UserID = u.ID
	}
	return m
}

// decide applies the list's rules to a post, in order: loops and robots
// are refused, banned senders too; empty and over-large posts, and posts
// the policy does not let through, are held; the rest is posted.
func (e *Engine) decide(ctx context.Context, l *fanarchive.List, in *inbound, m *fanarchive.ListMessage) (fanarchive.ListMessageState, string, error) {
	if listmail.IsLoop(in.header, l) {
		return fanarchive.ListMessageRejected, reasonLoop, nil
	}
	if listmail.IsAutoReply(in.header) {
		return fanarchive.ListMessageRejected, reasonAuto, nil
	}
	member, err := e.Store.FindMember(ctx, l.ID, in.from)
	if err != nil && fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		return "", "", err
	}
	if member != nil && member.State == fanarchive.MemberBanned {
		return fanarchive.ListMessageRejected, reasonBanned, nil
	}
	if strings.TrimSpace(m.Text) == "" && strings.TrimSpace(m.HTML) == "" {
		return fanarchive.ListMessageHeld, reasonEmpty, nil
	}
	if int64(len(in.raw)) > l.MaxSize {
		return fanarchive.ListMessageHeld, reasonTooLarge, nil
	}
	isMember := member != nil && (member.State == fanarchive.MemberActive || member.State == fanarchive.MemberDisabled)
	mod, err := e.isModeratorAddress(ctx, l, in.from)
	if err != nil {
		return "", "", err
	}
	switch {
	case mod:
		return fanarchive.ListMessagePosted, "", nil
	case l.Policy == fanarchive.ListModerated:
		return fanarchive.ListMessageHeld, reasonModerated, nil
	case l.Policy == fanarchive.ListMembersOnly && !isMember:
		return fanarchive.ListMessageHeld, reasonNotMember, nil
	}
	return fanarchive.ListMessagePosted, "", nil
}

// fanout returns what builds a posted message's mail to members: one body
// for all, with each member's own unsubscribe fields and return path. The
// poster is not sent their own post.
func (e *Engine) fanout(ctx context.Context, l *fanarchive.List, raw []byte, m *fanarchive.ListMessage) (fanarchive.ListFanout, error) {
	cfg, err := e.mail(ctx)
	if err != nil {
		return nil, err
	}
	post, err := cfg.BuildPost(ctx, l, raw)
	if err != nil {
		return nil, err
	}
	body := &fanarchive.MailBody{Raw: post.Raw}
	poster := fanarchive.EmailKey(m.FromAddress)
	return func(m *fanarchive.ListMessage, members []*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
		mails := make([]*fanarchive.OutboundMail, 0, len(members))
		for _, mem := range members {
			if fanarchive.EmailKey(mem.Address) == poster {
				continue
			}
			mail, err := cfg.MemberMail(fanarchive.MailKindListPost, fmt.Sprintf("list-post:%d:%d", m.ID, mem.ID), l, mem, body)
			if err != nil {
				return nil, err
			}
			mails = append(mails, mail)
		}
		return mails, nil
	}, nil
}

// file hands a posted message to the records room, and records the work
// it became.
func (e *Engine) file(ctx context.Context, l *fanarchive.List, m *fanarchive.ListMessage, raw []byte) error {
	if e.FileStory == nil || !l.ArchiveWorks {
		return nil
	}
	workID, chapter, err := e.FileStory(ctx, l, m, raw)
	if err != nil {
		// The post is in the archive and with the members; a story that
		// could not be filed is for an archivist, not a reason to refuse.
		e.logger().Warn("list post not filed as a work", "list", l.Name, "id", m.ID, "err", err)
		return nil
	}
	if workID == 0 {
		return nil
	}
	if err := e.Store.SetListMessageWork(ctx, m.ID, workID, chapter); err != nil {
		return err
	}
	m.WorkID, m.Chapter = workID, chapter
	e.logger().Info("list post filed as a work", "list", l.Name, "id", m.ID, "work", workID, "chapter", chapter)
	return nil
}

// isModeratorAddress reports whether addr is the confirmed address of one
// of the list's moderators (or of a site admin or moderator).
func (e *Engine) isModeratorAddress(ctx context.Context, l *fanarchive.List, addr string) (bool, error) {
	u, err := e.Store.FindUserByLogin(ctx, addr)
	if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if !u.EmailConfirmed || fanarchive.EmailKey(u.Email) != fanarchive.EmailKey(addr) {
		return false, nil
	}
	return isModerator(l, u), nil
}

// isModerator reports whether the account moderates the list.
func isModerator(l *fanarchive.List, u *fanarchive.User) bool {
	if u == nil || u.Disabled {
		return false
	}
	if u.HasRole(fanarchive.RoleModerator) {
		return true
	}
	for _, id := range l.Moderators {
		if id == u.ID {
			return true
		}
	}
	return false
}
