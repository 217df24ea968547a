package cli

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// run runs the program with args and returns its stdout, failing the test
// on an error.
func run(t *testing.T, args ...string) string {
	t.Helper()
	m, out, errOut := testMain(nil)
	if err := m.Run(context.Background(), args); err != nil {
		t.Fatalf("%v: %v\n%s%s", args, err, out, errOut)
	}
	return out.String()
}

// TestServeMailToMaildir: with no --smtp-url, serve says where mail goes,
// and mail queued meanwhile (here by another process's `mail test`) lands
// in DATA/mail/new.
func TestServeMailToMaildir(t *testing.T) {
	data := t.TempDir()
	m, _, errOut := testMain(nil)
	addr := make(chan string, 1)
	m.Listening = func(a string) { addr <- a }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data}) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, errOut)
		}
	}()
	select {
	case <-addr:
	case err := <-done:
		t.Fatalf("serve exited: %v\n%s", err, errOut)
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start:\n%s", errOut)
	}
	maildir := filepath.Join(data, "mail")
	if want := "mail is written to the maildir " + maildir + "; set --smtp-url to send it"; !strings.Contains(errOut.String(), want) {
		t.Errorf("serve does not say %q:\n%s", want, errOut)
	}

	out := run(t, "mail", "test", "--data", data, "Reader <reader@example.net>")
	if !strings.Contains(out, "Queued a test message to reader@example.net") {
		t.Errorf("mail test says:\n%s", out)
	}
	var files []os.DirEntry
	deadline := time.Now().Add(20 * time.Second)
	for len(files) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		files, _ = os.ReadDir(filepath.Join(maildir, "new"))
	}
	if len(files) != 1 {
		t.Fatalf("%d files in %s/new, want the test message", len(files), maildir)
	}
	b, err := os.ReadFile(filepath.Join(maildir, "new", files[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Return-Path: <fanarchive@localhost>\n", "Delivered-To: reader@example.net\n",
		"Subject: fanarchive test message\n", "To: \"Reader\" <reader@example.net>\n", "If you can read it"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("maildir message lacks %q:\n%s", want, b)
		}
	}
	// The sender writes the message before it marks it sent, so the queue
	// may say so a moment after the file appears.
	out = run(t, "mail", "queue", "--data", data)
	for !strings.HasPrefix(out, "0 queued, 0 failed, 1 sent") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		out = run(t, "mail", "queue", "--data", data)
	}
	if !strings.HasPrefix(out, "0 queued, 0 failed, 1 sent") {
		t.Errorf("mail queue says:\n%s", out)
	}
}

// TestMailSendSMTP queues a test message and sends it with `mail send`
// to a real SMTP server on a loopback port; then a relay that is down.
func TestMailSendSMTP(t *testing.T) {
	data := t.TempDir()
	addr, got := smtpSink(t)
	run(t, "mail", "test", "--data", data, "--mail-from", "Archive <archive@fics.example.org>", "reader@example.net")
	out := run(t, "mail", "send", "--data", data, "--smtp-url", "smtp://"+addr)
	if !strings.Contains(out, "Sent 1, failed 0") {
		t.Errorf("mail send says:\n%s", out)
	}
	msgs := got()
	if len(msgs) != 1 || !strings.HasPrefix(msgs[0], "archive@fics.example.org → reader@example.net\n") ||
		!strings.Contains(msgs[0], "From: \"Archive\" <archive@fics.example.org>") || !strings.Contains(msgs[0], "@fics.example.org>") {
		t.Errorf("relay got %q", msgs)
	}

	// The relay down: the message stays queued, with why.
	run(t, "mail", "test", "--data", data, "reader@example.net")
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	down := ln.Addr().String()
	ln.Close()
	m, out2, _ := testMain(nil)
	if err := m.Run(context.Background(), []string{"mail", "send", "--data", data, "--smtp-url", "smtp://" + down}); err == nil {
		t.Errorf("mail send to a relay that is down succeeded:\n%s", out2)
	}
	out = run(t, "mail", "queue", "--data", data)
	if !strings.HasPrefix(out, "1 queued, 0 failed, 1 sent") || !strings.Contains(out, "reader@example.net") || !strings.Contains(out, "connect") {
		t.Errorf("mail queue says:\n%s", out)
	}
}

func TestMailUsage(t *testing.T) {
	for _, args := range [][]string{{"mail", "test", "--data", t.TempDir(), "not an address"},
		{"mail", "test", "--data", t.TempDir(), "--mail-from", "nobody", "a@example.net"},
		{"mail", "send", "--data", t.TempDir(), "--smtp-url", "http://relay.example.org"},
		{"serve", "--data", t.TempDir(), "--smtp-url", "smtp://relay.example.org/x"},
		{"mail"}, {"mail", "frobnicate"}} {
		m, _, _ := testMain(nil)
		var exit *ExitError
		if err := m.Run(context.Background(), args); !errors.As(err, &exit) || exit.Code != ExitUsage {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
	if out := run(t, "mail", "--help"); !strings.Contains(out, "test ADDRESS") {
		t.Errorf("mail --help:\n%s", out)
	}
}

// smtpSink runs a go-smtp server on a loopback port that accepts every
// message; got returns them as "from → to\ndata".
func smtpSink(t *testing.T) (addr string, got func() []string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var msgs []string
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &sinkSession{add: func(s string) { mu.Lock(); msgs = append(msgs, s); mu.Unlock() }}, nil
	}))
	srv.Domain = "sink.test"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), msgs...)
	}
}

type sinkSession struct {
	from, to string
	add      func(string)
}

func (s *sinkSession) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }
func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error   { s.to = to; return nil }
func (s *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.add(s.from + " → " + s.to + "\n" + string(b))
	return err
}
func (s *sinkSession) Reset()        {}
func (s *sinkSession) Logout() error { return nil }
