package web

import (
	"net/http"
	"slices"

	"fanarchive"
)

// Announcing a work to mailing lists from the posting forms: the lists
// that take announcements are offered as checkboxes ("announce"); after
// the work is published or updated the engine announces it to the chosen
// ones, and a page says what became of each. A list that refuses is a
// notice there: the work is saved whatever the lists do.

// announceOption is a list the posting forms offer to announce to.
type announceOption struct {
	Name, Title string
	Full        bool // the list takes the whole text, not a summary
	Checked     bool
}

// announceOptions are the lists that take announcements, checked as the
// form was sent. None when the lists are not running.
func (s *Server) announceOptions(r *http.Request) []announceOption {
	ls := s.store
	if s.opts.Lists == nil {
		return nil
	}
	lists, err := ls.FindLists(r.Context())
	if err != nil {
		s.logError(r, err) // the form works without the lists
		return nil
	}
	chosen := r.PostForm["announce"]
	var out []announceOption
	for _, l := range lists {
		if l.Announce == fanarchive.AnnounceNone || l.Announce == "" {
			continue
		}
		out = append(out, announceOption{Name: l.Name, Title: l.Title, Full: l.Announce == fanarchive.AnnounceFull,
			Checked: slices.Contains(chosen, l.Name)})
	}
	return out
}

// announceChosen announces a published work to the lists the form chose,
// and reports whether it answered the request (a page saying how each
// went); false means there was nothing to announce, and the caller goes
// on as it would have.
func (s *Server) announceChosen(w http.ResponseWriter, r *http.Request, work *fanarchive.Work, next string) bool {
	chosen := r.PostForm["announce"]
	if len(chosen) == 0 || work.Draft {
		return false
	}
	paras := []string{"Your work is saved."}
	if s.opts.Lists == nil {
		paras = append(paras, "It was not announced: the mailing lists are not running just now.")
	} else {
		offered := map[string]string{}
		for _, o := range s.announceOptions(r) {
			offered[o.Name] = o.Title
		}
		for _, name := range chosen {
			title, ok := offered[name]
			if !ok {
				paras = append(paras, "There is no list "+name+" that takes announcements.")
				continue
			}
			switch err := s.opts.Lists.Announce(r.Context(), work.ID, []string{name}, currentUser(r).ID); fanarchive.ErrorCode(err) {
			case "":
				paras = append(paras, "It is announced to "+title+".")
			case fanarchive.ECONFLICT:
				paras = append(paras, title+" was told of this version of the work already.")
			case fanarchive.EINVALID, fanarchive.ENOTFOUND:
				paras = append(paras, "It was not announced to "+title+": "+fanarchive.ErrorMessage(err))
			default:
				s.logError(r, err)
				paras = append(paras, "It was not announced to "+title+": something went wrong on our side. Try again later from the work's edit form.")
			}
		}
	}
	noStore(w)
	s.notice(w, r, http.StatusOK, "Posted", paras, link{"Go to the work", next})
	return true
}
