package fanarchive

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Claims and takedowns (docs/accounts.md, "Claims and takedowns"). An
// imported work is by legacy authors: names from its byline, with no
// account. The person behind one can claim it: the archive mails a one-time
// link to the address the work's original header named, which only that
// address's owner can follow, and on confirmation the legacy author becomes
// one of their pseuds, with every work by that name whose header names the
// same address. Archivists can settle a claim by hand (a header with no
// address, an address long dead), and every claim is recorded. Instead of
// claiming, anyone with an account can ask for a work to be taken down.
//
// A claim is also the moment the archive learns who a legacy author is: the
// works a settled claim moved (Claim.Works) are what later steps act on,
// e.g. delivering the feedback held for an author who could not be
// written to.

// ClaimTokenLife is how long a mailed claim link works.
const ClaimTokenLife = 7 * 24 * time.Hour

// Limits on what people write into claims and takedown requests.
const (
	MaxClaimNote      = 2000 // characters a claimant writes for the archivists
	MaxTakedownReason = 5000 // characters
)

// MailKindClaim is the kind of the mail carrying a claim link. Its
// recipient is an address from a legacy header, which the archive never
// shows: the mail sender leaves it out of its logs.
const MailKindClaim = "claim"

// ClaimState is where a claim stands.
type ClaimState string

// Claim states.
const (
	ClaimPending   ClaimState = "pending"   // a link is mailed, or an archivist is asked
	ClaimConfirmed ClaimState = "confirmed" // the claimant followed the link and confirmed
	ClaimAssigned  ClaimState = "assigned"  // an archivist settled it by hand
	ClaimRejected  ClaimState = "rejected"  // an archivist refused it
	ClaimExpired   ClaimState = "expired"   // the link ran out unused
)

// Settled reports whether the claim moved works to its user.
func (s ClaimState) Settled() bool { return s == ClaimConfirmed || s == ClaimAssigned }

// ClaimVia says how a claim was made.
type ClaimVia string

// Ways to claim.
const (
	ClaimByMail      ClaimVia = "mail"      // a link mailed to the address in the header
	ClaimByArchivist ClaimVia = "archivist" // the claimant asked an archivist to look
	ClaimByHand      ClaimVia = "assigned"  // an archivist assigned the works, unasked
)

// ClaimScope says which of a legacy author's works a claim moves.
type ClaimScope string

// Scopes.
const (
	// ScopeAddress moves the author's works whose header names the same
	// address as the work asked about: what a mailed link proves. Works by
	// the same name with another address, or none, stay with the legacy
	// author.
	ScopeAddress ClaimScope = "address"
	ScopeWork    ClaimScope = "work" // the work asked about, alone
	ScopeAll     ClaimScope = "all"  // every work by the legacy author
)

// Valid reports whether s is a known scope.
func (s ClaimScope) Valid() bool { return s == ScopeAddress || s == ScopeWork || s == ScopeAll }

// Claim is one request to be recognised as a legacy author, or an
// archivist's assignment, and what became of it. The address it rests on is
// never part of it: only whether there was one.
type Claim struct {
	ID       int64  `json:"id"`
	UserID   int64  `json:"user_id"` // 0 once the account is deleted
	UserName string `json:"user_name"`
	// AuthorID is the legacy author claimed (0 once it is gone, e.g. when
	// all its works moved to a pseud the user had), AuthorName its name.
	AuthorID   int64  `json:"author_id,omitempty"`
	AuthorName string `json:"author_name"`
	// WorkID is the work the claim was made on; WorkTitle its title then.
	WorkID    int64      `json:"work_id"`
	WorkTitle string     `json:"work_title"`
	Via       ClaimVia   `json:"via"`
	Scope     ClaimScope `json:"scope"`
	// HasAddress says whether the work's header named an address.
	HasAddress bool       `json:"has_address"`
	State      ClaimState `json:"state"`
	// Note is what the claimant wrote for the archivists.
	Note string `json:"note,omitempty"`
	// DecidedBy is the archivist who assigned or rejected it (0 for a
	// confirmed link), with their name and note.
	DecidedBy     int64  `json:"decided_by,omitempty"`
	DecidedByName string `json:"decided_by_name,omitempty"`
	DecisionNote  string `json:"decision_note,omitempty"`
	// PseudID is the pseud the works are by since the claim was settled.
	// For a pending claim it is the pseud its user chose to take the works
	// (0: a pseud of the legacy name, made when the claim settles).
	PseudID int64 `json:"pseud_id,omitempty"`
	// Works are the IDs of the works the claim moved, once settled; for a
	// pending claim read by FindClaimByToken, those confirming would move.
	Works     []int64   `json:"works,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at,omitzero"` // of the mailed link
	DecidedAt time.Time `json:"decided_at,omitzero"`
}

// ClaimTarget is what claiming a work would claim, without the address.
type ClaimTarget struct {
	WorkID    int64
	WorkTitle string
	// Authors are the work's legacy authors, in byline order; none when
	// every author of the work is a pseud already.
	Authors []Author
	// HasAddress says whether the work's header names an address a link
	// can be mailed to. A link is mailed only for a work with one legacy
	// author: the address is theirs.
	HasAddress bool
	// SameAddress is how many works of that one legacy author name the
	// same address (this one included): what a confirmed link moves.
	SameAddress int
	// SameAddressWorks are those works' IDs, in order.
	SameAddressWorks []int64
}

// CanMail reports whether a claim of the work can be proved by mail.
func (t *ClaimTarget) CanMail() bool { return t.HasAddress && len(t.Authors) == 1 }

// ClaimFilter selects claims. Zero fields do not filter.
type ClaimFilter struct {
	State  ClaimState
	Via    ClaimVia
	UserID int64
	WorkID int64 // claims made on the work, or that moved it
	Offset int
	Limit  int // defaults to 50, at most 500
}

// ValidateClaimNote checks what a claimant writes for the archivists.
// Returns EINVALID.
func ValidateClaimNote(note string) error {
	if !utf8.ValidString(note) {
		return Errorf(EINVALID, "The note is not valid text.")
	} else if n := utf8.RuneCountInString(note); n > MaxClaimNote {
		return Errorf(EINVALID, "A note has at most %d characters; this one has %d.", MaxClaimNote, n)
	}
	return nil
}

// ClaimService keeps claims of legacy authors. The address in a work's
// header never leaves it: the store reads it, mails it through the callback
// RequestClaim is given, and keeps only its hash.
type ClaimService interface {
	// FindClaimTarget returns what claiming the work would claim.
	// Returns ENOTFOUND.
	FindClaimTarget(ctx context.Context, workID int64) (*ClaimTarget, error)

	// RequestClaim records a pending claim by c.UserID of a legacy author
	// of work c.WorkID (c.AuthorID, or 0 for the work's only one), made
	// c.Via ClaimByMail or ClaimByArchivist, with c.Note. c.Scope is
	// ScopeAddress (the default when the header names an address) or
	// ScopeWork (the default otherwise): the claimant may ask for the work
	// alone, never for every work of the name. c.PseudID, when not 0, is
	// the claimant's pseud the works are to move to. By mail, the
	// token t (purpose TokenClaim; its UserID, AuthorID and WorkID are
	// set) is stored and the mails mail builds for the header's address
	// are queued, in the same transaction: the address is given to mail
	// and to nothing else. By archivist, t and mail are nil and the claim
	// waits in the archivists' queue. Sets c's ID, names, scope, state and
	// times. Returns ENOTFOUND for no such work or user, EINVALID when the
	// work has no legacy author (or several and none is named), a mail
	// claim on a work without an address or with several legacy authors,
	// a bad note, scope or pseud, or a disabled account, and ECONFLICT when the user has
	// asked an archivist about this author already.
	RequestClaim(ctx context.Context, c *Claim, t *Token, mail func(to string) ([]*OutboundMail, error)) error

	// FindClaimByToken returns the pending claim a usable claim link is
	// for, with Works the works confirming it would move now. Returns
	// ENOTFOUND for a link that is unknown, used or expired, or whose
	// claim is settled.
	FindClaimByToken(ctx context.Context, tokenID string) (*Claim, error)

	// ConfirmClaim uses the claim link of userID's claim and settles it in
	// one transaction: the legacy author becomes userID's pseud with the
	// works in the claim's scope (or, when others of its works stay, a new
	// pseud of the same name takes those works; or, when the claimant chose
	// one of their pseuds, that pseud takes them), search sees the works
	// under it at once, and the claim is recorded as confirmed with the
	// works it moved. Returns ENOTFOUND for a bad, used or expired link or
	// another user's (which stays usable by its own user), ECONFLICT when
	// the author was claimed meanwhile or another account has a pseud of
	// that name, EINVALID when the user has MaxPseuds or the chosen pseud
	// is no longer theirs.
	ConfirmClaim(ctx context.Context, tokenID string, userID int64) (*Claim, error)

	// AssignClaim settles a claim by hand for the archivist c.DecidedBy,
	// with c.DecisionNote: the pending claim c.ID (its user, work and
	// author; c.Scope may widen or narrow it), or, with c.ID 0, a new
	// record for user c.UserID of the legacy author of work c.WorkID
	// (c.AuthorID, or 0 for its only one). Works move as ConfirmClaim
	// moves them, within c.Scope, onto c.PseudID when it is not 0 (else
	// the pseud the claimant chose, else one of the legacy name). c is
	// filled as FindClaim returns it.
	// Returns ENOTFOUND, EINVALID (a bad scope, ScopeAddress for a work
	// without an address, nothing to move), ECONFLICT as ConfirmClaim.
	AssignClaim(ctx context.Context, c *Claim) error

	// RejectClaim refuses the pending claim id for archivist by, with a
	// note for the record; its link stops working. Returns ENOTFOUND, or
	// ECONFLICT when it is settled already.
	RejectClaim(ctx context.Context, id, by int64, note string) (*Claim, error)

	// FindClaim returns a claim, with the works it moved. Returns ENOTFOUND.
	FindClaim(ctx context.Context, id int64) (*Claim, error)

	// FindClaims lists claims, newest first, with the works each moved, and
	// the total. Returns EINVALID for a negative offset or limit.
	FindClaims(ctx context.Context, f ClaimFilter) ([]*Claim, int, error)
}

// TakedownState is where a takedown request stands.
type TakedownState string

// Takedown states.
const (
	TakedownPending   TakedownState = "pending"
	TakedownDone      TakedownState = "taken-down" // the work was deleted
	TakedownDismissed TakedownState = "dismissed"
)

// Takedown is a request that a work be taken down, and what archivists did.
type Takedown struct {
	ID            int64         `json:"id"`
	WorkID        int64         `json:"work_id"`
	WorkTitle     string        `json:"work_title"` // as it was when asked
	UserID        int64         `json:"user_id"`    // 0 once the account is deleted
	UserName      string        `json:"user_name"`
	Reason        string        `json:"reason"`
	State         TakedownState `json:"state"`
	DecidedBy     int64         `json:"decided_by,omitempty"`
	DecidedByName string        `json:"decided_by_name,omitempty"`
	DecisionNote  string        `json:"decision_note,omitempty"`
	CreatedAt     time.Time     `json:"created_at"`
	DecidedAt     time.Time     `json:"decided_at,omitzero"`
}

// ValidateTakedownReason checks a takedown request's reason: some text, at
// most MaxTakedownReason characters. Returns EINVALID.
func ValidateTakedownReason(reason string) error {
	switch n := utf8.RuneCountInString(reason); {
	case !utf8.ValidString(reason):
		return Errorf(EINVALID, "The reason is not valid text.")
	case strings.TrimSpace(reason) == "":
		return Errorf(EINVALID, "Please say why the work should be taken down.")
	case n > MaxTakedownReason:
		return Errorf(EINVALID, "A reason has at most %d characters; this one has %d.", MaxTakedownReason, n)
	}
	return nil
}

// TakedownFilter selects takedown requests. Zero fields do not filter.
type TakedownFilter struct {
	State  TakedownState
	WorkID int64
	Offset int
	Limit  int // defaults to 50, at most 500
}

// TakedownService keeps the archivists' queue of takedown requests.
type TakedownService interface {
	// RequestTakedown records t (WorkID, UserID, Reason) as pending and
	// sets its ID, names, state and time. Returns ENOTFOUND for no such
	// work or user, EINVALID for a bad reason, ECONFLICT when the user has
	// a pending request for the work already.
	RequestTakedown(ctx context.Context, t *Takedown) error

	// FindTakedowns lists requests and the total: pending ones oldest
	// first (the queue), any other selection newest first. Returns
	// EINVALID for a negative offset or limit.
	FindTakedowns(ctx context.Context, f TakedownFilter) ([]*Takedown, int, error)

	// DecideTakedown settles the pending request id for archivist by:
	// takeDown deletes the work as DeleteWork does (its sources are kept),
	// and settles every other pending request for it alike; otherwise the
	// request is dismissed. Returns ENOTFOUND, or ECONFLICT when it is
	// settled already.
	DecideTakedown(ctx context.Context, id, by int64, takeDown bool, note string) (*Takedown, error)
}
