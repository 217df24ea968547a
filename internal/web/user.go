package web

import (
	"net/http"

	"fanarchive"
)

// userPage is the data of a user's page: their pseuds.
type userPage struct {
	page
	Name   string
	Pseuds []*fanarchive.Pseud
	Roles  []fanarchive.Role
}

// handleUser lists a user's pseuds, each linking to its works.
func (s *Server) handleUser(w http.ResponseWriter, r *http.Request) {
	u, err := s.store.FindUserByName(r.Context(), r.PathValue("name"))
	if err == nil && !u.EmailConfirmed {
		err = fanarchive.Errorf(fanarchive.ENOTFOUND, "No such user.")
	}
	if err != nil {
		s.fail(w, r, err, "user")
		return
	}
	pseuds, err := s.store.FindPseuds(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err, "user")
		return
	}
	s.render(w, r, http.StatusOK, "user", &userPage{page: s.newPage(u.Name), Name: u.Name, Pseuds: pseuds, Roles: u.Roles})
}
