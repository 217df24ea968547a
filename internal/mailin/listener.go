package mailin

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// RateLimit limits how often one IP address may connect: a token bucket of
// Burst connections, refilled with one every Every.
type RateLimit struct {
	Every time.Duration // 0 with Burst 0: no limit
	Burst int
}

// limitListener refuses, with a 421 greeting, a connection over the
// server's limit (too many open) or its address's rate.
type limitListener struct {
	net.Listener
	max    int
	active atomic.Int64
	rate   *ipRate
	domain string
	onDrop func(remote string, why string)
	wg     sync.WaitGroup // refusals being written

	mu    sync.Mutex
	conns map[*countedConn]struct{}
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if !l.rate.allow(hostOf(c.RemoteAddr()), time.Now()) {
			l.refuse(c, "421 4.7.0 "+l.domain+" Too many connections from your address, try again later", "rate")
			continue
		}
		if n := l.active.Add(1); l.max > 0 && n > int64(l.max) {
			l.active.Add(-1)
			l.refuse(c, "421 4.3.2 "+l.domain+" Too many connections, try again later", "connections")
			continue
		}
		cc := &countedConn{Conn: c, l: l}
		l.mu.Lock()
		l.conns[cc] = struct{}{}
		l.mu.Unlock()
		return cc, nil
	}
}

// refuse greets c with a 421 reply and closes it, without holding up Accept.
func (l *limitListener) refuse(c net.Conn, reply, why string) {
	if l.onDrop != nil {
		l.onDrop(c.RemoteAddr().String(), why)
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		c.SetWriteDeadline(time.Now().Add(5 * time.Second))
		c.Write([]byte(reply + "\r\n"))
		c.Close()
	}()
}

// countedConn gives its place back when closed (once, however often).
type countedConn struct {
	net.Conn
	l    *limitListener
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() {
		c.l.active.Add(-1)
		c.l.mu.Lock()
		delete(c.l.conns, c)
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}

// closeAll closes every connection still open.
func (l *limitListener) closeAll() {
	l.mu.Lock()
	conns := make([]*countedConn, 0, len(l.conns))
	for c := range l.conns {
		conns = append(conns, c)
	}
	l.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

func hostOf(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	h, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return h
}

// ipRate is a token bucket per address. Buckets that have refilled are
// dropped now and then, so the map holds only recent addresses.
type ipRate struct {
	every time.Duration
	burst float64

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newIPRate(r RateLimit) *ipRate {
	if r.Every <= 0 || r.Burst <= 0 {
		return nil
	}
	return &ipRate{every: r.Every, burst: float64(r.Burst), buckets: map[string]*bucket{}}
}

// allow takes a token from ip's bucket; a nil ipRate allows everything.
func (r *ipRate) allow(ip string, now time.Time) bool {
	if r == nil {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if now.Sub(r.swept) > time.Minute {
		for k, b := range r.buckets {
			if r.fill(b, now) >= r.burst {
				delete(r.buckets, k)
			}
		}
		r.swept = now
	}
	b := r.buckets[ip]
	if b == nil {
		b = &bucket{tokens: r.burst, at: now}
		r.buckets[ip] = b
	}
	if r.fill(b, now) < 1 {
		return false
	}
	b.tokens--
	return true
}

// fill adds the tokens earned since b was last looked at.
func (r *ipRate) fill(b *bucket, now time.Time) float64 {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(r.burst, b.tokens+float64(d)/float64(r.every))
		b.at = now
	}
	return b.tokens
}
