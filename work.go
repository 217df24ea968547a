// Package fanarchive holds the domain of the archive: works, chapters,
// authors, tags and the provenance of everything imported, together with the
// service interfaces that storage implementations satisfy and the error codes
// they return. It imports nothing from storage, HTTP or parsing, so every other
// package can depend on it.
package fanarchive

import (
	"context"
	"slices"
	"time"
	"unicode/utf8"
)

// Kind tells stories apart from the other documents a legacy archive holds
// (reviews, FAQs, episode guides). Only fiction is listed as a work; other
// documents are kept with their source so nothing is lost.
type Kind string

// Kinds of work.
const (
	KindFiction Kind = "fiction"
	KindOther   Kind = "other"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == KindFiction || k == KindOther }

// Limits that keep a single work within what the archive can serve. They are
// generous: a legacy file past them is almost certainly not one story.
const (
	MaxTitleLen    = 1000       // bytes
	MaxSummaryLen  = 100 << 10  // bytes
	MaxChapters    = 10000      // chapters per work
	MaxTagNameLen  = 500        // bytes
	MaxChapterBody = 64 << 20   // bytes of HTML in one chapter
	MaxSourceBytes = 512 << 20  // bytes of one original file
	MaxAuthors     = 100        // authors per work
	MaxNotes       = 100        // labelled notes per work
	MaxNoteLen     = 1000 << 10 // bytes per note
)

// ChapterPageBytes is the most HTML one page of a chapter holds: a chapter
// whose body is longer is stored, read and shown in pages (ChapterPage), so
// that showing it costs the server a page's worth of reading, memory and
// bandwidth, not the whole chapter's. 256 KB is about 40,000 words, far longer
// than ordinary chapters, which are never paged; a 62 MB single-chapter
// novel from a legacy archive is 240 pages. A page holds whole blocks
// (prose.SplitPages), so a single block longer than this is a longer page.
const ChapterPageBytes = 256 << 10

// Work is one story (or, with KindOther, one non-fiction document) as the
// archive shows it. Works imported from legacy files keep every source file
// they were built from, byte for byte.
type Work struct {
	ID   int64 `json:"id"`
	Kind Kind  `json:"kind"`

	// Title is empty when none was found; pages show "Untitled" instead of
	// inventing one.
	Title   string   `json:"title"`
	Authors []Author `json:"authors"`
	Summary string   `json:"summary,omitempty"`
	Notes   []Note   `json:"notes,omitempty"`
	// EndNotes are shown after the work's text, as Notes are before it.
	EndNotes []Note `json:"end_notes,omitempty"`

	Rating         Rating `json:"rating"`
	RatingOriginal string `json:"rating_original,omitempty"` // as written in the source, e.g. "NC-17"

	// Tags holds fandoms, relationships, characters, warnings, categories and
	// freeform tags; see TagsOf.
	Tags []Tag `json:"tags,omitempty"`

	Language string `json:"language,omitempty"` // BCP 47, e.g. "en"
	Words    int    `json:"words"`              // sum of chapter words; see prose.CountWords
	Complete bool   `json:"complete"`

	Chapters []*Chapter `json:"chapters,omitempty"`

	// Begins is the story's first few dozen words, for listings of works
	// without a summary. The importer sets it from the first chapter.
	Begins string `json:"begins,omitempty"`

	// Published is when the work first appeared: for an imported work the
	// date its post or its text gives, and PublishedFrom says which (or
	// that none is known, when Published is zero).
	Published     time.Time  `json:"published"`
	PublishedFrom DateSource `json:"published_from,omitempty"`
	Updated       time.Time  `json:"updated"`

	// DuplicateOf points at the work this one repeats (a repost, or a whole
	// story that its parts also hold). Duplicates are kept but not listed.
	DuplicateOf int64 `json:"duplicate_of,omitempty"`

	// Sources are the original files the work was built from, in part order.
	// One file may be the source of several works (a file of several posts).
	Sources []*Source `json:"sources,omitempty"`

	// Origin identifies what the work was made from: its sources' SHA-256
	// and, when a work uses only part of a file, which part. Importing the
	// same origin again finds the existing work (ECONFLICT) instead of making
	// a second one. Empty means "all of each source": the store then uses
	// the sources' SHA-256 joined by "+".
	Origin string `json:"origin,omitempty"`

	// Evidence records, per field, how sure the importer was and why, so an
	// archivist can review guesses. Keys are Field* constants.
	Evidence map[string]Evidence `json:"evidence,omitempty"`

	// FeedbackContact is where the author wanted feedback sent, as written:
	// an address or a name. It is private: used to relay feedback and to
	// verify claims, never rendered.
	FeedbackContact string `json:"-"`

	// Problems lists what the importer noticed and could not settle, e.g.
	// "no title found". They are shown to archivists, never to readers.
	Problems []string `json:"problems,omitempty"`

	// Posting: fields of works written on the archive (docs/posting.md).
	// An imported work has PostedBy 0 and no owners.

	// PostedBy is the user who posted the work.
	PostedBy int64 `json:"posted_by,omitempty"`
	// Owners are the users who may edit the work as its authors: PostedBy,
	// and each user who accepted a co-author invitation for a pseud still
	// on the byline (CoAuthor). Stores set it when they read a work; it is
	// not read when storing.
	Owners []int64 `json:"owners,omitempty"`
	// Comments counts the work's published comments (docs/comments.md).
	// Stores set it when they read a work; it is not read when storing.
	Comments int `json:"comments,omitempty"`

	// Bookmarks counts the work's public bookmarks (docs/readers.md);
	// stores set it when they read a work, and do not read it.
	Bookmarks int `json:"bookmarks,omitempty"`
	// Draft works are not listed or searchable, and only their owners may
	// see them; PublishWork publishes one.
	Draft bool `json:"draft,omitempty"`
	// Restricted works are shown to logged-in readers only: listings
	// (WorkFilter.IncludeRestricted) and searches
	// (SearchQuery.IncludeRestricted) leave them out unless asked.
	Restricted bool `json:"restricted,omitempty"`
	// DeletedAt is when the work was deleted (TrashWork); zero for a work
	// that is not. A deleted work is found only by WorkFilter.Deleted,
	// until it is restored or purged (WorkTrashDays).
	DeletedAt time.Time `json:"deleted_at,omitzero"`
	// Series are the series the work is part of, with its place in each.
	Series []SeriesPart `json:"series,omitempty"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Fields whose provenance is recorded in Work.Evidence.
const (
	FieldTitle    = "title"
	FieldAuthors  = "authors"
	FieldRating   = "rating"
	FieldFandoms  = "fandoms"
	FieldSummary  = "summary"
	FieldKind     = "kind"
	FieldChapters = "chapters"
	FieldFeedback = "feedback"
	FieldList     = "list"
	FieldArchive  = "archive"
)

// Evidence says how a field's value was found. Confidence runs from 0 (a
// guess) to 1 (an explicit, labelled field).
type Evidence struct {
	Confidence float64 `json:"confidence"`
	// Via names the rule that produced the value, e.g. "header:Title",
	// "byline", "footer:list", "flag:--fandom", "inferred:list-name".
	Via string `json:"via"`
	// Detail quotes the input that the rule matched, shortened.
	Detail string `json:"detail,omitempty"`
}

// ReviewThreshold is the confidence below which a field is put in front of an
// archivist for review.
const ReviewThreshold = 0.75

// Note is a labelled block of front matter, such as "Author's Note" or
// "Disclaimer", kept with the label as the author wrote it.
type Note struct {
	Label string `json:"label"`
	Text  string `json:"text"`
}

// Chapter is one part of a work. Body is sanitised HTML made of block
// elements (<p>, <hr class="scene-break">, <pre>, <blockquote>) and inline
// emphasis; see package prose.
type Chapter struct {
	ID     int64  `json:"id"`
	WorkID int64  `json:"work_id"`
	Number int    `json:"number"` // 1-based, contiguous within a work
	Title  string `json:"title,omitempty"`
	Body   string `json:"-"`
	// Text is the body's plain text (prose.PlainText of Body) when the
	// caller already has it, so that storing and indexing need not derive
	// it again; empty means "derive it". It is not stored.
	Text  string `json:"-"`
	Words int    `json:"words"`
	// Pages is how many pages the body is shown in: 1, or more when it is
	// longer than ChapterPageBytes. Stores set it when they store and read
	// a chapter; it is not read when storing.
	Pages int `json:"-"`
	// InputFormat and Input are a posted chapter as its author wrote it:
	// one of ChapterInputFormats (prose.Format) and the text in it, which
	// Body was rendered from, so that an edit form shows what the author
	// wrote. Pages show Body. Empty for imported chapters. Stores keep
	// them as given and return them from FindChapter only.
	InputFormat string `json:"-"`
	Input       string `json:"-"`
	// SourceID is the original file the chapter came from. When a work is
	// created, 0 means the work's first source, -(i+1) means w.Sources[i],
	// and a positive value is a source already stored; after CreateWork it
	// holds the stored source's ID.
	SourceID int64 `json:"source_id,omitempty"`
}

// ChapterPage is one page of a chapter's body: whole blocks, in order, at
// most ChapterPageBytes unless one block is longer. A chapter's pages,
// joined, are its body exactly; a chapter of one page has its whole body as
// page 1.
type ChapterPage struct {
	ChapterID int64  `json:"chapter_id"`
	Number    int    `json:"number"` // 1-based
	Pages     int    `json:"pages"`  // how many the chapter has
	Body      string `json:"-"`
}

// Author is a name as given in a byline or header, or a pseud of a user.
// Legacy authors are names only (UserID 0); an account may claim one later,
// which makes it one of their pseuds. E-mail addresses never live here: they
// are kept privately on the Source as the feedback contact.
type Author struct {
	ID   int64  `json:"id,omitempty"`
	Name string `json:"name"`
	// UserID is the account whose pseud this is; 0 for a legacy name.
	UserID int64 `json:"user_id,omitempty"`
}

// TagsOf returns the names of the work's tags of the given kind, in order.
func (w *Work) TagsOf(kind TagKind) []string {
	var names []string
	for _, t := range w.Tags {
		if t.Kind == kind {
			names = append(names, t.Name)
		}
	}
	return names
}

// AuthorNames returns the names of the work's authors in byline order.
func (w *Work) AuthorNames() []string {
	names := make([]string, len(w.Authors))
	for i, a := range w.Authors {
		names[i] = a.Name
	}
	return names
}

// DisplayTitle returns the title, or "Untitled" when none was found.
func (w *Work) DisplayTitle() string {
	if w.Title == "" {
		return "Untitled"
	}
	return w.Title
}

// IsAdult reports whether readers must confirm they want to see the work
// before it is shown.
func (w *Work) IsAdult() bool { return w.Rating == RatingMature || w.Rating == RatingExplicit }

// NeedsReview reports whether any recorded field is below ReviewThreshold or
// the importer listed problems.
func (w *Work) NeedsReview() bool {
	if len(w.Problems) > 0 {
		return true
	}
	for _, e := range w.Evidence {
		if e.Confidence < ReviewThreshold {
			return true
		}
	}
	return false
}

// Validate returns an EINVALID error if the work cannot be stored. It checks
// shape, not taste: an empty title is allowed (and reported as a problem by the
// importer), a work with no chapters is not.
func (w *Work) Validate() error {
	switch {
	case !w.Kind.Valid():
		return Errorf(EINVALID, "Work kind %q is not fiction or other.", w.Kind)
	case len(w.Title) > MaxTitleLen:
		return Errorf(EINVALID, "Work title is longer than %d bytes.", MaxTitleLen)
	case !utf8.ValidString(w.Title) || !utf8.ValidString(w.Summary):
		return Errorf(EINVALID, "Work title and summary must be valid UTF-8.")
	case len(w.Summary) > MaxSummaryLen:
		return Errorf(EINVALID, "Work summary is longer than %d bytes.", MaxSummaryLen)
	case !w.Rating.Valid():
		return Errorf(EINVALID, "Work rating %q is not one of %v.", w.Rating, Ratings)
	case len(w.Authors) > MaxAuthors:
		return Errorf(EINVALID, "Work has more than %d authors.", MaxAuthors)
	case len(w.Notes) > MaxNotes:
		return Errorf(EINVALID, "Work has more than %d notes.", MaxNotes)
	case len(w.Chapters) == 0:
		return Errorf(EINVALID, "Work has no chapters.")
	case len(w.Chapters) > MaxChapters:
		return Errorf(EINVALID, "Work has more than %d chapters.", MaxChapters)
	case w.Words < 0:
		return Errorf(EINVALID, "Work word count is negative.")
	}
	for _, a := range w.Authors {
		if err := a.Validate(); err != nil {
			return err
		}
	}
	if len(w.EndNotes) > MaxNotes {
		return Errorf(EINVALID, "Work has more than %d end notes.", MaxNotes)
	}
	for _, n := range append(slices.Clip(w.Notes), w.EndNotes...) {
		if len(n.Text) > MaxNoteLen || len(n.Label) > MaxTagNameLen {
			return Errorf(EINVALID, "Work note %q is too long.", truncate(n.Label, 40))
		}
		if !utf8.ValidString(n.Text) || !utf8.ValidString(n.Label) {
			return Errorf(EINVALID, "Work notes must be valid UTF-8.")
		}
	}
	for _, t := range w.Tags {
		if err := t.Validate(); err != nil {
			return err
		}
	}
	for i, c := range w.Chapters {
		if c == nil {
			return Errorf(EINVALID, "Chapter %d is missing.", i+1)
		}
		if c.Number != i+1 {
			return Errorf(EINVALID, "Chapter %d is numbered %d; chapters must be numbered 1..n in order.", i+1, c.Number)
		}
		if len(c.Body) > MaxChapterBody {
			return Errorf(EINVALID, "Chapter %d is longer than %d bytes.", c.Number, MaxChapterBody)
		}
		if len(c.Title) > MaxTitleLen {
			return Errorf(EINVALID, "Chapter %d title is longer than %d bytes.", c.Number, MaxTitleLen)
		}
		if err := c.validateInput(); err != nil {
			return err
		}
	}
	for i, s := range w.Sources {
		if s == nil {
			return Errorf(EINVALID, "Source %d is missing.", i+1)
		}
		if err := s.Validate(); err != nil {
			return err
		}
	}
	for _, p := range w.Series {
		if err := p.Validate(); err != nil {
			return err
		}
	}
	if w.PostedBy < 0 {
		return Errorf(EINVALID, "Work is posted by user %d, which is not a user ID.", w.PostedBy)
	} else if w.PostedBy > 0 {
		return w.validatePosted()
	}
	return nil
}

// Validate returns an EINVALID error if the author's name is empty or too
// long. An author given by ID (a pseud) needs no name: stores read it.
func (a Author) Validate() error {
	if a.Name == "" && a.ID != 0 {
		return nil
	} else if a.Name == "" {
		return Errorf(EINVALID, "Author name is required.")
	} else if len(a.Name) > MaxTagNameLen || !utf8.ValidString(a.Name) {
		return Errorf(EINVALID, "Author name is too long or not valid UTF-8.")
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// WorkService reads and writes works.
//
// Chapter bodies are stored sanitised: every method that writes a body
// (CreateWork, ImportWorks, the chapter methods of PostingService, and any
// other path of a store, such as data migrations) stores it as
// prose.Sanitize leaves it, sanitising it itself when the body does not
// pass prose.IsSanitized, and a store's migrations sanitise what was stored
// before. So a body read back (FindWorkByID, FindChapter, FindChapterPage)
// is shown as it is: pages need not, and do not, sanitise it again. A body
// the store had to sanitise is stored so, and Words keeps what the caller
// gave.
//
// Works that are deleted (Work.DeletedAt; PostingService.TrashWork) are
// hidden from every method here, as if they did not exist, except
// FindWorks with WorkFilter.Deleted. Drafts and restricted works are
// returned by FindWorkByID and its kin, with Draft, Restricted and Owners
// set: whoever shows a work checks them (only owners see a draft, only
// logged-in readers a restricted work); listings leave them out.
type WorkService interface {
	// FindWorkByID returns a work with its chapters (bodies included), tags,
	// authors, sources (without raw bytes), series and owners. Returns
	// ENOTFOUND if it does not exist or is deleted.
	FindWorkByID(ctx context.Context, id int64) (*Work, error)

	// FindWorkOutline returns a work as FindWorkByID does but without its
	// chapters' bodies (each Chapter.Body is empty; Pages, Words and the
	// rest are set): what a page that shows one chapter, or one page of a
	// long one, reads first, however long the work. Returns ENOTFOUND if it
	// does not exist.
	FindWorkOutline(ctx context.Context, id int64) (*Work, error)

	// FindChapterPage returns page n (1-based) of the chapter with this ID,
	// reading that page's bytes and not the rest of the chapter. Pages are
	// made when a chapter is stored and follow it when it moves to another
	// work (MergeWorks, SplitWork). Returns ENOTFOUND if the chapter does
	// not exist or has fewer than n pages.
	FindChapterPage(ctx context.Context, chapterID int64, n int) (*ChapterPage, error)

	// FindWorks returns works matching the filter, newest first, without
	// chapter bodies or sources, and the total number of matches ignoring
	// Offset and Limit. Drafts, deleted and restricted works are left out
	// unless the filter asks for them.
	FindWorks(ctx context.Context, filter WorkFilter) ([]*Work, int, error)

	// FindChapter returns chapter number n (1-based) of a work. Returns
	// ENOTFOUND if the work or the chapter does not exist.
	FindChapter(ctx context.Context, workID int64, n int) (*Chapter, error)

	// CreateWork stores a work with its chapters, authors, tags and sources
	// (raw bytes included) in one transaction, and sets the IDs it assigns.
	// A source whose bytes are already stored (by SHA-256) is shared, not
	// stored twice. Returns EINVALID if the work does not validate, and
	// ECONFLICT if a work with the same Origin exists; w.ID is then set to
	// that work, or 0 if it was deleted (so that a takedown is not undone by
	// importing the file again). Published defaults to now and Updated to
	// Published when they are zero.
	CreateWork(ctx context.Context, w *Work) error

	// ImportWorks stores works in one transaction, all that are new or none:
	// a work whose origin is stored already is skipped (created[i] false,
	// w.ID set to the stored work, 0 if deleted). A negative DuplicateOf
	// refers to an earlier work of the batch: -1 is works[0]. The importer
	// stores the works that share files together, so that a file is
	// imported whole or not at all.
	ImportWorks(ctx context.Context, works []*Work) (created []bool, err error)

	// DeleteWork removes a work at once and for good, its chapters and its
	// tag links (PostingService.TrashWork deletes one so that it can be
	// restored). Its sources are kept: provenance is never thrown away.
	// Returns ENOTFOUND.
	DeleteWork(ctx context.Context, id int64) error
}

// WorkFilter selects works. Nil or zero fields do not filter. An unknown
// Kind or a negative Offset is EINVALID.
type WorkFilter struct {
	Kind   Kind    // defaults to KindFiction
	Author *string // exact author name
	// AuthorID keeps the works of one author, when a pseud and a legacy
	// author share a name.
	AuthorID int64
	Tag      *Tag // kind and exact name
	// IncludeDuplicates lists works marked as duplicates too.
	IncludeDuplicates bool
	// IncludeRestricted lists restricted works too: for a logged-in reader.
	IncludeRestricted bool
	// OwnedBy, a user ID, keeps the works that user owns (Work.Owners),
	// drafts and restricted ones included: the user's own dashboard.
	OwnedBy int64
	// Deleted lists only deleted works, of every kind, drafts and
	// restricted ones included, with DeletedAt set: for an admin to
	// restore them.
	Deleted bool
	// Muted leaves out the works a reader muted (docs/readers.md), before
	// they are counted.
	Muted *MuteSet

	Offset int
	Limit  int // defaults to 20, at most 100
}
