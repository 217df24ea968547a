// Package api is the archive's public read API, /api/v1: works (their
// chapters' text on request), authors, tags with their synonyms and search
// with every filter of the search page, as JSON; cursor pagination; ETags;
// a per-client rate limit with RateLimit-* headers; errors as
// application/problem+json (RFC 9457). It is documented in an OpenAPI 3.1
// file served at /api/v1/openapi.json (openapi.json, embedded), which a
// test holds to the routes and the responses.
package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"fanarchive"
)

// OpenAPI is the API's description (OpenAPI 3.1), as served.
//
//go:embed openapi.json
var OpenAPI []byte

// Options configures the API.
type Options struct {
	// Search answers /works and tag counts; without it they answer 503.
	Search fanarchive.SearchService
	// BaseURL is the site's public address, for the links in responses;
	// without it they are made from the request's host.
	BaseURL string
	// RequestsPerMinute is how many requests one client may make in a
	// minute (default 300); clients are told where they stand in
	// RateLimit-* headers.
	RequestsPerMinute int
	// ClientIP names the client of a request, for the rate limit (default:
	// the host of RemoteAddr). A site behind a proxy passes its own.
	ClientIP func(*http.Request) string
}

// Server serves the API. It is safe for concurrent use.
type Server struct {
	store   fanarchive.Store
	logger  *slog.Logger
	opts    Options
	mux     *http.ServeMux
	limiter *limiter
}

// Route is one of the API's routes.
type Route struct {
	Method, Pattern string
	handle          func(s *Server, w http.ResponseWriter, r *http.Request) error
}

// Routes lists every route of the API, as registered: the OpenAPI test
// holds the description to it.
func Routes() []Route {
	return []Route{
		{"GET", "/api/v1/openapi.json", (*Server).openAPI},
		{"GET", "/api/v1/works", (*Server).searchWorks},
		{"GET", "/api/v1/works/{id}", (*Server).work},
		{"GET", "/api/v1/works/{id}/chapters/{n}", (*Server).chapter},
		{"GET", "/api/v1/authors/{name}", (*Server).author},
		{"GET", "/api/v1/tags", (*Server).tags},
		{"GET", "/api/v1/tags/{kind}/{name}", (*Server).tag},
		{"GET", "/api/v1/series/{id}", (*Server).series},
	}
}

// New returns the API over store, logging to logger (nil logs nothing).
func New(store fanarchive.Store, logger *slog.Logger, opts Options) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if opts.RequestsPerMinute <= 0 {
		opts.RequestsPerMinute = 300
	}
	if opts.ClientIP == nil {
		opts.ClientIP = remoteHost
	}
	s := &Server{store: store, logger: logger, opts: opts, mux: http.NewServeMux(),
		limiter: newLimiter(opts.RequestsPerMinute, time.Minute)}
	for _, rt := range Routes() {
		s.mux.HandleFunc(rt.Method+" "+rt.Pattern, s.wrap(rt.handle))
	}
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.problem(w, r, http.StatusNotFound, "No such API route", "See /api/v1/openapi.json for the routes.")
	})
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// wrap applies the rate limit, then the handler, mapping its error to a
// problem response.
func (s *Server) wrap(h func(*Server, http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		remaining, reset, ok := s.limiter.take(s.opts.ClientIP(r), time.Now())
		hd := w.Header()
		hd.Set("RateLimit-Limit", strconv.Itoa(s.opts.RequestsPerMinute))
		hd.Set("RateLimit-Remaining", strconv.Itoa(remaining))
		hd.Set("RateLimit-Reset", strconv.Itoa(reset))
		hd.Set("Access-Control-Allow-Origin", "*") // public data, no credentials
		if !ok {
			hd.Set("Retry-After", strconv.Itoa(reset))
			s.problem(w, r, http.StatusTooManyRequests, "Too many requests",
				"This client has made "+strconv.Itoa(s.opts.RequestsPerMinute)+" requests in the last minute; try again in "+strconv.Itoa(reset)+" seconds.")
			return
		}
		if err := h(s, w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}

// writeJSON sends v as JSON with an ETag of its bytes, or 304 when the
// client has them.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	sum := sha256.Sum256(buf.Bytes())
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age=60")
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes()) //nolint:errcheck // the client went away
	return nil
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// problem sends a problem document.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, status int, title, detail string) {
	b, _ := json.Marshal(Problem{Type: "about:blank", Title: title, Status: status, Detail: detail})
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Del("ETag")
	w.WriteHeader(status)
	w.Write(append(b, '\n')) //nolint:errcheck // the client went away
}

// fail answers a request that err stopped: its code's status, with the
// error's message when it is one for people, never an internal error's.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch fanarchive.ErrorCode(err) {
	case fanarchive.ENOTFOUND:
		s.problem(w, r, http.StatusNotFound, "Not found", fanarchive.ErrorMessage(err))
	case fanarchive.EINVALID:
		s.problem(w, r, http.StatusBadRequest, "Bad request", fanarchive.ErrorMessage(err))
	default:
		if errors.Is(r.Context().Err(), context.Canceled) {
			return // the client went away
		}
		s.logger.LogAttrs(r.Context(), slog.LevelError, "api request failed",
			slog.String("path", r.URL.Path), slog.String("error", err.Error()))
		s.problem(w, r, http.StatusInternalServerError, "Internal error", "The problem has been logged.")
	}
}

// invalid is a bad parameter's error.
func invalid(format string, args ...any) error {
	return fanarchive.Errorf(fanarchive.EINVALID, format, args...)
}

// etagMatches reports whether an If-None-Match header names etag; a
// malformed header matches nothing.
func etagMatches(header, etag string) bool {
	header = strings.TrimSpace(header)
	if header == "" || len(header) > 4096 {
		return false
	}
	if header == "*" {
		return true
	}
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if i := strings.LastIndex(tag, "-"); i > 0 && strings.HasSuffix(tag, `"`) {
			if enc := tag[i+1 : len(tag)-1]; enc == "gzip" || enc == "br" {
				tag = tag[:i] + `"` // the coding the site's compression added
			}
		}
		if tag == etag {
			return true
		}
	}
	return false
}

// openAPI serves the description.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	sum := sha256.Sum256(OpenAPI)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age=3600")
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "application/json")
	w.Write(OpenAPI) //nolint:errcheck // the client went away
	return nil
}
