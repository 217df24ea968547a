package mail

import (
	"context"
	"errors"
	"fmt"
)

// Envelope is one message to deliver: the SMTP envelope and the message's
// bytes, Header (the recipient's own fields, may be empty) then Body.
type Envelope struct {
	From, To     string
	Header, Body []byte
}

// Size is the message's length in bytes.
func (e *Envelope) Size() int { return len(e.Header) + len(e.Body) }

// Transport delivers messages somewhere: a smarthost (SMTP) or a maildir.
type Transport interface {
	// Open starts a session, which delivers one message after another on
	// the same connection. ctx bounds opening only.
	Open(ctx context.Context) (Session, error)
	// String describes the transport for logs, without secrets.
	String() string
}

// Session delivers messages one at a time. It is not safe for concurrent
// use; a Sender opens one per worker.
type Session interface {
	// Send delivers one message. When ctx ends, Send gives up at once (the
	// connection is closed). Errors are *DeliveryError, saying whether
	// trying again can help and whether the session is still usable.
	Send(ctx context.Context, e *Envelope) error
	// Close ends the session politely (QUIT).
	Close() error
}

// DeliveryError is why a message was not delivered.
type DeliveryError struct {
	// Stage is where it failed: "connect" (and TLS, AUTH), "MAIL", "RCPT",
	// "DATA" (the command or the message), or "write" (a maildir).
	Stage string
	// Code is the relay's reply code, 0 when there was no reply.
	Code int
	// Permanent is true when trying again will not help: a 5xx reply.
	Permanent bool
	// Lost is true when the session cannot send any more (the connection
	// broke or the relay closed it); open another.
	Lost bool
	Err  error
}

func (e *DeliveryError) Error() string { return fmt.Sprintf("%s: %v", e.Stage, e.Err) }
func (e *DeliveryError) Unwrap() error { return e.Err }

// deliveryError returns err as a *DeliveryError: one that is not is treated
// as a temporary failure that lost the session.
func deliveryError(err error) *DeliveryError {
	var de *DeliveryError
	if errors.As(err, &de) {
		return de
	}
	return &DeliveryError{Stage: "send", Lost: true, Err: err}
}
