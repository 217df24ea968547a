package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"fanarchive"
	"fanarchive/internal/auth"
)

// ownerFunc names the users who own what a request acts on (a pseud's
// user, a work's authors' users), for actions the matrix allows owners.
type ownerFunc func(r *http.Request) ([]int64, error)

// WriteRoute is a state-changing route and the action it is checked as.
type WriteRoute struct {
	Pattern string
	Action  auth.Action
	// Tokenless says the route takes no session CSRF token
	// (postTokenless).
	Tokenless bool
}

// maxFormBytes bounds every form a write route reads.
const maxFormBytes = 64 << 10

// post registers a state-changing route. Every one goes through the same
// checks, in this order, before its handler runs:
//
//  1. http.CrossOriginProtection: a request another site's page made
//     (Sec-Fetch-Site or Origin say so) is refused with 403;
//  2. the form is read, at most maxFormBytes;
//  3. for a logged-in visitor, the form's csrf field must be the session's
//     token (auth.CSRFToken), or 403;
//  4. auth.Can(user, action, owners...), with owners from owner when the
//     route has one: refused is 403, and a thing that does not exist 404.
//
// So the authorisation matrix (internal/auth) is consulted in this one
// place for every write route, and WriteRoutes lists them for the tests.
func (s *Server) post(mux *http.ServeMux, pattern string, action auth.Action, owner ownerFunc, h http.HandlerFunc) {
	s.postSized(mux, pattern, action, owner, maxFormBytes, h)
}

// postSized registers a state-changing route as post does, whose form may
// be up to limit bytes: the forms that carry a chapter's text
// (maxWorkFormBytes). A larger request is refused with 413.
func (s *Server) postSized(mux *http.ServeMux, pattern string, action auth.Action, owner ownerFunc, limit int64, h http.HandlerFunc) {
	s.writes = append(s.writes, WriteRoute{Pattern: pattern, Action: action})
	mux.Handle(pattern, s.csrf.Handler(s.guard(action, owner, limit, true, h)))
}

// postTokenless registers a state-changing route as post does, but
// without step 3, the session's CSRF token: for a request whose own
// signed token is the authority and which other servers send without
// the site's cookie or form (RFC 8058 one-click unsubscription). The
// cross-origin check and the matrix still apply.
func (s *Server) postTokenless(mux *http.ServeMux, pattern string, action auth.Action, h http.HandlerFunc) {
	s.writes = append(s.writes, WriteRoute{Pattern: pattern, Action: action, Tokenless: true})
	mux.Handle(pattern, s.csrf.Handler(s.guard(action, nil, maxFormBytes, false, h)))
}

// WriteRoutes lists every state-changing route with its action, in the
// order they are registered: what the authorisation tests go through.
func (s *Server) WriteRoutes() []WriteRoute { return append([]WriteRoute(nil), s.writes...) }

func (s *Server) guard(action auth.Action, owner ownerFunc, limit int64, checkToken bool, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if err := r.ParseForm(); err != nil {
			if tooLarge := new(http.MaxBytesError); errors.As(err, &tooLarge) {
				s.tooLarge(w, r, limit)
				return
			}
			s.badRequest(w, r, "The form could not be read.")
			return
		}
		v := visitOf(r)
		if v.session != nil && checkToken {
			key, err := s.csrfKey(r)
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			if !auth.CheckCSRF(key, string(v.session.ID), r.PostForm.Get("csrf")) {
				s.forbidden(w, r, "That form has expired, or did not come from this site.",
					"Please go back, reload the page and try again.")
				return
			}
		}
		var owners []int64
		if owner != nil {
			var err error
			if owners, err = owner(r); err != nil {
				s.fail(w, r, err, "page")
				return
			}
		}
		if !auth.Can(v.user, action, owners...) {
			s.refuse(w, r, action)
			return
		}
		next(w, r)
	}
}

// tooLarge answers a form longer than its route takes, with 413. What was
// typed cannot be shown again: it was not read.
func (s *Server) tooLarge(w http.ResponseWriter, r *http.Request, limit int64) {
	size := fmt.Sprintf("%d KB", limit>>10)
	if limit >= 1<<20 {
		size = fmt.Sprintf("%d MB", limit>>20)
	}
	s.render(w, r, http.StatusRequestEntityTooLarge, "error", &errorPage{
		page:    s.newPage("Too large"),
		Status:  http.StatusRequestEntityTooLarge,
		Heading: "That form is too large.",
		Message: "A form sent here may be at most " + size + ". Post a long work a chapter at a time: " +
			"go back, shorten the chapter, and add the rest as further chapters.",
	})
}

// refuse answers a request the matrix does not allow: 403, saying to log in
// when that would help.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, action auth.Action) {
	if currentUser(r) == nil && auth.NeedsLogIn(action) {
		s.forbidden(w, r, "Please log in first.", "You need to be logged in to do that.")
		return
	}
	s.forbidden(w, r, "You may not do that.", "Your account does not have the role this needs.")
}

// forbidden sends the 403 page.
func (s *Server) forbidden(w http.ResponseWriter, r *http.Request, heading, message string) {
	s.render(w, r, http.StatusForbidden, "error", &errorPage{
		page:    s.newPage("Forbidden"),
		Status:  http.StatusForbidden,
		Heading: heading,
		Message: message,
	})
}

// allowPage checks a page (a GET) against the matrix. An anonymous reader
// is sent to log in and come back; anyone else refused gets 403.
func (s *Server) allowPage(w http.ResponseWriter, r *http.Request, action auth.Action, owners ...int64) bool {
	if auth.Can(currentUser(r), action, owners...) {
		return true
	}
	if currentUser(r) == nil {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return false
	}
	s.refuse(w, r, action)
	return false
}

// csrfKey returns the key of CSRF tokens, which the store keeps so that
// every process agrees on it. It never changes, so it is read once.
func (s *Server) csrfKey(r *http.Request) ([]byte, error) {
	s.csrfOnce.Lock()
	defer s.csrfOnce.Unlock()
	if s.csrfSecret == nil {
		key, err := s.store.Secret(r.Context(), "csrf")
		if err != nil {
			return nil, err
		}
		s.csrfSecret = key
	}
	return s.csrfSecret, nil
}

// viewer is what the layout shows of who is reading: their name and the
// token their forms carry.
type viewer struct {
	Name  string
	URL   string // their user page
	CSRF  string
	Admin bool
	// Archivist says the viewer may settle claims and takedowns.
	Archivist bool
	// Unread counts the viewer's unread notifications (the inbox).
	Unread int
}

// decorate gives a page's data the reader's settings and the viewer,
// before it is rendered.
func (s *Server) decorate(r *http.Request, data any) {
	if p, ok := data.(interface{ setReading(readingSettings) }); ok {
		p.setReading(readingSettingsOf(r))
	}
	p, ok := data.(interface{ setViewer(*viewer) })
	if !ok {
		return
	}
	v := visitOf(r)
	if v.user == nil {
		return
	}
	key, err := s.csrfKey(r)
	if err != nil {
		return // a form posted without its token is refused; nothing worse
	}
	unread, err := s.store.CountUnread(r.Context(), v.user.ID)
	if err != nil {
		s.logger.Error("count unread notifications", "err", err)
	}
	p.setViewer(&viewer{Name: v.user.Name, URL: userURL(v.user.Name), CSRF: auth.CSRFToken(key, string(v.session.ID)),
		Admin: v.user.HasRole(fanarchive.RoleAdmin), Archivist: auth.Can(v.user, auth.AssignClaim), Unread: unread})
}

func (p *page) setViewer(v *viewer) { p.Viewer = v }

// userURL is the path of a user's page.
func userURL(name string) string { return "/users/" + url.PathEscape(name) }
