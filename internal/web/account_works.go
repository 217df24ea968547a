package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"fanarchive"
)

// The posting parts of the account page: the user's own works (drafts and
// restricted ones included) and the co-author invitations of their
// pseuds; answering an invitation; and the tag suggestions of the posting
// form.

// accountPosting is what the account page shows of the user's posting.
type accountPosting struct {
	Works       []myWork
	More        bool // the user has more works than are listed
	Invitations []*fanarchive.CoAuthor
}

// myWork is one of the user's works on their account page.
type myWork struct {
	ID                int64
	URL, Title        string
	Draft, Restricted bool
	Chapters          string
	Words             int
}

// accountWorksLimit is how many of their works the account page lists.
const accountWorksLimit = 100

// loadAccountPosting reads the user's works and pending invitations.
func (s *Server) loadAccountPosting(ctx context.Context, u *fanarchive.User, pseuds []*fanarchive.Pseud) (*accountPosting, error) {
	works, total, err := s.store.FindWorks(ctx, fanarchive.WorkFilter{OwnedBy: u.ID, Limit: accountWorksLimit})
	if err != nil {
		return nil, err
	}
	p := &accountPosting{More: total > len(works)}
	for _, w := range works {
		p.Works = append(p.Works, myWork{ID: w.ID, URL: workURL(w.ID), Title: w.DisplayTitle(), Draft: w.Draft,
			Restricted: w.Restricted, Chapters: chapterCount(w), Words: w.Words})
	}
	var ids []int64
	for _, ps := range pseuds {
		ids = append(ids, ps.ID)
	}
	if len(ids) > 0 {
		if p.Invitations, err = s.store.FindCoAuthors(ctx, fanarchive.CoAuthorFilter{AuthorIDs: ids, State: fanarchive.InvitePending}); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// invitedPseudOwner is the user whose pseud the invitation in the path is
// for: the only one who may answer it.
func (s *Server) invitedPseudOwner(r *http.Request) ([]int64, error) {
	if _, ok := parseID(r.PathValue("work")); !ok {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "No such invitation.")
	}
	id, ok := parseID(r.PathValue("pseud"))
	if !ok {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "No such invitation.")
	}
	p, err := s.store.FindPseud(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return []int64{p.UserID}, nil
}

// handleAnswerInvitation accepts (answer=accept) or declines a co-author
// invitation: accepting puts the pseud on the work's byline and makes the
// user one of its owners.
func (s *Server) handleAnswerInvitation(w http.ResponseWriter, r *http.Request) {
	workID, _ := parseID(r.PathValue("work"))
	pseudID, _ := parseID(r.PathValue("pseud"))
	answer := r.PostForm.Get("answer")
	if answer != "accept" && answer != "decline" {
		s.accountFailed(w, r, fanarchive.Errorf(fanarchive.EINVALID, "Accept or decline the invitation."))
		return
	}
	if err := s.store.AnswerCoAuthor(r.Context(), workID, pseudID, answer == "accept", currentUser(r).ID); err != nil {
		s.accountFailed(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?done=invitation-"+answer+"ed", http.StatusSeeOther)
}

// maxSuggestPrefix bounds what /tags/suggest looks up.
const maxSuggestPrefix = 100

// handleTagSuggest answers GET /tags/suggest?kind=fandom&q=Sta with up to
// ten tags of the kind that begin with q, as a JSON array of names: what
// the posting form's script puts in a tag field's <datalist>. Only tags
// of listed works are suggested (FindTagsByPrefix), so anyone may ask.
func (s *Server) handleTagSuggest(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	kind := fanarchive.TagKind(q.Get("kind"))
	prefix := strings.TrimSpace(q.Get("q"))
	if !kind.Valid() || len(prefix) > maxSuggestPrefix {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "kind is a tag kind, and q at most 100 bytes"})
		return
	}
	names := []string{}
	if prefix != "" {
		tags, err := s.store.FindTagsByPrefix(r.Context(), kind, prefix, 10)
		if err != nil {
			if statusFor(err) == http.StatusInternalServerError {
				s.logError(r, err)
			}
			writeJSON(w, statusFor(err), map[string]string{"error": "no suggestions"})
			return
		}
		for _, t := range tags {
			names = append(names, t.Name)
		}
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	writeJSON(w, http.StatusOK, names)
}

// writeJSON sends v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v) // strings and maps of strings always marshal
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b) //nolint:errcheck // the client went away
}
