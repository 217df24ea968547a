package web_test

import (
	"context"
	"fmt"
	"net/http"
	netmail "net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/comments"
	"fanarchive/internal/web"
)

// Comments, subscriptions and the inbox over HTTP (docs/comments.md):
// markup inert in every field, edits by the writer only, deletion keeping
// the thread's shape, a 50-deep thread, guest bursts, held guest
// comments, notification mail without header injection, and unsubscribe
// links forged, used and replayed.

func init() {
	authzRows = append(authzRows, commentAuthzRows...)
}

// commentAuthzRows are the matrix's rows of this feature's write routes.
var commentAuthzRows = []authzRow{
	{"POST /works/{id}/comments", everyone, func(c *cell) (string, map[string]string) {
		return workPath(c.ownersWork(nil)) + "/comments", map[string]string{"name": "Guest", "comment": "Nice.", "format": "text"}
	}},
	{"POST /comments/{id}/edit", []persona{owner}, func(c *cell) (string, map[string]string) {
		w := c.ownersWork(nil)
		cm := c.f.commentOn(w, c.owner, "Mine.")
		return fmt.Sprintf("/comments/%d/edit", cm.ID), map[string]string{"comment": "Edited.", "format": "text"}
	}},
	{"POST /comments/{id}/delete", []persona{owner, moderator, admin}, func(c *cell) (string, map[string]string) {
		cm := c.f.commentOn(c.ownersWork(nil), nil, "A guest's.")
		return fmt.Sprintf("/comments/%d/delete", cm.ID), nil
	}},
	{"POST /comments/{id}/approve", []persona{owner}, func(c *cell) (string, map[string]string) {
		if err := c.f.store.SetModerateGuestComments(context.Background(), c.owner.ID, true); err != nil {
			c.f.t.Fatal(err)
		}
		cm := c.f.commentOn(c.ownersWork(nil), nil, "Held.")
		return fmt.Sprintf("/comments/%d/approve", cm.ID), nil
	}},
	{"POST /subscriptions", loggedIn, func(c *cell) (string, map[string]string) {
		return "/subscriptions", map[string]string{"kind": "work", "target": fmt.Sprint(c.ownersWork(nil).ID), "next": "/"}
	}},
	{"POST /subscriptions/{id}/delete", []persona{owner}, func(c *cell) (string, map[string]string) {
		return fmt.Sprintf("/subscriptions/%d/delete", c.f.subscribe(c.owner, c.ownersWork(nil)).ID), nil
	}},
	{"POST /unsubscribe/{token}", everyone, func(c *cell) (string, map[string]string) {
		sub := c.f.subscribe(c.owner, c.ownersWork(nil))
		return "/unsubscribe/" + c.f.unsubscribeToken(sub), nil
	}},
	{"POST /inbox", loggedIn, func(c *cell) (string, map[string]string) {
		return "/inbox", map[string]string{"op": "read", "id": "1"}
	}},
	{"POST /account/notifications", loggedIn, func(c *cell) (string, map[string]string) {
		return "/account/notifications", map[string]string{"mail": "daily"}
	}},
}

// commentOn stores a comment by u (nil: a guest) on w.
func (f *fixture) commentOn(w *fanarchive.Work, u *fanarchive.User, text string) *fanarchive.Comment {
	f.t.Helper()
	return f.replyTo(w, 0, u, text)
}

// replyTo stores a reply to parent (0: a new thread) by u (nil: a guest).
func (f *fixture) replyTo(w *fanarchive.Work, parent int64, u *fanarchive.User, text string) *fanarchive.Comment {
	f.t.Helper()
	c := &fanarchive.Comment{WorkID: w.ID, ParentID: parent, Name: "A Guest", Format: fanarchive.CommentText, Input: text,
		Body: "<p>" + text + "</p>"}
	if u != nil {
		c.UserID = u.ID
	}
	if err := f.store.PostComment(context.Background(), c, nil); err != nil {
		f.t.Fatal(err)
	}
	return c
}

// subscribe subscribes u to w in the store.
func (f *fixture) subscribe(u *fanarchive.User, w *fanarchive.Work) *fanarchive.Subscription {
	f.t.Helper()
	sub := &fanarchive.Subscription{UserID: u.ID, Kind: fanarchive.SubscribeWork, TargetID: w.ID}
	if err := f.store.Subscribe(context.Background(), sub); err != nil {
		f.t.Fatal(err)
	}
	return sub
}

// commentService is the site's notification mail, as serve builds it.
func (f *fixture) commentService() *comments.Service {
	return &comments.Service{Store: f.store, SiteName: "fanarchive", BaseURL: baseURL,
		From: netmail.Address{Name: "Test Archive", Address: "archive@archive.test"}}
}

// unsubscribeToken is a subscription's signed link token.
func (f *fixture) unsubscribeToken(sub *fanarchive.Subscription) string {
	f.t.Helper()
	u, err := f.commentService().UnsubscribeURL(context.Background(), sub.ID, sub.UserID)
	if err != nil {
		f.t.Fatal(err)
	}
	return u[strings.LastIndexByte(u, '/')+1:]
}

// hostileText is markup and script in every place it could be typed.
const hostileText = "<script>alert(\"x\")</script><img src=x onerror=alert(1)>\n\n[link](javascript:alert(2)) **bold**"

// inert fails unless body carries none of hostileText's live markup.
func inert(t *testing.T, what, body string) {
	t.Helper()
	for _, bad := range []string{"<script>alert", "<img src=x", "onerror=alert(1)>", `href="javascript:`} {
		if strings.Contains(body, bad) {
			t.Errorf("%s holds live markup %q", what, bad)
		}
	}
}

func TestCommentsThreadEditDelete(t *testing.T) {
	f := newAccountFixture(t)
	author := f.makeUser(uniqueName("Author"))
	reader := f.makeUser(uniqueName("Reader"))
	other := f.makeUser(uniqueName("Other"))
	mod := f.makeUser(uniqueName("Moderator"), fanarchive.RoleModerator)
	w := f.postedWork(author, "Harbour", nil)
	f.takeRaw()

	rc := f.loginAs(reader)
	resp := rc.post(workPath(w)+"/comments", form("comment", hostileText, "format", "markdown"))
	if resp.status != http.StatusSeeOther {
		t.Fatalf("comment: %d %s", resp.status, mainText(resp.body))
	}
	page := f.anon().get(workPath(w))
	inert(t, "the work page", page.body)
	if !strings.Contains(page.body, "<strong>bold</strong>") || !strings.Contains(page.body, "Comments (1)") {
		t.Errorf("the comment is not shown rendered:\n%s", page.body[strings.Index(page.body, `id="comments"`):])
	}
	cs, _, err := f.store.FindComments(context.Background(), fanarchive.CommentFilter{WorkID: w.ID})
	if err != nil || len(cs) != 1 {
		t.Fatalf("comments %v %v", cs, err)
	}
	top := cs[0]
	// The author was told, by mail whose Reply-To leads back.
	m := f.oneRaw("the comment's notification")
	if m.To != author.Email || !strings.HasPrefix(m.Msg.Header.Get("Reply-To"), `"fanarchive" <comment+`) {
		t.Errorf("notification to %s, Reply-To %q", m.To, m.Msg.Header.Get("Reply-To"))
	}
	// The author replies; the reader sees it in the inbox and the header.
	ac := f.loginAs(author)
	if resp := ac.post(workPath(w)+"/comments", form("comment", "Thanks <b onclick=x()>you</b>", "format", "text",
		"parent", fmt.Sprint(top.ID))); resp.status != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", resp.status, mainText(resp.body))
	}
	inbox := rc.get("/inbox")
	if !strings.Contains(inbox.body, "(1 unread)") || !strings.Contains(inbox.body, "Reply to your comment") {
		t.Errorf("reader's inbox:\n%s", mainText(inbox.body))
	}
	inert(t, "the inbox", inbox.body)
	if strings.Contains(inbox.body, "<b onclick") {
		t.Error("the inbox shows live markup")
	}
	// Editing: the writer, not others.
	editPath := fmt.Sprintf("/comments/%d/edit", top.ID)
	if resp := f.loginAs(other).post(editPath, form("comment", "Hijacked.", "format", "text")); resp.status != http.StatusForbidden {
		t.Errorf("someone else's edit: %d", resp.status)
	}
	if resp := ac.post(editPath, form("comment", "Hijacked.", "format", "text")); resp.status != http.StatusForbidden {
		t.Errorf("the work's author editing a reader's comment: %d", resp.status)
	}
	if resp := f.anon().post(editPath, form("comment", "Hijacked.", "format", "text")); resp.status != http.StatusForbidden {
		t.Errorf("a guest's edit: %d", resp.status)
	}
	if resp := rc.post(editPath, form("comment", "Better words.", "format", "text")); resp.status != http.StatusSeeOther {
		t.Errorf("the writer's edit: %d %s", resp.status, mainText(resp.body))
	}
	page = f.anon().get(workPath(w))
	if !strings.Contains(page.body, "Better words.") || !strings.Contains(page.body, "(edited)") || strings.Contains(page.body, "Hijacked") {
		t.Errorf("after the edit:\n%s", mainText(page.body))
	}
	// Deleting: others may not; a moderator may; the reply keeps its place.
	delPath := fmt.Sprintf("/comments/%d/delete", top.ID)
	if resp := f.loginAs(other).post(delPath, nil); resp.status != http.StatusForbidden {
		t.Errorf("someone else's delete: %d", resp.status)
	}
	if resp := f.loginAs(mod).post(delPath, nil); resp.status != http.StatusSeeOther {
		t.Errorf("a moderator's delete: %d", resp.status)
	}
	page = f.anon().get(workPath(w))
	if !strings.Contains(page.body, "[deleted]") || strings.Contains(page.body, "Better words.") || !strings.Contains(page.body, "Thanks") {
		t.Errorf("after the delete:\n%s", mainText(page.body))
	}
	// Blurbs count published comments.
	if home := f.anon().get("/"); !strings.Contains(home.body, `<dt>Comments:</dt><dd class="comment-count">1</dd>`) {
		t.Errorf("the home page's blurb has no comment count")
	}
}

// TestCommentsGuestFieldsInert: a guest's name and address with markup and
// CRLF stay inert on the page and never reach a mail header.
func TestCommentsGuestFieldsInert(t *testing.T) {
	f := newAccountFixture(t)
	author := f.makeUser(uniqueName("Author"))
	w := f.postedWork(author, "Lights", nil)
	f.takeRaw()
	name := "Eve\r\nBcc: victim@example.com\r\nSubject: hi <script>alert(3)</script>"
	resp := f.anon().post(workPath(w)+"/comments", form("name", name, "email", "eve@example.net", "comment", hostileText, "format", "text"))
	if resp.status != http.StatusSeeOther {
		t.Fatalf("guest comment: %d %s", resp.status, mainText(resp.body))
	}
	page := f.anon().get(workPath(w))
	inert(t, "the work page", page.body)
	if strings.Contains(page.body, "<script>alert(3)") || strings.Contains(page.body, "eve@example.net") {
		t.Error("the guest's name or address is live or shown")
	}
	m := f.oneRaw("the notification")
	head := headerLines(m.Raw)
	if strings.Contains(head, "\r\nBcc:") || strings.Contains(strings.ToLower(head), "victim@") && !strings.Contains(m.Msg.Header.Get("Subject"), "Bcc") {
		t.Errorf("header injection:\n%s", head)
	}
	if len(m.Msg.Header["Bcc"]) != 0 || m.To != author.Email {
		t.Errorf("mail to %s with Bcc %v", m.To, m.Msg.Header["Bcc"])
	}
}

// TestCommentsDeepThread: a thread 50 deep renders whole, indentation
// capped, each reply deeper than the cap naming whom it answers.
func TestCommentsDeepThread(t *testing.T) {
	f := newAccountFixture(t)
	author := f.makeUser(uniqueName("Author"))
	w := f.postedWork(author, "Deep", nil)
	var parent int64
	for i := range 50 {
		parent = f.replyTo(w, parent, nil, fmt.Sprintf("Level %d.", i)).ID
	}
	page := f.anon().get(workPath(w))
	if page.status != http.StatusOK {
		t.Fatalf("status %d", page.status)
	}
	if n := strings.Count(page.body, `<article class="comment`); n != 50 {
		t.Errorf("%d comments shown, want 50", n)
	}
	if !strings.Contains(page.body, "Level 49.") || strings.Contains(page.body, "indent-7") || !strings.Contains(page.body, "in reply to A Guest") {
		t.Errorf("the deepest comment, or the capped indent, is missing")
	}
	// The 51st reply, from its page.
	resp := f.anon().post(workPath(w)+"/comments", form("name", "G", "comment", "Level 50.", "format", "text", "parent", fmt.Sprint(parent)))
	if resp.status != http.StatusSeeOther {
		t.Errorf("reply 51 deep: %d %s", resp.status, mainText(resp.body))
	}
}

// TestCommentsGuestBurst: 100 guest comments from one IP within a minute
// are rate-limited after the first few, and the site stays up: pages
// answer, and a user can still comment.
func TestCommentsGuestBurst(t *testing.T) {
	opts := accountOptions()
	limits := *opts.Limits
	limits.CommentIP, limits.CommentWork = web.DefaultRateLimits.CommentIP, web.DefaultRateLimits.CommentWork
	opts.Limits = &limits
	f := newFixture(t, opts)
	author := f.makeUser(uniqueName("Author"))
	w := f.postedWork(author, "Burst", nil)
	guest := f.anon()
	ok, limited := 0, 0
	start := time.Now()
	for i := range 100 {
		resp := guest.post(workPath(w)+"/comments", form("name", "Spammer", "comment", fmt.Sprintf("Buy %d!", i), "format", "text"))
		switch resp.status {
		case http.StatusSeeOther:
			ok++
		case http.StatusTooManyRequests:
			limited++
			if resp.header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		default:
			t.Fatalf("comment %d: %d", i, resp.status)
		}
	}
	if ok != web.DefaultRateLimits.CommentIP.N || limited != 100-ok {
		t.Errorf("%d posted, %d limited in %v", ok, limited, time.Since(start))
	}
	if page := f.anon().get(workPath(w)); page.status != http.StatusOK {
		t.Errorf("work page after the burst: %d", page.status)
	}
	if resp := f.loginAs(f.makeUser(uniqueName("Reader"))).post(workPath(w)+"/comments", form("comment", "Still here.", "format", "text")); resp.status != http.StatusSeeOther {
		t.Errorf("a user's comment after the burst: %d", resp.status)
	}
}

// TestCommentsHeldForApproval: with the author's setting on, a guest's
// comment waits, is shown to the author only, and is published on
// approval.
func TestCommentsHeldForApproval(t *testing.T) {
	f := newAccountFixture(t)
	author := f.makeUser(uniqueName("Author"))
	w := f.postedWork(author, "Held", nil)
	ac := f.loginAs(author)
	if resp := ac.post("/account/notifications", form("mail", "each", "moderate", "on")); resp.status != http.StatusSeeOther {
		t.Fatalf("setting: %d", resp.status)
	}
	resp := f.anon().post(workPath(w)+"/comments", form("name", "Guest", "comment", "Please approve.", "format", "text"))
	if resp.status != http.StatusOK || !strings.Contains(resp.body, "waits for the author") {
		t.Fatalf("held comment: %d %s", resp.status, mainText(resp.body))
	}
	if strings.Contains(f.anon().get(workPath(w)).body, "Please approve.") {
		t.Error("a held comment is shown to guests")
	}
	if !strings.Contains(ac.get(workPath(w)).body, "waiting for approval") {
		t.Error("the author does not see the held comment")
	}
	cs, _, _ := f.store.FindComments(context.Background(), fanarchive.CommentFilter{WorkID: w.ID, Held: true})
	if resp := ac.post(fmt.Sprintf("/comments/%d/approve", cs[0].ID), nil); resp.status != http.StatusSeeOther {
		t.Fatalf("approve: %d", resp.status)
	}
	if !strings.Contains(f.anon().get(workPath(w)).body, "Please approve.") {
		t.Error("an approved comment is not shown")
	}
}

var unsubscribePattern = regexp.MustCompile(regexp.QuoteMeta(baseURL) + `(/unsubscribe/[0-9a-z-]+)`)

// TestSubscriptionNewChapter: a subscriber hears of a new chapter in the
// inbox and by mail with a working unsubscribe link; a forged link and
// the same link used again get a clear 404; a mail program's one-click
// POST works.
func TestSubscriptionNewChapter(t *testing.T) {
	f := newAccountFixture(t)
	ctx := context.Background()
	author := f.makeUser(uniqueName("Author"))
	fan := f.makeUser(uniqueName("Fan"))
	w := f.postedWork(author, "Serial", nil)
	svc := f.commentService()
	mailer, err := svc.Mailer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.NotifySubscribers(ctx, 100, mailer); err != nil {
		t.Fatal(err)
	}
	fc := f.loginAs(fan)
	if !strings.Contains(fc.get(workPath(w)).body, "Subscribe to this work") {
		t.Fatal("no subscribe button on the work page")
	}
	if resp := fc.post("/subscriptions", form("kind", "work", "target", fmt.Sprint(w.ID), "next", workPath(w))); resp.status != http.StatusSeeOther {
		t.Fatalf("subscribe: %d %s", resp.status, mainText(resp.body))
	}
	if !strings.Contains(fc.get(workPath(w)).body, "Unsubscribe from this work") {
		t.Error("the work page does not show the subscription")
	}
	if err := f.store.AddChapter(ctx, w.ID, &fanarchive.Chapter{Title: "The Second", Body: "<p>More.</p>"}, author.ID); err != nil {
		t.Fatal(err)
	}
	f.takeRaw()
	if n, err := f.store.NotifySubscribers(ctx, 100, mailer); err != nil || n != 1 {
		t.Fatalf("notified %d, %v", n, err)
	}
	m := f.mailTo(fan.Email)
	if !strings.Contains(m.Text, "Chapter 2: The Second") {
		t.Errorf("mail text:\n%s", m.Text)
	}
	if !strings.Contains(fc.get("/inbox").body, "Chapter 2: The Second") {
		t.Error("the inbox does not show the new chapter")
	}
	link := unsubscribePattern.FindStringSubmatch(m.Text)
	if link == nil {
		t.Fatalf("no unsubscribe link in:\n%s", m.Text)
	}
	path := link[1]
	forged := path[:len(path)-1] + map[bool]string{true: "1", false: "0"}[strings.HasSuffix(path, "0")]
	for _, p := range []string{forged, "/unsubscribe/1-1-00", "/unsubscribe/nonsense"} {
		if resp := f.anon().get(p); resp.status != http.StatusNotFound || !strings.Contains(resp.body, "not valid") {
			t.Errorf("GET %s: %d", p, resp.status)
		}
		if resp := f.anon().postWith(p, nil, nil); resp.status != http.StatusNotFound {
			t.Errorf("POST %s: %d", p, resp.status)
		}
	}
	if resp := f.anon().get(path); resp.status != http.StatusOK || !strings.Contains(resp.body, "Serial") {
		t.Errorf("the link's page: %d", resp.status)
	}
	// One-click: a mail program posts with no cookie and no headers.
	if resp := f.anon().postWith(path, form("List-Unsubscribe", "One-Click"), nil); resp.status != http.StatusOK {
		t.Errorf("one-click unsubscribe: %d %s", resp.status, mainText(resp.body))
	}
	if resp := f.anon().postWith(path, nil, nil); resp.status != http.StatusNotFound {
		t.Errorf("replayed link: %d", resp.status)
	}
	if subs, _ := f.store.FindSubscriptions(ctx, fan.ID); len(subs) != 0 {
		t.Errorf("still subscribed: %+v", subs)
	}
}
