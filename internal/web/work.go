package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"fanarchive"
)

// workPage is the data of the work template: the work's header, and the
// chapters this URL shows.
type workPage struct {
	page
	URL            string
	Title          string
	Authors        []string
	Lang           string
	Rating         fanarchive.Rating
	RatingOriginal string // as the author wrote it, when it differs
	Tags           []tagBlock
	Words          int
	Chapters       string
	Published      string
	PublishedNote  string // where the date came from, when it is a guess
	Updated        string
	DuplicateOf    string // URL of the work this one repeats
	Summary        []string
	Notes          []note // shown with the first chapter and the entire work
	Story          []chapterView
	Nav            *chapterNav // nil for one-chapter works
	// PagesTop and PagesEnd move between the pages of a long chapter,
	// above and below its text; nil when the chapter is one page.
	PagesTop, PagesEnd *pageNav
	Provenance         *provenance
	Downloads          []downloadLink
	Actions            *workActions // claim and takedown links (claim.go)
	// Draft and Restricted are said in a banner; Owner holds the edit
	// links a work's owners see (work_access.go).
	Draft, Restricted bool
	// Series are the series the work is in, with its place in each.
	Series []seriesPlace
	Owner  *ownerTools
	// Readers holds bookmarks, the later list and reports (readings.go).
	Readers  *workReaders
	Response *workResponse // kudos and the feedback link (feedback.go)
	// ListPosts are the mailing-list posts the work's chapters came from
	// (list_work.go).
	ListPosts []workListPosts
	// Comments is the page of comments (comments.go); Subscribe what a
	// logged-in reader may subscribe to (inbox.go).
	Comments  *commentsView
	Subscribe *subscribeView
}

// tagBlock is one row of the work's tag list, such as its fandoms.
type tagBlock struct {
	Label string
	Class string
	Tags  []fanarchive.Tag
}

// note is a labelled block of front matter, in paragraphs.
type note struct {
	Label      string
	Paragraphs []string
}

// chapterView is one chapter as shown.
type chapterView struct {
	Anchor  string
	Heading string // empty for a one-chapter work
	Body    template.HTML
}

// chapterNav moves between the chapters of a multi-chapter work.
type chapterNav struct {
	Index      []navLink
	Prev, Next string // URLs, empty at either end or in the entire work
	Full       bool   // this page is the entire work
	FullURL    string
	FirstURL   string
}

// pageNav moves between the pages of a long chapter (see
// fanarchive.ChapterPageBytes): previous and next links, and a form that
// goes to any page, which needs no script.
type pageNav struct {
	Number, Count int
	Prev, Next    string // URLs, empty at either end
	Action        string // the chapter's URL, where the form sends ?page=
	Where         string // "top" or "end", to tell the two navs' fields apart
}

// navLink is one entry of the chapter index.
type navLink struct {
	URL     string
	Label   string
	Current bool
}

// tagRows is the order of the tag list on a work page, after the rating,
// with each row's label.
func tagRows() []tagBlock {
	return []tagBlock{
		{Class: string(fanarchive.TagWarning), Label: "Archive warnings"},
		{Class: string(fanarchive.TagCategory), Label: "Category"},
		{Class: string(fanarchive.TagFandom), Label: "Fandoms"},
		{Class: string(fanarchive.TagRelationship), Label: "Relationships"},
		{Class: string(fanarchive.TagCharacter), Label: "Characters"},
		{Class: string(fanarchive.TagFreeform), Label: "Additional tags"},
	}
}

// handleWork shows a work: its only chapter, or its first with chapter
// navigation, a page at a time when it is long (?page=K); with ?view=full
// every chapter, streamed (work_stream.go).
func (s *Server) handleWork(w http.ResponseWriter, r *http.Request) {
	work, ok := s.loadWork(w, r)
	if !ok {
		return
	}
	if r.URL.Query().Get("view") == "full" {
		if !s.gate(w, r, work) {
			s.streamWork(w, r, work)
		}
		return
	}
	s.showChapter(w, r, work, 1)
}

// handleChapter shows chapter n of a work, a page at a time when it is long.
func (s *Server) handleChapter(w http.ResponseWriter, r *http.Request) {
	work, ok := s.loadWork(w, r)
	if !ok {
		return
	}
	n, ok := parseID(r.PathValue("n"))
	if !ok || n > int64(len(work.Chapters)) {
		s.notFound(w, r, "chapter")
		return
	}
	s.showChapter(w, r, work, int(n))
}

// loadWork reads the work named by the {id} path value, answering the
// request itself when it cannot or the reader may not see it (mayRead). It reads the work's outline: every
// chapter but none of their text, which each page then reads for itself.
func (s *Server) loadWork(w http.ResponseWriter, r *http.Request) (*fanarchive.Work, bool) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r, "work")
		return nil, false
	}
	work, err := s.store.FindWorkOutline(r.Context(), id)
	if err != nil {
		s.fail(w, r, err, "work")
		return nil, false
	}
	if !s.mayRead(w, r, work) {
		return nil, false
	}
	return work, true
}

// showChapter renders page ?page= of chapter n (1 when absent), reading
// from the store that page of the chapter's text and nothing more.
func (s *Server) showChapter(w http.ResponseWriter, r *http.Request, work *fanarchive.Work, n int) {
	if n < 1 || n > len(work.Chapters) {
		s.notFound(w, r, "chapter")
		return
	}
	ch := work.Chapters[n-1]
	k, ok := pageNumber(r) // list.go
	if !ok || k > ch.Pages {
		s.notFound(w, r, "page")
		return
	}
	if s.gate(w, r, work) {
		return
	}
	pg, err := s.store.FindChapterPage(r.Context(), ch.ID, k)
	if err != nil {
		s.fail(w, r, err, "page")
		return
	}
	p := s.newWorkPage(work, n, k)
	p.Story = []chapterView{newChapterView(work, ch, pageBody(pg.Body))}
	if p.Actions, err = s.workActionsFor(r, work); err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Owner = newOwnerTools(r, work, ch)
	if p.Response, err = s.workResponseFor(r, work); err != nil {
		s.serverError(w, r, err)
		return
	}
	if p.ListPosts, err = s.workListPostsFor(r, work); err != nil {
		s.serverError(w, r, err)
		return
	}
	var onChapter int64 // the work page shows every comment; a chapter's page its own
	if r.PathValue("n") != "" {
		onChapter = ch.ID
	}
	if p.Comments, err = s.commentsFor(r, work, onChapter); err != nil {
		s.serverError(w, r, err)
		return
	}
	if p.Subscribe, err = s.subscribeFor(r, work); err != nil {
		s.serverError(w, r, err)
		return
	}
	if p.Readers, err = s.workReadersFor(r, work, n); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "work", p)
}

// newWorkPage returns the work page for page k of chapter n, or for the
// entire work when n is 0, with everything but the story's text.
func (s *Server) newWorkPage(work *fanarchive.Work, n, k int) *workPage {
	authors := work.AuthorNames()
	multi := len(work.Chapters) > 1
	title := []string{work.DisplayTitle()}
	if multi && n > 1 {
		title = append(title, chapterHeading(work.Chapters[n-1]))
	}
	if n > 0 && work.Chapters[n-1].Pages > 1 {
		title = append(title, fmt.Sprintf("Page %d of %d", k, work.Chapters[n-1].Pages))
	}
	title = append(title, strings.Join(authors, ", "))

	p := &workPage{
		page:     s.newPage(title...),
		URL:      workURL(work.ID),
		Title:    work.DisplayTitle(),
		Authors:  authors,
		Lang:     workLang(work.Language),
		Rating:   work.Rating,
		Words:    work.Words,
		Chapters: chapterCount(work),
		Updated:  formatDate(work.Updated),
		Summary:  paragraphs(work.Summary),
	}
	p.Published, p.PublishedNote = publishedDate(work)
	if work.Updated.Equal(work.Published) || p.Published == "" {
		p.Updated = ""
	}
	if o := strings.TrimSpace(work.RatingOriginal); o != "" && !strings.EqualFold(o, string(work.Rating)) {
		p.RatingOriginal = o
	}
	if work.DuplicateOf != 0 {
		p.DuplicateOf = workURL(work.DuplicateOf)
	}
	for _, row := range tagRows() {
		if row.Tags = tagsOf(work, fanarchive.TagKind(row.Class)); len(row.Tags) > 0 {
			p.Tags = append(p.Tags, row)
		}
	}
	if n <= 1 && k <= 1 {
		for _, nt := range work.Notes {
			p.Notes = append(p.Notes, note{Label: noteLabel(nt.Label), Paragraphs: paragraphs(nt.Text)})
		}
	}
	if multi {
		p.Nav = newChapterNav(work, n)
	}
	if n > 0 && work.Chapters[n-1].Pages > 1 {
		p.PagesTop = newPageNav(work, n, k, "top")
		p.PagesEnd = newPageNav(work, n, k, "end")
	}
	p.Provenance = newProvenance(work, authors)
	p.Downloads = downloadLinks(work)
	p.Draft, p.Restricted = work.Draft, work.Restricted
	for _, sp := range work.Series {
		p.Series = append(p.Series, seriesPlace{URL: seriesURL(sp.SeriesID), Title: sp.Title, Position: sp.Position})
	}
	return p
}

// noteLabel is the summary line of a note's <details>.
func noteLabel(label string) string {
	label = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(label), ":"))
	if label == "" {
		return "Notes"
	}
	return label
}

// chapterHeading is "Chapter 2" or "Chapter 2: The Title".
func chapterHeading(c *fanarchive.Chapter) string {
	h := "Chapter " + strconv.Itoa(c.Number)
	if t := strings.TrimSpace(c.Title); t != "" && t != h {
		h += ": " + redactAddresses(t)
	}
	return h
}

// pageBody is a page of a chapter's text as it is shown. It is not
// sanitised again: the store keeps only sanitised bodies (every write
// sanitises what it is not sure of, and a data migration sanitised what was
// stored before: see fanarchive.WorkService). Addresses are masked again
// (250 MB/s, a quarter of a millisecond for a 60 KB page) for anything
// stored by another way than the importer, which masks them first; the
// page cache spares anonymous readers even that.
func pageBody(body string) template.HTML {
	return template.HTML(redactAddresses(body)) //nolint:gosec // stored sanitised: fanarchive.WorkService
}

// newChapterView shows chapter ch of work with body as its text: under a
// heading in a work of several chapters, as the work's text otherwise.
func newChapterView(work *fanarchive.Work, ch *fanarchive.Chapter, body template.HTML) chapterView {
	if len(work.Chapters) == 1 {
		return chapterView{Anchor: "work-text", Body: body}
	}
	return chapterView{
		Anchor:  "chapter-" + strconv.Itoa(ch.Number),
		Heading: chapterHeading(ch),
		Body:    body,
	}
}

// chapterPageURL is the URL of page k of chapter n: the work's own URL for
// a work of one chapter, else the chapter's, with ?page= after the first.
func chapterPageURL(work *fanarchive.Work, n, k int) string {
	u := workURL(work.ID)
	if len(work.Chapters) > 1 {
		u = chapterURL(work.ID, n)
	}
	if k > 1 {
		u += "?page=" + strconv.Itoa(k)
	}
	return u
}

// newPageNav links page k of chapter n to the pages before and after it.
func newPageNav(work *fanarchive.Work, n, k int, where string) *pageNav {
	nav := &pageNav{Number: k, Count: work.Chapters[n-1].Pages, Action: chapterPageURL(work, n, 1), Where: where}
	if k > 1 {
		nav.Prev = chapterPageURL(work, n, k-1)
	}
	if k < nav.Count {
		nav.Next = chapterPageURL(work, n, k+1)
	}
	return nav
}

// newChapterNav builds the chapter index and previous/next links for
// chapter n, or for the entire work when n is 0.
func newChapterNav(work *fanarchive.Work, n int) *chapterNav {
	nav := &chapterNav{
		Full:     n == 0,
		FullURL:  workURL(work.ID) + "?view=full",
		FirstURL: workURL(work.ID),
	}
	for _, c := range work.Chapters {
		link := navLink{Label: chapterHeading(c), Current: c.Number == n}
		if n == 0 {
			link.URL = "#chapter-" + strconv.Itoa(c.Number)
		} else {
			link.URL = chapterURL(work.ID, c.Number)
		}
		nav.Index = append(nav.Index, link)
	}
	if n > 1 {
		nav.Prev = chapterURL(work.ID, n-1)
	}
	if n >= 1 && n < len(work.Chapters) {
		nav.Next = chapterURL(work.ID, n+1)
	}
	return nav
}

// seriesPlace is a work's place in a series, linked to the series' page.
type seriesPlace struct {
	URL, Title string
	Position   int
}
