package web

import (
	"net/http"
	"net/url"

	"fanarchive"
)

// findAuthor reads the author a page of /…/{name} is about: the pseud of
// that name, or with ?legacy=1 the legacy author of that name (imported
// works a claim did not move). other is the one not chosen, if the name
// has two.
func findAuthor(r *http.Request, store fanarchive.AuthorService) (author fanarchive.Author, other *fanarchive.Author, err error) {
	name := r.PathValue("name")
	authors, err := store.FindAuthorsByName(r.Context(), name)
	if err != nil {
		return author, nil, err
	}
	author, other, ok := fanarchive.ChooseAuthor(authors, r.URL.Query().Get("legacy") == "1")
	if !ok {
		return author, nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "No imported works are under the name %q.", name)
	}
	return author, other, nil
}

// handleAuthor lists an author's works. For a user's pseud the page says
// whose it is; when a legacy author has the same name, each page links to
// the other.
func (s *Server) handleAuthor(w http.ResponseWriter, r *http.Request) {
	author, other, err := findAuthor(r, s.store)
	if err != nil {
		s.fail(w, r, err, "author")
		return
	}
	var owner *fanarchive.User
	if author.UserID != 0 {
		if owner, err = s.store.FindUserByID(r.Context(), author.UserID); err != nil {
			s.fail(w, r, err, "author")
			return
		}
	}
	s.listWorks(w, r, fanarchive.WorkFilter{AuthorID: author.ID},
		"Works by "+author.Name, "Works by "+author.Name, func(p *listPage) {
			if owner != nil && owner.Name != author.Name {
				p.PseudOf = owner.Name
			}
			p.page.Feed = authorFeedURL(author.Name)
			if author.UserID == 0 && other != nil {
				p.page.Feed += "?legacy=1"
			}
			switch {
			case other == nil:
			case author.UserID != 0:
				p.SameName = sameName{URL: authorURL(author.Name) + "?legacy=1",
					Text: "Imported works under the name " + author.Name + " that no claim moved to this pseud"}
			default:
				p.SameName = sameName{URL: authorURL(author.Name), Text: author.Name + " is also the pseud of a user of this archive"}
			}
		})
}

// sameName links an author page to the other author of the same name.
type sameName struct{ URL, Text string }

// withPage returns the request's path and query with page set to n, the
// other parameters kept.
func withPage(u *url.URL, n string) string {
	q := u.Query()
	q.Set("page", n)
	return u.EscapedPath() + "?" + q.Encode()
}
