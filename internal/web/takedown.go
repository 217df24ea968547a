package web

import (
	"net/http"
	"strconv"

	"fanarchive"
	"fanarchive/internal/auth"
)

// takedownFormPage is the data of the form that asks for a work to be
// taken down.
type takedownFormPage struct {
	page
	WorkURL, WorkTitle string
	Reason             string
	Error              string
}

// handleTakedownForm shows the form asking archivists to take a work
// down.
func (s *Server) handleTakedownForm(w http.ResponseWriter, r *http.Request) {
	if !s.allowPage(w, r, auth.RequestTakedown) {
		return
	}
	s.takedownForm(w, r, http.StatusOK, "")
}

func (s *Server) takedownForm(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	work, ok := s.loadWork(w, r)
	if !ok {
		return
	}
	noStore(w)
	s.render(w, r, status, "takedown", &takedownFormPage{page: s.newPage("Ask for " + work.DisplayTitle() + " to be taken down"),
		WorkURL: workURL(work.ID), WorkTitle: work.DisplayTitle(), Reason: r.PostForm.Get("reason"), Error: errMsg})
}

// handleRequestTakedown puts a takedown request in the archivists' queue.
func (s *Server) handleRequestTakedown(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r, "work")
		return
	}
	u := currentUser(r)
	t := &fanarchive.Takedown{WorkID: id, UserID: u.ID, Reason: r.PostForm.Get("reason")}
	if err := fanarchive.ValidateTakedownReason(t.Reason); err != nil {
		s.takedownForm(w, r, http.StatusBadRequest, fanarchive.ErrorMessage(err))
		return
	}
	if s.limited(w, r, hit{"claims:user:" + strconv.FormatInt(u.ID, 10), s.opts.Limits.Claims}) {
		return
	}
	if err := s.store.RequestTakedown(r.Context(), t); err != nil {
		if statusFor(err) == http.StatusInternalServerError || statusFor(err) == http.StatusNotFound {
			s.fail(w, r, err, "work")
			return
		}
		s.takedownForm(w, r, statusFor(err), fanarchive.ErrorMessage(err))
		return
	}
	noStore(w)
	s.notice(w, r, http.StatusOK, "Your request is with the archivists",
		[]string{"An archivist will read it and either take the work down or keep it. Thank you for telling us."},
		link{"Back to the work", workURL(id)})
}
