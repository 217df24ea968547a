package listmail

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/signing"
)

// Tokens are HMAC-SHA256 under Config.Key of a purpose and a payload of
// IDs in base 36, the MAC truncated and written in lower-case base32 (mail
// systems may fold the case of local parts), compared in constant time.
// Each kind signs under its own purpose, so one kind's token is never
// another's. Format and sizes: docs/lists.md.

// b32 is RFC 4648 base32 in lower case, without padding.
var b32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// MAC lengths in base32 characters (5 bits each).
const (
	macFull      = 16 // 80 bits: unsubscribe tokens, and address tokens with room
	macMinBounce = 8  // 40 bits: the least a bounce address keeps to fit 64 bytes
	macMinModer  = 12 // 60 bits: the least a moderation address keeps
)

// UnsubscribeTokenLife is how long an unsubscribe token is taken: links in
// old mail keep working for a year and more, but not for ever.
const UnsubscribeTokenLife = 400 * 24 * time.Hour

// mac returns the full base32 MAC of payload for purpose.
func mac(key []byte, purpose, payload string) string {
	return b32.EncodeToString(signing.Sum(key, purpose, payload)[:macFull*5/8])
}

// checkMAC reports in constant time whether got is the MAC of payload, cut
// to its length, which must be at least least characters.
func checkMAC(key []byte, purpose, payload, got string, least int) bool {
	if len(got) < least || len(got) > macFull {
		return false
	}
	return hmac.Equal([]byte(got), []byte(mac(key, purpose, payload)[:len(got)]))
}

// macRoom returns how many MAC characters fit a local part of prefix, the
// payload and a hyphen in 64 bytes, between least and macFull.
func macRoom(prefix, payload string, least int) int {
	return max(least, min(macFull, maxLocal-len(prefix)-len(payload)-1))
}

func b36(n int64) string { return strconv.FormatInt(n, 36) }

// parseB36 reads a positive base-36 ID written as b36 writes it.
func parseB36(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 36, 64)
	if err != nil || n <= 0 || b36(n) != s {
		return 0, false
	}
	return n, true
}

// BounceToken is the token of a member's VERP return path,
// NAME-bounces+TOKEN@domain: "m", the member ID in base 36, a hyphen and a
// MAC as long as fits a 64-byte local part for the list's name (16
// characters for short names, never under 8). A forged bounce could only
// count a bounce against a member, at most one a day.
func BounceToken(key []byte, listName string, memberID int64) string {
	payload := "m" + b36(memberID)
	n := macRoom(listName+"-bounces+", payload, macMinBounce)
	return payload + "-" + mac(key, "bounce", payload)[:n]
}

// ParseBounceToken checks a bounce token and returns its member ID.
// Returns ENOTFOUND for a malformed, altered or forged one.
func ParseBounceToken(key []byte, token string) (int64, error) {
	payload, m, ok := strings.Cut(strings.ToLower(token), "-")
	if ok && strings.HasPrefix(payload, "m") && checkMAC(key, "bounce", payload, m, macMinBounce) {
		if id, ok := parseB36(payload[1:]); ok {
			return id, nil
		}
	}
	return 0, fanarchive.Errorf(fanarchive.ENOTFOUND, "That bounce address is not valid.")
}

// BounceAddress is the VERP return path of a list's mail to a member:
// NAME-bounces+TOKEN@domain.
func BounceAddress(key []byte, l *fanarchive.List, memberID int64) string {
	return tokenAddress(l, "-bounces", BounceToken(key, l.Name, memberID))
}

// UnsubscribeToken is the token of a member's unsubscribe link and mailto:
// the list ID, the member ID and the day it was issued (days since
// 1970-01-01, UTC), each in base 36, and an 80-bit MAC, joined by
// hyphens: "1-2s-k3h-…". The day lets old tokens expire
// (UnsubscribeTokenLife).
func UnsubscribeToken(key []byte, listID, memberID int64, issued time.Time) string {
	payload := b36(listID) + "-" + b36(memberID) + "-" + b36(max(1, issued.Unix()/86400))
	return payload + "-" + mac(key, "unsubscribe", payload)
}

// ParseUnsubscribeToken checks an unsubscribe token at now and returns the
// list and member it names. Returns ENOTFOUND for a malformed, altered,
// forged or stale token, or one issued more than a day after now.
func ParseUnsubscribeToken(key []byte, token string, now time.Time) (listID, memberID int64, err error) {
	bad := fanarchive.Errorf(fanarchive.ENOTFOUND, "That unsubscribe link is not valid or has expired.")
	parts := strings.Split(strings.ToLower(token), "-")
	if len(parts) != 4 || len(parts[3]) != macFull {
		return 0, 0, bad
	}
	payload := strings.Join(parts[:3], "-")
	if !checkMAC(key, "unsubscribe", payload, parts[3], macFull) {
		return 0, 0, bad
	}
	lid, ok1 := parseB36(parts[0])
	mid, ok2 := parseB36(parts[1])
	day, ok3 := parseB36(parts[2])
	if !ok1 || !ok2 || !ok3 {
		return 0, 0, bad
	}
	today := now.Unix() / 86400
	if day > today+1 || time.Duration(today-day)*24*time.Hour > UnsubscribeTokenLife {
		return 0, 0, bad
	}
	return lid, mid, nil
}

// ModerationToken is the token of a held message's moderation address,
// NAME-moderate+TOKEN@domain: the message ID in base 36, a hyphen and a
// MAC as long as fits 64 bytes (16 characters for short names, never
// under 12). The token is what lets a reply decide: only moderators get it.
func ModerationToken(key []byte, listName string, messageID int64) string {
	payload := b36(messageID)
	n := macRoom(listName+"-moderate+", payload, macMinModer)
	return payload + "-" + mac(key, "moderate", payload)[:n]
}

// ParseModerationToken checks a moderation token and returns its message
// ID. Returns ENOTFOUND for a malformed, altered or forged one.
func ParseModerationToken(key []byte, token string) (int64, error) {
	payload, m, ok := strings.Cut(strings.ToLower(token), "-")
	if ok && checkMAC(key, "moderate", payload, m, macMinModer) {
		if id, ok := parseB36(payload); ok {
			return id, nil
		}
	}
	return 0, fanarchive.Errorf(fanarchive.ENOTFOUND, "That moderation address is not valid.")
}

// ModerationAddress is the address moderators reply to, to decide on a held
// message: NAME-moderate+TOKEN@domain.
func ModerationAddress(key []byte, l *fanarchive.List, messageID int64) string {
	return tokenAddress(l, "-moderate", ModerationToken(key, l.Name, messageID))
}

// confirmSecretBytes is the size of a confirmation secret: 128 bits, 26
// base32 characters.
const confirmSecretBytes = 16

// NewConfirmSecret returns a random confirmation secret, lower-case base32
// (26 characters, so it survives local parts and subjects whose case is
// folded), and its hash, the only form the store keeps
// (ListService.Subscribe's confirmHash).
func NewConfirmSecret() (secret, hash string) {
	b := make([]byte, confirmSecretBytes)
	rand.Read(b) // never fails (crypto/rand)
	secret = b32.EncodeToString(b)
	return secret, HashConfirmSecret(secret)
}

// HashConfirmSecret is the hash of a confirmation secret: SHA-256 in hex,
// of the secret in lower case.
func HashConfirmSecret(secret string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(secret))))
	return hex.EncodeToString(sum[:])
}

// WellFormedConfirmSecret reports whether s could be a secret
// NewConfirmSecret made, so garbage is refused before a store look-up.
func WellFormedConfirmSecret(s string) bool {
	if len(s) != b32.EncodedLen(confirmSecretBytes) {
		return false
	}
	_, err := b32.DecodeString(strings.ToLower(s))
	return err == nil
}

// ConfirmAddress is where a confirmation is answered by reply:
// NAME-confirm+SECRET@domain when that fits a 64-byte local part, else
// NAME-request@domain (the reply's subject, "Re: confirm SECRET", carries
// the secret there).
func ConfirmAddress(l *fanarchive.List, secret string) string {
	if len(l.Name)+len("-confirm+")+len(secret) <= maxLocal {
		return tokenAddress(l, "-confirm", secret)
	}
	return l.CommandAddress("-request")
}
