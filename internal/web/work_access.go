package web

import (
	"net/http"
	"strconv"

	"fanarchive"
	"fanarchive/internal/auth"
)

// Who may see a work's page, and what its owners see on it besides.
//
// A draft is shown to its owners only: anyone else, admins included, gets
// the 404 a work that does not exist gets, so a draft's existence is not
// told. A restricted work is shown to logged-in readers only: an
// anonymous reader gets 403 with a page asking them to log in (a link that
// brings them back), not a redirect, so the address stays the work's and
// the status says it exists but is not for them. mayRead (visibility.go)
// decides, for every page made from a work.

// ownerTools are the links and forms a work's owners see on its page.
type ownerTools struct {
	Edit, AddChapter, Order, History, Delete string
	EditChapter                              string // the chapter shown, when one is
	Publish                                  string // a draft's publish action
}

// newOwnerTools returns the tools for the visitor, nil when they own
// nothing here; chapter is the chapter shown (nil for the entire work).
func newOwnerTools(r *http.Request, work *fanarchive.Work, chapter *fanarchive.Chapter) *ownerTools {
	u := currentUser(r)
	if !auth.Can(u, auth.EditWork, work.Owners...) {
		return nil
	}
	base := workURL(work.ID)
	t := &ownerTools{Edit: base + "/edit", AddChapter: base + "/chapters/new", History: base + "/history", Delete: base + "/delete"}
	if len(work.Chapters) > 1 {
		t.Order = base + "/chapters/order"
	}
	if chapter != nil {
		t.EditChapter = base + "/chapters/" + strconv.FormatInt(chapter.ID, 10) + "/edit"
	}
	if work.Draft {
		t.Publish = base + "/publish"
	}
	return t
}
