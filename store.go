package fanarchive

import "context"

// Store is everything the archive needs from its storage. The embedded
// SQLite implementation lives in internal/store/sqlite; a PostgreSQL one is
// planned and must pass the same suite (internal/store/storetest).
type Store interface {
	WorkService
	SourceService
	AuthorService
	ImportRunService
	TagService

	// Ping checks that the database answers, for health checks.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// TagService reads tags.
type TagService interface {
	// FindTag returns the tag of this kind with exactly this name. Inferred
	// is always false: it describes a tag's use on one work, not the tag.
	// Returns ENOTFOUND.
	FindTag(ctx context.Context, kind TagKind, name string) (*Tag, error)
}
