package web_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"fanarchive/internal/web"

	"golang.org/x/net/html"
)

// TestSecurityHeaders checks the headers every kind of response carries:
// pages, notices, downloads, static files, redirects and every error.
func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t, web.Options{})
	want := map[string]string{
		"Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
		"X-Frame-Options":         "DENY",
	}
	check := func(t *testing.T, what string, resp response) {
		t.Helper()
		for k, v := range want {
			if got := resp.header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", what, k, got, v)
			}
		}
	}
	for _, path := range []string{
		"/", "/?page=2", workPath(f.quiet), workPath(f.multi) + "/chapters/2", workPath(f.adult),
		workPath(f.quiet) + "/source", "/authors/Maple%20Stone", "/tags/fandom/Harbor%20Lights",
		"/static/style.css", "/works/abc", "/nowhere", "/static/nope.css", "/adult-consent",
	} {
		check(t, "GET "+path, f.get(path, false))
	}
	check(t, "POST consent", f.postConsent("/", map[string]string{"Sec-Fetch-Site": "same-origin"}))
	check(t, "cross-origin POST", f.postConsent("/", map[string]string{"Sec-Fetch-Site": "cross-site"}))
	check(t, "bad next", f.postConsent("//evil.com", map[string]string{"Sec-Fetch-Site": "same-origin"}))
}

func TestStatic(t *testing.T) {
	f := newFixture(t, web.Options{})
	home := f.get("/", false)
	start := strings.Index(home.body, `href="/static/style.css?v=`)
	if start < 0 {
		t.Fatal("no stylesheet link on the home page")
	}
	href := home.body[start+len(`href="`):]
	href = href[:strings.IndexByte(href, '"')]
	resp := f.get(href, false)
	if resp.status != http.StatusOK {
		t.Fatalf("GET %s: status %d", href, resp.status)
	}
	if ct := resp.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("Content-Type = %q", ct)
	}
	if cc := resp.header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") {
		t.Errorf("Cache-Control = %q", cc)
	}
	for _, s := range []string{"prefers-color-scheme: dark", "hr.scene-break", "p.verse", "max-width: var(--measure)", "white-space: pre-wrap"} {
		if !strings.Contains(resp.body, s) {
			t.Errorf("stylesheet lacks %q", s)
		}
	}
}

// TestNoStyleOrScriptInPages keeps pages within the Content-Security-Policy:
// no inline style, no script element, no event handler attribute and no
// javascript: URL. It parses the pages, so escaped text that merely spells
// such markup does not count.
func TestNoStyleOrScriptInPages(t *testing.T) {
	f := newFixture(t, web.Options{})
	for _, path := range []string{"/", workPath(f.quiet), workPath(f.multi) + "?view=full", workPath(f.hostile), workPath(f.adult), "/nowhere"} {
		doc, err := html.Parse(strings.NewReader(f.get(path, false).body))
		if err != nil {
			t.Fatalf("parse %s: %v", path, err)
		}
		for n := range doc.Descendants() {
			if n.Type != html.ElementNode {
				continue
			}
			if n.Data == "script" || n.Data == "style" {
				t.Errorf("GET %s has a <%s> element", path, n.Data)
			}
			for _, a := range n.Attr {
				if a.Key == "style" || strings.HasPrefix(a.Key, "on") || strings.Contains(strings.ToLower(a.Val), "javascript:") {
					t.Errorf("GET %s: <%s %s=%q>", path, n.Data, a.Key, a.Val)
				}
			}
		}
	}
}

// TestFeedbackAddressNeverShown fetches every page of the site and checks
// that the private feedback address appears in none.
func TestFeedbackAddressNeverShown(t *testing.T) {
	f := newFixture(t, web.Options{})
	quiet := workPath(f.quiet)
	for _, path := range []string{
		"/", quiet, quiet + "?view=full", quiet + "/chapters/1", "/authors/Maple%20Stone",
		"/tags/fandom/Starlight%20Patrol", "/tags/character/Ren%C3%A9e",
	} {
		resp := f.get(path, true)
		if resp.status != http.StatusOK {
			t.Errorf("GET %s: status %d", path, resp.status)
		}
		if strings.Contains(resp.body, feedbackAddress) || strings.Contains(resp.body, "@example.org") {
			t.Errorf("GET %s shows the feedback address", path)
		}
	}
	// The obfuscated address of the multi-part work is not shown either.
	if body := f.get(workPath(f.multi), false).body; strings.Contains(body, "example dot net") {
		t.Error("an address spelled out with (at) and dot is shown")
	}
}

// TestServerError closes the store under the server: every page that needs
// it answers with the 500 page, which shows no error detail, and the error
// is logged with the method and path.
func TestServerError(t *testing.T) {
	f := newFixture(t, web.Options{})
	f.store.Close()
	for _, path := range []string{"/", workPath(f.quiet), "/authors/Maple%20Stone"} {
		resp := f.get(path, false)
		if resp.status != http.StatusInternalServerError {
			t.Errorf("GET %s: status %d, want 500", path, resp.status)
		}
		if !strings.Contains(resp.body, "Something went wrong on our side.") {
			t.Errorf("GET %s: no 500 page:\n%s", path, resp.body)
		}
		for _, leak := range []string{"sql", "closed", "database"} {
			if strings.Contains(strings.ToLower(resp.body), leak) {
				t.Errorf("GET %s: the 500 page leaks %q", path, leak)
			}
		}
	}
	logs := f.logs.String()
	for _, s := range []string{"level=ERROR", "method=GET", `path="/authors/Maple Stone"`, "error="} {
		if !strings.Contains(logs, s) {
			t.Errorf("log lacks %q:\n%s", s, logs)
		}
	}
}

// TestNew builds the whole router: a pattern that conflicts with another
// panics here. It also checks the site name option.
func TestNew(t *testing.T) {
	f := newFixture(t, web.Options{})
	srv := web.New(f.store, nil, web.Options{SiteName: "Lantern Archive"})
	rec := &bufferResponse{header: http.Header{}}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "/", nil)
	srv.ServeHTTP(rec, req)
	if rec.status != http.StatusOK || !bytes.Contains(rec.body.Bytes(), []byte("<title>Newest works - Lantern Archive</title>")) {
		t.Errorf("status %d, body:\n%s", rec.status, rec.body.String())
	}
}

// bufferResponse is a minimal http.ResponseWriter.
type bufferResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferResponse) Header() http.Header { return b.header }
func (b *bufferResponse) WriteHeader(s int)   { b.status = s }
func (b *bufferResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// TestRootFiles: /favicon.ico and /robots.txt are there, as browsers and
// crawlers expect.
func TestRootFiles(t *testing.T) {
	f := newFixture(t, web.Options{})
	for path, want := range map[string]string{"/favicon.ico": "image/", "/robots.txt": "text/plain"} {
		res := f.get(path, false)
		if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), want) || res.body == "" {
			t.Errorf("GET %s: %d %q (%d bytes)", path, res.status, res.header.Get("Content-Type"), len(res.body))
		}
	}
	if res := f.get("/robots.txt", false); !strings.Contains(res.body, "Disallow: /search") {
		t.Errorf("robots.txt:\n%s", res.body)
	}
}
