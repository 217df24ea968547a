package web

import (
	"net/http"

	"fanarchive"
)

// fandomsPage is the data of the fandoms template.
type fandomsPage struct {
	page
	Fandoms []fanarchive.TagCount
	Works   int // works counted, for the summary line
}

// handleFandoms lists every fandom with its number of works, most works
// first. Counts are of listed works, synonyms included, so they match what
// the fandom's page lists.
func (s *Server) handleFandoms(w http.ResponseWriter, r *http.Request) {
	if s.opts.Search == nil {
		s.render(w, r, http.StatusServiceUnavailable, "error", &errorPage{page: s.newPage("Fandoms"),
			Status: http.StatusServiceUnavailable, Heading: "The fandom list is not available.", Message: "Please try again later."})
		return
	}
	counts, err := s.opts.Search.TagCounts(r.Context(), fanarchive.TagFandom)
	if err != nil {
		s.fail(w, r, err, "page")
		return
	}
	s.render(w, r, http.StatusOK, "fandoms", &fandomsPage{page: s.newPage("Fandoms"), Fandoms: counts})
}
