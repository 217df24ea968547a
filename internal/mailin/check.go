package mailin

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxReceived is the most Received: fields a message may already carry; one
// more and it is refused as a mail loop (554 5.4.6), as RFC 5321 section
// 6.3 suggests (Postfix's hopcount_limit is 50, Exim's received_headers_max 30).
const MaxReceived = 30

// The ways a message is refused while it is stored.
var (
	errTooBig = errors.New("mailin: message exceeds the size limit")
	errLoop   = fmt.Errorf("mailin: more than %d Received: fields, a mail loop", MaxReceived)
	errNUL    = errors.New("mailin: message contains a NUL byte")
)

// checkWriter passes a message through to w while checking it on the way:
// its size against limit, no NUL byte anywhere, and the Received: fields of
// its header counted. It keeps only a few bytes of state, so a message of
// any size streams through in constant memory.
type checkWriter struct {
	w     io.Writer
	limit int64 // 0: none
	n     int64

	headerDone bool
	line       [len("received:")]byte // the start of the current header line
	lineLen    int                    // bytes seen on the current line (capped)
	received   int
}

func (c *checkWriter) Write(p []byte) (int, error) {
	if c.limit > 0 && c.n+int64(len(p)) > c.limit {
		return 0, errTooBig
	}
	if bytes.IndexByte(p, 0) >= 0 {
		return 0, errNUL
	}
	if !c.headerDone {
		c.scanHeader(p)
		if c.received > MaxReceived {
			return 0, errLoop
		}
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// scanHeader follows the header a byte at a time until its end, the first
// empty line (CRLF or a bare LF).
func (c *checkWriter) scanHeader(p []byte) {
	for _, b := range p {
		if b == '\n' {
			if c.lineLen == 0 || (c.lineLen == 1 && c.line[0] == '\r') {
				c.headerDone = true
				return
			}
			c.lineLen = 0
			continue
		}
		if c.lineLen < len(c.line) {
			c.line[c.lineLen] = b
			c.lineLen++
			if c.lineLen == len(c.line) && strings.EqualFold(string(c.line[:]), "received:") {
				c.received++
			}
		}
	}
}

// receivedField returns the RFC 5321 section 4.4 trace field this server
// puts on top of a message, ending in eol:
//
//	Received: from HELO (REMOTE)
//		by DOMAIN (fanarchive) with ESMTP id KEY
//		for <RCPT>; DATE
//
// "for" is given only when the message has one recipient, so one member's
// copy does not show the others. Values that came from the client are made
// printable ASCII so they cannot break the header.
func receivedField(env Envelope, domain, key, with, eol string) string {
	var b strings.Builder
	b.WriteString("Received: from ")
	b.WriteString(printable(env.Helo, "unknown"))
	if env.RemoteAddr != "" {
		b.WriteString(" (" + printable(env.RemoteAddr, "") + ")")
	}
	b.WriteString(eol + "\tby " + printable(domain, "localhost") + " (fanarchive) with " + with + " id " + key)
	if len(env.To) == 1 {
		b.WriteString(eol + "\tfor <" + printable(env.To[0], "") + ">")
	}
	b.WriteString("; " + env.ReceivedAt.Format(time.RFC1123Z) + eol)
	return b.String()
}

// printable keeps s's printable ASCII but for parentheses and angle
// brackets, which would end the comment or address it is written into, and
// returns def for an empty result.
func printable(s, def string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '<' || r == '>' || r == '\\':
			b.WriteByte('_')
		case r > ' ' && r < 0x7f:
			b.WriteRune(r)
		case r == utf8.RuneError || r <= ' ' || r >= 0x7f:
			b.WriteByte('?')
		}
		if b.Len() >= 200 {
			break
		}
	}
	if b.Len() == 0 {
		return def
	}
	return b.String()
}
