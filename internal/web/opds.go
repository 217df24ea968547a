package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fanarchive"
	"fanarchive/internal/feed"
)

// The OPDS 1.2 catalogue, for e-reader apps: /opds is a navigation feed
// (newest works, works by fandom, search); the works' feeds are acquisition
// feeds whose entries link to the EPUB download; pages follow one another
// by rel="next" links; OpenSearch tells clients how to search.

// opdsPage is how many works an acquisition feed's page holds.
const opdsPage = 25

// opdsFeed starts a catalogue feed with its links to itself, the start
// and the search.
func (s *Server) opdsFeed(r *http.Request, id, title, kind string) (*feed.Feed, feed.Site) {
	site := s.site(r)
	f := &feed.Feed{ID: site.URL(id), Title: title, Author: &feed.Person{Name: s.opts.SiteName, URI: site.URL("/")},
		Links: []feed.Link{
			{Rel: "self", Type: kind, Href: site.URL(id)},
			{Rel: feed.RelStart, Type: feed.NavigationType, Href: site.URL("/opds")},
			{Rel: feed.RelSearch, Type: feed.OpenSearchType, Href: site.URL("/opds/opensearch.xml")},
		}}
	f.AsOPDS()
	return f, site
}

// navEntry is an entry of a navigation feed: a section of the catalogue.
func navEntry(site feed.Site, path, title, about, kind, updated string) *feed.Entry {
	return &feed.Entry{ID: site.URL(path), Title: title, Updated: updated,
		Content: &feed.Text{Type: "text", Body: about},
		Links:   []feed.Link{{Rel: feed.RelSubsection, Type: kind, Href: site.URL(path)}}}
}

// handleOPDS is the catalogue's root.
func (s *Server) handleOPDS(w http.ResponseWriter, r *http.Request) {
	f, site := s.opdsFeed(r, "/opds", s.opts.SiteName, feed.NavigationType)
	works, _, err := s.store.FindWorks(r.Context(), fanarchive.WorkFilter{Limit: 1})
	if err != nil {
		s.fail(w, r, err, "catalogue")
		return
	}
	updated := feed.Time(timeOfNewest(works))
	f.Updated = updated
	f.Entries = append(f.Entries, navEntry(site, "/opds/recent", "Newest works", "Works as they were added or updated, newest first.", feed.AcquisitionType, updated))
	if s.opts.Search != nil {
		f.Entries = append(f.Entries, navEntry(site, "/opds/fandoms", "By fandom", "Every fandom, most works first.", feed.NavigationType, updated))
	}
	s.writeXML(w, r, feed.NavigationType, f.Write)
}

// handleOPDSRecent is the newest works, a page at a time.
func (s *Server) handleOPDSRecent(w http.ResponseWriter, r *http.Request) {
	n, ok := pageNumber(r)
	if !ok {
		s.notFound(w, r, "page")
		return
	}
	works, total, err := s.store.FindWorks(r.Context(), fanarchive.WorkFilter{Limit: opdsPage, Offset: (n - 1) * opdsPage})
	if err != nil {
		s.fail(w, r, err, "catalogue")
		return
	}
	f, site := s.opdsFeed(r, "/opds/recent", "Newest works", feed.AcquisitionType)
	if n*opdsPage < total {
		f.Links = append(f.Links, feed.Link{Rel: "next", Type: feed.AcquisitionType, Href: site.URL("/opds/recent?page=" + strconv.Itoa(n+1))})
	}
	if n > 1 {
		f.Links = append(f.Links, feed.Link{Rel: "previous", Type: feed.AcquisitionType, Href: site.URL("/opds/recent?page=" + strconv.Itoa(n-1))})
	}
	s.writeAcquisition(w, r, f, site, works)
}

// handleOPDSFandoms lists every fandom, as sections.
func (s *Server) handleOPDSFandoms(w http.ResponseWriter, r *http.Request) {
	if s.opts.Search == nil {
		s.notFound(w, r, "catalogue")
		return
	}
	counts, err := s.opts.Search.TagCounts(r.Context(), fanarchive.TagFandom)
	if err != nil {
		s.fail(w, r, err, "catalogue")
		return
	}
	f, site := s.opdsFeed(r, "/opds/fandoms", "By fandom", feed.NavigationType)
	f.Updated = feed.Time(timeOfNewest(nil))
	for _, c := range counts {
		path := "/opds/fandoms/" + url.PathEscape(c.Tag.Name)
		f.Entries = append(f.Entries, navEntry(site, path, c.Tag.Name, strconv.Itoa(c.Works)+" works", feed.AcquisitionType, f.Updated))
	}
	s.writeXML(w, r, feed.NavigationType, f.Write)
}

// handleOPDSFandom is one fandom's works, newest first, a page at a time.
func (s *Server) handleOPDSFandom(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	s.opdsSearch(w, r, "/opds/fandoms/"+url.PathEscape(name), name,
		fanarchive.SearchQuery{Include: []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: name}}, Sort: fanarchive.SortUpdated})
}

// handleOPDSSearch answers the catalogue's search (OpenSearch's
// searchTerms in q), best match first.
func (s *Server) handleOPDSSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	s.opdsSearch(w, r, "/opds/search?q="+url.QueryEscape(q), "Search: "+q, fanarchive.SearchQuery{Text: q})
}

// opdsSearch sends one page of a search as an acquisition feed, the next
// page reached by the search's cursor.
func (s *Server) opdsSearch(w http.ResponseWriter, r *http.Request, id, title string, q fanarchive.SearchQuery) {
	if s.opts.Search == nil {
		s.notFound(w, r, "catalogue")
		return
	}
	q.After, q.Limit, q.FacetLimit = r.URL.Query().Get("after"), opdsPage, 1
	res, err := s.opts.Search.Search(r.Context(), q)
	if code := fanarchive.ErrorCode(err); code == fanarchive.EINVALID {
		s.badRequest(w, r, fanarchive.ErrorMessage(err))
		return
	} else if err != nil {
		s.fail(w, r, err, "catalogue")
		return
	}
	f, site := s.opdsFeed(r, id, title, feed.AcquisitionType)
	if res.Next != "" {
		sep := "?"
		if strings.Contains(id, "?") {
			sep = "&"
		}
		f.Links = append(f.Links, feed.Link{Rel: "next", Type: feed.AcquisitionType, Href: site.URL(id + sep + "after=" + url.QueryEscape(res.Next))})
	}
	s.writeAcquisition(w, r, f, site, res.Works)
}

// writeAcquisition sends an acquisition feed of works, each with its EPUB.
func (s *Server) writeAcquisition(w http.ResponseWriter, r *http.Request, f *feed.Feed, site feed.Site, works []*fanarchive.Work) {
	for _, work := range works {
		f.Entries = append(f.Entries, site.WorkEntry(work, authorURL, tagKindURL, true))
	}
	f.Updated = feed.Updated(f.Entries)
	s.writeXML(w, r, feed.AcquisitionType, f.Write)
}

// handleOpenSearch describes the catalogue's search.
func (s *Server) handleOpenSearch(w http.ResponseWriter, r *http.Request) {
	site := s.site(r)
	o := &feed.OpenSearch{ShortName: s.opts.SiteName, Description: "Search the works of " + s.opts.SiteName,
		URLs: []feed.OpenSearchURL{
			{Type: feed.AcquisitionType, Template: site.URL("/opds/search?q={searchTerms}")},
			{Type: "text/html", Template: site.URL("/search?q={searchTerms}")},
		}}
	s.writeXML(w, r, feed.OpenSearchType, o.Write)
}
