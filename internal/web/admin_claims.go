package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"fanarchive"
	"fanarchive/internal/auth"
)

// The archivists' pages of claims and takedown requests: the queues, and
// the record of everything decided (docs/accounts.md, "Claims and
// takedowns").

// claimsPerPage is how many claims or requests a page of the record lists.
const claimsPerPage = 50

// queueLimit is how many pending claims or requests a queue shows at once.
const queueLimit = 100

// adminClaimsPage is the data of the archivists' claims page.
type adminClaimsPage struct {
	page
	Pending []claimRow
	Recent  []claimRow
	Total   int // claims ever recorded
	Pager   pager
	Assign  assignForm
	Done    string
	Error   string
}

// claimRow is one claim as the archivists' page shows it.
type claimRow struct {
	*fanarchive.Claim
	WorkURL string
	Created string
	Decided string
	Moved   []link // the works it moved
	Pseud   string // the pseud they moved to, or the one the claimant chose
	Open    bool   // still to settle (pending, or its link ran out)
}

// assignForm is the form that assigns a work's legacy author to a user by
// hand, filled from ?work= when an archivist comes from a work.
type assignForm struct {
	Work, User, Pseud string
}

// adminClaimsDone are what ?done= may say on the claims page.
var adminClaimsDone = map[string]string{
	"assigned": "The claim is settled: the works are under the user's pseud.",
	"rejected": "The claim is refused; its link no longer works.",
}

// handleAdminClaims shows the queue of pending claims, the form to assign
// a work by hand, and the record of every claim.
func (s *Server) handleAdminClaims(w http.ResponseWriter, r *http.Request) {
	if !s.allowPage(w, r, auth.AssignClaim) {
		return
	}
	s.adminClaims(w, r, http.StatusOK, "")
}

func (s *Server) adminClaims(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	noStore(w)
	n, ok := pageNumber(r)
	if !ok {
		s.notFound(w, r, "page")
		return
	}
	ctx := r.Context()
	pending, _, err := s.store.FindClaims(ctx, fanarchive.ClaimFilter{State: fanarchive.ClaimPending, Limit: queueLimit})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	recent, total, err := s.store.FindClaims(ctx, fanarchive.ClaimFilter{Offset: (n - 1) * claimsPerPage, Limit: claimsPerPage})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	q := r.URL.Query()
	p := &adminClaimsPage{page: s.newPage("Claims"), Total: total, Done: adminClaimsDone[q.Get("done")], Error: errMsg,
		Assign: assignForm{Work: q.Get("work"), User: r.PostForm.Get("user"), Pseud: r.PostForm.Get("pseud")}}
	if w := r.PostForm.Get("work"); w != "" {
		p.Assign.Work = w
	}
	p.Pager = pagerFor("/admin/claims", n, total)
	for _, c := range pending {
		row, err := s.claimRow(ctx, c)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		p.Pending = append(p.Pending, row)
	}
	for _, c := range recent {
		row, err := s.claimRow(ctx, c)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		p.Recent = append(p.Recent, row)
	}
	s.render(w, r, status, "admin_claims", p)
}

// pagerFor pages a record of total entries at claimsPerPage a page.
func pagerFor(path string, n, total int) pager {
	pages := max((total+claimsPerPage-1)/claimsPerPage, 1)
	p := pager{Page: n, Pages: pages}
	if n > 1 {
		p.Prev = path + "?page=" + strconv.Itoa(n-1)
	}
	if n < pages {
		p.Next = path + "?page=" + strconv.Itoa(n+1)
	}
	return p
}

// claimRow reads what a claim's row shows besides the claim: the pseud's
// name.
func (s *Server) claimRow(ctx context.Context, c *fanarchive.Claim) (claimRow, error) {
	row := claimRow{Claim: c, WorkURL: workURL(c.WorkID), Created: formatDate(c.CreatedAt), Decided: formatDate(c.DecidedAt),
		Open: c.State == fanarchive.ClaimPending || c.State == fanarchive.ClaimExpired}
	for _, id := range c.Works {
		row.Moved = append(row.Moved, link{Label: "work " + strconv.FormatInt(id, 10), URL: workURL(id)})
	}
	if c.PseudID != 0 {
		ps, err := s.store.FindPseud(ctx, c.PseudID)
		switch {
		case err == nil:
			row.Pseud = ps.Name
		case fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND:
			return row, err
		}
	}
	return row, nil
}

// adminClaimFailed shows the claims page again with what went wrong.
func (s *Server) adminClaimFailed(w http.ResponseWriter, r *http.Request, err error) {
	if statusFor(err) == http.StatusInternalServerError {
		s.serverError(w, r, err)
		return
	}
	s.adminClaims(w, r, statusFor(err), fanarchive.ErrorMessage(err))
}

// claimScope reads the scope an archivist chose.
func claimScope(v string) (fanarchive.ClaimScope, error) {
	if sc := fanarchive.ClaimScope(v); sc.Valid() {
		return sc, nil
	}
	return "", fanarchive.Errorf(fanarchive.EINVALID, "Choose which works move: those with the address, the work alone, or all.")
}

// handleAssignClaim settles a pending claim by hand, within the scope the
// archivist chose.
func (s *Server) handleAssignClaim(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r, "claim")
		return
	}
	scope, err := claimScope(r.PostForm.Get("scope"))
	if err != nil {
		s.adminClaimFailed(w, r, err)
		return
	}
	c := &fanarchive.Claim{ID: id, Scope: scope, DecidedBy: currentUser(r).ID, DecisionNote: strings.TrimSpace(r.PostForm.Get("note"))}
	if err := s.store.AssignClaim(r.Context(), c); err != nil {
		s.adminClaimFailed(w, r, err)
		return
	}
	s.deliverReleasedFeedback(r.Context()) // feedback held for the works goes to their owner
	http.Redirect(w, r, "/admin/claims?done=assigned", http.StatusSeeOther)
}

// handleRejectClaim refuses a pending claim.
func (s *Server) handleRejectClaim(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r, "claim")
		return
	}
	if _, err := s.store.RejectClaim(r.Context(), id, currentUser(r).ID, strings.TrimSpace(r.PostForm.Get("note"))); err != nil {
		s.adminClaimFailed(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/claims?done=rejected", http.StatusSeeOther)
}

// handleAssignWork assigns a work's legacy author to a user by hand,
// unasked: the user by name, and one of their pseuds by name or, left
// empty, a pseud of the legacy name.
func (s *Server) handleAssignWork(w http.ResponseWriter, r *http.Request) {
	f, ctx := r.PostForm, r.Context()
	workID, ok := parseID(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(f.Get("work")), "#")))
	if !ok {
		s.adminClaimFailed(w, r, fanarchive.Errorf(fanarchive.EINVALID, "Give the number of the work (as in /works/123)."))
		return
	}
	scope, err := claimScope(f.Get("scope"))
	if err != nil {
		s.adminClaimFailed(w, r, err)
		return
	}
	u, err := s.store.FindUserByName(ctx, strings.TrimSpace(f.Get("user")))
	if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
		err = fanarchive.Errorf(fanarchive.EINVALID, "No account is named %s.", strings.TrimSpace(f.Get("user")))
	}
	if err != nil {
		s.adminClaimFailed(w, r, err)
		return
	}
	c := &fanarchive.Claim{UserID: u.ID, WorkID: workID, Scope: scope, DecidedBy: currentUser(r).ID,
		DecisionNote: strings.TrimSpace(f.Get("note"))}
	if name := strings.TrimSpace(f.Get("pseud")); name != "" {
		pseuds, err := s.store.FindPseuds(ctx, u.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, ps := range pseuds {
			if fanarchive.UserNameKey(ps.Name) == fanarchive.UserNameKey(name) {
				c.PseudID = ps.ID
			}
		}
		if c.PseudID == 0 {
			s.adminClaimFailed(w, r, fanarchive.Errorf(fanarchive.EINVALID, "%s has no pseud named %s.", u.Name, name))
			return
		}
	}
	if a := f.Get("author"); a != "" {
		if c.AuthorID, ok = parseID(a); !ok {
			s.adminClaimFailed(w, r, fanarchive.Errorf(fanarchive.EINVALID, "Choose one of the work's legacy authors."))
			return
		}
	}
	if err := s.store.AssignClaim(ctx, c); err != nil {
		s.adminClaimFailed(w, r, err)
		return
	}
	s.deliverReleasedFeedback(r.Context()) // feedback held for the works goes to their owner
	http.Redirect(w, r, "/admin/claims?done=assigned", http.StatusSeeOther)
}

// adminTakedownsPage is the data of the archivists' takedown page.
type adminTakedownsPage struct {
	page
	Pending []takedownRow
	Recent  []takedownRow
	Total   int
	Pager   pager
	Done    string
	Error   string
}

// takedownRow is one request as the archivists' page shows it.
type takedownRow struct {
	*fanarchive.Takedown
	WorkURL string
	Created string
	Decided string
	Open    bool
}

// adminTakedownsDone are what ?done= may say on the takedown page.
var adminTakedownsDone = map[string]string{
	"taken-down": "The work is taken down (deleted; its sources are kept).",
	"dismissed":  "The request is dismissed; the work stays.",
}

// handleAdminTakedowns shows the queue of takedown requests, oldest
// first, and the record of every request.
func (s *Server) handleAdminTakedowns(w http.ResponseWriter, r *http.Request) {
	if !s.allowPage(w, r, auth.Takedown) {
		return
	}
	s.adminTakedowns(w, r, http.StatusOK, "")
}

func (s *Server) adminTakedowns(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	noStore(w)
	n, ok := pageNumber(r)
	if !ok {
		s.notFound(w, r, "page")
		return
	}
	ctx := r.Context()
	pending, _, err := s.store.FindTakedowns(ctx, fanarchive.TakedownFilter{State: fanarchive.TakedownPending, Limit: queueLimit})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	recent, total, err := s.store.FindTakedowns(ctx, fanarchive.TakedownFilter{Offset: (n - 1) * claimsPerPage, Limit: claimsPerPage})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := &adminTakedownsPage{page: s.newPage("Takedown requests"), Total: total, Pager: pagerFor("/admin/takedowns", n, total),
		Done: adminTakedownsDone[r.URL.Query().Get("done")], Error: errMsg}
	row := func(t *fanarchive.Takedown) takedownRow {
		return takedownRow{Takedown: t, WorkURL: workURL(t.WorkID), Created: formatDate(t.CreatedAt), Decided: formatDate(t.DecidedAt),
			Open: t.State == fanarchive.TakedownPending}
	}
	for _, t := range pending {
		p.Pending = append(p.Pending, row(t))
	}
	for _, t := range recent {
		p.Recent = append(p.Recent, row(t))
	}
	s.render(w, r, status, "admin_takedowns", p)
}

// decideTakedown settles a request: the work taken down, or the request
// dismissed.
func (s *Server) decideTakedown(w http.ResponseWriter, r *http.Request, takeDown bool) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r, "request")
		return
	}
	t, err := s.store.DecideTakedown(r.Context(), id, currentUser(r).ID, takeDown, strings.TrimSpace(r.PostForm.Get("note")))
	if err != nil {
		if statusFor(err) == http.StatusInternalServerError {
			s.serverError(w, r, err)
			return
		}
		s.adminTakedowns(w, r, statusFor(err), fanarchive.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, "/admin/takedowns?done="+string(t.State), http.StatusSeeOther)
}

// handleTakeDown takes the requested work down.
func (s *Server) handleTakeDown(w http.ResponseWriter, r *http.Request) { s.decideTakedown(w, r, true) }

// handleDismissTakedown dismisses a takedown request.
func (s *Server) handleDismissTakedown(w http.ResponseWriter, r *http.Request) {
	s.decideTakedown(w, r, false)
}
