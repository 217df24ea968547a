package fanarchive

import (
	"context"
	"time"
)

// Pseud is one of a user's names: an Author with a UserID, with how many
// works it is on. Every user has a default pseud named as the user, which
// cannot be renamed or deleted.
type Pseud struct {
	Author
	Default bool `json:"default"`
	Works   int  `json:"works"`
}

// UserService keeps accounts. Passwords reach it already hashed
// (internal/auth); it never sees one. Mail that an account change sends is
// queued in the same transaction as the change.
type UserService interface {
	// CreateUser stores a new account with its roles and its default pseud
	// (named as the user), and, in the same transaction, the token and the
	// mails that confirm its address (confirm and mails may be nil: an
	// account made with EmailConfirmed set needs none), and sets u.ID,
	// u.CreatedAt and confirm.UserID. Returns EINVALID, or ECONFLICT when
	// the name is taken (by UserNameKey, against users, pseuds and legacy
	// authors: the message says which) or the address is (by EmailKey).
	CreateUser(ctx context.Context, u *User, confirm *Token, mails []*OutboundMail) error

	// FindUserByID returns a user with roles. Returns ENOTFOUND.
	FindUserByID(ctx context.Context, id int64) (*User, error)
	// FindUserByName returns the user whose name has the same UserNameKey
	// as name. Returns ENOTFOUND.
	FindUserByName(ctx context.Context, name string) (*User, error)
	// FindUserByLogin returns the user whose name (by UserNameKey) or
	// address (by EmailKey) is login. Returns ENOTFOUND.
	FindUserByLogin(ctx context.Context, login string) (*User, error)
	// FindUsers lists accounts by name key, with the total. Limit 0 means
	// 50, at most 500. Returns EINVALID for a negative offset.
	FindUsers(ctx context.Context, offset, limit int) ([]*User, int, error)

	// SetPassword replaces a user's password hash and ends every session of
	// theirs but keep ("" ends them all). Returns ENOTFOUND.
	SetPassword(ctx context.Context, userID int64, hash string, keep SessionID) error
	// UpgradePasswordHash replaces a hash made with old parameters by one
	// of the same password made with the current ones, unless the hash was
	// changed meanwhile; sessions are left alone. Returns ENOTFOUND.
	UpgradePasswordHash(ctx context.Context, userID int64, oldHash, newHash string) error
	// SetRole grants or revokes a role; granting one the user has, or
	// revoking one they lack, is no error. Returns ENOTFOUND or EINVALID.
	SetRole(ctx context.Context, userID int64, role Role, granted bool) error
	// SetUserDisabled disables an account (it cannot log in, and its
	// sessions end) or enables it again. Returns ENOTFOUND.
	SetUserDisabled(ctx context.Context, userID int64, disabled bool) error
	// RequestEmailChange records email as the user's pending address, with
	// the token that confirms it and its mails, in one transaction; the
	// address in use stays until the token is used. Returns EINVALID,
	// ENOTFOUND, or ECONFLICT when another account has the address.
	RequestEmailChange(ctx context.Context, userID int64, email string, confirm *Token, mails []*OutboundMail) error

	// DeleteUser deletes an account: its sessions, tokens and roles go;
	// with orphan its pseuds' works move to the shared OrphanAuthorName
	// pseud (made when first needed), otherwise works only its pseuds are
	// on are deleted (as DeleteWork does) and it is taken off the others;
	// then its pseuds are removed. Search sees the changes at once.
	// Returns ENOTFOUND.
	DeleteUser(ctx context.Context, userID int64, orphan bool) error
}

// PseudService keeps the names users write under. Pseud names follow
// ValidateUserName and share one name space with user names and legacy
// authors (by UserNameKey).
type PseudService interface {
	// FindPseud returns the pseud with this author ID (with Works unset).
	// Returns ENOTFOUND, also for a legacy author.
	FindPseud(ctx context.Context, id int64) (*Pseud, error)
	// FindPseuds returns a user's pseuds, the default first, then by name,
	// each with its count of works. Returns ENOTFOUND for no such user.
	FindPseuds(ctx context.Context, userID int64) ([]*Pseud, error)
	// CreatePseud adds a pseud. Returns ENOTFOUND for no such user,
	// EINVALID for a bad name or when the user has MaxPseuds, ECONFLICT
	// when the name is taken.
	CreatePseud(ctx context.Context, userID int64, name string) (*Pseud, error)
	// RenamePseud renames one of the user's pseuds other than the default;
	// search sees its works under the new name at once. Returns ENOTFOUND
	// when the user has no such pseud, EINVALID, or ECONFLICT.
	RenamePseud(ctx context.Context, userID, pseudID int64, name string) error
	// DeletePseud deletes one of the user's pseuds other than the default;
	// its works move to the default pseud. Returns ENOTFOUND or EINVALID.
	DeletePseud(ctx context.Context, userID, pseudID int64) error
}

// SessionID is the hash of a session's token: the token itself is only in
// the user's cookie.
type SessionID string

// Session is a logged-in browser.
type Session struct {
	ID     SessionID
	UserID int64
	// Remember is "remember me": the session lasts weeks and its cookie
	// outlives the browser; otherwise it ends after hours idle.
	Remember bool
	// Idle is how long the session lasts unused: SeenAt+Idle ends it.
	Idle time.Duration
	// ExpiresAt ends it however much it is used (the absolute expiry).
	ExpiresAt time.Time
	CreatedAt time.Time
	// SeenAt is when it was last used, to the minute.
	SeenAt time.Time
}

// SessionSeenEvery is how often a session's SeenAt is written at most, to
// spare the database a write per request.
const SessionSeenEvery = time.Minute

// SessionService keeps sessions.
type SessionService interface {
	// CreateSession stores a session; CreatedAt and SeenAt default to now.
	// Returns EINVALID, ENOTFOUND for no such user, ECONFLICT for an ID in
	// use.
	CreateSession(ctx context.Context, s *Session) error
	// FindSession returns a live session and its user, and records that it
	// was seen (at most once every SessionSeenEvery). Returns ENOTFOUND for
	// an unknown, idle, expired one, or one whose user is disabled.
	FindSession(ctx context.Context, id SessionID) (*Session, *User, error)
	// DeleteSession ends a session (log out). Unknown ones are no error.
	DeleteSession(ctx context.Context, id SessionID) error
}

// TokenPurpose says what a mailed link does.
type TokenPurpose string

// Token purposes. Claims and co-author invitations are for later steps.
const (
	TokenConfirmEmail  TokenPurpose = "confirm-email"  // confirms User.Email or PendingEmail
	TokenResetPassword TokenPurpose = "reset-password" // lets its holder set a new password
	TokenClaim         TokenPurpose = "claim"          // proves an imported work's address
	TokenCoauthor      TokenPurpose = "coauthor"       // an invitation to co-author a work
)

// Token lifetimes.
const (
	ConfirmTokenLife = 48 * time.Hour
	ResetTokenLife   = time.Hour
)

// Token is a single-use secret sent by mail: the link carries the secret,
// the database only its hash (ID).
type Token struct {
	ID        string // SHA-256 of the secret, hex
	Purpose   TokenPurpose
	UserID    int64
	Email     string // the address it was sent to
	AuthorID  int64  // a claim's legacy author
	WorkID    int64  // a co-author invitation's work
	ExpiresAt time.Time
	CreatedAt time.Time
}

// TokenService keeps mailed tokens. A used, expired, unknown or forged
// token is ENOTFOUND alike, so a replayed link looks like any bad one.
type TokenService interface {
	// CreateToken stores a token and its mails in one transaction.
	// Returns EINVALID or ENOTFOUND (no such user).
	CreateToken(ctx context.Context, t *Token, mails []*OutboundMail) error
	// FindToken returns a token if it exists with this purpose, unused and
	// unexpired, without using it (to show the form it leads to).
	// Returns ENOTFOUND.
	FindToken(ctx context.Context, id string, purpose TokenPurpose) (*Token, error)
	// UseToken marks a token used and returns it, if it exists with this
	// purpose, unused and unexpired. Returns ENOTFOUND.
	UseToken(ctx context.Context, id string, purpose TokenPurpose) (*Token, error)
	// ConfirmEmail uses a confirm-email token and confirms the address it
	// was sent to: the account's own, or its pending one, which replaces
	// it. Other confirm-email tokens of the user for that address are used
	// up with it. Returns ENOTFOUND, or ECONFLICT when another account has
	// confirmed the pending address since.
	ConfirmEmail(ctx context.Context, id string) (*User, error)
	// ResetPassword uses a reset-password token, sets the user's password
	// hash, ends all their sessions and uses up their other reset tokens.
	// The address the link was sent to is confirmed by it. Returns
	// ENOTFOUND.
	ResetPassword(ctx context.Context, id, hash string) (*User, error)
}

// RateLimiter counts requests in fixed windows, in the database, so every
// process serving the archive shares the counts.
type RateLimiter interface {
	// HitRateLimit counts one request against key and reports whether it is
	// within limit requests per window; when not, retryAfter is when the
	// window ends. A refused request is counted too. Returns EINVALID for a
	// limit under 1 or a window under a second.
	HitRateLimit(ctx context.Context, key string, limit int, window time.Duration) (allowed bool, retryAfter time.Duration, err error)
}

// AccountMaintenance keeps the account tables small.
type AccountMaintenance interface {
	// Secret returns the named server secret (32 random bytes), making it
	// the first time it is asked for, so that every process on the
	// database shares it (e.g. the key of CSRF tokens).
	Secret(ctx context.Context, name string) ([]byte, error)
	// PurgeAccounts deletes expired sessions, tokens used or expired a day
	// ago, rate-limit windows that ended, and accounts whose address was
	// never confirmed a week after sign-up (their names and addresses are
	// free again). It returns how many rows went.
	PurgeAccounts(ctx context.Context) (int, error)
}
