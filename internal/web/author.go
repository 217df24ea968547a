package web

import (
	"net/http"

	"fanarchive"
)

// handleAuthor lists an author's works. For a user's pseud the page says
// whose it is.
func (s *Server) handleAuthor(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	author, err := s.store.FindAuthorByName(r.Context(), name)
	if err != nil {
		s.fail(w, r, err, "author")
		return
	}
	var owner *fanarchive.User
	if author.UserID != 0 {
		if owner, err = s.store.FindUserByID(r.Context(), author.UserID); err != nil {
			s.fail(w, r, err, "author")
			return
		}
	}
	s.listWorks(w, r, fanarchive.WorkFilter{Author: &author.Name},
		"Works by "+author.Name, "Works by "+author.Name, func(p *listPage) {
			if owner != nil && owner.Name != author.Name {
				p.PseudOf = owner.Name
			}
		})
}
