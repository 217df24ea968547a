package web

import (
	"net/http"
	"strings"

	"fanarchive"
)

// loginPage is the data of the log-in form.
type loginPage struct {
	page
	Login    string
	Next     string
	Remember bool
	Error    string
}

// loginFailed is the one answer to a wrong name, address or password, so
// that the form never tells whether an account exists.
const loginFailed = "That user name or address and password do not match an account."

// handleLogInForm shows the log-in form.
func (s *Server) handleLogInForm(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	next := r.URL.Query().Get("next")
	if !isLocalPath(next) {
		next = ""
	}
	s.render(w, r, http.StatusOK, "login", &loginPage{page: s.newPage("Log in"), Next: next})
}

// handleLogIn checks a name or address and password and starts a session.
// Rate limits come first, before any hashing; an unknown account is
// hashed against a dummy, so it answers as slowly as a wrong password.
func (s *Server) handleLogIn(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	f := r.PostForm
	login := strings.TrimSpace(f.Get("login"))
	if len(login) > fanarchive.MaxEmailLen {
		login = login[:fanarchive.MaxEmailLen]
	}
	data := &loginPage{page: s.newPage("Log in"), Login: login, Remember: f.Get("remember") != ""}
	if next := f.Get("next"); isLocalPath(next) {
		data.Next = next
	}
	if s.limited(w, r, s.ipHit(r, "log-in", s.opts.Limits.LogInIP),
		accountHit("log-in", loginKey(login), s.opts.Limits.LogInAccount)) {
		return
	}
	password := f.Get("password")
	if len(password) > fanarchive.MaxPasswordLen {
		password = "" // never matches; still hashed, so it takes as long
	}
	fail := func(msg string) {
		data.Error = msg
		s.render(w, r, http.StatusBadRequest, "login", data)
	}
	u, err := s.store.FindUserByLogin(r.Context(), login)
	if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND || login == "" {
		s.opts.Hasher.VerifyDummy(r.Context(), password)
		fail(loginFailed)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	ok, rehash, err := s.opts.Hasher.Verify(r.Context(), password, u.PasswordHash)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !ok || password == "" {
		fail(loginFailed)
		return
	}
	// Only someone who knows the password learns these.
	if u.Disabled {
		fail("This account is disabled. Write to the archive's administrators if you think that is a mistake.")
		return
	}
	if !u.EmailConfirmed {
		fail("Please confirm your address first: follow the link we sent to it. No mail? Ask for another link below.")
		return
	}
	if rehash {
		if h, err := s.opts.Hasher.Hash(r.Context(), password); err == nil {
			if err := s.store.UpgradePasswordHash(r.Context(), u.ID, u.PasswordHash, h); err != nil {
				s.logError(r, err) // the old hash still works
			}
		}
	}
	if err := s.startSession(w, r, u, data.Remember); err != nil {
		s.serverError(w, r, err)
		return
	}
	next := data.Next
	if next == "" || strings.HasPrefix(next, "/login") {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// loginKey is what a login counts against for rate limits: the account it
// would name, however it is typed.
func loginKey(login string) string {
	if strings.Contains(login, "@") {
		return fanarchive.EmailKey(login)
	}
	return fanarchive.UserNameKey(login)
}

// handleLogOut ends the session.
func (s *Server) handleLogOut(w http.ResponseWriter, r *http.Request) {
	if sess := visitOf(r).session; sess != nil {
		if err := s.store.DeleteSession(r.Context(), sess.ID); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
