package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestPageCache: an anonymous reader's page is made once per content
// version and encoding and then sent from memory; a logged-in reader's
// page, a response that sets a cookie or is not a 200, and streamed ones
// are never kept.
func TestPageCache(t *testing.T) {
	var version atomic.Int64
	s := New(nil, nil, Options{ContentVersion: func(context.Context) (int64, error) { return version.Load(), nil }})
	var made atomic.Int64
	page := strings.Repeat("<p>A kept page.</p>", 100)
	h := s.cachePages(compressResponses(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		made.Add(1)
		switch r.URL.Path {
		case "/cookie":
			http.SetCookie(w, &http.Cookie{Name: "x", Value: "1"})
		case "/missing":
			w.WriteHeader(http.StatusNotFound)
		case "/stream":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, page)
			w.(http.Flusher).Flush()
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("ETag", `"p1"`)
		io.WriteString(w, page+r.URL.Path)
	})))
	get := func(path string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	count := func(want int64, what string) {
		t.Helper()
		if got := made.Swap(0); got != want {
			t.Errorf("%s: made %d times, want %d", what, got, want)
		}
	}
	first := get("/works/1")
	again := get("/works/1")
	count(1, "the same page twice")
	if again.Body.String() != first.Body.String() || again.Header().Get("ETag") != `"p1"` {
		t.Errorf("the kept page differs: %q", again.Header().Get("ETag"))
	}
	get("/works/1", "Accept-Encoding", "br")
	br := get("/works/1", "Accept-Encoding", "br")
	count(1, "the same page, compressed")
	if br.Header().Get("Content-Encoding") != "br" || br.Header().Get("ETag") != `"p1-br"` {
		t.Errorf("kept compressed page: %v", br.Header())
	}
	if r := get("/works/1", "Accept-Encoding", "br", "If-None-Match", `"p1-br"`); r.Code != http.StatusNotModified {
		t.Errorf("a kept page the reader has: %d", r.Code)
	}
	get("/works/1?page=2")
	count(1, "another query")
	version.Add(1)
	get("/works/1")
	count(1, "after the content changed")
	for _, path := range []string{"/cookie", "/missing", "/stream", "/works/1/download/epub", "/works/1/source", "/works/1?view=full", "/api/v1/works"} {
		get(path)
		get(path)
		count(2, path)
	}
	get("/works/1", "Cookie", "session=abc")
	count(1, "a logged-in reader")
	get("/works/2", "Cookie", "adult_ok=1")
	get("/works/2")
	count(2, "with and without the adult notice's consent")
}
