package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fanarchive"
	"fanarchive/internal/store/sqlite"
	"fanarchive/internal/web"
)

func TestSearchPage(t *testing.T) {
	f := newFixture(t, web.Options{})
	tests := []struct {
		path   string
		status int
		want   []string // substrings of the body
		not    []string
	}{
		{"/search", 200, []string{`<form class="search-form" action="/search"`, "25 works found"}, nil},
		{"/search?q=kettle", 200, []string{"1 work found", "A Quiet Evening"}, []string{"Lighthouse Keeping"}},
		{"/search?q=" + url.QueryEscape(`"lamp needed oil"`), 200, []string{"1 work found", "Lighthouse Keeping"}, nil},
		{"/search?q=" + url.QueryEscape(`"needed lamp"`), 200, []string{"0 works found", "No works match"}, nil},
		{"/search?q=title:lighthouse", 200, []string{"Lighthouse Keeping"}, []string{"A Quiet Evening"}},
		{"/search?include=fandom:Harbor+Lights", 200, []string{"3 works found", "With Fandom “Harbor Lights”"}, nil},
		{"/search?include=fandom:Harbor+Lights&exclude=relationship:Kit/Juno", 200, []string{"2 works found", "A Quiet Evening"}, []string{"Lighthouse Keeping"}},
		{"/search?tags_out=Tea&include=fandom:Harbor+Lights", 200, []string{"2 works found", "Lighthouse Keeping"}, []string{"A Quiet Evening"}},
		{"/search?rating=Teen", 200, []string{"Lighthouse Keeping"}, []string{"A Quiet Evening"}},
		{"/search?words_min=10000", 200, []string{"1 work found", "A Quiet Evening"}, nil},
		{"/search?q=" + url.QueryEscape(`"unbalanced`), 200, []string{"closing quote was missing"}, nil},
		// Bad input is explained on the page: never a server error.
		{"/search?q=" + url.QueryEscape(strings.Repeat("x", 1001)), 400, []string{"please keep it under 1000"}, nil},
		{"/search?words_min=lots", 400, []string{"whole number"}, nil},
		{"/search?from=yesterday", 400, []string{"2001-09-30"}, nil},
		{"/search?sort=sideways", 400, []string{"Sort"}, nil},
		{"/search?after=garbage", 400, []string{"page link is not valid"}, nil},
		// A malformed escape is refused, not dropped (which answered with every work).
		{"/search?q=%zz", 400, []string{"malformed"}, []string{"works found"}},
		{"/search?q=kettle&rating=%G", 400, []string{"malformed"}, nil},
		{"/tags/fandom/Harbor%20Lights?q=%zz", 400, []string{"malformed"}, nil},
		{"/?page=%", 400, []string{"malformed"}, nil},
		{"/search?include=pairing:x", 200, []string{"No tag is called"}, nil},
		{"/search?q=" + url.QueryEscape(`'; DROP TABLE works; --`), 200, []string{"0 works found"}, nil},
		{"/search?q=" + url.QueryEscape(`NEAR(`), 200, []string{"0 works found"}, nil},
		{"/fandoms", 200, []string{`href="/tags/fandom/Harbor%20Lights"`, "Harbor Lights</a> <span class=\"count\">(3)"}, nil},
		{"/tags/fandom/Harbor%20Lights?q=lamp", 200, []string{"Works tagged Fandom: Harbor Lights", "Lighthouse Keeping"}, []string{"A Quiet Evening"}},
	}
	for _, tt := range tests {
		res := f.get(tt.path, false)
		if res.status != tt.status {
			t.Errorf("GET %s: status %d, want %d\n%s", tt.path, res.status, tt.status, res.body)
			continue
		}
		for _, s := range tt.want {
			if !strings.Contains(res.body, s) {
				t.Errorf("GET %s: body lacks %q", tt.path, s)
			}
		}
		for _, s := range tt.not {
			if strings.Contains(res.body, s) {
				t.Errorf("GET %s: body has %q", tt.path, s)
			}
		}
		if strings.Contains(res.body, `style=`) {
			t.Errorf("GET %s: inline style attribute (the CSP forbids it)", tt.path)
		}
	}
}

// TestSearchLinks follows the page's own links: the pager walks every
// match once, and a facet's include and exclude links narrow the search.
func TestSearchLinks(t *testing.T) {
	f := newFixture(t, web.Options{})
	href := regexp.MustCompile(`<a rel="next" href="([^"]+)"`)
	titles := regexp.MustCompile(`<h2 class="blurb-title"><a href="(/works/\d+)"`)
	seen := map[string]bool{}
	path := "/search?sort=title"
	pages := 0
	for path != "" {
		res := f.get(path, false)
		if res.status != 200 {
			t.Fatalf("GET %s: %d", path, res.status)
		}
		pages++
		for _, m := range titles.FindAllStringSubmatch(res.body, -1) {
			if seen[m[1]] {
				t.Errorf("%s listed twice", m[1])
			}
			seen[m[1]] = true
		}
		path = ""
		if m := href.FindStringSubmatch(res.body); m != nil {
			path = html.UnescapeString(m[1])
		}
	}
	if len(seen) != 25 || pages != 2 {
		t.Errorf("pager: %d works on %d pages, want 25 on 2", len(seen), pages)
	}

	res := f.get("/search", false)
	inc := regexp.MustCompile(`<a class="facet-include" href="([^"]+)">Harbor Lights</a>`).FindStringSubmatch(res.body)
	exc := regexp.MustCompile(`<a class="facet-exclude" href="([^"]+)" aria-label="Leave out Harbor Lights"`).FindStringSubmatch(res.body)
	if inc == nil || exc == nil {
		t.Fatalf("no facet links for Harbor Lights:\n%s", res.body)
	}
	if r := f.get(html.UnescapeString(inc[1]), false); !strings.Contains(r.body, "3 works found") {
		t.Errorf("include link: %s", r.body)
	}
	if r := f.get(html.UnescapeString(exc[1]), false); !strings.Contains(r.body, "22 works found") {
		t.Errorf("exclude link: %s", r.body)
	}
}

// TestTagPageSynonym: a synonym's page sends readers to its canonical's,
// which lists the synonym's works too.
func TestTagPageSynonym(t *testing.T) {
	f := newFixture(t, web.Options{})
	ctx := context.Background()
	w := f.create(ctx, &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "Reversed", Rating: fanarchive.RatingGeneral,
		Tags:     []fanarchive.Tag{{Kind: fanarchive.TagRelationship, Name: "Juno/Kit"}},
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>Reversed.</p>"}}})
	res := f.get("/tags/relationship/Juno%2FKit", false)
	if res.status != http.StatusMovedPermanently || res.header.Get("Location") != "/tags/relationship/Kit%2FJuno" {
		t.Fatalf("synonym page: %d to %q", res.status, res.header.Get("Location"))
	}
	res = f.get("/tags/relationship/Kit%2FJuno", false)
	if !strings.Contains(res.body, "2 works found") || !strings.Contains(res.body, workPath(w)) {
		t.Errorf("canonical page does not list the synonym's work:\n%s", res.body)
	}
}

// TestSearchPageFollowsEdits: result pages keep their blurbs rendered, and
// an edit to a work shows on the next page at once.
func TestSearchPageFollowsEdits(t *testing.T) {
	f := newFixture(t, web.Options{})
	if res := f.get("/search?q=kettle", false); !strings.Contains(res.body, "A Quiet Evening") {
		t.Fatalf("set-up: %s", res.body)
	}
	if err := f.store.UpdateWorkField(context.Background(), f.quiet.ID, fanarchive.FieldTitle, "A Loud Morning", "test"); err != nil {
		t.Fatal(err)
	}
	res := f.get("/search?q=kettle", false)
	if !strings.Contains(res.body, "A Loud Morning") || strings.Contains(res.body, "A Quiet Evening") {
		t.Errorf("after the title changed, the result page shows:\n%s", res.body)
	}
}

// TestPageCacheFollowsEdits: with the page cache on, as serve runs it, a
// change committed through the store (any process) shows on the next page
// an anonymous reader gets.
func TestPageCacheFollowsEdits(t *testing.T) {
	var st *sqlite.Store
	f := newFixture(t, web.Options{ContentVersion: func(ctx context.Context) (int64, error) {
		seq, _, err := st.SearchSeq(ctx)
		return seq, err
	}})
	st = f.store
	for range 2 {
		if res := f.get(workPath(f.quiet), false); !strings.Contains(res.body, "A Quiet Evening") {
			t.Fatalf("set-up: %d", res.status)
		}
	}
	if err := f.store.UpdateWorkField(context.Background(), f.quiet.ID, fanarchive.FieldTitle, "A Loud Morning", "test"); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{workPath(f.quiet), "/", "/search?q=kettle"} {
		if res := f.get(path, false); !strings.Contains(res.body, "A Loud Morning") || strings.Contains(res.body, "A Quiet Evening") {
			t.Errorf("%s after the title changed still shows the old one", path)
		}
	}
}
