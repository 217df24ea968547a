// Package listmail builds and reads a mailing list's mail (docs/lists.md,
// "List mail"): it reads the addresses a list receives mail at, signs and
// checks the tokens its mail carries (VERP return paths, unsubscribe links,
// moderation replies), turns a received message into the shared body of a
// list post with the RFC 2369/2919 headers, builds digests and notices, and
// reads inbound requests, loops, robots and bounces. It holds pure
// functions: no store, no network (but LookupDMARC, which the engine
// passes in). internal/lists calls it.
package listmail

import (
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/mail"
)

// SecretName is the store secret (fanarchive.RateLimiter.Secret) whose
// bytes are Config.Key: it signs every list token.
const SecretName = "lists"

// Config is what list mail needs of the site. Its zero value is not usable:
// Key and BaseURL are needed.
type Config struct {
	// Key signs tokens: the store's Secret(SecretName).
	Key []byte
	// BaseURL is what links start with, without a trailing slash
	// ("https://archive.example.org").
	BaseURL string
	// SiteName names the archive in notices ("Level Three Records Room").
	SiteName string
	// DMARCPolicy looks up the DMARC policy of a poster's domain; nil
	// means From is never rewritten.
	DMARCPolicy DMARCPolicy
	// Now is the clock (tokens' issue day, dates of built mail); nil means
	// time.Now.
	Now func() time.Time
	// MessageID makes a new Message-ID at a domain, without angle
	// brackets; nil means mail.NewMessageID. Tests fix it.
	MessageID func(domain string) string
}

func (c *Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Config) newMessageID(domain string) string {
	if c.MessageID != nil {
		return c.MessageID(domain)
	}
	return mail.NewMessageID(domain)
}

// listURL is the list's page: its archive, where one subscribes and
// unsubscribes.
func (c *Config) listURL(l *fanarchive.List) string {
	return strings.TrimSuffix(c.BaseURL, "/") + "/lists/" + l.Name
}

// Command is what an address of a list is for.
type Command string

// Commands, one per address of a list.
const (
	CommandPost        Command = "post"        // NAME@: a post
	CommandRequest     Command = "request"     // NAME-request@: commands in the subject or body
	CommandSubscribe   Command = "subscribe"   // NAME-subscribe@
	CommandUnsubscribe Command = "unsubscribe" // NAME-unsubscribe@ (the subject may carry an unsubscribe token)
	CommandOwner       Command = "owner"       // NAME-owner@: to the moderators
	CommandBounces     Command = "bounces"     // NAME-bounces+TOKEN@: a bounce; TOKEN names the member (BounceToken)
	CommandConfirm     Command = "confirm"     // NAME-confirm+SECRET@: a reply to a confirmation
	CommandModerate    Command = "moderate"    // NAME-moderate+TOKEN@: a moderator's reply (ModerationToken)
)

// suffixCommands maps fanarchive.ListCommandSuffixes to commands.
var suffixCommands = map[string]Command{
	"-request": CommandRequest, "-subscribe": CommandSubscribe, "-unsubscribe": CommandUnsubscribe,
	"-owner": CommandOwner, "-bounces": CommandBounces, "-confirm": CommandConfirm, "-moderate": CommandModerate,
}

// Recipient is an address of a list, as read from an envelope recipient.
type Recipient struct {
	List    string  // the list's name, lower case
	Domain  string  // the address's domain, lower case
	Command Command // what the address is for
	// Token is what followed a '+' in the local part, lower case ("" for
	// none): the signed token of a bounces, confirm or moderate address.
	// For other commands it is plus-addressing detail, to be ignored.
	Token string
}

// Address returns the recipient's address without its token: the list's
// address for a post, NAME-request@domain for a request.
func (r Recipient) Address() string {
	if r.Command == CommandPost {
		return r.List + "@" + r.Domain
	}
	return r.List + "-" + string(r.Command) + "@" + r.Domain
}

// maxLocal is the longest local part RFC 5321 lets every server take.
const maxLocal = 64

// ParseRecipient reads an envelope recipient as an address of a list:
// NAME, NAME-request, NAME-subscribe, NAME-unsubscribe, NAME-owner,
// NAME-bounces+TOKEN, NAME-confirm+SECRET or NAME-moderate+TOKEN at a
// domain, case-insensitively, with an optional "+detail" on any of them.
// isList says whether a list of that name is at that domain (the caller's
// store look-up or the lists it serves); ok is false for any other address,
// which the SMTP server refuses at RCPT (no open relay). List names never
// end in a command suffix (fanarchive.ValidateListName), so at most one
// reading of an address names a list; the bare name is tried first.
func ParseRecipient(rcpt string, isList func(name, domain string) bool) (Recipient, bool) {
	rcpt = strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(rcpt), "<"), ">")))
	at := strings.LastIndexByte(rcpt, '@')
	if at <= 0 || at == len(rcpt)-1 || len(rcpt) > 254 {
		return Recipient{}, false
	}
	local, domain := rcpt[:at], rcpt[at+1:]
	if strings.ContainsAny(domain, "@ \t\r\n<>\"\\,;:()[]") || strings.ContainsFunc(local, func(r rune) bool { return r <= ' ' || r == 0x7f || strings.ContainsRune("@\"\\<>,;:()[]", r) }) {
		return Recipient{}, false
	}
	base, token, _ := strings.Cut(local, "+")
	if base == "" || !validName(base) {
		return Recipient{}, false
	}
	if isList(base, domain) {
		return Recipient{List: base, Domain: domain, Command: CommandPost, Token: token}, true
	}
	for _, s := range fanarchive.ListCommandSuffixes {
		name, ok := strings.CutSuffix(base, s)
		if !ok || name == "" || fanarchive.ValidateListName(name) != nil {
			continue
		}
		if isList(name, domain) {
			return Recipient{List: name, Domain: domain, Command: suffixCommands[s], Token: token}, true
		}
	}
	return Recipient{}, false
}

// validName reports whether s could be a list's name or a name with a
// suffix: lower-case letters, digits and hyphens.
func validName(s string) bool {
	if len(s) > fanarchive.MaxListNameLen+len("-unsubscribe") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// tokenAddress is the list's command address suffix with a token, e.g.
// level3-bounces+m1-abc@domain.
func tokenAddress(l *fanarchive.List, suffix, token string) string {
	return l.Name + suffix + "+" + token + "@" + l.Domain()
}
