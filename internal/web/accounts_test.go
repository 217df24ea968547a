package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/auth"
)

// TestSignUpConfirmLogIn goes through an account's start over HTTP: sign
// up, the mailed link, confirming, logging in (not before confirming), the
// header and cache headers of a logged-in visitor, and logging out.
func TestSignUpConfirmLogIn(t *testing.T) {
	f := newAccountFixture(t)
	c := f.anon()
	resp := c.post("/signup", form("name", "Juniper Lake", "email", "juniper@example.net", "password", "tall pines", "password2", "tall pines"))
	if resp.status != http.StatusOK || !strings.Contains(resp.body, "We have sent a link to juniper@example.net") {
		t.Fatalf("sign up: %d\n%s", resp.status, mainText(resp.body))
	}
	m := f.mailTo("juniper@example.net")
	if !strings.Contains(m.Subject, "Confirm your address") || !strings.Contains(m.Text, "Hello Juniper Lake") {
		t.Errorf("confirmation mail: %+v", m)
	}
	link := f.linkIn(m, "/confirm/")

	// Not before confirming; the right password is told why.
	resp = c.post("/login", form("login", "juniper lake", "password", "tall pines"))
	if resp.status != http.StatusBadRequest || !strings.Contains(resp.body, "Please confirm your address first") || c.session != "" {
		t.Errorf("log in before confirming: %d, session %q\n%s", resp.status, c.session, mainText(resp.body))
	}

	resp = c.get(link)
	if resp.status != http.StatusOK || !strings.Contains(resp.body, `<form method="post" action="`+link+`">`) {
		t.Fatalf("confirmation link: %d\n%s", resp.status, mainText(resp.body))
	}
	resp = c.post(link, nil)
	if resp.status != http.StatusOK || !strings.Contains(resp.body, "Your address is confirmed") {
		t.Fatalf("confirm: %d\n%s", resp.status, mainText(resp.body))
	}

	resp = c.post("/login", form("login", "JUNIPER@example.net", "password", "tall pines", "next", "/fandoms"))
	if resp.status != http.StatusSeeOther || resp.header.Get("Location") != "/fandoms" || c.session == "" {
		t.Fatalf("log in: %d to %q, session %q\n%s", resp.status, resp.header.Get("Location"), c.session, mainText(resp.body))
	}
	ck, _ := http.ParseSetCookie(resp.header.Get("Set-Cookie"))
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.MaxAge != 0 || ck.Path != "/" {
		t.Errorf("session cookie without remember me: %+v", ck)
	}
	home := c.get("/")
	if !strings.Contains(home.body, `Logged in as <a class="viewer-name" href="/users/Juniper%20Lake">Juniper Lake</a>`) ||
		!strings.Contains(home.body, `<form class="logout" method="post" action="/logout">`) || strings.Contains(home.body, `href="/signup"`) {
		t.Errorf("the header does not show the logged-in user:\n%s", home.body[:min(len(home.body), 2000)])
	}
	if cc := home.header.Get("Cache-Control"); cc != "private" {
		t.Errorf("a logged-in page's Cache-Control = %q, want private", cc)
	}
	if v := home.header.Values("Vary"); !strings.Contains(strings.Join(v, ","), "Cookie") {
		t.Errorf("Vary = %v", v)
	}
	if cc := c.get("/account").header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the account page's Cache-Control = %q, want no-store", cc)
	}
	if cc := f.anon().get("/").header.Get("Cache-Control"); cc == "private" {
		t.Error("an anonymous page is private")
	}

	old := c.session
	resp = c.post("/logout", nil)
	if resp.status != http.StatusSeeOther || c.session != "" {
		t.Fatalf("log out: %d, session %q", resp.status, c.session)
	}
	// The old cookie opens nothing: the session is gone from the store.
	if _, _, err := f.store.FindSession(context.Background(), fanarchive.SessionID(auth.TokenID(old))); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		t.Errorf("the session outlived log-out: %v", err)
	}
	replay := &client{f: f, session: old}
	if body := replay.get("/").body; strings.Contains(body, "Logged in as") {
		t.Error("a logged-out cookie still logs in")
	}
	if resp := replay.get("/account"); resp.status != http.StatusSeeOther || !strings.HasPrefix(resp.header.Get("Location"), "/login?next=") {
		t.Errorf("account page after log-out: %d %q", resp.status, resp.header.Get("Location"))
	}
}

// TestRememberMe: the cookie lasts 30 days with "remember me"; with Secure
// cookies it is Secure and named __Host-session.
func TestRememberMe(t *testing.T) {
	opts := accountOptions()
	opts.SecureCookies = true
	f := newFixture(t, opts)
	u := f.makeUser("Remy Rook")
	resp := f.anon().post("/login", form("login", u.Name, "password", passwordOf(u.Name), "remember", "1"))
	ck, err := http.ParseSetCookie(resp.header.Get("Set-Cookie"))
	if err != nil || resp.status != http.StatusSeeOther {
		t.Fatalf("log in: %d %v", resp.status, err)
	}
	if ck.Name != "__Host-session" || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.MaxAge != 30*24*3600 {
		t.Errorf("remembered session cookie: %+v", ck)
	}
	sess, _, err := f.store.FindSession(context.Background(), fanarchive.SessionID(auth.TokenID(ck.Value)))
	if err != nil || !sess.Remember || sess.Idle != 30*24*time.Hour {
		t.Errorf("remembered session: %+v, %v", sess, err)
	}
}

// TestLogInSaysNothingOfAccounts: an unknown name, an unknown address and
// a wrong password get the same page, and each costs a full argon2id hash
// (the unknown ones against a dummy), so timing does not tell them apart.
func TestLogInSaysNothingOfAccounts(t *testing.T) {
	opts := accountOptions()
	opts.Hasher = auth.NewHasher(auth.DefaultParams, 0)
	f := newFixture(t, opts)
	f.makeUserWith(opts.Hasher, "Known Person")
	var pages []string
	for _, login := range []string{"Known Person", "known.person@example.net", "Unknown Person", "nobody@example.net", ""} {
		start := time.Now()
		resp := f.anon().post("/login", form("login", login, "password", "wrong password"))
		took := time.Since(start)
		if resp.status != http.StatusBadRequest || !strings.Contains(resp.body, "That user name or address and password do not match an account.") {
			t.Errorf("login %q: %d\n%s", login, resp.status, mainText(resp.body))
		}
		// argon2id with 19 MiB and two passes takes well over 5 ms anywhere.
		if took < 5*time.Millisecond {
			t.Errorf("login %q answered in %v: no password was hashed", login, took)
		}
		page := strings.ReplaceAll(mainText(resp.body), `value="`+login+`"`, `value=""`)
		pages = append(pages, page)
	}
	for i, p := range pages[1:] {
		if p != pages[0] {
			t.Errorf("the page for login %d differs from the first:\n%s\n---\n%s", i+1, p, pages[0])
		}
	}
}

// TestPasswordReset: the request always says the same; the mailed link sets
// a new password once, ends every session, and the new password works.
func TestPasswordReset(t *testing.T) {
	f := newAccountFixture(t)
	u := f.makeUser("Forgetful Fern")
	other := f.loginAs(u)
	for _, email := range []string{u.Email, "nobody@example.net"} {
		resp := f.anon().post("/reset", form("email", email))
		if resp.status != http.StatusOK || !strings.Contains(resp.body, "If an account has the address "+email+", a link") {
			t.Errorf("reset request for %s: %d\n%s", email, resp.status, mainText(resp.body))
		}
	}
	mails := f.takeMail()
	if len(mails) != 1 || mails[0].To != u.Email {
		t.Fatalf("reset mails: %+v", mails)
	}
	link := f.linkIn(mails[0], "/reset/")
	c := f.anon()
	if resp := c.get(link); resp.status != http.StatusOK || !strings.Contains(resp.body, "Choose a new password") {
		t.Fatalf("reset link: %d", resp.status)
	}
	if resp := c.post(link, form("password", "short", "password2", "short")); resp.status != http.StatusBadRequest {
		t.Errorf("a short password: %d", resp.status)
	}
	if resp := c.post(link, form("password", "a fresh start", "password2", "a fresh start")); resp.status != http.StatusOK ||
		!strings.Contains(resp.body, "Your new password is set") {
		t.Fatalf("reset: %d\n%s", resp.status, mainText(resp.body))
	}
	if body := other.get("/").body; strings.Contains(body, "Logged in as") {
		t.Error("a session from before the reset still works")
	}
	// Used: the link is now like any bad one.
	if resp := c.post(link, form("password", "again again", "password2", "again again")); resp.status != http.StatusNotFound ||
		!strings.Contains(resp.body, "This link is not valid or has expired") {
		t.Errorf("replayed reset link: %d", resp.status)
	}
	if resp := c.post("/login", form("login", u.Name, "password", passwordOf(u.Name))); resp.status != http.StatusBadRequest {
		t.Errorf("the old password still works: %d", resp.status)
	}
	if resp := c.post("/login", form("login", u.Name, "password", "a fresh start")); resp.status != http.StatusSeeOther {
		t.Errorf("the new password does not work: %d", resp.status)
	}
}

// TestBadLinks: a forged, malformed, used or expired confirmation or reset
// link gets the same page.
func TestBadLinks(t *testing.T) {
	f := newAccountFixture(t)
	u := f.makeUser("Linus Link")
	ctx := context.Background()
	expired, id := auth.NewToken()
	if err := f.store.CreateToken(ctx, &fanarchive.Token{ID: id, Purpose: fanarchive.TokenResetPassword, UserID: u.ID, Email: u.Email,
		ExpiresAt: time.Now().Add(-time.Second)}, nil); err != nil {
		t.Fatal(err)
	}
	used, id2 := auth.NewToken()
	if err := f.store.CreateToken(ctx, &fanarchive.Token{ID: id2, Purpose: fanarchive.TokenConfirmEmail, UserID: u.ID, Email: u.Email,
		ExpiresAt: time.Now().Add(time.Hour)}, nil); err != nil {
		t.Fatal(err)
	}
	if resp := f.anon().post("/confirm/"+used, nil); resp.status != http.StatusOK {
		t.Fatalf("first use: %d", resp.status)
	}
	forged, _ := auth.NewToken()
	var first string
	for _, path := range []string{"/reset/" + expired, "/confirm/" + used, "/confirm/" + forged, "/reset/" + forged, "/reset/short",
		"/confirm/" + expired, "/reset/" + used} {
		for _, method := range []string{"GET", "POST"} {
			var resp response
			if method == "GET" {
				resp = f.anon().get(path)
			} else {
				resp = f.anon().post(path, form("password", "long enough now", "password2", "long enough now"))
			}
			if resp.status != http.StatusNotFound || !strings.Contains(resp.body, "This link is not valid or has expired") {
				t.Errorf("%s %s: %d\n%s", method, path, resp.status, mainText(resp.body))
			}
			if first == "" {
				first = mainText(resp.body)
			} else if mainText(resp.body) != first {
				t.Errorf("%s %s: a different page from other bad links", method, path)
			}
		}
	}
}

// TestSessionsEnd: a password change ends the other sessions, not this
// one; a disabled account's sessions stop working; a deleted account's too.
func TestSessionsEnd(t *testing.T) {
	f := newAccountFixture(t)
	u := f.makeUser("Sessile Sam")
	a, b := f.loginAs(u), f.loginAs(u)
	resp := a.post("/account/password", form("current", passwordOf(u.Name), "password", "brand new words", "password2", "brand new words"))
	if resp.status != http.StatusSeeOther {
		t.Fatalf("change password: %d\n%s", resp.status, mainText(resp.body))
	}
	if !strings.Contains(a.get("/account?done=password").body, "Your password is changed") {
		t.Error("the changing session ended")
	}
	if strings.Contains(b.get("/").body, "Logged in as") {
		t.Error("another session survived the password change")
	}
	if m := f.mailTo(u.Email); !strings.Contains(m.Subject, "password") {
		t.Errorf("no notice of the change: %+v", m)
	}
	if resp := a.post("/account/password", form("current", "wrong", "password", "brand new words", "password2", "brand new words")); resp.status != http.StatusBadRequest ||
		!strings.Contains(resp.body, "Your current password is not that.") {
		t.Errorf("wrong current password: %d", resp.status)
	}

	v := f.makeUser("Disabled Dora")
	c := f.loginAs(v)
	if err := f.store.SetUserDisabled(context.Background(), v.ID, true); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(c.get("/").body, "Logged in as") {
		t.Error("a disabled account's session works")
	}
	if resp := f.anon().post("/login", form("login", v.Name, "password", passwordOf(v.Name))); !strings.Contains(resp.body, "This account is disabled") {
		t.Errorf("log in to a disabled account: %d", resp.status)
	}
}

// TestChangeEmail: the address changes only when the link mailed to the new
// one is followed; the old one is told.
func TestChangeEmail(t *testing.T) {
	f := newAccountFixture(t)
	u := f.makeUser("Mover Max")
	c := f.loginAs(u)
	f.makeUser("Taken Tess")
	if resp := c.post("/account/email", form("email", "taken.tess@example.net", "current", passwordOf(u.Name))); resp.status != http.StatusConflict {
		t.Errorf("a taken address: %d", resp.status)
	}
	if resp := c.post("/account/email", form("email", "max@new.example", "current", passwordOf(u.Name))); resp.status != http.StatusSeeOther {
		t.Fatalf("change address: %d\n%s", resp.status, mainText(resp.body))
	}
	mails := f.takeMail()
	if len(mails) != 2 {
		t.Fatalf("mails: %+v", mails)
	}
	var link string
	for _, m := range mails {
		switch m.To {
		case "max@new.example":
			link = f.linkIn(m, "/confirm/")
		case u.Email:
			if !strings.Contains(m.Text, "max@new.example") {
				t.Errorf("the old address's notice: %s", m.Text)
			}
		}
	}
	if !strings.Contains(c.get("/account").body, "changing to max@new.example") {
		t.Error("the account page does not show the pending address")
	}
	if resp := c.post(link, nil); resp.status != http.StatusOK {
		t.Fatalf("confirm new address: %d", resp.status)
	}
	got, _ := f.store.FindUserByID(context.Background(), u.ID)
	if got.Email != "max@new.example" || got.PendingEmail != "" {
		t.Errorf("after confirming: %+v", got)
	}
}

// TestPseudsAndPages: pseuds are added, renamed and deleted from the
// account page; an author page of a pseud says whose it is, and the user's
// page lists the pseuds.
func TestPseudsAndPages(t *testing.T) {
	f := newAccountFixture(t)
	u := f.makeUser("Penelope Quill")
	c := f.loginAs(u)
	if resp := c.post("/account/pseuds", form("name", "Inkblot")); resp.status != http.StatusSeeOther {
		t.Fatalf("add pseud: %d\n%s", resp.status, mainText(resp.body))
	}
	for name, want := range map[string]int{"inkblot": http.StatusConflict, "Maple Stone": http.StatusConflict, "x": http.StatusBadRequest,
		"<script>": http.StatusBadRequest} {
		if resp := c.post("/account/pseuds", form("name", name)); resp.status != want {
			t.Errorf("add pseud %q: %d, want %d", name, resp.status, want)
		}
	}
	if resp := c.post("/account/pseuds", form("name", "maple stone")); !strings.Contains(resp.body, "kept for whoever claims those works") {
		t.Errorf("a legacy author's name: %s", mainText(resp.body))
	}
	// The importer links bylines by name to legacy authors only; a pseud
	// is named by its ID.
	inkblot, err := f.store.FindAuthorByName(context.Background(), "Inkblot")
	if err != nil {
		t.Fatal(err)
	}
	f.create(context.Background(), &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "Blotted Pages",
		Authors: []fanarchive.Author{*inkblot}, Rating: fanarchive.RatingGeneral,
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>Ink everywhere.</p>"}}})
	page := f.anon().get("/authors/Inkblot")
	if page.status != http.StatusOK || !strings.Contains(page.body, `A pseud of <a href="/users/Penelope%20Quill">Penelope Quill</a>`) ||
		!strings.Contains(page.body, "Blotted Pages") {
		t.Errorf("pseud page: %d\n%s", page.status, mainText(page.body))
	}
	if legacy := f.anon().get("/authors/Maple%20Stone"); strings.Contains(legacy.body, "A pseud of") {
		t.Error("a legacy author's page says it is a pseud")
	}
	userPage := f.anon().get("/users/penelope%20quill")
	if userPage.status != http.StatusOK || !strings.Contains(userPage.body, `<a href="/authors/Inkblot">Inkblot</a> (1 work)`) ||
		!strings.Contains(userPage.body, `<a href="/authors/Penelope%20Quill">Penelope Quill</a> (0 works) — default`) {
		t.Errorf("user page: %d\n%s", userPage.status, mainText(userPage.body))
	}
	if resp := f.anon().get("/users/Nobody%20Here"); resp.status != http.StatusNotFound {
		t.Errorf("unknown user page: %d", resp.status)
	}
	pseuds, _ := f.store.FindPseuds(context.Background(), u.ID)
	if resp := c.post("/account/pseuds/"+itoa(pseuds[1].ID)+"/rename", form("name", "Blotter")); resp.status != http.StatusSeeOther {
		t.Errorf("rename: %d", resp.status)
	}
	if !strings.Contains(f.anon().get("/authors/Blotter").body, "Blotted Pages") {
		t.Error("the renamed pseud does not list its work")
	}
	if resp := c.post("/account/pseuds/"+itoa(pseuds[0].ID)+"/rename", form("name", "New Default")); resp.status != http.StatusBadRequest {
		t.Errorf("renaming the default pseud: %d", resp.status)
	}
	if resp := c.post("/account/pseuds/999999/delete", nil); resp.status != http.StatusNotFound {
		t.Errorf("deleting a pseud that does not exist: %d", resp.status)
	}
	if resp := c.post("/account/pseuds/"+itoa(pseuds[1].ID)+"/delete", nil); resp.status != http.StatusSeeOther {
		t.Errorf("delete: %d", resp.status)
	}
	if !strings.Contains(f.anon().get("/authors/Penelope%20Quill").body, "Blotted Pages") {
		t.Error("the deleted pseud's work is not under the default pseud")
	}
}

// TestDeleteAccount: with the password, works orphaned; the session ends.
func TestDeleteAccount(t *testing.T) {
	f := newAccountFixture(t)
	u := f.makeUser("Leaving Lou")
	lou, err := f.store.FindAuthorByName(context.Background(), u.Name) // the default pseud, by its ID
	if err != nil {
		t.Fatal(err)
	}
	f.create(context.Background(), &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "Left Behind",
		Authors: []fanarchive.Author{*lou}, Rating: fanarchive.RatingGeneral,
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>Goodbye.</p>"}}})
	c := f.loginAs(u)
	if resp := c.post("/account/delete", form("current", passwordOf(u.Name))); resp.status != http.StatusBadRequest {
		t.Errorf("without a choice for the works: %d", resp.status)
	}
	if resp := c.post("/account/delete", form("current", "wrong", "works", "orphan")); resp.status != http.StatusBadRequest {
		t.Errorf("with a wrong password: %d", resp.status)
	}
	resp := c.post("/account/delete", form("current", passwordOf(u.Name), "works", "orphan"))
	if resp.status != http.StatusOK || !strings.Contains(resp.body, "orphan_account") || strings.Contains(resp.body, "Logged in as") {
		t.Fatalf("delete: %d\n%s", resp.status, mainText(resp.body))
	}
	if !strings.Contains(f.anon().get("/authors/orphan_account").body, "Left Behind") {
		t.Error("the work is not orphaned")
	}
	if resp := f.anon().post("/login", form("login", u.Name, "password", passwordOf(u.Name))); resp.status != http.StatusBadRequest {
		t.Errorf("log in to a deleted account: %d", resp.status)
	}
}

// TestAdminUsers: the users page is for admins; roles are granted and
// revoked there, accounts disabled; an admin cannot lock themself out.
func TestAdminUsers(t *testing.T) {
	f := newAccountFixture(t)
	boss := f.makeUser("Boss Admin", fanarchive.RoleAdmin)
	u := f.makeUser("Plain Pat")
	if resp := f.anon().get("/admin/users"); resp.status != http.StatusSeeOther || resp.header.Get("Location") != "/login?next=%2Fadmin%2Fusers" {
		t.Errorf("anonymous: %d %q", resp.status, resp.header.Get("Location"))
	}
	if resp := f.loginAs(u).get("/admin/users"); resp.status != http.StatusForbidden {
		t.Errorf("non-admin: %d", resp.status)
	}
	c := f.loginAs(boss)
	page := c.get("/admin/users")
	if page.status != http.StatusOK || !strings.Contains(page.body, "Plain Pat") || !strings.Contains(page.body, "grant archivist") ||
		page.header.Get("Cache-Control") != "no-store" || !strings.Contains(page.body, `<a href="/admin/users">Users</a>`) {
		t.Fatalf("admin page: %d\n%s", page.status, mainText(page.body))
	}
	if resp := c.post("/admin/users/"+itoa(u.ID)+"/roles", form("role", "archivist", "grant", "1")); resp.status != http.StatusSeeOther {
		t.Errorf("grant: %d", resp.status)
	}
	if got, _ := f.store.FindUserByID(context.Background(), u.ID); !got.HasRole(fanarchive.RoleArchivist) {
		t.Error("the role was not granted")
	}
	if resp := c.post("/admin/users/"+itoa(u.ID)+"/roles", form("role", "emperor", "grant", "1")); resp.status != http.StatusBadRequest {
		t.Errorf("an unknown role: %d", resp.status)
	}
	if resp := c.post("/admin/users/"+itoa(boss.ID)+"/roles", form("role", "admin", "grant", "0")); resp.status != http.StatusBadRequest {
		t.Errorf("revoking one's own admin role: %d", resp.status)
	}
	if resp := c.post("/admin/users/"+itoa(boss.ID)+"/disable", form("disabled", "1")); resp.status != http.StatusBadRequest {
		t.Errorf("disabling oneself: %d", resp.status)
	}
	if resp := c.post("/admin/users/999999/disable", form("disabled", "1")); resp.status != http.StatusNotFound {
		t.Errorf("disabling nobody: %d", resp.status)
	}
	if resp := c.post("/admin/users/"+itoa(u.ID)+"/disable", form("disabled", "1")); resp.status != http.StatusSeeOther {
		t.Errorf("disable: %d", resp.status)
	}
	if !strings.Contains(c.get("/admin/users").body, "disabled <input") {
		t.Error("the page does not show the account disabled")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
