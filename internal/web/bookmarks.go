package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/auth"
	"fanarchive/internal/prose"
)

// Bookmarks (docs/readers.md): the form on a work, a reader's bookmarks
// page with the search form's filters, and a work's public bookmarks.

// bookmarkLimit bounds how often one account saves bookmarks.
var bookmarkLimit = Limit{120, time.Hour}

// bookmarkView is one bookmark as pages show it.
type bookmarkView struct {
	ID       int64
	User     string
	UserURL  string
	Private  bool
	Rec      bool
	Note     template.HTML // rendered and sanitised when saved, sanitised again here
	Tags     []string
	Date     string
	Blurb    *blurb // the work, on a reader's page
	EditURL  string // set for the reader's own
	Delete   string
	TagLinks []link
}

func newBookmarkView(b *fanarchive.Bookmark, mine bool, base string) bookmarkView {
	v := bookmarkView{ID: b.ID, User: b.UserName, UserURL: userURL(b.UserName), Private: b.Private, Rec: b.Rec,
		Note: template.HTML(prose.Sanitize(b.NoteHTML)), Tags: b.Tags, Date: formatDate(b.CreatedAt)}
	if b.Work != nil {
		bl := newBlurb(b.Work)
		v.Blurb = &bl
	}
	if mine {
		v.EditURL = workURL(b.WorkID) + "/bookmark"
		v.Delete = "/bookmarks/" + strconv.FormatInt(b.ID, 10) + "/delete"
	}
	for _, t := range b.Tags {
		v.TagLinks = append(v.TagLinks, link{t, base + "?btag=" + url.QueryEscape(t)})
	}
	return v
}

// bookmarkFormPage is the form that makes or edits a bookmark.
type bookmarkFormPage struct {
	page
	WorkURL, WorkTitle string
	Editing            bool
	Note, Format, Tags string
	Private, Rec       bool
	Error              string
	DeleteURL          string
}

// handleBookmarkForm shows the form: the reader's bookmark of the work
// when there is one.
func (s *Server) handleBookmarkForm(w http.ResponseWriter, r *http.Request) {
	if !s.allowPage(w, r, auth.Bookmark) {
		return
	}
	work, ok := s.loadWork(w, r)
	if !ok {
		return
	}
	p := &bookmarkFormPage{page: s.newPage("Bookmark " + work.DisplayTitle()), WorkURL: workURL(work.ID),
		WorkTitle: work.DisplayTitle(), Format: "markdown"}
	b, err := s.store.FindUserBookmark(r.Context(), currentUser(r).ID, work.ID)
	switch {
	case err == nil:
		p.Editing, p.Note, p.Format, p.Tags, p.Private, p.Rec = true, b.Note, b.NoteFormat, strings.Join(b.Tags, ", "), b.Private, b.Rec
		p.DeleteURL = "/bookmarks/" + strconv.FormatInt(b.ID, 10) + "/delete"
	case fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND:
		s.serverError(w, r, err)
		return
	}
	noStore(w)
	s.render(w, r, http.StatusOK, "bookmark_form", p)
}

// handleSaveBookmark makes the reader's bookmark of the work, or replaces
// it.
func (s *Server) handleSaveBookmark(w http.ResponseWriter, r *http.Request) {
	work, ok := s.loadWork(w, r)
	if !ok {
		return
	}
	u, f := currentUser(r), r.PostForm
	if s.limited(w, r, hit{"bookmark:user:" + strconv.FormatInt(u.ID, 10), bookmarkLimit}) {
		return
	}
	b := &fanarchive.Bookmark{UserID: u.ID, WorkID: work.ID, Private: f.Get("private") == "1", Rec: f.Get("rec") == "1",
		Note: f.Get("note"), NoteFormat: f.Get("format"), Tags: fanarchive.SplitBookmarkTags(f.Get("tags"))}
	if b.NoteFormat == "" {
		b.NoteFormat = "markdown"
	}
	fail := func(status int, msg string) {
		s.render(w, r, status, "bookmark_form", &bookmarkFormPage{page: s.newPage("Bookmark " + work.DisplayTitle()),
			WorkURL: workURL(work.ID), WorkTitle: work.DisplayTitle(), Note: b.Note, Format: b.NoteFormat, Tags: f.Get("tags"),
			Private: b.Private, Rec: b.Rec, Error: msg})
	}
	if strings.TrimSpace(b.Note) != "" && (b.NoteFormat == "markdown" || b.NoteFormat == "text") {
		format := prose.FormatMarkdown
		if b.NoteFormat == "text" {
			format = prose.FormatPlainText
		}
		html, err := prose.Render(format, b.Note)
		if err != nil {
			fail(statusFor(err), fanarchive.ErrorMessage(err))
			return
		}
		b.NoteHTML = prose.Sanitize(html)
	}
	if old, err := s.store.FindUserBookmark(r.Context(), u.ID, work.ID); err == nil {
		b.ID = old.ID
	}
	if err := s.store.SaveBookmark(r.Context(), b); err != nil {
		if statusFor(err) == http.StatusInternalServerError {
			s.serverError(w, r, err)
			return
		}
		fail(statusFor(err), fanarchive.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, userURL(u.Name)+"/bookmarks", http.StatusSeeOther)
}

// bookmarkOwner is the reader whose bookmark the path names.
func (s *Server) bookmarkOwner(r *http.Request) ([]int64, error) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "No such bookmark.")
	}
	b, err := s.store.FindBookmark(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return []int64{b.UserID}, nil
}

// handleDeleteBookmark deletes the reader's own bookmark.
func (s *Server) handleDeleteBookmark(w http.ResponseWriter, r *http.Request) {
	id, _ := parseID(r.PathValue("id"))
	u := currentUser(r)
	if err := s.store.DeleteBookmark(r.Context(), u.ID, id); err != nil {
		s.fail(w, r, err, "bookmark")
		return
	}
	http.Redirect(w, r, userURL(u.Name)+"/bookmarks", http.StatusSeeOther)
}

// bookmarksPage lists bookmarks: a reader's, with filters, or a work's.
type bookmarksPage struct {
	page
	Heading   string
	Action    string // the filter form's URL; empty on a work's page
	WorkURL   string
	Total     int
	Bookmarks []bookmarkView
	Pager     pager
	Own       bool
	// The filter form.
	Fandom, Rating, WorkTags, Tags, Text string
	Rec                                  bool
	Ratings                              []fanarchive.Rating
	TagCounts                            []fanarchive.TagCount
}

// bookmarksPerPage is how many bookmarks a page lists.
const bookmarksPerPage = 20

// handleUserBookmarks lists a reader's bookmarks: public ones to everyone,
// private ones too to the reader, filtered as the form asks.
func (s *Server) handleUserBookmarks(w http.ResponseWriter, r *http.Request) {
	owner, err := s.store.FindUserByName(r.Context(), r.PathValue("name"))
	if err == nil && !owner.EmailConfirmed {
		err = fanarchive.Errorf(fanarchive.ENOTFOUND, "No such user.")
	}
	if err != nil {
		s.fail(w, r, err, "user")
		return
	}
	me := currentUser(r)
	own := me != nil && me.ID == owner.ID
	q := r.URL.Query()
	f := fanarchive.BookmarkFilter{UserID: owner.ID, IncludePrivate: own, IncludeRestricted: me != nil,
		Fandom: q.Get("fandom"), Rating: fanarchive.Rating(q.Get("rating")), RecOnly: q.Get("rec") == "1", Text: q.Get("text")}
	for _, t := range strings.Split(q.Get("work_tags"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			f.WorkTags = append(f.WorkTags, t)
		}
	}
	f.Tags = append(fanarchive.SplitBookmarkTags(q.Get("tags")), q["btag"]...)
	base := userURL(owner.Name) + "/bookmarks"
	data := &bookmarksPage{page: s.newPage("Bookmarks of " + owner.Name), Heading: "Bookmarks of " + owner.Name, Action: base,
		Own: own, Fandom: f.Fandom, Rating: string(f.Rating), WorkTags: q.Get("work_tags"),
		Tags: strings.Join(append(fanarchive.SplitBookmarkTags(q.Get("tags")), q["btag"]...), ", "), Text: f.Text, Rec: f.RecOnly,
		Ratings: fanarchive.Ratings}
	data.Tags = strings.Trim(data.Tags, ", ")
	if data.TagCounts, err = s.store.BookmarkTagCounts(r.Context(), owner.ID, own); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.listBookmarks(w, r, f, base, own, data)
}

// handleWorkBookmarks lists a work's public bookmarks.
func (s *Server) handleWorkBookmarks(w http.ResponseWriter, r *http.Request) {
	work, ok := s.loadWork(w, r)
	if !ok {
		return
	}
	data := &bookmarksPage{page: s.newPage("Bookmarks of " + work.DisplayTitle()), Heading: "Bookmarks of " + work.DisplayTitle(),
		WorkURL: workURL(work.ID)}
	s.listBookmarks(w, r, fanarchive.BookmarkFilter{WorkID: work.ID, IncludeRestricted: currentUser(r) != nil},
		userURL("")+"/bookmarks", false, data)
}

// listBookmarks fills in one page of the bookmarks f selects and renders
// it.
func (s *Server) listBookmarks(w http.ResponseWriter, r *http.Request, f fanarchive.BookmarkFilter, base string, own bool, data *bookmarksPage) {
	n, ok := pageNumber(r)
	if !ok {
		s.notFound(w, r, "page")
		return
	}
	f.Offset, f.Limit = (n-1)*bookmarksPerPage, bookmarksPerPage
	list, total, err := s.store.FindBookmarks(r.Context(), f)
	if err != nil {
		s.fail(w, r, err, "page")
		return
	}
	pages := (total + bookmarksPerPage - 1) / bookmarksPerPage
	data.Total, data.Pager = total, pager{Page: n, Pages: max(pages, 1)}
	if n > 1 {
		data.Pager.Prev = withPage(r.URL, strconv.Itoa(n-1))
	}
	if n < pages {
		data.Pager.Next = withPage(r.URL, strconv.Itoa(n+1))
	}
	for _, b := range list {
		tagBase := base
		if f.UserID == 0 {
			tagBase = userURL(b.UserName) + "/bookmarks"
		}
		v := newBookmarkView(b, own, tagBase)
		if f.WorkID != 0 {
			v.Blurb = nil // the work's own page: no need to repeat it
		}
		data.Bookmarks = append(data.Bookmarks, v)
	}
	if own {
		noStore(w)
	}
	s.render(w, r, http.StatusOK, "bookmarks", data)
}
