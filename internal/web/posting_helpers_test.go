package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"fanarchive"
)

// Helpers for the posting tests: a valid form of a new work, and works
// posted straight in the store.

// defaultPseud returns the ID of u's default pseud.
func (f *fixture) defaultPseud(u *fanarchive.User) int64 {
	f.t.Helper()
	ps, err := f.store.FindPseuds(context.Background(), u.ID)
	if err != nil || len(ps) == 0 {
		f.t.Fatalf("pseuds of %s: %v", u.Name, err)
	}
	return ps[0].ID
}

// newWorkForm returns a valid "Post new work" form by u's default pseud,
// to post with op ("preview", "draft" or "post").
func (f *fixture) newWorkForm(u *fanarchive.User, title, op string) url.Values {
	return url.Values{
		"title": {title}, "pseud": {strconv.FormatInt(f.defaultPseud(u), 10)},
		"summary": {"A summary of " + title + "."}, "rating": {"Teen"},
		"warning": {"No Archive Warnings Apply"}, "category": {"Gen"},
		"fandoms": {"Harbour Lights"}, "relationships": {"Kit/Juno"}, "characters": {"Kit, Juno"},
		"freeforms": {"Lighthouses, Rain"}, "language": {"en"},
		"chapter_title": {"The Lamp"}, "format": {"markdown"},
		"body": {"The lamp burned *all* night.\n\nJuno kept **watch**.\n"}, "op": {op},
	}
}

var workLocation = regexp.MustCompile(`^/works/(\d+)$`)

// postWork posts form as c and returns the new work's ID, failing unless
// the answer is a redirect to the work.
func (f *fixture) postWork(c *client, form url.Values) int64 {
	f.t.Helper()
	resp := c.post("/works/new", form)
	m := workLocation.FindStringSubmatch(resp.header.Get("Location"))
	if resp.status != http.StatusSeeOther || m == nil {
		f.t.Fatalf("POST /works/new: status %d, Location %q\n%s", resp.status, resp.header.Get("Location"), mainText(resp.body))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// postedWork stores a work posted by u straight in the store.
func (f *fixture) postedWork(u *fanarchive.User, title string, edit func(w *fanarchive.Work)) *fanarchive.Work {
	f.t.Helper()
	w := &fanarchive.Work{
		Kind: fanarchive.KindFiction, Title: title, PostedBy: u.ID,
		Authors: []fanarchive.Author{{ID: f.defaultPseud(u)}}, Rating: fanarchive.RatingGeneral, Language: "en",
		Tags: []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Harbour Lights"},
			{Kind: fanarchive.TagWarning, Name: "No Archive Warnings Apply"}},
		Words: 4,
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>Text of " + title + ".</p>", Words: 4,
			InputFormat: "markdown", Input: "Text of " + title + "."}},
	}
	if edit != nil {
		edit(w)
	}
	if err := f.store.CreateWork(context.Background(), w); err != nil {
		f.t.Fatalf("create %q: %v", title, err)
	}
	return w
}

// ownedCount is how many works u owns, drafts included.
func (f *fixture) ownedCount(u *fanarchive.User) int {
	f.t.Helper()
	_, n, err := f.store.FindWorks(context.Background(), fanarchive.WorkFilter{OwnedBy: u.ID})
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

// hiddenValue returns the value of the hidden input named name in a page.
func hiddenValue(t testing.TB, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no hidden %s in the page", name)
	}
	return html.UnescapeString(m[1])
}
