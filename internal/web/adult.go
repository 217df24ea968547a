package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"fanarchive"
)

// consentCookie records that the reader agreed to see adult works.
const consentCookie = "adult_ok"

// adultPage is the data of the adult-content notice. It names the work but
// holds none of its text.
type adultPage struct {
	page
	Title   string
	Authors []string
	Rating  fanarchive.Rating
	Next    string // where "Yes, continue" leads
}

// gate shows the adult-content notice instead of an adult work to a reader
// who has not agreed to see such works, and reports whether it did.
func (s *Server) gate(w http.ResponseWriter, r *http.Request, work *fanarchive.Work) bool {
	if !work.IsAdult() {
		return false
	}
	// The same URL answers differently with and without the cookie.
	w.Header().Add("Vary", "Cookie")
	if c, err := r.Cookie(consentCookie); err == nil && c.Value == "1" {
		// Shown because of this reader's cookie: no shared cache may keep
		// it for readers who have not agreed.
		w.Header().Set("Cache-Control", "private, max-age=60")
		return false
	}
	w.Header().Set("Cache-Control", "private, no-store")
	s.render(w, r, http.StatusOK, "adult", &adultPage{
		page:    s.newPage("Adult content notice", work.DisplayTitle()),
		Title:   work.DisplayTitle(),
		Authors: work.AuthorNames(),
		Rating:  work.Rating,
		Next:    r.URL.RequestURI(),
	})
	return true
}

// handleAdultConsent records the reader's consent in a cookie and sends
// them on to the work they were shown the notice for.
func (s *Server) handleAdultConsent(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		s.badRequest(w, r, "The form could not be read.")
		return
	}
	next := r.PostForm.Get("next")
	if !isLocalPath(next) {
		s.badRequest(w, r, "That link does not lead to a page of this site.")
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name:     consentCookie,
		Value:    "1",
		Path:     "/",
		MaxAge:   int(365 * 24 * time.Hour / time.Second),
		HttpOnly: true,
		Secure:   s.opts.SecureCookies,
		SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// isLocalPath reports whether next is a path on this site, so redirecting
// to it cannot send the reader elsewhere: it starts with one slash, and has
// no scheme, host, backslash or control character that a browser might
// read as another site.
func isLocalPath(next string) bool {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || len(next) > 2048 {
		return false
	}
	for _, c := range next {
		if c == '\\' || c < 0x20 || c == 0x7f {
			return false
		}
	}
	u, err := url.Parse(next)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil
}
