package fanarchive

import (
	"bytes"
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxMailSize is the largest message the outbox takes, header and body: far
// more than any mail the archive writes, and under what smarthosts accept.
const MaxMailSize = 10 << 20

// MailBody is one outbound message as it goes on the wire: an RFC 5322
// message, header and body, with CRLF line endings (internal/mail builds
// them). It is stored once and shared by every OutboundMail queued with it,
// so a list post to 100,000 members is written once, not 100,000 times.
type MailBody struct {
	ID        int64
	Raw       []byte
	CreatedAt time.Time
}

// OutboundMail is one message on its way to one envelope recipient: a row of
// the outbox. Mail is queued in the database, in the same transaction as the
// change that causes it when there is one, and a sender delivers it later
// (internal/mail), so neither a crash nor a relay that is down loses it.
//
// One recipient a row keeps retries, bounces and per-recipient envelope
// senders (VERP) simple; what recipients share is in Body.
type OutboundMail struct {
	ID int64
	// Kind says what the mail is for, e.g. "confirm-email", "list-post" or
	// "test": for logs, counts and listing, never for delivery.
	Kind string
	// Key, when set, identifies the logical message ("confirm-email:42"): the
	// outbox refuses a second mail with the same key for as long as it keeps
	// the first (until it is purged), so a retried request queues nothing
	// twice.
	Key string
	// From and To are the SMTP envelope: the return path (MAIL FROM), which
	// may differ per recipient to tell bounces apart, and the recipient
	// (RCPT TO). Bare addresses, without angle brackets.
	From, To string
	// Header holds header fields for this recipient alone, complete lines
	// ending in CRLF, written before Body's own (e.g. a personal
	// List-Unsubscribe). Usually empty.
	Header []byte
	// Body is the message. To queue, give one with Raw set (stored once per
	// distinct *MailBody in a call) or the ID of one already stored.
	Body *MailBody

	// Attempts counts delivery attempts begun: a claim counts one, so a
	// message that crashes the sender every time is given up in the end.
	Attempts int
	// NextAttemptAt is when the mail is next due; a zero value when queued
	// means at once. A claim moves it to the end of the lease, so a claimed
	// mail whose sender died becomes due again when its lease runs out.
	NextAttemptAt time.Time
	// ClaimedUntil is the end of the lease of the sender delivering it, zero
	// when no sender has it.
	ClaimedUntil time.Time
	// SentAt is when the relay accepted it (or it was written to the
	// maildir); FailedAt when the outbox gave up on it. At most one is set.
	SentAt, FailedAt time.Time
	// LastError is why the last attempt failed, for the operator.
	LastError string
	CreatedAt time.Time
}

// Validate checks what the outbox needs to deliver the mail: an envelope
// that cannot smuggle SMTP commands, header lines that cannot end the
// header early, and a body.
func (m *OutboundMail) Validate() error {
	if m.Kind == "" || len(m.Kind) > 64 || !isToken(m.Kind) {
		return Errorf(EINVALID, "A mail's kind must be a short word, got %q.", m.Kind)
	}
	if len(m.Key) > 500 || !utf8.ValidString(m.Key) || strings.ContainsFunc(m.Key, isControl) {
		return Errorf(EINVALID, "A mail's key must be one line of text under 500 bytes.")
	}
	if err := ValidateMailPath(m.From); err != nil {
		return Errorf(EINVALID, "The envelope sender %q: %s", m.From, ErrorMessage(err))
	}
	if err := ValidateMailPath(m.To); err != nil {
		return Errorf(EINVALID, "The envelope recipient %q: %s", m.To, ErrorMessage(err))
	}
	if err := validateHeaderLines(m.Header); err != nil {
		return err
	}
	if m.Body == nil || (m.Body.ID == 0 && len(m.Body.Raw) == 0) {
		return Errorf(EINVALID, "A mail needs a body.")
	}
	if len(m.Header)+len(m.Body.Raw) > MaxMailSize {
		return Errorf(EINVALID, "A mail may be at most %d MB.", MaxMailSize>>20)
	}
	return nil
}

// ValidateMailPath checks an address for the SMTP envelope: local@domain,
// no spaces, angle brackets or control characters (which could end the
// command and start another), at most 254 bytes (RFC 5321). Non-ASCII is
// allowed; relays that lack SMTPUTF8 refuse it.
func ValidateMailPath(addr string) error {
	at := strings.LastIndexByte(addr, '@')
	switch {
	case addr == "":
		return Errorf(EINVALID, "An address is needed.")
	case len(addr) > 254 || !utf8.ValidString(addr):
		return Errorf(EINVALID, "Not a usable address.")
	case strings.ContainsFunc(addr, func(r rune) bool { return isControl(r) || r == ' ' || r == '<' || r == '>' }):
		return Errorf(EINVALID, "An address may not hold spaces, angle brackets or control characters.")
	case at <= 0 || at == len(addr)-1:
		return Errorf(EINVALID, "An address needs a local part, an @ and a domain.")
	}
	return nil
}

// validateHeaderLines checks per-recipient header fields: each line ends in
// CRLF, holds no other CR or LF, and is a "Name: value" field or the
// continuation of one; no empty line, which would end the header.
func validateHeaderLines(h []byte) error {
	bad := func(why string) error { return Errorf(EINVALID, "A mail's own header fields %s.", why) }
	if len(h) == 0 {
		return nil
	}
	if !bytes.HasSuffix(h, []byte("\r\n")) {
		return bad("must end in CRLF")
	}
	for i, line := range bytes.Split(h[:len(h)-2], []byte("\r\n")) {
		switch {
		case len(line) == 0:
			return bad("may not hold an empty line")
		case len(line) > 998:
			return bad("may not hold lines over 998 bytes")
		case bytes.ContainsAny(line, "\r\n\x00"):
			return bad("may not hold a lone CR, LF or NUL")
		case line[0] == ' ' || line[0] == '\t':
			if i == 0 {
				return bad("cannot begin with a continuation line")
			}
		default:
			colon := bytes.IndexByte(line, ':')
			if colon <= 0 || !isToken(string(line[:colon])) {
				return bad("must be Name: value lines")
			}
		}
	}
	return nil
}

// isToken reports whether s is printable ASCII without spaces or colons, as
// header field names (and our kinds) are.
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' || s[i] == ':' {
			return false
		}
	}
	return s != ""
}

func isControl(r rune) bool { return r < ' ' || r == 0x7f }

// MailFailure is the outcome of a delivery attempt that did not deliver.
type MailFailure struct {
	// Mail is as ClaimMail returned it: its ID and Attempts name the claim.
	Mail *OutboundMail
	// RetryAt is when to try again; the zero time gives up on the mail (a
	// permanent refusal, or it has been failing too long).
	RetryAt time.Time
	// Error is why, for the operator (e.g. the relay's reply).
	Error string
}

// MailState is where a mail is in the outbox.
type MailState string

// Mail states.
const (
	MailQueued MailState = "queued" // waiting, being retried or being sent
	MailSent   MailState = "sent"   // accepted by the relay or written to the maildir
	MailFailed MailState = "failed" // given up
)

// State returns where the mail is.
func (m *OutboundMail) State() MailState {
	switch {
	case !m.SentAt.IsZero():
		return MailSent
	case !m.FailedAt.IsZero():
		return MailFailed
	}
	return MailQueued
}

// MailCounts is how many mails the outbox holds in each state, for metrics
// and the operator. Sent mail is counted until it is purged.
type MailCounts struct {
	Queued, Sent, Failed int
}

// MailFilter selects mail to list. Zero fields select everything.
type MailFilter struct {
	State MailState
	Kind  string
	Key   string
	// Offset and Limit page through the list (Limit 0 means 100, at most
	// 1,000), in the order the mail was queued.
	Offset, Limit int
}

// MailOutbox is the durable queue of outbound mail. Any number of senders,
// in one process or several on the same database, share it: a claim leases
// mail to one sender, so each mail is delivered by one sender at a time.
//
// Delivery is at least once: a sender that dies after the relay accepted a
// mail but before MarkMailSent recorded it leaves the mail claimed, and it
// is sent again when the lease runs out (docs/mail.md).
type MailOutbox interface {
	// QueueMail stores mails for delivery, all or none, in one transaction;
	// on success each has its ID, CreatedAt, NextAttemptAt and Body.ID set.
	// A *MailBody shared by several mails is stored once. Returns EINVALID
	// when a mail does not validate or names a body that is not stored
	// (the message says which), or ECONFLICT when a mail's Key is already
	// in the outbox (or repeated in mails).
	QueueMail(ctx context.Context, mails []*OutboundMail) error

	// ClaimMail leases up to limit mails that are due (the longest due
	// first; a store may return at most 1,000) to the caller for lease: no
	// other claim returns them until the lease runs out or they are marked.
	// They are returned in the order they were queued, each with Attempts
	// counting this attempt and with its Body's bytes (mails that share a
	// body share one *MailBody). Returns EINVALID for a limit under 1 or a
	// lease under a second.
	ClaimMail(ctx context.Context, limit int, lease time.Duration) ([]*OutboundMail, error)

	// MarkMailSent records that the relay accepted the mails. It holds even
	// if a lease ran out meanwhile (the mail was sent); mail already
	// marked sent is left as it is.
	MarkMailSent(ctx context.Context, mails []*OutboundMail) error

	// MarkMailFailed records failed attempts: each mail is due again at
	// its RetryAt, or given up. A failure that does not answer the mail's
	// latest claim (its lease ran out and another sender claimed it), or
	// names mail already sent or given up, is ignored.
	MarkMailFailed(ctx context.Context, failures []MailFailure) error

	// ReleaseMail gives back claimed mails that were not attempted (the
	// sender is stopping): they are due at once, and the claim is not
	// counted as an attempt. Mails claimed again since are left alone.
	ReleaseMail(ctx context.Context, mails []*OutboundMail) error

	// CountMail counts the outbox's mail by state.
	CountMail(ctx context.Context) (MailCounts, error)

	// FindMail lists mail in the order it was queued, with the total the
	// filter matches; each Body has its ID but not its bytes. Returns
	// EINVALID for a bad filter.
	FindMail(ctx context.Context, filter MailFilter) ([]*OutboundMail, int, error)

	// PurgeMail deletes mail sent or given up before before, and the bodies
	// no mail uses any more, and returns how many mails it deleted. Their
	// keys are forgotten with them.
	PurgeMail(ctx context.Context, before time.Time) (int, error)
}
