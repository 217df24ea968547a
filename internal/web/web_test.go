package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"fanarchive/internal/web"
)

func TestPages(t *testing.T) {
	f := newFixture(t, web.Options{})
	quiet, multi := workPath(f.quiet), workPath(f.multi)
	tests := []struct {
		name    string
		path    string
		status  int
		want    []string
		notWant []string
	}{
		{
			name:   "home lists newest works as blurbs",
			path:   "/",
			status: http.StatusOK,
			want: []string{
				"<title>Newest works - fanarchive</title>",
				`<a href="` + quiet + `">A Quiet Evening</a>`,
				`<a rel="author" href="/authors/Maple%20Stone">Maple Stone</a>`,
				`href="/tags/fandom/Starlight%20Patrol">Starlight Patrol</a>`,
				`<a class="tag inferred" href="/tags/fandom/Harbor%20Lights">Harbor Lights</a> <span class="inferred-note">(inferred)</span>`,
				"12,345", "1/1", "3/?", "2/2",
				"<p>Renée makes tea.</p><p>The kettle has opinions.</p>",
				`class="untitled">Untitled</a>`,
				"The rain had not stopped…",
				`rel="next" href="/?page=2"`,
				"25 works",
			},
			notWant: []string{"Filler Story 01", `rel="prev"`},
		},
		{
			name:    "second page",
			path:    "/?page=2",
			status:  http.StatusOK,
			want:    []string{"<title>Newest works - Page 2 - fanarchive</title>", "Filler Story 01", `rel="prev" href="/?page=1"`, "Page 2 of 2"},
			notWant: []string{"A Quiet Evening", `rel="next"`},
		},
		{name: "page past the end", path: "/?page=3", status: http.StatusNotFound, want: []string{"We couldn&#39;t find that page."}},
		{name: "page zero", path: "/?page=0", status: http.StatusNotFound},
		{name: "page not a number", path: "/?page=two", status: http.StatusNotFound},
		{
			name:   "one-chapter work",
			path:   quiet,
			status: http.StatusOK,
			want: []string{
				"<title>A Quiet Evening - Maple Stone - fanarchive</title>",
				`<h1 lang="en">A Quiet Evening</h1>`,
				"<dt>Rating:</dt>", "General", "(G as written)",
				"<dt>Fandoms:</dt>", "<dt>Characters:</dt>", "<dt>Additional tags:</dt>",
				`<details class="note" open>`, "<summary>Disclaimer</summary>",
				"<p>The kettle belongs to nobody. No profit is made.</p>",
				"said Renée—and the kettle sang.",
				`<hr class="scene-break">`, `<p class="verse">`,
				"Originally archived at <span class=\"credit\">The Lantern Room</span> · posted to <span class=\"credit\">Lantern-L</span> · feedback to <span class=\"credit\">Maple Stone</span>",
				"Original file: <code>quiet_evening.txt</code> (" + fmt.Sprint(len(quietRaw)) + " bytes, SHA-256 <code>" + f.quiet.Sources[0].SHA256[:12] + "</code>…)",
				`<a href="` + quiet + `/source" download>download</a>`,
				"<dt>Words:</dt><dd>12,345</dd>",
			},
			notWant: []string{"chapter-index", "Entire work"},
		},
		{
			name:   "multi-chapter work shows chapter 1 with navigation",
			path:   multi,
			status: http.StatusOK,
			want: []string{
				"<title>Lighthouse Keeping - Ash Wren, R. J. Holloway - fanarchive</title>",
				"The lamp needed oil every evening.",
				`<h2 class="chapter-title">Chapter 1: Oil</h2>`,
				`<a href="` + multi + `/chapters/1" aria-current="page">Chapter 1: Oil</a>`,
				`<a href="` + multi + `/chapters/2">Chapter 2</a>`,
				`<a rel="next" href="` + multi + `/chapters/2">`,
				`<a href="` + multi + `?view=full">Entire work</a>`,
				`<a class="tag" href="/tags/relationship/Kit%2FJuno">Kit/Juno</a>`,
				"3/?",
				"Posted to <span class=\"credit\">Harbor-L</span> · feedback to <span class=\"credit\">Ash Wren, R. J. Holloway</span>",
				`href="` + multi + `/source?part=1"`, `href="` + multi + `/source?part=2"`,
			},
			notWant: []string{"The gulls returned", "Fog swallowed", `rel="prev"`, "example dot net"},
		},
		{
			name:    "chapter 2",
			path:    multi + "/chapters/2",
			status:  http.StatusOK,
			want:    []string{"<title>Lighthouse Keeping - Chapter 2 - Ash Wren, R. J. Holloway - fanarchive</title>", "The gulls returned in spring.", `rel="prev" href="` + multi + `/chapters/1"`, `rel="next" href="` + multi + `/chapters/3"`},
			notWant: []string{"The lamp needed oil every evening.", "Fog swallowed"},
		},
		{
			name:    "last chapter has no next",
			path:    multi + "/chapters/3",
			status:  http.StatusOK,
			want:    []string{"Chapter 3: Fog", "Fog swallowed the causeway whole."},
			notWant: []string{`rel="next"`},
		},
		{
			name:   "entire work",
			path:   multi + "?view=full",
			status: http.StatusOK,
			want: []string{
				"The lamp needed oil every evening.", "The gulls returned in spring.", "Fog swallowed the causeway whole.",
				`id="chapter-2"`, `<a href="#chapter-3">Chapter 3: Fog</a>`, `<a href="` + multi + `">Chapter by chapter</a>`,
			},
			notWant: []string{`rel="next"`, `rel="prev"`},
		},
		{name: "chapter past the end", path: multi + "/chapters/4", status: http.StatusNotFound, want: []string{"We couldn&#39;t find that chapter."}},
		{name: "chapter zero", path: multi + "/chapters/0", status: http.StatusNotFound},
		{name: "chapter not a number", path: multi + "/chapters/two", status: http.StatusNotFound},
		{name: "work id not a number", path: "/works/abc", status: http.StatusNotFound, want: []string{"We couldn&#39;t find that work.", "<code>/works/abc</code>"}},
		{name: "negative work id", path: "/works/-1", status: http.StatusNotFound},
		{name: "work id overflows", path: "/works/99999999999999999999", status: http.StatusNotFound},
		{name: "work id with sign", path: "/works/+1", status: http.StatusNotFound},
		{name: "work id zero", path: "/works/0", status: http.StatusNotFound},
		{name: "no such work", path: "/works/999999", status: http.StatusNotFound, want: []string{"We couldn&#39;t find that work."}},
		{name: "no such work's source", path: "/works/999999/source", status: http.StatusNotFound},
		{
			name:    "author",
			path:    "/authors/Maple%20Stone",
			status:  http.StatusOK,
			want:    []string{"<title>Works by Maple Stone - fanarchive</title>", "<h1>Works by Maple Stone</h1>", "A Quiet Evening", "Untitled", "2 works"},
			notWant: []string{"Lighthouse Keeping"},
		},
		{name: "author with a period and spaces", path: "/authors/R.%20J.%20Holloway", status: http.StatusOK, want: []string{"Lighthouse Keeping"}},
		{name: "no such author", path: "/authors/Nobody%20Here", status: http.StatusNotFound, want: []string{"We couldn&#39;t find that author."}},
		{
			name:    "fandom tag",
			path:    "/tags/fandom/Harbor%20Lights",
			status:  http.StatusOK,
			want:    []string{"<h1>Works tagged Fandom: Harbor Lights</h1>", "Lighthouse Keeping", "A Quiet Evening", "After the Storm"},
			notWant: []string{"Untitled"},
		},
		{name: "relationship tag with a slash", path: "/tags/relationship/Kit%2FJuno", status: http.StatusOK, want: []string{"Works tagged Relationship: Kit/Juno", "Lighthouse Keeping"}},
		{name: "no such tag", path: "/tags/fandom/Nothing", status: http.StatusNotFound, want: []string{"We couldn&#39;t find that tag."}},
		{name: "unknown tag kind", path: "/tags/flavour/Tea", status: http.StatusNotFound},
		{name: "unknown page", path: "/nowhere", status: http.StatusNotFound, want: []string{"We couldn&#39;t find that page.", "<code>/nowhere</code>"}},
		{name: "consent is POST only", path: "/adult-consent", status: http.StatusNotFound},
		{name: "no such static file", path: "/static/missing.css", status: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.get(tt.path, false)
			if resp.status != tt.status {
				t.Fatalf("GET %s: status %d, want %d\n%s", tt.path, resp.status, tt.status, resp.body)
			}
			if ct := resp.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			for _, s := range tt.want {
				if !strings.Contains(resp.body, s) {
					t.Errorf("GET %s: body lacks %q", tt.path, s)
				}
			}
			for _, s := range tt.notWant {
				if strings.Contains(resp.body, s) {
					t.Errorf("GET %s: body has %q", tt.path, s)
				}
			}
			if t.Failed() {
				t.Logf("body:\n%s", resp.body)
			}
		})
	}
}

func TestEscaping(t *testing.T) {
	f := newFixture(t, web.Options{})
	for _, path := range []string{"/", workPath(f.hostile), "/authors/Mallory%20%3Cb%3EBold%3C%2Fb%3E"} {
		resp := f.get(path, false)
		if resp.status != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, resp.status)
		}
		// Escaped text may spell "onerror"; markup may not appear at all.
		for _, bad := range []string{"<script", "onclick", "javascript:", "<b>Bold</b>", "<img", "pwned"} {
			if strings.Contains(resp.body, bad) {
				t.Errorf("GET %s: body contains %q", path, bad)
			}
		}
		if !strings.Contains(resp.body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("GET %s: the hostile title is not shown escaped", path)
		}
	}
	resp := f.get(workPath(f.hostile), false)
	for _, s := range []string{
		"<title>&lt;script&gt;alert(1)&lt;/script&gt; - Mallory &lt;b&gt;Bold&lt;/b&gt; - fanarchive</title>",
		"<p>She closed the book.</p>",
		"A summary with &lt;img src=x onerror=alert(2)&gt; in it.",
	} {
		if !strings.Contains(resp.body, s) {
			t.Errorf("work page lacks %q\n%s", s, resp.body)
		}
	}
}
