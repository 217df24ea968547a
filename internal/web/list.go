package web

import (
	"net/http"
	"strconv"

	"fanarchive"
)

// worksPerPage is how many blurbs a listing shows.
const worksPerPage = 20

// maxPage bounds ?page= so the offset cannot overflow.
const maxPage = 1_000_000

// blurb is one work in a listing, like AO3's: enough to decide whether to
// read it.
type blurb struct {
	URL      string
	Title    string
	Untitled bool
	Authors  []string
	Fandoms  []fanarchive.Tag
	Rating   fanarchive.Rating
	Words    int
	Chapters string
	Comments int      // published comments (docs/comments.md)
	Summary  []string // paragraphs; empty when the work has none
	Begins   string   // the opening words, shown when there is no summary
	Date     string
	// Bookmarks counts the work's public bookmarks.
	Bookmarks int
}

func newBlurb(w *fanarchive.Work) blurb {
	b := blurb{
		URL:      workURL(w.ID),
		Title:    redactAddresses(w.DisplayTitle()),
		Untitled: w.Title == "",
		Authors:  w.AuthorNames(),
		Fandoms:  tagsOf(w, fanarchive.TagFandom),
		Rating:   w.Rating,
		Words:    w.Words,
		Chapters: chapterCount(w),
		Comments: w.Comments,
		Summary:  paragraphs(w.Summary),

		Bookmarks: w.Bookmarks,
	}
	b.Date, _ = publishedDate(w)
	if !w.Updated.Equal(w.Published) && b.Date != "" {
		b.Date = formatDate(w.Updated)
	}
	if len(b.Summary) == 0 {
		b.Begins = redactAddresses(w.Begins)
	}
	return b
}

// pager links a listing's pages to each other.
type pager struct {
	Page, Pages int
	Prev, Next  string // URLs, empty at either end
}

// listPage is the data of the listing template, shared by the home, author
// and tag pages.
type listPage struct {
	page
	Heading string
	PseudOf string // the user whose pseud the author is, when not their default one
	// SameName links an author page to the other author of its name (a
	// pseud's and a legacy author's), when there is one.
	SameName sameName
	Total    int
	Blurbs   []blurb
	Pager    pager
}

// pageNumber reads ?page=N: 1 when absent, false when it is not a page.
func pageNumber(r *http.Request) (int, bool) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, true
	}
	n, ok := parseID(v)
	if !ok || n > maxPage {
		return 0, false
	}
	return int(n), true
}

// listWorks renders one page of the works that filter selects, under a
// heading. title is the page's <title> before the site name; each of more
// may add to the page's data.
func (s *Server) listWorks(w http.ResponseWriter, r *http.Request, filter fanarchive.WorkFilter, title, heading string, more ...func(*listPage)) {
	n, ok := pageNumber(r)
	if !ok {
		s.notFound(w, r, "page")
		return
	}
	filter.Offset = (n - 1) * worksPerPage
	filter.IncludeRestricted = currentUser(r) != nil
	filter.Limit = worksPerPage
	muted, err := s.mutesOf(r) // mutes.go
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	filter.Muted = muted
	works, total, err := s.store.FindWorks(r.Context(), filter)
	if err != nil {
		s.fail(w, r, err, "page")
		return
	}
	pages := (total + worksPerPage - 1) / worksPerPage
	if n > 1 && n > pages {
		s.notFound(w, r, "page")
		return
	}
	data := &listPage{
		page:    s.newPage(title),
		Heading: heading,
		Total:   total,
		Pager:   pager{Page: n, Pages: max(pages, 1)},
	}
	if n > 1 {
		data.page = s.newPage(title, "Page "+strconv.Itoa(n))
		data.Pager.Prev = withPage(r.URL, strconv.Itoa(n-1))
	}
	if n < pages {
		data.Pager.Next = withPage(r.URL, strconv.Itoa(n+1))
	}
	for _, work := range works {
		data.Blurbs = append(data.Blurbs, newBlurb(work))
	}
	data.page.Feed, data.page.FeedTitle = "/feeds/works", heading
	switch {
	case filter.Author != nil:
		data.page.Feed = authorFeedURL(*filter.Author)
	case filter.Tag != nil:
		data.page.Feed = tagFeedURL(filter.Tag.Kind, filter.Tag.Name)
	}
	for _, f := range more {
		f(data)
	}
	s.render(w, r, http.StatusOK, "list", data)
}
