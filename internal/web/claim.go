package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/auth"
	"fanarchive/internal/mail"
)

// Claims of imported works (docs/accounts.md, "Claims and takedowns"): the
// form on a work, the mail with its link, and the page the link opens.
// The address in a story's header is the store's: these pages only say
// that there is one.

// claimsListed is how many works a claim page names; it counts the rest.
const claimsListed = 100

// claimFormPage is the data of the form that claims a work.
type claimFormPage struct {
	page
	WorkURL, WorkTitle string
	// Authors are the work's legacy authors: the form asks which one the
	// claimant is when there are several.
	Authors []fanarchive.Author
	// Mail says a link will be mailed (the header names an address and
	// the work has one legacy author); otherwise the claim goes to the
	// archivists.
	Mail       bool
	HasAddress bool
	// Works are the works with the same name and address, which a mailed
	// link moves; More counts those not listed.
	Works  []link
	More   int
	Pseuds []*fanarchive.Pseud
	Note   string // as typed, when the form comes back with an error
	Error  string
}

// handleClaimForm shows what claiming a work would claim, and the form.
func (s *Server) handleClaimForm(w http.ResponseWriter, r *http.Request) {
	if !s.allowPage(w, r, auth.ClaimWork) {
		return
	}
	s.claimForm(w, r, http.StatusOK, "")
}

// claimForm renders the claim form of the work in the path.
func (s *Server) claimForm(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	noStore(w)
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r, "work")
		return
	}
	target, err := s.store.FindClaimTarget(r.Context(), id)
	if err != nil {
		s.fail(w, r, err, "work")
		return
	}
	if len(target.Authors) == 0 {
		s.notice(w, r, http.StatusOK, "There is nothing to claim",
			[]string{"Every author of this work has an account already."}, link{"Back to the work", workURL(id)})
		return
	}
	pseuds, err := s.store.FindPseuds(r.Context(), currentUser(r).ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := &claimFormPage{page: s.newPage("Claim " + target.WorkTitle), WorkURL: workURL(id), WorkTitle: target.WorkTitle,
		Authors: target.Authors, Mail: target.CanMail(), HasAddress: target.HasAddress, Pseuds: pseuds,
		Note: r.PostForm.Get("note"), Error: errMsg}
	if p.WorkTitle == "" {
		p.WorkTitle = "Untitled"
	}
	if p.Mail {
		if p.Works, err = s.sameAddressWorks(r.Context(), target); err != nil {
			s.serverError(w, r, err)
			return
		}
		p.More = max(target.SameAddress-len(p.Works), 0)
	}
	s.render(w, r, status, "claim", p)
}

// sameAddressWorks links the works a mailed link for target would move,
// at most claimsListed of them.
func (s *Server) sameAddressWorks(ctx context.Context, target *fanarchive.ClaimTarget) ([]link, error) {
	works, _, err := s.store.FindWorks(ctx, fanarchive.WorkFilter{AuthorID: target.Authors[0].ID,
		IncludeRestricted: true, IncludeDuplicates: true, Limit: claimsListed})
	if err != nil {
		return nil, fmt.Errorf("works of author %d: %w", target.Authors[0].ID, err)
	}
	var out []link
	for _, wk := range works {
		if slices.Contains(target.SameAddressWorks, wk.ID) {
			out = append(out, link{Label: wk.DisplayTitle(), URL: workURL(wk.ID)})
		}
	}
	return out, nil
}

// handleClaim records a claim: a link mailed to the address in the
// work's header, or, without one, a request in the archivists' queue.
func (s *Server) handleClaim(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r, "work")
		return
	}
	u, f := currentUser(r), r.PostForm
	c := &fanarchive.Claim{UserID: u.ID, WorkID: id, Note: strings.TrimSpace(f.Get("note"))}
	if a := f.Get("author"); a != "" {
		if c.AuthorID, ok = parseID(a); !ok {
			s.claimForm(w, r, http.StatusBadRequest, "Choose which author you are.")
			return
		}
	}
	if p := f.Get("pseud"); p != "" && p != "new" {
		if c.PseudID, ok = parseID(p); !ok {
			s.claimForm(w, r, http.StatusBadRequest, "Choose one of your pseuds, or a new one.")
			return
		}
	}
	switch f.Get("scope") {
	case "", string(fanarchive.ScopeAddress):
	case string(fanarchive.ScopeWork):
		c.Scope = fanarchive.ScopeWork
	default:
		s.claimForm(w, r, http.StatusBadRequest, "Choose the works with the address, or this work alone.")
		return
	}
	target, err := s.store.FindClaimTarget(r.Context(), id)
	if err != nil {
		s.fail(w, r, err, "work")
		return
	}
	if s.limited(w, r, hit{"claims:user:" + strconv.FormatInt(u.ID, 10), s.opts.Limits.Claims}) {
		return
	}
	if target.CanMail() {
		c.Via = fanarchive.ClaimByMail
		secret, tokenID := auth.NewToken()
		tok := &fanarchive.Token{ID: tokenID, Purpose: fanarchive.TokenClaim, ExpiresAt: time.Now().Add(fanarchive.ClaimTokenLife)}
		err = s.store.RequestClaim(r.Context(), c, tok, func(to string) ([]*fanarchive.OutboundMail, error) {
			m, err := s.claimMail(u.Name, to, c, s.linkBase()+"/claims/"+secret)
			return []*fanarchive.OutboundMail{m}, err
		})
	} else {
		c.Via = fanarchive.ClaimByArchivist
		err = s.store.RequestClaim(r.Context(), c, nil, nil)
	}
	if err != nil {
		if statusFor(err) == http.StatusInternalServerError {
			s.serverError(w, r, err)
			return
		}
		s.claimForm(w, r, statusFor(err), fanarchive.ErrorMessage(err))
		return
	}
	noStore(w)
	if c.Via == fanarchive.ClaimByMail {
		s.notice(w, r, http.StatusOK, "A link is on its way",
			[]string{"We have sent a link to the address in the story's original header. (We never show that address, here or anywhere.)",
				"Open it while you are logged in as " + u.Name + ", within " + days(fanarchive.ClaimTokenLife) +
					", and confirm: the works then move to your pseud. The link works once."},
			link{"Back to the work", workURL(id)})
		return
	}
	why := "The story's original header names no address we could send a link to"
	if target.HasAddress {
		why = "The story has several authors, so the address in its header does not say which one you are"
	}
	s.notice(w, r, http.StatusOK, "Your claim is with the archivists",
		[]string{why + ", so an archivist will look at your claim and settle it by hand.",
			"You will find the works under your pseud once they do."},
		link{"Back to the work", workURL(id)})
}

// days says a duration in whole days.
func days(d time.Duration) string {
	n := int(d / (24 * time.Hour))
	if n == 1 {
		return "a day"
	}
	return strconv.Itoa(n) + " days"
}

// claimMail is the mail carrying a claim link, to the address in a
// work's header. It names the account that asked, so that whoever owns the
// address can tell whether it was them.
func (s *Server) claimMail(user, to string, c *fanarchive.Claim, link string) (*fanarchive.OutboundMail, error) {
	title := c.WorkTitle
	if title == "" {
		title = "Untitled"
	}
	return s.accountMail(fanarchive.MailKindClaim, to, "Claim your stories at "+s.opts.SiteName,
		fmt.Sprintf("Hello,\n\nThe archive %s keeps \"%s\" by %s, whose original header gives this address.\n"+
			"The account %s at %s says it is yours, and asks for the works by %s with this address to move to it.\n\n"+
			"If that is you, open this link while logged in as %s, within %s, and confirm:\n\n%s\n\n"+
			"If it is not you, ignore this mail: nothing changes without the link, and the address is never shown.\n",
			s.opts.SiteName, mail.SingleLine(title), c.AuthorName, user, s.opts.SiteName, c.AuthorName, user,
			days(fanarchive.ClaimTokenLife), link))
}

// claimLinkInvalid answers a claim link that is unknown, used, expired, or
// whose claim is settled, alike.
func (s *Server) claimLinkInvalid(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	s.notice(w, r, http.StatusNotFound, "This claim link is not valid any more",
		[]string{"A claim link works once, for " + days(fanarchive.ClaimTokenLife) +
			", and only while its claim is open: it may have been used, run out, or the claim been settled or refused.",
			"To claim the work again, use “Claim this work” on its page."},
		link{"Your account", "/account"})
}

// claimConfirmPage is the data of the page a claim link opens: what
// confirming moves, and a button, so that a mail scanner fetching the link
// confirms nothing.
type claimConfirmPage struct {
	page
	Token      string
	AuthorName string
	Works      []link
	Pseud      string // the pseud the works move to
	NewPseud   bool   // a pseud of the legacy name, made for them
}

// handleClaimLink shows what confirming a claim link would move, to the
// user who asked for it and no one else.
func (s *Server) handleClaimLink(w http.ResponseWriter, r *http.Request) {
	if currentUser(r) == nil {
		s.allowPage(w, r, auth.ConfirmClaim) // log in, and come back
		return
	}
	secret, id, ok := tokenFromPath(r)
	if !ok {
		s.claimLinkInvalid(w, r)
		return
	}
	c, err := s.store.FindClaimByToken(r.Context(), id)
	if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
		s.claimLinkInvalid(w, r)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !auth.Can(currentUser(r), auth.ConfirmClaim, c.UserID) {
		noStore(w)
		s.forbidden(w, r, "This link is for another account",
			"Only the account that asked for it can confirm this claim. Log in as that account to use it.")
		return
	}
	p := &claimConfirmPage{page: s.newPage("Confirm your claim"), Token: secret, AuthorName: c.AuthorName,
		Pseud: c.AuthorName, NewPseud: true}
	if p.Works, err = s.workLinks(r.Context(), c.Works); err != nil {
		s.serverError(w, r, err)
		return
	}
	pseuds, err := s.store.FindPseuds(r.Context(), c.UserID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, ps := range pseuds {
		if ps.ID == c.PseudID || c.PseudID == 0 && fanarchive.UserNameKey(ps.Name) == fanarchive.UserNameKey(c.AuthorName) {
			p.Pseud, p.NewPseud = ps.Name, false
		}
	}
	noStore(w)
	s.render(w, r, http.StatusOK, "claim_confirm", p)
}

// workLinks links works by ID, in order, skipping any gone meanwhile.
func (s *Server) workLinks(ctx context.Context, ids []int64) ([]link, error) {
	var out []link
	for _, id := range ids {
		wk, err := s.store.FindWorkOutline(ctx, id)
		if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, link{Label: wk.DisplayTitle(), URL: workURL(id)})
	}
	return out, nil
}

// claimLinkOwner is the user a claim link is for. A link that is no longer
// usable is reported as the visitor's own, so that its handler can say
// plainly that it is spent (the store refuses it to anyone).
func (s *Server) claimLinkOwner(r *http.Request) ([]int64, error) {
	me := currentUser(r)
	_, id, ok := tokenFromPath(r)
	if !ok {
		if me == nil {
			return nil, nil
		}
		return []int64{me.ID}, nil
	}
	c, err := s.store.FindClaimByToken(r.Context(), id)
	switch {
	case fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND && me != nil:
		return []int64{me.ID}, nil
	case fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND:
		return nil, nil
	case err != nil:
		return nil, err
	}
	return []int64{c.UserID}, nil
}

// handleConfirmClaim uses a claim link: the works move to the user's
// pseud, and the page says which.
func (s *Server) handleConfirmClaim(w http.ResponseWriter, r *http.Request) {
	_, id, ok := tokenFromPath(r)
	if !ok {
		s.claimLinkInvalid(w, r)
		return
	}
	c, err := s.store.ConfirmClaim(r.Context(), id, currentUser(r).ID)
	switch fanarchive.ErrorCode(err) {
	case "":
	case fanarchive.ENOTFOUND:
		s.claimLinkInvalid(w, r)
		return
	default:
		s.fail(w, r, err, "claim")
		return
	}
	s.deliverReleasedFeedback(r.Context()) // feedback held for the works goes to their owner
	s.claimSettledPage(w, r, c)
}

// claimSettledPage says which works a settled claim moved, onto which
// pseud.
func (s *Server) claimSettledPage(w http.ResponseWriter, r *http.Request, c *fanarchive.Claim) {
	pseud, err := s.store.FindPseud(r.Context(), c.PseudID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	works, err := s.workLinks(r.Context(), c.Works)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	what := fmt.Sprintf("%d works by %s are now by your pseud %s:", len(works), c.AuthorName, pseud.Name)
	if len(works) == 1 {
		what = fmt.Sprintf("One work by %s is now by your pseud %s:", c.AuthorName, pseud.Name)
	}
	noStore(w)
	s.notice(w, r, http.StatusOK, "The works are yours", []string{what},
		append(works, link{"Your pseud's page, " + pseud.Name, authorURL(pseud.Name)})...)
}

// workActions are the links under an imported work for a logged-in
// reader: claim it, ask for it to be taken down, and, for archivists,
// assign it by hand.
type workActions struct {
	ClaimURL    string // "" when there is nothing to claim
	TakedownURL string
	AssignURL   string // archivists only
}

// workActionsFor returns the claim and takedown links of an imported work
// for the reader of r, or nil: for anonymous readers (whose pages are
// cached and shared) and for works that were not imported.
func (s *Server) workActionsFor(r *http.Request, work *fanarchive.Work) (*workActions, error) {
	u := currentUser(r)
	if u == nil || len(work.Sources) == 0 {
		return nil, nil
	}
	target, err := s.store.FindClaimTarget(r.Context(), work.ID)
	if err != nil {
		return nil, err
	}
	a := &workActions{TakedownURL: workURL(work.ID) + "/takedown"}
	if len(target.Authors) > 0 && auth.Can(u, auth.ClaimWork) {
		a.ClaimURL = workURL(work.ID) + "/claim"
		if auth.Can(u, auth.AssignClaim) {
			a.AssignURL = "/admin/claims?work=" + strconv.FormatInt(work.ID, 10) + "#assign-work"
		}
	}
	return a, nil
}
