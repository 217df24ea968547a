package mailin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"fanarchive"
)

// spoolMagic starts every spool file; the number is the format's version.
const spoolMagic = "fanarchive-spool 1 "

// maxEnvelopeLine bounds a spool file's first line: a hundred recipients of
// 320 bytes each take 33 KiB.
const maxEnvelopeLine = 64 << 10

// maxAddress is the longest address a spool envelope holds (RFC 5321's
// path limit is 256 octets; a little room for what clients send).
const maxAddress = 320

// writeEnvelope writes a spool file's first line. encoding/json escapes
// every control character, so the JSON never holds a newline.
func writeEnvelope(w io.Writer, env Envelope) error {
	b, err := json.Marshal(env)
	if err != nil {
		return fmt.Errorf("mailin: spool: %w", err)
	}
	if _, err := io.WriteString(w, spoolMagic); err != nil {
		return fmt.Errorf("mailin: spool: %w", err)
	}
	b = append(b, '\n')
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("mailin: spool: %w", err)
	}
	return nil
}

// ReadSpool reads one spool file: its envelope and the message's bytes (the
// server's Received: field, then the message as received). A file that is
// not one, or whose envelope is not sound, is an EINVALID error.
func ReadSpool(r io.Reader) (Envelope, []byte, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Envelope{}, nil, fmt.Errorf("mailin: spool: %w", err)
	}
	return parseSpool(data)
}

// parseSpool is ReadSpool on bytes in memory; the message shares data.
func parseSpool(data []byte) (Envelope, []byte, error) {
	if !bytes.HasPrefix(data, []byte(spoolMagic)) {
		return Envelope{}, nil, fanarchive.Errorf(fanarchive.EINVALID, "not a spool file")
	}
	nl := bytes.IndexByte(data, '\n')
	if nl < 0 || nl > maxEnvelopeLine {
		return Envelope{}, nil, fanarchive.Errorf(fanarchive.EINVALID, "spool file: no envelope line")
	}
	line := data[len(spoolMagic):nl]
	var env Envelope
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		return Envelope{}, nil, fanarchive.Errorf(fanarchive.EINVALID, "spool file: envelope: %v", err)
	}
	if dec.More() {
		return Envelope{}, nil, fanarchive.Errorf(fanarchive.EINVALID, "spool file: envelope: trailing data")
	}
	if err := checkEnvelope(env); err != nil {
		return Envelope{}, nil, err
	}
	return env, data[nl+1:], nil
}

// checkEnvelope checks what a backend may rely on: at least one recipient,
// addresses of sane length with no control characters, a time.
func checkEnvelope(env Envelope) error {
	if len(env.To) == 0 {
		return fanarchive.Errorf(fanarchive.EINVALID, "spool file: no recipient")
	}
	if env.ReceivedAt.IsZero() {
		return fanarchive.Errorf(fanarchive.EINVALID, "spool file: no time of receipt")
	}
	for _, a := range append([]string{env.From}, env.To...) {
		if len(a) > maxAddress || strings.ContainsFunc(a, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			return fanarchive.Errorf(fanarchive.EINVALID, "spool file: bad address %q", a)
		}
	}
	for _, a := range env.To {
		if a == "" {
			return fanarchive.Errorf(fanarchive.EINVALID, "spool file: empty recipient")
		}
	}
	return nil
}
