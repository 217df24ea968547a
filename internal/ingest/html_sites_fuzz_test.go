package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"fanarchive"
	"fanarchive/internal/prose"
)

// siteSnippets seed FuzzSitePage with the shapes the site layouts look
// for, broken: cuts in odd places, bodies inside comment sections,
// detect selectors without a body, chapter headings that are the body.
var siteSnippets = []string{
	`<div class="entry-content"><a name="cutid1"></a></div>`,
	`<div class="entry-content"><p>a<a name="cutid1">b</a>c</p></div><span class="ljuser" lj:user="">x</span>`,
	`<div id="comments"><div class="entry-content"><a name="cutid1"></a><p>x</p></div></div><span lj:user=u class=ljuser></span>`,
	`<body class="entry-content"><p>x<a name=cutid1></a>y</p></body>`,
	`<div id="profile_top"><div id="storytext"><div id="profile_top"></div></div></div>`,
	`<div id="profile_top"><a href="/u/1/">by by</a><a href="https://www.fictionratings.com/">Fiction</a></div><div id="storytext"></div>`,
	`<div id="workskin"><dl class="work meta"><dd class="rating"><a class="tag">x</a></dd></dl><h3 id="chapters" class="chapter preface title">Chapter 1</h3></div>`,
	`<div id="workskin"><dl class="work meta"></dl><div id="chapters"><div class="chapter preface"><h3 class="title">Chapter 1: x</h3></div><p>y</p></div></div>`,
	`<div data-page-number="1"><pre><p data-p-id="1">x</p><pre><div>y</div></pre></pre></div>`,
	`<pre><p>a</p>b<p>c</p></pre>`,
	`<div id="pagetitle"><a href="viewstory.php">t</a> by <a href="viewuser.php"></a></div><div id="story"><div id="footer">x</div></div>`,
	`<div class="dev-view-deviation"><div class="journal-wrapper"><div class="text"></div></div></div>`,
	`<article class="hentry"><h1 class="entry-title">[FIC]</h1><div class="entry-content"><p>Current mood: x</p></div></article>`,
	`<div class="hentry"><span class="author vcard"><span class="fn">by on at</span></span><div class="entry-content"><div class="widget"><p>x</p></div></div></div>`,
	`<title>a | b | a</title><meta property="og:site_name" content="a"><h1 class="entry-title">a</h1>`,
	`<title> - Chapter 1 - </title><meta property="og:site_name" content=" - "><p>x</p>`,
	`<p><b>Current Music:</b></p><p><b>Current Mood:</b> x<br>y</p>`,
	`<div>1K Reads</div>`,
	strings.Repeat(`<div class="entry-content">`, 300) + "x",
	strings.Repeat(`<div class="comments"><a name="cutid1"></a>`, 300) + "x",
	strings.Repeat(`<span class="ljuser" lj:user="u">`, 300) + "x",
}

// FuzzSitePage feeds site-shaped pages to the HTML parser: whatever the
// site layouts find, narrow or drop, the parse must not panic, must return
// a valid work or an EUNREADABLE error, must keep the page's bytes, and
// must give evidence between 0 and 1 and trimmed, valid titles. Failing
// inputs are kept in testdata/fuzz/FuzzSitePage and replayed by plain
// `go test`.
func FuzzSitePage(f *testing.F) {
	files, _ := filepath.Glob("testdata/sites/*.html")
	for _, name := range files {
		if raw, err := os.ReadFile(name); err == nil {
			f.Add(raw)
		}
	}
	for _, s := range siteSnippets {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		w, err := ParseHTML("site.html", raw, Options{})
		if err != nil {
			if fanarchive.ErrorCode(err) != fanarchive.EUNREADABLE {
				t.Fatalf("error code %q for %q: %v", fanarchive.ErrorCode(err), raw, err)
			}
			return
		}
		if err := w.Validate(); err != nil {
			t.Fatalf("invalid work for %q: %v", raw, err)
		}
		if !bytes.Equal(w.Sources[0].Raw, raw) {
			t.Fatalf("source bytes differ from input")
		}
		if !utf8.ValidString(w.Title) || strings.TrimSpace(w.Title) != w.Title {
			t.Fatalf("title %q is not valid, trimmed text for %q", w.Title, raw)
		}
		for field, ev := range w.Evidence {
			if ev.Confidence < 0 || ev.Confidence > 1 {
				t.Fatalf("evidence for %s has confidence %v for %q", field, ev.Confidence, raw)
			}
		}
		for _, c := range w.Chapters {
			if prose.Sanitize(c.Body) != c.Body {
				t.Fatalf("chapter %d body changes under Sanitize for %q", c.Number, raw)
			}
		}
	})
}

// FuzzCleanSiteTitle: taking decorations off a title only ever shortens
// it at its ends, never empties it, and leaves it trimmed.
func FuzzCleanSiteTitle(f *testing.F) {
	for _, tt := range []struct{ s, site, user string }{
		{"[FIC] The Lamplighter's Daughter (1/2)", "", ""},
		{"wrenwhistler: [FIC] Title", "LiveJournal", "wrenwhistler"},
		{"The Quiet Light - Chapter One - Wattpad", "Wattpad", ""},
		{"Glass Harbour by quillandcompass on DeviantArt", "DeviantArt", "quillandcompass"},
		{"Story Chapter 1: X, a harry potter fanfic | FanFiction", "FanFiction", ""},
		{"a | a", "a", "a"},
		{"[]", "", ""},
	} {
		f.Add(tt.s, tt.site, tt.user, true)
	}
	f.Fuzz(func(t *testing.T, s, site, user string, page bool) {
		got := cleanSiteTitle(s, []string{site}, []string{user}, page)
		in := collapse(s)
		switch {
		case in != "" && got == "":
			t.Fatalf("cleanSiteTitle(%q, %q, %q) emptied it", s, site, user)
		case !strings.Contains(in, got):
			t.Fatalf("cleanSiteTitle(%q, %q, %q) = %q, not a part of %q", s, site, user, got, in)
		case strings.TrimSpace(got) != got:
			t.Fatalf("cleanSiteTitle(%q, %q, %q) = %q, not trimmed", s, site, user, got)
		}
	})
}
