package web

import (
	"net/http"

	"fanarchive"
	"fanarchive/internal/auth"
)

// A logged-in member's lists: their memberships (by account and by their
// confirmed address), each with its delivery mode to change and a button
// to leave.

// accountListsPage is the data of /account/lists.
type accountListsPage struct {
	page
	Memberships []accountMembership
	Modes       []fanarchive.DeliveryMode
	Running     bool
	Done, Error string
}

// accountMembership is one membership and its list.
type accountMembership struct {
	*fanarchive.ListMember
	Title, URL string
}

// ownMembership reports whether a membership is u's: by account, or by
// u's confirmed address.
func ownMembership(u *fanarchive.User, m *fanarchive.ListMember) bool {
	if u == nil {
		return false
	}
	return m.UserID == u.ID || (u.EmailConfirmed && fanarchive.EmailKey(u.Email) == fanarchive.EmailKey(m.Address))
}

// membershipOwner names the owner of the membership in the path: the
// logged-in user when it is theirs.
func (s *Server) membershipOwner(r *http.Request) ([]int64, error) {
	ls := s.store
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "No such membership.")
	}
	m, err := ls.FindMemberByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if u := currentUser(r); ownMembership(u, m) {
		return []int64{u.ID}, nil
	}
	return []int64{m.UserID}, nil
}

var accountListsDone = map[string]string{
	"left": "You have left the list.",
	"mode": "Your delivery is changed.",
}

// handleAccountLists shows the user's memberships.
func (s *Server) handleAccountLists(w http.ResponseWriter, r *http.Request) {
	if !s.allowPage(w, r, auth.ChangePassword) { // any logged-in user, on their own account
		return
	}
	s.accountLists(w, r, http.StatusOK, accountListsDone[r.URL.Query().Get("done")], "")
}

func (s *Server) accountLists(w http.ResponseWriter, r *http.Request, status int, done, errMsg string) {
	noStore(w)
	data := &accountListsPage{page: s.newPage("Your lists"), Modes: deliveryModes, Running: s.opts.Lists != nil, Done: done, Error: errMsg}
	members, err := s.store.FindUserMemberships(r.Context(), currentUser(r).ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, m := range members {
		l, err := s.store.FindListByID(r.Context(), m.ListID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		data.Memberships = append(data.Memberships, accountMembership{ListMember: m, Title: l.Title, URL: listURL(l.Name)})
	}
	s.render(w, r, status, "account_lists", data)
}

// handleAccountListChange changes the delivery of one of the user's
// memberships, or ends it.
func (s *Server) handleAccountListChange(w http.ResponseWriter, r *http.Request) {
	ls := s.store
	id, _ := parseID(r.PathValue("id"))
	m, err := ls.FindMemberByID(r.Context(), id) // membershipOwner found it: the route is the user's
	if err != nil {
		s.fail(w, r, err, "membership")
		return
	}
	done := "mode"
	switch r.PostForm.Get("op") {
	case "leave":
		if s.opts.Lists == nil {
			s.listsNotRunning(w, r, nil)
			return
		}
		var l *fanarchive.List
		if l, err = ls.FindListByID(r.Context(), m.ListID); err == nil {
			err = s.opts.Lists.Unsubscribe(r.Context(), l, m.ID)
		}
		done = "left"
	case "mode":
		err = ls.SetMemberMode(r.Context(), m.ID, fanarchive.DeliveryMode(r.PostForm.Get("mode")))
	default:
		err = fanarchive.Errorf(fanarchive.EINVALID, "There is no such change of a membership.")
	}
	if err != nil {
		if statusFor(err) == http.StatusInternalServerError {
			s.serverError(w, r, err)
			return
		}
		s.accountLists(w, r, statusFor(err), "", fanarchive.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, "/account/lists?done="+done, http.StatusSeeOther)
}
