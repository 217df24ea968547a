package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"fanarchive"
)

// TestWorkVisibility: every way the site shows a work — its pages,
// downloads, source, listings, searches, feeds, OPDS and the API — shows a
// draft to its owners only, a restricted work to logged-in readers only,
// and a deleted work to nobody.
func TestWorkVisibility(t *testing.T) {
	ctx := context.Background()
	f := newAccountFixture(t)
	writer := f.makeUser("Vera Writer")
	reader := f.makeUser("Rita Reader")
	pseuds, err := f.store.FindPseuds(ctx, writer.ID)
	if err != nil {
		t.Fatal(err)
	}
	posted := func(title, word string, draft, restricted bool) *fanarchive.Work {
		return f.create(ctx, &fanarchive.Work{Kind: fanarchive.KindFiction, Title: title, PostedBy: writer.ID,
			Authors: []fanarchive.Author{{ID: pseuds[0].ID, Name: pseuds[0].Name}}, Rating: fanarchive.RatingGeneral, Language: "en",
			Tags: []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Hidden Fandom"},
				{Kind: fanarchive.TagWarning, Name: "No Archive Warnings Apply"}},
			Draft: draft, Restricted: restricted, Words: 4,
			Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>The " + word + " stayed hidden.</p>", Words: 4}}})
	}
	draft := posted("Unfinished Draft", "quokka", true, false)
	restricted := posted("Members Only", "pangolin", false, true)
	trashed := posted("Thrown Away", "axolotl", false, false)
	if err := f.store.TrashWork(ctx, trashed.ID, writer.ID); err != nil {
		t.Fatal(err)
	}

	// Pages made from one work.
	workPaths := func(w *fanarchive.Work) []string {
		id := itoa(w.ID)
		return []string{"/works/" + id, "/works/" + id + "/chapters/1", "/works/" + id + "?view=full",
			"/works/" + id + "/download/epub", "/works/" + id + "/download/html", "/works/" + id + "/download/txt",
			"/works/" + id + "/source", "/api/v1/works/" + id, "/api/v1/works/" + id + "/chapters/1"}
	}
	guest, other, owner := f.anon(), f.loginAs(reader), f.loginAs(writer)
	tests := []struct {
		name string
		c    *client
		work *fanarchive.Work
		want int // for the site's pages; the API never shows any of them
	}{
		{"draft, guest", guest, draft, http.StatusNotFound},
		{"draft, another user", other, draft, http.StatusNotFound},
		{"restricted, guest", guest, restricted, http.StatusForbidden},
		{"restricted, another user", other, restricted, http.StatusOK},
		{"deleted, owner", owner, trashed, http.StatusNotFound},
	}
	for _, tt := range tests {
		for _, path := range workPaths(tt.work) {
			want := tt.want
			switch {
			case strings.HasPrefix(path, "/api/"):
				want = http.StatusNotFound
			case strings.HasSuffix(path, "/source") && want == http.StatusOK:
				want = http.StatusNotFound // a posted work has no source
			}
			if resp := tt.c.get(path); resp.status != want {
				t.Errorf("%s: %s: %d, want %d", tt.name, path, resp.status, want)
			}
		}
	}
	for _, path := range []string{"/works/" + itoa(draft.ID), "/works/" + itoa(draft.ID) + "/download/txt"} {
		if resp := owner.get(path); resp.status != http.StatusOK || !strings.Contains(resp.body, "Unfinished Draft") {
			t.Errorf("the owner's own draft: %s: %d", path, resp.status)
		}
	}
	for _, path := range workPaths(restricted)[:6] {
		if cc := other.get(path).header.Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
			t.Errorf("%s for a logged-in reader: Cache-Control %q; a shared cache could give it to guests", path, cc)
		}
	}
	if resp := guest.get("/works/" + itoa(restricted.ID)); !strings.Contains(resp.body, `href="/login?next=%2Fworks%2F`+itoa(restricted.ID)+`"`) {
		t.Errorf("a guest is not offered to log in:\n%s", mainText(resp.body))
	}

	// Listings, searches, feeds and the API: a guest sees none of the three,
	// a logged-in reader the restricted work only.
	lists := []string{"/", "/authors/Vera%20Writer", "/tags/fandom/Hidden%20Fandom", "/search?q=quokka", "/search?q=pangolin",
		"/search?q=axolotl", "/feeds/works", "/feeds/authors/Vera%20Writer", "/feeds/tags/fandom/Hidden%20Fandom",
		"/feeds/search?q=pangolin", "/opds/recent", "/opds/search?q=pangolin", "/api/v1/works?q=pangolin",
		"/api/v1/authors/Vera%20Writer", "/api/v1/tags/fandom/Hidden%20Fandom"}
	for _, path := range lists {
		for _, c := range []*client{guest, other} {
			body := c.get(path).body
			for _, w := range []*fanarchive.Work{draft, restricted, trashed} {
				shown := strings.Contains(body, w.Title)
				want := w == restricted && c == other && !strings.Contains(path, "feeds") && !strings.Contains(path, "opds") &&
					!strings.Contains(path, "api") && (!strings.Contains(path, "q=") || strings.Contains(path, "pangolin"))
				if shown != want {
					t.Errorf("%s as %s: %q shown %v, want %v", path, map[*client]string{guest: "guest", other: "reader"}[c], w.Title, shown, want)
				}
			}
		}
	}
}
