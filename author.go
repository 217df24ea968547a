package fanarchive

import "context"

// AuthorService reads authors.
type AuthorService interface {
	// FindAuthorByName returns the author with exactly this name.
	// Returns ENOTFOUND.
	FindAuthorByName(ctx context.Context, name string) (*Author, error)
}
