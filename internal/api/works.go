package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/download"
	"fanarchive/internal/prose"
	"fanarchive/internal/search"
)

// Work is a work as the API gives it. Private fields (feedback addresses,
// the importer's evidence and problems) are never in it.
type Work struct {
	ID             int64       `json:"id"`
	URL            string      `json:"url"`
	Title          string      `json:"title"`
	Authors        []AuthorRef `json:"authors"`
	Summary        string      `json:"summary,omitempty"`
	Notes          []Note      `json:"notes,omitempty"`
	Rating         string      `json:"rating"`
	RatingOriginal string      `json:"rating_original,omitempty"`
	Tags           Tags        `json:"tags"`
	Language       string      `json:"language,omitempty"`
	Words          int         `json:"words"`
	Complete       bool        `json:"complete"`
	ChapterCount   int         `json:"chapter_count"`
	Chapters       []Chapter   `json:"chapters,omitempty"`
	Published      string      `json:"published,omitempty"`
	Updated        string      `json:"updated,omitempty"`
	Downloads      Downloads   `json:"downloads"`
}

// AuthorRef names an author and where the API has them.
type AuthorRef struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Note is a labelled note.
type Note struct {
	Label string `json:"label"`
	Text  string `json:"text"`
}

// Tags are a work's tags by kind.
type Tags struct {
	Fandoms       []string `json:"fandoms"`
	Relationships []string `json:"relationships"`
	Characters    []string `json:"characters"`
	Warnings      []string `json:"warnings"`
	Categories    []string `json:"categories"`
	Freeform      []string `json:"freeform"`
}

// Downloads are a work's files.
type Downloads struct {
	EPUB string `json:"epub"`
	HTML string `json:"html"`
	Text string `json:"txt"`
}

// Chapter is one chapter; Text, sanitised HTML, only when asked for.
type Chapter struct {
	Number int    `json:"number"`
	Title  string `json:"title,omitempty"`
	Words  int    `json:"words"`
	Pages  int    `json:"pages"`
	URL    string `json:"url"`
	Page   int    `json:"page,omitempty"`
	Text   string `json:"text,omitempty"`
}

// WorkList is a page of works.
type WorkList struct {
	Works  []Work  `json:"works"`
	Total  int     `json:"total"`
	Next   string  `json:"next,omitempty"` // the cursor of the next page
	Prev   string  `json:"prev,omitempty"`
	Facets []Facet `json:"facets,omitempty"`
}

// Facet counts the most frequent values of a kind among a search's works.
type Facet struct {
	Kind   string     `json:"kind"`
	Counts []TagCount `json:"counts"`
}

// TagCount is a tag and its number of works.
type TagCount struct {
	Name  string `json:"name"`
	Works int    `json:"works"`
}

// base is the site's address for this request.
func (s *Server) base(r *http.Request) string {
	if b := strings.TrimSuffix(s.opts.BaseURL, "/"); b != "" {
		return b
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) newWork(r *http.Request, w *fanarchive.Work) Work {
	base := s.base(r)
	site := base + "/works/" + strconv.FormatInt(w.ID, 10)
	out := Work{ID: w.ID, URL: site, Title: w.DisplayTitle(), Summary: w.Summary, Rating: string(w.Rating),
		RatingOriginal: w.RatingOriginal, Language: w.Language, Words: w.Words, Complete: w.Complete,
		ChapterCount: max(len(w.Chapters), 1), Published: date(w.Published), Updated: date(w.Updated),
		Downloads: Downloads{EPUB: site + "/download/" + string(download.EPUB), HTML: site + "/download/" + string(download.HTML),
			Text: site + "/download/" + string(download.Text)},
		Tags: Tags{Fandoms: tagsOf(w, fanarchive.TagFandom), Relationships: tagsOf(w, fanarchive.TagRelationship),
			Characters: tagsOf(w, fanarchive.TagCharacter), Warnings: tagsOf(w, fanarchive.TagWarning),
			Categories: tagsOf(w, fanarchive.TagCategory), Freeform: tagsOf(w, fanarchive.TagFreeform)},
		Authors: []AuthorRef{},
	}
	for _, a := range w.Authors {
		out.Authors = append(out.Authors, AuthorRef{Name: a.Name, URL: base + "/api/v1/authors/" + url.PathEscape(a.Name)})
	}
	for _, n := range w.Notes {
		out.Notes = append(out.Notes, Note{Label: n.Label, Text: n.Text})
	}
	return out
}

func tagsOf(w *fanarchive.Work, kind fanarchive.TagKind) []string {
	names := w.TagsOf(kind)
	if names == nil {
		return []string{}
	}
	return names
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// limitParam reads ?limit, 1 to 100, 20 when absent.
func limitParam(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return fanarchive.DefaultSearchPage, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > fanarchive.MaxSearchPage {
		return 0, invalid("limit must be a whole number from 1 to %d.", fanarchive.MaxSearchPage)
	}
	return n, nil
}

// searchWorks is /works: a search with every filter of the search page
// (search.ParseParams), newest first without words, best match with them.
func (s *Server) searchWorks(w http.ResponseWriter, r *http.Request) error {
	if s.opts.Search == nil {
		s.problem(w, r, http.StatusServiceUnavailable, "Search is not available", "")
		return nil
	}
	q, err := search.ParseParams(r.URL.Query())
	if err != nil {
		return err
	}
	if c := r.URL.Query().Get("cursor"); c != "" {
		q.After = c
	}
	if q.Limit, err = limitParam(r); err != nil {
		return err
	}
	res, err := s.opts.Search.Search(r.Context(), q)
	if err != nil {
		return err
	}
	out := WorkList{Works: []Work{}, Total: res.Total, Next: res.Next, Prev: res.Prev}
	for _, wk := range res.Works {
		out.Works = append(out.Works, s.newWork(r, wk))
	}
	for _, f := range res.Facets {
		fc := Facet{Kind: string(f.Kind), Counts: []TagCount{}}
		for _, c := range f.Counts {
			fc.Counts = append(fc.Counts, TagCount{Name: c.Tag.Name, Works: c.Works})
		}
		out.Facets = append(out.Facets, fc)
	}
	return s.writeJSON(w, r, out)
}

// idParam reads a positive decimal ID from the path.
func idParam(r *http.Request, name string) (int64, error) {
	v := r.PathValue(name)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 || strings.TrimLeft(v, "0123456789") != "" {
		return 0, fanarchive.Errorf(fanarchive.ENOTFOUND, "There is no %s %q.", name, v)
	}
	return n, nil
}

// work is /works/{id}: the work with its chapters, and with ?text=1 the
// text of every chapter not in pages (a long chapter's pages are read from
// /works/{id}/chapters/{n}?page=K).
func (s *Server) work(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	wk, err := s.findWork(r, id)
	if err != nil {
		return err
	}
	withText := r.URL.Query().Get("text")
	if withText != "" && withText != "0" && withText != "1" {
		return invalid("text is 1 (with the chapters' text) or 0.")
	}
	out := s.newWork(r, wk)
	for _, c := range wk.Chapters {
		ch := s.newChapter(r, wk, c)
		if withText == "1" && c.Pages <= 1 {
			pg, err := s.store.FindChapterPage(r.Context(), c.ID, 1)
			if err != nil {
				return err
			}
			ch.Text = prose.Sanitize(pg.Body)
		}
		out.Chapters = append(out.Chapters, ch)
	}
	return s.writeJSON(w, r, out)
}

// findWork reads the outline of a work the API shows: a published work of
// fiction that is not restricted to logged-in readers (the API has no
// readers' sessions), as its listings and searches leave the others out.
// Anything else is ENOTFOUND, so a draft's existence is not given away.
func (s *Server) findWork(r *http.Request, id int64) (*fanarchive.Work, error) {
	wk, err := s.store.FindWorkOutline(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if wk.Kind != fanarchive.KindFiction || wk.Draft || wk.Restricted {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "There is no work %d.", id)
	}
	return wk, nil
}

func (s *Server) newChapter(r *http.Request, wk *fanarchive.Work, c *fanarchive.Chapter) Chapter {
	return Chapter{Number: c.Number, Title: c.Title, Words: c.Words, Pages: max(c.Pages, 1),
		URL: s.base(r) + "/api/v1/works/" + strconv.FormatInt(wk.ID, 10) + "/chapters/" + strconv.Itoa(c.Number)}
}

// chapter is /works/{id}/chapters/{n}?page=K: one page of a chapter's
// text (the whole chapter unless it is long).
func (s *Server) chapter(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	n, err := idParam(r, "n")
	if err != nil {
		return err
	}
	wk, err := s.findWork(r, id)
	if err != nil {
		return err
	}
	if n > int64(len(wk.Chapters)) {
		return fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d has no chapter %d.", id, n)
	}
	c := wk.Chapters[n-1]
	page := 1
	if v := r.URL.Query().Get("page"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > max(c.Pages, 1) {
			return invalid("page must be a whole number from 1 to %d.", max(c.Pages, 1))
		}
		page = p
	}
	pg, err := s.store.FindChapterPage(r.Context(), c.ID, page)
	if err != nil {
		return err
	}
	ch := s.newChapter(r, wk, c)
	ch.Page, ch.Text = page, prose.Sanitize(pg.Body)
	return s.writeJSON(w, r, ch)
}

// offsetCursor reads a listing's cursor: "o" and an offset.
func offsetCursor(r *http.Request) (int, error) {
	c := r.URL.Query().Get("cursor")
	if c == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimPrefix(c, "o"))
	if !strings.HasPrefix(c, "o") || err != nil || n < 0 || n > 1<<30 {
		return 0, invalid("That cursor is not one this listing gave.")
	}
	return n, nil
}

// Author is an author with a page of their works.
type Author struct {
	Name  string `json:"name"`
	URL   string `json:"url"`
	Works []Work `json:"works"`
	Total int    `json:"total"`
	Next  string `json:"next,omitempty"`
}

// author is /authors/{name}: the author and their works, newest first.
func (s *Server) author(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	authors, err := s.store.FindAuthorsByName(r.Context(), name)
	if err != nil {
		return err
	}
	legacy := r.URL.Query().Get("legacy")
	if legacy != "" && legacy != "0" && legacy != "1" {
		return fanarchive.Errorf(fanarchive.EINVALID, "legacy is 0 or 1, not %q.", legacy)
	}
	a, _, ok := fanarchive.ChooseAuthor(authors, legacy == "1")
	if !ok {
		return fanarchive.Errorf(fanarchive.ENOTFOUND, "No imported works are under the name %q.", name)
	}
	limit, err := limitParam(r)
	if err != nil {
		return err
	}
	offset, err := offsetCursor(r)
	if err != nil {
		return err
	}
	works, total, err := s.store.FindWorks(r.Context(), fanarchive.WorkFilter{AuthorID: a.ID, Offset: offset, Limit: limit})
	if err != nil {
		return err
	}
	out := Author{Name: a.Name, URL: s.base(r) + "/authors/" + url.PathEscape(a.Name), Works: []Work{}, Total: total}
	for _, wk := range works {
		out.Works = append(out.Works, s.newWork(r, wk))
	}
	if offset+len(works) < total {
		out.Next = "o" + strconv.Itoa(offset+len(works))
	}
	return s.writeJSON(w, r, out)
}

// TagList is a page of a kind's tags with their number of works.
type TagList struct {
	Kind  string     `json:"kind"`
	Tags  []TagCount `json:"tags"`
	Total int        `json:"total"`
	Next  string     `json:"next,omitempty"`
}

// tags is /tags?kind=K: the canonical tags of a kind that listed works
// have, most used first.
func (s *Server) tags(w http.ResponseWriter, r *http.Request) error {
	if s.opts.Search == nil {
		s.problem(w, r, http.StatusServiceUnavailable, "Tags are not available", "")
		return nil
	}
	kind := fanarchive.TagKind(r.URL.Query().Get("kind"))
	if kind == "" {
		kind = fanarchive.TagFandom
	}
	if !kind.Valid() {
		return invalid("kind must be one of %v.", fanarchive.TagKinds)
	}
	limit, err := limitParam(r)
	if err != nil {
		return err
	}
	offset, err := offsetCursor(r)
	if err != nil {
		return err
	}
	counts, err := s.opts.Search.TagCounts(r.Context(), kind)
	if err != nil {
		return err
	}
	out := TagList{Kind: string(kind), Tags: []TagCount{}, Total: len(counts)}
	for _, c := range counts[min(offset, len(counts)):min(offset+limit, len(counts))] {
		out.Tags = append(out.Tags, TagCount{Name: c.Tag.Name, Works: c.Works})
	}
	if offset+limit < len(counts) {
		out.Next = "o" + strconv.Itoa(offset+limit)
	}
	return s.writeJSON(w, r, out)
}

// Tag is one tag: its canonical name when it is a synonym, its synonyms,
// and how many listed works have it.
type Tag struct {
	Kind      string   `json:"kind"`
	Name      string   `json:"name"`
	Canonical string   `json:"canonical,omitempty"`
	Synonyms  []string `json:"synonyms"`
	Works     int      `json:"works"`
	WorksURL  string   `json:"works_url"`
	URL       string   `json:"url"`
}

// tag is /tags/{kind}/{name}.
func (s *Server) tag(w http.ResponseWriter, r *http.Request) error {
	kind := fanarchive.TagKind(r.PathValue("kind"))
	if !kind.Valid() {
		return fanarchive.Errorf(fanarchive.ENOTFOUND, "There is no tag kind %q.", kind)
	}
	t, err := s.store.FindTag(r.Context(), kind, r.PathValue("name"))
	if err != nil {
		return err
	}
	syn, err := s.store.FindTagSynonyms(r.Context(), kind, t.Name)
	if err != nil {
		return err
	}
	canonical := t.Name
	if t.Canonical != "" {
		canonical = t.Canonical
	}
	base := s.base(r)
	out := Tag{Kind: string(kind), Name: t.Name, Canonical: t.Canonical, Synonyms: append([]string{}, syn...),
		WorksURL: base + "/api/v1/works?include=" + url.QueryEscape(string(kind)+":"+canonical),
		URL:      base + "/tags/" + url.PathEscape(string(kind)) + "/" + url.PathEscape(canonical)}
	if s.opts.Search != nil {
		res, err := s.opts.Search.Search(r.Context(), fanarchive.SearchQuery{Include: []fanarchive.Tag{{Kind: kind, Name: canonical}},
			Limit: 1, FacetLimit: 1})
		if err != nil {
			return err
		}
		out.Works = res.Total
	}
	return s.writeJSON(w, r, out)
}
