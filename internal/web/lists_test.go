package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/web"
)

// The mailing lists' pages over a real SQLite store: every page renders,
// subscription is double opt-in and says the same to everyone, mailed
// links change nothing on GET, one-click unsubscription works without a
// cookie and refuses forged tokens, held messages and posters' addresses
// never reach a public page, and moderators' pages are theirs.

// posterAddress is the address of the archive's posts' poster: it may be
// in no public page.
const posterAddress = "clark.writer@smallville.test"

// listFixture is a fixture with lists: level3, with a posted thread (a
// story filed as a work, and a reply), a held message, and its moderator.
type listFixture struct {
	*fixture
	list      *fanarchive.List
	moderator *fanarchive.User
	story     *fanarchive.ListMessage
	reply     *fanarchive.ListMessage
	held      *fanarchive.ListMessage
	work      *fanarchive.Work
}

// newListFixture serves a store with a list; with engine false the site
// runs without the list engine.
func newListFixture(t *testing.T, engine bool) *listFixture {
	t.Helper()
	opts := accountOptions()
	lf := &listFixture{}
	opts.Lists = nil
	if engine {
		opts.Lists = listsEngineFor // made by newFixture once the store is open
	}
	lf.fixture = newFixture(t, opts)
	ctx := context.Background()
	lf.moderator = lf.makeUser(uniqueName("List Moderator"))
	lf.list = lf.makeList("level3", lf.moderator)
	lf.story = lf.postMessage(lf.list, &fanarchive.ListMessage{Subject: "[level3] The Road Home (1/1)", FromName: "Clark Writer",
		FromAddress: posterAddress, Text: "Smallville at dusk.\nThe corn stood still.\n\nWrite me: " + posterAddress,
		Date: day(2001, 3, 4), MessageID: "<road.1@smallville.test>"})
	lf.reply = lf.postMessage(lf.list, &fanarchive.ListMessage{Subject: "Re: [level3] The Road Home (1/1)", FromName: "Lana Reader",
		FromAddress: "lana.reader@smallville.test", Text: "Loved the corn.", Date: day(2001, 3, 5),
		MessageID: "<reply.1@smallville.test>", InReplyTo: "<road.1@smallville.test>", References: []string{"<road.1@smallville.test>"}})
	lf.held = lf.postMessage(lf.list, &fanarchive.ListMessage{Subject: "Buy cheap watches", FromName: "Spammer",
		FromAddress: "spam.sender@spam.test", Text: "Watches for sale.", Date: day(2001, 3, 6),
		MessageID: "<spam.1@spam.test>", State: fanarchive.ListMessageHeld, HoldReason: "not a member"})
	lf.work = lf.create(ctx, &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "The Road Home", Authors: []fanarchive.Author{{Name: "Clark Writer"}},
		Rating: fanarchive.RatingGeneral, Words: 6, Complete: true, Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>Smallville at dusk.</p>"}},
		Published: day(2001, 3, 4)})
	if err := lf.store.SetListMessageWork(ctx, lf.story.ID, lf.work.ID, 1); err != nil {
		t.Fatal(err)
	}
	return lf
}

var listSeq = map[string]int{}

// makeList makes a list named name (made unique), moderated by mods.
func (f *fixture) makeList(name string, mods ...*fanarchive.User) *fanarchive.List {
	f.t.Helper()
	ctx := context.Background()
	name = fmt.Sprintf("%s-%d", name, userSeq.Add(1))
	l := &fanarchive.List{Name: name, Address: name + "@lists.archive.test", Title: "Level Three " + name,
		Description: "The Smallville all-fic list.\n\nStories and talk.", Rules: "Be *kind*.\n\nLabel your **parts**.",
		Fandoms: []string{"Smallville"}, Announce: fanarchive.AnnounceSummary}
	if err := f.store.CreateList(ctx, l); err != nil {
		f.t.Fatal(err)
	}
	for _, u := range mods {
		if err := f.store.SetListModerator(ctx, l.ID, u.ID, true); err != nil {
			f.t.Fatal(err)
		}
	}
	got, err := f.store.FindList(ctx, l.Name)
	if err != nil {
		f.t.Fatal(err)
	}
	return got
}

// postMessage stores a message to l (posted unless m says held).
func (f *fixture) postMessage(l *fanarchive.List, m *fanarchive.ListMessage) *fanarchive.ListMessage {
	f.t.Helper()
	m.ListID = l.ID
	if m.State == "" {
		m.State = fanarchive.ListMessagePosted
	}
	m.Key = fmt.Sprintf("test:%d", userSeq.Add(1))
	if m.MessageID == "" {
		m.MessageID = fmt.Sprintf("<m%d@archive.test>", userSeq.Add(1))
	}
	if m.Date.IsZero() {
		m.Date = time.Now()
	}
	m.Raw = []byte("From: " + m.FromName + " <" + m.FromAddress + ">\r\nTo: " + l.Address + "\r\nSubject: " + m.Subject +
		"\r\nMessage-ID: " + m.MessageID + "\r\nDate: " + m.Date.Format(time.RFC1123Z) + "\r\n\r\n" + m.Text + "\r\n")
	if err := f.store.ReceiveListMessage(context.Background(), m, noFanout, nil); err != nil {
		f.t.Fatalf("receive %q: %v", m.Subject, err)
	}
	return m
}

// member makes an active member of l.
func (f *fixture) member(l *fanarchive.List, address string, userID int64) *fanarchive.ListMember {
	f.t.Helper()
	ctx := context.Background()
	m := &fanarchive.ListMember{ListID: l.ID, Address: address, UserID: userID, Mode: fanarchive.DeliverEach}
	secret := fmt.Sprintf("secret-%d", userSeq.Add(1))
	if err := f.store.SubscribeToList(ctx, m, hashListSecret(secret), time.Now().Add(time.Hour), nil); err != nil {
		f.t.Fatal(err)
	}
	got, err := f.store.ConfirmSubscription(ctx, hashListSecret(secret), func(*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) { return nil, nil })
	if err != nil {
		f.t.Fatal(err)
	}
	return got
}

func (lf *listFixture) path(rest string) string { return "/lists/" + lf.list.Name + rest }

// postFollow posts a form and, when the answer is a redirect (303), gets
// where it leads.
func (c *client) postFollow(path string, v url.Values) response {
	c.f.t.Helper()
	resp := c.post(path, v)
	if resp.status == http.StatusSeeOther {
		return c.get(resp.header.Get("Location"))
	}
	return resp
}

// TestListPagesRender fetches every public list page as a guest: each
// renders, shows what it should, and shows neither the held message nor
// any poster's address.
func TestListPagesRender(t *testing.T) {
	lf := newListFixture(t, true)
	anon := lf.anon()
	month := "2001-03"
	cases := []struct {
		path string
		want []string
	}{
		{"/lists", []string{lf.list.Title, lf.list.Address, "Smallville", "Members:"}},
		{lf.path(""), []string{"The Smallville all-fic list.", "<em>kind</em>", "<strong>parts</strong>", lf.list.Address,
			lf.list.Name + "-subscribe@lists.archive.test", lf.list.Name + "-request@lists.archive.test", `name="website"`,
			`value="digest"`, "The Road Home (1/1)", "/works/"}},
		{lf.path("/archive"), []string{month, "/archive/" + month}},
		{lf.path("/archive/" + month), []string{"The Road Home (1/1)", "Clark Writer", ">2<"}},
		{lf.path(fmt.Sprintf("/threads/%d", lf.story.ThreadID)), []string{"Smallville at dusk.", "Loved the corn.", "depth-1", "Lana Reader"}},
		{lf.path(fmt.Sprintf("/messages/%d", lf.reply.ID)), []string{"Loved the corn.", "In reply to:", "Previous in thread"}},
		{lf.path(fmt.Sprintf("/messages/%d", lf.story.ID)), []string{"Filed in the archive as", fmt.Sprintf("/works/%d", lf.work.ID), "Next in thread"}},
		{lf.path("/archive?q=corn"), []string{"Re: [level3] The Road Home (1/1)", "2 messages"}},
		{fmt.Sprintf("/works/%d", lf.work.ID), []string{"Posted to", lf.path(fmt.Sprintf("/messages/%d", lf.story.ID))}},
	}
	for _, c := range cases {
		resp := anon.get(c.path)
		if resp.status != http.StatusOK {
			t.Errorf("GET %s: status %d\n%s", c.path, resp.status, mainText(resp.body))
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(resp.body, w) {
				t.Errorf("GET %s: no %q in\n%s", c.path, w, mainText(resp.body))
			}
		}
		for _, never := range []string{posterAddress, "lana.reader@", "spam.sender@", "Buy cheap watches", "Watches for sale"} {
			if strings.Contains(resp.body, never) {
				t.Errorf("GET %s shows %q", c.path, never)
			}
		}
		if strings.Contains(c.path, "/lists") && strings.Contains(resp.header.Get("Cache-Control"), "no-store") == false &&
			resp.header.Get("Cache-Control") == "" {
			t.Errorf("GET %s: no Cache-Control", c.path)
		}
	}
	// The held message and another list's message have no page; bad
	// months, threads and ids are 404s.
	other := lf.makeList("other")
	foreign := lf.postMessage(other, &fanarchive.ListMessage{Subject: "Elsewhere", FromName: "X", FromAddress: "x@x.test", Text: "x"})
	for _, p := range []string{lf.path(fmt.Sprintf("/messages/%d", lf.held.ID)), lf.path(fmt.Sprintf("/messages/%d", foreign.ID)),
		lf.path(fmt.Sprintf("/threads/%d", lf.held.ID)), lf.path("/archive/2001-13"), lf.path("/archive/1999-01"),
		lf.path("/threads/abc"), lf.path("/messages/-1"), "/lists/no-such-list", "/lists/BAD_NAME/archive"} {
		if resp := anon.get(p); resp.status != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, resp.status)
		}
	}
}

// confirmPath reads the confirmation link of l mailed to address since
// the last takeMail.
func (f *fixture) confirmPath(l *fanarchive.List, address string) string {
	f.t.Helper()
	prefix := "/lists/" + l.Name + "/confirm/"
	for _, m := range f.takeMail() {
		if m.To != address {
			continue
		}
		for _, match := range linkPattern.FindAllStringSubmatch(m.Text, -1) {
			if strings.HasPrefix(match[1], prefix) {
				return match[1]
			}
		}
	}
	f.t.Fatalf("no %s link mailed to %s", prefix, address)
	return ""
}

// TestListSubscribe subscribes from the about page: the answer is "check
// your mail", the confirmation link's GET is a button that changes
// nothing, its POST makes the member active, and it works once.
func TestListSubscribe(t *testing.T) {
	lf := newListFixture(t, true)
	ctx := context.Background()
	anon := lf.anon()
	addr := "new.reader@smallville.test"
	resp := anon.post(lf.path("/subscribe"), form("email", addr, "mode", "digest"))
	if resp.status != http.StatusOK || !strings.Contains(resp.body, "Check your mail") {
		t.Fatalf("subscribe: %d\n%s", resp.status, mainText(resp.body))
	}
	link := lf.confirmPath(lf.list, addr)
	if !strings.HasPrefix(link, lf.path("/confirm/")) {
		t.Fatalf("confirmation link %s", link)
	}
	for range 2 {
		if resp := anon.get(link); resp.status != http.StatusOK || !strings.Contains(resp.body, "Confirm my subscription") {
			t.Fatalf("GET %s: %d\n%s", link, resp.status, mainText(resp.body))
		}
	}
	m, err := lf.store.FindMember(ctx, lf.list.ID, addr)
	if err != nil || m.State != fanarchive.MemberPending {
		t.Fatalf("after GET of the link the member is %+v, %v; want pending", m, err)
	}
	resp = anon.post(link, nil)
	if resp.status != http.StatusOK || !strings.Contains(resp.body, "Welcome to") || !strings.Contains(resp.body, "digest") {
		t.Fatalf("confirm: %d\n%s", resp.status, mainText(resp.body))
	}
	if m, _ := lf.store.FindMember(ctx, lf.list.ID, addr); m.State != fanarchive.MemberActive || m.Mode != fanarchive.DeliverDigest {
		t.Errorf("after confirming: %+v", m)
	}
	for _, bad := range []string{link, lf.path("/confirm/forged-secret"), lf.path("/confirm/" + strings.Repeat("a", 300))} {
		if resp := anon.post(bad, nil); resp.status != http.StatusNotFound || !strings.Contains(resp.body, "not valid") {
			t.Errorf("POST %s: %d, want the 404 page", bad[:min(len(bad), 60)], resp.status)
		}
	}
	// A logged-in user's form has their address filled in; their
	// subscription is linked to their account.
	u := lf.makeUser(uniqueName("Subscriber"))
	c := lf.loginAs(u)
	if resp := c.get(lf.path("")); !strings.Contains(resp.body, `value="`+u.Email+`"`) {
		t.Errorf("the form is not filled with the user's address")
	}
	c.post(lf.path("/subscribe"), form("email", u.Email, "mode", "each"))
	c.post(lf.confirmPath(lf.list, u.Email), nil)
	if m, _ := lf.store.FindMember(ctx, lf.list.ID, u.Email); m == nil || m.UserID != u.ID || m.State != fanarchive.MemberActive {
		t.Errorf("the user's membership: %+v", m)
	}
	// Bad input shows the form again.
	for _, f := range []url.Values{form("email", "not an address"), form("email", "a@b.test", "mode", "weekly")} {
		if resp := anon.post(lf.path("/subscribe"), f); resp.status != http.StatusBadRequest || !strings.Contains(resp.body, "form-error") {
			t.Errorf("subscribe %v: %d", f, resp.status)
		}
	}
}

// TestListSubscribeNoOracle: a member, a stranger, a banned address, the
// honeypot and a flood for one address all get the same page; the flood
// mails at most the limit, and one IP asking for many addresses is
// refused with 429.
func TestListSubscribeNoOracle(t *testing.T) {
	opts := accountOptions()
	lim := generous
	lim.ListSubscribeIP = web.Limit{N: 100000, Per: time.Hour}
	lim.ListSubscribeAddress = web.Limit{N: 3, Per: time.Hour}
	opts.Limits = &lim
	opts.Lists = listsEngineFor
	f := newFixture(t, opts)
	l := f.makeList("oracle")
	f.member(l, "member@smallville.test", 0)
	if err := f.store.BanAddress(context.Background(), l.ID, "banned@smallville.test"); err != nil {
		t.Fatal(err)
	}
	anon := f.anon()
	page := func(v url.Values) string {
		resp := anon.post("/lists/"+l.Name+"/subscribe", v)
		if resp.status != http.StatusOK {
			t.Fatalf("subscribe %v: %d\n%s", v, resp.status, mainText(resp.body))
		}
		return mainText(resp.body)
	}
	want := page(form("email", "stranger@smallville.test"))
	for _, v := range []url.Values{form("email", "member@smallville.test"), form("email", "banned@smallville.test"),
		form("email", "robot@smallville.test", "website", "http://spam.test")} {
		if got := page(v); got != want {
			t.Errorf("subscribe %v answers\n%s\nwant\n%s", v, got, want)
		}
	}
	f.takeMail()
	for range 20 {
		if got := page(form("email", "victim@smallville.test")); got != want {
			t.Fatalf("the flood's answer differs:\n%s", got)
		}
	}
	if n := len(f.takeMail()); n != 3 {
		t.Errorf("a flood of 20 requests for one address mailed %d confirmations, want 3", n)
	}
	lim.ListSubscribeIP = web.Limit{N: 5, Per: time.Hour}
	f2 := newFixture(t, opts)
	l2 := f2.makeList("flood")
	var statuses []int
	for i := range 8 {
		resp := f2.anon().post("/lists/"+l2.Name+"/subscribe", form("email", fmt.Sprintf("a%d@smallville.test", i)))
		statuses = append(statuses, resp.status)
		if resp.status == http.StatusTooManyRequests && resp.header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	if fmt.Sprint(statuses) != "[200 200 200 200 200 429 429 429]" {
		t.Errorf("statuses of 8 requests from one IP: %v", statuses)
	}
}

// TestListUnsubscribe follows a mailed unsubscribe link: GET is a
// button; forged tokens are 404s; RFC 8058 one-click works without a
// cookie or form token, and says nothing of a forged one.
func TestListUnsubscribe(t *testing.T) {
	lf := newListFixture(t, true)
	ctx := context.Background()
	anon := lf.anon()
	m := lf.member(lf.list, "leaver@smallville.test", 0)
	tok := lf.listUnsubscribeToken(m)
	link := lf.path("/unsubscribe?t=" + url.QueryEscape(tok))
	if resp := anon.get(link); resp.status != http.StatusOK || !strings.Contains(resp.body, `name="t"`) {
		t.Fatalf("GET %s: %d\n%s", link, resp.status, mainText(resp.body))
	}
	if got, _ := lf.store.FindMemberByID(ctx, m.ID); got.State != fanarchive.MemberActive {
		t.Fatalf("GET unsubscribed: %s", got.State)
	}
	forged := tok[:len(tok)-2] + "xx"
	for _, p := range []string{lf.path("/unsubscribe?t=" + forged), lf.path("/unsubscribe"), lf.path("/unsubscribe?t=1.abc")} {
		if resp := anon.get(p); resp.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, resp.status)
		}
		if resp := anon.post(p, nil); resp.status != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", p, resp.status)
		}
	}
	// Another list's path with this member's token is no better.
	other := lf.makeList("other")
	if resp := anon.get("/lists/" + other.Name + "/unsubscribe?t=" + url.QueryEscape(tok)); resp.status != http.StatusNotFound {
		t.Errorf("another list's link: %d", resp.status)
	}

	// One-click: a mail provider's server, no cookie, no Sec-Fetch-Site.
	oneClick := func(p string) response {
		return anon.postWith(p, form("List-Unsubscribe", "One-Click"), nil)
	}
	resp := oneClick(lf.path("/unsubscribe?t=" + forged))
	if resp.status != http.StatusNotFound || strings.Contains(resp.body, "<") || len(resp.body) > 20 {
		t.Errorf("one-click with a forged token: %d %q", resp.status, resp.body)
	}
	resp = oneClick(link)
	if resp.status != http.StatusOK {
		t.Fatalf("one-click: %d %q", resp.status, resp.body)
	}
	if got, _ := lf.store.FindMemberByID(ctx, m.ID); got.State != fanarchive.MemberUnsubscribed {
		t.Errorf("after one-click the member is %s", got.State)
	}
	// The button's form, and a logged-in browser without the site's
	// token (the route takes none); a cross-site POST is still refused.
	m2 := lf.member(lf.list, "leaver2@smallville.test", 0)
	tok2 := lf.listUnsubscribeToken(m2)
	c := lf.loginAs(lf.makeUser(uniqueName("Browser")))
	if resp := c.postWith(lf.path("/unsubscribe"), form("t", tok2), map[string]string{"Sec-Fetch-Site": "cross-site"}); resp.status != http.StatusForbidden {
		t.Errorf("cross-site unsubscribe: %d, want 403", resp.status)
	}
	if resp := c.postWith(lf.path("/unsubscribe"), form("t", tok2), map[string]string{"Sec-Fetch-Site": "same-origin"}); resp.status != http.StatusOK ||
		!strings.Contains(resp.body, "You have left") {
		t.Errorf("the button: %d\n%s", resp.status, mainText(resp.body))
	}
	// Multipart, as some providers send it.
	m3 := lf.member(lf.list, "leaver3@smallville.test", 0)
	body := "--b\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b--\r\n"
	req, _ := http.NewRequest(http.MethodPost, lf.url(lf.path("/unsubscribe?t="+url.QueryEscape(lf.listUnsubscribeToken(m3)))), strings.NewReader(body))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	if resp := lf.do(req); resp.status != http.StatusOK {
		t.Errorf("multipart one-click: %d %q", resp.status, resp.body)
	}
}

// TestListWithoutEngine: read-only pages work, the rest say the lists
// are not running.
func TestListWithoutEngine(t *testing.T) {
	lf := newListFixture(t, false)
	anon := lf.anon()
	for _, p := range []string{"/lists", lf.path(""), lf.path("/archive"), lf.path(fmt.Sprintf("/messages/%d", lf.story.ID))} {
		if resp := anon.get(p); resp.status != http.StatusOK {
			t.Errorf("GET %s: %d", p, resp.status)
		}
	}
	if resp := anon.get(lf.path("")); !strings.Contains(resp.body, "not available") || strings.Contains(resp.body, `action="`+lf.path("/subscribe")) {
		t.Errorf("the about page offers the form without an engine")
	}
	if resp := anon.post(lf.path("/subscribe"), form("email", "a@b.test")); resp.status != http.StatusServiceUnavailable {
		t.Errorf("subscribe without an engine: %d", resp.status)
	}
	if resp := anon.get(lf.path("/unsubscribe?t=x")); resp.status != http.StatusServiceUnavailable {
		t.Errorf("unsubscribe page without an engine: %d", resp.status)
	}
}

// TestListModeration: moderators see held messages with the sender's
// address and decide on them; the decision posts the message.
func TestListModeration(t *testing.T) {
	lf := newListFixture(t, true)
	ctx := context.Background()
	mod := lf.loginAs(lf.moderator)
	if resp := mod.get(lf.path("")); !strings.Contains(resp.body, lf.path("/moderation")) {
		t.Errorf("the about page does not link its moderator to the queue")
	}
	if resp := lf.anon().get(lf.path("")); strings.Contains(resp.body, lf.path("/moderation")) {
		t.Errorf("the about page links a guest to the queue")
	}
	resp := mod.get(lf.path("/moderation"))
	if resp.status != http.StatusOK || !strings.Contains(resp.body, "spam.sender@spam.test") || !strings.Contains(resp.body, "not a member") ||
		!strings.Contains(resp.body, "Watches for sale.") {
		t.Fatalf("moderation page: %d\n%s", resp.status, mainText(resp.body))
	}
	if resp.header.Get("Cache-Control") != "no-store" {
		t.Errorf("moderation page Cache-Control %q", resp.header.Get("Cache-Control"))
	}
	if resp := mod.postFollow(lf.path(fmt.Sprintf("/moderation/%d", lf.held.ID)), form("decision", "approve")); resp.status != http.StatusOK ||
		!strings.Contains(resp.body, "posted to the list") {
		t.Fatalf("approve: %d\n%s", resp.status, mainText(resp.body))
	}
	if m, _ := lf.store.FindListMessage(ctx, lf.held.ID); m.State != fanarchive.ListMessagePosted {
		t.Errorf("approved message is %s", m.State)
	}
	if resp := mod.post(lf.path(fmt.Sprintf("/moderation/%d", lf.held.ID)), form("decision", "reject")); resp.status != http.StatusConflict {
		t.Errorf("deciding twice: %d", resp.status)
	}
	// A message of another list cannot be decided through this list.
	other := lf.makeList("other")
	foreign := lf.postMessage(other, &fanarchive.ListMessage{Subject: "Held elsewhere", FromName: "X", FromAddress: "x@x.test", Text: "x",
		State: fanarchive.ListMessageHeld, HoldReason: "moderated list"})
	if resp := mod.post(lf.path(fmt.Sprintf("/moderation/%d", foreign.ID)), form("decision", "approve")); resp.status != http.StatusNotFound {
		t.Errorf("another list's message: %d", resp.status)
	}
	if resp := mod.get("/lists/" + other.Name + "/moderation"); resp.status != http.StatusForbidden {
		t.Errorf("another list's queue: %d", resp.status)
	}
	if resp := lf.anon().get(lf.path("/moderation")); resp.status != http.StatusSeeOther || !strings.HasPrefix(resp.header.Get("Location"), "/login?next=") {
		t.Errorf("a guest on the queue: %d %s", resp.status, resp.header.Get("Location"))
	}
}

// TestListMembers: the members page filters, and its actions change
// only this list's members.
func TestListMembers(t *testing.T) {
	lf := newListFixture(t, true)
	ctx := context.Background()
	a := lf.member(lf.list, "alpha@smallville.test", 0)
	b := lf.member(lf.list, "beta@smallville.test", 0)
	if err := lf.store.SetMemberState(ctx, b.ID, fanarchive.MemberDisabled); err != nil {
		t.Fatal(err)
	}
	mod := lf.loginAs(lf.moderator)
	resp := mod.get(lf.path("/members"))
	if resp.status != http.StatusOK || !strings.Contains(resp.body, "alpha@smallville.test") || !strings.Contains(resp.body, "beta@smallville.test") {
		t.Fatalf("members: %d\n%s", resp.status, mainText(resp.body))
	}
	resp = mod.get(lf.path("/members?state=disabled"))
	if strings.Contains(resp.body, "alpha@smallville.test") || !strings.Contains(resp.body, "Re-enable") {
		t.Errorf("filter by state:\n%s", mainText(resp.body))
	}
	if resp := mod.get(lf.path("/members?q=alph")); !strings.Contains(resp.body, "alpha@") || strings.Contains(resp.body, "beta@") {
		t.Errorf("search by address:\n%s", mainText(resp.body))
	}
	steps := []struct {
		id    int64
		f     url.Values
		check func(*fanarchive.ListMember) bool
	}{
		{b.ID, form("op", "reenable"), func(m *fanarchive.ListMember) bool { return m.State == fanarchive.MemberActive }},
		{a.ID, form("op", "mode", "mode", "digest"), func(m *fanarchive.ListMember) bool { return m.Mode == fanarchive.DeliverDigest }},
		{a.ID, form("op", "remove"), func(m *fanarchive.ListMember) bool { return m.State == fanarchive.MemberUnsubscribed }},
		{b.ID, form("op", "ban"), func(m *fanarchive.ListMember) bool { return m.State == fanarchive.MemberBanned }},
	}
	for _, s := range steps {
		resp := mod.postFollow(lf.path(fmt.Sprintf("/members/%d", s.id)), s.f)
		if resp.status != http.StatusOK {
			t.Errorf("%v: %d\n%s", s.f, resp.status, mainText(resp.body))
		}
		if m, _ := lf.store.FindMemberByID(ctx, s.id); !s.check(m) {
			t.Errorf("%v: member is %+v", s.f, m)
		}
	}
	if resp := mod.post(lf.path(fmt.Sprintf("/members/%d", a.ID)), form("op", "mode", "mode", "weekly")); resp.status != http.StatusBadRequest {
		t.Errorf("a bad mode: %d", resp.status)
	}
	other := lf.makeList("other", lf.moderator)
	foreign := lf.member(other, "gamma@smallville.test", 0)
	if resp := mod.post(lf.path(fmt.Sprintf("/members/%d", foreign.ID)), form("op", "remove")); resp.status != http.StatusNotFound {
		t.Errorf("another list's member through this list: %d", resp.status)
	}
}

// TestAdminLists makes and edits a list from the admin pages; what the
// store refuses is shown in the form.
func TestAdminLists(t *testing.T) {
	f := newFixture(t, withListEngine(accountOptions()))
	ctx := context.Background()
	adm := f.loginAs(f.makeUser(uniqueName("Admin"), fanarchive.RoleAdmin))
	mod := f.makeUser(uniqueName("Mod"))
	if resp := adm.get("/admin/lists/new"); resp.status != http.StatusOK {
		t.Fatalf("new list form: %d", resp.status)
	}
	fields := form("name", "l3web", "address", "l3web@lists.archive.test", "title", "Level Three", "description", "All fic.",
		"rules", "Be kind.", "fandoms", "Smallville, Lois & Clark", "policy", "moderated", "max_size_kb", "512",
		"archive_works", "1", "announce", "full", "digest_hour", "7", "subject_tag", "[L3]", "moderators", mod.Name)
	resp := adm.postFollow("/admin/lists", fields)
	if resp.status != http.StatusOK || !strings.Contains(resp.body, "The list is made.") {
		t.Fatalf("create: %d\n%s", resp.status, mainText(resp.body))
	}
	l, err := f.store.FindList(ctx, "l3web")
	if err != nil {
		t.Fatal(err)
	}
	if l.Policy != fanarchive.ListModerated || l.MaxSize != 512<<10 || !l.ArchiveWorks || l.Announce != fanarchive.AnnounceFull ||
		l.DigestHour != 7 || l.SubjectTag != "[L3]" || len(l.Fandoms) != 2 || len(l.Moderators) != 1 || l.Moderators[0] != mod.ID {
		t.Errorf("created list: %+v", l)
	}
	bad := []url.Values{
		form("name", "Bad Name", "address", "x@lists.archive.test"),
		form("name", "l3web", "address", "l3web@lists.archive.test"),
		form("name", "ok", "address", "other@lists.archive.test"),
		form("name", "ok2", "address", "ok2@lists.archive.test", "digest_hour", "25"),
		form("name", "ok3", "address", "ok3@lists.archive.test", "moderators", "Nobody At All"),
	}
	for _, v := range bad {
		if resp := adm.post("/admin/lists", v); resp.status < 400 || !strings.Contains(resp.body, "form-error") {
			t.Errorf("create %v: %d", v, resp.status)
		}
	}
	if resp := adm.get("/admin/lists/l3web/edit"); resp.status != http.StatusOK || !strings.Contains(resp.body, mod.Name) {
		t.Fatalf("edit form: %d", resp.status)
	}
	fields.Set("title", "Level Three Records")
	fields.Set("moderators", "")
	fields.Set("policy", "open")
	fields.Del("archive_works")
	if resp := adm.postFollow("/admin/lists/l3web/edit", fields); resp.status != http.StatusOK || !strings.Contains(resp.body, "saved") {
		t.Fatalf("edit: %d\n%s", resp.status, mainText(resp.body))
	}
	if l, _ := f.store.FindList(ctx, "l3web"); l.Title != "Level Three Records" || l.Policy != fanarchive.ListOpen || l.ArchiveWorks || len(l.Moderators) != 0 {
		t.Errorf("edited list: %+v", l)
	}
	if resp := adm.get("/admin/lists"); !strings.Contains(resp.body, "Level Three Records") {
		t.Errorf("the admin list page lacks the list")
	}
}

// TestAccountLists: a user sees their memberships, changes their mode
// and leaves; another user's membership is not theirs to change.
func TestAccountLists(t *testing.T) {
	lf := newListFixture(t, true)
	ctx := context.Background()
	u := lf.makeUser(uniqueName("Member"))
	byAddress := lf.member(lf.list, u.Email, 0) // by confirmed address, not linked
	c := lf.loginAs(u)
	resp := c.get("/account/lists")
	if resp.status != http.StatusOK || !strings.Contains(resp.body, lf.list.Title) {
		t.Fatalf("account lists: %d\n%s", resp.status, mainText(resp.body))
	}
	if resp := c.postFollow(fmt.Sprintf("/account/lists/%d", byAddress.ID), form("op", "mode", "mode", "none")); resp.status != http.StatusOK {
		t.Errorf("mode: %d", resp.status)
	}
	if m, _ := lf.store.FindMemberByID(ctx, byAddress.ID); m.Mode != fanarchive.DeliverNone {
		t.Errorf("mode is %s", m.Mode)
	}
	stranger := lf.member(lf.list, "someone.else@smallville.test", 0)
	if resp := c.post(fmt.Sprintf("/account/lists/%d", stranger.ID), form("op", "leave")); resp.status != http.StatusForbidden {
		t.Errorf("leaving another's membership: %d", resp.status)
	}
	if resp := c.postFollow(fmt.Sprintf("/account/lists/%d", byAddress.ID), form("op", "leave")); resp.status != http.StatusOK ||
		!strings.Contains(resp.body, "You have left") {
		t.Errorf("leave: %d\n%s", resp.status, mainText(resp.body))
	}
	if m, _ := lf.store.FindMemberByID(ctx, byAddress.ID); m.State != fanarchive.MemberUnsubscribed {
		t.Errorf("after leaving: %s", m.State)
	}
}

// TestAnnounceFromPostingForm: the posting form offers the lists that
// take announcements, and posting with one chosen announces the work.
func TestAnnounceFromPostingForm(t *testing.T) {
	lf := newListFixture(t, true)
	ctx := context.Background()
	u := lf.makeUser(uniqueName("Poster"))
	c := lf.loginAs(u)
	if resp := c.get("/works/new"); !strings.Contains(resp.body, "Announce to lists") || !strings.Contains(resp.body, `value="`+lf.list.Name+`"`) {
		t.Fatalf("the form offers no list:\n%s", mainText(resp.body))
	}
	v := lf.newWorkForm(u, "Announced Story", "post")
	v.Add("announce", lf.list.Name)
	v.Add("announce", "no-such-list")
	resp := c.post("/works/new", v)
	if resp.status != http.StatusOK || !strings.Contains(resp.body, "announced to "+lf.list.Title) || !strings.Contains(resp.body, "no list no-such-list") {
		t.Fatalf("post and announce: %d\n%s", resp.status, mainText(resp.body))
	}
	got, _, err := lf.store.FindListMessages(ctx, fanarchive.ListMessageFilter{ListID: lf.list.ID, Query: "Announced"})
	if err != nil || len(got) != 1 {
		t.Errorf("announcements in the archive: %d, %v", len(got), err)
	}
	// The chapter form offers the lists too, and adding a chapter
	// announces the new version.
	w := lf.postedWork(u, uniqueName("Serial"), nil)
	if resp := c.get(workPath(w) + "/chapters/new"); !strings.Contains(resp.body, "Announce to lists") {
		t.Errorf("the chapter form offers no list")
	}
	resp = c.post(workPath(w)+"/chapters/new", url.Values{"format": {"text"}, "body": {"Part two."}, "op": {"save"}, "announce": {lf.list.Name}})
	if resp.status != http.StatusOK || !strings.Contains(resp.body, "Your work is saved.") {
		t.Errorf("add a chapter and announce: %d\n%s", resp.status, mainText(resp.body))
	}
	// A draft is not announced.
	v = lf.newWorkForm(u, "Draft Story", "draft")
	v.Add("announce", lf.list.Name)
	if resp := c.post("/works/new", v); resp.status != http.StatusSeeOther {
		t.Errorf("a draft with a list chosen: %d", resp.status)
	}
}

// emailPattern finds anything like an address in a page.
var emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}`)

// TestListPublicPagesShowOnlyListAddresses greps every public list page
// for addresses: only the list's own (posting and command) may appear.
func TestListPublicPagesShowOnlyListAddresses(t *testing.T) {
	lf := newListFixture(t, true)
	// A poster whose display name is an address, and one who signs with it.
	sneaky := lf.postMessage(lf.list, &fanarchive.ListMessage{Subject: "Re: mail me at sneaky@poster.test", FromName: "sneaky@poster.test",
		FromAddress: "sneaky@poster.test", Text: "Write to sneaky@poster.test", InReplyTo: lf.story.MessageID})
	pages := []string{"/lists", lf.path(""), lf.path("/archive"), lf.path("/archive/2001-03"),
		lf.path(fmt.Sprintf("/threads/%d", lf.story.ThreadID)), lf.path(fmt.Sprintf("/messages/%d", sneaky.ID)),
		lf.path("/archive?q=sneaky"), lf.path(fmt.Sprintf("/messages/%d", lf.story.ID))}
	for _, p := range pages {
		resp := lf.anon().get(p)
		if resp.status != http.StatusOK {
			t.Errorf("GET %s: %d", p, resp.status)
			continue
		}
		for _, a := range emailPattern.FindAllString(resp.body, -1) {
			if !strings.HasSuffix(a, "@lists.archive.test") {
				t.Errorf("GET %s shows the address %q", p, a)
			}
		}
	}
}

// listPageRows are the list pages (GETs) and who may see them, for
// TestListPagesAuthz; TestListPagesAuthzCoversRoutes keeps it in step
// with routes.go. The owner is the list's moderator, or the member.
var listPageRows = []struct {
	pattern string
	allowed []persona
	path    func(c *cell, l *fanarchive.List) string
}{
	{"GET /lists", everyone, func(c *cell, l *fanarchive.List) string { return "/lists" }},
	{"GET /lists/{name}", everyone, func(c *cell, l *fanarchive.List) string { return "/lists/" + l.Name }},
	{"GET /lists/{name}/confirm/{secret}", everyone, func(c *cell, l *fanarchive.List) string { return "/lists/" + l.Name + "/confirm/abc" }},
	{"GET /lists/{name}/unsubscribe", everyone, func(c *cell, l *fanarchive.List) string {
		return "/lists/" + l.Name + "/unsubscribe?t=" + url.QueryEscape(c.f.listUnsubscribeToken(c.f.member(l, "x@example.net", 0)))
	}},
	{"GET /lists/{name}/archive", everyone, func(c *cell, l *fanarchive.List) string { return "/lists/" + l.Name + "/archive" }},
	{"GET /lists/{name}/archive/{month}", everyone, func(c *cell, l *fanarchive.List) string { return "/lists/" + l.Name + "/archive/2001-03" }},
	{"GET /lists/{name}/threads/{id}", everyone, func(c *cell, l *fanarchive.List) string {
		return fmt.Sprintf("/lists/%s/threads/%d", l.Name, c.f.firstPost(l).ThreadID)
	}},
	{"GET /lists/{name}/messages/{id}", everyone, func(c *cell, l *fanarchive.List) string {
		return fmt.Sprintf("/lists/%s/messages/%d", l.Name, c.f.firstPost(l).ID)
	}},
	{"GET /lists/{name}/moderation", []persona{owner, moderator, admin}, func(c *cell, l *fanarchive.List) string { return "/lists/" + l.Name + "/moderation" }},
	{"GET /lists/{name}/members", []persona{owner, moderator, admin}, func(c *cell, l *fanarchive.List) string { return "/lists/" + l.Name + "/members" }},
	{"GET /account/lists", loggedIn, func(c *cell, l *fanarchive.List) string { return "/account/lists" }},
	{"GET /admin/lists", []persona{admin}, func(c *cell, l *fanarchive.List) string { return "/admin/lists" }},
	{"GET /admin/lists/new", []persona{admin}, func(c *cell, l *fanarchive.List) string { return "/admin/lists/new" }},
	{"GET /admin/lists/{name}/edit", []persona{admin}, func(c *cell, l *fanarchive.List) string { return "/admin/lists/" + l.Name + "/edit" }},
}

// firstPost returns a posted message of l, posting one when it has none.
func (f *fixture) firstPost(l *fanarchive.List) *fanarchive.ListMessage {
	got, _, err := f.store.FindListMessages(context.Background(), fanarchive.ListMessageFilter{ListID: l.ID, Limit: 1})
	if err != nil {
		f.t.Fatal(err)
	}
	if len(got) > 0 {
		return got[0]
	}
	return f.postMessage(l, &fanarchive.ListMessage{Subject: "Hello", FromName: "Poster", FromAddress: "p@example.net", Text: "Hi.", Date: day(2001, 3, 2)})
}

// TestListPagesAuthz fetches every list page as each persona: the
// allowed get 200, a refused guest is sent to log in, anyone else
// refused gets 403.
func TestListPagesAuthz(t *testing.T) {
	f := newAccountFixture(t)
	for _, row := range listPageRows {
		t.Run(row.pattern, func(t *testing.T) {
			for _, as := range personas {
				f.t = t
				c := &cell{f: f, as: as, owner: f.makeUser(uniqueName("Owner"))}
				switch as {
				case owner:
					c.me = c.owner
				case otherUser:
					c.me = f.makeUser(uniqueName("Other"))
				case moderator:
					c.me = f.makeUser(uniqueName("Moderator"), fanarchive.RoleModerator)
				case archivist:
					c.me = f.makeUser(uniqueName("Archivist"), fanarchive.RoleArchivist)
				case admin:
					c.me = f.makeUser(uniqueName("Admin"), fanarchive.RoleAdmin)
				}
				c.client = f.anon()
				if c.me != nil {
					c.client = f.loginAs(c.me)
				}
				l := f.makeList("pages", c.owner)
				f.firstPost(l)
				p := row.path(c, l)
				resp := c.client.get(p)
				allowed := false
				for _, a := range row.allowed {
					allowed = allowed || a == as
				}
				switch {
				case allowed && resp.status != http.StatusOK:
					t.Errorf("GET %s as %s: %d, want 200\n%s", p, as, resp.status, mainText(resp.body))
				case !allowed && as == anonymous && (resp.status != http.StatusSeeOther || !strings.HasPrefix(resp.header.Get("Location"), "/login?next=")):
					t.Errorf("GET %s as a guest: %d %s, want the log-in redirect", p, resp.status, resp.header.Get("Location"))
				case !allowed && as != anonymous && resp.status != http.StatusForbidden:
					t.Errorf("GET %s as %s: %d, want 403", p, as, resp.status)
				}
			}
		})
	}
}

// TestListPagesAuthzCoversRoutes: every list page in routes.go has a row.
func TestListPagesAuthzCoversRoutes(t *testing.T) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, r := range listPageRows {
		rows[r.pattern] = true
	}
	for _, m := range regexp.MustCompile(`"(GET /(?:lists|account/lists|admin/lists)[^"]*)"`).FindAllStringSubmatch(string(src), -1) {
		if !rows[m[1]] {
			t.Errorf("list page %s has no row in listPageRows", m[1])
		}
		delete(rows, m[1])
	}
	for p := range rows {
		t.Errorf("listPageRows has %s, which routes.go does not register", p)
	}
}
