package api

import (
	"net/http"
	"strconv"

	"fanarchive"
)

// Series is a series and its works, in the series' order.
type Series struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	Summary  string `json:"summary,omitempty"`
	Complete bool   `json:"complete"`
	URL      string `json:"url"`
	Works    []Work `json:"works"`
}

// series is /series/{id}: a series with its works in order. Restricted
// works, which only logged-in readers see, are left out, as drafts and
// deleted works are.
func (s *Server) series(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	sr, err := s.store.FindSeriesByID(r.Context(), id, false)
	if err != nil {
		return err
	}
	out := Series{ID: sr.ID, Title: sr.Title, Summary: sr.Summary, Complete: sr.Complete,
		URL: s.base(r) + "/series/" + strconv.FormatInt(sr.ID, 10), Works: []Work{}}
	for _, wk := range sr.Works {
		if wk.Kind != fanarchive.KindFiction {
			continue
		}
		out.Works = append(out.Works, s.newWork(r, wk))
	}
	return s.writeJSON(w, r, out)
}
