// Package lists runs the archive's mailing lists (docs/lists.md): it takes
// the mail the SMTP server (internal/mailin) accepts for a list's
// addresses — posts, requests, confirmations, bounces, moderators' replies
// — decides on each by the list's policy, stores it (fanarchive.ListService)
// and queues what goes out (posts to members, digests, notices) in the
// outbox, and files posts that are stories as works (the records room). It
// also answers the site's list forms (fanarchive.ListEngine) and announces
// the site's works to lists. Mail is built and read by internal/listmail.
package lists

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"fanarchive"
	"fanarchive/internal/feedback"
	"fanarchive/internal/listmail"
	"fanarchive/internal/mail"
)

// SecretName is the store secret that signs the lists' tokens (VERP return
// paths, unsubscribe links, moderation addresses).
const SecretName = "lists"

// StoryFiler files a posted message that may be a story as a work and says
// which work and chapter it became (0, 0 for none). internal/records does
// it; serve adapts it.
type StoryFiler func(ctx context.Context, l *fanarchive.List, m *fanarchive.ListMessage, raw []byte) (workID int64, chapter int, err error)

// Engine runs the lists. Store, SiteName, BaseURL and From are needed.
type Engine struct {
	Store fanarchive.Store
	// SiteName and BaseURL (without a trailing slash) name the site in
	// notices and make its links.
	SiteName string
	BaseURL  string
	// From is the archive's own address, which notices not from a list
	// are sent from; replies through the feedback relay come to reply+…
	// at its domain.
	From mail.Address
	// Relay forwards replies to reply+TOKEN addresses (feedback); nil
	// refuses them.
	Relay *feedback.Relay
	// FileStory files stories; nil files none.
	FileStory StoryFiler
	// DMARC looks up a domain's DMARC policy for From rewriting; nil
	// uses DNS (listmail.LookupDMARC).
	DMARC func(ctx context.Context, domain string) (string, error)
	// BounceLimit is how many bounces disable a member; 0 means
	// fanarchive.DefaultBounceDisable.
	BounceLimit int
	Logger      *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu  sync.Mutex
	key []byte
}

var _ fanarchive.ListEngine = (*Engine)(nil)

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now().UTC()
	}
	return time.Now().UTC()
}

func (e *Engine) logger() *slog.Logger {
	if e.Logger != nil {
		return e.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (e *Engine) bounceLimit() int {
	if e.BounceLimit > 0 {
		return e.BounceLimit
	}
	return fanarchive.DefaultBounceDisable
}

// secret returns the signing key, read from the store once.
func (e *Engine) secret(ctx context.Context) ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.key == nil {
		k, err := e.Store.Secret(ctx, SecretName)
		if err != nil {
			return nil, fmt.Errorf("lists key: %w", err)
		}
		e.key = k
	}
	return e.key, nil
}

// newSecret returns a confirmation secret for a link or a reply address
// and the hash the store keeps.
func newSecret() (secret, hash string) {
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	secret = strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
	return secret, hashSecret(secret)
}

// hashSecret is the hash of a confirmation secret the store keeps.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(secret))))
	return hex.EncodeToString(sum[:])
}

// site is what listmail needs to know of the site for a list's mail.
func (e *Engine) site(l *fanarchive.List) listmail.Site {
	return listmail.Site{Name: e.SiteName, BaseURL: strings.TrimRight(e.BaseURL, "/")}
}
