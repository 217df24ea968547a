package feedback

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"fanarchive"

	gomessage "github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // replies in any charset
	gomail "github.com/emersion/go-message/mail"
)

// Forward is what a reply received at a relay address becomes: one mail to
// the other side of the conversation. To is private, for the caller's
// checks; the caller queues Mail (fanarchive.MailOutbox.QueueMail).
type Forward struct {
	FeedbackID int64
	Direction  Direction
	To         string
	Mail       *fanarchive.OutboundMail
}

// maxReplyText is how much of a reply's text is relayed.
const maxReplyText = 100_000

// RelayReply maps a reply received at the relay address with this token
// (the part after "reply+") to its forward: the text of message (an RFC
// 5322 message) from the archive to the other side, with a relay address
// leading back as its Reply-To. Nothing of message's header but its
// subject is kept, and the replier's own address is cut from the text, so
// the forward carries no address of the replier. Returns ENOTFOUND for a
// forged, altered or malformed token or a conversation that is gone, and
// EINVALID for an automatic reply (Auto-Submitted), a message without
// text, or a side the relay no longer writes to.
func (r *Relay) RelayReply(ctx context.Context, token string, message []byte) (*Forward, error) {
	key, err := r.secret(ctx)
	if err != nil {
		return nil, err
	}
	d, fid, uid, err := ParseReplyToken(key, token)
	if err != nil {
		return nil, err
	}
	subject, text, err := readReply(message)
	if err != nil {
		return nil, err
	}
	route, err := r.Store.FeedbackReplyRoute(ctx, fid, d == ToSender, uid)
	if err != nil {
		return nil, err
	}
	for _, a := range route.Scrub {
		text = scrub(text, a)
		subject = scrub(subject, a)
	}
	back := ToAuthor
	if d == ToAuthor {
		back = ToSender
	}
	f := route.Feedback
	var b strings.Builder
	fmt.Fprintf(&b, "%s replied about \"%s\" (%s):\n\n----\n%s\n----\n\n", route.FromName, title(f.WorkTitle), r.workURL(f.WorkID), text)
	fmt.Fprintf(&b, "Reply to this mail to answer: %s relays it, and neither of you sees the other's address.\n\n", r.SiteName)
	stop := r.BaseURL + "/feedback/stop/" + StopToken(key, route.To.AddressID)
	fmt.Fprintf(&b, "To stop %s relaying mail to this address:\n%s\n", r.SiteName, stop)
	if subject == "" {
		subject = "Re: Feedback on \"" + title(f.WorkTitle) + "\""
	}
	m, err := r.build(fanarchive.MailKindFeedbackReply, route.FromName, route.To.Address,
		r.replyAddress(ReplyToken(key, back, fid, route.FromUserID)), subject, b.String(), stop)
	if err != nil {
		return nil, err
	}
	return &Forward{FeedbackID: fid, Direction: d, To: route.To.Address, Mail: m}, nil
}

// readReply returns the subject and plain text of a received message.
func readReply(message []byte) (string, string, error) {
	mr, err := gomail.CreateReader(bytes.NewReader(message))
	if err != nil && !gomessage.IsUnknownCharset(err) {
		return "", "", fanarchive.Errorf(fanarchive.EINVALID, "The reply could not be read: %v", err)
	}
	defer mr.Close()
	if a := strings.ToLower(strings.TrimSpace(mr.Header.Get("Auto-Submitted"))); a != "" && a != "no" {
		return "", "", fanarchive.Errorf(fanarchive.EINVALID, "Automatic replies are not relayed.")
	}
	subject, _ := mr.Header.Subject()
	var text string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		} else if err != nil {
			return "", "", fanarchive.Errorf(fanarchive.EINVALID, "The reply could not be read: %v", err)
		}
		h, ok := p.Header.(*gomail.InlineHeader)
		if !ok {
			continue // attachments are not relayed
		}
		if ct, _, _ := h.ContentType(); ct != "" && ct != "text/plain" {
			continue
		}
		body, err := io.ReadAll(io.LimitReader(p.Body, maxReplyText))
		if err != nil {
			return "", "", fanarchive.Errorf(fanarchive.EINVALID, "The reply could not be read: %v", err)
		}
		text = string(body)
		break
	}
	text = strings.TrimSpace(strings.ToValidUTF8(strings.ReplaceAll(text, "\r\n", "\n"), "\uFFFD"))
	if text == "" || !utf8.ValidString(text) {
		return "", "", fanarchive.Errorf(fanarchive.EINVALID, "The reply has no text to relay.")
	}
	return subject, text, nil
}

// scrub cuts an address from text, however cased.
func scrub(text, addr string) string {
	if addr == "" {
		return text
	}
	return regexp.MustCompile(`(?i)`+regexp.QuoteMeta(addr)).ReplaceAllString(text, "[address hidden]")
}
