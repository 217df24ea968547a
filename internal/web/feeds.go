package web

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/feed"
)

// Atom feeds of works, for feed readers: the newest works, each tag, each
// author and any search (the search page's parameters, newest first unless
// the search sorts otherwise). Every listing page names its feed with
// <link rel="alternate">. Entries link to the work's page; a feed is made
// from the same store reads as the page it follows.

// feedWorks is how many works a feed holds.
const feedWorks = 30

// site is what feeds need of the site, for this request.
func (s *Server) site(r *http.Request) feed.Site {
	return feed.Site{Name: s.opts.SiteName, Base: strings.TrimSuffix(s.absoluteURL(r, "/"), "/")}
}

// writeFeed sends a feed of works.
func (s *Server) writeFeed(w http.ResponseWriter, r *http.Request, id, title, page string, works []*fanarchive.Work) {
	site := s.site(r)
	f := &feed.Feed{ID: site.URL(id), Title: title + " - " + s.opts.SiteName,
		Links: []feed.Link{{Rel: "self", Type: "application/atom+xml", Href: site.URL(id)}, {Rel: "alternate", Type: "text/html", Href: site.URL(page)}}}
	for _, work := range works {
		f.Entries = append(f.Entries, site.WorkEntry(work, authorURL, tagKindURL, false))
	}
	f.Updated = feed.Updated(f.Entries)
	s.writeXML(w, r, feed.AtomType, f.Write)
}

// writeXML renders an XML document into a buffer, then sends it.
func (s *Server) writeXML(w http.ResponseWriter, r *http.Request, contentType string, write func(w io.Writer) error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		s.serverError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "public, max-age=300")
	}
	w.Write(buf.Bytes()) //nolint:errcheck // the client went away
}

// tagKindURL is the address of a tag kind's scheme in feeds: the kind's
// tags are pages under it.
func tagKindURL(t fanarchive.Tag) string { return "/tags/" + url.PathEscape(string(t.Kind)) + "/" }

// handleWorksFeed is the feed of the newest works.
func (s *Server) handleWorksFeed(w http.ResponseWriter, r *http.Request) {
	works, _, err := s.store.FindWorks(r.Context(), fanarchive.WorkFilter{Limit: feedWorks})
	if err != nil {
		s.fail(w, r, err, "feed")
		return
	}
	s.writeFeed(w, r, "/feeds/works", "Newest works", "/", works)
}

// handleTagFeed is the feed of a tag's works (its synonyms' too).
func (s *Server) handleTagFeed(w http.ResponseWriter, r *http.Request) {
	kind := fanarchive.TagKind(r.PathValue("kind"))
	if !kind.Valid() {
		s.notFound(w, r, "feed")
		return
	}
	tag, err := s.store.FindTag(r.Context(), kind, r.PathValue("name"))
	if err != nil {
		s.fail(w, r, err, "feed")
		return
	}
	if tag.Canonical != "" {
		http.Redirect(w, r, tagFeedURL(tag.Kind, tag.Canonical), http.StatusMovedPermanently)
		return
	}
	t := fanarchive.Tag{Kind: tag.Kind, Name: tag.Name}
	var works []*fanarchive.Work
	if s.opts.Search != nil {
		res, err := s.opts.Search.Search(r.Context(), fanarchive.SearchQuery{Include: []fanarchive.Tag{t},
			Sort: fanarchive.SortUpdated, Limit: feedWorks, FacetLimit: 1})
		if err != nil {
			s.fail(w, r, err, "feed")
			return
		}
		works = res.Works
	} else if works, _, err = s.store.FindWorks(r.Context(), fanarchive.WorkFilter{Tag: &t, Limit: feedWorks}); err != nil {
		s.fail(w, r, err, "feed")
		return
	}
	s.writeFeed(w, r, tagFeedURL(t.Kind, t.Name), tagKindLabel(t.Kind)+": "+t.Name, tagURL(t.Kind, t.Name), works)
}

// handleAuthorFeed is the feed of an author's works.
func (s *Server) handleAuthorFeed(w http.ResponseWriter, r *http.Request) {
	author, _, err := findAuthor(r, s.store)
	if err != nil {
		s.fail(w, r, err, "feed")
		return
	}
	works, _, err := s.store.FindWorks(r.Context(), fanarchive.WorkFilter{AuthorID: author.ID, Limit: feedWorks})
	if err != nil {
		s.fail(w, r, err, "feed")
		return
	}
	feedURL, pageURL := authorFeedURL(author.Name), authorURL(author.Name)
	if author.UserID == 0 && r.URL.Query().Get("legacy") == "1" {
		feedURL, pageURL = feedURL+"?legacy=1", pageURL+"?legacy=1"
	}
	s.writeFeed(w, r, feedURL, "Works by "+author.Name, pageURL, works)
}

// handleSearchFeed is the feed of a search: the search page's parameters,
// newest first unless they choose another order.
func (s *Server) handleSearchFeed(w http.ResponseWriter, r *http.Request) {
	if s.opts.Search == nil {
		s.notFound(w, r, "feed")
		return
	}
	form, q, problem := parseSearchForm(r.URL.Query())
	if problem != "" {
		s.badRequest(w, r, problem)
		return
	}
	if form.Sort == "" {
		q.Sort = fanarchive.SortUpdated
	}
	q.After, q.Before, q.Limit, q.FacetLimit = "", "", feedWorks, 1
	res, err := s.opts.Search.Search(r.Context(), q)
	if err != nil {
		s.fail(w, r, err, "feed")
		return
	}
	title := "Search"
	if form.Text != "" {
		title = "Search: " + form.Text
	}
	query := form.values().Encode()
	id := "/feeds/search"
	if query != "" {
		id += "?" + query
	}
	s.writeFeed(w, r, id, title, form.link("/search", nil), res.Works)
}

// timeOfNewest is when the newest of works was updated; now when there
// are none.
func timeOfNewest(works []*fanarchive.Work) time.Time {
	var t time.Time
	for _, w := range works {
		if w.Updated.After(t) {
			t = w.Updated
		}
	}
	if t.IsZero() {
		return time.Now()
	}
	return t
}

// tagFeedURL is a tag's feed.
func tagFeedURL(kind fanarchive.TagKind, name string) string { return "/feeds" + tagURL(kind, name) }

// authorFeedURL is an author's feed.
func authorFeedURL(name string) string { return "/feeds" + authorURL(name) }
