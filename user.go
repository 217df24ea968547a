package fanarchive

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Accounts. A User is a person who signed up; the names they write under are
// pseuds, which are Authors with a UserID. Authors of imported works are names
// only (UserID 0) until someone claims them by proving the address in the
// original header: the legacy author then becomes one of the claimant's
// pseuds. So Author stays the one name every work is by, and User the account
// behind some of them. Design: docs/accounts.md.

// Role is a power on the archive beyond a reader's and a writer's own.
type Role string

// Roles. A user may have several; none is an ordinary account.
const (
	RoleAdmin     Role = "admin"     // grants roles, disables accounts; has every other role too
	RoleArchivist Role = "archivist" // imports, the review queue, claims and takedowns
	RoleModerator Role = "moderator" // hides comments and works, handles reports
	RoleWrangler  Role = "wrangler"  // tag synonyms, renames and merges
)

// Roles lists every role, in the order pages show them.
var Roles = []Role{RoleAdmin, RoleArchivist, RoleModerator, RoleWrangler}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// Limits on account fields.
const (
	MinUserNameLen = 3
	MaxUserNameLen = 40  // runes
	MaxEmailLen    = 254 // bytes, RFC 5321's path limit
	MinPasswordLen = 8   // runes
	MaxPasswordLen = 256 // bytes: argon2 takes any length; a bound keeps hashing cheap to refuse
	MaxPseuds      = 20  // pseuds per user, the default one included
)

// OrphanAuthorName is the shared pseud that works of deleted accounts are
// moved to when their authors ask for it (AO3's "orphan_account"). It
// belongs to no user, and nobody may take the name.
const OrphanAuthorName = "orphan_account"

// reservedNames are names no user or pseud may have (by UserNameKey).
var reservedNames = map[string]bool{"orphan_account": true, "anonymous": true}

// User is an account. Email is private: it is shown to its owner only, and
// used to send them mail; PendingEmail is an address they asked to change to
// and have not confirmed yet.
type User struct {
	ID int64 `json:"id"`
	// Name is the user name as typed at sign-up; UserNameKey(Name) is what
	// two names must not share. The user's default pseud has this name.
	Name           string `json:"name"`
	Email          string `json:"email"`
	EmailConfirmed bool   `json:"email_confirmed"`
	PendingEmail   string `json:"pending_email,omitempty"`
	// Roles is sorted in the order of Roles.
	Roles     []Role    `json:"roles"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
	// PasswordHash is the encoded argon2id hash (internal/auth); never
	// shown, never logged.
	PasswordHash string `json:"-"`
}

// HasRole reports whether the user has the role. Admins have every role; a
// disabled user has none.
func (u *User) HasRole(r Role) bool {
	if u == nil || u.Disabled {
		return false
	}
	for _, have := range u.Roles {
		if have == r || have == RoleAdmin {
			return true
		}
	}
	return false
}

// Validate checks the fields a store keeps: the name, the address and that
// a password hash is set. Returns EINVALID with a message for the person
// typing them.
func (u *User) Validate() error {
	if err := ValidateUserName(u.Name); err != nil {
		return err
	}
	if _, err := ValidateEmail(u.Email); err != nil {
		return err
	}
	if u.PasswordHash == "" {
		return Errorf(EINVALID, "A password is needed.")
	}
	for _, r := range u.Roles {
		if !r.Valid() {
			return Errorf(EINVALID, "There is no role %q.", r)
		}
	}
	return nil
}

// UserNameKey reduces a user or pseud name to what makes two names the same
// account name: Unicode compatibility forms folded (NFKC: "ｍｉｃｈｅｌｌｅ" and
// "ﬁ" are "michelle" and "fi"), case folded, and runs of spaces, dots,
// dashes and underscores read as one separator. So "Michelle", "MICHELLE",
// "michelle_" and a full-width "Ｍｉｃｈｅｌｌｅ" cannot be four people.
func UserNameKey(name string) string {
	s := cases.Fold().String(norm.NFKC.String(name))
	s = norm.NFKC.String(s) // folding can leave forms NFKC would change again
	var b strings.Builder
	sep := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '.' || r == '-' || r == '_':
			sep = b.Len() > 0
		default:
			if sep {
				b.WriteByte('_')
				sep = false
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ValidateUserName checks a user or pseud name: 3–40 characters of letters,
// digits, spaces, dots, dashes and underscores, starting with a letter or
// digit, in valid UTF-8, and not a reserved name. Returns EINVALID with a
// message for the person typing it.
func ValidateUserName(name string) error {
	if !utf8.ValidString(name) {
		return Errorf(EINVALID, "The name is not valid text.")
	}
	n := utf8.RuneCountInString(name)
	if n < MinUserNameLen || n > MaxUserNameLen {
		return Errorf(EINVALID, "A name has %d to %d characters; this one has %d.", MinUserNameLen, MaxUserNameLen, n)
	}
	for i, r := range name {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || (i > 0 && unicode.Is(unicode.Mn, r)):
		case i > 0 && (r == ' ' || r == '.' || r == '-' || r == '_'):
		default:
			if i == 0 {
				return Errorf(EINVALID, "A name starts with a letter or a digit.")
			}
			return Errorf(EINVALID, "A name has only letters, digits, spaces, dots, dashes and underscores; %q is not one.", r)
		}
	}
	if strings.TrimSpace(name) != name || strings.Contains(name, "  ") {
		return Errorf(EINVALID, "A name does not end with a space or have two in a row.")
	}
	if key := UserNameKey(name); len([]rune(key)) < MinUserNameLen {
		return Errorf(EINVALID, "A name has at least %d letters or digits.", MinUserNameLen)
	} else if reservedNames[key] {
		return Errorf(EINVALID, "The name %q is reserved.", name)
	}
	return nil
}

// ValidateEmail checks an address typed into a form and returns it trimmed
// of surrounding spaces: a bare address (no display name, angle brackets or
// comments) that net/mail reads as itself, with a local part of at most 64
// bytes and a domain with a dot, no control characters or spaces, at most
// MaxEmailLen bytes. Returns EINVALID.
func ValidateEmail(addr string) (string, error) {
	addr = strings.TrimSpace(addr)
	bad := Errorf(EINVALID, "That is not an e-mail address we can send to; write it as name@example.org.")
	if addr == "" {
		return "", Errorf(EINVALID, "An e-mail address is needed.")
	}
	if len(addr) > MaxEmailLen {
		return "", Errorf(EINVALID, "An e-mail address has at most %d characters.", MaxEmailLen)
	}
	if !utf8.ValidString(addr) || strings.ContainsFunc(addr, func(r rune) bool {
		return unicode.IsControl(r) || unicode.IsSpace(r) || strings.ContainsRune(`<>()[]\,;:"`, r)
	}) {
		return "", bad
	}
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Name != "" || a.Address != addr || ValidateMailPath(addr) != nil {
		return "", bad
	}
	at := strings.LastIndexByte(addr, '@')
	local, domain := addr[:at], addr[at+1:]
	if len(local) > 64 || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") ||
		strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return "", bad
	}
	return addr, nil
}

// EmailKey is what two addresses must not share: the address lower-cased.
// (Local parts may be case-sensitive by the RFCs; in practice they are not,
// and two accounts for Kim@ and kim@ would be one person's.)
func EmailKey(addr string) string { return strings.ToLower(strings.TrimSpace(addr)) }

// ValidatePassword checks a new password's length: 8 runes to 256 bytes, in
// valid UTF-8. Returns EINVALID.
func ValidatePassword(pw string) error {
	switch {
	case !utf8.ValidString(pw):
		return Errorf(EINVALID, "The password is not valid text.")
	case utf8.RuneCountInString(pw) < MinPasswordLen:
		return Errorf(EINVALID, "A password has at least %d characters.", MinPasswordLen)
	case len(pw) > MaxPasswordLen:
		return Errorf(EINVALID, "A password has at most %d bytes.", MaxPasswordLen)
	}
	return nil
}
