package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"fanarchive"
)

// TestPostWorkFlow posts a work through the forms as a logged-in author:
// the form, a preview that stores nothing, the post, the work page with its
// owner links, search and tag pages at once, a second chapter, editing it
// (the form shows the Markdown as written), and an edit of the metadata
// that search and tag pages see at once.
func TestPostWorkFlow(t *testing.T) {
	f := newAccountFixture(t)
	u := f.makeUser(uniqueName("Poster"))
	c := f.loginAs(u)

	resp := c.get("/works/new")
	if resp.status != http.StatusOK || !strings.Contains(resp.body, `action="/works/new"`) ||
		!strings.Contains(resp.body, "Creator Chose Not To Use Archive Warnings") || !strings.Contains(resp.body, `value="Multi"`) {
		t.Fatalf("GET /works/new: %d\n%s", resp.status, mainText(resp.body))
	}
	if cc := resp.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("form Cache-Control %q", cc)
	}

	resp = c.post("/works/new", f.newWorkForm(u, "The Harbour Lamp", "preview"))
	if resp.status != http.StatusOK || !strings.Contains(resp.body, "<em>all</em>") || !strings.Contains(resp.body, "<strong>watch</strong>") {
		t.Fatalf("preview: %d\n%s", resp.status, mainText(resp.body))
	}
	if !strings.Contains(resp.body, `value="The Harbour Lamp"`) || !strings.Contains(resp.body, "The lamp burned *all* night.") {
		t.Errorf("the preview does not keep the form's input")
	}
	if n := f.ownedCount(u); n != 0 {
		t.Fatalf("a preview stored %d works", n)
	}

	id := f.postWork(c, f.newWorkForm(u, "The Harbour Lamp", "post"))
	page := c.get(fmt.Sprintf("/works/%d", id))
	for _, want := range []string{"The Harbour Lamp", "<em>all</em>", "Edit work", "Add chapter", "History", "Kit/Juno", "Lighthouses"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("work page lacks %q", want)
		}
	}
	if strings.Contains(f.anon().get(fmt.Sprintf("/works/%d", id)).body, "Edit work") {
		t.Error("an anonymous reader sees the owner's links")
	}
	if s := f.anon().get("/search?q=" + url.QueryEscape(`"burned all night"`)).body; !strings.Contains(s, "The Harbour Lamp") {
		t.Errorf("search does not find the posted work:\n%s", mainText(s))
	}
	if s := f.anon().get("/tags/freeform/Lighthouses").body; !strings.Contains(s, "The Harbour Lamp") {
		t.Errorf("its tag page does not list it")
	}

	// A second chapter, then an edit of it.
	resp = c.post(fmt.Sprintf("/works/%d/chapters/new", id), url.Values{"chapter_title": {"The Tide"}, "format": {"markdown"},
		"body": {"The *tide* came in.\n"}, "op": {"save"}})
	if resp.status != http.StatusSeeOther || resp.header.Get("Location") != fmt.Sprintf("/works/%d/chapters/2", id) {
		t.Fatalf("add chapter: %d %q\n%s", resp.status, resp.header.Get("Location"), mainText(resp.body))
	}
	work, err := f.store.FindWorkOutline(context.Background(), id)
	if err != nil || len(work.Chapters) != 2 {
		t.Fatalf("after adding: %v, %d chapters", err, len(work.Chapters))
	}
	edit := fmt.Sprintf("/works/%d/chapters/%d/edit", id, work.Chapters[1].ID)
	if s := c.get(fmt.Sprintf("/works/%d/chapters/2", id)).body; !strings.Contains(s, `href="`+edit+`"`) {
		t.Errorf("chapter page lacks its edit link %s", edit)
	}
	form := c.get(edit)
	if !strings.Contains(form.body, "The *tide* came in.") || !strings.Contains(form.body, `value="markdown" checked`) {
		t.Errorf("the chapter form does not show the Markdown as written:\n%s", mainText(form.body))
	}
	resp = c.post(edit, url.Values{"chapter_title": {"The Tide"}, "format": {"markdown"}, "body": {"The *flood* tide came in.\n"}, "op": {"save"}})
	if resp.status != http.StatusSeeOther {
		t.Fatalf("edit chapter: %d\n%s", resp.status, mainText(resp.body))
	}
	if s := c.get(fmt.Sprintf("/works/%d/chapters/2", id)).body; !strings.Contains(s, "<em>flood</em>") {
		t.Errorf("the edited chapter is not shown")
	}

	// The metadata: a new title and tag, seen by search and tag pages at once.
	ef := c.get(fmt.Sprintf("/works/%d/edit", id))
	if ef.status != http.StatusOK || !strings.Contains(ef.body, `value="Harbour Lights"`) || !strings.Contains(ef.body, `value="Lighthouses, Rain"`) {
		t.Fatalf("edit form: %d\n%s", ef.status, mainText(ef.body))
	}
	vals := f.newWorkForm(u, "The Breakwater Lamp", "")
	vals.Set("freeforms", "Lighthouses, Rain, Breakwaters")
	vals.Set("updated_at", hiddenValue(t, ef.body, "updated_at"))
	resp = c.post(fmt.Sprintf("/works/%d/edit", id), vals)
	if resp.status != http.StatusSeeOther {
		t.Fatalf("edit work: %d\n%s", resp.status, mainText(resp.body))
	}
	if s := f.anon().get("/search?q=" + url.QueryEscape("title:breakwater")).body; !strings.Contains(s, "The Breakwater Lamp") {
		t.Errorf("search does not see the new title:\n%s", mainText(s))
	}
	if s := f.anon().get("/tags/freeform/Breakwaters").body; !strings.Contains(s, "The Breakwater Lamp") {
		t.Errorf("the new tag's page does not list the work")
	}

	// The same stale form again: someone else's edit came between.
	resp = c.post(fmt.Sprintf("/works/%d/edit", id), vals)
	if resp.status != http.StatusConflict || !strings.Contains(resp.body, "Someone changed this work") ||
		!strings.Contains(resp.body, `value="The Breakwater Lamp"`) {
		t.Errorf("stale edit: %d\n%s", resp.status, mainText(resp.body))
	}

	hist := c.get(fmt.Sprintf("/works/%d/history", id))
	for _, want := range []string{"Posted", "Added a chapter", "Edited a chapter", "Edited", "The Harbour Lamp", "The Breakwater Lamp", u.Name} {
		if !strings.Contains(hist.body, want) {
			t.Errorf("history lacks %q", want)
		}
	}
	acct := c.get("/account")
	if !strings.Contains(acct.body, "The Breakwater Lamp") || !strings.Contains(acct.body, "Post new work") {
		t.Errorf("account page lacks the user's work")
	}
}

// TestPostWorkBadInput sends forms that must be refused, each with its
// field's message and the input kept.
func TestPostWorkBadInput(t *testing.T) {
	f := newAccountFixture(t)
	u := f.makeUser(uniqueName("Poster"))
	other := f.makeUser(uniqueName("Other"))
	c := f.loginAs(u)
	cases := []struct {
		name  string
		edit  func(v url.Values)
		field string // the id of the field whose message shows
		msg   string
	}{
		{"no title", func(v url.Values) { v.Set("title", " ") }, "title", "A work needs a title."},
		{"long title", func(v url.Values) { v.Set("title", strings.Repeat("a", 256)) }, "title", "longer than 255"},
		{"title of two lines", func(v url.Values) { v.Set("title", "one\ntwo") }, "title", "one line"},
		{"long summary", func(v url.Values) { v.Set("summary", strings.Repeat("s", 1251)) }, "summary", "longer than 1,250"},
		{"long notes", func(v url.Values) { v.Set("endnotes", strings.Repeat("n", 5001)) }, "endnotes", "longer than 5,000"},
		{"no warning", func(v url.Values) { v.Del("warning") }, "warnings", "at least one archive warning"},
		{"made-up warning", func(v url.Values) { v.Add("warning", "Mild Peril") }, "warnings", "is not an archive warning"},
		{"made-up rating", func(v url.Values) { v.Set("rating", "NC-17") }, "rating", "Choose one of the ratings"},
		{"made-up category", func(v url.Values) { v.Set("category", "Romance") }, "categories", "is not a category"},
		{"no fandom", func(v url.Values) { v.Set("fandoms", " , ") }, "fandoms", "at least one fandom"},
		{"long tag", func(v url.Values) { v.Set("freeforms", strings.Repeat("t", 151)) }, "freeforms", "longer than 150"},
		{"too many tags", func(v url.Values) { v.Set("freeforms", strings.Repeat("x,", 1)+manyTags(80)) }, "freeforms", "at most 75 tags"},
		{"bad language", func(v url.Values) { v.Set("language", "english!") }, "language", "language code"},
		{"no pseud", func(v url.Values) { v.Del("pseud") }, "pseuds", "at least one of your pseuds"},
		{"another user's pseud", func(v url.Values) { v.Set("pseud", strconv.FormatInt(f.defaultPseud(other), 10)) }, "pseuds", "at least one of your pseuds"},
		{"unknown co-author", func(v url.Values) { v.Set("coauthors", "Nobody Here At All") }, "coauthors", "No user has a pseud"},
		{"no text", func(v url.Values) { v.Set("body", "  \n") }, "body", "needs some text"},
		{"only markup", func(v url.Values) { v.Set("format", "html"); v.Set("body", "<script>alert(1)</script>") }, "body", "no text once its markup"},
		{"made-up format", func(v url.Values) { v.Set("format", "bbcode") }, "format", "Choose one of the formats"},
		{"series without title", func(v url.Values) { v.Set("series", "new") }, "series", "Give the new series a title"},
		{"someone's series", func(v url.Values) { v.Set("series", "999999") }, "series", "Choose one of your series"},
		{"long chapter title", func(v url.Values) { v.Set("chapter_title", strings.Repeat("c", 300)) }, "chapter_title", "longer than 255"},
	}
	for _, tc := range cases {
		for _, op := range []string{"preview", "post"} {
			v := f.newWorkForm(u, "Refused Work", op)
			tc.edit(v)
			resp := c.post("/works/new", v)
			if resp.status != http.StatusBadRequest || !strings.Contains(resp.body, tc.msg) {
				t.Errorf("%s (%s): status %d, want 400 saying %q\n%s", tc.name, op, resp.status, tc.msg, mainText(resp.body))
				continue
			}
			if tc.field != "" && !strings.Contains(resp.body, `id="`+tc.field+`-error"`) {
				t.Errorf("%s: no message next to field %s", tc.name, tc.field)
			}
			if tc.field != "body" && !strings.Contains(resp.body, "Juno kept **watch**.") {
				t.Errorf("%s: the chapter's text is not kept", tc.name)
			}
		}
	}
	if n := f.ownedCount(u); n != 0 {
		t.Errorf("%d refused works were stored", n)
	}

	// Larger than the form takes: 413, with a message.
	v := f.newWorkForm(u, "Huge", "post")
	v.Set("body", strings.Repeat("word ", 500_000))
	resp := c.post("/works/new", v)
	if resp.status != http.StatusRequestEntityTooLarge || !strings.Contains(resp.body, "at most 2 MB") {
		t.Errorf("a 2.5 MB form: %d\n%s", resp.status, mainText(resp.body))
	}
}

func manyTags(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "Tag %d,", i)
	}
	return b.String()
}

// TestPostWorkMarkupInert puts markup and script in every field: the
// preview, the form shown again, the work page and its edit form show it
// as text.
func TestPostWorkMarkupInert(t *testing.T) {
	f := newAccountFixture(t)
	u := f.makeUser(uniqueName("Poster"))
	c := f.loginAs(u)
	const evil = `"><script>alert(1)</script><img src=x onerror=alert(2)>`
	v := f.newWorkForm(u, "Evil "+evil, "preview")
	for _, k := range []string{"summary", "notes", "endnotes", "chapter_title", "series_title"} {
		v.Set(k, "x "+evil)
	}
	for _, k := range []string{"fandoms", "relationships", "characters", "freeforms"} {
		v.Set(k, "Tag "+evil)
	}
	v.Set("series", "new")
	v.Set("body", "Text "+evil+"\n\n<a href=\"javascript:alert(3)\" onclick=\"alert(4)\">link</a>")
	v.Set("coauthors", "y"+evil)
	check := func(what, body string) {
		t.Helper()
		for _, bad := range []string{"<script>alert", "<img src=x", `href="javascript:`, `onclick="`, `"><script`} {
			if strings.Contains(body, bad) {
				t.Errorf("%s holds %q unescaped", what, bad)
			}
		}
	}
	resp := c.post("/works/new", v) // refused: the co-author is unknown
	if resp.status != http.StatusBadRequest {
		t.Fatalf("status %d", resp.status)
	}
	check("the refused form", resp.body)
	v.Del("coauthors")
	resp = c.post("/works/new", v)
	if resp.status != http.StatusOK || !strings.Contains(resp.body, "Preview") {
		t.Fatalf("preview: %d\n%s", resp.status, mainText(resp.body))
	}
	check("the preview", resp.body)
	v.Set("op", "post")
	id := f.postWork(c, v)
	check("the work page", c.get(fmt.Sprintf("/works/%d", id)).body)
	check("the edit form", c.get(fmt.Sprintf("/works/%d/edit", id)).body)
	check("the account page", c.get("/account").body)
	check("the history", c.get(fmt.Sprintf("/works/%d/history", id)).body)
}

// TestPostingAccess checks who sees drafts, restricted works, and the
// forms of another user's work.
func TestPostingAccess(t *testing.T) {
	f := newAccountFixture(t)
	u := f.makeUser(uniqueName("Poster"))
	other := f.makeUser(uniqueName("Other"))
	adm := f.makeUser(uniqueName("Admin"), fanarchive.RoleAdmin)
	draft := f.postedWork(u, "A Draft", func(w *fanarchive.Work) { w.Draft = true })
	restricted := f.postedWork(u, "A Restricted Work", func(w *fanarchive.Work) { w.Restricted = true })
	owner, them, admin, anon := f.loginAs(u), f.loginAs(other), f.loginAs(adm), f.anon()

	for _, tc := range []struct {
		who    string
		c      *client
		path   string
		status int
		want   string
	}{
		{"owner", owner, workPath(draft), 200, "Draft."},
		{"owner", owner, workPath(draft), 200, "Publish"},
		{"other", them, workPath(draft), 404, ""},
		{"admin", admin, workPath(draft), 404, ""},
		{"anonymous", anon, workPath(draft), 404, ""},
		{"anonymous", anon, workPath(restricted), 403, "Log in"},
		{"anonymous", anon, workPath(restricted) + "/chapters/1", 403, "for logged-in readers"},
		{"other", them, workPath(restricted), 200, "Text of A Restricted Work"},
		{"anonymous", anon, "/works/new", 303, ""},
		{"other", them, workPath(restricted) + "/edit", 403, ""},
		{"admin", admin, workPath(restricted) + "/edit", 403, ""},
		{"other", them, workPath(restricted) + "/history", 403, ""},
		{"admin", admin, workPath(restricted) + "/history", 200, "Posted"},
		{"other", them, workPath(restricted) + "/delete", 403, ""},
		{"admin", admin, workPath(restricted) + "/delete", 200, "Delete the work"},
		{"other", them, fmt.Sprintf("%s/chapters/%d/edit", workPath(restricted), restricted.Chapters[0].ID), 403, ""},
		{"owner", owner, fmt.Sprintf("%s/chapters/%d/edit", workPath(restricted), draft.Chapters[0].ID), 404, ""},
		{"other", them, "/admin/trash", 403, ""},
		{"admin", admin, "/admin/trash", 200, "Deleted works"},
	} {
		resp := tc.c.get(tc.path)
		if resp.status != tc.status || !strings.Contains(resp.body, tc.want) {
			t.Errorf("%s GET %s: %d, want %d with %q\n%s", tc.who, tc.path, resp.status, tc.status, tc.want, mainText(resp.body))
		}
	}
	if s := f.anon().get("/search?q=" + url.QueryEscape(`"Text of A Draft"`)).body; strings.Contains(s, `href="`+workPath(draft)+`"`) {
		t.Error("search finds the draft")
	}

	// Another user's POSTs are refused, and change nothing.
	vals := f.newWorkForm(other, "Taken Over", "")
	vals.Set("updated_at", "2000-01-01T00:00:00Z")
	if resp := them.post(workPath(restricted)+"/edit", vals); resp.status != http.StatusForbidden {
		t.Errorf("another user's edit: %d", resp.status)
	}
	// A form from another site, even with the owner's cookie and token.
	if resp := owner.postWith("/works/new", withCSRF(owner, f.newWorkForm(u, "Forged", "post")),
		map[string]string{"Sec-Fetch-Site": "cross-site"}); resp.status != http.StatusForbidden {
		t.Errorf("a cross-site post: %d", resp.status)
	}
	// The owner's form without its token.
	if resp := owner.postWith("/works/new", f.newWorkForm(u, "Tokenless", "post"),
		map[string]string{"Sec-Fetch-Site": "same-origin"}); resp.status != http.StatusForbidden {
		t.Errorf("a post without the CSRF token: %d", resp.status)
	}
	if n := f.ownedCount(u); n != 2 {
		t.Errorf("the owner has %d works, want 2", n)
	}

	// Publishing the draft lists it; deleting it hides it; the admin
	// restores it.
	if resp := owner.post(workPath(draft)+"/publish", nil); resp.status != http.StatusSeeOther {
		t.Fatalf("publish: %d", resp.status)
	}
	if resp := anon.get(workPath(draft)); resp.status != http.StatusOK {
		t.Errorf("the published draft: %d", resp.status)
	}
	if resp := owner.post(workPath(draft)+"/delete", nil); resp.status != http.StatusOK || !strings.Contains(resp.body, "The work is deleted") {
		t.Fatalf("delete: %d\n%s", resp.status, mainText(resp.body))
	}
	if resp := anon.get(workPath(draft)); resp.status != http.StatusNotFound {
		t.Errorf("the deleted work: %d", resp.status)
	}
	trash := admin.get("/admin/trash")
	if !strings.Contains(trash.body, "A Draft") {
		t.Fatalf("the trash lacks the deleted work:\n%s", mainText(trash.body))
	}
	if resp := admin.post(fmt.Sprintf("/admin/trash/%d/restore", draft.ID), nil); resp.status != http.StatusSeeOther {
		t.Fatalf("restore: %d", resp.status)
	}
	if resp := anon.get(workPath(draft)); resp.status != http.StatusOK {
		t.Errorf("the restored work: %d", resp.status)
	}
}

// withCSRF adds the client's token to a form.
func withCSRF(c *client, v url.Values) url.Values {
	v.Set("csrf", c.csrf())
	return v
}

// TestCoAuthorsAndChapters invites a co-author on posting, who accepts
// from their account page and may then edit; chapters are reordered and
// deleted through the forms.
func TestCoAuthorsAndChapters(t *testing.T) {
	f := newAccountFixture(t)
	u := f.makeUser(uniqueName("Poster"))
	co := f.makeUser(uniqueName("Cowriter"))
	owner, them := f.loginAs(u), f.loginAs(co)
	v := f.newWorkForm(u, "Written Together", "post")
	v.Set("coauthors", co.Name)
	id := f.postWork(owner, v)
	if s := owner.get(fmt.Sprintf("/works/%d", id)).body; strings.Contains(s, ">"+co.Name+"<") {
		t.Error("the invited pseud is on the byline before accepting")
	}
	acct := them.get("/account")
	action := fmt.Sprintf("/account/invitations/%d/%d", id, f.defaultPseud(co))
	if !strings.Contains(acct.body, `action="`+action+`"`) || !strings.Contains(acct.body, "Written Together") {
		t.Fatalf("the invitation is not on the co-author's account page:\n%s", mainText(acct.body))
	}
	if resp := them.get(fmt.Sprintf("/works/%d/edit", id)); resp.status != http.StatusForbidden {
		t.Errorf("an invited co-author edits before accepting: %d", resp.status)
	}
	if resp := owner.post(action, form("answer", "accept")); resp.status != http.StatusForbidden {
		t.Errorf("the poster answers the co-author's invitation: %d", resp.status)
	}
	if resp := them.post(action, form("answer", "accept")); resp.status != http.StatusSeeOther {
		t.Fatalf("accept: %d\n%s", resp.status, mainText(resp.body))
	}
	if s := f.anon().get(fmt.Sprintf("/works/%d", id)).body; !strings.Contains(s, ">"+co.Name+"<") {
		t.Error("the accepted co-author is not on the byline")
	}
	if resp := them.get(fmt.Sprintf("/works/%d/edit", id)); resp.status != http.StatusOK || !strings.Contains(resp.body, "Also by") {
		t.Errorf("the co-author's edit form: %d", resp.status)
	}

	for _, body := range []string{"Second chapter text.", "Third chapter text."} {
		if resp := them.post(fmt.Sprintf("/works/%d/chapters/new", id), url.Values{"format": {"text"}, "body": {body}, "op": {"save"}}); resp.status != http.StatusSeeOther {
			t.Fatalf("add chapter: %d\n%s", resp.status, mainText(resp.body))
		}
	}
	work, _ := f.store.FindWorkOutline(context.Background(), id)
	order := url.Values{}
	for i, c := range work.Chapters {
		order.Set(fmt.Sprintf("pos-%d", c.ID), strconv.Itoa(len(work.Chapters)-i)) // reverse
	}
	if resp := owner.post(fmt.Sprintf("/works/%d/chapters/order", id), order); resp.status != http.StatusSeeOther {
		t.Fatalf("reorder: %d\n%s", resp.status, mainText(resp.body))
	}
	if s := owner.get(fmt.Sprintf("/works/%d", id)).body; !strings.Contains(s, "Third chapter text.") {
		t.Errorf("chapter 1 is not the old third after reordering")
	}
	order.Set(fmt.Sprintf("pos-%d", work.Chapters[0].ID), "9")
	if resp := owner.post(fmt.Sprintf("/works/%d/chapters/order", id), order); resp.status != http.StatusBadRequest {
		t.Errorf("a position out of range: %d", resp.status)
	}
	if resp := owner.post(fmt.Sprintf("/works/%d/chapters/%d/delete", id, work.Chapters[2].ID), nil); resp.status != http.StatusSeeOther {
		t.Fatalf("delete chapter: %d", resp.status)
	}
	if work, _ = f.store.FindWorkOutline(context.Background(), id); len(work.Chapters) != 2 {
		t.Errorf("%d chapters after deleting one", len(work.Chapters))
	}
}

// TestTagSuggest answers the posting form's script.
func TestTagSuggest(t *testing.T) {
	f := newAccountFixture(t)
	u := f.makeUser(uniqueName("Poster"))
	f.postedWork(u, "Tagged", func(w *fanarchive.Work) {
		w.Tags = append(w.Tags, fanarchive.Tag{Kind: fanarchive.TagFreeform, Name: "Lantern Festival"})
	})
	f.postedWork(u, "Secret", func(w *fanarchive.Work) {
		w.Draft = true
		w.Tags = append(w.Tags, fanarchive.Tag{Kind: fanarchive.TagFreeform, Name: "Lantern Secret"})
	})
	for _, tc := range []struct {
		query  string
		status int
		want   string
	}{
		{"kind=freeform&q=lant", 200, `["Lantern Festival"]`},
		{"kind=freeform&q=", 200, `[]`},
		{"kind=fandom&q=Harbou", 200, `["Harbour Lights"]`},
		{"kind=nonsense&q=a", 400, `"error"`},
		{"kind=freeform&q=" + strings.Repeat("a", 101), 400, `"error"`},
	} {
		resp := f.anon().get("/tags/suggest?" + tc.query)
		if resp.status != tc.status || resp.body != tc.want && !strings.Contains(resp.body, tc.want) ||
			resp.header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %s %q", tc.query, resp.status, resp.header.Get("Content-Type"), resp.body)
		}
	}
	// Without the script, the form shown again suggests completions of the
	// last name typed.
	c := f.loginAs(u)
	v := f.newWorkForm(u, "Suggested", "preview")
	v.Set("freeforms", "Rain, Lant")
	if s := c.post("/works/new", v).body; !strings.Contains(s, `<option value="Rain, Lantern Festival">`) {
		t.Errorf("the datalist does not complete the last tag")
	}
}
