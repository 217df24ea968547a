package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// TokenBytes is the size of every random token: sessions and mailed links.
const TokenBytes = 32

// NewToken returns a random secret (32 bytes, base64url: 43 characters) for
// a cookie or a link, and its ID, the only form the database keeps: a
// stolen copy of the database opens no session and follows no link.
func NewToken() (secret, id string) {
	b := make([]byte, TokenBytes)
	rand.Read(b)
	secret = base64.RawURLEncoding.EncodeToString(b)
	return secret, TokenID(secret)
}

// TokenID is the ID of a secret: its SHA-256, in hex. A secret is random
// and long, so a fast hash suffices (nothing to brute-force).
func TokenID(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// WellFormedToken reports whether s could be a secret NewToken made, so
// that garbage is refused before any database look-up.
func WellFormedToken(s string) bool {
	if len(s) != base64.RawURLEncoding.EncodedLen(TokenBytes) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// CSRFToken returns the token that a logged-in form carries: an HMAC of the
// session's ID under the server's secret. A page of another site can
// neither read nor compute it.
func CSRFToken(secret []byte, session string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("csrf\x00" + session))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CheckCSRF reports, in constant time, whether token is the session's.
func CheckCSRF(secret []byte, session, token string) bool {
	return hmac.Equal([]byte(CSRFToken(secret, session)), []byte(token))
}
