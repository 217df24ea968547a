package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/auth"
	"fanarchive/internal/web"
)

// Claims and takedowns over HTTP: the claim form, the mail and its link
// (replayed, expired, another user's), a claim without an address in the
// archivists' queue, assignments and refusals, takedown requests, and
// markup in what people write.

// legacyWork stores an imported work by a legacy author named author whose
// source's header names contact (an address, or "" for none).
func (f *fixture) legacyWork(title, author, contact string) *fanarchive.Work {
	f.t.Helper()
	src := fanarchive.NewSource(strings.ToLower(strings.ReplaceAll(title, " ", "-"))+".txt",
		[]byte("Title: "+title+"\nAuthor: "+author+"\n\nThe hedge grew a little every night.\n"))
	src.FeedbackContact = contact
	return f.create(context.Background(), &fanarchive.Work{
		Kind:      fanarchive.KindFiction,
		Title:     title,
		Authors:   []fanarchive.Author{{Name: author}},
		Rating:    fanarchive.RatingGeneral,
		Words:     7,
		Complete:  true,
		Chapters:  []*fanarchive.Chapter{{Number: 1, Body: "<p>The hedge grew a little every night.</p>"}},
		Published: day(1997, 4, 1),
		Sources:   []*fanarchive.Source{src},
	})
}

// freshLegacyWork stores a legacy work by a new author, with an address
// in its header or none.
func (f *fixture) freshLegacyWork(withAddress bool) *fanarchive.Work {
	f.t.Helper()
	n := userSeq.Add(1)
	contact := ""
	if withAddress {
		contact = fmt.Sprintf("Writer %d <writer%d@example.org>", n, n)
	}
	return f.legacyWork(fmt.Sprintf("Hedge Story %d", n), fmt.Sprintf("Hedge Writer %d", n), contact)
}

// mailedClaim records u's claim of work by mail, as the claim form does,
// with a link that expires at expires, and returns the link's secret.
func (f *fixture) mailedClaim(u *fanarchive.User, work *fanarchive.Work, expires time.Time) string {
	f.t.Helper()
	secret, id := auth.NewToken()
	c := &fanarchive.Claim{UserID: u.ID, WorkID: work.ID, Via: fanarchive.ClaimByMail}
	err := f.store.RequestClaim(context.Background(), c, &fanarchive.Token{ID: id, Purpose: fanarchive.TokenClaim, ExpiresAt: expires},
		func(string) ([]*fanarchive.OutboundMail, error) { return nil, nil })
	if err != nil {
		f.t.Fatalf("request claim: %v", err)
	}
	return secret
}

// askedClaim records u's claim of work in the archivists' queue.
func (f *fixture) askedClaim(u *fanarchive.User, work *fanarchive.Work) *fanarchive.Claim {
	f.t.Helper()
	c := &fanarchive.Claim{UserID: u.ID, WorkID: work.ID, Via: fanarchive.ClaimByArchivist}
	if err := f.store.RequestClaim(context.Background(), c, nil, nil); err != nil {
		f.t.Fatalf("request claim: %v", err)
	}
	return c
}

// takedownOf records u's takedown request of work.
func (f *fixture) takedownOf(u *fanarchive.User, work *fanarchive.Work, reason string) *fanarchive.Takedown {
	f.t.Helper()
	td := &fanarchive.Takedown{WorkID: work.ID, UserID: u.ID, Reason: reason}
	if err := f.store.RequestTakedown(context.Background(), td); err != nil {
		f.t.Fatalf("request takedown: %v", err)
	}
	return td
}

// wantPage fails the test unless resp has the status and every piece of
// text.
func wantPage(t *testing.T, what string, resp response, status int, texts ...string) {
	t.Helper()
	if resp.status != status {
		t.Errorf("%s: status %d, want %d\n%s", what, resp.status, status, mainText(resp.body))
		return
	}
	for _, s := range texts {
		if !strings.Contains(resp.body, s) {
			t.Errorf("%s: the page lacks %q\n%s", what, s, mainText(resp.body))
		}
	}
}

// noAddressIn fails the test if the page shows the address, however
// cased.
func noAddressIn(t *testing.T, what string, resp response, addr string) {
	t.Helper()
	if strings.Contains(strings.ToLower(resp.body), strings.ToLower(addr)) {
		t.Errorf("%s shows the address %s", what, addr)
	}
}

// TestClaimByMail is the whole flow: the link on the work, the form that
// says what would move without the address, the mail with the link, the
// link refused to anyone but the claimant (admins too), confirmation, the
// works under the new pseud, and the link replayed.
func TestClaimByMail(t *testing.T) {
	f := newAccountFixture(t)
	const addr = "juniper.hale@example.org"
	a := f.legacyWork("Bramble Gate", "Juniper Hale", "Juniper Hale <"+addr+">")
	b := f.legacyWork("Bramble Gate Again", "Juniper Hale", strings.ToUpper(addr))
	none := f.legacyWork("Bramble Without", "Juniper Hale", "")
	u := f.makeUser(uniqueName("Claimant"))
	me := f.loginAs(u)

	if resp := f.anon().get(workPath(a)); strings.Contains(resp.body, "Claim this work") {
		t.Errorf("an anonymous reader is offered the claim")
	}
	wantPage(t, "the work, logged in", me.get(workPath(a)), http.StatusOK,
		`href="`+workPath(a)+`/claim">Claim this work`, `href="`+workPath(a)+`/takedown">Request takedown`)
	if resp := me.get(workPath(f.multi) + "?view=full"); resp.status != http.StatusOK || !strings.Contains(resp.body, "Claim this work") {
		t.Errorf("the entire work of a claimable import: %d, claim link %v", resp.status, strings.Contains(resp.body, "Claim this work"))
	}
	if resp := me.get(workPath(f.hostile)); strings.Contains(resp.body, "Request takedown") {
		t.Errorf("a work that was not imported offers claim and takedown")
	}

	claimForm := me.get(workPath(a) + "/claim")
	wantPage(t, "the claim form", claimForm, http.StatusOK, "Juniper Hale", "A link will be sent to the address in the story's original header",
		"2 works have that name and address", "Bramble Gate Again", u.Name)
	noAddressIn(t, "the claim form", claimForm, addr)
	if strings.Contains(claimForm.body, "Bramble Without") {
		t.Errorf("the form lists a work without the address")
	}

	sent := me.post(workPath(a)+"/claim", form("pseud", "new", "scope", "address"))
	wantPage(t, "the claim sent", sent, http.StatusOK, "A link is on its way", "address in the story&#39;s original header")
	noAddressIn(t, "the claim sent", sent, addr)
	m := f.mailTo(addr)
	if !strings.Contains(m.Text, u.Name) || !strings.Contains(m.Text, "Bramble Gate") || !strings.Contains(m.Subject, "Claim") {
		t.Errorf("the claim mail:\n%s\n%s", m.Subject, m.Text)
	}
	linkPath := f.linkIn(m, "/claims/")

	// Nobody else may use it, nor see what it moves: not even an admin.
	for name, c := range map[string]*client{
		"another user": f.loginAs(f.makeUser(uniqueName("Stranger"))),
		"an admin":     f.loginAs(f.makeUser(uniqueName("Boss"), fanarchive.RoleAdmin)),
		"an archivist": f.loginAs(f.makeUser(uniqueName("Keeper"), fanarchive.RoleArchivist)),
	} {
		wantPage(t, name+" opening the link", c.get(linkPath), http.StatusForbidden, "This link is for another account")
		if resp := c.post(linkPath, nil); resp.status != http.StatusForbidden {
			t.Errorf("%s confirming: %d", name, resp.status)
		}
	}
	if resp := f.anon().get(linkPath); resp.status != http.StatusSeeOther || !strings.HasPrefix(resp.header.Get("Location"), "/login?next=") {
		t.Errorf("an anonymous visitor opening the link: %d %s", resp.status, resp.header.Get("Location"))
	}

	page := me.get(linkPath)
	wantPage(t, "the link's page", page, http.StatusOK, "Confirm your claim", "Bramble Gate", "Bramble Gate Again",
		"a new pseud of yours named", `action="`+linkPath+`"`)
	done := me.post(linkPath, nil)
	wantPage(t, "confirmed", done, http.StatusOK, "The works are yours", "2 works by Juniper Hale are now by your pseud Juniper Hale",
		`href="`+workPath(b)+`"`)

	authors, err := f.store.FindAuthorsByName(context.Background(), "Juniper Hale")
	if err != nil || len(authors) != 2 || authors[0].UserID != u.ID || authors[1].UserID != 0 {
		t.Fatalf("authors named Juniper Hale: %+v, %v", authors, err)
	}
	for _, w := range []*fanarchive.Work{a, b, none} {
		works, _, err := f.store.FindWorks(context.Background(), fanarchive.WorkFilter{AuthorID: authors[0].ID})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, x := range works {
			found = found || x.ID == w.ID
		}
		if found != (w != none) {
			t.Errorf("%q under the pseud: %v", w.Title, found)
		}
	}
	wantPage(t, "the pseud's page", f.anon().get("/authors/Juniper%20Hale"), http.StatusOK, "A pseud of", u.Name)

	// The link is spent.
	wantPage(t, "the link replayed", me.post(linkPath, nil), http.StatusNotFound, "This claim link is not valid any more")
	wantPage(t, "the link opened again", me.get(linkPath), http.StatusNotFound, "This claim link is not valid any more")

	// Archivists see the record, and never the address.
	rec := f.loginAs(f.makeUser(uniqueName("Recorder"), fanarchive.RoleArchivist)).get("/admin/claims")
	wantPage(t, "the claims record", rec, http.StatusOK, "confirmed", u.Name, "Juniper Hale", "by a link mailed to the header's address")
	noAddressIn(t, "the claims record", rec, addr)
}

// TestClaimOntoChosenPseud: the claimant picks one of their pseuds and only
// the work asked about.
func TestClaimOntoChosenPseud(t *testing.T) {
	f := newAccountFixture(t)
	const addr = "tansy@example.org"
	a := f.legacyWork("Tansy Field", "Tansy Orr", addr)
	b := f.legacyWork("Tansy Field Two", "Tansy Orr", addr)
	u := f.makeUser(uniqueName("Picker"))
	pen, err := f.store.CreatePseud(context.Background(), u.ID, uniqueName("Yarrow"))
	if err != nil {
		t.Fatal(err)
	}
	me := f.loginAs(u)
	wantPage(t, "the form", me.get(workPath(a)+"/claim"), http.StatusOK, "Your pseud "+pen.Name)
	me.post(workPath(a)+"/claim", form("pseud", fmt.Sprint(pen.ID), "scope", "work"))
	linkPath := f.linkIn(f.mailTo(addr), "/claims/")
	page := me.get(linkPath)
	wantPage(t, "the link's page", page, http.StatusOK, "your pseud", pen.Name, "Tansy Field")
	if strings.Contains(page.body, "Tansy Field Two") {
		t.Errorf("the page lists a work left out of the claim")
	}
	wantPage(t, "confirmed", me.post(linkPath, nil), http.StatusOK, "One work by Tansy Orr is now by your pseud "+pen.Name)
	for w, want := range map[*fanarchive.Work]string{a: pen.Name, b: "Tansy Orr"} {
		got, err := f.store.FindWorkByID(context.Background(), w.ID)
		if err != nil || len(got.Authors) != 1 || got.Authors[0].Name != want {
			t.Errorf("%q is by %+v (%v), want %s", w.Title, got.Authors, err, want)
		}
	}
	// Another's pseud is refused, and says so.
	other := f.makeUser(uniqueName("Other"))
	theirs, err := f.store.CreatePseud(context.Background(), other.ID, uniqueName("Not Mine"))
	if err != nil {
		t.Fatal(err)
	}
	wantPage(t, "another's pseud", me.post(workPath(b)+"/claim", form("pseud", fmt.Sprint(theirs.ID))), http.StatusBadRequest,
		"That pseud is not one of the claimant")
}

// TestClaimLinkBad: expired, malformed and unknown links get the same clear
// page, never a 500.
func TestClaimLinkBad(t *testing.T) {
	f := newAccountFixture(t)
	u := f.makeUser(uniqueName("Late"))
	me := f.loginAs(u)
	expired := "/claims/" + f.mailedClaim(u, f.freshLegacyWork(true), time.Now().Add(-time.Minute))
	unknown, _ := auth.NewToken()
	for _, path := range []string{expired, "/claims/" + unknown, "/claims/not-a-token", "/claims/%3Cscript%3E"} {
		wantPage(t, "GET "+path, me.get(path), http.StatusNotFound, "This claim link is not valid any more")
		wantPage(t, "POST "+path, me.post(path, nil), http.StatusNotFound, "This claim link is not valid any more")
	}
}

// TestClaimWithoutAddress: the claim goes to the archivists, who assign
// it; the note's markup stays text.
func TestClaimWithoutAddress(t *testing.T) {
	f := newAccountFixture(t)
	work := f.legacyWork("Quiet Lane", "Sorrel Dane", "Sorrel Dane")
	u := f.makeUser(uniqueName("Sorrel Fan"))
	me := f.loginAs(u)
	wantPage(t, "the form", me.get(workPath(work)+"/claim"), http.StatusOK, "names no address", "archivists' queue", "Ask the archivists")
	const note = `<script>alert("claim")</script><img src=x onerror=alert(1)>I wrote it in 1997.`
	wantPage(t, "asked", me.post(workPath(work)+"/claim", form("pseud", "new", "scope", "work", "note", note)), http.StatusOK,
		"Your claim is with the archivists")
	if mails := f.takeMail(); len(mails) != 0 {
		t.Errorf("a claim without an address mailed %+v", mails)
	}
	wantPage(t, "asked twice", me.post(workPath(work)+"/claim", form("scope", "work")), http.StatusConflict, "already")

	arch := f.loginAs(f.makeUser(uniqueName("Keeper"), fanarchive.RoleArchivist))
	nav := `<a href="/admin/claims">Claims</a>`
	if !strings.Contains(arch.get("/").body, nav) || strings.Contains(me.get("/").body, nav) {
		t.Errorf("the header's link to the claims queue is not the archivists' alone")
	}
	queue := arch.get("/admin/claims")
	wantPage(t, "the queue", queue, http.StatusOK, "Sorrel Dane", u.Name, "no address in the header", "&lt;script&gt;alert(&#34;claim&#34;)&lt;/script&gt;")
	if strings.Contains(queue.body, `<script>alert("claim")`) || strings.Contains(queue.body, "<img src=x") {
		t.Errorf("the note's markup reached the page")
	}
	claims, _, err := f.store.FindClaims(context.Background(), fanarchive.ClaimFilter{WorkID: work.ID})
	if err != nil || len(claims) != 1 {
		t.Fatalf("claims of the work: %+v, %v", claims, err)
	}
	if resp := arch.post(fmt.Sprintf("/admin/claims/%d/assign", claims[0].ID), form("scope", "work", "note", "Checked by letter.")); resp.status != http.StatusSeeOther {
		t.Fatalf("assign: %d\n%s", resp.status, mainText(resp.body))
	}
	got, err := f.store.FindWorkByID(context.Background(), work.ID)
	if err != nil || got.Authors[0].Name != "Sorrel Dane" {
		t.Fatalf("the work after assignment: %+v %v", got, err)
	}
	if authors, _ := f.store.FindAuthorsByName(context.Background(), "Sorrel Dane"); len(authors) != 1 || authors[0].UserID != u.ID {
		t.Errorf("Sorrel Dane after assignment: %+v", authors)
	}
	wantPage(t, "the record", arch.get("/admin/claims?done=assigned"), http.StatusOK, "The claim is settled", "assigned", "Checked by letter.")
	// Settled: no second decision.
	wantPage(t, "assigned again", arch.post(fmt.Sprintf("/admin/claims/%d/reject", claims[0].ID), nil), http.StatusConflict, "already")

	// By hand, unasked, onto a named pseud; a bad form says what is wrong.
	other := f.legacyWork("Lane Two", "Moss Carver", "")
	pen, err := f.store.CreatePseud(context.Background(), u.ID, uniqueName("Moss Pen"))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		fields []string
		want   string
	}{
		{[]string{"work", "nope", "user", u.Name, "scope", "work"}, "number of the work"},
		{[]string{"work", fmt.Sprint(other.ID), "user", "Nobody Here", "scope", "work"}, "No account is named"},
		{[]string{"work", fmt.Sprint(other.ID), "user", u.Name, "pseud", "Not A Pseud", "scope", "work"}, "has no pseud named"},
		{[]string{"work", fmt.Sprint(other.ID), "user", u.Name, "scope", "address"}, "names no address"},
		{[]string{"work", fmt.Sprint(other.ID), "user", u.Name, "scope", "some"}, "Choose which works move"},
	} {
		wantPage(t, fmt.Sprint(bad.fields), arch.post("/admin/claims/assign", form(bad.fields...)), http.StatusBadRequest, bad.want)
	}
	if resp := arch.post("/admin/claims/assign", form("work", fmt.Sprint(other.ID), "user", u.Name, "pseud", pen.Name, "scope", "all")); resp.status != http.StatusSeeOther {
		t.Fatalf("assign by hand: %d\n%s", resp.status, mainText(resp.body))
	}
	if got, _ := f.store.FindWorkByID(context.Background(), other.ID); got.Authors[0].Name != pen.Name {
		t.Errorf("assigned by hand: by %+v", got.Authors)
	}
	wantPage(t, "the work page for an archivist", arch.get(workPath(f.quiet)), http.StatusOK,
		fmt.Sprintf(`href="/admin/claims?work=%d#assign-work"`, f.quiet.ID))
}

// TestTakedowns: a request, its reason's markup inert, the queue, dismissal
// and take-down.
func TestTakedowns(t *testing.T) {
	f := newAccountFixture(t)
	keep, gone := f.freshLegacyWork(false), f.freshLegacyWork(false)
	u := f.makeUser(uniqueName("Asker"))
	me := f.loginAs(u)
	wantPage(t, "the form", me.get(workPath(keep)+"/takedown"), http.StatusOK, "Why should it be taken down?", keep.Title)
	wantPage(t, "no reason", me.post(workPath(keep)+"/takedown", form("reason", "  ")), http.StatusBadRequest, "Please say why")
	const reason = `<script>alert('td')</script><img src=x onerror=alert(2)> Please remove this.`
	wantPage(t, "asked", me.post(workPath(keep)+"/takedown", form("reason", reason)), http.StatusOK, "Your request is with the archivists")
	wantPage(t, "asked twice", me.post(workPath(keep)+"/takedown", form("reason", reason)), http.StatusConflict, "already")
	wantPage(t, "asked of no work", me.post("/works/999999/takedown", form("reason", "x")), http.StatusNotFound)
	me.post(workPath(gone)+"/takedown", form("reason", "It is mine; take it down."))

	if resp := me.get("/admin/takedowns"); resp.status != http.StatusForbidden {
		t.Errorf("a user opening the queue: %d", resp.status)
	}
	arch := f.loginAs(f.makeUser(uniqueName("Keeper"), fanarchive.RoleArchivist))
	queue := arch.get("/admin/takedowns")
	wantPage(t, "the queue", queue, http.StatusOK, keep.Title, gone.Title, u.Name, "&lt;script&gt;alert(&#39;td&#39;)&lt;/script&gt;")
	if strings.Contains(queue.body, "<script>alert('td')") || strings.Contains(queue.body, "<img src=x") {
		t.Errorf("the reason's markup reached the page")
	}
	list, _, err := f.store.FindTakedowns(context.Background(), fanarchive.TakedownFilter{State: fanarchive.TakedownPending})
	if err != nil || len(list) != 2 || list[0].WorkID != keep.ID {
		t.Fatalf("pending: %+v, %v", list, err)
	}
	if resp := arch.post(fmt.Sprintf("/admin/takedowns/%d/dismiss", list[0].ID), form("note", "It may stay.")); resp.status != http.StatusSeeOther {
		t.Fatalf("dismiss: %d", resp.status)
	}
	if resp := arch.post(fmt.Sprintf("/admin/takedowns/%d/takedown", list[1].ID), nil); resp.status != http.StatusSeeOther {
		t.Fatalf("take down: %d", resp.status)
	}
	wantPage(t, "the kept work", f.anon().get(workPath(keep)), http.StatusOK)
	wantPage(t, "the work taken down", f.anon().get(workPath(gone)), http.StatusNotFound)
	wantPage(t, "the record", arch.get("/admin/takedowns?done=taken-down"), http.StatusOK, "The work is taken down", "dismissed",
		"taken-down", "It may stay.")
	wantPage(t, "decided again", arch.post(fmt.Sprintf("/admin/takedowns/%d/takedown", list[0].ID), nil), http.StatusConflict)
}

// TestClaimCrossOrigin: the claim, the link and the archivists' forms
// refuse a POST from another site, or without the session's token, and
// nothing happens.
func TestClaimCrossOrigin(t *testing.T) {
	f := newAccountFixture(t)
	u := f.makeUser(uniqueName("Target"))
	me := f.loginAs(u)
	work := f.freshLegacyWork(true)
	link := "/claims/" + f.mailedClaim(u, f.freshLegacyWork(true), time.Now().Add(time.Hour))
	for _, path := range []string{workPath(work) + "/claim", link, workPath(work) + "/takedown"} {
		forged := form("csrf", me.csrf(), "scope", "address", "reason", "forged")
		if resp := me.postWith(path, forged, map[string]string{"Sec-Fetch-Site": "cross-site"}); resp.status != http.StatusForbidden {
			t.Errorf("cross-site POST %s: %d", path, resp.status)
		}
		if resp := me.postWith(path, form("scope", "address", "reason", "forged"), map[string]string{"Sec-Fetch-Site": "same-origin"}); resp.status != http.StatusForbidden {
			t.Errorf("POST %s without the token: %d", path, resp.status)
		}
	}
	if claims, _, _ := f.store.FindClaims(context.Background(), fanarchive.ClaimFilter{UserID: u.ID}); len(claims) != 1 || claims[0].State != fanarchive.ClaimPending {
		t.Errorf("claims after forged requests: %+v", claims)
	}
	if tds, _, _ := f.store.FindTakedowns(context.Background(), fanarchive.TakedownFilter{}); len(tds) != 0 {
		t.Errorf("takedowns after forged requests: %+v", tds)
	}
	if mails := f.takeMail(); len(mails) != 0 {
		t.Errorf("forged requests mailed %d", len(mails))
	}
}

// TestClaimRateLimit: claims and takedown requests share one limit per
// account, so an account cannot mail header addresses, or fill the queue,
// without end.
func TestClaimRateLimit(t *testing.T) {
	limits := generous
	limits.Claims = web.Limit{N: 2, Per: time.Hour}
	opts := accountOptions()
	opts.Limits = &limits
	f := newFixture(t, opts)
	me := f.loginAs(f.makeUser(uniqueName("Eager")))
	for i, want := range []int{http.StatusOK, http.StatusOK, http.StatusTooManyRequests} {
		path := workPath(f.freshLegacyWork(true)) + "/claim"
		if i == 1 {
			path = workPath(f.freshLegacyWork(false)) + "/takedown"
		}
		if resp := me.post(path, form("scope", "address", "reason", "Mine.")); resp.status != want {
			t.Errorf("request %d (%s): %d, want %d", i+1, path, resp.status, want)
		}
	}
	if mails := f.takeMail(); len(mails) != 1 {
		t.Errorf("%d claim mails sent, want 1", len(mails))
	}
}
