package listmail

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"fanarchive"
	"fanarchive/internal/ingest"
	"fanarchive/internal/mail"
)

// Notices are the list's own mail to one person: plain text (never HTML,
// never a received message's HTML), UTF-8, built by mail.Build, From the
// list's request address, with its List-Id and an Auto-Submitted field
// (RFC 3834) so that robots do not answer. Each is returned ready to queue,
// its envelope sender NAME-bounces@domain (no member token: bounces of
// notices count against nobody); the caller sets Key.

// notice builds one notice.
func (c *Config) notice(kind string, l *fanarchive.List, to mail.Address, subject, text string, replyTo string, auto string) (*fanarchive.OutboundMail, error) {
	to.Name = mail.SingleLine(to.Name)
	m := &mail.Message{
		From:      mail.Address{Name: mail.SingleLine(l.Title), Address: l.CommandAddress("-request")},
		To:        []mail.Address{to},
		Subject:   short(mail.SingleLine(subject), 200),
		Text:      text,
		Date:      c.now(),
		MessageID: c.newMessageID(l.Domain()),
		Extra: []mail.Field{
			{Name: "List-Id", Value: noticeListID(l)},
			{Name: "Auto-Submitted", Value: auto},
			{Name: "X-Loop", Value: l.Address},
		},
	}
	if replyTo != "" {
		m.ReplyTo = []mail.Address{{Address: replyTo}}
	}
	raw, err := mail.Build(m)
	if err != nil {
		return nil, err
	}
	return &fanarchive.OutboundMail{Kind: kind, From: l.CommandAddress("-bounces"), To: to.Address, Body: &fanarchive.MailBody{Raw: raw}}, nil
}

// noticeListID is the List-Id for mail.Build, which encodes non-ASCII text
// itself (and would encode the angle brackets with it): the title only
// when it is ASCII.
func noticeListID(l *fanarchive.List) string {
	if id := ListID(l); isASCII(id) && !strings.Contains(id, "=?") {
		return id
	}
	return "<" + l.Name + "." + l.Domain() + ">"
}

// ConfirmURL is the link that answers a confirmation.
func (c *Config) ConfirmURL(l *fanarchive.List, secret string) string {
	return c.listURL(l) + "/confirm/" + secret
}

// modeText says what a delivery mode means.
func modeText(m fanarchive.DeliveryMode) string {
	switch m {
	case fanarchive.DeliverDigest:
		return "one digest a day"
	case fanarchive.DeliverNone:
		return "no mail (you read the list on the web)"
	}
	return "each post as it is sent"
}

// ConfirmNotice asks to.Address to confirm that it wants to join the list
// (double opt-in): a link, or a reply (to ConfirmAddress, its subject
// holding "confirm SECRET"), and "if you did not ask, ignore this".
// Kind MailKindListConfirm.
func (c *Config) ConfirmNotice(l *fanarchive.List, to mail.Address, secret string, mode fanarchive.DeliveryMode) (*fanarchive.OutboundMail, error) {
	title := mail.SingleLine(l.Title)
	var b strings.Builder
	fmt.Fprintf(&b, "Someone, perhaps you, asked for %s to join the %s mailing list, getting %s.\n\n", to.Address, title, modeText(mode))
	fmt.Fprintf(&b, "To confirm, open this link:\n\n  %s\n\nor simply reply to this message.\n\n", c.ConfirmURL(l, secret))
	fmt.Fprintf(&b, "If you did not ask to join, ignore this message: you will not be subscribed, and we will not write again about it.\n\n")
	fmt.Fprintf(&b, "The request expires in %d days.\n\n-- \n%s\n%s\n", int(fanarchive.ListConfirmTokenLife.Hours()/24), title, c.listURL(l))
	return c.notice(fanarchive.MailKindListConfirm, l, to, title+": please confirm your subscription (confirm "+secret+")", b.String(), ConfirmAddress(l, secret), "auto-replied")
}

// commandsText says how to use the list by mail and on the web.
func (c *Config) commandsText(l *fanarchive.List) string {
	var b strings.Builder
	fmt.Fprintf(&b, "To post, write to %s.\n\n", l.Address)
	fmt.Fprintf(&b, "To change how you get the list, send a message to %s whose subject is one of:\n", l.CommandAddress("-request"))
	b.WriteString("  set each      each post as it is sent\n  set digest    one digest a day\n  set nomail    no mail: read the list on the web\n")
	b.WriteString("  unsubscribe   leave the list\n  help          these instructions\n\n")
	fmt.Fprintf(&b, "The archive and your subscription are on the web at\n  %s\n", c.listURL(l))
	fmt.Fprintf(&b, "The list's moderators are at %s.\n", l.CommandAddress("-owner"))
	return b.String()
}

// WelcomeNotice welcomes a new member: how to post, change mode and leave
// (with the member's own unsubscribe link), and the list's description and
// rules. Kind MailKindListNotice.
func (c *Config) WelcomeNotice(l *fanarchive.List, m *fanarchive.ListMember) (*fanarchive.OutboundMail, error) {
	title := mail.SingleLine(l.Title)
	var b strings.Builder
	fmt.Fprintf(&b, "Welcome to the %s mailing list! %s is now a member, getting %s.\n\n", title, m.Address, modeText(m.Mode))
	if d := strings.TrimSpace(l.Description); d != "" {
		b.WriteString(d + "\n\n")
	}
	if r := strings.TrimSpace(l.Rules); r != "" {
		fmt.Fprintf(&b, "The list's rules:\n\n%s\n\n", r)
	}
	b.WriteString(c.commandsText(l))
	fmt.Fprintf(&b, "\nTo leave at any time, open\n  %s\n\n-- \n%s\n", c.UnsubscribeURL(l, UnsubscribeToken(c.Key, l.ID, m.ID, c.now())), title)
	return c.notice(fanarchive.MailKindListNotice, l, mail.Address{Name: m.Name, Address: m.Address}, "Welcome to "+title, b.String(), "", "auto-generated")
}

// GoodbyeNotice tells a member that it has left the list. Kind
// MailKindListNotice.
func (c *Config) GoodbyeNotice(l *fanarchive.List, m *fanarchive.ListMember) (*fanarchive.OutboundMail, error) {
	title := mail.SingleLine(l.Title)
	text := fmt.Sprintf("%s has left the %s mailing list and will get no more of its mail.\n\nTo join again, visit\n  %s\nor send \"subscribe\" to %s.\n\n-- \n%s\n",
		m.Address, title, c.listURL(l), l.CommandAddress("-request"), title)
	return c.notice(fanarchive.MailKindListNotice, l, mail.Address{Name: m.Name, Address: m.Address}, "You have left "+title, text, "", "auto-generated")
}

// ModeNotice tells a member that its delivery mode changed. Kind
// MailKindListNotice.
func (c *Config) ModeNotice(l *fanarchive.List, m *fanarchive.ListMember) (*fanarchive.OutboundMail, error) {
	title := mail.SingleLine(l.Title)
	text := fmt.Sprintf("%s now gets %s from the %s mailing list.\n\n%s\n-- \n%s\n", m.Address, modeText(m.Mode), title, c.commandsText(l), title)
	return c.notice(fanarchive.MailKindListNotice, l, mail.Address{Name: m.Name, Address: m.Address}, title+": delivery changed", text, "", "auto-replied")
}

// HelpNotice answers "help". Kind MailKindListNotice.
func (c *Config) HelpNotice(l *fanarchive.List, to mail.Address) (*fanarchive.OutboundMail, error) {
	title := mail.SingleLine(l.Title)
	var b strings.Builder
	fmt.Fprintf(&b, "This is the %s mailing list", title)
	if c.SiteName != "" {
		fmt.Fprintf(&b, " at %s", mail.SingleLine(c.SiteName))
	}
	b.WriteString(".\n\n")
	if d := strings.TrimSpace(l.Description); d != "" {
		b.WriteString(d + "\n\n")
	}
	fmt.Fprintf(&b, "To join, send \"subscribe\" (or \"subscribe digest\") to %s, or write to %s.\n", l.CommandAddress("-request"), l.CommandAddress("-subscribe"))
	b.WriteString(c.commandsText(l))
	fmt.Fprintf(&b, "\n-- \n%s\n", title)
	return c.notice(fanarchive.MailKindListNotice, l, to, title+": help", b.String(), "", "auto-replied")
}

// HeldNotice tells a poster that their post waits for a moderator, and
// why. Kind MailKindListNotice.
func (c *Config) HeldNotice(l *fanarchive.List, to mail.Address, subject, reason string) (*fanarchive.OutboundMail, error) {
	title := mail.SingleLine(l.Title)
	text := fmt.Sprintf("Your message to the %s mailing list,\n\n  %s\n\nis held until a moderator looks at it (%s). You will hear from us if it is not posted.\n\n-- \n%s\n",
		title, quoted(subject), mail.SingleLine(reason), title)
	return c.notice(fanarchive.MailKindListNotice, l, to, "Your post to "+title+" is held for a moderator", text, "", "auto-replied")
}

// Refusal says why a message was not taken.
type Refusal string

// Refusals.
const (
	RefusedTooLarge Refusal = "too-large" // over the list's size limit
	RefusedBanned   Refusal = "banned"    // the sender is banned from the list
	RefusedRejected Refusal = "rejected"  // a moderator rejected it
	RefusedCommand  Refusal = "command"   // a request the list did not understand
)

// RefusalNotice tells a sender that their message was not taken. Kind
// MailKindListNotice.
func (c *Config) RefusalNotice(l *fanarchive.List, to mail.Address, subject string, why Refusal) (*fanarchive.OutboundMail, error) {
	title := mail.SingleLine(l.Title)
	var reason string
	switch why {
	case RefusedTooLarge:
		reason = fmt.Sprintf("it is larger than the list takes (%d KB). Long stories can be posted in parts.", l.MaxSize>>10)
	case RefusedBanned:
		reason = "this address may not post to the list."
	case RefusedRejected:
		reason = "a moderator declined it."
	case RefusedCommand:
		reason = "it held no command the list understands. Send \"help\" for the list of commands."
	default:
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "There is no refusal %q.", why)
	}
	text := fmt.Sprintf("Your message to the %s mailing list,\n\n  %s\n\nwas not posted: %s\n\nThe list's moderators are at %s.\n\n-- \n%s\n",
		title, quoted(subject), reason, l.CommandAddress("-owner"), title)
	return c.notice(fanarchive.MailKindListNotice, l, to, "Your message to "+title+" was not posted", text, "", "auto-replied")
}

// short cuts s to n runes, with an ellipsis.
func short(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// quoted is a subject for a notice's text, one line.
func quoted(subject string) string {
	if s := short(mail.SingleLine(subject), 200); s != "" {
		return "\"" + s + "\""
	}
	return "(no subject)"
}

// moderationLines is how much of a held message a moderation request
// shows.
const moderationLines = 40

// ModerationNotice asks a list's moderators to decide on a held message:
// one mail per moderator, Reply-To the message's moderation address
// (ModerationAddress), with who sent it, why it is held, its first lines as
// plain text (never its HTML), the web page, and how to answer ("approve",
// "reject" or "ban" as the first line of a reply). messageID is the held
// ListMessage's ID. Kind MailKindListModeration.
func (c *Config) ModerationNotice(l *fanarchive.List, moderators []mail.Address, m *fanarchive.ListMessage) ([]*fanarchive.OutboundMail, error) {
	title := mail.SingleLine(l.Title)
	text := m.Text
	if text == "" && len(m.Raw) > 0 {
		if posts, ok, _ := ingest.SplitPosts(m.Raw); ok && len(posts) > 0 {
			text = posts[0].Text
		}
	}
	lines := strings.Split(strings.TrimSpace(strings.ToValidUTF8(text, "\uFFFD")), "\n")
	more := len(lines) > moderationLines
	if more {
		lines = lines[:moderationLines]
	}
	from := mail.SingleLine(m.FromName)
	if a := mail.SingleLine(m.FromAddress); a != "" {
		from = strings.TrimSpace(from + " <" + a + ">")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "A message to the %s mailing list is held for a moderator.\n\n", title)
	fmt.Fprintf(&b, "  From:    %s\n  Subject: %s\n  Why:     %s\n", from, mail.SingleLine(m.Subject), mail.SingleLine(m.HoldReason))
	if len(m.Raw) > 0 {
		fmt.Fprintf(&b, "  Size:    %d KB\n", (len(m.Raw)+1023)/1024)
	}
	fmt.Fprintf(&b, "\nTo decide, reply to this message with one word as the first line:\n\n  approve   post it to the list\n  reject    do not post it\n  ban       do not post it, and ban its sender from the list\n\n")
	fmt.Fprintf(&b, "or use the moderation page:\n  %s/moderation\n\n", c.listURL(l))
	fmt.Fprintf(&b, "The message begins:\n\n")
	for _, line := range lines {
		b.WriteString("| " + strings.TrimRight(line, " \t\r") + "\n")
	}
	if more {
		b.WriteString("| […]\n")
	}
	fmt.Fprintf(&b, "\n-- \n%s\n", title)
	reply := ModerationAddress(c.Key, l, m.ID)
	var out []*fanarchive.OutboundMail
	for _, to := range moderators {
		n, err := c.notice(fanarchive.MailKindListModeration, l, to, title+": held post from "+mail.SingleLine(m.FromName)+": "+mail.SingleLine(m.Subject), b.String(), reply, "auto-generated")
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}
