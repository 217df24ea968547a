package fanarchive

import (
	"context"
	"time"
)

// Subscriptions and the inbox (docs/comments.md). A user subscribes to a
// work (its new chapters), an author (their new works), a series (works
// added to it) or a tag (works tagged with it or one of its synonyms).
// Events become notifications in the user's on-site inbox and, by the
// user's choice, mail: one per notification, a daily digest, or none.
// Comments on one's works and replies to one's comments are notifications
// too.

// SubscriptionKind is what a subscription follows.
type SubscriptionKind string

// Subscription kinds.
const (
	SubscribeWork   SubscriptionKind = "work"   // new chapters
	SubscribeAuthor SubscriptionKind = "author" // new works by the author (a pseud or a legacy name)
	SubscribeSeries SubscriptionKind = "series" // works added to the series
	SubscribeTag    SubscriptionKind = "tag"    // works tagged, through synonyms
)

// Valid reports whether k is a kind of subscription.
func (k SubscriptionKind) Valid() bool {
	return k == SubscribeWork || k == SubscribeAuthor || k == SubscribeSeries || k == SubscribeTag
}

// Subscription is one user's subscription to one thing.
type Subscription struct {
	ID       int64            `json:"id"`
	UserID   int64            `json:"user_id"`
	Kind     SubscriptionKind `json:"kind"`
	TargetID int64            `json:"target_id"`
	// Name is what it follows, for pages: the work's or series' title,
	// the author's or tag's name. Set by the store.
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// NotificationKind is what a notification says happened.
type NotificationKind string

// Notification kinds.
const (
	NotifyNewChapter NotificationKind = "new-chapter" // a subscribed work has a new chapter
	NotifyNewWork    NotificationKind = "new-work"    // a subscribed author published a work
	NotifySeriesWork NotificationKind = "series-work" // a work was added to a subscribed series
	NotifyTagged     NotificationKind = "tagged"      // a work was tagged with a subscribed tag
	NotifyComment    NotificationKind = "comment"     // a comment on one of your works
	NotifyReply      NotificationKind = "reply"       // a reply to one of your comments
)

// Notification is one item of a user's inbox.
type Notification struct {
	ID     int64            `json:"id"`
	UserID int64            `json:"user_id"`
	Kind   NotificationKind `json:"kind"`
	WorkID int64            `json:"work_id"`
	// WorkTitle is the work's title when the notification was made.
	WorkTitle string `json:"work_title"`
	ChapterID int64  `json:"chapter_id,omitempty"`
	// CommentID is the comment of a comment or reply notification.
	CommentID int64 `json:"comment_id,omitempty"`
	// SubscriptionID is the subscription that caused it, 0 for comments.
	SubscriptionID int64 `json:"subscription_id,omitempty"`
	// Text is what the inbox says besides the title: the chapter's
	// number, the subscription's name, or a comment's writer and the
	// first words of the comment (never the chapter's text).
	Text      string    `json:"text"`
	Read      bool      `json:"read"`
	CreatedAt time.Time `json:"created_at"`
}

// MailMode is how a user wants notifications by mail.
type MailMode string

// Mail modes.
const (
	MailEach  MailMode = "each"  // a mail per notification (the default)
	MailDaily MailMode = "daily" // one digest a day
	MailNone  MailMode = "none"  // the inbox only
)

// Valid reports whether m is a mail mode.
func (m MailMode) Valid() bool { return m == MailEach || m == MailDaily || m == MailNone }

// Mail kinds of notifications.
const (
	MailKindNotification = "notification" // one notification by mail
	MailKindDigest       = "digest"       // a day's notifications
)

// NotificationRecipient is the account a notification mail goes to: its
// confirmed address (private) and name.
type NotificationRecipient struct {
	UserID  int64
	Name    string
	Address string
	// Digest is the day (YYYY-MM-DD, UTC) of the digest this mail is
	// (SendDigests), "" for a mail per notification.
	Digest string
}

// NotificationMailer builds the mails of notifications for one recipient:
// one notification for a user who wants each by mail, a day's for a
// digest. The store calls it in the transaction that makes the
// notifications (or marks them digested) and queues what it returns
// there; each mail should carry a Key, so nothing is queued twice.
type NotificationMailer func(to NotificationRecipient, ns []*Notification) ([]*OutboundMail, error)

// NotificationFilter selects a page of a user's inbox, newest first.
type NotificationFilter struct {
	UserID        int64
	Unread        bool
	Offset, Limit int // Limit 0 means 50, at most 200
}

// SubscriptionService keeps subscriptions and the inbox.
type SubscriptionService interface {
	// Subscribe stores s (UserID, Kind, TargetID) and sets its ID, name
	// and time; subscribing twice returns the first subscription.
	// Returns ENOTFOUND for no such target, EINVALID for a bad kind.
	Subscribe(ctx context.Context, s *Subscription) error
	// Unsubscribe deletes a subscription of the user's. Returns
	// ENOTFOUND when there is none (a link followed twice, too).
	Unsubscribe(ctx context.Context, id, userID int64) error
	// FindSubscription returns one subscription. Returns ENOTFOUND.
	FindSubscription(ctx context.Context, id int64) (*Subscription, error)
	// FindSubscriptions returns a user's subscriptions, newest first.
	FindSubscriptions(ctx context.Context, userID int64) ([]*Subscription, error)
	// SubscriptionTo returns the user's subscription to a target, or
	// ENOTFOUND.
	SubscriptionTo(ctx context.Context, userID int64, kind SubscriptionKind, targetID int64) (*Subscription, error)

	// NotifySubscribers is the fan-out pass: it reads up to limit changes
	// of works since the last pass, and for each work that is now public
	// makes the notifications its changes call for (a new work for its
	// authors', series' and tags' subscribers, new chapters for the
	// work's, a series or tag added later), mailing those who want each,
	// and returns how many notifications it made. Each batch is one
	// transaction with the pass's progress, so a crash repeats nothing
	// and loses nothing.
	NotifySubscribers(ctx context.Context, limit int, mail NotificationMailer) (int, error)

	// SendDigests mails each user who wants a daily digest and has
	// notifications not yet mailed one digest of them, at most one a day
	// (keyed by user and day), up to limit users, and returns how many.
	SendDigests(ctx context.Context, limit int, mail NotificationMailer) (int, error)

	// FindNotifications returns a page of the inbox and the total the
	// filter matches.
	FindNotifications(ctx context.Context, f NotificationFilter) ([]*Notification, int, error)
	// CountUnread counts a user's unread notifications.
	CountUnread(ctx context.Context, userID int64) (int, error)
	// MarkNotifications marks the user's notifications ids read or
	// unread; others' are left alone.
	MarkNotifications(ctx context.Context, userID int64, ids []int64, read bool) error
	// DeleteNotifications deletes the user's notifications ids.
	DeleteNotifications(ctx context.Context, userID int64, ids []int64) error

	// NotificationMailMode returns how the user wants notifications by
	// mail.
	NotificationMailMode(ctx context.Context, userID int64) (MailMode, error)
	// SetNotificationMailMode sets it. Returns ENOTFOUND or EINVALID.
	SetNotificationMailMode(ctx context.Context, userID int64, m MailMode) error
}
