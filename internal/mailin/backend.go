// Package mailin is the archive's inbound mail path: an SMTP server
// (emersion/go-smtp) that accepts mail for the archive's own addresses only,
// a durable spool that keeps every accepted message until a Backend has taken
// it, and Inject, the same path for a message from a file or a pipe.
//
// The package knows nothing of lists: it asks a Backend whether an address is
// one of ours and hands it each accepted message. See docs/mail-in.md.
package mailin

import (
	"context"
	"time"
)

// Backend is what the server asks about and hands inbound mail to (the list
// engine implements it).
type Backend interface {
	// CheckRecipient is called at RCPT TO with the bare address (its domain
	// in lower case). It returns the largest message in bytes the recipient
	// takes (0 or less: no limit of its own, the server's applies), or an
	// error: fanarchive.ENOTFOUND (not an address of ours → 550 5.1.1, this
	// is how relaying to outside addresses is refused), EINVALID (→ 553
	// 5.1.3), others → 451 4.3.0.
	CheckRecipient(ctx context.Context, rcpt string) (maxSize int64, err error)
	// Deliver takes one accepted message. key is unique per accepted message
	// and stable across retries (the spool file's name); the backend must
	// treat a second Deliver with the same key as done (idempotent).
	// A fanarchive.EINVALID error is permanent (the message is kept in
	// spool/failed, never deleted); any other error is temporary (retried
	// later from the spool).
	Deliver(ctx context.Context, env Envelope, raw []byte, key string) error
}

// Envelope is the SMTP envelope of one accepted message, kept beside it in
// the spool.
type Envelope struct {
	From       string    `json:"from"`        // MAIL FROM, bare ("" for a bounce's null sender <>)
	To         []string  `json:"to"`          // accepted RCPT TO addresses
	RemoteAddr string    `json:"remote_addr"` // the client's address, or a name such as "inject" for Inject
	Helo       string    `json:"helo"`        // the client's HELO/EHLO name
	ReceivedAt time.Time `json:"received_at"` // when the message was accepted
}

// Outcome is what became of a message once it was safe in the spool.
type Outcome int

// The outcomes of a stored message.
const (
	// Delivered: the backend took it; it is gone from the spool.
	Delivered Outcome = iota
	// Queued: the backend failed for now; the message waits in spool/new
	// and the retry loop (or the next start) delivers it.
	Queued
	// Failed: the backend refused it for good (EINVALID); the message is
	// kept in spool/failed.
	Failed
)

// String names the outcome for logs.
func (o Outcome) String() string {
	switch o {
	case Delivered:
		return "delivered"
	case Queued:
		return "queued"
	case Failed:
		return "failed"
	}
	return "unknown"
}
