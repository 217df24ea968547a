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
