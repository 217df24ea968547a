package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"fanarchive"
	"fanarchive/internal/prose"
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
	Updated        string
	DuplicateOf    string // URL of the work this one repeats
	Summary        []string
	Notes          []note // shown with the first chapter and the entire work
	Story          []chapterView
	Nav            *chapterNav // nil for one-chapter works
	Provenance     *provenance
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

// handleWork shows a work: its only chapter, its first chapter with
// navigation, or with ?view=full every chapter.
func (s *Server) handleWork(w http.ResponseWriter, r *http.Request) {
	work, ok := s.loadWork(w, r)
	if !ok || s.gate(w, r, work) {
		return
	}
	if r.URL.Query().Get("view") == "full" {
		s.renderWork(w, r, work, 0)
		return
	}
	s.renderWork(w, r, work, 1)
}

// handleChapter shows chapter n of a work.
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
	if s.gate(w, r, work) {
		return
	}
	s.renderWork(w, r, work, int(n))
}

// loadWork reads the work named by the {id} path value, answering the
// request itself when it cannot.
func (s *Server) loadWork(w http.ResponseWriter, r *http.Request) (*fanarchive.Work, bool) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r, "work")
		return nil, false
	}
	work, err := s.store.FindWorkByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err, "work")
		return nil, false
	}
	return work, true
}

// renderWork renders chapter n of work, or every chapter when n is 0.
func (s *Server) renderWork(w http.ResponseWriter, r *http.Request, work *fanarchive.Work, n int) {
	s.render(w, r, http.StatusOK, "work", s.newWorkPage(work, n))
}

func (s *Server) newWorkPage(work *fanarchive.Work, n int) *workPage {
	authors := work.AuthorNames()
	multi := len(work.Chapters) > 1
	title := []string{work.DisplayTitle()}
	if multi && n > 1 {
		title = append(title, chapterHeading(work.Chapters[n-1]))
	}
	title = append(title, strings.Join(authors, ", "))

	p := &workPage{
		page:      s.newPage(title...),
		URL:       workURL(work.ID),
		Title:     work.DisplayTitle(),
		Authors:   authors,
		Lang:      workLang(work.Language),
		Rating:    work.Rating,
		Words:     work.Words,
		Chapters:  chapterCount(work),
		Published: formatDate(work.Published),
		Updated:   formatDate(work.Updated),
		Summary:   paragraphs(work.Summary),
	}
	if p.Updated == p.Published {
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
	if n <= 1 {
		for _, nt := range work.Notes {
			p.Notes = append(p.Notes, note{Label: noteLabel(nt.Label), Paragraphs: paragraphs(nt.Text)})
		}
	}

	switch {
	case !multi:
		for _, c := range work.Chapters {
			p.Story = append(p.Story, chapterView{Anchor: "work-text", Body: chapterBody(c)})
		}
	case n == 0:
		for _, c := range work.Chapters {
			p.Story = append(p.Story, newChapterView(c))
		}
		p.Nav = newChapterNav(work, 0)
	default:
		p.Story = []chapterView{newChapterView(work.Chapters[n-1])}
		p.Nav = newChapterNav(work, n)
	}
	p.Provenance = newProvenance(work, authors)
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

// chapterBody sanitises the stored body again before it is shown: bodies
// are sanitised on the way in, and this guards against anything that wrote
// to the database another way.
func chapterBody(c *fanarchive.Chapter) template.HTML {
	return template.HTML(redactAddresses(prose.Sanitize(c.Body))) //nolint:gosec // sanitised just now
}

func newChapterView(c *fanarchive.Chapter) chapterView {
	return chapterView{
		Anchor:  "chapter-" + strconv.Itoa(c.Number),
		Heading: chapterHeading(c),
		Body:    chapterBody(c),
	}
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
