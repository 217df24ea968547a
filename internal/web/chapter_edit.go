package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"fanarchive"
	"fanarchive/internal/auth"
)

// A posted work's chapters: adding one, editing one (the form shows what
// its author wrote, Chapter.Input, not the HTML it became), deleting one
// and putting them in another order. Each is auth.EditWork with the work's
// owners; a chapter is named by its ID, which stays when chapters move.

// chapterFormPage is the data of the form of one chapter.
type chapterFormPage struct {
	page
	Heading   string
	Action    string
	WorkTitle string
	WorkURL   string
	Chapter   chapterForm
	Errors    map[string]string
	Error     string
	Preview   *preview
	Delete    string // the chapter's delete action, when editing one of several
	// Announce are the mailing lists the work may be announced to
	// (list_announce.go), on the form of a new chapter.
	Announce []announceOption
}

func (s *Server) renderChapterForm(w http.ResponseWriter, r *http.Request, status int, p *chapterFormPage) {
	noStore(w)
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	p.Chapter.setFormats()
	if strings.HasSuffix(p.Action, "/chapters/new") {
		p.Announce = s.announceOptions(r)
	}
	s.render(w, r, status, "chapter_form", p)
}

// handleNewChapterForm shows the form of a work's next chapter.
func (s *Server) handleNewChapterForm(w http.ResponseWriter, r *http.Request) {
	work, ok := s.ownedWork(w, r, auth.EditWork)
	if !ok {
		return
	}
	s.renderChapterForm(w, r, http.StatusOK, s.newChapterPage(work, chapterForm{}))
}

func (s *Server) newChapterPage(work *fanarchive.Work, c chapterForm) *chapterFormPage {
	return &chapterFormPage{page: s.newPage("Add a chapter", work.DisplayTitle()), Heading: "Add chapter " + strconv.Itoa(len(work.Chapters)+1),
		Action: workURL(work.ID) + "/chapters/new", WorkTitle: work.DisplayTitle(), WorkURL: workURL(work.ID), Chapter: c}
}

// handleNewChapter adds a chapter after the last (op=save), or shows it
// as it would be stored (op=preview).
func (s *Server) handleNewChapter(w http.ResponseWriter, r *http.Request) {
	work, ok := s.ownedWork(w, r, auth.EditWork)
	if !ok {
		return
	}
	p := s.newChapterPage(work, readChapterForm(r.PostForm))
	p.Errors = map[string]string{}
	ch := p.Chapter.render(0, p.Errors)
	if len(p.Errors) > 0 {
		p.Error = fieldsMessage(p.Errors)
		s.renderChapterForm(w, r, http.StatusBadRequest, p)
		return
	}
	if r.PostForm.Get("op") != "save" {
		ch.Number = len(work.Chapters) + 1
		p.Preview = chapterPreview(work, ch)
		s.renderChapterForm(w, r, http.StatusOK, p)
		return
	}
	if err := s.store.AddChapter(r.Context(), work.ID, ch, currentUser(r).ID); err != nil {
		s.chapterFailed(w, r, p, err)
		return
	}
	if s.announceChosen(w, r, work, chapterURL(work.ID, ch.Number)) {
		return
	}
	http.Redirect(w, r, chapterURL(work.ID, ch.Number), http.StatusSeeOther)
}

// chapterPreview is a chapter shown as the work page would show it.
func chapterPreview(work *fanarchive.Work, ch *fanarchive.Chapter) *preview {
	p := newPreview(work, ch)
	p.Heading = chapterHeading(ch)
	return p
}

// chapterFailed shows the chapter form again with what the store refused.
func (s *Server) chapterFailed(w http.ResponseWriter, r *http.Request, p *chapterFormPage, err error) {
	if fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		s.fail(w, r, err, "chapter")
		return
	}
	p.Error = fanarchive.ErrorMessage(err)
	s.renderChapterForm(w, r, http.StatusBadRequest, p)
}

// workChapter reads the work in the path and the chapter {cid} of it,
// for a visitor who may edit the work.
func (s *Server) workChapter(w http.ResponseWriter, r *http.Request) (*fanarchive.Work, *fanarchive.Chapter, bool) {
	work, ok := s.ownedWork(w, r, auth.EditWork)
	if !ok {
		return nil, nil, false
	}
	cid, _ := parseID(r.PathValue("cid"))
	i := slices.IndexFunc(work.Chapters, func(c *fanarchive.Chapter) bool { return c.ID == cid })
	if i < 0 {
		s.notFound(w, r, "chapter")
		return nil, nil, false
	}
	return work, work.Chapters[i], true
}

func (s *Server) editChapterPage(work *fanarchive.Work, ch *fanarchive.Chapter, c chapterForm) *chapterFormPage {
	p := &chapterFormPage{page: s.newPage("Edit "+chapterHeading(ch), work.DisplayTitle()), Heading: "Edit " + chapterHeading(ch),
		Action:    workURL(work.ID) + "/chapters/" + strconv.FormatInt(ch.ID, 10) + "/edit",
		WorkTitle: work.DisplayTitle(), WorkURL: workURL(work.ID), Chapter: c}
	if len(work.Chapters) > 1 {
		p.Delete = workURL(work.ID) + "/chapters/" + strconv.FormatInt(ch.ID, 10) + "/delete"
	}
	return p
}

// handleEditChapterForm shows a chapter as its author wrote it (an
// imported chapter, which has no such input, as its HTML).
func (s *Server) handleEditChapterForm(w http.ResponseWriter, r *http.Request) {
	work, outline, ok := s.workChapter(w, r)
	if !ok {
		return
	}
	ch, err := s.store.FindChapter(r.Context(), work.ID, outline.Number)
	if err != nil {
		s.fail(w, r, err, "chapter")
		return
	}
	c := chapterForm{ChapterTitle: ch.Title, Body: ch.Input, Format: ch.InputFormat}
	if ch.InputFormat == "" {
		c.Body, c.Format = ch.Body, "html"
	}
	s.renderChapterForm(w, r, http.StatusOK, s.editChapterPage(work, ch, c))
}

// handleEditChapter stores a chapter's new title and text (op=save), or
// previews them (op=preview).
func (s *Server) handleEditChapter(w http.ResponseWriter, r *http.Request) {
	work, outline, ok := s.workChapter(w, r)
	if !ok {
		return
	}
	p := s.editChapterPage(work, outline, readChapterForm(r.PostForm))
	p.Errors = map[string]string{}
	ch := p.Chapter.render(outline.Number, p.Errors)
	if len(p.Errors) > 0 {
		p.Error = fieldsMessage(p.Errors)
		s.renderChapterForm(w, r, http.StatusBadRequest, p)
		return
	}
	if r.PostForm.Get("op") != "save" {
		p.Preview = chapterPreview(work, ch)
		s.renderChapterForm(w, r, http.StatusOK, p)
		return
	}
	ch.ID = outline.ID
	if err := s.store.UpdateChapter(r.Context(), work.ID, ch, currentUser(r).ID); err != nil {
		s.chapterFailed(w, r, p, err)
		return
	}
	http.Redirect(w, r, chapterPageURL(work, outline.Number, 1), http.StatusSeeOther)
}

// handleDeleteChapter deletes a chapter (not a work's only one).
func (s *Server) handleDeleteChapter(w http.ResponseWriter, r *http.Request) {
	id, _ := parseID(r.PathValue("id"))
	cid, _ := parseID(r.PathValue("cid"))
	if err := s.store.DeleteChapter(r.Context(), id, cid, currentUser(r).ID); err != nil {
		s.fail(w, r, err, "chapter")
		return
	}
	http.Redirect(w, r, workURL(id), http.StatusSeeOther)
}

// orderPage is the data of the form that puts chapters in another order:
// a number field per chapter, so it needs no script.
type orderPage struct {
	page
	WorkTitle, WorkURL, Action string
	Chapters                   []orderRow
	Error                      string
}

type orderRow struct {
	ID       int64
	Heading  string
	Position int
}

func (s *Server) newOrderPage(work *fanarchive.Work) *orderPage {
	p := &orderPage{page: s.newPage("Order chapters", work.DisplayTitle()), WorkTitle: work.DisplayTitle(), WorkURL: workURL(work.ID),
		Action: workURL(work.ID) + "/chapters/order"}
	for _, c := range work.Chapters {
		p.Chapters = append(p.Chapters, orderRow{ID: c.ID, Heading: chapterHeading(c), Position: c.Number})
	}
	return p
}

// handleChapterOrderForm shows the chapters with their positions.
func (s *Server) handleChapterOrderForm(w http.ResponseWriter, r *http.Request) {
	work, ok := s.ownedWork(w, r, auth.EditWork)
	if !ok {
		return
	}
	noStore(w)
	s.render(w, r, http.StatusOK, "chapter_order", s.newOrderPage(work))
}

// handleChapterOrder puts the chapters in the order of the positions
// given (field pos-ID for each chapter ID); ties keep the old order.
func (s *Server) handleChapterOrder(w http.ResponseWriter, r *http.Request) {
	work, ok := s.ownedWork(w, r, auth.EditWork)
	if !ok {
		return
	}
	p := s.newOrderPage(work)
	for i := range p.Chapters {
		n, err := strconv.Atoi(r.PostForm.Get("pos-" + strconv.FormatInt(p.Chapters[i].ID, 10)))
		if err != nil || n < 1 || n > len(p.Chapters) {
			p.Error = "Give every chapter a position from 1 to " + strconv.Itoa(len(p.Chapters)) + "."
			noStore(w)
			s.render(w, r, http.StatusBadRequest, "chapter_order", p)
			return
		}
		p.Chapters[i].Position = n
	}
	rows := slices.Clone(p.Chapters)
	slices.SortStableFunc(rows, func(a, b orderRow) int { return a.Position - b.Position })
	ids := make([]int64, len(rows))
	for i, row := range rows {
		ids[i] = row.ID
	}
	if err := s.store.ReorderChapters(r.Context(), work.ID, ids, currentUser(r).ID); err != nil {
		s.fail(w, r, err, "work")
		return
	}
	http.Redirect(w, r, workURL(work.ID), http.StatusSeeOther)
}
