package fanarchive

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Mailing lists (docs/lists.md). An archive hosts lists; members get each
// post, a daily digest or no mail; posts come in by SMTP (internal/mailin)
// or from the site, are held for moderators or posted to members through
// the outbox, and are kept in the list's message archive. A post that is a
// story is also filed as a work (internal/records). internal/lists runs the
// list; internal/listmail builds and reads its mail; this file holds the
// types and the store's part.

// ListPolicy says who may post to a list without a moderator's approval.
type ListPolicy string

// List policies.
const (
	ListMembersOnly ListPolicy = "members"   // members post; others are held for a moderator
	ListModerated   ListPolicy = "moderated" // every post is held for a moderator
	ListOpen        ListPolicy = "open"      // anyone posts (loops, bans and size still apply)
)

// Valid reports whether p is a known policy.
func (p ListPolicy) Valid() bool {
	return p == ListMembersOnly || p == ListModerated || p == ListOpen
}

// AnnounceMode says what a list takes of works posted on the site.
type AnnounceMode string

// Announce modes.
const (
	AnnounceNone    AnnounceMode = "none"    // no announcements
	AnnounceSummary AnnounceMode = "summary" // title, authors, rating, summary and a link
	AnnounceFull    AnnounceMode = "full"    // the whole text, as a story post
)

// Valid reports whether m is a known mode.
func (m AnnounceMode) Valid() bool {
	return m == AnnounceNone || m == AnnounceSummary || m == AnnounceFull
}

// DeliveryMode is how a member gets a list's posts.
type DeliveryMode string

// Delivery modes.
const (
	DeliverEach   DeliveryMode = "each"   // every post, as it is posted
	DeliverDigest DeliveryMode = "digest" // one digest a day
	DeliverNone   DeliveryMode = "none"   // no mail: reads the archive on the web
)

// Valid reports whether m is a known mode.
func (m DeliveryMode) Valid() bool {
	return m == DeliverEach || m == DeliverDigest || m == DeliverNone
}

// MemberState is where a membership stands.
type MemberState string

// Member states.
const (
	MemberPending      MemberState = "pending"      // asked to join; the confirmation is not answered yet
	MemberActive       MemberState = "active"       // gets mail by its delivery mode, posts as a member
	MemberDisabled     MemberState = "disabled"     // mail to it bounced too often; gets none until re-enabled
	MemberUnsubscribed MemberState = "unsubscribed" // left; may join again
	MemberBanned       MemberState = "banned"       // may neither post nor join (also set for non-members)
)

// ListMessageState is what became of a message sent to a list.
type ListMessageState string

// Message states.
const (
	ListMessageHeld     ListMessageState = "held"     // waiting for a moderator
	ListMessagePosted   ListMessageState = "posted"   // sent to members and in the archive
	ListMessageRejected ListMessageState = "rejected" // a moderator refused it (kept, not shown)
)

// ModerationDecision is what a moderator does with a held message.
type ModerationDecision string

// Moderation decisions.
const (
	ModerationApprove ModerationDecision = "approve" // post it
	ModerationReject  ModerationDecision = "reject"  // refuse it
	ModerationBan     ModerationDecision = "ban"     // refuse it and ban its sender from the list
)

// Mail kinds of lists (OutboundMail.Kind).
const (
	MailKindListPost       = "list-post"       // a post to a member
	MailKindListDigest     = "list-digest"     // a daily digest to a member
	MailKindListConfirm    = "list-confirm"    // "confirm your subscription"
	MailKindListNotice     = "list-notice"     // welcome, goodbye, "your post is held", help, refusals
	MailKindListModeration = "list-moderation" // "a post is held" to moderators
)

// List limits and defaults.
const (
	MaxListNameLen        = 40
	MaxListTitle          = 100      // characters
	MaxListText           = 10_000   // characters of a description or rules
	DefaultListMaxSize    = 2 << 20  // bytes of a post: room for a long story part
	MaxListMaxSize        = 20 << 20 // the most a list may take
	DefaultBounceDisable  = 5        // bounces (on distinct days) that disable a member
	ListConfirmTokenLife  = 7 * 24 * time.Hour
	ListDigestMaxMessages = 200 // posts in one digest; more make a second digest
)

// listNameRE is a list's name: the local part of its addresses, so
// lower-case letters, digits and inner hyphens, not ending in a suffix the
// list's own command addresses use.
var listNameRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`)

// ListCommandSuffixes are the local-part suffixes of a list's command
// addresses: NAME-request, NAME-subscribe… (internal/listmail reads them).
var ListCommandSuffixes = []string{"-request", "-subscribe", "-unsubscribe", "-owner", "-bounces", "-confirm", "-moderate"}

// ValidateListName checks a list's name. Returns EINVALID.
func ValidateListName(name string) error {
	if len(name) == 0 || len(name) > MaxListNameLen || !listNameRE.MatchString(name) {
		return Errorf(EINVALID, "A list's name is 1 to %d lower-case letters, digits and hyphens (not at either end), e.g. level3.", MaxListNameLen)
	}
	for _, s := range ListCommandSuffixes {
		if strings.HasSuffix(name, s) {
			return Errorf(EINVALID, "A list's name may not end in %q: the list's command addresses do.", s)
		}
	}
	return nil
}

// List is a mailing list the archive runs.
type List struct {
	ID int64 `json:"id"`
	// Name is the list's short name, unique: the local part of its
	// address and of its command addresses, and its URL (/lists/NAME).
	Name string `json:"name"`
	// Address is where posts go, e.g. level3@lists.example.org; its local
	// part is Name. Command addresses are on its domain.
	Address     string     `json:"address"`
	Title       string     `json:"title"` // "Level Three"
	Description string     `json:"description,omitempty"`
	Rules       string     `json:"rules,omitempty"`
	Fandoms     []string   `json:"fandoms,omitempty"`
	Policy      ListPolicy `json:"policy"`
	// MaxSize is the largest post in bytes, as received.
	MaxSize int64 `json:"max_size"`
	// ArchiveWorks says whether posts that are stories become works.
	ArchiveWorks bool `json:"archive_works"`
	// Announce says what the list takes of works posted on the site.
	Announce AnnounceMode `json:"announce"`
	// DigestHour is the hour of the day (0–23, UTC) the digest goes out.
	DigestHour int `json:"digest_hour"`
	// SubjectTag is put before the subject of posts, e.g. "[level3]"; ""
	// for none.
	SubjectTag string `json:"subject_tag,omitempty"`
	// Moderators are the accounts that moderate the list (admins and the
	// moderator role may moderate every list).
	Moderators []int64 `json:"moderators,omitempty"`
	// Members counts active members (set by reads that say so).
	Members   int       `json:"members"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Domain returns the domain of the list's address.
func (l *List) Domain() string {
	if i := strings.LastIndexByte(l.Address, '@'); i >= 0 {
		return l.Address[i+1:]
	}
	return ""
}

// CommandAddress returns the list's command address with the suffix, e.g.
// CommandAddress("-request") is level3-request@domain.
func (l *List) CommandAddress(suffix string) string {
	return l.Name + suffix + "@" + l.Domain()
}

// Validate checks a list's fields and fills in defaults (policy members,
// announce none, size DefaultListMaxSize, and for a new list the subject
// tag "[NAME]" when unset; a stored list may have none). Returns EINVALID.
func (l *List) Validate() error {
	if err := ValidateListName(l.Name); err != nil {
		return err
	}
	addr, err := ValidateEmail(l.Address)
	if err != nil {
		return Errorf(EINVALID, "The list's address: %s", ErrorMessage(err))
	}
	l.Address = strings.ToLower(addr)
	if local := l.Address[:strings.LastIndexByte(l.Address, '@')]; local != l.Name {
		return Errorf(EINVALID, "The list's address must be %s@ its domain, not %s.", l.Name, l.Address)
	}
	if strings.TrimSpace(l.Title) == "" {
		l.Title = l.Name
	}
	for _, t := range []struct {
		what, text string
		max        int
	}{{"title", l.Title, MaxListTitle}, {"description", l.Description, MaxListText}, {"rules", l.Rules, MaxListText}, {"subject tag", l.SubjectTag, 50}} {
		if !utf8.ValidString(t.text) {
			return Errorf(EINVALID, "The list's %s is not valid text.", t.what)
		}
		if n := utf8.RuneCountInString(t.text); n > t.max {
			return Errorf(EINVALID, "The list's %s may have at most %d characters; it has %d.", t.what, t.max, n)
		}
	}
	if strings.ContainsAny(l.Title+l.SubjectTag, "\r\n") {
		return Errorf(EINVALID, "The list's title and subject tag must be one line.")
	}
	if l.Policy == "" {
		l.Policy = ListMembersOnly
	}
	if l.ID == 0 && l.SubjectTag == "" {
		l.SubjectTag = "[" + l.Name + "]"
	}
	if !l.Policy.Valid() {
		return Errorf(EINVALID, "There is no posting policy %q: use members, moderated or open.", l.Policy)
	}
	if l.Announce == "" {
		l.Announce = AnnounceNone
	}
	if !l.Announce.Valid() {
		return Errorf(EINVALID, "There is no announce mode %q: use none, summary or full.", l.Announce)
	}
	if l.MaxSize == 0 {
		l.MaxSize = DefaultListMaxSize
	}
	if l.MaxSize < 1024 || l.MaxSize > MaxListMaxSize {
		return Errorf(EINVALID, "A list's size limit is between 1 KB and %d MB.", MaxListMaxSize>>20)
	}
	if l.DigestHour < 0 || l.DigestHour > 23 {
		return Errorf(EINVALID, "The digest hour is 0 to 23.")
	}
	return nil
}

// ListMember is one address's membership of a list. Address is private:
// shown to the member and to the list's moderators only.
type ListMember struct {
	ID     int64 `json:"id"`
	ListID int64 `json:"list_id"`
	// Address is where the list mails the member, as confirmed.
	Address string `json:"address"`
	// UserID is the account whose confirmed address it is, 0 for none.
	UserID int64        `json:"user_id,omitempty"`
	Name   string       `json:"name,omitempty"`
	Mode   DeliveryMode `json:"mode"`
	State  MemberState  `json:"state"`
	// Bounces counts the days on which mail to the member bounced since it
	// last got through; at the list's limit the member is disabled.
	Bounces      int       `json:"bounces"`
	LastBounceAt time.Time `json:"last_bounce_at,omitzero"`
	CreatedAt    time.Time `json:"created_at"`
	ConfirmedAt  time.Time `json:"confirmed_at,omitzero"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// MemberFilter selects a list's members for a members page.
type MemberFilter struct {
	State  MemberState // "" for every state
	Mode   DeliveryMode
	Search string // part of the address or name
	Offset int
	Limit  int // at most 1,000; 0 means 100
}

// ListMessage is one message sent to a list, kept in its message archive
// (posted), in its moderation queue (held) or as refused (rejected). Its
// raw bytes are kept as received.
type ListMessage struct {
	ID     int64 `json:"id"`
	ListID int64 `json:"list_id"`
	// Key is unique per received message and list (the inbound spool's
	// name, or "site:…" for the site's own posts): receiving the same key
	// twice for a list stores one message; one spooled message sent to
	// two lists may carry the same key to both.
	Key string `json:"-"`
	// MessageID, InReplyTo and References are as written, with angle
	// brackets ("<id@host>").
	MessageID  string   `json:"message_id"`
	InReplyTo  string   `json:"in_reply_to,omitempty"`
	References []string `json:"references,omitempty"`
	// ThreadID is the ID of the first message of its thread (its own for
	// a message that starts one): found by In-Reply-To and References
	// among the list's messages, else by the subject without "Re:" and the
	// list's tag among the last 30 days' messages.
	ThreadID int64  `json:"thread_id"`
	Subject  string `json:"subject"`
	// FromName is the poster's display name; FromAddress is private
	// (moderators and the store's mail builders only).
	FromName    string `json:"from_name"`
	FromAddress string `json:"-"`
	// UserID is the poster's account, when FromAddress is an account's
	// confirmed address.
	UserID int64     `json:"user_id,omitempty"`
	Date   time.Time `json:"date"` // the message's Date, else when received
	// Text is the body as shown in the archive: plain text without the
	// quoted part and signature (ingest.Post.Text), addresses masked.
	Text string `json:"text"`
	// HTML is set for a message with only an HTML body: sanitised.
	HTML  string           `json:"html,omitempty"`
	State ListMessageState `json:"state"`
	// HoldReason says why a held message waits ("not a member", "too
	// large", "moderated list").
	HoldReason string `json:"hold_reason,omitempty"`
	// WorkID and Chapter name the work the post was filed as (the records
	// room), 0 for a discussion post.
	WorkID     int64     `json:"work_id,omitempty"`
	Chapter    int       `json:"chapter,omitempty"`
	ReceivedAt time.Time `json:"received_at"`
	// ModeratedBy is the moderator who approved or rejected it.
	ModeratedBy int64     `json:"moderated_by,omitempty"`
	ModeratedAt time.Time `json:"moderated_at,omitzero"`
	// Raw is the message as received; set only where asked for
	// (ListMessageRaw) and when storing.
	Raw []byte `json:"-"`
}

// ListMessageFilter selects messages of a list's archive.
type ListMessageFilter struct {
	ListID int64
	State  ListMessageState // "" means posted
	// Month is "2006-01" to keep one month's messages.
	Month    string
	ThreadID int64
	// Query searches subjects and texts (the store's full-text index).
	Query  string
	Offset int
	Limit  int // at most 500; 0 means 50
	// Newest first when set; else oldest first (the archive's order).
	Newest bool
}

// ListMonth is one month of a list's archive.
type ListMonth struct {
	Month    string `json:"month"` // "2006-01"
	Messages int    `json:"messages"`
	Threads  int    `json:"threads"`
}

// ListFanout builds the mails of one posted message to a chunk of the
// list's members that get each post (active, mode each); the store calls
// it inside the transaction that posts the message, as often as there are
// chunks, and queues what it returns in it. Mails should share one
// *MailBody (set its ID after the first chunk is queued: the store does
// so) and carry each member's own header fields. The mails' own IDs are
// not set afterwards (the store lets each chunk go once it is queued).
type ListFanout func(m *ListMessage, members []*ListMember) ([]*OutboundMail, error)

// ListDigestBuilder builds one digest of messages for a chunk of the
// list's digest members; the store calls it inside the transaction that
// moves the list's digest mark, and queues what it returns.
type ListDigestBuilder func(l *List, messages []*ListMessage, members []*ListMember) ([]*OutboundMail, error)

// ListService keeps lists, their members and their messages. Addresses are
// compared by EmailKey. Mail a change causes is queued in its transaction.
type ListService interface {
	// CreateList validates and stores a new list, setting its ID and
	// times. Returns EINVALID, or ECONFLICT when its name or address is
	// taken.
	CreateList(ctx context.Context, l *List) error
	// UpdateList stores a list's changed fields (not its name). Returns
	// ENOTFOUND, EINVALID or ECONFLICT.
	UpdateList(ctx context.Context, l *List) error
	// FindList returns the list with this name, with Members counted.
	// Returns ENOTFOUND.
	FindList(ctx context.Context, name string) (*List, error)
	// FindListByID is FindList by ID.
	FindListByID(ctx context.Context, id int64) (*List, error)
	// FindLists returns every list by name, with Members counted.
	FindLists(ctx context.Context) ([]*List, error)
	// SetListModerator makes an account a moderator of a list or not.
	// Returns ENOTFOUND.
	SetListModerator(ctx context.Context, listID, userID int64, on bool) error

	// SubscribeToList records that m.Address asks to join m.ListID with m.Mode:
	// a new pending member, or a pending, unsubscribed or disabled one made
	// pending again, keeping the hash of the secret its confirmation
	// carries (until expires), and queues mails (the confirmation) in the
	// same transaction. Sets m's ID, state and times. Returns ENOTFOUND (no
	// list), EINVALID, ECONFLICT when the address is already an active
	// member (nothing is mailed) or when it is banned (the message says which).
	SubscribeToList(ctx context.Context, m *ListMember, confirmHash string, expires time.Time, mails []*OutboundMail) error
	// ConfirmSubscription makes the pending member whose confirmation
	// secret hashes to confirmHash active, uses the secret up, and queues
	// mails (the welcome). Returns ENOTFOUND for an unknown, used or
	// expired secret.
	ConfirmSubscription(ctx context.Context, confirmHash string, mails func(*ListMember) ([]*OutboundMail, error)) (*ListMember, error)
	// UnsubscribeFromList ends a membership (state unsubscribed) and queues mails
	// (the goodbye). Returns ENOTFOUND when the address is not an active,
	// pending or disabled member.
	UnsubscribeFromList(ctx context.Context, listID int64, address string, mails func(*ListMember) ([]*OutboundMail, error)) (*ListMember, error)
	// SetMemberMode changes how a member gets posts. Returns ENOTFOUND or
	// EINVALID.
	SetMemberMode(ctx context.Context, memberID int64, mode DeliveryMode) error
	// SetMemberState sets a member's state (a moderator re-enabling,
	// banning or removing), clearing its bounces when it becomes active.
	// Returns ENOTFOUND or EINVALID.
	SetMemberState(ctx context.Context, memberID int64, state MemberState) error
	// BanAddress bans an address from a list, member or not. Returns
	// ENOTFOUND (no list) or EINVALID.
	BanAddress(ctx context.Context, listID int64, address string) error
	// FindMember returns a list's membership of an address, in any
	// state. Returns ENOTFOUND.
	FindMember(ctx context.Context, listID int64, address string) (*ListMember, error)
	// FindMemberByID returns a membership by ID. Returns ENOTFOUND.
	FindMemberByID(ctx context.Context, id int64) (*ListMember, error)
	// FindMembers returns a list's members matching the filter, by
	// address, with the total it matches. Returns EINVALID for a bad
	// filter.
	FindMembers(ctx context.Context, listID int64, f MemberFilter) ([]*ListMember, int, error)
	// FindUserMemberships returns the memberships of an account (by its
	// UserID and by its confirmed address), in any state but
	// unsubscribed, by list name.
	FindUserMemberships(ctx context.Context, userID int64) ([]*ListMember, error)
	// RecordListBounce counts a bounce of mail to a member at at (at most
	// one a day counts) and disables the member when it reaches limit;
	// it reports whether it did. Returns ENOTFOUND.
	RecordListBounce(ctx context.Context, memberID int64, at time.Time, limit int) (disabled bool, err error)

	// ReceiveListMessage stores a message sent to the list m.ListID, as
	// held (State held, with HoldReason), refused (rejected, with
	// HoldReason saying why: a loop, a robot, a banned sender; kept, never
	// shown or sent) or posted. A posted message is
	// threaded, put in the archive and its search index, and fanned out:
	// fanout is called for chunks of the members that get each post, and
	// what it returns is queued in the same transaction. notices (e.g. to
	// moderators, or to the poster) are queued with it. A nil fanout
	// mails no member (an imported archive). Members are given in chunks
	// of at most 1,000, by ID. Sets m's ID, ThreadID, ReceivedAt and, when
	// it was zero, Date. If anything fails (the fanout, a mail) nothing is
	// stored and the key stays free. Returns ENOTFOUND (no list), EINVALID, or
	// ECONFLICT when a message with m.Key was stored already (m is then
	// set to the stored one's ID and state, so a retried delivery is
	// harmless).
	ReceiveListMessage(ctx context.Context, m *ListMessage, fanout ListFanout, notices []*OutboundMail) error
	// ModerateListMessage decides on a held message: approve posts it
	// (threaded, archived and fanned out as above), reject refuses it, ban
	// refuses it and bans its sender's address. by is the moderator's
	// account (0 for a moderator's mail reply from an address). The
	// fanout gets, and the result has, the message's Raw bytes when it is
	// approved. Returns ENOTFOUND, EINVALID for an unknown decision, or
	// ECONFLICT when it is not held any more.
	ModerateListMessage(ctx context.Context, id int64, d ModerationDecision, by int64, fanout ListFanout) (*ListMessage, error)
	// FindListMessage returns a message, without Raw. Returns ENOTFOUND.
	FindListMessage(ctx context.Context, id int64) (*ListMessage, error)
	// FindListMessageByMessageID returns a list's message by its
	// Message-ID. Returns ENOTFOUND.
	FindListMessageByMessageID(ctx context.Context, listID int64, messageID string) (*ListMessage, error)
	// ListMessageRaw returns a message's bytes as received. Returns
	// ENOTFOUND.
	ListMessageRaw(ctx context.Context, id int64) ([]byte, error)
	// FindListMessages returns a list's messages matching the filter,
	// without Raw, with the total it matches. Returns EINVALID for a bad
	// filter.
	FindListMessages(ctx context.Context, f ListMessageFilter) ([]*ListMessage, int, error)
	// ListArchiveMonths returns the months of a list's posted messages,
	// newest first.
	ListArchiveMonths(ctx context.Context, listID int64) ([]ListMonth, error)
	// SetListMessageWork records that a posted message was filed as
	// chapter of work. Returns ENOTFOUND.
	SetListMessageWork(ctx context.Context, id, workID int64, chapter int) error
	// FindWorkListPosts returns the posted list messages filed as a
	// work's chapters, by chapter then date.
	FindWorkListPosts(ctx context.Context, workID int64) ([]*ListMessage, error)

	// QueueListDigests queues the digest of every list whose digest is
	// due at now (its DigestHour has come since its last digest) and that
	// has posts since: build is called for chunks of its digest members
	// with the posts since the last digest (at most
	// ListDigestMaxMessages; the rest wait for the next), the list's
	// digest mark moves past them, and the mails are queued, in one
	// transaction per list, so a crash or a second process queues no
	// digest twice. Messages come without Raw (ListMessageRaw reads them,
	// on the read pool, even inside build). A list with more posts waiting
	// stays due: the next call queues a second digest of the rest. build
	// sets each mail's Key, unique per digest and member, e.g.
	// "list-digest:LIST:FIRST-MESSAGE-ID:MEMBER" (not a date: one day may
	// make two digests). Returns how many digests (lists whose digest went
	// to at least one member) it queued.
	QueueListDigests(ctx context.Context, now time.Time, build ListDigestBuilder) (int, error)
	// QueueListDigest queues one list's digest now, whatever its hour, as
	// QueueListDigests does (an operator's "send the digest now"), and
	// returns how many mails it queued: 0 when there are no posts since
	// the last digest or no digest members. Returns ENOTFOUND.
	QueueListDigest(ctx context.Context, listID int64, now time.Time, build ListDigestBuilder) (int, error)
	// AddListMembers makes addresses active members of a list at once,
	// without confirmations: an operator moving an existing list's roster
	// (whose members agreed on the old list) or a benchmark. Addresses
	// already members are left as they are; it returns how many it added.
	// Returns ENOTFOUND or EINVALID (a bad address or mode: nothing is
	// added).
	AddListMembers(ctx context.Context, listID int64, members []*ListMember) (int, error)
}

// ListEngine is what the site asks of the list engine (internal/lists):
// the steps that mail someone or sign something, which the store alone
// cannot do. Reads go to the ListService.
type ListEngine interface {
	// Subscribe asks that address join the list with mode: the address is
	// mailed a confirmation (always: double opt-in), which names the
	// account userID (0 for none) and name when it is answered. A flood of
	// requests for one address or from one remote (an IP address) is
	// refused with ECONFLICT-free quiet: Subscribe returns nil and mails
	// nothing more (so it cannot be used to tell members apart or to mail
	// bomb). Returns EINVALID for a bad address or mode, or ENOTFOUND.
	Subscribe(ctx context.Context, list *List, address, name string, userID int64, mode DeliveryMode, remote string) error
	// Confirm answers a confirmation link: the member becomes active and
	// is welcomed. Returns ENOTFOUND for an unknown, used or expired
	// secret.
	Confirm(ctx context.Context, secret string) (*List, *ListMember, error)
	// CheckUnsubscribe reads a signed unsubscribe token (from a mail's
	// List-Unsubscribe link) without using it. Returns ENOTFOUND for a
	// forged, unknown or stale one.
	CheckUnsubscribe(ctx context.Context, token string) (*List, *ListMember, error)
	// UnsubscribeToken ends the membership a signed token names (RFC 8058
	// one-click, or the page the link opens). Returns ENOTFOUND as
	// CheckUnsubscribe.
	UnsubscribeToken(ctx context.Context, token string) (*List, *ListMember, error)
	// Unsubscribe ends a membership from the site (its logged-in owner, or
	// a moderator). Returns ENOTFOUND.
	Unsubscribe(ctx context.Context, list *List, memberID int64) error
	// Moderate decides on a held message as the moderator account by:
	// approving posts it to members. Returns ENOTFOUND or ECONFLICT (not
	// held any more).
	Moderate(ctx context.Context, list *List, messageID int64, d ModerationDecision, by int64) error
	// Announce posts a work of the site to lists, by their names, as its
	// author by: a summary with a link, or the whole text, as each list
	// takes it. A list that takes no announcements, or a work that is not
	// listed, is refused with EINVALID; announcing the same work and
	// version twice to a list is ECONFLICT.
	Announce(ctx context.Context, workID int64, lists []string, by int64) error
}

// threadSubjectRE matches what a reply or a forward puts before a subject:
// "Re:", "Fwd:", "Fw:", "Re[2]:", "AW:" and "[tag]" list tags.
var threadSubjectRE = regexp.MustCompile(`(?i)^\s*(?:(?:re|fwd?|aw|sv)\s*(?:\[\d+\]|\(\d+\))?\s*:|\[[^\]]*\])\s*`)

// ThreadSubject reduces a subject to what threads a message by subject:
// without the "Re:", "Fwd:" and "[tag]" prefixes replies and lists add,
// spacing folded and lower-cased, so "Re: [level3] Re: The Road" and "the
// road" thread together. Part markers such as "(2/7)" are kept: the parts
// of a story are threads of their own. "" for a subject with nothing else.
func ThreadSubject(subject string) string {
	s := strings.ToLower(strings.Join(strings.Fields(subject), " "))
	for {
		loc := threadSubjectRE.FindStringIndex(s)
		if loc == nil || loc[1] == 0 {
			return s
		}
		s = s[loc[1]:]
	}
}
