package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Limit is a number of requests per window.
type Limit struct {
	N   int
	Per time.Duration
}

// RateLimits are the limits on the requests that cost a password hash or
// send mail, per client IP and per account. They are counted in the
// database (fanarchive.RateLimiter), so every process shares them, and
// checked before any hashing.
type RateLimits struct {
	LogInIP, LogInAccount   Limit
	SignUpIP, SignUpAccount Limit // per address signed up with: no mail-bombing one address
	ResetIP, ResetAccount   Limit // password-reset requests
	ResendIP, ResendAccount Limit // confirmation mail sent again
	Password                Limit // password checks of a logged-in user: changes of password or address, deletion
	// Claims counts, per account, claims of legacy works (which mail a
	// link to an address in a story's header, someone else's perhaps)
	// and takedown requests (which fill the archivists' queue).
	Claims Limit
	// Feedback sent through the relay: guests per IP and per work, users
	// per account. Kudos from guests, per IP. Zero means the default.
	FeedbackIP, FeedbackWork, FeedbackUser, KudosIP Limit
	// List subscriptions from the web: per IP (over it, 429), and per
	// list and address (over it, the same "check your mail" page and no
	// mail). Zero means the default.
	ListSubscribeIP, ListSubscribeAddress Limit

	// Comments: guests' per IP and per work, users' per account.
	CommentIP, CommentWork, CommentUser Limit
}

// DefaultRateLimits are what Options.Limits defaults to.
var DefaultRateLimits = RateLimits{
	LogInIP:       Limit{10, time.Minute},
	LogInAccount:  Limit{5, time.Minute},
	SignUpIP:      Limit{5, time.Hour},
	SignUpAccount: Limit{3, time.Hour},
	ResetIP:       Limit{5, time.Hour},
	ResetAccount:  Limit{3, time.Hour},
	ResendIP:      Limit{5, time.Hour},
	ResendAccount: Limit{3, time.Hour},
	Password:      Limit{5, time.Minute},
	Claims:        Limit{5, time.Hour},
	FeedbackIP:    Limit{10, time.Hour},
	FeedbackWork:  Limit{30, time.Hour},
	FeedbackUser:  Limit{20, time.Hour},
	KudosIP:       Limit{100, time.Hour},

	ListSubscribeIP:      Limit{10, time.Hour},
	ListSubscribeAddress: Limit{3, time.Hour},

	CommentIP:   Limit{10, 10 * time.Minute},
	CommentWork: Limit{60, time.Hour},
	CommentUser: Limit{60, time.Hour},
}

// hit is one counter a request is checked against.
type hit struct {
	key   string
	limit Limit
}

// ipHit counts against the client's address.
func (s *Server) ipHit(r *http.Request, purpose string, l Limit) hit {
	return hit{purpose + ":ip:" + s.clientIP(r), l}
}

// accountHit counts against an account, named by what the client typed
// (reduced to its key, and hashed so that typed logins are not stored).
func accountHit(purpose, account string, l Limit) hit {
	sum := sha256.Sum256([]byte(account))
	return hit{purpose + ":account:" + hex.EncodeToString(sum[:16]), l}
}

// limited counts the request against each hit and, if any is over its
// limit, answers 429 with Retry-After and reports true. Every counter is
// hit, so that a client over one limit still counts against the others.
func (s *Server) limited(w http.ResponseWriter, r *http.Request, hits ...hit) bool {
	var wait time.Duration
	for _, h := range hits {
		ok, retry, err := s.store.HitRateLimit(r.Context(), h.key, h.limit.N, h.limit.Per)
		if err != nil {
			s.serverError(w, r, err)
			return true
		}
		if !ok {
			wait = max(wait, retry)
		}
	}
	if wait == 0 {
		return false
	}
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.render(w, r, http.StatusTooManyRequests, "error", &errorPage{
		page:    s.newPage("Too many attempts"),
		Status:  http.StatusTooManyRequests,
		Heading: "Too many attempts.",
		Message: fmt.Sprintf("For everyone's safety we allow only a few of these a minute. Please wait %s and try again.", waitText(secs)),
	})
	return true
}

// waitText says how long to wait, in words.
func waitText(secs int) string {
	switch {
	case secs <= 1:
		return "a second"
	case secs < 60:
		return strconv.Itoa(secs) + " seconds"
	case secs < 120:
		return "a minute"
	}
	return strconv.Itoa((secs+59)/60) + " minutes"
}

// clientIP is the address the request came from: the connection's peer,
// or, behind a trusted proxy (Options.TrustedProxy), the last address in
// X-Forwarded-For, the one the proxy added (earlier ones are whatever the
// client wrote). An IPv6 address counts as its /64, which one client
// usually has whole.
func (s *Server) clientIP(r *http.Request) string {
	addr := r.RemoteAddr
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	if s.opts.TrustedProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if last := strings.TrimSpace(parts[len(parts)-1]); net.ParseIP(last) != nil {
				addr = last
			}
		}
	}
	ip := net.ParseIP(addr)
	if ip == nil {
		return addr
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}
