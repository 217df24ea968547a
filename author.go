package fanarchive

import "context"

// AuthorService reads authors.
type AuthorService interface {
	// FindAuthorByName returns the author with exactly this name, with
	// UserID set when it is a user's pseud. A name may be a pseud's and a
	// legacy author's at once (a claim of some of a legacy author's works,
	// an import after a claim): the pseud is returned. Returns ENOTFOUND.
	FindAuthorByName(ctx context.Context, name string) (*Author, error)

	// FindAuthorsByName returns every author with exactly this name: at
	// most a pseud, first, and a legacy author. Returns ENOTFOUND when
	// there is none.
	FindAuthorsByName(ctx context.Context, name string) ([]Author, error)
}

// ChooseAuthor picks, from the authors FindAuthorsByName returned for one
// name, the one a page of that name is about: the pseud, unless legacy
// asks for the legacy author (the imported works under the name that no
// claim moved). other is the one not chosen, nil when the name has one
// author; with legacy and no legacy author, ok is false.
func ChooseAuthor(authors []Author, legacy bool) (chosen Author, other *Author, ok bool) {
	for i, a := range authors {
		if (a.UserID == 0) != legacy {
			continue
		}
		for j := range authors {
			if j != i {
				other = &authors[j]
				break
			}
		}
		return a, other, true
	}
	if !legacy && len(authors) > 0 {
		return authors[0], nil, true
	}
	return Author{}, nil, false
}
