package api

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// limiter counts each client's requests in fixed windows. It lives in the
// process: several serve processes each allow a client their own share (a
// limit in the database, as log-ins have, would cost a write a request).
type limiter struct {
	mu      sync.Mutex
	limit   int
	window  time.Duration
	clients map[string]*window
}

type window struct {
	start time.Time
	n     int
}

// maxClients bounds the limiter's memory: past it, expired windows are
// dropped, and if none has expired the oldest are.
const maxClients = 100_000

func newLimiter(limit int, every time.Duration) *limiter {
	return &limiter{limit: limit, window: every, clients: map[string]*window{}}
}

// take counts a request of client at now and reports how many are left in
// its window, how many seconds until the window resets, and whether this
// one is allowed.
func (l *limiter) take(client string, now time.Time) (remaining, reset int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.clients[client]
	if w == nil || now.Sub(w.start) >= l.window {
		if w == nil && len(l.clients) >= maxClients {
			l.prune(now)
		}
		w = &window{start: now}
		l.clients[client] = w
	}
	reset = int((w.start.Add(l.window).Sub(now) + time.Second - 1) / time.Second)
	if w.n >= l.limit {
		return 0, reset, false
	}
	w.n++
	return l.limit - w.n, reset, true
}

// prune drops expired windows, or half of them all when none has expired.
func (l *limiter) prune(now time.Time) {
	for k, w := range l.clients {
		if now.Sub(w.start) >= l.window {
			delete(l.clients, k)
		}
	}
	for k := range l.clients {
		if len(l.clients) < maxClients/2 {
			break
		}
		delete(l.clients, k)
	}
}

// remoteHost is a request's client: the host of its remote address.
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
