package web

import (
	"net/http"
	"strconv"
	"strings"

	"fanarchive"
	"fanarchive/internal/auth"
)

// accountPage is the data of the account settings page.
type accountPage struct {
	page
	User   *fanarchive.User
	Pseuds []*fanarchive.Pseud
	// Posting is the user's works and co-author invitations
	// (account_works.go).
	Posting *accountPosting
	// FeedbackRelay says the account takes relayed feedback (feedback.go).
	FeedbackRelay bool
	Done          string // what the last change did, for the reader
	Error         string
}

// doneMessages are what ?done= may say; anything else says nothing.
var doneMessages = map[string]string{
	"password":            "Your password is changed. Other browsers logged in to your account have been logged out.",
	"email":               "We have sent a link to the new address. Your address changes when you follow it.",
	"pseud-added":         "The pseud is added.",
	"pseud-renamed":       "The pseud is renamed.",
	"pseud-deleted":       "The pseud is deleted; its works are now under your default pseud.",
	"invitation-accepted": "You are a co-author of the work now: it shows your pseud, and you can edit it.",
	"invitation-declined": "The invitation is declined.",
	"feedback-on":         "Feedback from readers will be mailed to you.",
	"feedback-off":        "Feedback from readers will no longer be mailed to you.",
}

// handleAccount shows the account's settings: password, address, pseuds,
// and deleting the account.
func (s *Server) handleAccount(w http.ResponseWriter, r *http.Request) {
	if !s.allowPage(w, r, auth.ChangePassword) {
		return
	}
	s.accountPage(w, r, http.StatusOK, doneMessages[r.URL.Query().Get("done")], "")
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, status int, done, errMsg string) {
	noStore(w)
	u := currentUser(r)
	pseuds, err := s.store.FindPseuds(r.Context(), u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	posting, err := s.loadAccountPosting(r.Context(), u, pseuds)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	relay, err := s.store.FeedbackRelayOn(r.Context(), u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, "account", &accountPage{page: s.newPage("Your account"), User: u, Pseuds: pseuds, Posting: posting,
		FeedbackRelay: relay, Done: done, Error: errMsg})
}

// accountFailed shows the account page again with what went wrong.
func (s *Server) accountFailed(w http.ResponseWriter, r *http.Request, err error) {
	if statusFor(err) == http.StatusInternalServerError {
		s.serverError(w, r, err)
		return
	}
	s.accountPage(w, r, statusFor(err), "", fanarchive.ErrorMessage(err))
}

// checkPassword verifies the logged-in user's current password from the
// form's "current" field, within the Password rate limit; on a wrong one it
// answers and reports false.
func (s *Server) checkPassword(w http.ResponseWriter, r *http.Request) bool {
	u := currentUser(r)
	if s.limited(w, r, hit{"password:user:" + strconv.FormatInt(u.ID, 10), s.opts.Limits.Password}) {
		return false
	}
	ok, _, err := s.opts.Hasher.Verify(r.Context(), r.PostForm.Get("current"), u.PasswordHash)
	if err != nil {
		s.serverError(w, r, err)
		return false
	}
	if !ok {
		s.accountFailed(w, r, fanarchive.Errorf(fanarchive.EINVALID, "Your current password is not that."))
		return false
	}
	return true
}

// handleChangePassword sets a new password and ends the account's other
// sessions.
func (s *Server) handleChangePassword(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	err := fanarchive.ValidatePassword(f.Get("password"))
	if err == nil && f.Get("password") != f.Get("password2") {
		err = fanarchive.Errorf(fanarchive.EINVALID, "The two new passwords are not the same.")
	}
	if err != nil {
		s.accountFailed(w, r, err)
		return
	}
	if !s.checkPassword(w, r) {
		return
	}
	u, v := currentUser(r), visitOf(r)
	hash, err := s.opts.Hasher.Hash(r.Context(), f.Get("password"))
	if err == nil {
		err = s.store.SetPassword(r.Context(), u.ID, hash, v.session.ID)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if m, err := s.accountMail("password-changed", u.Email, "Your password at "+s.opts.SiteName+" was changed",
		"Hello "+u.Name+",\n\nThe password of your account at "+s.opts.SiteName+" was just changed.\n\n"+
			"If it was not you, set a new one at once:\n\n"+s.linkBase()+"/reset\n"); err == nil {
		if err := s.store.QueueMail(r.Context(), []*fanarchive.OutboundMail{m}); err != nil {
			s.logError(r, err)
		}
	}
	http.Redirect(w, r, "/account?done=password", http.StatusSeeOther)
}

// handleChangeEmail mails a confirmation link to a new address, and a
// notice to the old one; the address changes when the link is followed.
func (s *Server) handleChangeEmail(w http.ResponseWriter, r *http.Request) {
	email, err := fanarchive.ValidateEmail(r.PostForm.Get("email"))
	if err != nil {
		s.accountFailed(w, r, err)
		return
	}
	if !s.checkPassword(w, r) {
		return
	}
	u := currentUser(r)
	tok, link := s.confirmToken(email)
	confirm, err := s.confirmMail(u.Name, email, link, true)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	old, err := s.accountMail("email-change", u.Email, "Your address at "+s.opts.SiteName+" is changing",
		"Hello "+u.Name+",\n\nSomeone logged in to your account at "+s.opts.SiteName+" asked to change its address to "+
			email+".\nIt changes only when the link sent there is followed. If it was not you, set a new password:\n\n"+
			s.linkBase()+"/reset\n")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.store.RequestEmailChange(r.Context(), u.ID, email, tok, []*fanarchive.OutboundMail{confirm, old}); err != nil {
		s.accountFailed(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?done=email", http.StatusSeeOther)
}

// handleDeleteAccount deletes the account after its password, orphaning
// its works or deleting them as the user chose.
func (s *Server) handleDeleteAccount(w http.ResponseWriter, r *http.Request) {
	works := r.PostForm.Get("works")
	if works != "orphan" && works != "delete" {
		s.accountFailed(w, r, fanarchive.Errorf(fanarchive.EINVALID, "Choose what becomes of your works: orphaned or deleted."))
		return
	}
	if !s.checkPassword(w, r) {
		return
	}
	if err := s.store.DeleteUser(r.Context(), currentUser(r).ID, works == "orphan"); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.clearSessionCookie(w)
	noStore(w)
	what := "Your works were deleted."
	if works == "orphan" {
		what = "Your works stay in the archive under the name " + fanarchive.OrphanAuthorName + "."
	}
	// The page is for a visitor who is no longer logged in.
	r = r.WithContext(contextWithoutVisit(r))
	s.notice(w, r, http.StatusOK, "Your account is deleted", []string{what, "Everything else of your account is gone."},
		link{"Go to the newest works", "/"})
}

// handleAddPseud adds a pseud.
func (s *Server) handleAddPseud(w http.ResponseWriter, r *http.Request) {
	if _, err := s.store.CreatePseud(r.Context(), currentUser(r).ID, strings.TrimSpace(r.PostForm.Get("name"))); err != nil {
		s.accountFailed(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?done=pseud-added", http.StatusSeeOther)
}

// pseudOwner is the owner of the pseud in the path.
func (s *Server) pseudOwner(r *http.Request) ([]int64, error) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "No such pseud.")
	}
	p, err := s.store.FindPseud(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return []int64{p.UserID}, nil
}

// handleRenamePseud renames one of the user's pseuds.
func (s *Server) handleRenamePseud(w http.ResponseWriter, r *http.Request) {
	id, _ := parseID(r.PathValue("id"))
	if err := s.store.RenamePseud(r.Context(), currentUser(r).ID, id, strings.TrimSpace(r.PostForm.Get("name"))); err != nil {
		s.accountFailed(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?done=pseud-renamed", http.StatusSeeOther)
}

// handleDeletePseud deletes one of the user's pseuds.
func (s *Server) handleDeletePseud(w http.ResponseWriter, r *http.Request) {
	id, _ := parseID(r.PathValue("id"))
	if err := s.store.DeletePseud(r.Context(), currentUser(r).ID, id); err != nil {
		s.accountFailed(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?done=pseud-deleted", http.StatusSeeOther)
}
