package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestChooseEncoding(t *testing.T) {
	for header, want := range map[string]encoding{
		"":                            identity,
		"gzip":                        gzipEnc,
		"br":                          brEnc,
		"gzip, deflate, br, zstd":     brEnc,
		"gzip;q=1.0, br;q=0.5":        gzipEnc,
		"br;q=0, gzip":                gzipEnc,
		"br;q=0, gzip;q=0":            identity,
		"*":                           brEnc,
		"*;q=0":                       identity,
		"identity":                    identity,
		"gzip;q=abc":                  identity,
		"gzip;q=2":                    identity,
		"gzip;q=-1, br;q=0.001":       brEnc,
		"GZIP":                        gzipEnc,
		"x-gzip":                      gzipEnc,
		";;;,,,":                      identity,
		"gzip ; q = 0.8 , br ; q=0.7": gzipEnc,
		strings.Repeat("gzip,", 500):  identity,
	} {
		if got := chooseEncoding(header); got != want {
			t.Errorf("chooseEncoding(%.40q) = %q, want %q", header, got, want)
		}
	}
}

// TestCompressResponses: text of a kilobyte or more is compressed as the
// client prefers and reads back whole; short bodies, zips, 304s and ranges
// pass as they are; a streamed response reaches the client as it is
// flushed.
func TestCompressResponses(t *testing.T) {
	page := strings.Repeat("<p>The lamp was lit at dusk.</p>\n", 200)
	h := compressResponses(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/page":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Length", "6800")
			w.Header().Set("ETag", `"v1"`)
			io.WriteString(w, page)
		case "/short":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<p>hi</p>")
		case "/epub":
			w.Header().Set("Content-Type", "application/epub+zip")
			io.WriteString(w, page)
		case "/304":
			w.WriteHeader(http.StatusNotModified)
		case "/stream":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<p>first</p>")
			w.(http.Flusher).Flush()
			io.WriteString(w, page)
		}
	}))
	get := func(path, accept string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Accept-Encoding", accept)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	decode := func(enc string, b []byte) string {
		var r io.Reader
		switch enc {
		case "gzip":
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			r = zr
		case "br":
			r = brotli.NewReader(bytes.NewReader(b))
		default:
			return string(b)
		}
		out, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	for _, enc := range []string{"gzip", "br"} {
		rec := get("/page", enc)
		if rec.Header().Get("Content-Encoding") != enc || rec.Header().Get("Content-Length") != "" {
			t.Errorf("%s: Content-Encoding %q, Content-Length %q", enc, rec.Header().Get("Content-Encoding"), rec.Header().Get("Content-Length"))
		}
		if rec.Body.Len() >= len(page)/4 {
			t.Errorf("%s: %d bytes for %d", enc, rec.Body.Len(), len(page))
		}
		if got := decode(enc, rec.Body.Bytes()); got != page {
			t.Errorf("%s: the page does not read back", enc)
		}
		if etag := rec.Header().Get("ETag"); etag != `"v1-`+enc+`"` {
			t.Errorf("%s: ETag %q", enc, etag)
		}
		if !etagMatches(rec.Header().Get("ETag"), `"v1"`) {
			t.Errorf("%s: the compressed tag does not match its version", enc)
		}
		stream := get("/stream", enc)
		if got := decode(enc, stream.Body.Bytes()); got != "<p>first</p>"+page || !stream.Flushed {
			t.Errorf("%s: the streamed page (flushed %v) reads %.60q", enc, stream.Flushed, got)
		}
	}
	for path, accept := range map[string]string{"/short": "gzip", "/epub": "br", "/304": "gzip", "/page": "identity"} {
		rec := get(path, accept)
		if ce := rec.Header().Get("Content-Encoding"); ce != "" {
			t.Errorf("%s (%s): compressed as %q", path, accept, ce)
		}
	}
	if rec := get("/page", ""); rec.Body.String() != page || !strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Accept-Encoding") {
		t.Errorf("no Accept-Encoding: body or Vary wrong (%v)", rec.Header()["Vary"])
	}
}

// TestPageETags: a page carries a strong ETag of its bytes and answers 304
// when the reader has them; a changed page gets a new one.
func TestPageETags(t *testing.T) {
	srv := New(nil, nil, Options{})
	rec := httptest.NewRecorder()
	srv.render(rec, httptest.NewRequest(http.MethodGet, "/", nil), http.StatusOK, "error", &errorPage{page: srv.newPage("x"), Heading: "One"})
	etag := rec.Header().Get("ETag")
	if etag == "" || strings.HasPrefix(etag, "W/") || rec.Header().Get("Cache-Control") != "public, max-age=60" {
		t.Fatalf("ETag %q, Cache-Control %q", etag, rec.Header().Get("Cache-Control"))
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	srv.render(rec, req, http.StatusOK, "error", &errorPage{page: srv.newPage("x"), Heading: "One"})
	if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Errorf("same page: %d, %d bytes", rec.Code, rec.Body.Len())
	}
	rec = httptest.NewRecorder()
	srv.render(rec, req, http.StatusOK, "error", &errorPage{page: srv.newPage("x"), Heading: "Two"})
	if rec.Code != http.StatusOK || rec.Header().Get("ETag") == etag {
		t.Errorf("changed page: %d, same tag %v", rec.Code, rec.Header().Get("ETag") == etag)
	}
}
