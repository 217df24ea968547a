package web

import (
	"net/http"
	"strings"

	"fanarchive"
)

// signupPage is the data of the sign-up form.
type signupPage struct {
	page
	Name, Email string
	Error       string
}

// handleSignUpForm shows the sign-up form.
func (s *Server) handleSignUpForm(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	s.render(w, r, http.StatusOK, "signup", &signupPage{page: s.newPage("Sign up")})
}

// handleSignUp creates an account whose address is confirmed by a mailed
// link before it can log in. An address that has an account already is
// not said to: the page is the same, and the mail to that address tells
// its owner instead.
func (s *Server) handleSignUp(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	f := r.PostForm
	if s.limited(w, r, s.ipHit(r, "sign-up", s.opts.Limits.SignUpIP),
		accountHit("sign-up", fanarchive.EmailKey(f.Get("email")), s.opts.Limits.SignUpAccount)) {
		return
	}
	data := &signupPage{page: s.newPage("Sign up"), Name: f.Get("name"), Email: strings.TrimSpace(f.Get("email"))}
	again := func(status int, err error) {
		data.Error = fanarchive.ErrorMessage(err)
		s.render(w, r, status, "signup", data)
	}
	if len(data.Name) > 4*fanarchive.MaxUserNameLen {
		data.Name = ""
	}
	if len(data.Email) > fanarchive.MaxEmailLen {
		data.Email = ""
	}
	email, err := fanarchive.ValidateEmail(f.Get("email"))
	if err == nil {
		err = fanarchive.ValidateUserName(f.Get("name"))
	}
	if err == nil {
		err = fanarchive.ValidatePassword(f.Get("password"))
	}
	if err == nil && f.Get("password") != f.Get("password2") {
		err = fanarchive.Errorf(fanarchive.EINVALID, "The two passwords are not the same.")
	}
	if err != nil {
		again(http.StatusBadRequest, err)
		return
	}
	hash, err := s.opts.Hasher.Hash(r.Context(), f.Get("password"))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	sent := func() {
		s.render(w, r, http.StatusOK, "notice", &noticePage{page: s.newPage("Check your mail"), Heading: "Check your mail",
			Paragraphs: []string{"We have sent a link to " + email + ". Follow it within 48 hours to activate your account; then log in.",
				"No mail? Look in your spam folder, or ask for another link."},
			Links: []link{{"Send the link again", "/confirm"}, {"Log in", "/login"}}})
	}
	if existing, err := s.store.FindUserByLogin(r.Context(), email); err == nil {
		// Tell the address's owner, not the person typing.
		m, err := s.accountMail("signup-exists", existing.Email, "Signing up at "+s.opts.SiteName,
			"Hello,\n\nSomeone, perhaps you, tried to sign up at "+s.opts.SiteName+" with this address, "+
				"but it already has an account (user name "+existing.Name+").\n\n"+
				"If you forgot your password, set a new one here:\n\n"+s.linkBase()+"/reset\n\n"+
				"If it was not you, you can ignore this mail.\n")
		if err == nil {
			err = s.store.QueueMail(r.Context(), []*fanarchive.OutboundMail{m})
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		sent()
		return
	} else if fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		s.serverError(w, r, err)
		return
	}
	u := &fanarchive.User{Name: f.Get("name"), Email: email, PasswordHash: hash}
	tok, link := s.confirmToken(email)
	m, err := s.confirmMail(u.Name, email, link, false)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	switch err := s.store.CreateUser(r.Context(), u, tok, []*fanarchive.OutboundMail{m}); fanarchive.ErrorCode(err) {
	case "":
		sent()
	case fanarchive.EINVALID, fanarchive.ECONFLICT:
		again(statusFor(err), err)
	default:
		s.serverError(w, r, err)
	}
}

// noticePage is a page that tells the visitor something and offers links.
type noticePage struct {
	page
	Heading    string
	Paragraphs []string
	Links      []link
}

// link is a labelled local link.
type link struct{ Label, URL string }

// notice renders a notice page.
func (s *Server) notice(w http.ResponseWriter, r *http.Request, status int, heading string, paragraphs []string, links ...link) {
	s.render(w, r, status, "notice", &noticePage{page: s.newPage(heading), Heading: heading, Paragraphs: paragraphs, Links: links})
}
