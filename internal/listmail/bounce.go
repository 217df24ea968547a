package listmail

import (
	"bytes"
	"io"
	"mime"
	"regexp"
	"strings"

	"fanarchive"

	gomessage "github.com/emersion/go-message"
)

// BounceKind is what a message to a bounces address says about delivery.
type BounceKind string

// Bounce kinds.
const (
	// BouncePermanent: a delivery status notification (RFC 3464) with a
	// recipient whose Action is failed and Status 5.x.x.
	BouncePermanent BounceKind = "permanent"
	// BounceTemporary: a DSN whose failures are all 4.x.x or delayed: the
	// mail is still being tried, or may be later; not counted.
	BounceTemporary BounceKind = "temporary"
	// BounceUnknown: not a DSN, but its text says delivery failed ("user
	// unknown", "550 …", "undeliverable"): an old-style bounce, counted as
	// one bounce (the store counts at most one a day and disables only
	// after several days, so a wrong guess costs little).
	BounceUnknown BounceKind = "unknown"
	// BounceNone: nothing failed: a DSN of delivered, relayed or expanded
	// mail, an out-of-office reply (RFC 3834 replies go to the return
	// path), or any other mail. Not counted.
	BounceNone BounceKind = "none"
)

// BounceRecipient is one recipient of a DSN.
type BounceRecipient struct {
	Address    string // Final-Recipient's address (else Original-Recipient's), lower case
	Action     string // failed, delayed, delivered, relayed, expanded (lower case)
	Status     string // "5.1.1"
	Diagnostic string // Diagnostic-Code, for the log
}

// Permanent reports whether delivery to the recipient failed for good.
func (r BounceRecipient) Permanent() bool {
	return r.Action == "failed" && strings.HasPrefix(r.Status, "5")
}

// Bounce is what ParseBounce read.
type Bounce struct {
	Kind       BounceKind
	DSN        bool // a multipart/report of report-type delivery-status
	Recipients []BounceRecipient
}

// Counts reports whether the engine should count the bounce against the
// member the bounces address names: permanent and unknown ones.
func (b Bounce) Counts() bool { return b.Kind == BouncePermanent || b.Kind == BounceUnknown }

// Limits of ParseBounce's walk through a message.
const (
	maxBounceParts      = 50
	maxBounceDepth      = 5
	maxBounceRecipients = 100
	maxBounceText       = 64 << 10
)

// failureText is what old-style bounces say.
var failureText = regexp.MustCompile(`(?i)\b(5[0-5]\d[ -]|5\.\d{1,3}\.\d{1,3}\b|user unknown|unknown user|no such user|mailbox (is )?(unavailable|full|not found|disabled)|undeliverable|could not be delivered|delivery (has )?failed|delivery status notification \(failure\)|permanent (fatal )?error|address rejected|does not exist)`)

// vacationSubject is what out-of-office replies are titled.
var vacationSubject = regexp.MustCompile(`(?i)(out of (the )?office|automatic reply|auto(matic)?[ -]?(reply|response)|^auto:|vacation|away from)`)

// ParseBounce reads a message received at a list's bounces address. A DSN
// (multipart/report; report-type=delivery-status, RFC 3464, at the top or
// nested) gives its recipients and is permanent when one failed with a
// 5.x.x status, temporary when failures are 4.x.x or delayed, none
// otherwise. Anything else is an old-style bounce when its text says
// delivery failed (BounceUnknown), else BounceNone (out-of-office replies
// included). Returns EINVALID only for a message without a header.
func ParseBounce(raw []byte) (Bounce, error) {
	fields, _, ok := splitMessage(raw)
	if !ok {
		return Bounce{}, fanarchive.Errorf(fanarchive.EINVALID, "The message has no header.")
	}
	w := &bounceWalk{}
	if e, err := gomessage.Read(bytes.NewReader(raw)); e != nil && (err == nil || gomessage.IsUnknownCharset(err) || gomessage.IsUnknownEncoding(err)) {
		w.walk(e, 0, false)
	}
	b := Bounce{DSN: w.dsn, Recipients: w.recipients}
	if w.dsn {
		b.Kind = BounceNone
		for _, r := range b.Recipients {
			switch {
			case r.Permanent():
				b.Kind = BouncePermanent
			case (r.Action == "failed" || r.Action == "delayed") && b.Kind == BounceNone:
				b.Kind = BounceTemporary
			}
		}
		return b, nil
	}
	h := headerMap(fields)
	subject := ""
	if v := h["Subject"]; len(v) > 0 {
		subject = decodeText(v[0])
	}
	text := w.text.String()
	if w.text.Len() == 0 {
		text = string(raw[:min(len(raw), maxBounceText)])
	}
	auto := false
	for _, v := range h["Auto-Submitted"] {
		auto = auto || strings.EqualFold(firstWord(v), "auto-replied")
	}
	switch {
	case (auto || len(h["X-Autoreply"]) > 0 || len(h["X-Autorespond"]) > 0) && vacationSubject.MatchString(subject):
		b.Kind = BounceNone
	case vacationSubject.MatchString(subject) && !failureText.MatchString(subject):
		b.Kind = BounceNone
	case failureText.MatchString(subject) || failureText.MatchString(text):
		b.Kind = BounceUnknown
	default:
		b.Kind = BounceNone
	}
	return b, nil
}

// bounceWalk collects what a message's parts say.
type bounceWalk struct {
	parts      int
	dsn        bool
	recipients []BounceRecipient
	text       strings.Builder
}

func (w *bounceWalk) walk(e *gomessage.Entity, depth int, inReport bool) {
	w.parts++
	if w.parts > maxBounceParts || depth > maxBounceDepth {
		return
	}
	mt, params, _ := mime.ParseMediaType(e.Header.Get("Content-Type"))
	if mt == "" {
		mt = "text/plain"
	}
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		report := mt == "multipart/report" && strings.EqualFold(params["report-type"], "delivery-status")
		mr := e.MultipartReader()
		if mr == nil {
			return
		}
		for {
			p, err := mr.NextPart()
			if err != nil {
				if p == nil {
					return
				}
				if !gomessage.IsUnknownCharset(err) && !gomessage.IsUnknownEncoding(err) {
					return
				}
			}
			w.walk(p, depth+1, report)
			if w.parts > maxBounceParts {
				return
			}
		}
	case inReport && (mt == "message/delivery-status" || mt == "message/global-delivery-status"):
		body, _ := io.ReadAll(io.LimitReader(e.Body, maxBounceText))
		w.dsn = true
		w.readStatus(body)
	case mt == "text/plain" && w.text.Len() < maxBounceText:
		body, _ := io.ReadAll(io.LimitReader(e.Body, int64(maxBounceText-w.text.Len())))
		w.text.Write(body)
		w.text.WriteByte('\n')
	}
}

// readStatus reads the fields of a delivery-status body: a block for the
// message, then one per recipient, separated by blank lines.
func (w *bounceWalk) readStatus(body []byte) {
	body = bytes.ReplaceAll(crlf(body), []byte("\r\n"), []byte("\n"))
	for _, block := range bytes.Split(body, []byte("\n\n")) {
		fields, _, ok := splitMessage(append(block, '\n'))
		if !ok {
			continue
		}
		var r BounceRecipient
		final, orig := "", ""
		for _, f := range fields {
			switch f.key {
			case "Final-Recipient":
				final = dsnAddress(f.value)
			case "Original-Recipient":
				orig = dsnAddress(f.value)
			case "Action":
				r.Action = strings.ToLower(firstWord(f.value))
			case "Status":
				r.Status = firstWord(f.value)
			case "Diagnostic-Code":
				r.Diagnostic = strings.ToValidUTF8(f.value, "\uFFFD")
			}
		}
		if final == "" && orig == "" {
			continue // the per-message block
		}
		r.Address = final
		if r.Address == "" {
			r.Address = orig
		}
		if len(w.recipients) < maxBounceRecipients {
			w.recipients = append(w.recipients, r)
		}
	}
}

// dsnAddress reads "rfc822; user@host" (RFC 3464 address-type; address).
func dsnAddress(v string) string {
	if _, a, ok := strings.Cut(v, ";"); ok {
		v = a
	}
	return strings.ToLower(strings.Trim(strings.TrimSpace(v), "<>"))
}
