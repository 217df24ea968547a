package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"fanarchive"
	"fanarchive/internal/auth"
)

// Editing a posted work's metadata, publishing a draft and deleting a
// work. Who may is the matrix's (auth.EditWork, auth.DeleteWork) with the
// work's owners (Work.Owners): its poster and the co-authors who accepted.

// workOwners names the owners of the work in the path, for the guard.
func (s *Server) workOwners(r *http.Request) ([]int64, error) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "No such work.")
	}
	work, err := s.store.FindWorkOutline(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return work.Owners, nil
}

// ownedWork reads the work in the path without its text and checks that
// the visitor may do action to it, answering the request when not.
func (s *Server) ownedWork(w http.ResponseWriter, r *http.Request, action auth.Action) (*fanarchive.Work, bool) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r, "work")
		return nil, false
	}
	work, err := s.store.FindWorkOutline(r.Context(), id)
	if err != nil {
		s.fail(w, r, err, "work")
		return nil, false
	}
	if !s.allowPage(w, r, action, work.Owners...) {
		return nil, false
	}
	return work, true
}

// editForm fills the form from a work as stored, for user u.
func (s *Server) editForm(r *http.Request, u *fanarchive.User, work *fanarchive.Work) (*workForm, error) {
	f := &workForm{Title: work.Title, Summary: work.Summary, Notes: notesText(work.Notes), EndNotes: notesText(work.EndNotes),
		Rating: string(work.Rating), Language: work.Language, Complete: work.Complete, Restricted: work.Restricted,
		InSeries: work.Series, Errors: map[string]string{}}
	sent := map[string][]string{}
	for _, a := range work.Authors {
		sent["pseud"] = append(sent["pseud"], strconv.FormatInt(a.ID, 10))
	}
	sent["warning"] = work.TagsOf(fanarchive.TagWarning)
	sent["category"] = work.TagsOf(fanarchive.TagCategory)
	for _, tf := range tagFields {
		f.Tags = append(f.Tags, tagInput{Field: tf.Field, Label: tf.Label, Kind: string(tf.Kind),
			Value: strings.Join(work.TagsOf(tf.Kind), ", "), Required: tf.Kind == fanarchive.TagFandom})
	}
	if err := s.fillChoices(r.Context(), u, f, sent); err != nil {
		return nil, err
	}
	f.Others = authorNames(keptAuthors(f, work))
	return f, nil
}

// notesText is a work's notes as the form's one field shows them.
func notesText(notes []fanarchive.Note) string {
	var parts []string
	for _, n := range notes {
		parts = append(parts, n.Text)
	}
	return strings.Join(parts, "\n\n")
}

// keptAuthors are the authors on a work's byline that are not the
// editing user's pseuds: the form keeps them as they are.
func keptAuthors(f *workForm, work *fanarchive.Work) []fanarchive.Author {
	var kept []fanarchive.Author
	for _, a := range work.Authors {
		if !slices.ContainsFunc(f.Pseuds, func(p choice) bool { return p.Value == strconv.FormatInt(a.ID, 10) }) {
			kept = append(kept, fanarchive.Author{ID: a.ID, Name: a.Name})
		}
	}
	return kept
}

func authorNames(as []fanarchive.Author) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Name)
	}
	return out
}

// editPage is the data of a work's edit form.
func (s *Server) editPage(work *fanarchive.Work, f *workForm) *workFormPage {
	return &workFormPage{page: s.newPage("Edit", work.DisplayTitle()), Heading: "Edit " + work.DisplayTitle(),
		Action: workURL(work.ID) + "/edit", Draft: work.Draft, UpdatedAt: formTime(work.UpdatedAt), WorkURL: workURL(work.ID), Form: f}
}

// handleEditWorkForm shows a work's metadata for its owners to change.
func (s *Server) handleEditWorkForm(w http.ResponseWriter, r *http.Request) {
	work, ok := s.ownedWork(w, r, auth.EditWork)
	if !ok {
		return
	}
	f, err := s.editForm(r, currentUser(r), work)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderWorkForm(w, r, http.StatusOK, s.editPage(work, f))
}

// handleEditWork stores a work's changed metadata. The form carries the
// version it was made from: when someone changed the work meanwhile, the
// work is read again and shown as it is now, saying so.
func (s *Server) handleEditWork(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	id, _ := parseID(r.PathValue("id"))
	old, err := s.store.FindWorkOutline(r.Context(), id)
	if err != nil {
		s.fail(w, r, err, "work")
		return
	}
	f, err := s.readWorkForm(r.Context(), u, r.PostForm)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f.InSeries = old.Series
	f.Others = authorNames(keptAuthors(f, old))
	p := s.editPage(old, f)
	p.UpdatedAt = r.PostForm.Get("updated_at")
	since, ok := parseFormTime(p.UpdatedAt)
	if !ok {
		p.Error = "The form is incomplete (it does not say which version of the work it edits). Reload the page and try again."
		s.renderWorkForm(w, r, http.StatusBadRequest, p)
		return
	}
	work, invite, err := s.work(r.Context(), u, f, old.Authors)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(f.Errors) > 0 {
		p.Error = fieldsMessage(f.Errors)
		s.renderWorkForm(w, r, http.StatusBadRequest, p)
		return
	}
	work.ID, work.UpdatedAt = id, since
	switch err := s.store.UpdateWork(r.Context(), work, u.ID); fanarchive.ErrorCode(err) {
	case "":
	case fanarchive.EINVALID:
		p.Error = fanarchive.ErrorMessage(err)
		s.renderWorkForm(w, r, http.StatusBadRequest, p)
		return
	case fanarchive.ECONFLICT:
		s.editConflict(w, r, id)
		return
	default:
		s.fail(w, r, err, "work")
		return
	}
	if !s.invite(w, r, id, invite) {
		return
	}
	work.Draft = old.Draft
	if s.announceChosen(w, r, work, workURL(id)) {
		return
	}
	http.Redirect(w, r, workURL(id), http.StatusSeeOther)
}

// editConflict shows a work's edit form as the work is now, after an edit
// made from an older version was refused.
func (s *Server) editConflict(w http.ResponseWriter, r *http.Request, id int64) {
	now, err := s.store.FindWorkOutline(r.Context(), id)
	if err != nil {
		s.fail(w, r, err, "work")
		return
	}
	f, err := s.editForm(r, currentUser(r), now)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.editPage(now, f)
	p.Error = "Someone changed this work after you opened the form, so your changes were not saved. " +
		"The form below shows the work as it is now: make your changes again and save."
	s.renderWorkForm(w, r, http.StatusConflict, p)
}

// handlePublishWork publishes a draft.
func (s *Server) handlePublishWork(w http.ResponseWriter, r *http.Request) {
	id, _ := parseID(r.PathValue("id"))
	if err := s.store.PublishWork(r.Context(), id, currentUser(r).ID); err != nil {
		s.fail(w, r, err, "work")
		return
	}
	http.Redirect(w, r, workURL(id), http.StatusSeeOther)
}

// deletePage is the data of the page that asks to confirm a deletion.
type deletePage struct {
	page
	Title, Action, Back string
	Days                int
}

// handleDeleteWorkForm asks to confirm deleting a work.
func (s *Server) handleDeleteWorkForm(w http.ResponseWriter, r *http.Request) {
	work, ok := s.ownedWork(w, r, auth.DeleteWork)
	if !ok {
		return
	}
	noStore(w)
	s.render(w, r, http.StatusOK, "work_delete", &deletePage{page: s.newPage("Delete", work.DisplayTitle()),
		Title: work.DisplayTitle(), Action: workURL(work.ID) + "/delete", Back: workURL(work.ID), Days: fanarchive.WorkTrashDays})
}

// handleDeleteWork deletes a work so that an admin can restore it for
// fanarchive.WorkTrashDays.
func (s *Server) handleDeleteWork(w http.ResponseWriter, r *http.Request) {
	id, _ := parseID(r.PathValue("id"))
	if err := s.store.TrashWork(r.Context(), id, currentUser(r).ID); err != nil {
		s.fail(w, r, err, "work")
		return
	}
	s.logger.InfoContext(r.Context(), "work deleted", "work", id, "user", currentUser(r).ID)
	noStore(w)
	s.notice(w, r, http.StatusOK, "The work is deleted", []string{
		"It is gone from the archive's pages, lists and searches. For " + strconv.Itoa(fanarchive.WorkTrashDays) +
			" days an admin can still restore it; after that it is deleted for good."},
		link{"Your account and works", "/account"})
}
