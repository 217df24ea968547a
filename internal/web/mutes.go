package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/auth"
	"fanarchive/internal/search"
)

// Muting, blocking and reports (docs/readers.md). A reader's mutes filter
// their searches and listings in the engine and the store, so totals and
// facet counts leave the muted works out; pages of logged-in readers are
// never cached (pagecache.go), so nobody else is served a muting reader's
// page.

// reportLimit bounds how many works one account reports.
var reportLimit = Limit{20, time.Hour}

// mutesOf returns what the logged-in reader muted, nil for a guest or
// when nothing is.
func (s *Server) mutesOf(r *http.Request) (*fanarchive.MuteSet, error) {
	u := currentUser(r)
	if u == nil {
		return nil, nil
	}
	return s.store.FindMuteSet(r.Context(), u.ID)
}

// mutesPage is the reader's mutes and blocks.
type mutesPage struct {
	page
	Mutes  *fanarchive.Mutes
	Blocks []fanarchive.Block
	Kinds  []fanarchive.TagKind
	Error  string
	Done   string
}

// handleMutes shows what the reader muted and blocked, with forms to
// change it.
func (s *Server) handleMutes(w http.ResponseWriter, r *http.Request) {
	if !s.allowPage(w, r, auth.Mute) {
		return
	}
	s.showMutes(w, r, http.StatusOK, "")
}

func (s *Server) showMutes(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	u := currentUser(r)
	m, err := s.store.FindMutes(r.Context(), u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	blocks, err := s.store.FindBlocks(r.Context(), u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	noStore(w)
	s.render(w, r, status, "mutes", &mutesPage{page: s.newPage("Muted and blocked"), Mutes: m, Blocks: blocks,
		Kinds: fanarchive.TagKinds, Error: errMsg, Done: r.URL.Query().Get("done")})
}

// mutesDone answers a change of the mutes page: back to it, or to next
// when the form came from elsewhere (an author page, a tag page).
func (s *Server) mutesDone(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		if statusFor(err) == http.StatusInternalServerError {
			s.serverError(w, r, err)
			return
		}
		s.showMutes(w, r, statusFor(err), fanarchive.ErrorMessage(err))
		return
	}
	next := r.PostForm.Get("next")
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		next = "/account/mutes?done=1"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// handleMuteTag mutes a tag: kind and name, or a tag parameter as facet
// links carry it ("kind:name").
func (s *Server) handleMuteTag(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	t := fanarchive.Tag{Kind: fanarchive.TagKind(f.Get("kind")), Name: strings.TrimSpace(f.Get("name"))}
	if p := f.Get("tag"); p != "" {
		t = search.ParseTagParam(p)
	}
	kinds := []fanarchive.TagKind{t.Kind}
	if t.Kind == "" {
		kinds = fanarchive.TagKinds // a name of any kind: the first that has it
	}
	var err error
	for _, k := range kinds {
		if _, err = s.store.MuteTag(r.Context(), currentUser(r).ID, k, t.Name); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
			break
		}
	}
	s.mutesDone(w, r, err)
}

// handleUnmuteTag unmutes a tag.
func (s *Server) handleUnmuteTag(w http.ResponseWriter, r *http.Request) {
	id, _ := parseID(r.PathValue("id"))
	s.mutesDone(w, r, s.store.UnmuteTag(r.Context(), currentUser(r).ID, id))
}

// handleMuteAuthor mutes an author, by ID (the author page's button) or
// by name (the mutes page's form).
func (s *Server) handleMuteAuthor(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	id, ok := parseID(f.Get("author"))
	if !ok {
		a, err := s.store.FindAuthorByName(r.Context(), strings.TrimSpace(f.Get("name")))
		if err != nil {
			s.mutesDone(w, r, err)
			return
		}
		id = a.ID
	}
	s.mutesDone(w, r, s.store.MuteAuthor(r.Context(), currentUser(r).ID, id))
}

// handleUnmuteAuthor unmutes an author.
func (s *Server) handleUnmuteAuthor(w http.ResponseWriter, r *http.Request) {
	id, _ := parseID(r.PathValue("id"))
	s.mutesDone(w, r, s.store.UnmuteAuthor(r.Context(), currentUser(r).ID, id))
}

// handleBlock blocks a user by name.
func (s *Server) handleBlock(w http.ResponseWriter, r *http.Request) {
	u, err := s.store.FindUserByName(r.Context(), strings.TrimSpace(r.PostForm.Get("name")))
	if err != nil {
		s.mutesDone(w, r, err)
		return
	}
	s.mutesDone(w, r, s.store.BlockUser(r.Context(), currentUser(r).ID, u.ID))
}

// handleUnblock lifts a block.
func (s *Server) handleUnblock(w http.ResponseWriter, r *http.Request) {
	id, _ := parseID(r.PathValue("id"))
	s.mutesDone(w, r, s.store.UnblockUser(r.Context(), currentUser(r).ID, id))
}

// refuseBlocked answers an action a block refuses.
func (s *Server) refuseBlocked(w http.ResponseWriter, r *http.Request) {
	s.forbidden(w, r, "You cannot do that here.", "Sorry, you have been blocked by an author of this work.")
}

// reportPage is the form that reports a work, and the moderators' queue.
type reportPage struct {
	page
	WorkURL, WorkTitle string
	Reason, Error      string
	Reports            []*fanarchive.Report
	Total              int
	State              string
}

// handleReportForm shows the form that reports a work.
func (s *Server) handleReportForm(w http.ResponseWriter, r *http.Request) {
	if !s.allowPage(w, r, auth.ReportWork) {
		return
	}
	work, ok := s.loadWork(w, r)
	if !ok {
		return
	}
	noStore(w)
	s.render(w, r, http.StatusOK, "report", &reportPage{page: s.newPage("Report " + work.DisplayTitle()),
		WorkURL: workURL(work.ID), WorkTitle: work.DisplayTitle()})
}

// handleReportWork records a report for the moderators.
func (s *Server) handleReportWork(w http.ResponseWriter, r *http.Request) {
	work, ok := s.loadWork(w, r)
	if !ok {
		return
	}
	u := currentUser(r)
	if s.limited(w, r, hit{"report:user:" + strconv.FormatInt(u.ID, 10), reportLimit}) {
		return
	}
	rep := &fanarchive.Report{WorkID: work.ID, ReporterID: u.ID, Reason: r.PostForm.Get("reason")}
	if err := s.store.ReportWork(r.Context(), rep); err != nil {
		if statusFor(err) == http.StatusInternalServerError {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, statusFor(err), "report", &reportPage{page: s.newPage("Report " + work.DisplayTitle()),
			WorkURL: workURL(work.ID), WorkTitle: work.DisplayTitle(), Reason: rep.Reason, Error: fanarchive.ErrorMessage(err)})
		return
	}
	s.logger.Info("work reported", "report", rep.ID, "work", work.ID)
	noStore(w)
	s.notice(w, r, http.StatusOK, "Thank you: the moderators will look at it",
		[]string{"Your report is in the moderators' queue."}, link{"Back to the work", workURL(work.ID)})
}

// handleAdminReports is the moderators' queue of reports.
func (s *Server) handleAdminReports(w http.ResponseWriter, r *http.Request) {
	if !s.allowPage(w, r, auth.HandleReport) {
		return
	}
	state := fanarchive.ReportState(r.URL.Query().Get("state"))
	if state != fanarchive.ReportResolved {
		state = fanarchive.ReportOpen
	}
	n, ok := pageNumber(r)
	if !ok {
		s.notFound(w, r, "page")
		return
	}
	reports, total, err := s.store.FindReports(r.Context(), state, (n-1)*50, 50)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	noStore(w)
	s.render(w, r, http.StatusOK, "admin_reports", &reportPage{page: s.newPage("Reports"), Reports: reports, Total: total,
		State: string(state)})
}

// handleResolveReport closes a report.
func (s *Server) handleResolveReport(w http.ResponseWriter, r *http.Request) {
	id, _ := parseID(r.PathValue("id"))
	if err := s.store.ResolveReport(r.Context(), id, currentUser(r).ID, r.PostForm.Get("resolution")); err != nil {
		s.fail(w, r, err, "report")
		return
	}
	http.Redirect(w, r, "/admin/reports", http.StatusSeeOther)
}
