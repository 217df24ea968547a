// Package comments is the mail side of comments, subscriptions and the
// inbox (docs/comments.md): what a comment's text becomes (Render), the
// notification and digest mails, the signed addresses that let a reader
// answer a comment notification by replying to it (ReplyByMail), and the
// signed unsubscribe links of subscription mail.
package comments

import (
	"context"
	"crypto/hmac"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/mail"
	"fanarchive/internal/prose"
	"fanarchive/internal/signing"
)

// SecretName is the store secret that signs reply addresses and
// unsubscribe links.
const SecretName = "comments"

// Render turns what a writer typed into the sanitised HTML a comment
// shows: Markdown (with HTML in it sanitised) or plain text. Returns
// EINVALID for an unknown format or text that is not valid.
func Render(format fanarchive.CommentFormat, input string) (string, error) {
	switch format {
	case fanarchive.CommentMarkdown:
		return prose.Render(prose.FormatMarkdown, input)
	case fanarchive.CommentText:
		return prose.Render(prose.FormatPlainText, input)
	}
	return "", fanarchive.Errorf(fanarchive.EINVALID, "A comment is Markdown or plain text.")
}

// Service builds the mail of notifications and takes replies to it. Store,
// SiteName, BaseURL and From are needed.
type Service struct {
	Store    fanarchive.Store
	SiteName string
	// BaseURL is what links start with, without a trailing slash.
	BaseURL string
	// From is the archive's address; reply addresses are at its domain
	// (comment+TOKEN@domain).
	From mail.Address

	key signing.Key
}

// secret returns the signing key, read from the store once.
func (x *Service) secret(ctx context.Context) ([]byte, error) {
	return x.key.Get(ctx, x.Store, SecretName)
}

// macLen is how many bytes of HMAC-SHA256 a token keeps (96 bits).
const macLen = 12

func sign(key []byte, purpose, payload string) string {
	return hex.EncodeToString(signing.Sum(key, purpose, payload)[:macLen])
}

// makeToken signs two IDs for a purpose: "a-b-mac", base 36, lower case.
func makeToken(key []byte, purpose string, a, b int64) string {
	payload := strconv.FormatInt(a, 36) + "-" + strconv.FormatInt(b, 36)
	return payload + "-" + sign(key, purpose, payload)
}

// parseToken checks a token of makeToken. Returns ENOTFOUND for a token
// that is malformed, altered or forged.
func parseToken(key []byte, purpose, token string) (int64, int64, error) {
	bad := fanarchive.Errorf(fanarchive.ENOTFOUND, "That link or address is not valid.")
	parts := strings.Split(strings.ToLower(token), "-")
	if len(parts) != 3 {
		return 0, 0, bad
	}
	payload := parts[0] + "-" + parts[1]
	if !hmac.Equal([]byte(parts[2]), []byte(sign(key, purpose, payload))) {
		return 0, 0, bad
	}
	a, err1 := strconv.ParseInt(parts[0], 36, 64)
	b, err2 := strconv.ParseInt(parts[1], 36, 64)
	if err1 != nil || err2 != nil || a <= 0 || b <= 0 {
		return 0, 0, bad
	}
	return a, b, nil
}

// ReplyToken is the token of a notification's reply address: the comment
// it is about and the account it was mailed to.
func ReplyToken(key []byte, commentID, userID int64) string {
	return makeToken(key, "comment-reply", commentID, userID)
}

// ParseReplyToken checks a reply token and returns the comment and the
// account. Returns ENOTFOUND for a bad one.
func ParseReplyToken(key []byte, token string) (commentID, userID int64, err error) {
	return parseToken(key, "comment-reply", token)
}

// UnsubscribeToken is the token of a subscription's unsubscribe link.
func UnsubscribeToken(key []byte, subscriptionID, userID int64) string {
	return makeToken(key, "unsubscribe", subscriptionID, userID)
}

// ParseUnsubscribeToken checks an unsubscribe token. Returns ENOTFOUND for
// a bad one.
func ParseUnsubscribeToken(key []byte, token string) (subscriptionID, userID int64, err error) {
	return parseToken(key, "unsubscribe", token)
}

// CheckUnsubscribeToken is ParseUnsubscribeToken with the service's key.
func (x *Service) CheckUnsubscribeToken(ctx context.Context, token string) (int64, int64, error) {
	key, err := x.secret(ctx)
	if err != nil {
		return 0, 0, err
	}
	return ParseUnsubscribeToken(key, token)
}

// UnsubscribeURL is the unsubscribe link of a subscription.
func (x *Service) UnsubscribeURL(ctx context.Context, subscriptionID, userID int64) (string, error) {
	key, err := x.secret(ctx)
	if err != nil {
		return "", err
	}
	return x.BaseURL + "/unsubscribe/" + UnsubscribeToken(key, subscriptionID, userID), nil
}

// ReplyAddress is the address replies to a comment notification mailed
// to userID go to.
func (x *Service) ReplyAddress(ctx context.Context, commentID, userID int64) (string, error) {
	key, err := x.secret(ctx)
	if err != nil {
		return "", err
	}
	return x.replyAddress(key, commentID, userID), nil
}

func (x *Service) replyAddress(key []byte, commentID, userID int64) string {
	_, domain, _ := strings.Cut(x.From.Address, "@")
	return "comment+" + ReplyToken(key, commentID, userID) + "@" + domain
}

// Blocker is what the blocking of issue 10 (item 6) is to provide: whether
// userID blocks actorID. The store implements it once blocking exists;
// until then nothing is blocked.
type Blocker interface {
	IsBlocked(ctx context.Context, userID, actorID int64) (bool, error)
}

// Blocked reports whether any of owners blocks actor (an account; guests
// are never blocked by account), when the store knows about blocking.
func Blocked(ctx context.Context, store any, owners []int64, actor int64) (bool, error) {
	b, ok := store.(Blocker)
	if !ok || actor == 0 {
		return false, nil
	}
	for _, o := range owners {
		if blocked, err := b.IsBlocked(ctx, o, actor); err != nil || blocked {
			return blocked, err
		}
	}
	return false, nil
}

// title is a work's title for mail.
func title(t string) string {
	if t = mail.SingleLine(t); t == "" {
		return "Untitled"
	}
	return t
}

// Mailer returns the NotificationMailer the store calls to build
// notification mail: one mail per notification, or a digest.
func (x *Service) Mailer(ctx context.Context) (fanarchive.NotificationMailer, error) {
	key, err := x.secret(ctx)
	if err != nil {
		return nil, err
	}
	return func(to fanarchive.NotificationRecipient, ns []*fanarchive.Notification) ([]*fanarchive.OutboundMail, error) {
		if len(ns) == 0 {
			return nil, nil
		}
		if to.Digest != "" {
			m, err := x.digestMail(key, to, ns)
			return []*fanarchive.OutboundMail{m}, err
		}
		var out []*fanarchive.OutboundMail
		for _, n := range ns {
			m, err := x.notificationMail(key, to, n)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		}
		return out, nil
	}, nil
}

// line says what a notification is about, in one line.
func (x *Service) line(n *fanarchive.Notification) string {
	t := "\"" + title(n.WorkTitle) + "\""
	switch n.Kind {
	case fanarchive.NotifyNewChapter:
		return "A new chapter of " + t + ": " + mail.SingleLine(n.Text)
	case fanarchive.NotifyComment:
		return "A comment on " + t + " by " + mail.SingleLine(n.Text)
	case fanarchive.NotifyReply:
		return "A reply to your comment on " + t + " by " + mail.SingleLine(n.Text)
	}
	return t + ": " + mail.SingleLine(n.Text)
}

// link is where a notification leads.
func (x *Service) link(n *fanarchive.Notification) string {
	u := x.BaseURL + "/works/" + strconv.FormatInt(n.WorkID, 10)
	if n.CommentID != 0 {
		u += "/comments/" + strconv.FormatInt(n.CommentID, 10)
	}
	return u
}

// notificationMail is the mail of one notification.
func (x *Service) notificationMail(key []byte, to fanarchive.NotificationRecipient, n *fanarchive.Notification) (*fanarchive.OutboundMail, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\n%s\n%s\n\n", mail.SingleLine(to.Name), x.line(n), x.link(n))
	m := &mail.Message{From: x.From, To: []mail.Address{{Address: to.Address}}, Date: time.Now(),
		Extra: []mail.Field{{Name: "Auto-Submitted", Value: "auto-generated"}}}
	kind := fanarchive.MailKindNotification
	m.Subject = mail.SingleLine(x.SiteName + ": " + x.line(n))
	if len(m.Subject) > 200 {
		m.Subject = m.Subject[:200]
	}
	if n.CommentID != 0 {
		kind = fanarchive.MailKindComment
		m.ReplyTo = []mail.Address{{Name: x.SiteName, Address: x.replyAddress(key, n.CommentID, to.UserID)}}
		fmt.Fprintf(&b, "Reply to this mail to answer on %s: your reply is posted as a comment under your name "+
			"(quoted text and your signature are left out).\n\n", x.SiteName)
	}
	if n.SubscriptionID != 0 {
		stop := x.BaseURL + "/unsubscribe/" + UnsubscribeToken(key, n.SubscriptionID, to.UserID)
		fmt.Fprintf(&b, "To unsubscribe:\n%s\n\n", stop)
		m.Extra = append(m.Extra, mail.Field{Name: "List-Unsubscribe", Value: "<" + stop + ">"},
			mail.Field{Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click"})
	}
	fmt.Fprintf(&b, "Your inbox: %s/inbox\nHow you get these mails (each, a daily digest, or none): %s/inbox\n", x.BaseURL, x.BaseURL)
	m.Text = b.String()
	raw, err := mail.Build(m)
	if err != nil {
		return nil, fmt.Errorf("build notification mail: %w", err)
	}
	return &fanarchive.OutboundMail{Kind: kind, Key: "notification:" + strconv.FormatInt(n.ID, 10), From: x.From.Address,
		To: to.Address, Body: &fanarchive.MailBody{Raw: raw}}, nil
}

// digestMail is a day's notifications in one mail.
func (x *Service) digestMail(key []byte, to fanarchive.NotificationRecipient, ns []*fanarchive.Notification) (*fanarchive.OutboundMail, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\nWhat happened on %s since your last digest:\n\n", mail.SingleLine(to.Name), x.SiteName)
	subs := map[int64]bool{}
	for _, n := range ns {
		fmt.Fprintf(&b, "- %s\n  %s\n", x.line(n), x.link(n))
		if n.SubscriptionID != 0 && !subs[n.SubscriptionID] {
			subs[n.SubscriptionID] = true
			fmt.Fprintf(&b, "  Unsubscribe: %s/unsubscribe/%s\n", x.BaseURL, UnsubscribeToken(key, n.SubscriptionID, to.UserID))
		}
	}
	fmt.Fprintf(&b, "\nYour inbox: %s/inbox\nHow you get these mails: %s/inbox\n", x.BaseURL, x.BaseURL)
	day := to.Digest
	raw, err := mail.Build(&mail.Message{From: x.From, To: []mail.Address{{Address: to.Address}}, Date: time.Now(),
		Subject: mail.SingleLine(fmt.Sprintf("%s: your daily digest (%d)", x.SiteName, len(ns))), Text: b.String(),
		Extra: []mail.Field{{Name: "Auto-Submitted", Value: "auto-generated"}}})
	if err != nil {
		return nil, fmt.Errorf("build digest: %w", err)
	}
	return &fanarchive.OutboundMail{Kind: fanarchive.MailKindDigest, Key: "digest:" + strconv.FormatInt(to.UserID, 10) + ":" + day,
		From: x.From.Address, To: to.Address, Body: &fanarchive.MailBody{Raw: raw}}, nil
}
