package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/auth"
)

// Session lifetimes (docs/accounts.md). Without "remember me" the cookie
// lasts as long as the browser and the session ends after hours unused;
// with it the cookie and the session last weeks.
const (
	sessionIdle     = 12 * time.Hour
	sessionMax      = 7 * 24 * time.Hour
	rememberFor     = 30 * 24 * time.Hour
	sessionCookieLo = "session"
	// With Secure cookies the name takes the __Host- prefix, which browsers
	// keep only for Secure cookies of this host with Path=/.
	sessionCookieHost = "__Host-session"
)

// visit is who is asking: a live session and its user, or neither.
type visit struct {
	session *fanarchive.Session
	user    *fanarchive.User
}

type visitKey struct{}

// visitOf returns the request's visit; the zero visit is an anonymous reader.
func visitOf(r *http.Request) visit {
	v, _ := r.Context().Value(visitKey{}).(visit)
	return v
}

// currentUser returns the logged-in user, or nil.
func currentUser(r *http.Request) *fanarchive.User { return visitOf(r).user }

func (s *Server) sessionCookieName() string {
	if s.opts.SecureCookies {
		return sessionCookieHost
	}
	return sessionCookieLo
}

// loadSession finds the session of the request's cookie, if any, and puts
// it and its user in the request's context for handlers and the layout.
// It caches nothing: every request asks the store (one indexed read, and a
// write at most once a minute), so a log-out, a disabled account or a
// changed password takes effect on the next request, in every process.
// Pages for a logged-in user are marked private, so no shared cache keeps
// them; every page varies by cookie, as its header does.
func (s *Server) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Cookie")
		c, err := r.Cookie(s.sessionCookieName())
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		if !auth.WellFormedToken(c.Value) {
			s.clearSessionCookie(w)
			next.ServeHTTP(w, r)
			return
		}
		sess, u, err := s.store.FindSession(r.Context(), fanarchive.SessionID(auth.TokenID(c.Value)))
		if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
			s.clearSessionCookie(w)
			next.ServeHTTP(w, r)
			return
		} else if err != nil {
			s.serverError(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "private")
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), visitKey{}, visit{session: sess, user: u})))
	})
}

// startSession logs u in: a new session (never one the browser brought,
// so a planted cookie cannot be made to log someone in) and its cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *fanarchive.User, remember bool) error {
	if old := visitOf(r).session; old != nil {
		if err := s.store.DeleteSession(r.Context(), old.ID); err != nil {
			return err
		}
	}
	secret, id := auth.NewToken()
	now := time.Now()
	sess := &fanarchive.Session{ID: fanarchive.SessionID(id), UserID: u.ID, Remember: remember,
		Idle: sessionIdle, ExpiresAt: now.Add(sessionMax)}
	if remember {
		sess.Idle, sess.ExpiresAt = rememberFor, now.Add(rememberFor)
	}
	if err := s.store.CreateSession(r.Context(), sess); err != nil {
		return err
	}
	c := &http.Cookie{Name: s.sessionCookieName(), Value: secret, Path: "/", HttpOnly: true,
		Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode}
	if remember {
		c.MaxAge = int(rememberFor / time.Second)
	}
	http.SetCookie(w, c)
	return nil
}

// clearSessionCookie tells the browser to forget its session cookie.
func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// noStore marks a response as one no cache may keep (account pages, forms
// with tokens).
func noStore(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-store") }

// contextWithoutVisit returns the request's context with no visitor, for a
// page rendered after the session ended.
func contextWithoutVisit(r *http.Request) context.Context {
	return context.WithValue(r.Context(), visitKey{}, visit{})
}
