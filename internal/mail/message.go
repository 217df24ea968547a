// Package mail is the archive's outbound mail: it builds messages (Build),
// delivers them through a Transport — SMTP to a smarthost, or a maildir when
// there is none — and runs the Sender that takes mail from the outbox
// (fanarchive.MailOutbox), delivers it and retries what failed. Design and
// delivery guarantees: docs/mail.md.
package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"mime"
	netmail "net/mail"
	nettextproto "net/textproto"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fanarchive"

	gomessage "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// Address is a mailbox: an optional display name and an address.
type Address = netmail.Address

// Field is one header field.
type Field struct{ Name, Value string }

// Message is an outbound message before it is built. Every text in it may
// come from users (a story's title in a subject, a reader's name): Build
// refuses any that would break out of its header field, and SingleLine
// makes such text safe first.
type Message struct {
	From            Address
	To, Cc, ReplyTo []Address
	Subject         string
	Text            string // the text/plain body; required
	HTML            string // an optional text/html alternative
	Date            time.Time
	MessageID       string  // without angle brackets; made at From's domain when empty
	Extra           []Field // further fields, e.g. List-Id, Auto-Submitted, In-Reply-To
}

// reserved are the fields Build writes itself, which Extra may not set.
var reserved = map[string]bool{
	"From": true, "To": true, "Cc": true, "Bcc": true, "Reply-To": true, "Subject": true, "Date": true,
	"Message-Id": true, "Mime-Version": true, "Content-Type": true, "Content-Transfer-Encoding": true,
	"Content-Disposition": true, "Return-Path": true,
}

// Build returns the message as it goes on the wire: RFC 5322 with CRLF
// line endings, MIME 1.0, UTF-8 text encoded quoted-printable (so no line
// is too long for SMTP), non-ASCII header text as encoded words, and a
// Date and a Message-ID. It returns EINVALID, naming the field, when any
// header text holds a line break or another control character, an address
// is not usable, or the text body is missing.
func Build(m *Message) ([]byte, error) {
	var h gomessage.Header
	// go-message writes fields in the reverse of the order they are added.
	var fields []func()
	add := func(f func()) { fields = append(fields, f) }

	if err := checkAddresses("From", []Address{m.From}); err != nil {
		return nil, err
	}
	for _, l := range []struct {
		name  string
		addrs []Address
	}{{"To", m.To}, {"Cc", m.Cc}, {"Reply-To", m.ReplyTo}} {
		if err := checkAddresses(l.name, l.addrs); err != nil {
			return nil, err
		}
	}
	if err := checkText("Subject", m.Subject); err != nil {
		return nil, err
	}
	if strings.TrimSpace(m.Text) == "" {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "A message needs a text.")
	}
	id := m.MessageID
	if id == "" {
		id = NewMessageID(domainOf(m.From.Address))
	} else if err := checkMessageID(id); err != nil {
		return nil, err
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}

	add(func() { h.SetDate(date) })
	add(func() { h.Set("From", formatAddresses([]Address{m.From})) })
	for _, l := range []struct {
		name  string
		addrs []Address
	}{{"To", m.To}, {"Cc", m.Cc}, {"Reply-To", m.ReplyTo}} {
		if len(l.addrs) > 0 {
			add(func() { h.Set(l.name, formatAddresses(l.addrs)) })
		}
	}
	add(func() { setText(&h.Header.Header, "Subject", m.Subject) })
	add(func() { h.SetMessageID(id) })
	for _, f := range m.Extra {
		key, err := checkField(f)
		if err != nil {
			return nil, err
		}
		add(func() { addField(&h.Header.Header, key, f.Value) })
	}
	add(func() { h.Set("MIME-Version", "1.0") })
	if m.HTML == "" {
		add(func() { h.SetContentType("text/plain", map[string]string{"charset": "utf-8"}) })
		add(func() { h.Set("Content-Transfer-Encoding", "quoted-printable") })
	}
	for i := len(fields) - 1; i >= 0; i-- {
		fields[i]()
	}

	var buf bytes.Buffer
	text := lines(m.Text)
	if m.HTML == "" {
		w, err := gomessage.CreateSingleInlineWriter(&buf, h)
		if err != nil {
			return nil, fmt.Errorf("build message: %w", err)
		}
		if _, err := w.Write([]byte(text)); err != nil {
			return nil, fmt.Errorf("build message: %w", err)
		}
		if err := w.Close(); err != nil {
			return nil, fmt.Errorf("build message: %w", err)
		}
		return buf.Bytes(), nil
	}
	w, err := gomessage.CreateInlineWriter(&buf, h)
	if err != nil {
		return nil, fmt.Errorf("build message: %w", err)
	}
	for _, part := range []struct{ typ, body string }{{"text/plain", text}, {"text/html", lines(m.HTML)}} {
		var ph gomessage.InlineHeader
		ph.SetContentType(part.typ, map[string]string{"charset": "utf-8"})
		pw, err := w.CreatePart(ph)
		if err != nil {
			return nil, fmt.Errorf("build message: %w", err)
		}
		if _, err := pw.Write([]byte(part.body)); err != nil {
			return nil, fmt.Errorf("build message: %w", err)
		}
		if err := pw.Close(); err != nil {
			return nil, fmt.Errorf("build message: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("build message: %w", err)
	}
	return buf.Bytes(), nil
}

// HeaderFields returns fields as header lines ending in CRLF, folded, for
// fanarchive.OutboundMail.Header: what differs per recipient of a shared
// body (a personal List-Unsubscribe). The same checks as Build's Extra.
func HeaderFields(fields ...Field) ([]byte, error) {
	var h textproto.Header
	for i := len(fields) - 1; i >= 0; i-- {
		key, err := checkField(fields[i])
		if err != nil {
			return nil, err
		}
		addField(&h, key, fields[i].Value)
	}
	var buf bytes.Buffer
	if err := textproto.WriteHeader(&buf, h); err != nil {
		return nil, fmt.Errorf("header fields: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\r\n")), nil
}

// addField adds a field whose value has been checked: ASCII as it is,
// anything else as encoded words (RFC 2047), which only unstructured fields
// may hold.
func addField(h *textproto.Header, key, value string) {
	h.Add(key, encodeText(value))
}

// setText sets an unstructured field to text.
func setText(h *textproto.Header, key, value string) {
	h.Del(key)
	addField(h, key, value)
}

// encodeText returns text for an unstructured field: as it is when it is
// ASCII, as encoded words otherwise, and also when it holds "=?", which a
// reader would take for the start of an encoded word and decode.
func encodeText(s string) string {
	if !strings.Contains(s, "=?") {
		return mime.QEncoding.Encode("utf-8", s)
	}
	return encodeWords(s)
}

// encodeWords returns s as base64 encoded words (RFC 2047) of at most 45
// bytes (75 characters) each, split between runes. mime's encoders leave
// ASCII as it is, and their Q encoding keeps characters (a backslash) that
// a display name cannot hold.
func encodeWords(s string) string {
	var words []string
	for len(s) > 0 {
		n := min(len(s), 45)
		for n < len(s) && !utf8.RuneStart(s[n]) {
			n--
		}
		words = append(words, "=?utf-8?b?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, " ")
}

// SingleLine makes text from users fit for a header field: every run of
// line breaks, tabs, other control characters and spaces becomes one space,
// bytes that are not UTF-8 become U+FFFD, and the ends are trimmed.
func SingleLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// NewMessageID returns a new, unique message ID at domain, without angle
// brackets.
func NewMessageID(domain string) string {
	var b [15]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return strings.ToLower(base32.StdEncoding.EncodeToString(b[:])) + "@" + domain
}

// domainOf returns the domain of an address, "localhost" when it has none.
func domainOf(addr string) string {
	if at := strings.LastIndexByte(addr, '@'); at >= 0 && at < len(addr)-1 {
		return addr[at+1:]
	}
	return "localhost"
}

func checkAddresses(field string, addrs []Address) error {
	for _, a := range addrs {
		if err := fanarchive.ValidateMailPath(a.Address); err != nil {
			return fanarchive.Errorf(fanarchive.EINVALID, "%s %q: %s", field, a.Address, fanarchive.ErrorMessage(err))
		}
		if err := checkText(field+" name", a.Name); err != nil {
			return err
		}
	}
	return nil
}

// checkText refuses header text that is not UTF-8 or holds control
// characters: CR and LF would end the field and start another.
func checkText(field, s string) error {
	if !utf8.ValidString(s) {
		return fanarchive.Errorf(fanarchive.EINVALID, "The %s is not UTF-8 text.", field)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r != '\t' && unicode.IsControl(r) }) {
		return fanarchive.Errorf(fanarchive.EINVALID, "The %s must be one line without control characters.", field)
	}
	return nil
}

// checkField checks an extra field and returns its canonical name.
func checkField(f Field) (string, error) {
	for i := 0; i < len(f.Name); i++ {
		if c := f.Name[i]; c <= ' ' || c > '~' || c == ':' {
			return "", fanarchive.Errorf(fanarchive.EINVALID, "%q is not a header field name.", f.Name)
		}
	}
	name := nettextproto.CanonicalMIMEHeaderKey(f.Name)
	if f.Name == "" || reserved[name] {
		return "", fanarchive.Errorf(fanarchive.EINVALID, "The header field %q cannot be set here.", f.Name)
	}
	if err := checkText(name, f.Value); err != nil {
		return "", err
	}
	return name, nil
}

func checkMessageID(id string) error {
	if !isASCII(id) || strings.ContainsAny(id, "<> \t\r\n") || strings.Count(id, "@") != 1 ||
		strings.ContainsFunc(id, unicode.IsControl) || len(id) > 250 {
		return fanarchive.Errorf(fanarchive.EINVALID, "%q is not a message ID.", id)
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// lines returns text as valid UTF-8 with LF line endings, which the
// quoted-printable writer turns into CRLF.
func lines(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// formatAddresses formats checked addresses for a header field. A name in
// printable ASCII is quoted; any other is encoded words, as is one holding
// "=?", which a reader would decode.
func formatAddresses(addrs []Address) string {
	parts := make([]string, len(addrs))
	for i, a := range addrs {
		switch {
		case a.Name == "":
			parts[i] = (&Address{Address: a.Address}).String()
		case isASCII(a.Name) && !strings.Contains(a.Name, "=?"):
			parts[i] = a.String()
		default:
			parts[i] = encodeWords(a.Name) + " " + (&Address{Address: a.Address}).String()
		}
	}
	return strings.Join(parts, ", ")
}
