package fanarchive

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Muting, blocking and reports (docs/readers.md). A reader mutes tags and
// authors: their works leave that reader's listings and searches, totals
// and facet counts included. A user blocks another: the blocked user can
// no longer comment on, send feedback to or leave kudos on the blocker's
// works. Anyone logged in can report a work to moderators.

// Limits on what one reader mutes and blocks.
const (
	MaxMutedTags    = 500
	MaxMutedAuthors = 500
	MaxBlocks       = 1000
	MaxReportReason = 2000 // characters
)

// Mutes is what a reader has muted, for their settings page.
type Mutes struct {
	Tags    []Tag    // canonical tags, with IDs, by kind then name
	Authors []Author // with IDs, by name
}

// MuteSet is what a reader muted, as searches and listings take it: works
// with any tag of Tags (tag IDs; a tag's synonyms count), by any author of
// Authors, or in Works are left out. Works lists the works of Authors,
// resolved by the store, for the search engine, which keeps no authors.
type MuteSet struct {
	Tags    []int64
	Authors []int64
	Works   []int64
}

// Empty reports whether the set mutes nothing.
func (m *MuteSet) Empty() bool {
	return m == nil || len(m.Tags)+len(m.Authors)+len(m.Works) == 0
}

// Block is one user blocking another.
type Block struct {
	UserID    int64 // the one blocked
	Name      string
	CreatedAt time.Time
}

// MuteService keeps mutes and blocks.
type MuteService interface {
	// MuteTag mutes the tag of this kind and name (its canonical, when it
	// is a synonym) for the reader; muting it twice is no error.
	// Returns ENOTFOUND for no such tag, EINVALID past MaxMutedTags.
	MuteTag(ctx context.Context, userID int64, kind TagKind, name string) (*Tag, error)
	// UnmuteTag unmutes a tag; unmuting one not muted is no error.
	UnmuteTag(ctx context.Context, userID, tagID int64) error
	// MuteAuthor mutes an author (a pseud or a legacy author) by ID.
	// Returns ENOTFOUND, or EINVALID past MaxMutedAuthors or for one's
	// own pseud.
	MuteAuthor(ctx context.Context, userID, authorID int64) error
	// UnmuteAuthor unmutes an author.
	UnmuteAuthor(ctx context.Context, userID, authorID int64) error
	// FindMutes returns what the reader muted.
	FindMutes(ctx context.Context, userID int64) (*Mutes, error)
	// FindMuteSet returns what the reader muted as filters take it, nil
	// when nothing is.
	FindMuteSet(ctx context.Context, userID int64) (*MuteSet, error)

	// BlockUser makes blocked unable to comment on, send feedback to or
	// leave kudos on userID's works. Blocking twice is no error. Returns
	// ENOTFOUND, or EINVALID for oneself or past MaxBlocks.
	BlockUser(ctx context.Context, userID, blocked int64) error
	// UnblockUser lifts a block.
	UnblockUser(ctx context.Context, userID, blocked int64) error
	// FindBlocks lists whom the user blocked, by name.
	FindBlocks(ctx context.Context, userID int64) ([]Block, error)
	// IsBlocked reports whether ownerID has blocked actorID. The
	// comments, feedback and kudos paths ask it; 0 for either is never
	// blocked.
	IsBlocked(ctx context.Context, ownerID, actorID int64) (bool, error)
	// IsBlockedFromWork reports whether any owner of the work blocked
	// actorID.
	IsBlockedFromWork(ctx context.Context, workID, actorID int64) (bool, error)
}

// ReportState is where a report is.
type ReportState string

// Report states.
const (
	ReportOpen     ReportState = "open"
	ReportResolved ReportState = "resolved"
)

// Report is a reader's report of a work to the moderators.
type Report struct {
	ID         int64       `json:"id"`
	WorkID     int64       `json:"work_id"`
	WorkTitle  string      `json:"work_title"`
	ReporterID int64       `json:"reporter_id"`
	Reporter   string      `json:"reporter"`
	Reason     string      `json:"reason"`
	State      ReportState `json:"state"`
	CreatedAt  time.Time   `json:"created_at"`
	ResolvedBy string      `json:"resolved_by,omitempty"`
	ResolvedAt time.Time   `json:"resolved_at,omitzero"`
	Resolution string      `json:"resolution,omitempty"`
}

// Validate checks a report's reason. Returns EINVALID.
func (r *Report) Validate() error {
	switch {
	case !utf8.ValidString(r.Reason) || !utf8.ValidString(r.Resolution):
		return Errorf(EINVALID, "The reason is not valid text.")
	case strings.TrimSpace(r.Reason) == "":
		return Errorf(EINVALID, "Please say why you report this work.")
	case utf8.RuneCountInString(r.Reason) > MaxReportReason:
		return Errorf(EINVALID, "A reason may have at most %d characters.", MaxReportReason)
	}
	return nil
}

// ReportService keeps reports of works.
type ReportService interface {
	// ReportWork validates and records a report, setting its ID, state
	// and time. Returns ENOTFOUND or EINVALID.
	ReportWork(ctx context.Context, r *Report) error
	// FindReports lists reports in a state (all when ""), oldest first,
	// with the number of them.
	FindReports(ctx context.Context, state ReportState, offset, limit int) ([]*Report, int, error)
	// ResolveReport closes an open report, by the moderator by, with a
	// note. Returns ENOTFOUND, or ECONFLICT when it is resolved already.
	ResolveReport(ctx context.Context, id, by int64, resolution string) error
}
