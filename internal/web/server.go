// Package web serves the archive's reading site: server-rendered HTML pages
// for listing and reading works, the original files they were imported from,
// and the adult-content notice. Pages use no JavaScript; every action is a
// link or a plain form.
//
// All routes are registered in routes.go; each page has its own file with its
// handler, and its template in templates/. Templates and CSS are embedded and
// parsed once, in New.
package web

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"fanarchive"
	"fanarchive/internal/api"
	"fanarchive/internal/auth"
	"fanarchive/internal/comments"
	"fanarchive/internal/feedback"
	"fanarchive/internal/mail"
	"fanarchive/internal/ops"
)

// Options configures a Server.
type Options struct {
	// SecureCookies marks cookies Secure; set it when the site is served
	// over HTTPS (directly or behind a proxy).
	SecureCookies bool
	// SiteName is shown in the header and in every page title. It defaults
	// to "fanarchive".
	SiteName string
	// Search answers /search, /fandoms and the tag pages' filters. Without
	// it those pages say search is unavailable, and tag pages list works
	// without filters.
	Search fanarchive.SearchService

	// BaseURL is the site's public URL, e.g. https://archive.example.org,
	// which links in mail, downloads, feeds and the API start with (never a
	// request's Host in mail, which the client chooses: a reset link must not
	// lead elsewhere). Mail links use http://localhost:8080 when it is empty;
	// serve always sets it; other links then use the request's host.
	BaseURL string
	// MailFrom is who the archive's mail is from; it defaults to
	// fanarchive@localhost.
	MailFrom *mail.Address
	// TrustedProxy says the site is behind a proxy that adds the client's
	// address to X-Forwarded-For; rate limits then count by that address.
	TrustedProxy bool
	// Hasher hashes passwords; it defaults to auth.DefaultParams with
	// NumCPU hashes at a time.
	Hasher *auth.Hasher
	// Limits are the rate limits; nil means DefaultRateLimits.
	Limits *RateLimits

	// ContentVersion returns a number that every write changing what a
	// page shows advances (the search change log's last sequence number).
	// With it, the pages anonymous readers are sent are kept and sent
	// again while it stays the same (pagecache.go); without it, every page
	// is made for its request.
	ContentVersion func(context.Context) (int64, error)
	// PageCacheStaleness is how long an answer of ContentVersion is
	// trusted: a change made by another process reaches cached pages
	// within it. 0 asks for every request.
	PageCacheStaleness time.Duration

	// Lists is the mailing lists' engine (internal/lists), which the list
	// pages ask to subscribe, confirm, unsubscribe, moderate and announce.
	// Without it those pages say the lists are not running; the lists'
	// pages that only read (about, archive, members) still work.
	Lists fanarchive.ListEngine

	// Metrics, when set, counts every request by route pattern and status
	// (internal/ops); serve shows them on --metrics-addr.
	Metrics *ops.Metrics
}

// Server is the reading site. It implements http.Handler and is safe for
// concurrent use.
type Server struct {
	store  fanarchive.Store
	logger *slog.Logger
	opts   Options

	pages   map[string]*template.Template // page name → layout + page
	cssPath string                        // URL of the stylesheet, versioned by content
	// scriptPath is the URL of the posting forms' optional script.
	scriptPath string
	handler    http.Handler   // the router wrapped in middleware
	mux        *http.ServeMux // the router, which names a request's route for metrics
	blurbs     blurbCache     // rendered blurbs of search results
	api        *api.Server    // /api/v1
	cache      *pageCache     // anonymous readers' pages; nil without Options.ContentVersion

	csrf       *http.CrossOriginProtection // guards every write route
	writes     []WriteRoute                // every write route, for WriteRoutes
	csrfOnce   sync.Mutex                  // guards csrfSecret
	csrfSecret []byte                      // the key of CSRF tokens (guard.go)
	relayOnce  sync.Once                   // makes relay
	relay      *feedback.Relay             // relayed feedback's mail (feedback.go)
	// commentsOnce makes comments, the notification mail (comments.go).
	commentsOnce sync.Once
	comments     *comments.Service
}

// New returns a Server reading from store and logging to logger (nil logs
// nothing). Templates are parsed here, once; since they are embedded, a
// template that does not parse is a programming error and New panics, as
// does a route pattern that conflicts with another.
func New(store fanarchive.Store, logger *slog.Logger, opts Options) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if opts.SiteName == "" {
		opts.SiteName = "fanarchive"
	}
	if opts.MailFrom == nil {
		opts.MailFrom = &mail.Address{Address: "fanarchive@localhost"}
	}
	if opts.Hasher == nil {
		opts.Hasher = auth.NewHasher(auth.DefaultParams, 0)
	}
	if opts.Limits == nil {
		opts.Limits = &DefaultRateLimits
	}
	s := &Server{store: store, logger: logger, opts: opts, blurbs: blurbCache{limit: blurbCacheSize}}
	pages, err := parsePages()
	if err != nil {
		panic(err)
	}
	s.pages = pages
	s.cssPath = staticPath("style.css")
	s.scriptPath = staticPath("posting.js")
	s.api = api.New(store, logger, api.Options{Search: opts.Search, BaseURL: opts.BaseURL, ClientIP: s.clientIP})
	if opts.ContentVersion != nil {
		s.cache = &pageCache{version: opts.ContentVersion, staleness: opts.PageCacheStaleness}
	}
	s.handler = s.routes()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}
