package web_test

import (
	"net/http"
	"strings"
	"testing"

	"fanarchive/internal/web"
)

func TestAdultGate(t *testing.T) {
	f := newFixture(t, web.Options{})
	adult := workPath(f.adult)
	for _, path := range []string{adult, adult + "/chapters/2", adult + "?view=full", adult + "/source"} {
		t.Run(path, func(t *testing.T) {
			resp := f.get(path, false)
			if resp.status != http.StatusOK {
				t.Fatalf("status %d", resp.status)
			}
			for _, s := range []string{
				"This work could have adult content. If you continue, you have agreed that you are willing to see such content.",
				`<form method="post" action="/adult-consent">`,
				`<input type="hidden" name="next" value="` + path + `">`,
				`<button type="submit">Yes, continue</button>`,
				`<a class="button" href="/">No, go back</a>`,
				"<cite>After the Storm</cite>",
			} {
				if !strings.Contains(resp.body, s) {
					t.Errorf("notice lacks %q\n%s", s, resp.body)
				}
			}
			for _, s := range []string{adultStory, "Apples fell", "Two keepers"} {
				if strings.Contains(resp.body, s) {
					t.Errorf("notice shows the work's text %q", s)
				}
			}
			if !strings.Contains(strings.Join(resp.header.Values("Vary"), ", "), "Cookie") {
				t.Errorf("Vary = %q, want Cookie", resp.header.Get("Vary"))
			}
		})
	}

	t.Run("with consent", func(t *testing.T) {
		resp := f.get(adult, true)
		if resp.status != http.StatusOK || !strings.Contains(resp.body, adultStory) {
			t.Fatalf("status %d; story shown: %v", resp.status, strings.Contains(resp.body, adultStory))
		}
		if strings.Contains(resp.body, "could have adult content") {
			t.Error("the notice is shown to a reader who agreed")
		}
		if resp := f.get(adult+"/chapters/2", true); !strings.Contains(resp.body, "Apples fell on the tin roof") {
			t.Error("chapter 2 not shown with consent")
		}
		if resp := f.get(adult+"/source", true); resp.body != "After the Storm\n\nThe orchard kept its secret until dawn.\n" {
			t.Errorf("source with consent = %q", resp.body)
		}
	})

	t.Run("general works are not gated", func(t *testing.T) {
		if resp := f.get(workPath(f.quiet), false); strings.Contains(resp.body, "could have adult content") {
			t.Error("a General work shows the adult notice")
		}
	})

	t.Run("listings show adult works' blurbs", func(t *testing.T) {
		if resp := f.get("/", false); !strings.Contains(resp.body, "After the Storm") {
			t.Error("the home page does not list the adult work")
		}
	})
}

func TestAdultConsent(t *testing.T) {
	tests := []struct {
		name     string
		secure   bool
		next     string
		headers  map[string]string
		status   int
		location string // when the consent is given
	}{
		{
			name:     "same origin by Sec-Fetch-Site",
			next:     "/works/1?view=full",
			headers:  map[string]string{"Sec-Fetch-Site": "same-origin"},
			status:   http.StatusSeeOther,
			location: "/works/1?view=full",
		},
		{
			name:     "same origin by Origin",
			next:     "/works/1/chapters/2",
			headers:  map[string]string{"Origin": "SERVER"},
			status:   http.StatusSeeOther,
			location: "/works/1/chapters/2",
		},
		{
			name:     "secure cookies",
			secure:   true,
			next:     "/works/1",
			headers:  map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "SERVER"},
			status:   http.StatusSeeOther,
			location: "/works/1",
		},
		{name: "cross-site", next: "/works/1", headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, status: http.StatusForbidden},
		{name: "other origin", next: "/works/1", headers: map[string]string{"Origin": "https://evil.example"}, status: http.StatusForbidden},
		{name: "protocol-relative", next: "//evil.com", headers: map[string]string{"Sec-Fetch-Site": "same-origin"}, status: http.StatusBadRequest},
		{name: "absolute URL", next: "https://evil.com", headers: map[string]string{"Sec-Fetch-Site": "same-origin"}, status: http.StatusBadRequest},
		{name: "backslash", next: `/\evil.com`, headers: map[string]string{"Sec-Fetch-Site": "same-origin"}, status: http.StatusBadRequest},
		{name: "tab before slashes", next: "/\t/evil.com", headers: map[string]string{"Sec-Fetch-Site": "same-origin"}, status: http.StatusBadRequest},
		{name: "relative", next: "evil.com", headers: map[string]string{"Sec-Fetch-Site": "same-origin"}, status: http.StatusBadRequest},
		{name: "javascript", next: "javascript:alert(1)", headers: map[string]string{"Sec-Fetch-Site": "same-origin"}, status: http.StatusBadRequest},
		{name: "empty", next: "", headers: map[string]string{"Sec-Fetch-Site": "same-origin"}, status: http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, web.Options{SecureCookies: tt.secure})
			headers := map[string]string{}
			for k, v := range tt.headers {
				headers[k] = strings.ReplaceAll(v, "SERVER", f.srv.URL)
			}
			resp := f.postConsent(tt.next, headers)
			if resp.status != tt.status {
				t.Fatalf("status %d, want %d\n%s", resp.status, tt.status, resp.body)
			}
			cookies := (&http.Response{Header: resp.header}).Cookies()
			if tt.location == "" {
				if len(cookies) != 0 {
					t.Errorf("refused request set cookies %v", cookies)
				}
				if loc := resp.header.Get("Location"); loc != "" {
					t.Errorf("refused request redirects to %q", loc)
				}
				return
			}
			if loc := resp.header.Get("Location"); loc != tt.location {
				t.Errorf("Location = %q, want %q", loc, tt.location)
			}
			if len(cookies) != 1 {
				t.Fatalf("cookies = %v, want one", cookies)
			}
			c := cookies[0]
			if c.Name != "adult_ok" || c.Value != "1" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode ||
				c.Path != "/" || c.MaxAge != 365*24*60*60 || c.Secure != tt.secure {
				t.Errorf("cookie = %+v (raw %q)", c, resp.header.Get("Set-Cookie"))
			}
		})
	}
}

// TestAdultConsentFlow follows the notice's form like a browser: post, get
// redirected with the cookie, and read the story.
func TestAdultConsentFlow(t *testing.T) {
	f := newFixture(t, web.Options{})
	resp := f.postConsent(workPath(f.adult), map[string]string{"Origin": f.srv.URL, "Sec-Fetch-Site": "same-origin"})
	if resp.status != http.StatusSeeOther {
		t.Fatalf("status %d", resp.status)
	}
	cookies := (&http.Response{Header: resp.header}).Cookies()
	req, _ := http.NewRequest(http.MethodGet, f.url(resp.header.Get("Location")), nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	if got := f.do(req); !strings.Contains(got.body, adultStory) {
		t.Errorf("after consent the story is not shown:\n%s", got.body)
	}
}
