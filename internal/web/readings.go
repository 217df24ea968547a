package web

import (
	"context"
	"net/http"
	"strconv"

	"fanarchive"
	"fanarchive/internal/auth"
)

// Reading history (opt-in) and the later list (docs/readers.md), and what
// a work page offers a logged-in reader: bookmark, mark for later, report.

// readerPages are the templates of the readers' pages.
var readerPages = []string{"bookmark_form", "bookmarks", "mutes", "report", "admin_reports", "readings"}

// workReaders is the readers' part of a work page.
type workReaders struct {
	Bookmarks    int
	BookmarksURL string
	// The rest is for a logged-in reader.
	LoggedIn    bool
	BookmarkURL string
	Bookmarked  bool
	LaterURL    string
	Later       bool
	ReportURL   string
}

// workReadersFor returns the readers' part of work's page, and records
// chapter n in the reader's history when they keep one.
func (s *Server) workReadersFor(r *http.Request, work *fanarchive.Work, n int) (*workReaders, error) {
	base := workURL(work.ID)
	p := &workReaders{Bookmarks: work.Bookmarks, BookmarksURL: base + "/bookmarks"}
	u := currentUser(r)
	if u == nil {
		return p, nil
	}
	p.LoggedIn, p.BookmarkURL, p.LaterURL, p.ReportURL = true, base+"/bookmark", base+"/later", base+"/report"
	if _, err := s.store.FindUserBookmark(r.Context(), u.ID, work.ID); err == nil {
		p.Bookmarked = true
	} else if fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		return nil, err
	}
	var err error
	if p.Later, err = s.store.IsMarkedForLater(r.Context(), u.ID, work.ID); err != nil {
		return nil, err
	}
	if _, err := s.store.RecordReading(r.Context(), u.ID, work.ID, n); err != nil {
		// The page matters more than its record.
		s.logger.Warn("reading history", "user", u.ID, "work", work.ID, "err", err)
	}
	return p, nil
}

// readingsPage lists the reader's history or later list.
type readingsPage struct {
	page
	Heading  string
	History  bool // the history page, with its setting
	On       bool
	Total    int
	Items    []readingItem
	Pager    pager
	ClearURL string
}

type readingItem struct {
	Blurb   blurb
	Chapter int
	At      string
	// RemoveURL takes the work off the later list.
	RemoveURL string
}

// handleHistory lists the reader's history.
func (s *Server) handleHistory(w http.ResponseWriter, r *http.Request) {
	if !s.allowPage(w, r, auth.ReadingHistory) {
		return
	}
	u := currentUser(r)
	on, err := s.store.HistoryOn(r.Context(), u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.listReadings(w, r, &readingsPage{page: s.newPage("Reading history"), Heading: "Reading history", History: true, On: on},
		s.store.FindHistory)
}

// handleLater lists the reader's later list.
func (s *Server) handleLater(w http.ResponseWriter, r *http.Request) {
	if !s.allowPage(w, r, auth.MarkForLater) {
		return
	}
	s.listReadings(w, r, &readingsPage{page: s.newPage("Marked for later"), Heading: "Marked for later"}, s.store.FindLater)
}

func (s *Server) listReadings(w http.ResponseWriter, r *http.Request, data *readingsPage,
	find func(ctx context.Context, userID int64, offset, limit int) ([]*fanarchive.Reading, int, error)) {
	n, ok := pageNumber(r)
	if !ok {
		s.notFound(w, r, "page")
		return
	}
	items, total, err := find(r.Context(), currentUser(r).ID, (n-1)*worksPerPage, worksPerPage)
	if err != nil {
		s.fail(w, r, err, "page")
		return
	}
	pages := (total + worksPerPage - 1) / worksPerPage
	data.Total, data.Pager = total, pager{Page: n, Pages: max(pages, 1)}
	if n > 1 {
		data.Pager.Prev = withPage(r.URL, strconv.Itoa(n-1))
	}
	if n < pages {
		data.Pager.Next = withPage(r.URL, strconv.Itoa(n+1))
	}
	for _, it := range items {
		if it.Work == nil {
			continue
		}
		ri := readingItem{Blurb: newBlurb(it.Work), Chapter: it.Chapter, At: formatDate(it.At)}
		if !data.History {
			ri.RemoveURL = workURL(it.WorkID) + "/later"
		}
		data.Items = append(data.Items, ri)
	}
	noStore(w)
	s.render(w, r, http.StatusOK, "readings", data)
}

// handleHistorySetting turns the history on or off (off deletes it).
func (s *Server) handleHistorySetting(w http.ResponseWriter, r *http.Request) {
	if err := s.store.SetHistory(r.Context(), currentUser(r).ID, r.PostForm.Get("history") == "on"); err != nil {
		s.fail(w, r, err, "page")
		return
	}
	http.Redirect(w, r, "/account/history", http.StatusSeeOther)
}

// handleClearHistory deletes the reader's history.
func (s *Server) handleClearHistory(w http.ResponseWriter, r *http.Request) {
	if err := s.store.ClearHistory(r.Context(), currentUser(r).ID); err != nil {
		s.fail(w, r, err, "page")
		return
	}
	http.Redirect(w, r, "/account/history", http.StatusSeeOther)
}

// handleMarkForLater adds the work to the later list (on=1) or takes it
// off, then goes back to next (the work, or the list).
func (s *Server) handleMarkForLater(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r, "work")
		return
	}
	if err := s.store.MarkForLater(r.Context(), currentUser(r).ID, id, r.PostForm.Get("on") == "1"); err != nil {
		s.fail(w, r, err, "work")
		return
	}
	next := r.PostForm.Get("next")
	if next != "/account/later" {
		next = workURL(id)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
