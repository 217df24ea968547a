package fanarchive

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Posting: works written on the archive by its users, as opposed to
// imported from legacy files. A posted work is a Work with PostedBy set;
// it is created with WorkService.CreateWork and changed with the methods
// of PostingService, each of which records a WorkRevision and is seen by
// listings, tag pages and searches in the same commit. Users are known by
// their IDs (the accounts store); pseuds are Authors. Who may do what is
// for the caller to check (internal/auth): the store says who posted a
// work and who owns it (Work.PostedBy, Work.Owners, Work.Authors) and
// records who did each change. See docs/posting.md.

// Limits on posted works, tighter than those on imported ones (work.go),
// which must take what legacy files hold. Lengths are in characters.
const (
	MaxPostedTitleLen   = 255
	MaxPostedSummaryLen = 1250
	MaxPostedNoteLen    = 5000
	MaxPostedNotes      = 5  // at the beginning, and as many at the end
	MaxPostedTags       = 75 // of every kind together
	MaxPostedTagLen     = 150
	MaxSeriesTitleLen   = 255
	MaxSeriesSummaryLen = 1250
	MaxSeriesWorks      = 1000
)

// WorkTrashDays is how long a deleted work can be restored; after that
// PostingService.PurgeWorks removes it for good.
const WorkTrashDays = 30

// ArchiveWarnings are the warnings an author chooses from when posting
// (tags of kind TagWarning); a posted work has at least one.
var ArchiveWarnings = []string{
	"Creator Chose Not To Use Archive Warnings",
	"Graphic Depictions Of Violence",
	"Major Character Death",
	"No Archive Warnings Apply",
	"Rape/Non-Con",
	"Underage Sex",
}

// Categories are the categories an author chooses from when posting (tags
// of kind TagCategory).
var Categories = []string{"F/F", "F/M", "Gen", "M/M", "Multi", "Other"}

// validatePosted checks what Validate checks only of posted works: the
// posting limits, a title, a fandom and a warning from ArchiveWarnings,
// categories from Categories, a language tag, and no control characters
// in one-line fields.
func (w *Work) validatePosted() error {
	switch {
	case w.Kind != KindFiction:
		return Errorf(EINVALID, "A posted work is fiction.")
	case strings.TrimSpace(w.Title) == "":
		return Errorf(EINVALID, "A posted work needs a title.")
	case utf8.RuneCountInString(w.Title) > MaxPostedTitleLen:
		return Errorf(EINVALID, "The title is longer than %d characters.", MaxPostedTitleLen)
	case !oneLine(w.Title):
		return Errorf(EINVALID, "The title must be one line of text.")
	case utf8.RuneCountInString(w.Summary) > MaxPostedSummaryLen:
		return Errorf(EINVALID, "The summary is longer than %d characters.", MaxPostedSummaryLen)
	case !plainText(w.Summary):
		return Errorf(EINVALID, "The summary holds control characters.")
	case len(w.Notes) > MaxPostedNotes || len(w.EndNotes) > MaxPostedNotes:
		return Errorf(EINVALID, "A posted work has at most %d notes at the beginning and as many at the end.", MaxPostedNotes)
	case len(w.Authors) == 0:
		return Errorf(EINVALID, "A posted work needs an author.")
	case len(w.Tags) > MaxPostedTags:
		return Errorf(EINVALID, "A posted work has at most %d tags.", MaxPostedTags)
	case w.Language != "" && (len(w.Language) > 35 || !languageTag.MatchString(w.Language)):
		return Errorf(EINVALID, "%q is not a language tag such as en or pt-BR.", w.Language)
	case len(w.TagsOf(TagFandom)) == 0:
		return Errorf(EINVALID, "A posted work needs a fandom.")
	case len(w.TagsOf(TagWarning)) == 0:
		return Errorf(EINVALID, "A posted work needs an archive warning (%q if none applies).", "No Archive Warnings Apply")
	}
	for _, n := range append(slices.Clip(w.Notes), w.EndNotes...) {
		if utf8.RuneCountInString(n.Text) > MaxPostedNoteLen || utf8.RuneCountInString(n.Label) > MaxPostedTitleLen {
			return Errorf(EINVALID, "Notes are at most %d characters long.", MaxPostedNoteLen)
		}
		if !plainText(n.Text) || !oneLine(n.Label) {
			return Errorf(EINVALID, "The notes hold control characters.")
		}
	}
	for _, a := range w.Authors {
		if !oneLine(a.Name) {
			return Errorf(EINVALID, "Author names must be one line of text.")
		}
	}
	for _, t := range w.Tags {
		switch {
		case utf8.RuneCountInString(t.Name) > MaxPostedTagLen:
			return Errorf(EINVALID, "Tag %q is longer than %d characters.", truncate(t.Name, 40), MaxPostedTagLen)
		case !oneLine(t.Name):
			return Errorf(EINVALID, "Tags must be one line of text.")
		case t.Kind == TagWarning && !slices.Contains(ArchiveWarnings, t.Name):
			return Errorf(EINVALID, "%q is not an archive warning; they are: %s.", truncate(t.Name, 40), strings.Join(ArchiveWarnings, "; "))
		case t.Kind == TagCategory && !slices.Contains(Categories, t.Name):
			return Errorf(EINVALID, "%q is not a category; they are: %s.", truncate(t.Name, 40), strings.Join(Categories, ", "))
		}
	}
	for _, c := range w.Chapters {
		if utf8.RuneCountInString(c.Title) > MaxPostedTitleLen || !oneLine(c.Title) {
			return Errorf(EINVALID, "Chapter %d's title must be one line of at most %d characters.", c.Number, MaxPostedTitleLen)
		}
	}
	return nil
}

// oneLine reports whether s has no control characters, line breaks
// included.
func oneLine(s string) bool {
	return !strings.ContainsFunc(s, unicode.IsControl)
}

// plainText reports whether s has no control characters but tabs and line
// breaks.
func plainText(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' })
}

// CheckUser returns EINVALID unless by is a user ID: every change to a
// posted work names who makes it.
func CheckUser(by int64) error {
	if by <= 0 {
		return Errorf(EINVALID, "Who makes the change is required.")
	}
	return nil
}

// Revision operations, as WorkRevision.Op records them.
const (
	RevisionCreate          = "create"           // the work was posted (as a draft or not)
	RevisionUpdate          = "update"           // metadata or tags changed (UpdateWork)
	RevisionPublish         = "publish"          // a draft was published
	RevisionAddChapter      = "add-chapter"      // a chapter was added
	RevisionEditChapter     = "edit-chapter"     // a chapter's title or text changed
	RevisionReorderChapters = "reorder-chapters" // chapters were put in another order
	RevisionDeleteChapter   = "delete-chapter"   // a chapter was deleted
	RevisionDelete          = "delete"           // the work was deleted (TrashWork)
	RevisionRestore         = "restore"          // a deleted work was restored
	RevisionInvite          = "invite"           // a pseud was invited as a co-author
	RevisionAccept          = "accept"           // an invited pseud accepted
	RevisionDecline         = "decline"          // an invited pseud declined
	RevisionSeries          = "series"           // the work was added to a series, moved in one or taken out
)

// WorkRevision is one recorded change to a work: who (a user ID), when,
// and what changed.
//
// Metadata changes keep their old and new values as text (lists joined
// with ", "). A chapter's text is not kept: a change records the old and new
// size in bytes and words and the SHA-256 of each body ("12345 bytes, 2001
// words, sha256 3f2a…"). Whole copies would grow the database by the size
// of a chapter at every edit (a 64 MB chapter edited ten times is 640 MB),
// and would keep text an author has taken out of a work, which is theirs
// to remove; the digest still tells whether a body is one a revision
// recorded.
type WorkRevision struct {
	ID      int64         `json:"id"`
	WorkID  int64         `json:"work_id"`
	Op      string        `json:"op"`
	By      int64         `json:"by"`
	At      time.Time     `json:"at"`
	Changes []FieldChange `json:"changes,omitempty"`
}

// FieldChange is one field's change in a revision: "title", "rating",
// "fandoms"…, "chapter 3" (its text), "chapter 3 title", "chapters" (their
// order), "authors", "series".
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old,omitempty"`
	New   string `json:"new,omitempty"`
}

// InviteState is where a co-author invitation stands.
type InviteState string

// Invitation states.
const (
	InvitePending  InviteState = "pending"
	InviteAccepted InviteState = "accepted"
	InviteDeclined InviteState = "declined"
)

// CoAuthor is a pseud invited to be shown as an author of a work. Until it
// accepts, it is not on the byline (Work.Authors): not shown, listed or
// searched as the work's author, and its user does not own the work.
type CoAuthor struct {
	WorkID     int64       `json:"work_id"`
	WorkTitle  string      `json:"work_title"`
	AuthorID   int64       `json:"author_id"`
	Name       string      `json:"name"`
	State      InviteState `json:"state"`
	InvitedBy  int64       `json:"invited_by"`
	InvitedAt  time.Time   `json:"invited_at"`
	AnsweredBy int64       `json:"answered_by,omitempty"` // the user who accepted or declined
	AnsweredAt time.Time   `json:"answered_at,omitzero"`
}

// CoAuthorFilter selects invitations. Zero fields do not filter.
type CoAuthorFilter struct {
	WorkID    int64
	AuthorIDs []int64 // pseuds: a user's invitations are those of their pseuds
	State     InviteState
}

// Series is an ordered group of works. A work may be in several series.
type Series struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	Summary   string `json:"summary,omitempty"` // plain text
	Complete  bool   `json:"complete"`
	CreatedBy int64  `json:"created_by"` // the user who made it, who may change it
	// Works are the series' works in order, without chapter bodies, as
	// FindSeriesByID lists them; not read when storing.
	Works     []*Work   `json:"works,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate returns EINVALID for a series without a title or with fields
// past the posting limits.
func (s *Series) Validate() error {
	switch {
	case strings.TrimSpace(s.Title) == "":
		return Errorf(EINVALID, "A series needs a title.")
	case utf8.RuneCountInString(s.Title) > MaxSeriesTitleLen || !utf8.ValidString(s.Title) || !oneLine(s.Title):
		return Errorf(EINVALID, "A series title is one line of at most %d characters.", MaxSeriesTitleLen)
	case utf8.RuneCountInString(s.Summary) > MaxSeriesSummaryLen || !utf8.ValidString(s.Summary) || !plainText(s.Summary):
		return Errorf(EINVALID, "A series summary is text of at most %d characters.", MaxSeriesSummaryLen)
	}
	return nil
}

// SeriesPart is a work's place in a series: Position is 1-based and
// contiguous within the series.
//
// When a work is stored (CreateWork, UpdateWork), SeriesID 0 with a Title
// makes a new series, and Position 0 means the end of the series (or,
// for a work already in it, where it is).
type SeriesPart struct {
	SeriesID int64  `json:"series_id"`
	Title    string `json:"title"`
	Position int    `json:"position"`
}

// Validate returns EINVALID for a part that names no series.
func (p SeriesPart) Validate() error {
	switch {
	case p.SeriesID < 0 || p.Position < 0:
		return Errorf(EINVALID, "Series %d, position %d: neither may be negative.", p.SeriesID, p.Position)
	case p.SeriesID == 0:
		return (&Series{Title: p.Title}).Validate()
	}
	return nil
}

// PostingService changes posted works. Every method takes by, the user who
// makes the change (EINVALID unless it is a user ID: CheckUser), records a
// WorkRevision, and commits in one transaction with what listings, tag
// pages and searches read, so they show the change at once. Methods that
// take a work ID return ENOTFOUND for a work that does not exist or is
// deleted (but RestoreWork). Chapter bodies are stored sanitised (see
// WorkService).
type PostingService interface {
	// UpdateWork changes a work's metadata to w's: title, summary, notes,
	// end notes, rating, tags (of every kind), language, complete,
	// restricted, authors (the byline: pseuds by ID, or names) and series
	// (see SeriesPart: a part with SeriesID 0 makes a series; w.Series
	// replaces the work's places, so nil takes it out of every series:
	// start from the work as read, which has them). Its other
	// fields are not read: chapters have their own methods, Draft changes
	// by PublishWork, and kind, duplicates, sources, evidence and dates are
	// kept. The text index is written again. A revision lists each field
	// that changed; nothing is recorded when none did. Returns ENOTFOUND,
	// EINVALID (w does not validate as the work would be), or ECONFLICT
	// when w.UpdatedAt is set and the work has changed since (someone
	// edited it meanwhile: the caller shows it again).
	UpdateWork(ctx context.Context, w *Work, by int64) error

	// PublishWork publishes a draft: it is listed and searchable, and its
	// Published and Updated become now. Publishing a work that is not a
	// draft changes nothing. Returns ENOTFOUND.
	PublishWork(ctx context.Context, workID, by int64) error

	// AddChapter adds a chapter to a work, at ch.Number (1..n+1; 0 is after
	// the last), renumbering those after it. Its body is stored sanitised
	// and in pages when it is long; its Words are counted from the body.
	// The work's Words, and Updated (now), change with it. On success ch
	// holds the stored chapter (ID, WorkID, Number, Body, Words, Pages).
	// Returns ENOTFOUND, or EINVALID for a chapter that does not validate
	// or one too many.
	AddChapter(ctx context.Context, workID int64, ch *Chapter, by int64) error

	// UpdateChapter sets the title and body of the chapter ch.ID of a work,
	// as AddChapter stores them. Returns ENOTFOUND (no such work, or no
	// such chapter in it) or EINVALID.
	UpdateChapter(ctx context.Context, workID int64, ch *Chapter, by int64) error

	// ReorderChapters puts a work's chapters in the order of chapterIDs,
	// which must hold each of them once, numbered 1..n. Returns ENOTFOUND
	// or EINVALID.
	ReorderChapters(ctx context.Context, workID int64, chapterIDs []int64, by int64) error

	// DeleteChapter deletes a chapter and renumbers those after it.
	// Returns ENOTFOUND, or EINVALID for a work's only chapter (delete the
	// work instead).
	DeleteChapter(ctx context.Context, workID, chapterID, by int64) error

	// TrashWork deletes a work so that it can be restored: it is hidden at
	// once from everything (pages, listings, searches, series), but kept
	// with its chapters, history and links for WorkTrashDays. Returns
	// ENOTFOUND.
	TrashWork(ctx context.Context, workID, by int64) error

	// RestoreWork brings back a deleted work as it was. Returns ENOTFOUND
	// when no deleted work has that ID.
	RestoreWork(ctx context.Context, workID, by int64) error

	// PurgeWorks removes for good, as DeleteWork does, the works deleted
	// before deletedBefore (now minus WorkTrashDays, for the daily purge),
	// and returns how many.
	PurgeWorks(ctx context.Context, deletedBefore time.Time) (int, error)

	// FindWorkRevisions returns a work's revisions, oldest first. Returns
	// ENOTFOUND.
	FindWorkRevisions(ctx context.Context, workID int64) ([]*WorkRevision, error)

	// InviteCoAuthor invites a pseud to be an author of a work. Until it
	// accepts it is not on the byline. A pseud that declined may be
	// invited again. Returns ENOTFOUND (work or author), or ECONFLICT when
	// the pseud is on the byline already or has an invitation pending.
	InviteCoAuthor(ctx context.Context, workID, authorID, by int64) error

	// AnswerCoAuthor accepts (the pseud goes to the end of the byline, and
	// by becomes an owner of the work) or declines a pending invitation.
	// Whether by may answer for the pseud is the caller's to check.
	// Returns ENOTFOUND when the pseud has no pending invitation.
	AnswerCoAuthor(ctx context.Context, workID, authorID int64, accept bool, by int64) error

	// FindCoAuthors returns the invitations the filter selects, newest
	// first, leaving out those of deleted works.
	FindCoAuthors(ctx context.Context, filter CoAuthorFilter) ([]*CoAuthor, error)
}

// SeriesService keeps series. Adding a work to a series, or taking it out,
// is recorded as a revision of the work (RevisionSeries) and seen by
// searches' pages at once. by is the user who makes the change (CheckUser);
// whether they may is the caller's to check (Series.CreatedBy, the work's
// owners).
type SeriesService interface {
	// CreateSeries stores a new series made by s.CreatedBy and sets its ID
	// and times. Returns EINVALID.
	CreateSeries(ctx context.Context, s *Series) error

	// UpdateSeries changes a series' title, summary and completeness.
	// Returns ENOTFOUND or EINVALID.
	UpdateSeries(ctx context.Context, s *Series, by int64) error

	// DeleteSeries deletes a series; its works stay. Returns ENOTFOUND.
	DeleteSeries(ctx context.Context, seriesID, by int64) error

	// FindSeriesByID returns a series with its works in order (authors,
	// tags and chapters, no bodies), leaving out drafts and deleted works,
	// and restricted ones unless includeRestricted; positions are those
	// stored, so a gap shows where a hidden work is. Returns ENOTFOUND.
	FindSeriesByID(ctx context.Context, seriesID int64, includeRestricted bool) (*Series, error)

	// AddWorkToSeries puts a work in a series at position (1..n+1; 0 is
	// the end), renumbering the works after it; a work already in the
	// series moves there. Returns ENOTFOUND or EINVALID.
	AddWorkToSeries(ctx context.Context, seriesID, workID int64, position int, by int64) error

	// RemoveWorkFromSeries takes a work out of a series and renumbers the
	// works after it. Returns ENOTFOUND when the work is not in it.
	RemoveWorkFromSeries(ctx context.Context, seriesID, workID, by int64) error
}

// ChapterInputFormats are the formats a chapter is posted in
// (Chapter.InputFormat): prose.Formats, which a test keeps in step.
var ChapterInputFormats = []string{"html", "markdown", "text"}

// validateInput returns EINVALID for an unknown input format, input with
// no format, or input too long or not UTF-8.
func (c *Chapter) validateInput() error {
	switch {
	case c.InputFormat == "" && c.Input != "":
		return Errorf(EINVALID, "Chapter %d's input has no format.", c.Number)
	case c.InputFormat != "" && !slices.Contains(ChapterInputFormats, c.InputFormat):
		return Errorf(EINVALID, "Chapter %d's input format %q is not one of %v.", c.Number, c.InputFormat, ChapterInputFormats)
	case len(c.Input) > MaxChapterBody || !utf8.ValidString(c.Input):
		return Errorf(EINVALID, "Chapter %d's input is longer than %d bytes or not UTF-8.", c.Number, MaxChapterBody)
	}
	return nil
}

// ValidatePostedChapter returns EINVALID for a chapter that cannot be
// posted: a title longer than MaxPostedTitleLen characters or of more than
// one line, or a body longer than MaxChapterBody. The body itself is for
// prose.Render and the store's sanitising to make safe.
func ValidatePostedChapter(c *Chapter) error {
	switch {
	case c == nil:
		return Errorf(EINVALID, "Chapter is required.")
	case !utf8.ValidString(c.Title) || utf8.RuneCountInString(c.Title) > MaxPostedTitleLen || !oneLine(c.Title):
		return Errorf(EINVALID, "A chapter title is one line of at most %d characters.", MaxPostedTitleLen)
	case len(c.Body) > MaxChapterBody:
		return Errorf(EINVALID, "The chapter is longer than %d bytes.", MaxChapterBody)
	case !utf8.ValidString(c.Body):
		return Errorf(EINVALID, "The chapter is not valid UTF-8 text.")
	}
	return c.validateInput()
}
