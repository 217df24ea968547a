package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fanarchive/internal/web"
)

// TestReadingSettings: the form saves only known choices in a cookie, the
// pages carry them on <html>, and the page cache and the ETags keep pages
// made for different settings apart.
func TestReadingSettings(t *testing.T) {
	f := newFixture(t, web.Options{ContentVersion: func(context.Context) (int64, error) { return 1, nil }})
	anon := f.anon()

	page := anon.get("/settings")
	if page.status != http.StatusOK || !strings.Contains(page.body, `name="theme" value="system" checked`) ||
		!strings.Contains(page.body, `action="/settings"`) {
		t.Fatalf("the settings form: %d\n%s", page.status, page.body)
	}

	tests := []struct {
		name     string
		form     url.Values
		status   int
		location string
		cookie   string // the cookie's value; "-" when it is removed
	}{
		{"all four", form("size", "large", "font", "sans", "width", "wide", "theme", "sepia", "next", workPath(f.quiet)),
			http.StatusSeeOther, workPath(f.quiet), "font=sans&size=large&theme=sepia&width=wide"},
		{"unknown values are dropped", form("theme", "<script>", "size", "huge", "font", "sans"),
			http.StatusSeeOther, "/settings?saved=1", "font=sans"},
		{"defaults remove the cookie", form("theme", "system", "size", "medium"), http.StatusSeeOther, "/settings?saved=1", "-"},
		{"another site as next", form("theme", "dark", "next", "//evil.example/"), http.StatusBadRequest, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := anon.post("/settings", tt.form)
			if resp.status != tt.status || resp.header.Get("Location") != tt.location {
				t.Fatalf("status %d, Location %q; want %d, %q", resp.status, resp.header.Get("Location"), tt.status, tt.location)
			}
			if tt.cookie == "" {
				return
			}
			cookies := (&http.Response{Header: resp.header}).Cookies()
			if len(cookies) != 1 || cookies[0].Name != "reading" || !cookies[0].HttpOnly || cookies[0].Path != "/" {
				t.Fatalf("cookies %v", cookies)
			}
			if tt.cookie == "-" {
				if cookies[0].MaxAge >= 0 {
					t.Errorf("the cookie is kept: %+v", cookies[0])
				}
			} else if cookies[0].Value != tt.cookie || cookies[0].MaxAge != 365*24*60*60 {
				t.Errorf("cookie %+v, want value %q for a year", cookies[0], tt.cookie)
			}
		})
	}

	// The same URL, with and without settings, through the page cache.
	get := func(path, cookie, ifNoneMatch string) response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, f.url(path), nil)
		if cookie != "" {
			req.AddCookie(&http.Cookie{Name: "reading", Value: cookie})
		}
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		return f.do(req)
	}
	const sepia = "font=sans&size=large&theme=sepia&width=wide"
	const attrs = `<html lang="en" data-size="large" data-font="sans" data-width="wide" data-theme="sepia">`
	for _, path := range []string{"/", workPath(f.quiet), "/search?q=kettle"} {
		plain := get(path, "", "")
		styled := get(path, sepia, "")
		plainAgain := get(path, "", "")
		styledAgain := get(path, sepia, "")
		if plain.status != http.StatusOK || styled.status != http.StatusOK {
			t.Fatalf("%s: status %d, %d", path, plain.status, styled.status)
		}
		if strings.Contains(plain.body, "data-theme") || strings.Contains(plainAgain.body, "data-theme") {
			t.Errorf("%s: a reader without settings is given someone's settings", path)
		}
		if !strings.Contains(styled.body, attrs) || !strings.Contains(styledAgain.body, attrs) {
			t.Errorf("%s: the reader's settings are not on <html>:\n%.400s", path, styledAgain.body)
		}
		if plain.header.Get("ETag") == styled.header.Get("ETag") || plain.header.Get("ETag") == "" {
			t.Errorf("%s: the same ETag %q with and without settings", path, plain.header.Get("ETag"))
		}
		if vary := strings.Join(styled.header.Values("Vary"), ", "); !strings.Contains(vary, "Cookie") {
			t.Errorf("%s: Vary %q", path, vary)
		}
		if r := get(path, sepia, plain.header.Get("ETag")); r.status != http.StatusOK {
			t.Errorf("%s: the ETag of the page without settings answers %d for a reader with them", path, r.status)
		}
		if r := get(path, sepia, styled.header.Get("ETag")); r.status != http.StatusNotModified {
			t.Errorf("%s: the reader's own ETag answers %d", path, r.status)
		}
	}
	if r := get("/", "theme=dark&junk=1", ""); !strings.Contains(r.body, `<html lang="en" data-theme="dark">`) {
		t.Errorf("a cookie with an unknown key: %.200s", r.body)
	}
}
