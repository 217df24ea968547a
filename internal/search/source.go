package search

import (
	"context"
	"time"

	"fanarchive"
)

// Source is what the Engine needs from the database it indexes. The SQLite
// store implements it (internal/store/sqlite); a PostgreSQL store will too.
// Work IDs must fit in 32 bits.
type Source interface {
	// SearchSnapshot reads, in one consistent snapshot, every tag (passed
	// to tagsFn, once, first) and every work (passed to docFn, in ID
	// order), and returns the last change sequence number that snapshot
	// includes. docFn must not keep Doc.Tags, which may be reused.
	SearchSnapshot(ctx context.Context, tagsFn func([]TagRow) error, docFn func(Doc) error) (seq int64, err error)

	// SearchSeq returns the last change sequence number and the last one
	// removed from the change log (0 if none was).
	SearchSeq(ctx context.Context) (seq, trimmed int64, err error)

	// SearchChanges returns up to limit changes after seq, in order.
	SearchChanges(ctx context.Context, after int64, limit int) ([]Change, error)

	// SearchDocs returns the works with these IDs that exist, in ID order,
	// and the tags they have.
	SearchDocs(ctx context.Context, ids []int64) ([]Doc, []TagRow, error)

	// SearchTags returns every tag.
	SearchTags(ctx context.Context) ([]TagRow, error)

	// MatchText returns, in increasing order, the IDs of the works whose
	// text matches every clause of must and none of mustNot. must may be
	// empty only if mustNot is not.
	MatchText(ctx context.Context, must, mustNot []Clause) ([]uint32, error)

	// RankText returns the works MatchText would, each with its BM25 score
	// (higher is better), in any order.
	RankText(ctx context.Context, must, mustNot []Clause) ([]Scored, error)

	// TopText returns the k best scored works MatchText would, best
	// first: the first page of a relevance search, without scoring output
	// for every match.
	TopText(ctx context.Context, must, mustNot []Clause, k int) ([]Scored, error)

	// ScoreText returns the scores RankText would give the works ids
	// (which must match the text), computed for them alone from the
	// index: cheaper than RankText when they are few of many matches, and
	// never reading the works' text, whatever their size.
	ScoreText(ctx context.Context, must, mustNot []Clause, ids []uint32) ([]Scored, error)

	// BestText returns what MatchText returns and, when the text can be
	// ranked from an impact list (one common word; see TopScores), the
	// exact scores of the works that can rank first. top is nil when it
	// cannot: the caller then scores as RankText, TopText or ScoreText do.
	BestText(ctx context.Context, must, mustNot []Clause) (ids []uint32, top *TopScores, err error)

	// FindWorksByIDs returns the works with these IDs that exist, in the
	// order given, with authors, tags and chapters (without bodies).
	FindWorksByIDs(ctx context.Context, ids []int64) ([]*fanarchive.Work, error)
}

// Doc is what the Engine keeps of one work.
type Doc struct {
	ID int64
	// Listed is false for other documents, duplicates, drafts and
	// deleted works: they are kept out of search like they are kept out
	// of listings.
	Listed bool
	// Restricted works are found by logged-in readers only
	// (SearchQuery.IncludeRestricted).
	Restricted bool
	Title      string
	Rating     fanarchive.Rating
	Words      int
	Complete   bool
	Language   string
	Published  time.Time
	Updated    time.Time
	Tags       []int64 // IDs of the tags as the work has them
}

// TagRow is one stored tag. Canonical is 0 for a canonical tag, else the
// ID of the tag it is a synonym of.
type TagRow struct {
	ID        int64
	Kind      fanarchive.TagKind
	Name      string
	Canonical int64
}

// Change is one row of the change log.
type Change struct {
	Seq    int64
	WorkID int64
	Op     string // OpPut, OpDelete or OpTags
}

// Change log operations.
const (
	OpPut    = "put"    // the work was created or its tags changed
	OpDelete = "delete" // the work is gone
	OpTags   = "tags"   // tag names or synonyms changed
)

// TopScores are the best-scoring works of a text, as far as they are
// known: Scored holds exact scores (equal to RankText's, bit for bit) of
// some of the works the text matches, and every matching work that is not
// in Scored scores at most Bound. So the matches scoring above Bound are
// exactly the works of Scored above it, in their order, whatever else
// matches.
type TopScores struct {
	Scored []Scored
	Bound  float64
}

// Scored is a work ID with its relevance.
type Scored struct {
	ID    uint32
	Score float64
}
