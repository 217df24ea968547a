package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// testEnvelope is a small message to to.
func testEnvelope(to string, n int) *Envelope {
	return &Envelope{From: "bounces@example.org", To: to,
		Header: []byte(fmt.Sprintf("X-N: %d\r\n", n)),
		Body:   []byte("From: archive@example.org\r\nSubject: test\r\n\r\nHello.\r\n.leading dot\r\n.\r\nend\r\n")}
}

// sendAll opens one session of tr and sends envs on it.
func sendAll(t *testing.T, tr Transport, envs ...*Envelope) error {
	t.Helper()
	ctx := context.Background()
	sess, err := tr.Open(ctx)
	if err != nil {
		return err
	}
	defer sess.Close()
	for _, e := range envs {
		if err := sess.Send(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// checkReceived compares what the sink got with envs, byte for byte.
func checkReceived(t *testing.T, s *sink, envs ...*Envelope) []received {
	t.Helper()
	got := s.messages()
	if len(got) != len(envs) {
		t.Fatalf("sink got %d messages, want %d", len(got), len(envs))
	}
	for i, e := range envs {
		want := append(append([]byte{}, e.Header...), e.Body...)
		if got[i].From != e.From || got[i].To != e.To || !bytes.Equal(got[i].Data, want) {
			t.Errorf("message %d: got %s → %s %q\nwant %s → %s %q", i, got[i].From, got[i].To, got[i].Data, e.From, e.To, want)
		}
	}
	return got
}

func TestSMTPPlain(t *testing.T) {
	s := startSink(t, &sink{})
	tr, err := ParseSMTPURL("smtp://" + s.addr)
	if err != nil {
		t.Fatal(err)
	}
	envs := []*Envelope{testEnvelope("a@example.net", 1), testEnvelope("b@example.net", 2), testEnvelope("rené@example.net", 3)}
	if err := sendAll(t, tr, envs...); err != nil {
		t.Fatal(err)
	}
	for _, m := range checkReceived(t, s, envs...) {
		if m.TLS {
			t.Error("a plain relay's session used TLS")
		}
	}
	// Learning that the relay has no STARTTLS took no extra connection.
	if n := s.conns.Load(); n != 1 {
		t.Errorf("%d connections for one session, want 1", n)
	}
}

func TestSMTPStartTLSAuth(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)
	s := startSink(t, &sink{tls: serverTLS, user: "archive", pass: "p@ss:word/%"})
	tr, err := ParseSMTPURL("smtp://archive:p%40ss%3Aword%2F%25@" + s.addr)
	if err != nil {
		t.Fatal(err)
	}
	tr.TLSConfig = clientTLS
	envs := []*Envelope{testEnvelope("a@example.net", 1), testEnvelope("b@example.net", 2)}
	if err := sendAll(t, tr, envs...); err != nil {
		t.Fatal(err)
	}
	for _, m := range checkReceived(t, s, envs...) {
		if !m.TLS || m.User != "archive" {
			t.Errorf("message sent with TLS %v as %q, want TLS as archive", m.TLS, m.User)
		}
	}
	// A second session knows the relay offers STARTTLS: one connection.
	before := s.conns.Load()
	if err := sendAll(t, tr, testEnvelope("c@example.net", 3)); err != nil {
		t.Fatal(err)
	}
	if n := s.conns.Load() - before; n != 1 {
		t.Errorf("second session took %d connections, want 1", n)
	}

	t.Run("wrong password", func(t *testing.T) {
		bad, _ := ParseSMTPURL("smtp://archive:wrong@" + s.addr)
		bad.TLSConfig = clientTLS
		err := sendAll(t, bad, testEnvelope("a@example.net", 1))
		var de *DeliveryError
		if !errors.As(err, &de) || de.Stage != "connect" || de.Permanent || de.Code != 535 {
			t.Errorf("err = %#v, want a temporary connect error with 535", err)
		}
		if strings.Contains(err.Error(), "wrong") {
			t.Errorf("the error shows the password: %v", err)
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		untrusted, _ := ParseSMTPURL("smtp://archive:x@" + s.addr)
		if err := sendAll(t, untrusted, testEnvelope("a@example.net", 1)); err == nil || !strings.Contains(err.Error(), "certificate") {
			t.Errorf("err = %v, want a certificate error", err)
		}
	})
}

func TestSMTPCredentialsNeedTLS(t *testing.T) {
	s := startSink(t, &sink{user: "archive", pass: "secret"})
	tr, _ := ParseSMTPURL("smtp://archive:secret@" + s.addr)
	err := sendAll(t, tr, testEnvelope("a@example.net", 1))
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("err = %v, want a refusal to send the password in clear", err)
	}
	if s.authSeen.Load() != 0 || s.count() != 0 {
		t.Error("credentials were sent over a plain connection")
	}
}

func TestSMTPImplicitTLS(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)
	s := startSink(t, &sink{tls: serverTLS, implicit: true, user: "u", pass: "p"})
	tr, err := ParseSMTPURL("smtps://u:p@" + s.addr)
	if err != nil {
		t.Fatal(err)
	}
	tr.TLSConfig = clientTLS
	e := testEnvelope("a@example.net", 1)
	if err := sendAll(t, tr, e); err != nil {
		t.Fatal(err)
	}
	if got := checkReceived(t, s, e); !got[0].TLS {
		t.Error("smtps:// message not sent over TLS")
	}
}

func TestSMTPReplies(t *testing.T) {
	s := startSink(t, &sink{rcpt: func(to string) error {
		switch to {
		case "busy@example.net":
			return errTemp
		case "nobody@example.net":
			return errPerm
		}
		return nil
	}})
	tr, _ := ParseSMTPURL("smtp://" + s.addr)
	ctx := context.Background()
	sess, err := tr.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	for _, tt := range []struct {
		to        string
		code      int
		permanent bool
	}{{"busy@example.net", 451, false}, {"nobody@example.net", 550, true}, {"ok@example.net", 0, false}} {
		err := sess.Send(ctx, testEnvelope(tt.to, 0))
		if tt.code == 0 {
			if err != nil {
				t.Errorf("%s: %v", tt.to, err)
			}
			continue
		}
		var de *DeliveryError
		if !errors.As(err, &de) || de.Code != tt.code || de.Permanent != tt.permanent || de.Lost || de.Stage != "RCPT" {
			t.Errorf("%s: err = %#v, want RCPT %d permanent %v, session kept", tt.to, err, tt.code, tt.permanent)
		}
	}
	// The refusals did not cost the connection, and RSET cleared them.
	if got := s.messages(); len(got) != 1 || got[0].To != "ok@example.net" || s.conns.Load() != 1 {
		t.Errorf("after refusals: %d messages, %d connections", len(got), s.conns.Load())
	}
}

func TestSMTPRelayDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	tr, _ := ParseSMTPURL("smtp://" + addr)
	_, err = tr.Open(context.Background())
	var de *DeliveryError
	if !errors.As(err, &de) || de.Stage != "connect" || de.Permanent || !de.Lost {
		t.Errorf("err = %#v, want a temporary connect error", err)
	}
}

// TestSMTPReconnects checks that a session quits and reconnects after
// MaxMessages, as relays limit messages per connection.
func TestSMTPReconnects(t *testing.T) {
	s := startSink(t, &sink{})
	tr, _ := ParseSMTPURL("smtp://" + s.addr)
	tr.MaxMessages = 2
	var envs []*Envelope
	for i := range 5 {
		envs = append(envs, testEnvelope(fmt.Sprintf("r%d@example.net", i), i))
	}
	if err := sendAll(t, tr, envs...); err != nil {
		t.Fatal(err)
	}
	checkReceived(t, s, envs...)
	if n := s.conns.Load(); n != 3 {
		t.Errorf("%d connections for 5 messages at 2 a connection, want 3", n)
	}
}

// TestSMTPCancel checks that a cancelled send gives up at once.
func TestSMTPCancel(t *testing.T) {
	block := make(chan struct{})
	s := startSink(t, &sink{data: func(received) error { <-block; return nil }})
	defer close(block)
	tr, _ := ParseSMTPURL("smtp://" + s.addr)
	ctx, cancel := context.WithCancel(context.Background())
	sess, err := tr.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	err = sess.Send(ctx, testEnvelope("a@example.net", 1))
	var de *DeliveryError
	if !errors.As(err, &de) || !de.Lost {
		t.Errorf("err = %v, want a lost session", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancelled send took %v", d)
	}
}
