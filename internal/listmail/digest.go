package listmail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime/quotedprintable"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fanarchive"
	"fanarchive/internal/mail"
)

// Digest is a built digest: the body every digest member gets (their own
// fields from MemberFields go before it).
type Digest struct {
	Raw       []byte
	Subject   string // "Level Three digest, Vol 1, Issue 23"
	MessageID string // with angle brackets
}

// digestFields are the fields of a message kept inside a digest: who,
// what, when, threading and MIME; no trace or list fields.
var digestFields = map[string]bool{
	"From": true, "To": true, "Cc": true, "Reply-To": true, "Subject": true, "Date": true,
	"Message-Id": true, "In-Reply-To": true, "References": true, "Mime-Version": true,
	"Content-Type": true, "Content-Transfer-Encoding": true, "Content-Disposition": true,
	"Content-Language": true, "Keywords": true, "Summary": true,
}

// DigestSubject is a digest's subject: "TITLE digest, Vol V, Issue N".
func DigestSubject(l *fanarchive.List, volume, issue int) string {
	return fmt.Sprintf("%s digest, Vol %d, Issue %d", mail.SingleLine(l.Title), volume, issue)
}

// BuildDigest builds one MIME digest of a list's messages (posted, in
// order; at most fanarchive.ListDigestMaxMessages), numbered volume and
// issue by the caller: a multipart/mixed message (RFC 2046) of
//  1. a text/plain table of contents in the style of RFC 1153 (how to post
//     and change one's subscription, "Today's Topics:", the numbered
//     subjects with their authors),
//  2. a multipart/digest of the messages, each a message/rfc822 part: the
//     received message with only its own fields (From, Subject, Date,
//     Message-ID, threading, MIME) and its body as received — or, for a
//     message without Raw, a text/plain one made of its Subject, From,
//     Date and Text,
//  3. a text/plain footer: how to unsubscribe or change mode, "End of …".
//
// It is From the list's request address with Reply-To the list, and
// carries the list's fields (as BuildPost's posts do). Returns EINVALID for
// no messages.
func (c *Config) BuildDigest(l *fanarchive.List, volume, issue int, messages []*fanarchive.ListMessage) (*Digest, error) {
	if len(messages) == 0 {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "A digest needs messages.")
	}
	d := &Digest{Subject: DigestSubject(l, volume, issue), MessageID: "<" + c.newMessageID(l.Domain()) + ">"}
	title := mail.SingleLine(l.Title)
	page := c.listURL(l)

	var toc strings.Builder
	fmt.Fprintf(&toc, "Send %s mailing list submissions to\n\t%s\n\n", title, l.Address)
	fmt.Fprintf(&toc, "To subscribe or unsubscribe, or to get each post instead of digests, visit\n\t%s\nor send a message with the subject or body \"help\" to\n\t%s\n\n", page, l.CommandAddress("-request"))
	fmt.Fprintf(&toc, "You can reach the list's moderators at\n\t%s\n\n", l.CommandAddress("-owner"))
	fmt.Fprintf(&toc, "When replying, please edit your Subject line so it is more specific\nthan \"Re: Contents of %s digest...\"\n\n", title)
	toc.WriteString("Today's Topics:\n\n")
	parts := make([][]byte, len(messages))
	for i, m := range messages {
		subject := mail.SingleLine(m.Subject)
		if subject == "" {
			subject = "(no subject)"
		}
		who := mail.SingleLine(m.FromName)
		if who == "" {
			who = "someone"
		}
		toc.WriteString(wrapEntry(fmt.Sprintf("%4d. %s (%s)", i+1, subject, who), 6))
		parts[i] = c.digestMessage(l, m)
	}
	toc.WriteString("\n")

	var foot strings.Builder
	fmt.Fprintf(&foot, "_______________________________________________\n%s mailing list\n%s\n%s\n\n", title, l.Address, page)
	fmt.Fprintf(&foot, "To stop getting this digest, or to get each post as it is sent, follow\nthe unsubscribe link in this message's header, visit the page above, or\nmail \"set each\" or \"unsubscribe\" to %s.\n\n", l.CommandAddress("-request"))
	end := "End of " + d.Subject
	fmt.Fprintf(&foot, "%s\n%s\n", end, strings.Repeat("*", min(76, utf8.RuneCountInString(end))))

	tocPart, footPart := qpText(toc.String()), qpText(foot.String())
	outer, inner := boundaries(append(append(bytes.Join(parts, nil), tocPart...), footPart...))

	var b bytes.Buffer
	b.Write(foldField("From", formatAddress(title, l.CommandAddress("-request"))))
	b.Write(foldField("To", formatAddress(title, l.Address)))
	b.Write(foldField("Reply-To", "<"+l.Address+">"))
	b.Write(foldField("Subject", encodeUnstructured(d.Subject)))
	b.Write(foldField("Date", c.now().Format(time.RFC1123Z)))
	b.Write(foldField("Message-ID", d.MessageID))
	b.Write(foldField("MIME-Version", "1.0"))
	b.Write(foldField("Content-Type", `multipart/mixed; boundary="`+outer+`"`))
	b.Write(c.listFields(l))
	b.WriteString("\r\nThis is a MIME digest of " + strconv.Itoa(len(messages)) + " messages.\r\n\r\n")

	b.WriteString("--" + outer + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n")
	b.Write(foldField("Content-Description", encodeUnstructured(d.Subject)))
	b.WriteString("\r\n")
	b.Write(tocPart)
	b.WriteString("\r\n--" + outer + "\r\n")
	b.WriteString(`Content-Type: multipart/digest; boundary="` + inner + "\"\r\n\r\n")
	for _, p := range parts {
		b.WriteString("--" + inner + "\r\nContent-Type: message/rfc822\r\n\r\n")
		b.Write(p)
		b.WriteString("\r\n")
	}
	b.WriteString("--" + inner + "--\r\n\r\n--" + outer + "\r\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Description: Digest Footer\r\n\r\n")
	b.Write(footPart)
	b.WriteString("\r\n--" + outer + "--\r\n")
	d.Raw = b.Bytes()
	return d, nil
}

// digestMessage is one message of a digest, CRLF, ending in a line end.
func (c *Config) digestMessage(l *fanarchive.List, m *fanarchive.ListMessage) []byte {
	if len(m.Raw) > 0 {
		if fields, body, ok := splitMessage(m.Raw); ok {
			var b bytes.Buffer
			hasFrom := false
			for _, f := range fields {
				if digestFields[f.key] {
					b.Write(f.raw)
					hasFrom = hasFrom || f.key == "From"
				}
			}
			if hasFrom {
				b.WriteString("\r\n")
				b.Write(body)
				if !bytes.HasSuffix(body, []byte("\r\n")) {
					b.WriteString("\r\n")
				}
				return b.Bytes()
			}
		}
	}
	// No usable raw message: one made of what the archive keeps.
	var b bytes.Buffer
	from := m.FromAddress
	if fanarchive.ValidateMailPath(from) != nil {
		from = l.Address
	}
	b.Write(foldField("From", formatAddress(mail.SingleLine(m.FromName), from)))
	b.Write(foldField("Subject", encodeUnstructured(mail.SingleLine(m.Subject))))
	date := m.Date
	if date.IsZero() {
		date = m.ReceivedAt
	}
	if !date.IsZero() {
		b.Write(foldField("Date", date.Format(time.RFC1123Z)))
	}
	if id := messageIDOf(m.MessageID); id != "" && isASCII(id) && !strings.ContainsFunc(id, func(r rune) bool { return r < ' ' }) {
		b.Write(foldField("Message-ID", id))
	}
	if id := messageIDOf(m.InReplyTo); id != "" && isASCII(id) && !strings.ContainsFunc(id, func(r rune) bool { return r < ' ' }) {
		b.Write(foldField("In-Reply-To", id))
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	b.Write(qpText(m.Text))
	b.WriteString("\r\n")
	return b.Bytes()
}

// qpText is text as a quoted-printable body with CRLF line ends, without
// a final line end.
func qpText(s string) []byte {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\r\n", "\n")
	s = strings.TrimRight(strings.ReplaceAll(s, "\r", "\n"), "\n")
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	w.Write([]byte(strings.ReplaceAll(s, "\n", "\r\n")))
	w.Close()
	return b.Bytes()
}

// boundaries returns the digest's two MIME boundaries, made from a hash of
// its content, so a digest is built the same way each time (golden files,
// and every chunk of members gets the same body) yet no message in it can
// hold them.
func boundaries(content []byte) (outer, inner string) {
	sum := sha256.Sum256(content)
	base := "=_digest_" + hex.EncodeToString(sum[:9])
	for n := 0; ; n++ {
		outer, inner = base+"_"+strconv.Itoa(n)+"_m", base+"_"+strconv.Itoa(n)+"_d"
		if !bytes.Contains(content, []byte(outer)) && !bytes.Contains(content, []byte(inner)) {
			return outer, inner
		}
	}
}

// wrapEntry wraps a table-of-contents entry at 72 characters, indenting
// continuation lines.
func wrapEntry(s string, indent int) string {
	var b strings.Builder
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > 72 {
			b.WriteString(line + "\n")
			line = strings.Repeat(" ", indent) + w
			continue
		}
		if line == "" {
			if strings.HasPrefix(s, " ") && b.Len() == 0 {
				line = s[:len(s)-len(strings.TrimLeft(s, " "))] + w
			} else {
				line = w
			}
		} else {
			line += " " + w
		}
	}
	return b.String() + line + "\n"
}
