// Package feedback is the feedback relay (docs/feedback.md): the mail that
// carries a reader's message to a work's authors, the signed relay
// addresses its replies come back through, the signed links that stop the
// relay writing to an address, and RelayReply, which maps a reply received
// at a relay address to its forward. Neither side of a conversation ever
// sees the other's address: every relayed mail is from the archive, and its
// Reply-To is a relay address.
package feedback

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
	"fanarchive/internal/signing"
)

// SecretName is the store secret (fanarchive.RateLimiter.Secret) that signs
// relay addresses and stop links.
const SecretName = "feedback-relay"

// Relay builds relayed mail. Its zero value is not usable: Store, SiteName,
// BaseURL and From are needed.
type Relay struct {
	Store    fanarchive.Store
	SiteName string
	// BaseURL is what links start with, without a trailing slash.
	BaseURL string
	// From is the archive's address: every relayed mail is from it, and
	// relay addresses are at its domain (reply+TOKEN@domain).
	From mail.Address

	key signing.Key
}

// secret returns the signing key, read from the store once.
func (r *Relay) secret(ctx context.Context) ([]byte, error) {
	return r.key.Get(ctx, r.Store, SecretName)
}

// Direction says which way a relay address carries a reply.
type Direction byte

// Directions.
const (
	ToSender Direction = 's' // from a recipient of the feedback to its sender
	ToAuthor Direction = 'a' // from the sender to one recipient
)

// macLen is how many bytes of HMAC-SHA256 a token keeps: 96 bits, so the
// token and "reply+" fit a 64-byte local part for any IDs.
const macLen = 12

// sign returns the hex MAC of a payload for a purpose.
func sign(key []byte, purpose, payload string) string {
	return hex.EncodeToString(signing.Sum(key, purpose, payload)[:macLen])
}

// ReplyToken is the token of a relay address: direction, feedback ID and
// the recipient account (0 for a legacy address), in base 36, and a MAC.
// It is lower case, so mail systems that fold local parts keep it whole.
func ReplyToken(key []byte, d Direction, feedbackID, userID int64) string {
	payload := string(d) + strconv.FormatInt(feedbackID, 36) + "-" + strconv.FormatInt(userID, 36)
	return payload + "-" + sign(key, "reply", payload)
}

// ParseReplyToken checks a relay token and returns what it names. Returns
// ENOTFOUND for a token that is malformed, altered or forged.
func ParseReplyToken(key []byte, token string) (Direction, int64, int64, error) {
	bad := fanarchive.Errorf(fanarchive.ENOTFOUND, "That relay address is not valid.")
	token = strings.ToLower(token)
	i := strings.LastIndexByte(token, '-')
	if i < 0 || len(token) < 4 {
		return 0, 0, 0, bad
	}
	payload, mac := token[:i], token[i+1:]
	if !hmac.Equal([]byte(mac), []byte(sign(key, "reply", payload))) {
		return 0, 0, 0, bad
	}
	d := Direction(payload[0])
	ids := strings.Split(payload[1:], "-")
	if (d != ToSender && d != ToAuthor) || len(ids) != 2 {
		return 0, 0, 0, bad
	}
	fid, err1 := strconv.ParseInt(ids[0], 36, 64)
	uid, err2 := strconv.ParseInt(ids[1], 36, 64)
	if err1 != nil || err2 != nil || fid <= 0 || uid < 0 {
		return 0, 0, 0, bad
	}
	return d, fid, uid, nil
}

// StopToken is the token of an address's stop link: the relay's row ID and
// a MAC.
func StopToken(key []byte, addressID int64) string {
	payload := strconv.FormatInt(addressID, 36)
	return payload + "-" + sign(key, "stop", payload)
}

// ParseStopToken checks a stop link's token and returns its address row.
// Returns ENOTFOUND for a bad one.
func ParseStopToken(key []byte, token string) (int64, error) {
	bad := fanarchive.Errorf(fanarchive.ENOTFOUND, "That link is not valid.")
	payload, mac, ok := strings.Cut(strings.ToLower(token), "-")
	if !ok || !hmac.Equal([]byte(mac), []byte(sign(key, "stop", payload))) {
		return 0, bad
	}
	id, err := strconv.ParseInt(payload, 36, 64)
	if err != nil || id <= 0 {
		return 0, bad
	}
	return id, nil
}

// CheckStopToken is ParseStopToken with the relay's key.
func (r *Relay) CheckStopToken(ctx context.Context, token string) (int64, error) {
	key, err := r.secret(ctx)
	if err != nil {
		return 0, err
	}
	return ParseStopToken(key, token)
}

// domain is the domain of the archive's address, where relay addresses are.
func (r *Relay) domain() string {
	_, d, _ := strings.Cut(r.From.Address, "@")
	return d
}

// replyAddress is the relay address for a token.
func (r *Relay) replyAddress(token string) string { return "reply+" + token + "@" + r.domain() }

// workURL is a work's public URL.
func (r *Relay) workURL(id int64) string { return r.BaseURL + "/works/" + strconv.FormatInt(id, 10) }

// title is a work's title for a mail's text and subject.
func title(t string) string {
	if t = mail.SingleLine(t); t == "" {
		return "Untitled"
	}
	return t
}

// Mailer returns the FeedbackMailer the store calls to build the mail of
// feedback f to each of its recipients: from the archive, its Reply-To the
// relay address that leads to f's sender, the sender's words as plain
// text, and a stop link for the recipient's address; a legacy address
// is also invited to claim the work.
func (r *Relay) Mailer(ctx context.Context) (fanarchive.FeedbackMailer, error) {
	key, err := r.secret(ctx)
	if err != nil {
		return nil, err
	}
	return func(f *fanarchive.Feedback, to []fanarchive.FeedbackRecipient) ([]*fanarchive.OutboundMail, error) {
		var out []*fanarchive.OutboundMail
		for _, rc := range to {
			m, err := r.feedbackMail(key, f, rc)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		}
		return out, nil
	}, nil
}

// feedbackMail is the mail relaying f to one recipient.
func (r *Relay) feedbackMail(key []byte, f *fanarchive.Feedback, rc fanarchive.FeedbackRecipient) (*fanarchive.OutboundMail, error) {
	name := mail.SingleLine(f.SenderName)
	who := name + " (a reader with an account at " + r.SiteName + ")"
	if f.SenderID == 0 {
		who = "A guest who gave the name " + name
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\n%s sent you feedback on \"%s\" (%s):\n\n", mail.SingleLine(rc.Name), who, title(f.WorkTitle), r.workURL(f.WorkID))
	if f.Subject != "" {
		fmt.Fprintf(&b, "Subject: %s\n\n", mail.SingleLine(f.Subject))
	}
	fmt.Fprintf(&b, "----\n%s\n----\n\n", strings.TrimSpace(f.Body))
	fmt.Fprintf(&b, "Reply to this mail to answer %s: %s relays it, and neither of you sees the other's address.\n\n", name, r.SiteName)
	if rc.UserID == 0 {
		fmt.Fprintf(&b, "%s keeps this story from an old archive or list, and its original header gave this address for feedback. "+
			"If you wrote it, you can claim it and your other stories there (you need an account at %s):\n%s/claim\n\n",
			r.SiteName, r.SiteName, r.workURL(f.WorkID))
	} else {
		fmt.Fprintf(&b, "You can turn relayed feedback off on your account page: %s/account\n\n", r.BaseURL)
	}
	stop := r.BaseURL + "/feedback/stop/" + StopToken(key, rc.AddressID)
	fmt.Fprintf(&b, "To stop %s relaying feedback to this address:\n%s\n", r.SiteName, stop)
	subject := "Feedback on \"" + title(f.WorkTitle) + "\""
	if s := mail.SingleLine(f.Subject); s != "" {
		subject += ": " + s
	}
	return r.build(fanarchive.MailKindFeedback, name, rc.Address, r.replyAddress(ReplyToken(key, ToSender, f.ID, rc.UserID)), subject, b.String(), stop)
}

// build makes one relayed mail: from the archive (with the name of whoever
// it is on behalf of), to one address, replies to the relay.
func (r *Relay) build(kind, onBehalf, to, replyTo, subject, text, stop string) (*fanarchive.OutboundMail, error) {
	// A name that looks like an address ("billing@bank.example via …")
	// is not shown as one.
	from := r.From
	from.Name = mail.SingleLine(strings.ReplaceAll(onBehalf, "@", " at ") + " via " + r.SiteName)
	raw, err := mail.Build(&mail.Message{
		From:    from,
		To:      []mail.Address{{Address: to}},
		ReplyTo: []mail.Address{{Address: replyTo}},
		Subject: mail.SingleLine(subject),
		Text:    text,
		Date:    time.Now(),
		Extra:   []mail.Field{{Name: "List-Unsubscribe", Value: "<" + stop + ">"}},
	})
	if err != nil {
		return nil, fmt.Errorf("build %s mail: %w", kind, err)
	}
	return &fanarchive.OutboundMail{Kind: kind, From: r.From.Address, To: to, Body: &fanarchive.MailBody{Raw: raw}}, nil
}
