package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The page cache keeps the finished responses — rendered, compressed,
// with their headers — of the pages anonymous readers ask for, so a popular
// work page costs a map lookup instead of a database read, a render and a
// compression. An entry is good for one content version (Options
// .ContentVersion: the change log's last sequence number, which every write
// that changes what a page shows advances, in any process); the version is
// asked for at most every Options.PageCacheStaleness, so a change made by
// another process shows within that time. Pages for logged-in readers (who
// see their name and form tokens) are never cached, nor streamed ones
// (the entire work, downloads, originals), nor anything but a 200 without
// cookies set.

// pageCacheLimits bound the cache: no page over a MB is kept, and the whole
// cache stays under limitBytes.
const (
	pageCacheMaxPage = 1 << 20
	pageCacheBytes   = 64 << 20
)

type pageCache struct {
	version   func(context.Context) (int64, error)
	staleness time.Duration

	mu      sync.Mutex
	current int64 // the version the entries are for
	checked time.Time
	entries map[string]*cachedPage
	bytes   int
}

type cachedPage struct {
	header http.Header
	body   []byte
	etag   string
}

// keptHeaders are the response headers an entry keeps; the security
// headers are set again around the cache.
var keptHeaders = []string{"Content-Type", "Content-Encoding", "Content-Language", "ETag", "Cache-Control", "Vary", "Last-Modified"}

// cacheKey returns the key of a request's response, or "" when it must not
// be served from the cache.
func (s *Server) cacheKey(r *http.Request) string {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return ""
	}
	if _, err := r.Cookie(s.sessionCookieName()); err == nil {
		return "" // a logged-in reader's page is theirs
	}
	p := r.URL.Path
	if strings.HasPrefix(p, "/static/") || strings.HasPrefix(p, "/api/") || strings.Contains(p, "/download/") ||
		strings.HasSuffix(p, "/source") || r.URL.Query().Get("view") == "full" {
		return ""
	}
	if p == "/lists" || strings.HasPrefix(p, "/lists/") {
		// A list's pages change with its members and messages, which the
		// content version (the works' change log) does not follow.
		return ""
	}
	consent := "0"
	if c, err := r.Cookie(consentCookie); err == nil && c.Value == "1" {
		consent = "1"
	}
	// The reading settings are written into every page (settings.go), so
	// two readers with different settings never share an entry.
	return r.Method + " " + r.URL.RequestURI() + "\x00" + string(chooseEncoding(r.Header.Get("Accept-Encoding"))) + "\x00" + consent +
		"\x00" + readingSettingsOf(r).encode()
}

// cachePages serves what the cache has and keeps what it may.
func (s *Server) cachePages(next http.Handler) http.Handler {
	c := s.cache
	if c == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := s.cacheKey(r)
		if key == "" {
			next.ServeHTTP(w, r)
			return
		}
		version, ok := c.versionNow(r.Context())
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if e := c.get(version, key); e != nil {
			h := w.Header()
			for k, v := range e.header {
				h[k] = v
			}
			if etagMatches(r.Header.Get("If-None-Match"), withoutCoding(e.etag)) {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			h.Set("Content-Length", strconv.Itoa(len(e.body)))
			w.WriteHeader(http.StatusOK)
			if r.Method != http.MethodHead {
				w.Write(e.body) //nolint:errcheck // the client went away
			}
			return
		}
		rec := &pageRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == http.StatusOK && !rec.tooBig && r.Method == http.MethodGet && len(rec.Header().Values("Set-Cookie")) == 0 {
			e := &cachedPage{header: http.Header{}, body: rec.body}
			for _, k := range keptHeaders {
				if v := rec.Header().Values(k); len(v) > 0 {
					e.header[http.CanonicalHeaderKey(k)] = v
				}
			}
			e.etag = e.header.Get("ETag")
			if e.etag == "" {
				sum := sha256.Sum256(e.body)
				e.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
			}
			c.put(version, key, e)
		}
	})
}

// versionNow returns the content version, asking for it when the last
// answer is older than the staleness allowed; ok is false when it cannot
// be known (the page is then made afresh).
func (c *pageCache) versionNow(ctx context.Context) (int64, bool) {
	c.mu.Lock()
	if c.staleness > 0 && time.Since(c.checked) < c.staleness {
		v := c.current
		c.mu.Unlock()
		return v, true
	}
	c.mu.Unlock()
	v, err := c.version(ctx)
	if err != nil {
		return 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v != c.current {
		c.current, c.entries, c.bytes = v, nil, 0
	}
	c.checked = time.Now()
	return v, true
}

func (c *pageCache) get(version int64, key string) *cachedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.current {
		return nil
	}
	return c.entries[key]
}

func (c *pageCache) put(version int64, key string, e *cachedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.current {
		return // the content changed while the page was made
	}
	if c.entries == nil {
		c.entries = map[string]*cachedPage{}
	}
	if old := c.entries[key]; old != nil {
		c.bytes -= len(old.body)
	}
	for k, old := range c.entries {
		if c.bytes+len(e.body) <= pageCacheBytes {
			break
		}
		c.bytes -= len(old.body)
		delete(c.entries, k)
	}
	c.entries[key] = e
	c.bytes += len(e.body)
}

// pageRecorder passes a response through and keeps a copy of it, up to
// pageCacheMaxPage.
type pageRecorder struct {
	http.ResponseWriter
	status int
	body   []byte
	tooBig bool
}

func (pr *pageRecorder) WriteHeader(status int) {
	if pr.status == 0 {
		pr.status = status
	}
	pr.ResponseWriter.WriteHeader(status)
}

func (pr *pageRecorder) Write(b []byte) (int, error) {
	if pr.status == 0 {
		pr.status = http.StatusOK
	}
	if !pr.tooBig {
		if len(pr.body)+len(b) > pageCacheMaxPage {
			pr.tooBig, pr.body = true, nil
		} else {
			pr.body = append(pr.body, b...)
		}
	}
	return pr.ResponseWriter.Write(b)
}

// Flush marks a streamed response, which is not kept.
func (pr *pageRecorder) Flush() {
	pr.tooBig, pr.body = true, nil
	if f, ok := pr.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (pr *pageRecorder) Unwrap() http.ResponseWriter { return pr.ResponseWriter }

// withoutCoding is an entity tag without the coding compressResponses
// added to it, which etagMatches takes off the client's tags too.
func withoutCoding(etag string) string {
	for _, enc := range []encoding{gzipEnc, brEnc} {
		if strings.HasSuffix(etag, "-"+string(enc)+`"`) {
			return strings.TrimSuffix(etag, "-"+string(enc)+`"`) + `"`
		}
	}
	return etag
}
