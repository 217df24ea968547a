package web

import (
	"net/http"

	"fanarchive"
)

// handleHome lists the newest works.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	s.listWorks(w, r, fanarchive.WorkFilter{}, "Newest works", "Newest works")
}
