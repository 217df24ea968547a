package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fanarchive"
	"fanarchive/internal/search"
)

// The search page and the filtered tag pages share this file's form: every
// search is a GET URL that can be bookmarked and shared, and works with no
// script. Parameters:
//
//	q          the query box (docs/search.md)
//	include    a tag works must have, "kind:name" or "name" (any kind); repeated
//	exclude    a tag works must not have; repeated
//	tags_in    comma-separated tag names of any kind to include (a text box)
//	tags_out   comma-separated tag names to exclude (a text box)
//	rating     an allowed rating; repeated.  xrating: an excluded rating
//	words_min, words_max, complete=1, lang, from, to (YYYY-MM-DD)
//	sort       relevance, updated, published, words or title
//	after, before, page   the cursor of a page and its number, from the pager

// searchForm is a search as the form and the links carry it.
type searchForm struct {
	Text             string
	Include, Exclude []fanarchive.Tag
	TagsIn, TagsOut  string
	Ratings          []fanarchive.Rating
	XRatings         []fanarchive.Rating
	WordsMin         string
	WordsMax         string
	Complete         bool
	Lang             string
	From, To         string
	Sort             string
	After, Before    string
	Page             int
}

// parseSearchForm reads the form from a URL query (search.ParseParams), and
// keeps it as typed to fill the form again. It fails only with a message
// for the reader.
func parseSearchForm(v url.Values) (*searchForm, fanarchive.SearchQuery, string) {
	f := &searchForm{
		Text: v.Get("q"), TagsIn: v.Get("tags_in"), TagsOut: v.Get("tags_out"),
		WordsMin: strings.TrimSpace(v.Get("words_min")), WordsMax: strings.TrimSpace(v.Get("words_max")),
		Complete: v.Get("complete") != "", Lang: strings.TrimSpace(v.Get("lang")),
		From: strings.TrimSpace(v.Get("from")), To: strings.TrimSpace(v.Get("to")),
		Sort: v.Get("sort"), After: v.Get("after"), Before: v.Get("before"), Page: 1,
	}
	for _, s := range v["include"] {
		f.Include = append(f.Include, search.ParseTagParam(s))
	}
	for _, s := range v["exclude"] {
		f.Exclude = append(f.Exclude, search.ParseTagParam(s))
	}
	for _, s := range v["rating"] {
		f.Ratings = append(f.Ratings, fanarchive.Rating(s))
	}
	for _, s := range v["xrating"] {
		f.XRatings = append(f.XRatings, fanarchive.Rating(s))
	}
	if n, err := strconv.Atoi(v.Get("page")); err == nil && n > 1 && n <= maxPage {
		f.Page = n
	}
	q, err := search.ParseParams(v)
	q.Limit = worksPerPage
	if err != nil {
		return f, q, fanarchive.ErrorMessage(err)
	}
	return f, q, ""
}

// tagParam writes a tag as an include or exclude parameter.
func tagParam(t fanarchive.Tag) string { return search.TagParam(t) }

// values writes the form back as URL parameters, without its page.
func (f *searchForm) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", f.Text)
	for _, t := range f.Include {
		v.Add("include", tagParam(t))
	}
	for _, t := range f.Exclude {
		v.Add("exclude", tagParam(t))
	}
	set("tags_in", f.TagsIn)
	set("tags_out", f.TagsOut)
	for _, r := range f.Ratings {
		v.Add("rating", string(r))
	}
	for _, r := range f.XRatings {
		v.Add("xrating", string(r))
	}
	set("words_min", f.WordsMin)
	set("words_max", f.WordsMax)
	if f.Complete {
		v.Set("complete", "1")
	}
	set("lang", f.Lang)
	set("from", f.From)
	set("to", f.To)
	set("sort", f.Sort)
	return v
}

// link returns base with the form's parameters, changed by edit.
func (f *searchForm) link(base string, edit func(v url.Values)) string {
	v := f.values()
	if edit != nil {
		edit(v)
	}
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

// handleSearch is the search page.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	if s.opts.Search == nil {
		s.render(w, r, http.StatusServiceUnavailable, "error", &errorPage{page: s.newPage("Search"),
			Status: http.StatusServiceUnavailable, Heading: "Search is not available.", Message: "Please try again later."})
		return
	}
	s.runSearch(w, r, "/search", nil)
}

// runSearch answers the form at base (the search page, or a tag page whose
// tag is fixed). Bad input is shown on the page with the reason, never as
// a server error.
func (s *Server) runSearch(w http.ResponseWriter, r *http.Request, base string, fixed *fanarchive.Tag) {
	form, q, problem := parseSearchForm(r.URL.Query())
	q.IncludeRestricted = currentUser(r) != nil
	data := &searchPage{page: s.newPage("Search"), Form: form, Action: base, Heading: "Search"}
	if fixed != nil {
		label := tagKindLabel(fixed.Kind) + ": " + fixed.Name
		data.page = s.newPage(label)
		data.Heading, data.Fixed = "Works tagged "+label, fixed
		q.Include = append(q.Include, *fixed)
	} else if form.Text != "" {
		data.page = s.newPage(form.Text, "Search")
	}
	status := http.StatusOK
	muted, err := s.mutesOf(r) // mutes.go: a muting reader's totals and facets leave their muted works out
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	q.Muted = muted
	if problem == "" {
		res, err := s.opts.Search.Search(r.Context(), q)
		switch code := fanarchive.ErrorCode(err); {
		case err == nil:
			if err := data.fill(s, form, base, res); err != nil {
				s.serverError(w, r, err)
				return
			}
		case code == fanarchive.EINVALID || code == fanarchive.ENOTFOUND:
			problem = fanarchive.ErrorMessage(err)
		default:
			s.serverError(w, r, err)
			return
		}
	}
	if problem != "" {
		data.Problem, status = problem, http.StatusBadRequest
	}
	data.options()
	if fixed != nil {
		data.page.Feed = tagFeedURL(fixed.Kind, fixed.Name)
	} else {
		data.page.Feed = form.link("/feeds/search", nil)
	}
	data.page.FeedTitle = data.Heading
	s.render(w, r, status, "search", data)
}
