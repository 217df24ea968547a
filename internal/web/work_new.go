package web

import (
	"net/http"

	"fanarchive"
	"fanarchive/internal/auth"
	"fanarchive/internal/prose"
)

// handleNewWorkForm shows the "Post new work" form.
func (s *Server) handleNewWorkForm(w http.ResponseWriter, r *http.Request) {
	if !s.allowPage(w, r, auth.PostWork) {
		return
	}
	f, err := s.newWorkForm(r.Context(), currentUser(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderWorkForm(w, r, http.StatusOK, s.newWorkFormPage(f, chapterForm{}))
}

// newWorkFormPage is the data of the form of a new work.
func (s *Server) newWorkFormPage(f *workForm, c chapterForm) *workFormPage {
	return &workFormPage{page: s.newPage("Post new work"), Heading: "Post new work", Action: "/works/new", New: true, Form: f, Chapter: c}
}

// handleNewWork posts a work with its first chapter: as a draft
// (op=draft), published (op=post), or not at all (op=preview: the work is
// rendered as it would be stored, and nothing is stored). A mistake shows
// the form again as it was sent, each field's next to it.
func (s *Server) handleNewWork(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	f, err := s.readWorkForm(r.Context(), u, r.PostForm)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	c := readChapterForm(r.PostForm)
	p := s.newWorkFormPage(f, c)
	op := r.PostForm.Get("op")
	if op != "preview" && op != "draft" && op != "post" {
		op = "preview"
	}
	work, invite, err := s.work(r.Context(), u, f, nil)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ch := c.render(1, f.Errors)
	if len(f.Errors) > 0 {
		p.Error = fieldsMessage(f.Errors)
		s.renderWorkForm(w, r, http.StatusBadRequest, p)
		return
	}
	work.Chapters = []*fanarchive.Chapter{ch}
	work.Words = ch.Words
	work.Begins = prose.FirstWords(ch.Text, 40)
	work.Draft = op == "draft"
	if err := work.Validate(); err != nil {
		p.Error = fanarchive.ErrorMessage(err)
		s.renderWorkForm(w, r, statusFor(err), p)
		return
	}
	if op == "preview" {
		p.Preview = newPreview(work, ch)
		s.renderWorkForm(w, r, http.StatusOK, p)
		return
	}
	switch err := s.store.CreateWork(r.Context(), work); fanarchive.ErrorCode(err) {
	case "":
	case fanarchive.EINVALID:
		p.Error = fanarchive.ErrorMessage(err)
		s.renderWorkForm(w, r, http.StatusBadRequest, p)
		return
	default:
		s.serverError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "work posted", "work", work.ID, "user", u.ID, "draft", work.Draft)
	if !s.invite(w, r, work.ID, invite) {
		return
	}
	if s.announceChosen(w, r, work, workURL(work.ID)) {
		return
	}
	http.Redirect(w, r, workURL(work.ID), http.StatusSeeOther)
}

// invite invites other users' pseuds to be co-authors of a work; they
// are on its byline once they accept. It reports whether it answered the
// request (on an internal error).
func (s *Server) invite(w http.ResponseWriter, r *http.Request, workID int64, invite []coAuthor) bool {
	for _, c := range invite {
		err := s.store.InviteCoAuthor(r.Context(), workID, c.ID, currentUser(r).ID)
		if err != nil && fanarchive.ErrorCode(err) != fanarchive.ECONFLICT { // ECONFLICT: invited already
			s.serverError(w, r, err)
			return false
		}
	}
	return true
}
