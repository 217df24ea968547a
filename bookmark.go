package fanarchive

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Bookmarks (docs/readers.md): a logged-in reader keeps a work with a note,
// tags of their own (free text, not the archive's tags) and a "rec" flag
// that recommends it. Public bookmarks are shown to everyone on the
// reader's bookmarks page and the work's; private ones only to the reader.

// Limits on a bookmark.
const (
	MaxBookmarkNote    = 5000 // characters of the note as typed
	MaxBookmarkTags    = 20
	MaxBookmarkTagLen  = 100 // characters of one of the reader's tags
	DefaultBookmarks   = 20
	MaxBookmarksPage   = 100
	MaxBookmarkTextLen = 200 // characters of the notes' search text
)

// BookmarkNoteFormats are the formats a note is written in
// (Bookmark.NoteFormat): the prose package's Markdown and plain text.
var BookmarkNoteFormats = []string{"markdown", "text"}

// Bookmark is one reader's bookmark of a work.
type Bookmark struct {
	ID     int64 `json:"id"`
	UserID int64 `json:"user_id"`
	// UserName is the reader's name, set by the store when it reads.
	UserName string `json:"user_name"`
	WorkID   int64  `json:"work_id"`
	// Private bookmarks are seen by their reader alone.
	Private bool `json:"private"`
	// Rec recommends the work.
	Rec bool `json:"rec"`
	// Note is what the reader typed, in NoteFormat; NoteHTML is it
	// rendered and sanitised (prose.Render) by whoever stores it, which
	// pages show.
	Note       string `json:"note,omitempty"`
	NoteFormat string `json:"note_format,omitempty"`
	NoteHTML   string `json:"note_html,omitempty"`
	// Tags are the reader's own tags, tidied (spaces collapsed), without
	// repeats (ignoring case), in the order given.
	Tags      []string  `json:"tags,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Work is the bookmarked work (without chapter bodies), set by
	// FindBookmarks.
	Work *Work `json:"work,omitempty"`
}

// Validate checks a bookmark as a reader fills it in and tidies its tags.
// Returns EINVALID.
func (b *Bookmark) Validate() error {
	if b.UserID <= 0 || b.WorkID <= 0 {
		return Errorf(EINVALID, "A bookmark needs a reader and a work.")
	}
	if b.NoteFormat == "" {
		b.NoteFormat = "text"
	}
	if !slices.Contains(BookmarkNoteFormats, b.NoteFormat) {
		return Errorf(EINVALID, "Note format %q is not one of %v.", b.NoteFormat, BookmarkNoteFormats)
	}
	if !utf8.ValidString(b.Note) || !utf8.ValidString(b.NoteHTML) {
		return Errorf(EINVALID, "The note is not valid text.")
	}
	if n := utf8.RuneCountInString(b.Note); n > MaxBookmarkNote {
		return Errorf(EINVALID, "A note may have at most %d characters; this one has %d.", MaxBookmarkNote, n)
	}
	tags, err := TidyBookmarkTags(b.Tags)
	if err != nil {
		return err
	}
	b.Tags = tags
	return nil
}

// TidyBookmarkTags collapses each tag's spaces, drops empty ones and
// repeats (ignoring case) and checks the limits. Returns EINVALID.
func TidyBookmarkTags(in []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, t := range in {
		if !utf8.ValidString(t) {
			return nil, Errorf(EINVALID, "A tag is not valid text.")
		}
		t = strings.Join(strings.Fields(t), " ")
		if t == "" || seen[strings.ToLower(t)] {
			continue
		}
		if utf8.RuneCountInString(t) > MaxBookmarkTagLen {
			return nil, Errorf(EINVALID, "A tag may have at most %d characters.", MaxBookmarkTagLen)
		}
		seen[strings.ToLower(t)] = true
		out = append(out, t)
	}
	if len(out) > MaxBookmarkTags {
		return nil, Errorf(EINVALID, "A bookmark may have at most %d tags; this one has %d.", MaxBookmarkTags, len(out))
	}
	return out, nil
}

// SplitBookmarkTags reads a form's comma-separated tags.
func SplitBookmarkTags(s string) []string { return strings.Split(s, ",") }

// BookmarkFilter selects bookmarks. Zero fields do not filter; the work
// filters are the search form's.
type BookmarkFilter struct {
	UserID int64 // one reader's bookmarks
	WorkID int64 // one work's bookmarks
	// IncludePrivate lists private bookmarks too: only for the reader
	// whose they are (with UserID set).
	IncludePrivate bool
	// IncludeRestricted lists bookmarks of restricted works: for a
	// logged-in viewer.
	IncludeRestricted bool

	Fandom   string   // the work has this fandom (or a synonym of it)
	Rating   Rating   // the work has this rating
	WorkTags []string // the work has every one of these tags, of any kind (or synonyms)
	Tags     []string // the bookmark has every one of these of the reader's tags (ignoring case)
	RecOnly  bool
	Text     string // words in the note, matched as a substring, ignoring ASCII case

	Offset int
	Limit  int // defaults to DefaultBookmarks, at most MaxBookmarksPage
}

// BookmarkService keeps bookmarks.
type BookmarkService interface {
	// SaveBookmark validates and stores b: a new bookmark when b.ID is 0
	// (a reader's second bookmark of the same work is ECONFLICT), else
	// the reader's bookmark b.ID, replaced. Sets ID and times. Returns
	// EINVALID, ENOTFOUND (no such work, or no such bookmark of this
	// reader) or ECONFLICT.
	SaveBookmark(ctx context.Context, b *Bookmark) error
	// FindBookmark returns a bookmark. Returns ENOTFOUND.
	FindBookmark(ctx context.Context, id int64) (*Bookmark, error)
	// FindUserBookmark returns the reader's bookmark of a work. Returns
	// ENOTFOUND.
	FindUserBookmark(ctx context.Context, userID, workID int64) (*Bookmark, error)
	// DeleteBookmark deletes the reader's bookmark id. Returns ENOTFOUND,
	// also for another reader's bookmark.
	DeleteBookmark(ctx context.Context, userID, id int64) error
	// FindBookmarks returns a page of the bookmarks filter selects,
	// newest first, with their works (deleted works and drafts are left
	// out), and the number of them. Returns EINVALID for a bad filter.
	FindBookmarks(ctx context.Context, filter BookmarkFilter) ([]*Bookmark, int, error)
	// BookmarkCounts returns the number of public bookmarks of each of
	// the works (absent: none).
	BookmarkCounts(ctx context.Context, workIDs []int64) (map[int64]int, error)
	// BookmarkTagCounts returns a reader's own tags with how many of
	// their bookmarks (public ones only, unless includePrivate) have
	// each, most used first.
	BookmarkTagCounts(ctx context.Context, userID int64, includePrivate bool) ([]TagCount, error)
}

// Validate checks a filter and fills in its defaults. Returns EINVALID.
func (f *BookmarkFilter) Validate() error {
	if f.Offset < 0 {
		return Errorf(EINVALID, "Offset must not be negative.")
	}
	if f.Limit <= 0 {
		f.Limit = DefaultBookmarks
	}
	f.Limit = min(f.Limit, MaxBookmarksPage)
	if f.Rating != "" && !f.Rating.Valid() {
		return Errorf(EINVALID, "Rating %q is not one of %v.", f.Rating, Ratings)
	}
	if utf8.RuneCountInString(f.Text) > MaxBookmarkTextLen || !utf8.ValidString(f.Text) {
		return Errorf(EINVALID, "The text to look for may have at most %d characters.", MaxBookmarkTextLen)
	}
	if len(f.WorkTags)+len(f.Tags) > MaxSearchTags {
		return Errorf(EINVALID, "A filter can use at most %d tags.", MaxSearchTags)
	}
	return nil
}
