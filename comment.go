package fanarchive

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Comments (docs/comments.md). Readers, logged in or not, leave threaded
// comments on a work or one of its chapters. A guest's comment is held for
// the work's owners to approve when an owner asked for that (the account
// setting "moderate guest comments"). The writer of a user's comment may
// edit it; the work's owners and moderators may delete it, and a deleted
// comment with replies stays as a "[deleted]" placeholder so that the
// thread keeps its shape.

// Limits on what a comment takes.
const (
	MaxCommentName  = 100    // characters of a guest's name
	MaxCommentInput = 10_000 // characters of what was typed
	// MaxCommentDepth is how deep a thread may go: a reply to a comment
	// this deep is refused. Pages indent at most a few levels.
	MaxCommentDepth = 500
	// CommentThreadsPerPage is how many top-level comments, each with its
	// whole thread, a page of comments holds.
	CommentThreadsPerPage = 50
)

// MailKindComment is the outbox kind of comment and reply notifications.
const MailKindComment = "comment"

// CommentState is where a comment is.
type CommentState string

// Comment states.
const (
	CommentPublished CommentState = "published" // shown to every reader of the work
	CommentHeld      CommentState = "held"      // a guest's, waiting for an owner's approval
	CommentDeleted   CommentState = "deleted"   // its text is gone; kept as a placeholder for its replies
)

// CommentFormat is how a comment's text was written.
type CommentFormat string

// Comment formats.
const (
	CommentMarkdown CommentFormat = "markdown"
	CommentText     CommentFormat = "text"
)

// Comment is one comment on a work (ChapterID 0) or one of its chapters.
// Body is the sanitised HTML pages show, made from Input by
// internal/comments.Render; the store keeps both as given.
type Comment struct {
	ID        int64 `json:"id"`
	WorkID    int64 `json:"work_id"`
	ChapterID int64 `json:"chapter_id,omitempty"`
	// ParentID is the comment this one answers, 0 for a thread's first.
	ParentID int64 `json:"parent_id,omitempty"`
	// Depth is 0 for a thread's first comment, its parent's + 1 for a reply.
	Depth int `json:"depth"`
	// UserID is the writer's account, 0 for a guest (or a deleted account).
	UserID int64 `json:"user_id,omitempty"`
	// Name is the account's name, or what a guest gave.
	Name string `json:"name"`
	// GuestEmail is a guest's optional address: private, never shown.
	GuestEmail string        `json:"-"`
	Format     CommentFormat `json:"format"`
	Input      string        `json:"-"`
	Body       string        `json:"body"`
	// Preview is the comment's first words as plain text, for listings.
	Preview   string       `json:"preview"`
	State     CommentState `json:"state"`
	CreatedAt time.Time    `json:"created_at"`
	EditedAt  time.Time    `json:"edited_at,omitzero"`
	// ChapterNumber is the number of the chapter it is on, 0 for the work.
	ChapterNumber int `json:"chapter_number,omitempty"`
}

// Validate checks what the writer gave: a guest's name and optional
// address, a known format and text within its limit. It sets GuestEmail
// to the checked address. Returns EINVALID.
func (c *Comment) Validate() error {
	if c.Format != CommentMarkdown && c.Format != CommentText {
		return Errorf(EINVALID, "A comment is Markdown or plain text.")
	}
	for _, t := range []struct {
		what, text string
		max        int
	}{{"name", c.Name, MaxCommentName}, {"comment", c.Input, MaxCommentInput}} {
		if !utf8.ValidString(t.text) {
			return Errorf(EINVALID, "The %s is not valid text.", t.what)
		}
		if n := utf8.RuneCountInString(t.text); n > t.max {
			return Errorf(EINVALID, "The %s may have at most %d characters; it has %d.", t.what, t.max, n)
		}
	}
	if strings.TrimSpace(c.Input) == "" || strings.TrimSpace(c.Body) == "" {
		return Errorf(EINVALID, "Please write a comment.")
	}
	if c.UserID == 0 {
		if strings.TrimSpace(c.Name) == "" {
			return Errorf(EINVALID, "Please give a name to sign your comment with.")
		}
		if strings.TrimSpace(c.GuestEmail) != "" {
			addr, err := ValidateEmail(c.GuestEmail)
			if err != nil {
				return Errorf(EINVALID, "That address does not look right: %s", ErrorMessage(err))
			}
			c.GuestEmail = addr
		} else {
			c.GuestEmail = ""
		}
	}
	return nil
}

// CommentFilter selects a page of a work's comments: Limit threads (0
// means CommentThreadsPerPage, at most 200) from Offset, oldest first,
// each whole.
type CommentFilter struct {
	WorkID int64
	// ChapterID, when set, keeps the comments on that chapter only.
	ChapterID int64
	// Held includes guests' comments waiting for approval (for the work's
	// owners).
	Held          bool
	Offset, Limit int
}

// CommentEdit is a writer's change to their comment.
type CommentEdit struct {
	ID     int64
	UserID int64 // the editor, who must be the comment's writer
	Format CommentFormat
	Input  string
	Body   string
}

// CommentService keeps comments. Notifications of new comments and replies
// go to the inbox (SubscriptionService) in the same transaction, and their
// mail, for recipients who want each by mail, through mail.
type CommentService interface {
	// PostComment validates and stores c (a reply when ParentID is set,
	// on its parent's chapter) and sets its ID, depth, state, name and
	// times. A guest's comment is held when an owner of the work moderates
	// guest comments; a published one notifies the work's owners and the
	// parent's writer (not the writer themselves). Returns ENOTFOUND for
	// no such work, chapter or parent, EINVALID for bad fields, a draft or
	// deleted work, a deleted or held parent or one too deep.
	PostComment(ctx context.Context, c *Comment, mail NotificationMailer) error

	// FindComment returns one comment, without a guest's address.
	// Returns ENOTFOUND.
	FindComment(ctx context.Context, id int64) (*Comment, error)

	// FindComments returns a page of a work's comments as a flat list in
	// thread order (each comment followed by its replies, depth first,
	// oldest first), with the number of threads the filter matches, in
	// one query. Held comments are left out unless f.Held; a deleted
	// comment comes with State CommentDeleted and no text.
	FindComments(ctx context.Context, f CommentFilter) ([]*Comment, int, error)

	// EditComment changes the text of a user's comment, by its writer
	// only, and sets its edited time. Returns ENOTFOUND, or EINVALID for a
	// deleted comment, bad text or an editor who is not its writer.
	EditComment(ctx context.Context, e *CommentEdit) error

	// DeleteComment deletes a comment: a comment with replies keeps its
	// place, its text removed. Callers check who may. Returns ENOTFOUND.
	DeleteComment(ctx context.Context, id int64) error

	// ApproveComment publishes a held comment and sends its
	// notifications. Returns ENOTFOUND, or EINVALID when it is not held.
	ApproveComment(ctx context.Context, id int64, mail NotificationMailer) error

	// CommentOwners returns the accounts owning the work a comment is on,
	// and the comment's writer (0 for a guest). Returns ENOTFOUND.
	CommentOwners(ctx context.Context, id int64) (owners []int64, writer int64, err error)

	// ModeratesGuestComments reports whether an account holds guests'
	// comments on its works for approval.
	ModeratesGuestComments(ctx context.Context, userID int64) (bool, error)
	// SetModerateGuestComments sets that. Returns ENOTFOUND.
	SetModerateGuestComments(ctx context.Context, userID int64, on bool) error
}
