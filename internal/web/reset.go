package web

import (
	"net/http"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/auth"
)

// resetPage is the data of the form a reset link opens.
type resetPage struct {
	page
	Token string
	Error string
}

func (s *Server) resetRequestPage(email, msg string) *emailFormPage {
	return &emailFormPage{page: s.newPage("Forgot your password?"), Heading: "Forgot your password?",
		Intro:  "Type your account's address; we will mail you a link to set a new password. It works for an hour, once.",
		Action: "/reset", Button: "Mail me a link", Email: email, Error: msg}
}

// handleResetRequestForm asks for the address to send a reset link to.
func (s *Server) handleResetRequestForm(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	s.render(w, r, http.StatusOK, "email_form", s.resetRequestPage("", ""))
}

// handleResetRequest mails a reset link to the address's account, if there
// is one; the answer is the same either way.
func (s *Server) handleResetRequest(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	email := strings.TrimSpace(r.PostForm.Get("email"))
	if s.limited(w, r, s.ipHit(r, "reset", s.opts.Limits.ResetIP),
		accountHit("reset", fanarchive.EmailKey(email), s.opts.Limits.ResetAccount)) {
		return
	}
	if _, err := fanarchive.ValidateEmail(email); err != nil {
		s.render(w, r, http.StatusBadRequest, "email_form", s.resetRequestPage("", fanarchive.ErrorMessage(err)))
		return
	}
	u, err := s.store.FindUserByLogin(r.Context(), email)
	if err == nil && !u.Disabled {
		secret, id := auth.NewToken()
		tok := &fanarchive.Token{ID: id, Purpose: fanarchive.TokenResetPassword, UserID: u.ID, Email: u.Email,
			ExpiresAt: time.Now().Add(fanarchive.ResetTokenLife)}
		var m *fanarchive.OutboundMail
		m, err = s.accountMail("reset-password", u.Email, "A new password at "+s.opts.SiteName,
			"Hello "+u.Name+",\n\nSomeone, perhaps you, asked to set a new password for your account at "+s.opts.SiteName+
				".\nFollow this link within an hour to choose one; it works once:\n\n"+s.linkBase()+"/reset/"+secret+
				"\n\nIf it was not you, ignore this mail: your password stays as it is.\n")
		if err == nil {
			err = s.store.CreateToken(r.Context(), tok, []*fanarchive.OutboundMail{m})
		}
	}
	if err != nil && fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		s.serverError(w, r, err)
		return
	}
	s.notice(w, r, http.StatusOK, "Check your mail",
		[]string{"If an account has the address " + email + ", a link to set a new password is on its way. It works for an hour, once."},
		link{"Log in", "/login"})
}

// handleResetForm shows the new-password form of a reset link.
func (s *Server) handleResetForm(w http.ResponseWriter, r *http.Request) {
	secret, ok := s.liveLink(w, r, fanarchive.TokenResetPassword)
	if !ok {
		return
	}
	noStore(w)
	s.render(w, r, http.StatusOK, "reset", &resetPage{page: s.newPage("Choose a new password"), Token: secret})
}

// handleReset sets the new password and ends every session of the account.
func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	secret, id, ok := tokenFromPath(r)
	if !ok {
		s.linkInvalid(w, r)
		return
	}
	pw := r.PostForm.Get("password")
	err := fanarchive.ValidatePassword(pw)
	if err == nil && pw != r.PostForm.Get("password2") {
		err = fanarchive.Errorf(fanarchive.EINVALID, "The two passwords are not the same.")
	}
	if err != nil {
		s.render(w, r, http.StatusBadRequest, "reset", &resetPage{page: s.newPage("Choose a new password"), Token: secret,
			Error: fanarchive.ErrorMessage(err)})
		return
	}
	// Refuse a dead link before spending a hash on it.
	if _, err := s.store.FindToken(r.Context(), id, fanarchive.TokenResetPassword); fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
		s.linkInvalid(w, r)
		return
	}
	hash, err := s.opts.Hasher.Hash(r.Context(), pw)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if _, err := s.store.ResetPassword(r.Context(), id, hash); fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
		s.linkInvalid(w, r)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.clearSessionCookie(w)
	s.notice(w, r, http.StatusOK, "Your new password is set",
		[]string{"Every browser that was logged in to your account has been logged out. Log in with the new password."},
		link{"Log in", "/login"})
}
