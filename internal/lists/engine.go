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
	// CommentReply posts a reply to a comment notification, received at
	// comment+TOKEN at the archive's domain (internal/comments); nil
	// refuses those addresses.
	CommentReply func(ctx context.Context, token string, raw []byte) error
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
	cfg *listmail.Config
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

// mail returns what builds the lists' mail, with the signing key read
// from the store once.
func (e *Engine) mail(ctx context.Context) (*listmail.Config, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cfg == nil {
		k, err := e.Store.Secret(ctx, listmail.SecretName)
		if err != nil {
			return nil, fmt.Errorf("lists key: %w", err)
		}
		lookup := e.DMARC
		if lookup == nil {
			lookup = listmail.LookupDMARC
		}
		e.cfg = &listmail.Config{Key: k, BaseURL: strings.TrimRight(e.BaseURL, "/"), SiteName: e.SiteName,
			DMARCPolicy: listmail.CacheDMARC(lookup, time.Hour), Now: e.Now}
	}
	return e.cfg, nil
}
