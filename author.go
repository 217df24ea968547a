package fanarchive

import "context"

// AuthorService reads authors.
type AuthorService interface {
	// FindAuthorByName returns the author with exactly this name, with
	// UserID set when it is a user's pseud. Returns ENOTFOUND.
	FindAuthorByName(ctx context.Context, name string) (*Author, error)
}
