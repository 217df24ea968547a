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
	ReviewService
	PostingService
	SeriesService
	MailOutbox
	UserService
	PseudService
	SessionService
	TokenService
	RateLimiter
	AccountMaintenance
	ClaimService
	TakedownService
	FeedbackService
	ListService
	ListStoryService

	CommentService
	SubscriptionService

	BookmarkService
	MuteService
	ReportService
	HistoryService

	// Ping checks that the database answers, for health checks.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// TagService reads tags and lets archivists wrangle them. Tag names are
// tidied when works are stored (spacing), and a new tag whose normalised name
// (case, spacing, the order of names in a relationship) matches an existing
// tag of its kind becomes a synonym of that tag's canonical. Every change
// here is seen by searches at once, in every process.
type TagService interface {
	// FindTag returns the tag of this kind with exactly this name, with
	// Canonical set when it is a synonym. Inferred is always false: it
	// describes a tag's use on one work, not the tag. Returns ENOTFOUND.
	FindTag(ctx context.Context, kind TagKind, name string) (*Tag, error)

	// FindTagSynonyms returns the names of the synonyms of the canonical
	// tag of this kind and name, by name. Returns ENOTFOUND when there is
	// no such tag; a synonym's own synonyms are its canonical's.
	FindTagSynonyms(ctx context.Context, kind TagKind, name string) ([]string, error)

	// SetTagSynonym makes the tag name a synonym of the tag canonical (both
	// of kind): works tagged name are found by canonical. Synonyms of name
	// move to canonical too. Returns ENOTFOUND, or EINVALID when the two
	// are the same tag or canonical is itself a synonym of name.
	SetTagSynonym(ctx context.Context, kind TagKind, name, canonical string) error

	// RenameTag changes a tag's name. Returns ENOTFOUND, EINVALID for a bad
	// name, or ECONFLICT when a tag of that kind already has the new name
	// (merge them instead).
	RenameTag(ctx context.Context, kind TagKind, oldName, newName string) error

	// MergeTags moves every work tagged from to into, makes from a synonym
	// of into (so links and later imports of that spelling still resolve)
	// and moves from's synonyms to into. Returns ENOTFOUND or EINVALID.
	MergeTags(ctx context.Context, kind TagKind, from, into string) error

	// TagUsages returns every tag with its canonical, how many works use it
	// and their main fandoms, by kind then name; the input of synonym
	// proposals (see internal/tags).
	TagUsages(ctx context.Context) ([]TagUsage, error)

	// FindTagsByPrefix returns up to limit canonical tags of a kind (with
	// IDs) whose name, or a synonym's, begins with prefix, ignoring ASCII
	// case and leading space, by name: what a posting form suggests as an
	// author types. Only tags that a listed or restricted work (not a draft
	// or a deleted work) uses, directly or through a synonym, are
	// suggested, so a draft's new tags stay private. limit defaults to 10
	// and is at most 50; an empty prefix finds nothing. Returns EINVALID
	// for an unknown kind or a prefix longer than MaxTagNameLen.
	FindTagsByPrefix(ctx context.Context, kind TagKind, prefix string, limit int) ([]Tag, error)
}
