package fanarchive

import (
	"context"
	"time"
	"unicode/utf8"
)

// List stories: the records room (internal/records, docs/lists.md) files
// the story posts of a mailing list as works. A story posted in parts over
// days ("Lamplight (1/3)", then "(3/3)", then "(2/3)") is one work; the
// store remembers, per list, which work each story became and which parts
// it holds, so that a part arriving later joins the same work in part
// order. A story is known by its key, which the records room makes from the
// story's title and the poster (never an address in clear).

// MaxListStoryKey is the longest story key, in bytes.
const MaxListStoryKey = 1000

// ListStory is one story of a list and the parts of it filed so far.
type ListStory struct {
	ListID int64  `json:"list_id"`
	Key    string `json:"key"`
	// WorkID is the work the story became; 0 once that work is deleted
	// (a deleted story takes no more parts).
	WorkID int64 `json:"work_id"`
	// Of is the most parts any of its posts said the story has; 0 when
	// none said.
	Of int `json:"of,omitempty"`
	// Parts are the parts held, in part order.
	Parts     []ListStoryPart `json:"parts"`
	CreatedAt time.Time       `json:"created_at"`
}

// ListStoryPart is one part of a list story that became chapters of its
// work. Reposts of a part are not parts of their own: their bytes are
// further sources of the work.
type ListStoryPart struct {
	// Order places the part among the story's: a prologue first (-1),
	// numbered parts by number, final parts and epilogues last (see
	// ingest.PartMarker.Order). Two posts of one order are the same part.
	Order float64 `json:"order"`
	// First and Last are the part numbers the post holds (both 0 for a
	// prologue or an unnumbered final part; Last > First for "1-10/20").
	First int `json:"first,omitempty"`
	Last  int `json:"last,omitempty"`
	// Final says the post is marked as the last part or an epilogue.
	Final bool `json:"final,omitempty"`
	// Label is the part marker as written, e.g. "(2/3)"; empty when the
	// post has none.
	Label string `json:"label,omitempty"`
	// ChapterID is the first chapter the part became (0 once deleted),
	// SourceID the post's bytes.
	ChapterID int64     `json:"chapter_id,omitempty"`
	SourceID  int64     `json:"source_id"`
	FiledAt   time.Time `json:"filed_at"`
}

// ListPost is one story post of a list to file as (part of) a work:
// ListStoryService.FileListPost.
type ListPost struct {
	ListID int64
	Key    string
	// Part is where the post goes in its story; Part.ChapterID, SourceID
	// and FiledAt are not read.
	Part ListStoryPart
	// Of is how many parts the post says the story has; 0 when it does
	// not say.
	Of int
	// Work is the post read as a work of its own: its chapters (one, or
	// more when the post holds several), and its first source the post's
	// bytes, which every chapter comes from. When the story is new, the
	// work is created from it as CreateWork creates one (a posted work when
	// PostedBy is set); when it is not, only its chapters, its source and
	// what the stored work lacks are taken (see FileListPost).
	Work *Work
}

// Validate returns EINVALID for a post that names no list, story or work,
// or whose work has no source.
func (p *ListPost) Validate() error {
	switch {
	case p == nil || p.Work == nil:
		return Errorf(EINVALID, "A list post needs a work.")
	case p.ListID <= 0:
		return Errorf(EINVALID, "A list post needs a list.")
	case p.Key == "" || len(p.Key) > MaxListStoryKey || !utf8.ValidString(p.Key):
		return Errorf(EINVALID, "A list post needs a story key of at most %d bytes.", MaxListStoryKey)
	case len(p.Work.Sources) == 0 || p.Work.Sources[0] == nil:
		return Errorf(EINVALID, "A list post needs its bytes as the work's first source.")
	case p.Of < 0 || p.Part.First < 0 || p.Part.Last < 0:
		return Errorf(EINVALID, "A list post's part numbers may not be negative.")
	}
	return nil
}

// ListFiling is what filing a list post did.
type ListFiling struct {
	WorkID int64
	// Chapter is the position of the part's first chapter in the work
	// (1-based).
	Chapter int
	// New is set when the post started the story's work.
	New bool
	// Repeat is set when the story held the part already: the post's bytes
	// became a further source of the work and no chapter was added.
	Repeat bool
}

// ListStoryService keeps which works the stories of lists became.
type ListStoryService interface {
	// FindListStory returns the story of list listID with this key, with
	// its parts. Returns ENOTFOUND.
	FindListStory(ctx context.Context, listID int64, key string) (*ListStory, error)

	// FileListPost stores a story post in one transaction, with the
	// story's record, the search index and (for a posted work) a revision
	// by the work's poster:
	//
	//   - a story not seen before: p.Work is created as CreateWork creates
	//     it, listed and searchable at once;
	//   - a part the story holds already (the same Order): the post's
	//     bytes are added to the work's sources and nothing else changes
	//     (the same bytes twice change nothing at all);
	//   - a new part: its chapters go in part order among the work's (after
	//     the chapters of the parts before it), its source is added, and
	//     the work takes from it what it lacks — a title, a summary, a
	//     rating when Not Rated (else the more restricted of the two),
	//     notes it does not have, tags it does not have (a part's fandom
	//     given in the text replaces fandoms that were only inferred) —
	//     with Published the earliest and Updated the latest of the parts'
	//     dates. Complete and the "part missing" problem are worked out
	//     again from the parts held and the most parts any post named.
	//
	// Returns EINVALID (p does not validate; a new work that does not
	// validate, or one chapter too many), or ECONFLICT when the story's
	// work has been deleted, or when a new story's bytes are already a
	// work's (the work's ID is then in the error's message and nothing is
	// stored).
	FileListPost(ctx context.Context, p *ListPost) (*ListFiling, error)
}
