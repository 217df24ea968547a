package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fanarchive"
)

// The readers' write routes in the authorisation matrix (authz_test.go).
func init() {
	authzRows = append(authzRows, readerAuthzRows...)
}

var readerAuthzRows = []authzRow{
	{"POST /works/{id}/bookmark", loggedIn, func(c *cell) (string, map[string]string) {
		return workPath(c.f.freshLegacyWork(false)) + "/bookmark", map[string]string{"note": "Lovely.", "tags": "comfort"}
	}},
	{"POST /bookmarks/{id}/delete", []persona{owner}, func(c *cell) (string, map[string]string) {
		b := c.f.bookmark(c.owner, c.f.freshLegacyWork(false), false)
		return fmt.Sprintf("/bookmarks/%d/delete", b.ID), nil
	}},
	{"POST /account/mutes/tags", loggedIn, func(c *cell) (string, map[string]string) {
		c.ownersWork(nil) // its fandom tag exists then
		return "/account/mutes/tags", map[string]string{"kind": "fandom", "name": "Harbour Lights"}
	}},
	{"POST /account/mutes/tags/{id}/delete", loggedIn, func(c *cell) (string, map[string]string) {
		return "/account/mutes/tags/1/delete", nil
	}},
	{"POST /account/mutes/authors", loggedIn, func(c *cell) (string, map[string]string) {
		return "/account/mutes/authors", map[string]string{"name": c.f.freshLegacyWork(false).Authors[0].Name}
	}},
	{"POST /account/mutes/authors/{id}/delete", loggedIn, func(c *cell) (string, map[string]string) {
		return "/account/mutes/authors/1/delete", nil
	}},
	{"POST /account/blocks", loggedIn, func(c *cell) (string, map[string]string) {
		return "/account/blocks", map[string]string{"name": c.f.makeUser(uniqueName("Blocked")).Name}
	}},
	{"POST /account/blocks/{id}/delete", loggedIn, func(c *cell) (string, map[string]string) {
		return fmt.Sprintf("/account/blocks/%d/delete", c.owner.ID), nil
	}},
	{"POST /works/{id}/report", loggedIn, func(c *cell) (string, map[string]string) {
		return workPath(c.f.freshLegacyWork(false)) + "/report", map[string]string{"reason": "Not fan fiction at all."}
	}},
	{"POST /admin/reports/{id}/resolve", []persona{moderator, admin}, func(c *cell) (string, map[string]string) {
		r := &fanarchive.Report{WorkID: c.f.freshLegacyWork(false).ID, ReporterID: c.owner.ID, Reason: "Spam."}
		if err := c.f.store.ReportWork(context.Background(), r); err != nil {
			c.f.t.Fatal(err)
		}
		return fmt.Sprintf("/admin/reports/%d/resolve", r.ID), map[string]string{"resolution": "Looked."}
	}},
	{"POST /account/history", loggedIn, func(c *cell) (string, map[string]string) {
		return "/account/history", map[string]string{"history": "on"}
	}},
	{"POST /account/history/clear", loggedIn, func(c *cell) (string, map[string]string) {
		return "/account/history/clear", nil
	}},
	{"POST /works/{id}/later", loggedIn, func(c *cell) (string, map[string]string) {
		return workPath(c.f.freshLegacyWork(false)) + "/later", map[string]string{"on": "1"}
	}},
}

// bookmark stores u's bookmark of w.
func (f *fixture) bookmark(u *fanarchive.User, w *fanarchive.Work, private bool) *fanarchive.Bookmark {
	f.t.Helper()
	b := &fanarchive.Bookmark{UserID: u.ID, WorkID: w.ID, Private: private, Note: "Kept.", NoteHTML: "<p>Kept.</p>"}
	if err := f.store.SaveBookmark(context.Background(), b); err != nil {
		f.t.Fatal(err)
	}
	return b
}

// TestBookmarkPages goes through a bookmark's life: made with a note and
// tags, shown on the reader's page and the work's, counted, made private
// (then only its reader sees it), deleted; and another reader cannot
// delete it.
func TestBookmarkPages(t *testing.T) {
	f := newAccountFixture(t)
	reader, other := f.makeUser(uniqueName("Reader")), f.makeUser(uniqueName("Other"))
	me, them := f.loginAs(reader), f.loginAs(other)
	w := f.freshLegacyWork(false)
	if resp := me.post(workPath(w)+"/bookmark", url.Values{"note": {"A *fine* story."}, "format": {"markdown"},
		"tags": {"comfort, re-read"}, "rec": {"1"}}); resp.status >= 400 {
		t.Fatalf("bookmark: %d %s", resp.status, mainText(resp.body))
	}
	page := f.anon().get(userURLOf(reader) + "/bookmarks")
	for _, want := range []string{"<em>fine</em>", "comfort", "re-read", w.Title, "Rec"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("bookmarks page lacks %q", want)
		}
	}
	if got := f.anon().get(workPath(w)); !strings.Contains(got.body, "1 bookmark<") {
		t.Errorf("work page does not count the bookmark")
	}
	if got := f.anon().get(workPath(w) + "/bookmarks"); !strings.Contains(got.body, reader.Name) {
		t.Errorf("work's bookmarks page lacks the reader")
	}
	for _, tt := range []struct {
		query, want string
		found       bool
	}{
		{"?btag=Comfort", w.Title, true},
		{"?btag=nope", w.Title, false},
		{"?rec=1", w.Title, true},
		{"?text=fine", w.Title, true},
		{"?text=awful", w.Title, false},
		{"?rating=explicit", w.Title, false},
	} {
		got := f.anon().get(userURLOf(reader) + "/bookmarks" + tt.query)
		if strings.Contains(got.body, tt.want) != tt.found {
			t.Errorf("%s: found %v, want %v", tt.query, !tt.found, tt.found)
		}
	}
	me.post(workPath(w)+"/bookmark", url.Values{"note": {"Mine alone."}, "private": {"1"}})
	if got := f.anon().get(userURLOf(reader) + "/bookmarks"); strings.Contains(got.body, "Mine alone") {
		t.Error("a private bookmark is shown to a guest")
	}
	if got := me.get(userURLOf(reader) + "/bookmarks"); !strings.Contains(got.body, "Mine alone") {
		t.Error("a private bookmark is not shown to its reader")
	}
	b, err := f.store.FindUserBookmark(context.Background(), reader.ID, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if resp := them.post(fmt.Sprintf("/bookmarks/%d/delete", b.ID), nil); resp.status != http.StatusForbidden {
		t.Errorf("another reader deleting: %d", resp.status)
	}
	if resp := me.post(fmt.Sprintf("/bookmarks/%d/delete", b.ID), nil); resp.status >= 400 {
		t.Errorf("delete: %d", resp.status)
	}
}

func userURLOf(u *fanarchive.User) string { return "/users/" + url.PathEscape(u.Name) }

// TestBlockedUserRefused tries each action a block refuses — kudos,
// feedback and (through the store's IsBlocked, which the comments call)
// a comment — as the blocked user, and as someone else.
func TestBlockedUserRefused(t *testing.T) {
	f := newAccountFixture(t)
	author, pest, friend := f.makeUser(uniqueName("Author")), f.makeUser(uniqueName("Pest")), f.makeUser(uniqueName("Friend"))
	w := f.postedWork(author, uniqueName("Guarded"), nil)
	if resp := f.loginAs(author).post("/account/blocks", url.Values{"name": {pest.Name}}); resp.status >= 400 {
		t.Fatalf("block: %d %s", resp.status, mainText(resp.body))
	}
	for _, tt := range []struct {
		who     *fanarchive.User
		refused bool
	}{{pest, true}, {friend, false}} {
		c := f.loginAs(tt.who)
		for _, action := range []struct {
			name string
			do   func() int
		}{
			{"kudos", func() int { return c.post(workPath(w)+"/kudos", nil).status }},
			{"feedback", func() int {
				return c.post(workPath(w)+"/feedback", url.Values{"message": {"Hello."}}).status
			}},
			{"comment hook", func() int {
				blocked, err := f.store.IsBlockedFromWork(context.Background(), w.ID, tt.who.ID)
				if err != nil {
					t.Fatal(err)
				}
				if direct, _ := f.store.IsBlocked(context.Background(), author.ID, tt.who.ID); direct != blocked {
					t.Errorf("IsBlocked %v, IsBlockedFromWork %v", direct, blocked)
				}
				if blocked {
					return http.StatusForbidden
				}
				return http.StatusOK
			}},
		} {
			status := action.do()
			if refused := status == http.StatusForbidden; refused != tt.refused {
				t.Errorf("%s by %s: status %d, want refused=%v", action.name, tt.who.Name, status, tt.refused)
			}
		}
	}
}

// TestReaderFieldsInert puts markup in every field a reader types — a
// bookmark's note (both formats) and tags, a report's reason, a muted
// tag's name — and checks that no page carries it as markup.
func TestReaderFieldsInert(t *testing.T) {
	f := newAccountFixture(t)
	reader := f.makeUser(uniqueName("Reader"))
	mod := f.makeUser(uniqueName("Mod"), fanarchive.RoleModerator)
	me := f.loginAs(reader)
	const evil = `<script>alert(1)</script><img src=x onerror=alert(2)>`
	for i, format := range []string{"markdown", "text"} {
		w := f.freshLegacyWork(false)
		me.post(workPath(w)+"/bookmark", url.Values{"note": {evil + fmt.Sprint(i)}, "format": {format}, "tags": {evil}})
		me.post(workPath(w)+"/report", url.Values{"reason": {evil}})
	}
	hostile := f.postedWork(reader, uniqueName("Tagged"), func(w *fanarchive.Work) {
		w.Tags = append(w.Tags, fanarchive.Tag{Kind: fanarchive.TagFreeform, Name: evil})
	})
	_ = hostile
	me.post("/account/mutes/tags", url.Values{"kind": {"freeform"}, "name": {evil}})
	pages := map[string]string{
		"bookmarks":      me.get(userURLOf(reader) + "/bookmarks").body,
		"bookmarks form": me.get(workPath(hostile) + "/bookmark").body,
		"mutes":          me.get("/account/mutes").body,
		"reports":        f.loginAs(mod).get("/admin/reports").body,
	}
	for name, body := range pages {
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") || strings.Contains(body, "onerror=alert") &&
			!strings.Contains(body, "onerror=alert(2)&gt;") {
			t.Errorf("%s page carries the markup", name)
		}
	}
	if !strings.Contains(pages["mutes"], "&lt;script&gt;") {
		t.Error("the muted tag is not shown (escaped)")
	}
}

// TestMutedSearchAndListings mutes a tag and an author and checks that
// their works leave the reader's search (total and facets) and listings,
// and nobody else's.
func TestMutedSearchAndListings(t *testing.T) {
	f := newAccountFixture(t)
	reader := f.makeUser(uniqueName("Reader"))
	poster := f.makeUser(uniqueName("Poster"))
	for i := range 3 {
		f.postedWork(poster, fmt.Sprintf("Gloomy %d", i), func(w *fanarchive.Work) {
			w.Tags = append(w.Tags, fanarchive.Tag{Kind: fanarchive.TagFreeform, Name: "Bleak Angst"})
		})
	}
	f.postedWork(poster, "Sunny", nil)
	me := f.loginAs(reader)
	before := me.get("/search?include=fandom:Harbour+Lights").body
	if !strings.Contains(before, "Bleak Angst") || !strings.Contains(before, "Gloomy 1") {
		t.Fatalf("search before muting lacks the tag: %s", mainText(before))
	}
	if resp := me.post("/account/mutes/tags", url.Values{"tag": {"freeform:Bleak Angst"}}); resp.status >= 400 {
		t.Fatalf("mute: %d %s", resp.status, mainText(resp.body))
	}
	after := me.get("/search?include=fandom:Harbour+Lights").body
	if strings.Contains(after, "Gloomy") || strings.Contains(after, "Bleak Angst") {
		t.Errorf("muted works or their tag still in the search: %s", mainText(after))
	}
	if !strings.Contains(after, "Sunny") {
		t.Error("the unmuted work is gone too")
	}
	if guest := f.anon().get("/search?include=fandom:Harbour+Lights").body; !strings.Contains(guest, "Gloomy 1") {
		t.Error("a guest's search lost the reader's muted works")
	}
	if home := me.get("/").body; strings.Contains(home, "Gloomy") {
		t.Error("muted works on the home page")
	}
	pseud := f.legacyWork(uniqueName("Loud Story"), "Loud Writer", "")
	if resp := me.post("/account/mutes/authors", url.Values{"name": {"Loud Writer"}}); resp.status >= 400 {
		t.Fatalf("mute author: %d %s", resp.status, mainText(resp.body))
	}
	if home := me.get("/").body; strings.Contains(home, pseud.Title) {
		t.Error("a muted author's work on the home page")
	}
	if home := f.anon().get("/").body; !strings.Contains(home, pseud.Title) {
		t.Error("a guest's home page lost the muted author's work")
	}
}

// TestHistoryAndLater turns the history on, reads a chapter, finds it
// listed, turns it off (deleted), and marks a work for later and back.
func TestHistoryAndLater(t *testing.T) {
	f := newAccountFixture(t)
	reader := f.makeUser(uniqueName("Reader"))
	me := f.loginAs(reader)
	w := f.freshLegacyWork(false)
	me.get(workPath(w))
	if got := me.get("/account/history").body; strings.Contains(got, w.Title) {
		t.Error("history kept while off")
	}
	me.post("/account/history", url.Values{"history": {"on"}})
	me.get(workPath(w))
	if got := me.get("/account/history").body; !strings.Contains(got, w.Title) || !strings.Contains(got, "chapter 1") {
		t.Errorf("history lacks the work: %s", mainText(got))
	}
	me.post("/account/history", url.Values{"history": {"off"}})
	if _, total, _ := f.store.FindHistory(context.Background(), reader.ID, 0, 0); total != 0 {
		t.Errorf("turning history off kept %d", total)
	}
	me.post(workPath(w)+"/later", url.Values{"on": {"1"}})
	if got := me.get("/account/later").body; !strings.Contains(got, w.Title) {
		t.Error("later list lacks the work")
	}
	if got := me.get(workPath(w)).body; !strings.Contains(got, "Remove from Marked for later") {
		t.Error("work page does not offer to remove it")
	}
	me.post(workPath(w)+"/later", url.Values{"on": {"0"}})
	if got := me.get("/account/later").body; strings.Contains(got, w.Title) {
		t.Error("removed work still on the later list")
	}
	if resp := f.anon().get("/account/later"); resp.status != http.StatusSeeOther && resp.status != http.StatusOK {
		t.Errorf("guest: %d", resp.status)
	}
}
