package web

import (
	"net/http"

	"fanarchive"
)

// handleAuthor lists an author's works.
func (s *Server) handleAuthor(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	author, err := s.store.FindAuthorByName(r.Context(), name)
	if err != nil {
		s.fail(w, r, err, "author")
		return
	}
	s.listWorks(w, r, fanarchive.WorkFilter{Author: &author.Name},
		"Works by "+author.Name, "Works by "+author.Name)
}
