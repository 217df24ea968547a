package listmail

import (
	netmail "net/mail"
	"regexp"
	"strings"

	"fanarchive"
)

// MaxReceived is how many Received fields a message may carry before the
// list takes it for a loop (Postfix's hop limit is 50; real mail has a
// dozen at most).
const MaxReceived = 30

// IsLoop reports whether a message sent to the list is the list's own
// mail come back: its X-Loop names the list's address, its List-Id is the
// list's, or it has passed more than MaxReceived servers. h is the
// message's header under canonical keys (ParseHeader, ingest.Post.Header).
func IsLoop(h netmail.Header, l *fanarchive.List) bool {
	for _, v := range h["X-Loop"] {
		if strings.EqualFold(strings.Trim(strings.TrimSpace(v), "<>"), l.Address) {
			return true
		}
	}
	own := "<" + strings.ToLower(l.Name+"."+l.Domain()) + ">"
	for _, v := range h["List-Id"] {
		if strings.Contains(strings.ToLower(v), own) {
			return true
		}
	}
	return len(h["Received"]) > MaxReceived
}

// IsAutoReply reports whether a message was sent by a program, which the
// list must never answer (RFC 3834): Auto-Submitted other than "no"
// (auto-replied, auto-generated, auto-notified), Precedence bulk, junk or
// list, an X-Autoreply or X-Autorespond field, an empty Return-Path (a
// bounce), or a List-Id (another list's mail). A bounce's empty envelope
// sender (MAIL FROM:<>) says the same; the SMTP server sees that, not the
// header.
func IsAutoReply(h netmail.Header) bool {
	for _, v := range h["Auto-Submitted"] {
		if w := strings.ToLower(firstWord(v)); w != "" && w != "no" {
			return true
		}
	}
	for _, v := range h["Precedence"] {
		switch strings.ToLower(firstWord(v)) {
		case "bulk", "junk", "list":
			return true
		}
	}
	for _, v := range h["Return-Path"] {
		if strings.TrimSpace(v) == "<>" {
			return true
		}
	}
	return len(h["X-Autoreply"]) > 0 || len(h["X-Autorespond"]) > 0 || len(h["List-Id"]) > 0
}

// firstWord is the value up to a ';', space or comment.
func firstWord(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexAny(v, "; \t("); i >= 0 {
		v = v[:i]
	}
	return v
}

// RequestKind is a command sent to a list's request address (or a reply
// to its confirmation or moderation mail).
type RequestKind string

// Request kinds.
const (
	RequestSubscribe   RequestKind = "subscribe"   // "subscribe [digest|nomail]"
	RequestUnsubscribe RequestKind = "unsubscribe" // "unsubscribe [TOKEN]"
	RequestHelp        RequestKind = "help"
	RequestSet         RequestKind = "set"     // "set each|digest|nomail"
	RequestConfirm     RequestKind = "confirm" // "confirm SECRET", or a reply "Re: confirm SECRET"
	RequestApprove     RequestKind = "approve" // a moderator's reply
	RequestReject      RequestKind = "reject"
	RequestBan         RequestKind = "ban"
)

// Decision returns the moderation decision of an approve, reject or ban
// request, "" for any other.
func (k RequestKind) Decision() fanarchive.ModerationDecision {
	switch k {
	case RequestApprove:
		return fanarchive.ModerationApprove
	case RequestReject:
		return fanarchive.ModerationReject
	case RequestBan:
		return fanarchive.ModerationBan
	}
	return ""
}

// Request is one command read from a request mail.
type Request struct {
	Kind RequestKind
	// Mode is the delivery mode of subscribe (each when not given) and
	// set.
	Mode fanarchive.DeliveryMode
	// Token is the confirmation secret of confirm, or the unsubscribe
	// token of unsubscribe (the List-Unsubscribe mailto's subject), lower
	// case; "" when none was given.
	Token string
}

// replyPrefix is what mail programs put before a subject they answer or
// forward, with a list tag before or after: "Re:", "AW:", "Fwd:", "[x]".
var replyPrefix = regexp.MustCompile(`(?i)^\s*((re|aw|sv|fw|fwd|wg|tr)(\[\d+\]|\^\d+)?\s*:|\[[^\]]*\])\s*`)

// tokenWord is what a token or secret may be: letters, digits, hyphens.
var tokenWord = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,99}$`)

// confirmInSubject finds a confirmation secret in a subject.
var confirmInSubject = regexp.MustCompile(`\bconfirm ([a-z2-7]{26})\b`)

// attribution is the line before a quotation ("On …, X wrote:"), which a
// reply written below the quotation starts with.
var attribution = regexp.MustCompile(`(?i)(wrote|writes|schrieb|a écrit|escribió)\s*:\s*$`)

// ParseRequest reads the command of a mail to a list's request address:
// from the subject (after any "Re:" and tags), else from the first line of
// the body that is neither blank, quoted ('>') nor an attribution ("On
// …, X wrote:"); a subject holding
// "confirm SECRET" anywhere answers a confirmation. Commands are
// case-insensitive; a moderator's reply starts with approve, reject or
// ban. The body is its decoded text (ingest.Post.Text). ok is false when
// neither holds a command.
func ParseRequest(subject, body string) (Request, bool) {
	s := strings.ToValidUTF8(subject, "")
	for range 10 {
		loc := replyPrefix.FindStringIndex(s)
		if loc == nil {
			break
		}
		s = s[loc[1]:]
	}
	if r, ok := parseCommand(s); ok {
		return r, true
	}
	// A reply to a confirmation whose subject was reworded around its
	// "(confirm SECRET)".
	if m := confirmInSubject.FindStringSubmatch(strings.ToLower(s)); m != nil {
		return Request{Kind: RequestConfirm, Token: m[1]}, true
	}
	for n, line := range strings.Split(strings.ToValidUTF8(body, ""), "\n") {
		if n > 200 {
			break
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, ">") || attribution.MatchString(line) {
			continue
		}
		return parseCommand(line)
	}
	return Request{}, false
}

// parseCommand reads one command line.
func parseCommand(line string) (Request, bool) {
	words := strings.Fields(strings.ToLower(line))
	if len(words) == 0 {
		return Request{}, false
	}
	cmd, args := strings.Trim(words[0], ".:!,"), words[1:]
	arg := ""
	if len(args) > 0 {
		arg = strings.Trim(args[0], ".,;:!")
	}
	switch cmd {
	case "subscribe", "join":
		mode := fanarchive.DeliverEach
		if arg != "" {
			m, ok := parseMode(arg)
			if !ok {
				return Request{}, false
			}
			mode = m
		}
		return Request{Kind: RequestSubscribe, Mode: mode}, true
	case "unsubscribe", "leave", "signoff":
		if tokenWord.MatchString(arg) && strings.Count(arg, "-") == 3 {
			// Shaped like an UnsubscribeToken; "unsubscribe please" is
			// no token.
			return Request{Kind: RequestUnsubscribe, Token: arg}, true
		}
		return Request{Kind: RequestUnsubscribe}, true
	case "help", "info", "?":
		return Request{Kind: RequestHelp}, true
	case "set":
		if arg == "delivery" || arg == "mode" {
			if len(args) < 2 {
				return Request{}, false
			}
			arg = strings.Trim(args[1], ".,;:!")
		}
		if m, ok := parseMode(arg); ok {
			return Request{Kind: RequestSet, Mode: m}, true
		}
	case "confirm":
		if tokenWord.MatchString(arg) {
			return Request{Kind: RequestConfirm, Token: arg}, true
		}
	case "approve", "approved", "accept":
		return Request{Kind: RequestApprove}, true
	case "reject", "rejected", "discard":
		return Request{Kind: RequestReject}, true
	case "ban":
		return Request{Kind: RequestBan}, true
	}
	return Request{}, false
}

// parseMode reads a delivery mode as commands write it.
func parseMode(s string) (fanarchive.DeliveryMode, bool) {
	switch s {
	case "each", "every", "all", "normal", "nodigest":
		return fanarchive.DeliverEach, true
	case "digest", "mime":
		return fanarchive.DeliverDigest, true
	case "nomail", "none", "web":
		return fanarchive.DeliverNone, true
	}
	return "", false
}
