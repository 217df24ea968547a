package web

import (
	"net/http"
	"net/url"

	"fanarchive"
	"fanarchive/internal/auth"
)

// mayRead answers a request for a work the reader may not see, and
// reports whether they may: a draft is its owners' (anyone else is told
// there is no such work, so a draft's existence is not given away), a
// restricted work is for logged-in readers (a guest is asked to log in).
// Deleted works never reach here: the store does not return them. Every
// page made from a work — chapters, the entire work, downloads, the
// source — goes through loadWork, and so through this.
func (s *Server) mayRead(w http.ResponseWriter, r *http.Request, work *fanarchive.Work) bool {
	u := currentUser(r)
	switch {
	case work.Draft && !auth.Can(u, auth.EditWork, work.Owners...):
		s.notFound(w, r, "work")
		return false
	case work.Restricted && u == nil:
		noStore(w) // a guest's answer, never a page someone logged in should get from a cache
		s.notice(w, r, http.StatusForbidden, "This work is for logged-in readers",
			[]string{"Its author has asked that only readers with an account here see it."},
			link{Label: "Log in", URL: "/login?next=" + url.QueryEscape(r.URL.RequestURI())},
			link{Label: "Sign up", URL: "/signup"})
		return false
	}
	return true
}
