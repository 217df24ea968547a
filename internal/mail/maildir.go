package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"fanarchive"
)

// Maildir delivers into a maildir (Dir/tmp, Dir/new, Dir/cur), for an
// archive with no smarthost: every mail client and MDA reads it, and a
// person can look at what the archive would have sent. Each message is
// written to tmp under a unique name, synced to disk, and renamed into new,
// so a reader never sees half a message and a crash leaves none there.
type Maildir struct {
	Dir string

	seq atomic.Uint64 // makes names unique within the process
}

// Open creates the maildir's folders if they are missing.
func (md *Maildir) Open(ctx context.Context) (Session, error) {
	for _, sub := range []string{"tmp", "new", "cur"} {
		if err := os.MkdirAll(filepath.Join(md.Dir, sub), 0o700); err != nil {
			return nil, &DeliveryError{Stage: "connect", Lost: true, Err: fmt.Errorf("maildir: %w", err)}
		}
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	// The maildir spec's escapes for the two characters a name cannot hold.
	host = strings.NewReplacer("/", `\057`, ":", `\072`).Replace(host)
	return &maildirSession{md: md, host: host, pid: os.Getpid()}, nil
}

// String names the maildir for logs.
func (md *Maildir) String() string { return "maildir " + md.Dir }

type maildirSession struct {
	md   *Maildir
	host string
	pid  int
}

// Send writes the message with Return-Path and Delivered-To fields first,
// as a delivery agent does, so the envelope is not lost, and with LF line
// endings, as maildirs hold them.
func (s *maildirSession) Send(ctx context.Context, e *Envelope) error {
	if err := ctx.Err(); err != nil {
		return &DeliveryError{Stage: "write", Lost: true, Err: err}
	}
	for _, addr := range []string{e.From, e.To} {
		if err := fanarchive.ValidateMailPath(addr); err != nil {
			return &DeliveryError{Stage: "write", Permanent: true, Err: fmt.Errorf("maildir: %q: %w", addr, err)}
		}
	}
	name := s.name()
	tmp := filepath.Join(s.md.Dir, "tmp", name)
	if err := s.write(tmp, e); err != nil {
		os.Remove(tmp)
		return &DeliveryError{Stage: "write", Err: fmt.Errorf("maildir: %w", err)}
	}
	newDir := filepath.Join(s.md.Dir, "new")
	if err := os.Rename(tmp, filepath.Join(newDir, name)); err != nil {
		os.Remove(tmp)
		return &DeliveryError{Stage: "write", Err: fmt.Errorf("maildir: %w", err)}
	}
	// The rename is durable once the folder is synced.
	if d, err := os.Open(newDir); err == nil {
		err = d.Sync()
		d.Close()
		if err != nil {
			return &DeliveryError{Stage: "write", Err: fmt.Errorf("maildir: sync: %w", err)}
		}
	}
	return nil
}

func (s *maildirSession) write(path string, e *Envelope) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.Grow(e.Size() + 128)
	fmt.Fprintf(&buf, "Return-Path: <%s>\nDelivered-To: %s\n", e.From, e.To)
	buf.Write(unixLines(e.Header))
	buf.Write(unixLines(e.Body))
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// name returns a new unique file name: time, microseconds, process, a
// counter and random bits, and the host (the maildir spec's
// "time.MusecPpidQseqRrand.host").
func (s *maildirSession) name() string {
	now := time.Now()
	var r [6]byte
	rand.Read(r[:])
	return fmt.Sprintf("%d.M%dP%dQ%dR%s.%s", now.Unix(), now.Nanosecond()/1000, s.pid, s.md.seq.Add(1),
		hex.EncodeToString(r[:]), s.host)
}

// Close does nothing: files are complete when Send returns.
func (s *maildirSession) Close() error { return nil }

// unixLines turns CRLF line endings into LF.
func unixLines(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")) }
