package web

import (
	"net/http"
	"strconv"

	"fanarchive"
)

// seriesURL and seriesFeedURL are the paths of a series' page and feed.
func seriesURL(id int64) string     { return "/series/" + strconv.FormatInt(id, 10) }
func seriesFeedURL(id int64) string { return "/feeds/series/" + strconv.FormatInt(id, 10) }

// loadSeries reads the series named by the {id} path value, with its works
// in order (restricted ones for a logged-in reader only), answering the
// request itself when it cannot.
func (s *Server) loadSeries(w http.ResponseWriter, r *http.Request, what string) (*fanarchive.Series, bool) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r, what)
		return nil, false
	}
	series, err := s.store.FindSeriesByID(r.Context(), id, currentUser(r) != nil)
	if err != nil {
		s.fail(w, r, err, what)
		return nil, false
	}
	return series, true
}

// handleSeries lists a series' works in their order, as blurbs, naming its
// feed.
func (s *Server) handleSeries(w http.ResponseWriter, r *http.Request) {
	series, ok := s.loadSeries(w, r, "series")
	if !ok {
		return
	}
	title := redactAddresses(series.Title)
	data := &listPage{
		page:    s.newPage("Series: " + title),
		Heading: "Series: " + title,
		Total:   len(series.Works),
		Pager:   pager{Page: 1, Pages: 1},
	}
	data.page.Feed, data.page.FeedTitle = seriesFeedURL(series.ID), "Series: "+title
	for _, work := range series.Works {
		data.Blurbs = append(data.Blurbs, newBlurb(work))
	}
	s.render(w, r, http.StatusOK, "list", data)
}

// handleSeriesFeed is the Atom feed of a series' works.
func (s *Server) handleSeriesFeed(w http.ResponseWriter, r *http.Request) {
	series, ok := s.loadSeries(w, r, "feed")
	if !ok {
		return
	}
	s.writeFeed(w, r, seriesFeedURL(series.ID), "Series: "+redactAddresses(series.Title), seriesURL(series.ID), series.Works)
}
