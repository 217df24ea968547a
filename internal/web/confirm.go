package web

import (
	"net/http"
	"strings"

	"fanarchive"
	"fanarchive/internal/auth"
)

// linkInvalid answers every link whose token is unknown, forged, used or
// expired, alike.
func (s *Server) linkInvalid(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	s.notice(w, r, http.StatusNotFound, "This link is not valid or has expired",
		[]string{"Links we mail work once, for a while: 48 hours to confirm an address, an hour to set a new password. Ask for a new one."},
		link{"Send a confirmation link again", "/confirm"}, link{"Set a new password", "/reset"})
}

// tokenFromPath returns the token of a /confirm/{token} or /reset/{token}
// URL, and its ID, if it could be one.
func tokenFromPath(r *http.Request) (secret, id string, ok bool) {
	secret = r.PathValue("token")
	if !auth.WellFormedToken(secret) {
		return "", "", false
	}
	return secret, auth.TokenID(secret), true
}

// confirmPage is the data of the page a confirmation link opens: a button,
// so that a mail scanner that fetches links confirms nothing.
type confirmPage struct {
	page
	Token string
}

// handleConfirmForm shows the button that confirms an address.
func (s *Server) handleConfirmForm(w http.ResponseWriter, r *http.Request) {
	secret, ok := s.liveLink(w, r, fanarchive.TokenConfirmEmail)
	if !ok {
		return
	}
	noStore(w)
	s.render(w, r, http.StatusOK, "confirm", &confirmPage{page: s.newPage("Confirm your address"), Token: secret})
}

// handleConfirm confirms the address the link was sent to.
func (s *Server) handleConfirm(w http.ResponseWriter, r *http.Request) {
	_, id, ok := tokenFromPath(r)
	if !ok {
		s.linkInvalid(w, r)
		return
	}
	u, err := s.store.ConfirmEmail(r.Context(), id)
	switch fanarchive.ErrorCode(err) {
	case "":
	case fanarchive.ENOTFOUND:
		s.linkInvalid(w, r)
		return
	default:
		s.fail(w, r, err, "link")
		return
	}
	noStore(w)
	if currentUser(r) != nil {
		s.notice(w, r, http.StatusOK, "Your address is confirmed", []string{"Mail from the archive now goes to " + u.Email + "."},
			link{"Your account", "/account"})
		return
	}
	s.notice(w, r, http.StatusOK, "Your address is confirmed", []string{"Welcome, " + u.Name + ". You can log in now."},
		link{"Log in", "/login"})
}

// emailFormPage is the data of a form that asks only for an address.
type emailFormPage struct {
	page
	Heading, Intro, Action, Button string
	Email                          string
	Error                          string
}

// handleResendForm asks for the address to send a confirmation link to.
func (s *Server) handleResendForm(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	s.render(w, r, http.StatusOK, "email_form", &emailFormPage{page: s.newPage("Send the confirmation link again"),
		Heading: "Send the confirmation link again", Intro: "Type the address you signed up with.",
		Action: "/confirm", Button: "Send the link"})
}

// handleResend sends an unconfirmed account a new confirmation link. The
// answer is the same whether or not there is one.
func (s *Server) handleResend(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	email := strings.TrimSpace(r.PostForm.Get("email"))
	if s.limited(w, r, s.ipHit(r, "resend", s.opts.Limits.ResendIP),
		accountHit("resend", fanarchive.EmailKey(email), s.opts.Limits.ResendAccount)) {
		return
	}
	if _, err := fanarchive.ValidateEmail(email); err != nil {
		s.render(w, r, http.StatusBadRequest, "email_form", &emailFormPage{page: s.newPage("Send the confirmation link again"),
			Heading: "Send the confirmation link again", Intro: "Type the address you signed up with.",
			Action: "/confirm", Button: "Send the link", Error: fanarchive.ErrorMessage(err)})
		return
	}
	u, err := s.store.FindUserByLogin(r.Context(), email)
	if err == nil && !u.EmailConfirmed && !u.Disabled {
		tok, link := s.confirmToken(u.Email)
		tok.UserID = u.ID
		var m *fanarchive.OutboundMail
		if m, err = s.confirmMail(u.Name, u.Email, link, false); err == nil {
			err = s.store.CreateToken(r.Context(), tok, []*fanarchive.OutboundMail{m})
		}
	}
	if err != nil && fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		s.serverError(w, r, err)
		return
	}
	s.notice(w, r, http.StatusOK, "Check your mail",
		[]string{"If an account is waiting for " + email + " to be confirmed, a new link is on its way. It works for 48 hours."},
		link{"Log in", "/login"})
}

// liveLink reads the mailed link's token in the path and checks that it
// is still one of purpose, not used or expired, for a page that shows the
// link's form; it answers the request itself when not.
func (s *Server) liveLink(w http.ResponseWriter, r *http.Request, purpose fanarchive.TokenPurpose) (secret string, ok bool) {
	secret, id, ok := tokenFromPath(r)
	if !ok {
		s.linkInvalid(w, r)
		return "", false
	}
	if _, err := s.store.FindToken(r.Context(), id, purpose); fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
		s.linkInvalid(w, r)
		return "", false
	} else if err != nil {
		s.serverError(w, r, err)
		return "", false
	}
	return secret, true
}
