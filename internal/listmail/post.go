package listmail

import (
	"bytes"
	"context"
	netmail "net/mail"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/mail"
)

// Post is a received message made into a list post: the body every member
// gets, and what BuildPost read and did.
type Post struct {
	// Raw is the shared body (fanarchive.MailBody.Raw): the received
	// header rewritten, then the received body byte for byte, CRLF line
	// ends. Each member's own fields (MemberFields) go before it.
	Raw []byte
	// Subject is the post's subject as members see it, decoded, with the
	// list's tag.
	Subject string
	// MessageID is the post's Message-ID with angle brackets: the
	// received one, or one BuildPost added when it had none.
	MessageID string
	// From is the poster as the received From names them.
	From netmail.Address
	// FromRewritten says From was rewritten for DMARC: the post is From
	// "Name via Title" <list address>, the poster in Reply-To and
	// X-Original-From.
	FromRewritten bool
	// DMARC is the policy found for the poster's domain ("" when none was
	// looked up or found).
	DMARC string
}

// dropped are the received fields a post never carries on: the envelope's
// traces (Return-Path, Delivered-To), blind copies, another list's (or a
// forger's) list fields, and those BuildPost writes itself.
var dropped = map[string]bool{
	"Return-Path": true, "Delivered-To": true, "Bcc": true, "Resent-Bcc": true,
	"List-Id": true, "List-Post": true, "List-Archive": true, "List-Help": true, "List-Subscribe": true,
	"List-Unsubscribe": true, "List-Unsubscribe-Post": true, "List-Owner": true,
	"Precedence": true, "Sender": true, "Errors-To": true, "X-Original-From": true,
	"Approved": true, "Approve": true, // Mailman's moderator passwords: never passed on
}

// MaxHeaderBytes is the most header a received message may have: more is
// refused (EINVALID) rather than carried on to every member.
const MaxHeaderBytes = 256 << 10

// BuildPost makes the shared body of a list post out of a received message
// (raw, as received: CRLF or LF). The body and its MIME structure are kept
// byte for byte (HTML and all: the archive sanitises what it shows, members'
// mail programs what they show; the list never re-encodes a body). The
// header is rewritten (docs/lists.md lists every field and why):
//   - the list's tag put before the subject, once ("Re: [level3] …" keeps
//     its one tag; encoded subjects are decoded to look);
//   - List-Id, List-Post, List-Archive, List-Help, List-Subscribe,
//     List-Owner, Precedence: list, X-Loop, Sender and Errors-To added, and
//     the received copies of them dropped, with Return-Path, Delivered-To,
//     Bcc and Approved;
//   - From rewritten to "Name via Title" <list address> when the poster's
//     domain publishes a DMARC policy of quarantine or reject (and
//     Config.DMARCPolicy is set), the poster moved to Reply-To (unless one
//     is there) and X-Original-From; policy none, no record or a failed
//     look-up keep From;
//   - DKIM-Signature dropped when the subject or From was changed, which
//     breaks it (a broken signature only counts against the post); kept
//     when they were not, so it may still verify (DKIM signs the CRLF
//     form, so line ends made CRLF do not break it; added fields break
//     only a signature that "oversigns" them);
//   - a Message-ID and a Date added when missing.
//
// Returns EINVALID for a message without a header, a readable From
// address, or with a header over MaxHeaderBytes.
func (c *Config) BuildPost(ctx context.Context, l *fanarchive.List, raw []byte) (*Post, error) {
	fields, body, ok := splitMessage(raw)
	if !ok {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "The message has no header.")
	}
	size := 0
	for _, f := range fields {
		size += len(f.raw)
	}
	if size > MaxHeaderBytes {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "The message's header is over %d KB.", MaxHeaderBytes>>10)
	}

	p := &Post{}
	fromAt, subjectAt, replyTo, hasDate := -1, -1, false, false
	for i, f := range fields {
		switch f.key {
		case "From":
			if fromAt < 0 {
				fromAt = i
			}
		case "Subject":
			if subjectAt < 0 {
				subjectAt = i
			}
		case "Reply-To":
			replyTo = true
		case "Date":
			hasDate = true
		case "Message-Id":
			if p.MessageID == "" {
				p.MessageID = messageIDOf(f.value)
			}
		}
	}
	if fromAt < 0 {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "The message has no From address.")
	}
	from, ok := parseFrom(fields[fromAt].value)
	if !ok || strings.LastIndexByte(from.Address, '@') <= 0 || fanarchive.ValidateMailPath(from.Address) != nil {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "The message's From address cannot be read.")
	}
	p.From = netmail.Address{Name: mail.SingleLine(from.Name), Address: from.Address}

	// The subject, tagged once.
	var newSubject []byte
	subject := ""
	if subjectAt >= 0 {
		subject = mail.SingleLine(decodeText(fields[subjectAt].value))
	}
	p.Subject = subject
	if tag := mail.SingleLine(l.SubjectTag); tag != "" && !strings.Contains(strings.ToLower(subject), strings.ToLower(tag)) {
		switch {
		case subjectAt < 0 || strings.TrimSpace(fields[subjectAt].value) == "":
			p.Subject = tag + " (no subject)"
			newSubject = foldField("Subject", encodeUnstructured(p.Subject))
		case subject != "" && !isASCII(fields[subjectAt].value):
			// 8-bit text in the header: write it again, encoded.
			p.Subject = tag + " " + subject
			newSubject = foldField("Subject", encodeUnstructured(p.Subject))
		default:
			// Keep the subject as written (its encoded words and all),
			// the tag before it.
			p.Subject = tag + " " + subject
			newSubject = foldField("Subject", encodeUnstructured(tag)+" "+fields[subjectAt].value)
		}
	}

	// DMARC: a domain that asks receivers to refuse or quarantine mail
	// that fails its checks would have its posters' list mail refused.
	var newFrom []byte
	if c.DMARCPolicy != nil && !strings.EqualFold(from.Address, l.Address) {
		domain := strings.ToLower(from.Address[strings.LastIndexByte(from.Address, '@')+1:])
		if policy, err := c.DMARCPolicy(ctx, domain); err == nil {
			p.DMARC = policy
			if policy == "reject" || policy == "quarantine" {
				name := p.From.Name
				if name == "" {
					name = from.Address[:strings.LastIndexByte(from.Address, '@')]
				}
				name = mail.SingleLine(name + " via " + l.Title)
				newFrom = foldField("From", formatAddress(name, l.Address))
				p.FromRewritten = true
			}
		}
	}

	var h bytes.Buffer
	for i, f := range fields {
		switch {
		case dropped[f.key]:
			continue
		case f.key == "Dkim-Signature" && (newSubject != nil || newFrom != nil):
			continue
		case f.key == "Subject" && newSubject != nil:
			if i == subjectAt {
				h.Write(newSubject)
			}
			continue
		case f.key == "From" && newFrom != nil:
			if i == fromAt {
				h.Write(newFrom)
			}
			continue
		}
		h.Write(f.raw)
	}
	if subjectAt < 0 && newSubject != nil {
		h.Write(newSubject)
	}
	if !hasDate {
		h.Write(foldField("Date", c.now().Format(time.RFC1123Z)))
	}
	if p.MessageID == "" {
		p.MessageID = "<" + c.newMessageID(l.Domain()) + ">"
		h.Write(foldField("Message-ID", p.MessageID))
	}
	if newFrom != nil {
		orig := renamed(fields[fromAt].raw, "X-Original-From")
		if !replyTo {
			h.Write(renamed(fields[fromAt].raw, "Reply-To"))
		}
		h.Write(orig)
	}
	h.Write(c.listFields(l))
	h.WriteString("\r\n")
	h.Write(body)
	p.Raw = h.Bytes()
	return p, nil
}

// renamed returns a raw field under another name, its value as written.
func renamed(raw []byte, name string) []byte {
	colon := bytes.IndexByte(raw, ':')
	return append([]byte(name+":"), raw[colon+1:]...)
}

// messageIDOf returns the first "<id>" of a Message-ID value, or the value
// in brackets when it has none.
func messageIDOf(v string) string {
	if lt := strings.IndexByte(v, '<'); lt >= 0 {
		if gt := strings.IndexByte(v[lt:], '>'); gt > 1 {
			return v[lt : lt+gt+1]
		}
	}
	if v = strings.TrimSpace(v); v != "" && !strings.ContainsAny(v, " \t<>") {
		return "<" + v + ">"
	}
	return ""
}

// ListID is the list's List-Id value (RFC 2919): its title as a phrase and
// NAME.DOMAIN in angle brackets.
func ListID(l *fanarchive.List) string {
	return encodePhrase(mail.SingleLine(l.Title)) + " <" + l.Name + "." + l.Domain() + ">"
}

// listFields are the fields every mail of the list carries, posts and
// digests (RFC 2369, 2919): List-Id, List-Post, List-Archive, List-Help,
// List-Subscribe, List-Owner, Precedence, X-Loop, Sender, Errors-To.
// List-Unsubscribe is each member's own (MemberFields).
func (c *Config) listFields(l *fanarchive.List) []byte {
	page := c.listURL(l)
	var b []byte
	for _, f := range []mail.Field{
		{Name: "List-Id", Value: ListID(l)},
		{Name: "List-Post", Value: "<mailto:" + l.Address + ">"},
		{Name: "List-Archive", Value: "<" + page + ">"},
		{Name: "List-Help", Value: "<mailto:" + l.CommandAddress("-request") + "?subject=help>, <" + page + ">"},
		{Name: "List-Subscribe", Value: "<mailto:" + l.CommandAddress("-subscribe") + ">, <" + page + ">"},
		{Name: "List-Owner", Value: "<mailto:" + l.CommandAddress("-owner") + ">"},
		{Name: "Precedence", Value: "list"},
		{Name: "X-Loop", Value: l.Address},
		{Name: "Sender", Value: "<" + l.CommandAddress("-bounces") + ">"},
		{Name: "Errors-To", Value: "<" + l.CommandAddress("-bounces") + ">"},
	} {
		b = append(b, foldField(f.Name, f.Value)...)
	}
	return b
}

// MemberFields returns one member's own header lines for a list mail (a
// post or a digest), written before the shared body: List-Unsubscribe with
// the member's signed link and mailto (RFC 2369) and
// List-Unsubscribe-Post (RFC 8058 one-click); and the member's VERP
// envelope sender, NAME-bounces+TOKEN@domain.
func (c *Config) MemberFields(l *fanarchive.List, m *fanarchive.ListMember) (header []byte, returnPath string, err error) {
	tok := UnsubscribeToken(c.Key, l.ID, m.ID, c.now())
	fields := []mail.Field{
		{Name: "List-Unsubscribe", Value: "<" + c.UnsubscribeURL(l, tok) + ">, <mailto:" + l.CommandAddress("-unsubscribe") + "?subject=unsubscribe%20" + tok + ">"},
		{Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click"},
	}
	// The values are the base URL, the list's addresses and the token:
	// checked as mail.HeaderFields checks values (one line of printable
	// text), without its cost per member (it was most of a fan-out's time),
	// then folded at the comma.
	for _, f := range fields {
		if !printableASCII(f.Value) {
			return nil, "", fanarchive.Errorf(fanarchive.EINVALID, "The %s field would hold control characters or non-ASCII text: check the base URL and the list's address.", f.Name)
		}
		header = append(header, foldField(f.Name, f.Value)...)
	}
	return header, BounceAddress(c.Key, l, m.ID), nil
}

// UnsubscribeURL is a member's unsubscribe link: the page that unsubscribes
// with one click (POST, RFC 8058) or shows a button (GET, as mail scanners
// fetch links).
func (c *Config) UnsubscribeURL(l *fanarchive.List, token string) string {
	return c.listURL(l) + "/unsubscribe?t=" + token
}

// MemberMail is a list mail to one member, ready to queue: kind
// (fanarchive.MailKindListPost or MailKindListDigest), the caller's
// idempotency key, the member's own fields and VERP return path, and the
// shared body.
func (c *Config) MemberMail(kind, key string, l *fanarchive.List, m *fanarchive.ListMember, body *fanarchive.MailBody) (*fanarchive.OutboundMail, error) {
	h, from, err := c.MemberFields(l, m)
	if err != nil {
		return nil, err
	}
	return &fanarchive.OutboundMail{Kind: kind, Key: key, From: from, To: m.Address, Header: h, Body: body}, nil
}

// printableASCII reports whether s is printable ASCII (spaces allowed).
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
