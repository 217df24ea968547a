package mailin

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"fanarchive"
)

// Inject stores the message read from r (a file, or an MTA's pipe
// transport on stdin) in sp and hands it to be: the server's own path for a
// message that did not come by SMTP. env.To must name at least one address;
// each is checked with CheckRecipient, and the message's size is held to
// the smallest of their limits and DefaultMaxSize. A zero env.ReceivedAt is
// now; env.Helo and env.RemoteAddr may stay empty.
//
// An error means nothing was kept: an address refused (its error, with its
// code), a message too big, with a NUL byte or looping (EINVALID), or the
// spool failing. Otherwise the message is safe and out says what became of
// it: Delivered, Queued (a running server's spool, or the next one's
// Recover, delivers it) or Failed (kept in spool/failed).
func Inject(ctx context.Context, sp *Spool, be Backend, env Envelope, r io.Reader) (key string, out Outcome, err error) {
	env.From = NormalizeAddress(env.From)
	var to []string
	limit := int64(DefaultMaxSize)
	for _, a := range env.To {
		a = NormalizeAddress(a)
		dup := false
		for _, b := range to {
			dup = dup || a == b
		}
		if dup {
			continue
		}
		maxSize, err := be.CheckRecipient(ctx, a)
		if err != nil {
			return "", 0, fmt.Errorf("mailin: inject: <%s>: %w", a, err)
		}
		if maxSize > 0 && maxSize < limit {
			limit = maxSize
		}
		to = append(to, a)
	}
	if len(to) == 0 {
		return "", 0, fanarchive.Errorf(fanarchive.EINVALID, "no recipient")
	}
	env.To = to
	if env.ReceivedAt.IsZero() {
		env.ReceivedAt = time.Now()
	}
	if err := checkEnvelope(env); err != nil {
		return "", 0, err
	}

	br := bufio.NewReaderSize(r, 8<<10)
	key = newKey(env.ReceivedAt)
	if !sp.claim(key) {
		return "", 0, fmt.Errorf("mailin: inject: key %s in use", key)
	}
	defer sp.release(key)
	head := receivedField(Envelope{Helo: orDefault(env.Helo, "local"), RemoteAddr: env.RemoteAddr, To: env.To, ReceivedAt: env.ReceivedAt},
		sp.opts.Domain, key, "local", lineEnding(br))
	size, err := sp.store(key, env, head, br, limit)
	if err != nil {
		switch {
		case errors.Is(err, errTooBig):
			return "", 0, fanarchive.Errorf(fanarchive.EINVALID, "message larger than %d bytes", limit)
		case errors.Is(err, errLoop):
			return "", 0, fanarchive.Errorf(fanarchive.EINVALID, "more than %d Received: fields: a mail loop", MaxReceived)
		case errors.Is(err, errNUL):
			return "", 0, fanarchive.Errorf(fanarchive.EINVALID, "the message contains a NUL byte")
		}
		return "", 0, err
	}
	sp.log.Info("mailin: injected", "key", key, "size", size, "from", env.From, "rcpts", env.To)
	return key, sp.deliver(ctx, be, key), nil
}

// lineEnding returns the message's own line ending, judged by its first
// line, so the Received: field put on top matches: a file on disk often has
// bare LFs where SMTP has CRLF.
func lineEnding(br *bufio.Reader) string {
	b, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(b, '\n'); i >= 0 && (i == 0 || b[i-1] != '\r') {
		return "\n"
	}
	return "\r\n"
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
