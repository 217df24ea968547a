package web

import (
	"net/http"
	"strconv"

	"fanarchive"
)

// A work filed from a mailing list's posts (the records room) links to
// them, list by list; each post's page links back to the work
// (list_archive.go).

// workListPosts are the posts of one list a work came from.
type workListPosts struct {
	Title, URL string
	Posts      []link
}

// workListPostsFor reads the list posts the work's chapters came from.
func (s *Server) workListPostsFor(r *http.Request, work *fanarchive.Work) ([]workListPosts, error) {
	ls := s.store
	posts, err := ls.FindWorkListPosts(r.Context(), work.ID)
	if err != nil || len(posts) == 0 {
		return nil, err
	}
	var out []workListPosts
	at := map[int64]int{} // list ID → index in out
	for _, m := range posts {
		i, ok := at[m.ListID]
		if !ok {
			l, err := ls.FindListByID(r.Context(), m.ListID)
			if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
				continue
			} else if err != nil {
				return nil, err
			}
			i = len(out)
			at[m.ListID] = i
			out = append(out, workListPosts{Title: l.Title, URL: listURL(l.Name)})
		}
		label := messageSubject(m)
		if m.Chapter > 0 && len(work.Chapters) > 1 {
			label = "chapter " + strconv.Itoa(m.Chapter)
		}
		out[i].Posts = append(out[i].Posts, link{Label: label, URL: messageURL(out[i].URL[len("/lists/"):], m.ID)})
	}
	return out, nil
}
