package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTP delivers to a smarthost (relay), which takes the mail on from there.
// Make one with ParseSMTPURL; the zero timeouts and limits are defaults.
type SMTP struct {
	Addr        string // host:port
	ImplicitTLS bool   // TLS from the start (smtps://) rather than STARTTLS
	// Username and Password, when set, authenticate with AUTH PLAIN (or
	// LOGIN), and only ever over TLS.
	Username, Password string
	// LocalName is the name this host gives in EHLO; "localhost" if empty.
	LocalName string
	// TLSConfig verifies the relay; nil checks its certificate against
	// the system's roots for the host in Addr.
	TLSConfig *tls.Config

	DialTimeout    time.Duration // 30 s
	CommandTimeout time.Duration // for each reply: 2 min
	DataTimeout    time.Duration // for the reply to the message: 5 min
	// MaxMessages and MaxAge bound one connection's life: a session quits
	// and reconnects after them, as relays limit both. 100 and 5 min.
	MaxMessages int
	MaxAge      time.Duration

	// starttls remembers whether the relay offered STARTTLS the first time,
	// so sessions without credentials need not ask again: 0 unknown, 1
	// offered, 2 not.
	starttls atomic.Int32
}

// Open connects to the relay: TLS (implicit or STARTTLS), EHLO, AUTH.
func (t *SMTP) Open(ctx context.Context) (Session, error) {
	s := &smtpSession{t: t}
	if err := s.connect(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// smtpSession is one connection to the relay.
type smtpSession struct {
	t      *SMTP
	conn   net.Conn // the TCP connection, closed to abort
	c      *smtp.Client
	opened time.Time
	sent   int
}

// connect opens the session's connection. Every failure is temporary: a
// relay that is down, a bad certificate or a wrong password affects every
// message alike, and is logged for the operator to fix.
func (s *smtpSession) connect(ctx context.Context) error {
	t := s.t
	fail := func(err error) error {
		if s.c != nil {
			s.c.Close()
		} else if s.conn != nil {
			s.conn.Close()
		}
		s.c, s.conn = nil, nil
		var se *smtp.SMTPError
		code := 0
		if errors.As(err, &se) {
			code = se.Code
		}
		return &DeliveryError{Stage: "connect", Code: code, Lost: true, Err: fmt.Errorf("%s: %w", t, err)}
	}
	host, _, err := net.SplitHostPort(t.Addr)
	if err != nil {
		return fail(err)
	}
	cfg := &tls.Config{}
	if t.TLSConfig != nil {
		cfg = t.TLSConfig.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	var stops []func() bool
	defer func() {
		for _, stop := range stops {
			stop()
		}
	}()
	dial := func() error {
		d := net.Dialer{Timeout: or(t.DialTimeout, 30*time.Second)}
		conn, err := d.DialContext(ctx, "tcp", t.Addr)
		if err != nil {
			return err
		}
		s.conn = conn
		// Until the session is open, ctx ending aborts it.
		stops = append(stops, context.AfterFunc(ctx, func() { conn.Close() }))
		if t.ImplicitTLS {
			tc := tls.Client(conn, cfg)
			hctx, cancel := context.WithTimeout(ctx, or(t.CommandTimeout, 2*time.Minute))
			defer cancel()
			if err := tc.HandshakeContext(hctx); err != nil {
				return err
			}
			s.c = smtp.NewClient(tc)
		} else {
			s.c = smtp.NewClient(conn)
		}
		s.c.CommandTimeout = or(t.CommandTimeout, 2*time.Minute)
		s.c.SubmissionTimeout = or(t.DataTimeout, 5*time.Minute)
		return nil
	}
	if err := dial(); err != nil {
		return fail(err)
	}
	localName := or(t.LocalName, "localhost")

	helloed := false
	if !t.ImplicitTLS {
		// go-smtp starts TLS only on a client that has not said EHLO
		// itself, so whether the relay offers STARTTLS is learnt once, on
		// a connection that is used as it is when the relay does not.
		mode := t.starttls.Load()
		if mode == 0 {
			if err := s.c.Hello(localName); err != nil {
				return fail(err)
			}
			helloed, mode = true, 2
			if ok, _ := s.c.Extension("STARTTLS"); ok {
				mode = 1
				s.c.Quit()
				s.c, s.conn = nil, nil
				if err := dial(); err != nil {
					return fail(err)
				}
				helloed = false
			}
			t.starttls.Store(mode)
		}
		switch {
		case mode == 1:
			// (go-smtp says EHLO localhost before STARTTLS; LocalName is
			// given after, which is the greeting relays act on.)
			c, err := smtp.NewClientStartTLS(s.conn, cfg)
			if err != nil {
				// The relay may have stopped offering it: ask again next time.
				t.starttls.Store(0)
				return fail(fmt.Errorf("STARTTLS: %w", err))
			}
			c.CommandTimeout, c.SubmissionTimeout = s.c.CommandTimeout, s.c.SubmissionTimeout
			s.c = c
		case t.Username != "":
			return fail(errors.New("the relay does not offer STARTTLS, and the password is not sent in clear (use smtps:// if it takes TLS from the start)"))
		}
	}
	if !helloed {
		if err := s.c.Hello(localName); err != nil {
			return fail(err)
		}
	}
	if t.Username != "" {
		if ok, _ := s.c.Extension("AUTH"); !ok {
			return fail(errors.New("the relay does not offer AUTH"))
		}
		var auth sasl.Client
		switch {
		case s.c.SupportsAuth(sasl.Plain):
			auth = sasl.NewPlainClient("", t.Username, t.Password)
		case s.c.SupportsAuth(sasl.Login):
			auth = sasl.NewLoginClient(t.Username, t.Password)
		default:
			return fail(errors.New("the relay offers neither AUTH PLAIN nor LOGIN"))
		}
		if err := s.c.Auth(auth); err != nil {
			return fail(fmt.Errorf("AUTH: %w", err))
		}
	}
	s.opened, s.sent = time.Now(), 0
	return nil
}

// Send delivers one message: MAIL, RCPT, DATA.
func (s *smtpSession) Send(ctx context.Context, e *Envelope) error {
	if s.c == nil || s.sent >= or(s.t.MaxMessages, 100) || time.Since(s.opened) > or(s.t.MaxAge, 5*time.Minute) {
		if s.c != nil {
			s.c.Quit()
			s.c, s.conn = nil, nil
		}
		if err := s.connect(ctx); err != nil {
			return err
		}
	}
	// ctx ending aborts the exchange: the relay drops a message whose
	// final dot it has not seen.
	conn := s.conn
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	opts := &smtp.MailOptions{Size: int64(e.Size())}
	if !isASCII(e.From) || !isASCII(e.To) {
		if ok, _ := s.c.Extension("SMTPUTF8"); !ok {
			return &DeliveryError{Stage: "MAIL", Permanent: true,
				Err: errors.New("the address is not ASCII and the relay does not offer SMTPUTF8")}
		}
		opts.UTF8 = true
	}
	if err := s.c.Mail(e.From, opts); err != nil {
		return s.failed("MAIL", err, true)
	}
	if err := s.c.Rcpt(e.To, nil); err != nil {
		return s.failed("RCPT", err, true)
	}
	w, err := s.c.Data()
	if err != nil {
		return s.failed("DATA", err, true)
	}
	if _, err := w.Write(e.Header); err != nil {
		return s.failed("DATA", err, false)
	}
	if _, err := w.Write(e.Body); err != nil {
		return s.failed("DATA", err, false)
	}
	if err := w.Close(); err != nil {
		return s.failed("DATA", err, false)
	}
	s.sent++
	return nil
}

// failed classifies an error at stage: a reply of the relay's is permanent
// when it is 5xx (for this message: the session goes on), any other error
// has lost the connection. A refusal within a transaction is followed by
// RSET when reset is true, so the next message starts clean.
func (s *smtpSession) failed(stage string, err error, reset bool) error {
	de := &DeliveryError{Stage: stage, Err: err}
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		de.Code, de.Permanent = se.Code, se.Code >= 500 && se.Code < 600
		// 421: the relay is closing the connection.
		de.Lost = se.Code == 421
		if !de.Lost && reset {
			if rerr := s.c.Reset(); rerr != nil {
				de.Lost = true
			}
		}
	} else {
		de.Lost = true
	}
	if de.Lost {
		s.c.Close()
		s.c, s.conn = nil, nil
	}
	return de
}

// Close says QUIT and closes the connection.
func (s *smtpSession) Close() error {
	if s.c == nil {
		return nil
	}
	c := s.c
	s.c, s.conn = nil, nil
	if err := c.Quit(); err != nil {
		c.Close()
		return err
	}
	return nil
}

// or returns v, or def when v is the zero value.
func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
