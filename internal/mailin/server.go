package mailin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"

	"fanarchive"
)

// Defaults of Config.
const (
	DefaultMaxSize         = 25 << 20 // 25 MiB
	DefaultMaxRecipients   = 50
	DefaultMaxConnections  = 100
	DefaultReadTimeout     = 5 * time.Minute // RFC 5321 section 4.5.3.2's server timeout
	DefaultWriteTimeout    = time.Minute
	DefaultShutdownTimeout = 30 * time.Second
)

// DefaultRateLimit lets one address open 20 connections at once, then one
// every 3 seconds.
var DefaultRateLimit = RateLimit{Every: 3 * time.Second, Burst: 20}

// Config sets up a Server. Backend and Spool are required; zero values of
// the rest take the defaults.
type Config struct {
	Addr    string  // ListenAndServe's address, such as ":25" or "127.0.0.1:2525"
	Domain  string  // this host's name, in the greeting and Received: fields (default: the host name)
	Backend Backend // says which addresses are ours, and takes each accepted message
	Spool   string  // the spool's folder, such as DATA/spool

	MaxSize        int64 // largest message in bytes (default 25 MiB), advertised with SIZE
	MaxRecipients  int   // most RCPT TO per message (default 50); more get 452 4.5.3
	MaxConnections int   // most connections open at once (default 100; negative: no limit); more get 421
	// RateLimit limits connections per client IP address (default
	// DefaultRateLimit; Every < 0: no limit); those over it get 421.
	RateLimit RateLimit

	ReadTimeout  time.Duration // for each command line or piece of data (default 5 min)
	WriteTimeout time.Duration // for each reply (default 1 min)
	// DeliverTimeout bounds each CheckRecipient and Deliver call (default 1 min).
	DeliverTimeout time.Duration
	// RetryMin and RetryMax set the spool's retries (see SpoolOptions).
	RetryMin, RetryMax time.Duration
	// Poll is how often the spool looks for due retries (default 1 s).
	Poll time.Duration
	// ShutdownTimeout is how long Serve waits, once its context ends, for
	// open sessions to finish before it closes them (default 30 s).
	ShutdownTimeout time.Duration

	Logger *slog.Logger // nil: discard
}

// Server is the archive's SMTP server: it accepts mail for the addresses
// the Backend says are ours, and no other (no AUTH, no relaying), keeps each
// message in its Spool before it says 250, and hands it to the Backend.
// A Server serves once.
type Server struct {
	cfg   Config
	spool *Spool
	smtp  *smtp.Server
	log   *slog.Logger

	closing atomic.Bool // no new transactions

	mu      sync.Mutex
	started bool
	closed  bool
	cancel  context.CancelFunc
	ll      *limitListener
}

// NewServer checks cfg, opens its spool and returns a server ready to Serve.
func NewServer(cfg Config) (*Server, error) {
	if cfg.Backend == nil {
		return nil, errors.New("mailin: no backend")
	}
	if cfg.Spool == "" {
		return nil, errors.New("mailin: no spool folder")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Domain == "" {
		cfg.Domain, _ = os.Hostname()
		if cfg.Domain == "" {
			cfg.Domain = "localhost"
		}
	}
	if cfg.MaxSize <= 0 {
		cfg.MaxSize = DefaultMaxSize
	}
	if cfg.MaxRecipients <= 0 {
		cfg.MaxRecipients = DefaultMaxRecipients
	}
	if cfg.MaxConnections == 0 {
		cfg.MaxConnections = DefaultMaxConnections
	}
	if cfg.RateLimit == (RateLimit{}) {
		cfg.RateLimit = DefaultRateLimit
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	if cfg.DeliverTimeout <= 0 {
		cfg.DeliverTimeout = DefaultDeliverTimeout
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	sp, err := OpenSpool(cfg.Spool, SpoolOptions{
		Logger: cfg.Logger, Domain: cfg.Domain, DeliverTimeout: cfg.DeliverTimeout,
		RetryMin: cfg.RetryMin, RetryMax: cfg.RetryMax, Poll: cfg.Poll,
	})
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, spool: sp, log: cfg.Logger}
	s.smtp = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	}))
	s.smtp.Domain = cfg.Domain
	s.smtp.MaxMessageBytes = cfg.MaxSize
	s.smtp.MaxRecipients = cfg.MaxRecipients
	s.smtp.ReadTimeout = cfg.ReadTimeout
	s.smtp.WriteTimeout = cfg.WriteTimeout
	s.smtp.EnableSMTPUTF8 = true
	s.smtp.ErrorLog = slogLogger{cfg.Logger}
	return s, nil
}

// Spool returns the server's spool.
func (s *Server) Spool() *Spool { return s.spool }

// ListenAndServe listens on Config.Addr and serves until ctx ends (see Serve).
func (s *Server) ListenAndServe(ctx context.Context) error {
	if s.cfg.Addr == "" {
		return errors.New("mailin: no address to listen on")
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("mailin: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve accepts SMTP connections on ln, and runs the spool's deliveries
// (first what a previous run left in it), until ctx ends or Close is
// called. When ctx ends it stops accepting, refuses new transactions with
// 421, waits up to ShutdownTimeout for the sessions still open (a message
// being received is finished, stored and answered), then closes the rest.
// It returns nil after a shutdown, or the listener's error.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.mu.Lock()
	if s.started || s.closed {
		s.mu.Unlock()
		ln.Close()
		return errors.New("mailin: server already served or closed")
	}
	s.started = true
	runCtx, cancel := context.WithCancel(ctx)
	s.cancel = cancel
	ll := &limitListener{
		Listener: ln, max: s.cfg.MaxConnections, rate: newIPRate(s.cfg.RateLimit), domain: s.cfg.Domain,
		conns:  map[*countedConn]struct{}{},
		onDrop: func(remote, why string) { s.log.Warn("mailin: connection refused", "remote", remote, "limit", why) },
	}
	s.ll = ll
	s.mu.Unlock()
	defer cancel()

	spoolDone := make(chan struct{})
	go func() {
		defer close(spoolDone)
		s.spool.Run(runCtx, s.cfg.Backend)
	}()
	errc := make(chan error, 1)
	go func() { errc <- s.smtp.Serve(ll) }()
	s.log.Info("mailin: listening", "addr", ln.Addr().String(), "domain", s.cfg.Domain)

	var err error
	select {
	case err = <-errc:
	case <-runCtx.Done():
		s.closing.Store(true)
		sctx, scancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
		if serr := s.smtp.Shutdown(sctx); serr != nil {
			s.smtp.Close()
			ll.closeAll()
		}
		scancel()
		// Closed already, unless Close came before go-smtp had the listener.
		ll.Close()
		err = <-errc
	}
	s.closing.Store(true)
	cancel()
	<-spoolDone
	ll.wg.Wait()
	if errors.Is(err, smtp.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
		err = nil
	}
	s.log.Info("mailin: stopped")
	return err
}

// Close stops the server at once: it closes the listener and every
// connection (a message not yet answered is the client's to send again)
// and stops the spool's deliveries. Messages in the spool stay for the
// next start.
func (s *Server) Close() error {
	s.closing.Store(true)
	s.mu.Lock()
	s.closed = true
	cancel, ll := s.cancel, s.ll
	s.mu.Unlock()
	err := s.smtp.Close()
	if ll != nil {
		ll.closeAll()
	}
	if cancel != nil {
		cancel()
	}
	if errors.Is(err, smtp.ErrServerClosed) {
		err = nil
	}
	return err
}

// slogLogger turns go-smtp's error log into warnings.
type slogLogger struct{ log *slog.Logger }

func (l slogLogger) Printf(format string, v ...any) {
	l.log.Warn("mailin: smtp: " + strings.TrimSpace(fmt.Sprintf(format, v...)))
}

func (l slogLogger) Println(v ...any) {
	l.log.Warn("mailin: smtp: " + strings.TrimSpace(fmt.Sprintln(v...)))
}

// The replies this server gives of its own.
var (
	replyShutdown = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "Shutting down, try again later"}
	replyTooBig   = &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4}, Message: "Message too big"}
	replyLoop     = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 4, 6}, Message: "Too many Received: fields, mail loop"}
	replyNUL      = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "NUL bytes are not allowed in a message"}
	replyLongLine = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Line too long (RFC 5321 allows 1000 bytes)"}
	replyStore    = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Cannot store the message now, try again later"}
	replyBackend  = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Cannot check the address now, try again later"}
)

// session is one SMTP connection's state.
type session struct {
	s    *Server
	conn *smtp.Conn

	from     string
	declared int64 // SIZE= at MAIL, 0 if none
	to       []string
	limit    int64 // smallest size limit of the server and the recipients so far
}

func (ss *session) Reset() {
	ss.from, ss.declared, ss.to, ss.limit = "", 0, nil, 0
}

func (ss *session) Logout() error { return nil }

func (ss *session) Mail(from string, opts *smtp.MailOptions) error {
	if ss.s.closing.Load() {
		return replyShutdown
	}
	ss.Reset()
	ss.from = NormalizeAddress(from)
	ss.limit = ss.s.cfg.MaxSize
	if opts != nil {
		ss.declared = opts.Size
	}
	return nil
}

func (ss *session) Rcpt(to string, opts *smtp.RcptOptions) error {
	addr := NormalizeAddress(to)
	for _, a := range ss.to {
		if a == addr {
			return nil // a second RCPT for the same address: one copy
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), ss.s.cfg.DeliverTimeout)
	defer cancel()
	maxSize, err := ss.s.cfg.Backend.CheckRecipient(ctx, addr)
	switch fanarchive.ErrorCode(err) {
	case "":
	case fanarchive.ENOTFOUND:
		ss.s.log.Info("mailin: recipient refused", "rcpt", addr, "remote", ss.remote())
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
			Message: "<" + printable(addr, "") + ">: no such address here; this server does not relay"}
	case fanarchive.EINVALID:
		return &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 1, 3},
			Message: "<" + printable(addr, "") + ">: " + printable(fanarchive.ErrorMessage(err), "bad address")}
	default:
		ss.s.log.Warn("mailin: cannot check a recipient", "rcpt", addr, "err", err)
		return replyBackend
	}
	if maxSize > 0 && ss.declared > maxSize {
		return &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4},
			Message: fmt.Sprintf("Message too big for <%s> (%d bytes at most)", printable(addr, ""), maxSize)}
	}
	if maxSize > 0 && maxSize < ss.limit {
		ss.limit = maxSize
	}
	ss.to = append(ss.to, addr)
	return nil
}

func (ss *session) remote() string { return ss.conn.Conn().RemoteAddr().String() }

// Data stores the message in the spool and then offers it to the backend.
// Once stored, the reply is 250 whatever the backend says: the message is
// safe, and the spool retries it or keeps it in failed.
func (ss *session) Data(r io.Reader) error {
	now := time.Now()
	key := newKey(now)
	env := Envelope{From: ss.from, To: append([]string(nil), ss.to...), RemoteAddr: ss.remote(), Helo: ss.conn.Hostname(), ReceivedAt: now}
	sp := ss.s.spool
	sp.claim(key)
	defer sp.release(key)
	head := receivedField(env, ss.s.cfg.Domain, key, "ESMTP", "\r\n")
	size, err := sp.store(key, env, head, r, ss.limit)
	if err != nil {
		return ss.refusal(err)
	}
	ss.s.log.Info("mailin: accepted", "key", key, "size", size, "from", env.From, "rcpts", env.To, "remote", env.RemoteAddr)
	// The backend's context is not the server's: a shutdown lets a
	// delivery under way finish.
	out := sp.deliver(context.Background(), ss.s.cfg.Backend, key)
	if out != Delivered {
		ss.s.log.Info("mailin: stored for later", "key", key, "outcome", out.String())
	}
	return nil
}

// refusal turns a failure to store a message into its reply.
func (ss *session) refusal(err error) error {
	var se *smtp.SMTPError
	errors.As(err, &se) // go-smtp's own reader's errors: its size cap
	switch {
	case errors.Is(err, errTooBig), se != nil && se.Code == 552:
		ss.s.log.Info("mailin: message too big", "limit", ss.limit, "from", ss.from, "remote", ss.remote())
		return replyTooBig
	case errors.Is(err, errLoop):
		ss.s.log.Warn("mailin: mail loop refused", "from", ss.from, "rcpts", ss.to, "remote", ss.remote())
		return replyLoop
	case errors.Is(err, errNUL):
		return replyNUL
	case errors.Is(err, smtp.ErrTooLongLine):
		return replyLongLine
	case se != nil:
		return se
	case errors.Is(err, smtp.ErrDataReset), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return err // the client went away; nobody reads the reply
	default:
		ss.s.log.Error("mailin: cannot store a message", "err", err)
		return replyStore
	}
}

// NormalizeAddress returns addr with its domain (after the last @) in
// lower case: domains are case-insensitive, local parts are the domain's
// own business (RFC 5321 section 2.4).
func NormalizeAddress(addr string) string {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return addr
	}
	return addr[:i+1] + strings.ToLower(addr[i+1:])
}
