package web

import (
	"net/http"
	"strconv"
	"time"

	"fanarchive"
	"fanarchive/internal/auth"
)

// A work's history (its revisions, for its owners and admins) and the
// admins' trash of deleted works.

// historyPage is the data of a work's history.
type historyPage struct {
	page
	WorkTitle, WorkURL string
	Revisions          []revisionRow
}

type revisionRow struct {
	Op, By, At string
	Changes    []fanarchive.FieldChange
}

// revisionOps say what each revision did, for readers.
var revisionOps = map[string]string{
	fanarchive.RevisionCreate:          "Posted",
	fanarchive.RevisionUpdate:          "Edited",
	fanarchive.RevisionPublish:         "Published",
	fanarchive.RevisionAddChapter:      "Added a chapter",
	fanarchive.RevisionEditChapter:     "Edited a chapter",
	fanarchive.RevisionReorderChapters: "Reordered the chapters",
	fanarchive.RevisionDeleteChapter:   "Deleted a chapter",
	fanarchive.RevisionDelete:          "Deleted",
	fanarchive.RevisionRestore:         "Restored",
	fanarchive.RevisionInvite:          "Invited a co-author",
	fanarchive.RevisionAccept:          "A co-author accepted",
	fanarchive.RevisionDecline:         "A co-author declined",
	fanarchive.RevisionSeries:          "Changed its series",
}

// handleWorkHistory lists a work's revisions, oldest first.
func (s *Server) handleWorkHistory(w http.ResponseWriter, r *http.Request) {
	work, ok := s.ownedWork(w, r, auth.ViewWorkHistory)
	if !ok {
		return
	}
	revs, err := s.store.FindWorkRevisions(r.Context(), work.ID)
	if err != nil {
		s.fail(w, r, err, "work")
		return
	}
	names := map[int64]string{}
	p := &historyPage{page: s.newPage("History", work.DisplayTitle()), WorkTitle: work.DisplayTitle(), WorkURL: workURL(work.ID)}
	for _, rev := range revs {
		name, ok := names[rev.By]
		if !ok {
			u, err := s.store.FindUserByID(r.Context(), rev.By)
			switch fanarchive.ErrorCode(err) {
			case "":
				name = u.Name
			case fanarchive.ENOTFOUND:
				name = "a deleted account"
			default:
				s.serverError(w, r, err)
				return
			}
			names[rev.By] = name
		}
		op := revisionOps[rev.Op]
		if op == "" {
			op = rev.Op
		}
		p.Revisions = append(p.Revisions, revisionRow{Op: op, By: name, At: rev.At.UTC().Format("2006-01-02 15:04 UTC"), Changes: rev.Changes})
	}
	noStore(w)
	s.render(w, r, http.StatusOK, "work_history", p)
}

// trashPage is the data of the admins' trash.
type trashPage struct {
	page
	Works      []trashRow
	Total      int
	Prev, Next string
	Page       int
	Pages      int
	Days       int // how long a deleted work can be restored
	Done       string
}

type trashRow struct {
	ID        int64
	Title     string
	Authors   []string
	DeletedAt string
	DaysLeft  int
}

// handleTrash lists the deleted works an admin may restore, newest
// deletion first.
func (s *Server) handleTrash(w http.ResponseWriter, r *http.Request) {
	if !s.allowPage(w, r, auth.RestoreWork) {
		return
	}
	n, ok := pageNumber(r)
	if !ok {
		s.notFound(w, r, "page")
		return
	}
	const per = 50
	works, total, err := s.store.FindWorks(r.Context(), fanarchive.WorkFilter{Deleted: true, Offset: (n - 1) * per, Limit: per})
	if err != nil {
		s.fail(w, r, err, "page")
		return
	}
	p := &trashPage{page: s.newPage("Deleted works"), Total: total, Page: n, Pages: max(1, (total+per-1)/per),
		Days: fanarchive.WorkTrashDays}
	if r.URL.Query().Get("done") == "restored" {
		p.Done = "The work is restored."
	}
	if n > 1 {
		p.Prev = "/admin/trash?page=" + strconv.Itoa(n-1)
	}
	if n < p.Pages {
		p.Next = "/admin/trash?page=" + strconv.Itoa(n+1)
	}
	for _, work := range works {
		left := fanarchive.WorkTrashDays - int(time.Since(work.DeletedAt)/(24*time.Hour))
		p.Works = append(p.Works, trashRow{ID: work.ID, Title: work.DisplayTitle(), Authors: work.AuthorNames(),
			DeletedAt: work.DeletedAt.UTC().Format("2006-01-02 15:04 UTC"), DaysLeft: max(0, left)})
	}
	noStore(w)
	s.render(w, r, http.StatusOK, "admin_trash", p)
}

// handleRestoreWork brings a deleted work back.
func (s *Server) handleRestoreWork(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.notFound(w, r, "work")
		return
	}
	if err := s.store.RestoreWork(r.Context(), id, currentUser(r).ID); err != nil {
		s.fail(w, r, err, "work")
		return
	}
	s.logger.InfoContext(r.Context(), "work restored", "work", id, "user", currentUser(r).ID)
	http.Redirect(w, r, "/admin/trash?done=restored", http.StatusSeeOther)
}
