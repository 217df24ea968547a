package fanarchive

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Feedback and kudos (docs/feedback.md). A reader, logged in or not, can
// send a work's authors a message: the archive mails it to each owning
// account's address, or for an unclaimed imported work to the address its
// original header named, from the archive's own address, with a Reply-To
// that leads back through the relay (internal/feedback), so neither side
// learns the other's address. A work with nobody to mail keeps the message
// until it is claimed. Kudos are a one-click thank-you, one per account or
// guest and work.

// Limits on what a feedback form takes.
const (
	MaxFeedbackName    = 100    // characters of a guest's name
	MaxFeedbackSubject = 200    // characters
	MaxFeedbackBody    = 10_000 // characters
)

// KudosGuestWindow is how long a guest's kudos keeps the (hashed) address it
// came from: within it, the same guest's second kudos on the work adds
// nothing.
const KudosGuestWindow = 24 * time.Hour

// FeedbackKeep is how long mailed or declined feedback is kept: replies
// through the relay work for as long. Held feedback is kept until it is
// delivered.
const FeedbackKeep = 365 * 24 * time.Hour

// Mail kinds of the relay.
const (
	MailKindFeedback      = "feedback"       // feedback to an author
	MailKindFeedbackReply = "feedback-reply" // a reply relayed either way
)

// FeedbackState is what became of a feedback message.
type FeedbackState string

// Feedback states.
const (
	FeedbackSent     FeedbackState = "sent"     // queued for the authors
	FeedbackHeld     FeedbackState = "held"     // nobody to mail: kept for whoever claims the work
	FeedbackReleased FeedbackState = "released" // a claim settled; to mail on the next pass
	FeedbackDeclined FeedbackState = "declined" // the authors take no relayed feedback
)

// Feedback is one message a reader sent to the authors of a work. The
// sender's address (a guest's, typed in the form) is private: the store
// hands it only to the functions that build relayed mail.
type Feedback struct {
	ID        int64  `json:"id"`
	WorkID    int64  `json:"work_id"`
	WorkTitle string `json:"work_title"`
	// SenderID is the sender's account, 0 for a guest.
	SenderID   int64  `json:"sender_id,omitempty"`
	SenderName string `json:"sender_name"`
	// SenderEmail is a guest's reply address; "" for an account.
	SenderEmail string        `json:"-"`
	Subject     string        `json:"subject,omitempty"`
	Body        string        `json:"body"`
	State       FeedbackState `json:"state"`
	CreatedAt   time.Time     `json:"created_at"`
	DeliveredAt time.Time     `json:"delivered_at,omitzero"`
}

// Validate checks what the sender wrote: a name for a guest, a reply
// address for a guest, an optional subject and a message, each within its
// limit and valid text. It sets SenderEmail to the checked address.
// Returns EINVALID.
func (f *Feedback) Validate() error {
	for _, t := range []struct {
		what, text string
		max        int
	}{{"name", f.SenderName, MaxFeedbackName}, {"subject", f.Subject, MaxFeedbackSubject}, {"message", f.Body, MaxFeedbackBody}} {
		if !utf8.ValidString(t.text) {
			return Errorf(EINVALID, "The %s is not valid text.", t.what)
		}
		if n := utf8.RuneCountInString(t.text); n > t.max {
			return Errorf(EINVALID, "The %s may have at most %d characters; it has %d.", t.what, t.max, n)
		}
	}
	if strings.TrimSpace(f.Body) == "" {
		return Errorf(EINVALID, "Please write a message.")
	}
	if f.SenderID == 0 {
		if strings.TrimSpace(f.SenderName) == "" {
			return Errorf(EINVALID, "Please give a name the author can call you by.")
		}
		addr, err := ValidateEmail(f.SenderEmail)
		if err != nil {
			return Errorf(EINVALID, "Please give an address the author's replies can reach: %s", ErrorMessage(err))
		}
		f.SenderEmail = addr
	}
	return nil
}

// FeedbackRoute says what sending feedback to a work does now.
type FeedbackRoute string

// Routes.
const (
	RouteMail    FeedbackRoute = "mail"    // mailed to the authors
	RouteHold    FeedbackRoute = "hold"    // kept until the work is claimed
	RouteDecline FeedbackRoute = "decline" // the authors take no relayed feedback
)

// FeedbackTarget is what sending feedback to a work would do, without any
// address.
type FeedbackTarget struct {
	WorkID    int64
	WorkTitle string
	Route     FeedbackRoute
	// Legacy says the work is unclaimed: its header's address (when
	// there is one) is mailed, and the mail invites its owner to claim.
	Legacy bool
	// Owners are the accounts owning the work (its authors' users).
	Owners []int64
}

// FeedbackRecipient is one address a relayed mail goes to. Address is
// private; AddressID names its feedback_addresses row for the signed
// "stop" link.
type FeedbackRecipient struct {
	Address   string
	AddressID int64
	// UserID is the account whose address it is, 0 for a legacy header's.
	UserID int64
	// Name is what to call them: the account's name, or the work's legacy
	// byline.
	Name string
}

// FeedbackMailer builds the mails relaying f to its recipients, one or
// more per recipient. The store calls it inside the transaction that
// records f, and queues what it returns in it.
type FeedbackMailer func(f *Feedback, to []FeedbackRecipient) ([]*OutboundMail, error)

// ReplyRoute is where a reply through the relay goes: To, and what to call
// the one replying (FromName). Scrub lists the replier's own addresses,
// which the forward must not carry.
type ReplyRoute struct {
	Feedback *Feedback
	To       FeedbackRecipient
	FromName string
	// FromUserID is the replier's account (0 for the guest sender or a
	// legacy author), which the token of the forward's Reply-To names.
	FromUserID int64
	Scrub      []string
}

// KudosSummary is who left kudos on a work.
type KudosSummary struct {
	// Users are the names of the accounts that left kudos, newest first,
	// at most the number asked for.
	Users []string
	// MoreUsers counts accounts not in Users.
	MoreUsers int
	// Guests counts guests' kudos (and those of deleted accounts).
	Guests int
	Total  int
}

// FeedbackService keeps feedback, the relay's addresses and kudos. Every
// address stays in the store but for what it hands to a FeedbackMailer.
type FeedbackService interface {
	// FindFeedbackTarget says what feedback to the work from the account
	// senderID (0: a guest) would do. Returns ENOTFOUND.
	FindFeedbackTarget(ctx context.Context, workID, senderID int64) (*FeedbackTarget, error)

	// SendFeedback validates and records f and, when the work has
	// someone to mail, queues what mail builds for them in the same
	// transaction; otherwise f is held (no address) or declined. Sets
	// f's ID, title, state and times. Returns ENOTFOUND, or EINVALID for
	// bad fields or feedback to one's own work.
	SendFeedback(ctx context.Context, f *Feedback, mail FeedbackMailer) error

	// DeliverReleasedFeedback mails the feedback a settled claim released
	// to its new owner, up to limit messages, each in its own transaction
	// with its mail, and returns how many it mailed. Feedback whose owner
	// takes no relayed feedback is declined.
	DeliverReleasedFeedback(ctx context.Context, limit int, mail FeedbackMailer) (int, error)

	// FindFeedback returns a feedback message, without its sender's
	// address. Returns ENOTFOUND.
	FindFeedback(ctx context.Context, id int64) (*Feedback, error)

	// FeedbackReplyRoute says where a reply through the relay goes: to
	// feedback id's sender (toSender, replying as its recipient account
	// fromUser, 0 for the legacy address), or from the sender to the
	// recipient fromUser. Returns ENOTFOUND for no such feedback or
	// recipient, EINVALID when the address is stopped or bounced.
	FeedbackReplyRoute(ctx context.Context, id int64, toSender bool, fromUser int64) (*ReplyRoute, error)

	// FeedbackRelayOn reports whether the account takes relayed feedback.
	FeedbackRelayOn(ctx context.Context, userID int64) (bool, error)
	// SetFeedbackRelay turns relayed feedback on or off for an account.
	// Returns ENOTFOUND.
	SetFeedbackRelay(ctx context.Context, userID int64, on bool) error
	// StopFeedbackAddress records that the relay must not write to the
	// address of row id any more. Returns ENOTFOUND.
	StopFeedbackAddress(ctx context.Context, id int64) error

	// LeaveKudos records kudos on a work by the account userID, or, with
	// userID 0, by the guest guestKey (a keyed hash of their address and
	// the work). It reports false when they left kudos already (a guest:
	// within KudosGuestWindow). Returns ENOTFOUND, or EINVALID for kudos
	// on one's own work or a guest without a key.
	LeaveKudos(ctx context.Context, workID, userID int64, guestKey string) (bool, error)
	// FindKudos returns who left kudos on a work, naming at most names
	// accounts.
	FindKudos(ctx context.Context, workID int64, names int) (*KudosSummary, error)
	// PurgeFeedback deletes feedback mailed or declined before before
	// (its relay addresses stop working), and returns how many.
	PurgeFeedback(ctx context.Context, before time.Time) (int, error)
	// PurgeKudosGuestKeys forgets the guest keys of kudos left before
	// before, and returns how many.
	PurgeKudosGuestKeys(ctx context.Context, before time.Time) (int, error)
}
