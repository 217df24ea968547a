package web_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"

	"fanarchive"
	"fanarchive/internal/web"
)

// TestFeeds parses every feed with a real feed parser (gofeed's Atom
// parser, strict about RFC 4287's required elements): the newest works, a
// tag, an author and a search; and checks each listing page names its feed.
func TestFeeds(t *testing.T) {
	f := newFixture(t, web.Options{})
	for _, tt := range []struct {
		feed, page string
		want       []string // entry titles that must be there
		not        []string
	}{
		{"/feeds/works", "/", []string{"Lighthouse Keeping", "A Quiet Evening"}, nil},
		{"/feeds/tags/fandom/Harbor%20Lights", "/tags/fandom/Harbor%20Lights", []string{"Lighthouse Keeping"}, []string{"Filler Story 01"}},
		{"/feeds/authors/Maple%20Stone", "/authors/Maple%20Stone", []string{"A Quiet Evening", "Untitled"}, []string{"Lighthouse Keeping"}},
		{"/feeds/search?q=kettle", "/search?q=kettle", []string{"A Quiet Evening"}, []string{"Lighthouse Keeping"}},
	} {
		res := f.get(tt.feed, false)
		if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "application/atom+xml") {
			t.Errorf("GET %s: %d %s", tt.feed, res.status, res.header.Get("Content-Type"))
			continue
		}
		parsed, err := (&atom.Parser{}).Parse(strings.NewReader(res.body))
		if err != nil {
			t.Errorf("%s does not parse as Atom: %v\n%s", tt.feed, err, res.body)
			continue
		}
		if parsed.ID == "" || parsed.Title == "" || parsed.Updated == "" {
			t.Errorf("%s: id %q, title %q, updated %q", tt.feed, parsed.ID, parsed.Title, parsed.Updated)
		}
		titles := map[string]bool{}
		for _, e := range parsed.Entries {
			titles[e.Title] = true
			if e.ID == "" || e.Updated == "" || e.UpdatedParsed == nil || len(e.Links) == 0 || len(e.Authors) == 0 {
				t.Errorf("%s: entry %q lacks a required element: %+v", tt.feed, e.Title, e)
			}
			if u, err := url.Parse(e.ID); err != nil || !u.IsAbs() {
				t.Errorf("%s: entry id %q is not an absolute IRI", tt.feed, e.ID)
			}
		}
		for _, w := range tt.want {
			if !titles[w] {
				t.Errorf("%s lacks %q (has %v)", tt.feed, w, titles)
			}
		}
		for _, w := range tt.not {
			if titles[w] {
				t.Errorf("%s has %q", tt.feed, w)
			}
		}
		// The universal parser reads it too (as feed readers do).
		if _, err := gofeed.NewParser().ParseString(res.body); err != nil {
			t.Errorf("%s: %v", tt.feed, err)
		}
		page := f.get(tt.page, false)
		if !strings.Contains(page.body, `<link rel="alternate" type="application/atom+xml" href="`+strings.ReplaceAll(tt.feed, "&", "&amp;")+`"`) {
			t.Errorf("%s does not name its feed %s", tt.page, tt.feed)
		}
	}
	if res := f.get("/feeds/tags/fandom/No%20Such", false); res.status != http.StatusNotFound {
		t.Errorf("a missing tag's feed: %d", res.status)
	}
	if res := f.get("/feeds/search?words_min=lots", false); res.status != http.StatusBadRequest {
		t.Errorf("a bad search's feed: %d", res.status)
	}
}

// TestOPDS walks the catalogue as an e-reader app would: the root's
// sections, the newest works with their EPUB acquisition links, a fandom,
// the search described by OpenSearch.
func TestOPDS(t *testing.T) {
	f := newFixture(t, web.Options{})
	for i := range 3 { // 28 works: two pages of the newest
		f.create(context.Background(), &fanarchive.Work{Kind: fanarchive.KindFiction, Title: fmt.Sprintf("Extra %d", i),
			Rating: fanarchive.RatingGeneral, Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>More.</p>"}}, Published: day(1990, 1, 1+i)})
	}
	parse := func(path string) *atom.Feed {
		t.Helper()
		res := f.get(path, false)
		if res.status != http.StatusOK || !strings.Contains(res.header.Get("Content-Type"), "profile=opds-catalog") {
			t.Fatalf("GET %s: %d %q\n%s", path, res.status, res.header.Get("Content-Type"), res.body)
		}
		feed, err := (&atom.Parser{}).Parse(strings.NewReader(res.body))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if _, err := gofeed.NewParser().ParseString(res.body); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		return feed
	}
	root := parse("/opds")
	var sections []string
	for _, e := range root.Entries {
		sections = append(sections, e.Title)
	}
	if strings.Join(sections, ",") != "Newest works,By fandom" {
		t.Errorf("root sections %v", sections)
	}
	recent := parse("/opds/recent")
	if len(recent.Entries) != 25 {
		t.Errorf("%d works on the first page, want 25", len(recent.Entries))
	}
	res := f.get("/opds/recent", false)
	if !strings.Contains(res.body, `rel="http://opds-spec.org/acquisition" href="http://`) || !strings.Contains(res.body, `/download/epub" type="application/epub+zip"`) {
		t.Errorf("no EPUB acquisition links:\n%.2000s", res.body)
	}
	if !strings.Contains(res.body, `rel="next"`) {
		t.Error("the first page has no next page")
	}
	if next := parse("/opds/recent?page=2"); len(next.Entries) != 3 {
		t.Errorf("the second page has %d works, want 3", len(next.Entries))
	}
	fandoms := parse("/opds/fandoms")
	found := false
	for _, e := range fandoms.Entries {
		if e.Title == "Harbor Lights" {
			found = true
		}
	}
	if !found {
		t.Errorf("no Harbor Lights section among %d", len(fandoms.Entries))
	}
	if works := parse("/opds/fandoms/Harbor%20Lights"); len(works.Entries) != 3 {
		t.Errorf("Harbor Lights: %d works, want 3", len(works.Entries))
	}
	if works := parse("/opds/search?q=kettle"); len(works.Entries) != 1 || works.Entries[0].Title != "A Quiet Evening" {
		t.Errorf("search: %d works", len(works.Entries))
	}
	os := f.get("/opds/opensearch.xml", false)
	var desc struct {
		URLs []struct {
			Type     string `xml:"type,attr"`
			Template string `xml:"template,attr"`
		} `xml:"Url"`
	}
	if err := xml.Unmarshal([]byte(os.body), &desc); err != nil || len(desc.URLs) == 0 || !strings.Contains(desc.URLs[0].Template, "{searchTerms}") {
		t.Errorf("OpenSearch description: %v\n%s", err, os.body)
	}
}
