package mail

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message a sink accepted.
type received struct {
	From, To string
	Data     []byte
	TLS      bool
	User     string
}

// sink is a real SMTP server (emersion/go-smtp) on a loopback port that
// records what it accepts. Its hooks, when set, decide replies.
type sink struct {
	t        *testing.T
	addr     string
	tls      *tls.Config // offered by STARTTLS, or from the start if implicit
	implicit bool
	user     string // when set, AUTH PLAIN with user/pass is required
	pass     string

	// rcpt may refuse a recipient; data is called with each message before
	// it is accepted, and may refuse it.
	rcpt func(to string) error
	data func(r received) error
	// discard keeps nothing of what is accepted but the count (benchmarks).
	discard   bool
	discarded atomic.Int64

	mu       sync.Mutex
	got      []received
	conns    atomic.Int64 // connections accepted
	authSeen atomic.Int64
}

// startSink starts s on a free loopback port; it stops when the test ends.
func startSink(t testing.TB, s *sink) *sink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, isTLS := c.TLSConnectionState()
		return &sinkSession{s: s, tls: isTLS}, nil
	}))
	srv.Domain = "sink.test"
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	srv.EnableSMTPUTF8 = true
	srv.ErrorLog = nopLogger{}
	if s.tls != nil && !s.implicit {
		srv.TLSConfig = s.tls
	}
	var l net.Listener = countingListener{ln, &s.conns}
	if s.implicit {
		l = tls.NewListener(l, s.tls)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s
}

// countingListener counts the connections it accepts.
type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}
func (nopLogger) Println(...any)        {}

// messages returns a copy of what the sink accepted.
func (s *sink) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

func (s *sink) count() int {
	if s.discard {
		return int(s.discarded.Load())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.got)
}

type sinkSession struct {
	s    *sink
	tls  bool
	user string
	cur  received
}

func (ss *sinkSession) AuthMechanisms() []string {
	if ss.s.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *sinkSession) Auth(mech string) (sasl.Server, error) {
	ss.s.authSeen.Add(1)
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != ss.s.user || pass != ss.s.pass {
			return smtp.ErrAuthFailed
		}
		ss.user = user
		return nil
	}), nil
}

func (ss *sinkSession) Mail(from string, opts *smtp.MailOptions) error {
	if ss.s.user != "" && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.cur = received{From: from, TLS: ss.tls, User: ss.user}
	return nil
}

func (ss *sinkSession) Rcpt(to string, opts *smtp.RcptOptions) error {
	if ss.s.rcpt != nil {
		if err := ss.s.rcpt(to); err != nil {
			return err
		}
	}
	ss.cur.To = to
	return nil
}

func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg := ss.cur
	msg.Data = b
	if ss.s.data != nil {
		if err := ss.s.data(msg); err != nil {
			return err
		}
	}
	if ss.s.discard {
		ss.s.discarded.Add(1)
		return nil
	}
	ss.s.mu.Lock()
	ss.s.got = append(ss.s.got, msg)
	ss.s.mu.Unlock()
	return nil
}

func (ss *sinkSession) Reset()        { ss.cur = received{} }
func (ss *sinkSession) Logout() error { return nil }

// selfSigned returns a server TLS config with a certificate for 127.0.0.1
// and localhost made now, and a client config that trusts only it.
func selfSigned(t testing.TB) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "sink.test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool}
}

// errTemp and errPerm are replies a sink's hooks give.
var (
	errTemp = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	errPerm = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
)
