package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"fanarchive"
)

// RunAccounts runs the accounts suite: users, roles, pseuds, sessions,
// mailed tokens, rate limits, secrets and purging (docs/accounts.md).
// Subtests run in parallel, each on its own store with its own clock.
func RunAccounts(t *testing.T, open ClockOpener) {
	t.Helper()
	suites := []struct {
		name string
		fn   func(t *testing.T, s fanarchive.Store, c *clock)
	}{
		{"CreateAndFind", testUserCreateFind},
		{"NameConflicts", testUserNameConflicts},
		{"Invalid", testUserInvalid},
		{"ConfirmEmail", testUserConfirm},
		{"ResetPassword", testUserReset},
		{"ChangeEmail", testUserChangeEmail},
		{"SetPassword", testUserSetPassword},
		{"RolesAndDisable", testUserRoles},
		{"List", testUserList},
		{"Sessions", testSessions},
		{"Pseuds", testPseuds},
		{"DeleteOrphan", testDeleteUserOrphan},
		{"DeleteWorks", testDeleteUserWorks},
		{"RateLimit", testRateLimit},
		{"Secret", testSecret},
		{"Purge", testAccountPurge},
	}
	for _, st := range suites {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			c := &clock{}
			c.set(time.Date(2026, time.May, 4, 10, 0, 0, 0, time.UTC))
			s := open(t, c.now)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			st.fn(t, s, c)
		})
	}
}

// tokenID is a token ID for a made-up secret.
func tokenID(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// newUser creates a confirmed account or fails the test.
func newUser(t *testing.T, s fanarchive.Store, name string, roles ...fanarchive.Role) *fanarchive.User {
	t.Helper()
	u := &fanarchive.User{Name: name, Email: strings.ReplaceAll(strings.ToLower(name), " ", ".") + "@example.net",
		EmailConfirmed: true, PasswordHash: "$argon2id$hash-of-" + name, Roles: roles}
	if err := s.CreateUser(context.Background(), u, nil, nil); err != nil {
		t.Fatalf("CreateUser(%q): %v", name, err)
	}
	return u
}

// accountMail is a small mail to to.
func accountMail(kind, to string) *fanarchive.OutboundMail {
	return &fanarchive.OutboundMail{Kind: kind, From: "archive@example.org", To: to,
		Body: &fanarchive.MailBody{Raw: rawMail(kind)}}
}

func testUserCreateFind(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	u := &fanarchive.User{Name: "Kim Lee", Email: " Kim.Lee@Example.net ", PasswordHash: "$argon2id$x",
		Roles: []fanarchive.Role{fanarchive.RoleWrangler, fanarchive.RoleAdmin}}
	tok := &fanarchive.Token{ID: tokenID("confirm-kim"), Purpose: fanarchive.TokenConfirmEmail, Email: "Kim.Lee@Example.net",
		ExpiresAt: c.now().Add(fanarchive.ConfirmTokenLife)}
	must(t, s.CreateUser(ctx, u, tok, []*fanarchive.OutboundMail{accountMail("confirm-email", "Kim.Lee@Example.net")}))
	if u.ID == 0 || tok.UserID != u.ID || !u.CreatedAt.Equal(c.now()) || u.Email != "Kim.Lee@Example.net" {
		t.Fatalf("after CreateUser: %+v, token user %d", u, tok.UserID)
	}
	if n, _ := s.CountMail(ctx); n.Queued != 1 {
		t.Errorf("%d mails queued with the account, want 1", n.Queued)
	}
	for _, name := range []string{"Kim Lee", "kim lee", "KIM_LEE", "Kim.Lee", "Ｋｉｍ Ｌｅｅ", "kim - lee"} {
		got, err := s.FindUserByName(ctx, name)
		if err != nil || got.ID != u.ID {
			t.Errorf("FindUserByName(%q) = %v, %v", name, got, err)
		}
	}
	for _, login := range []string{"kim lee", "kim.lee@example.net", "KIM.LEE@EXAMPLE.NET"} {
		got, err := s.FindUserByLogin(ctx, login)
		if err != nil || got.ID != u.ID {
			t.Errorf("FindUserByLogin(%q) = %v, %v", login, got, err)
		}
	}
	got, err := s.FindUserByID(ctx, u.ID)
	must(t, err)
	if got.Name != "Kim Lee" || got.EmailConfirmed || got.PasswordHash != "$argon2id$x" || got.Disabled ||
		fmt.Sprint(got.Roles) != "[admin wrangler]" || !got.CreatedAt.Equal(c.now()) {
		t.Errorf("FindUserByID = %+v", got)
	}
	for _, f := range []func() error{
		func() error { _, err := s.FindUserByID(ctx, u.ID+100); return err },
		func() error { _, err := s.FindUserByName(ctx, "nobody"); return err },
		func() error { _, err := s.FindUserByLogin(ctx, "nobody@example.net"); return err },
	} {
		wantCode(t, f(), fanarchive.ENOTFOUND)
	}
	pseuds, err := s.FindPseuds(ctx, u.ID)
	must(t, err)
	if len(pseuds) != 1 || pseuds[0].Name != "Kim Lee" || !pseuds[0].Default || pseuds[0].UserID != u.ID {
		t.Errorf("pseuds of a new user: %+v", pseuds)
	}
	a, err := s.FindAuthorByName(ctx, "Kim Lee")
	must(t, err)
	if a.UserID != u.ID {
		t.Errorf("the default pseud's author has UserID %d, want %d", a.UserID, u.ID)
	}
}

func testUserNameConflicts(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	newUser(t, s, "Michelle")
	create(t, s, func() *fanarchive.Work {
		w := newWork("legacy")
		w.Authors = []fanarchive.Author{{Name: "Maple Stone"}}
		return w
	}())
	for _, name := range []string{"michelle", "MICHELLE", "Ｍｉｃｈｅｌｌｅ", "Michelle_", "michelle.", "maple stone", "Maple-Stone", "ＭＡＰＬＥ ＳＴＯＮＥ"} {
		u := &fanarchive.User{Name: name, Email: "x" + fmt.Sprint(len(name)) + "@example.net", PasswordHash: "h"}
		err := s.CreateUser(ctx, u, nil, []*fanarchive.OutboundMail{accountMail("confirm-email", u.Email)})
		wantCode(t, err, fanarchive.ECONFLICT)
		if u.ID != 0 {
			t.Errorf("a refused account has ID %d", u.ID)
		}
	}
	if msg := fanarchive.ErrorMessage(s.CreateUser(ctx, &fanarchive.User{Name: "maple stone", Email: "m@example.net", PasswordHash: "h"}, nil, nil)); !strings.Contains(msg, "claims") {
		t.Errorf("a legacy author's name is refused with %q; it should say the name is kept for a claim", msg)
	}
	// Ligatures: "ﬁ" is "fi".
	newUser(t, s, "ﬁona")
	wantCode(t, s.CreateUser(ctx, &fanarchive.User{Name: "Fiona", Email: "fiona2@example.net", PasswordHash: "h"}, nil, nil), fanarchive.ECONFLICT)
	// The same address in another case.
	wantCode(t, s.CreateUser(ctx, &fanarchive.User{Name: "Another", Email: "MICHELLE@example.net", PasswordHash: "h"}, nil, nil), fanarchive.ECONFLICT)
	// Nothing of the refused accounts was stored, their mail included.
	if n, _ := s.CountMail(ctx); n.Queued != 0 {
		t.Errorf("%d mails of refused accounts queued", n.Queued)
	}
	if users, total, err := s.FindUsers(ctx, 0, 0); err != nil || total != 2 || len(users) != 2 {
		t.Errorf("FindUsers = %d users, total %d, %v; want 2", len(users), total, err)
	}
	// A pseud may not take a user's name either, nor a user a pseud's.
	other := newUser(t, s, "Other One")
	_, err := s.CreatePseud(ctx, other.ID, "MICHELLE")
	wantCode(t, err, fanarchive.ECONFLICT)
	_, err = s.CreatePseud(ctx, other.ID, "Quill")
	must(t, err)
	wantCode(t, s.CreateUser(ctx, &fanarchive.User{Name: "quill", Email: "quill@example.net", PasswordHash: "h"}, nil, nil), fanarchive.ECONFLICT)
	_, err = s.CreatePseud(ctx, other.ID, "orphan_account")
	wantCode(t, err, fanarchive.EINVALID)
}

func testUserInvalid(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	for _, u := range []*fanarchive.User{
		{Name: "", Email: "a@example.net", PasswordHash: "h"},
		{Name: "ab", Email: "a@example.net", PasswordHash: "h"},
		{Name: strings.Repeat("a", 41), Email: "a@example.net", PasswordHash: "h"},
		{Name: "<img src=x onerror=alert(1)>", Email: "a@example.net", PasswordHash: "h"},
		{Name: "_leading", Email: "a@example.net", PasswordHash: "h"},
		{Name: "trailing ", Email: "a@example.net", PasswordHash: "h"},
		{Name: "Orphan Account", Email: "a@example.net", PasswordHash: "h"},
		{Name: "bad\x00name", Email: "a@example.net", PasswordHash: "h"},
		{Name: "Good Name", Email: "not an address", PasswordHash: "h"},
		{Name: "Good Name", Email: "Kim <kim@example.net>", PasswordHash: "h"},
		{Name: "Good Name", Email: "kim@example.net\r\nBcc: x@example.org", PasswordHash: "h"},
		{Name: "Good Name", Email: "kim@localhost", PasswordHash: "h"},
		{Name: "Good Name", Email: strings.Repeat("k", 250) + "@example.net", PasswordHash: "h"},
		{Name: "Good Name", Email: "kim@example.net", PasswordHash: ""},
		{Name: "Good Name", Email: "kim@example.net", PasswordHash: "h", Roles: []fanarchive.Role{"emperor"}},
	} {
		wantCode(t, s.CreateUser(ctx, u, nil, nil), fanarchive.EINVALID)
	}
}

func testUserConfirm(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	u := &fanarchive.User{Name: "Rowan", Email: "rowan@example.net", PasswordHash: "h"}
	tok := &fanarchive.Token{ID: tokenID("rowan"), Purpose: fanarchive.TokenConfirmEmail, Email: u.Email,
		ExpiresAt: c.now().Add(fanarchive.ConfirmTokenLife)}
	must(t, s.CreateUser(ctx, u, tok, nil))
	// A token of another purpose, or a forged one, does not confirm.
	_, err := s.FindToken(ctx, tok.ID, fanarchive.TokenResetPassword)
	wantCode(t, err, fanarchive.ENOTFOUND)
	_, err = s.ConfirmEmail(ctx, tokenID("forged"))
	wantCode(t, err, fanarchive.ENOTFOUND)
	found, err := s.FindToken(ctx, tok.ID, fanarchive.TokenConfirmEmail)
	must(t, err)
	if found.UserID != u.ID || found.Email != u.Email || !found.ExpiresAt.Equal(tok.ExpiresAt) {
		t.Errorf("FindToken = %+v", found)
	}
	got, err := s.ConfirmEmail(ctx, tok.ID)
	must(t, err)
	if !got.EmailConfirmed || got.ID != u.ID {
		t.Errorf("ConfirmEmail returned %+v", got)
	}
	// Used: replaying it is the same as a forged link.
	_, err = s.ConfirmEmail(ctx, tok.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)
	_, err = s.FindToken(ctx, tok.ID, fanarchive.TokenConfirmEmail)
	wantCode(t, err, fanarchive.ENOTFOUND)

	// Expired.
	v := &fanarchive.User{Name: "Sage", Email: "sage@example.net", PasswordHash: "h"}
	late := &fanarchive.Token{ID: tokenID("sage"), Purpose: fanarchive.TokenConfirmEmail, Email: v.Email,
		ExpiresAt: c.now().Add(fanarchive.ConfirmTokenLife)}
	must(t, s.CreateUser(ctx, v, late, nil))
	c.advance(fanarchive.ConfirmTokenLife + time.Second)
	_, err = s.ConfirmEmail(ctx, late.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)
	if got, _ := s.FindUserByID(ctx, v.ID); got.EmailConfirmed {
		t.Error("an expired token confirmed the address")
	}
	// UseToken, the generic form, is single-use as well.
	tok2 := &fanarchive.Token{ID: tokenID("claim"), Purpose: fanarchive.TokenClaim, UserID: v.ID, ExpiresAt: c.now().Add(time.Hour)}
	must(t, s.CreateToken(ctx, tok2, nil))
	_, err = s.UseToken(ctx, tok2.ID, fanarchive.TokenClaim)
	must(t, err)
	_, err = s.UseToken(ctx, tok2.ID, fanarchive.TokenClaim)
	wantCode(t, err, fanarchive.ENOTFOUND)
	wantCode(t, s.CreateToken(ctx, &fanarchive.Token{ID: "short", Purpose: fanarchive.TokenClaim, ExpiresAt: c.now()}, nil), fanarchive.EINVALID)
}

func testUserReset(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	u := newUser(t, s, "Tamsin")
	sess := &fanarchive.Session{ID: fanarchive.SessionID(tokenID("tamsin-session")), UserID: u.ID, Idle: time.Hour,
		ExpiresAt: c.now().Add(24 * time.Hour)}
	must(t, s.CreateSession(ctx, sess))
	a := &fanarchive.Token{ID: tokenID("reset-a"), Purpose: fanarchive.TokenResetPassword, UserID: u.ID, Email: u.Email,
		ExpiresAt: c.now().Add(fanarchive.ResetTokenLife)}
	b := &fanarchive.Token{ID: tokenID("reset-b"), Purpose: fanarchive.TokenResetPassword, UserID: u.ID, Email: u.Email,
		ExpiresAt: c.now().Add(fanarchive.ResetTokenLife)}
	must(t, s.CreateToken(ctx, a, []*fanarchive.OutboundMail{accountMail("reset-password", u.Email)}))
	must(t, s.CreateToken(ctx, b, nil))
	got, err := s.ResetPassword(ctx, a.ID, "new-hash")
	must(t, err)
	if got.PasswordHash != "new-hash" {
		t.Errorf("ResetPassword returned %+v", got)
	}
	if got, _ := s.FindUserByID(ctx, u.ID); got.PasswordHash != "new-hash" {
		t.Errorf("password hash is %q after a reset", got.PasswordHash)
	}
	_, _, err = s.FindSession(ctx, sess.ID)
	wantCode(t, err, fanarchive.ENOTFOUND) // a reset ends every session
	_, err = s.ResetPassword(ctx, a.ID, "again")
	wantCode(t, err, fanarchive.ENOTFOUND) // replayed
	_, err = s.ResetPassword(ctx, b.ID, "other")
	wantCode(t, err, fanarchive.ENOTFOUND) // the other link was used up with it
	late := &fanarchive.Token{ID: tokenID("reset-late"), Purpose: fanarchive.TokenResetPassword, UserID: u.ID, Email: u.Email,
		ExpiresAt: c.now().Add(fanarchive.ResetTokenLife)}
	must(t, s.CreateToken(ctx, late, nil))
	c.advance(fanarchive.ResetTokenLife)
	_, err = s.ResetPassword(ctx, late.ID, "late")
	wantCode(t, err, fanarchive.ENOTFOUND) // expired
	wantCode(t, s.CreateToken(ctx, &fanarchive.Token{ID: tokenID("x"), Purpose: fanarchive.TokenResetPassword, UserID: u.ID + 99,
		ExpiresAt: c.now().Add(time.Hour)}, nil), fanarchive.ENOTFOUND)
}

func testUserChangeEmail(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	u := newUser(t, s, "Ilse")
	other := newUser(t, s, "Jude")
	wantCode(t, s.RequestEmailChange(ctx, u.ID, other.Email, nil, nil), fanarchive.ECONFLICT)
	wantCode(t, s.RequestEmailChange(ctx, u.ID, strings.ToUpper(u.Email), nil, nil), fanarchive.EINVALID)
	wantCode(t, s.RequestEmailChange(ctx, u.ID, "bad address", nil, nil), fanarchive.EINVALID)
	wantCode(t, s.RequestEmailChange(ctx, u.ID+99, "new@example.net", nil, nil), fanarchive.ENOTFOUND)
	tok := &fanarchive.Token{ID: tokenID("ilse-new"), Purpose: fanarchive.TokenConfirmEmail, Email: "ilse.new@example.net",
		ExpiresAt: c.now().Add(fanarchive.ConfirmTokenLife)}
	must(t, s.RequestEmailChange(ctx, u.ID, "ilse.new@example.net", tok,
		[]*fanarchive.OutboundMail{accountMail("confirm-email", "ilse.new@example.net"), accountMail("email-change", u.Email)}))
	got, _ := s.FindUserByID(ctx, u.ID)
	if got.Email != u.Email || got.PendingEmail != "ilse.new@example.net" || !got.EmailConfirmed {
		t.Errorf("before confirming: %+v", got)
	}
	if n, _ := s.CountMail(ctx); n.Queued != 2 {
		t.Errorf("%d mails queued, want 2", n.Queued)
	}
	got, err := s.ConfirmEmail(ctx, tok.ID)
	must(t, err)
	if got.Email != "ilse.new@example.net" || got.PendingEmail != "" || !got.EmailConfirmed {
		t.Errorf("after confirming: %+v", got)
	}
	if _, err := s.FindUserByLogin(ctx, "ilse.new@example.net"); err != nil {
		t.Errorf("cannot log in with the new address: %v", err)
	}
	// A pending address someone else confirms first is theirs.
	t1 := &fanarchive.Token{ID: tokenID("ilse-3"), Purpose: fanarchive.TokenConfirmEmail, Email: "shared@example.net", ExpiresAt: c.now().Add(time.Hour)}
	t2 := &fanarchive.Token{ID: tokenID("jude-3"), Purpose: fanarchive.TokenConfirmEmail, Email: "shared@example.net", ExpiresAt: c.now().Add(time.Hour)}
	must(t, s.RequestEmailChange(ctx, u.ID, "shared@example.net", t1, nil))
	must(t, s.RequestEmailChange(ctx, other.ID, "shared@example.net", t2, nil))
	_, err = s.ConfirmEmail(ctx, t2.ID)
	must(t, err)
	_, err = s.ConfirmEmail(ctx, t1.ID)
	wantCode(t, err, fanarchive.ECONFLICT)
	// A link to an address since replaced confirms nothing.
	t3 := &fanarchive.Token{ID: tokenID("ilse-4"), Purpose: fanarchive.TokenConfirmEmail, Email: "four@example.net", ExpiresAt: c.now().Add(time.Hour)}
	t4 := &fanarchive.Token{ID: tokenID("ilse-5"), Purpose: fanarchive.TokenConfirmEmail, Email: "five@example.net", ExpiresAt: c.now().Add(time.Hour)}
	must(t, s.RequestEmailChange(ctx, u.ID, "four@example.net", t3, nil))
	must(t, s.RequestEmailChange(ctx, u.ID, "five@example.net", t4, nil))
	_, err = s.ConfirmEmail(ctx, t3.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)
}

func testUserSetPassword(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	u := newUser(t, s, "Quinn")
	var ids []fanarchive.SessionID
	for i := range 3 {
		id := fanarchive.SessionID(tokenID(fmt.Sprint("quinn", i)))
		must(t, s.CreateSession(ctx, &fanarchive.Session{ID: id, UserID: u.ID, Idle: time.Hour, ExpiresAt: c.now().Add(time.Hour)}))
		ids = append(ids, id)
	}
	must(t, s.SetPassword(ctx, u.ID, "hash2", ids[0]))
	if _, _, err := s.FindSession(ctx, ids[0]); err != nil {
		t.Errorf("the session that changed the password ended: %v", err)
	}
	for _, id := range ids[1:] {
		_, _, err := s.FindSession(ctx, id)
		wantCode(t, err, fanarchive.ENOTFOUND)
	}
	wantCode(t, s.SetPassword(ctx, u.ID+9, "h", ""), fanarchive.ENOTFOUND)
	// An upgrade replaces only the hash it was made from.
	must(t, s.UpgradePasswordHash(ctx, u.ID, "stale", "hash3"))
	if got, _ := s.FindUserByID(ctx, u.ID); got.PasswordHash != "hash2" {
		t.Errorf("an upgrade of a stale hash replaced it: %q", got.PasswordHash)
	}
	must(t, s.UpgradePasswordHash(ctx, u.ID, "hash2", "hash3"))
	if got, _ := s.FindUserByID(ctx, u.ID); got.PasswordHash != "hash3" {
		t.Errorf("hash after upgrade: %q", got.PasswordHash)
	}
	if _, _, err := s.FindSession(ctx, ids[0]); err != nil {
		t.Errorf("an upgrade ended a session: %v", err)
	}
}

func testUserRoles(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	u := newUser(t, s, "Vera")
	must(t, s.SetRole(ctx, u.ID, fanarchive.RoleModerator, true))
	must(t, s.SetRole(ctx, u.ID, fanarchive.RoleModerator, true)) // again: no error
	must(t, s.SetRole(ctx, u.ID, fanarchive.RoleArchivist, true))
	must(t, s.SetRole(ctx, u.ID, fanarchive.RoleArchivist, false))
	must(t, s.SetRole(ctx, u.ID, fanarchive.RoleWrangler, false))
	got, _ := s.FindUserByID(ctx, u.ID)
	if fmt.Sprint(got.Roles) != "[moderator]" {
		t.Errorf("roles = %v, want [moderator]", got.Roles)
	}
	wantCode(t, s.SetRole(ctx, u.ID, "emperor", true), fanarchive.EINVALID)
	wantCode(t, s.SetRole(ctx, u.ID+9, fanarchive.RoleAdmin, true), fanarchive.ENOTFOUND)

	id := fanarchive.SessionID(tokenID("vera"))
	must(t, s.CreateSession(ctx, &fanarchive.Session{ID: id, UserID: u.ID, Idle: time.Hour, ExpiresAt: c.now().Add(time.Hour)}))
	must(t, s.SetUserDisabled(ctx, u.ID, true))
	_, _, err := s.FindSession(ctx, id)
	wantCode(t, err, fanarchive.ENOTFOUND)
	got, _ = s.FindUserByID(ctx, u.ID)
	if !got.Disabled || got.HasRole(fanarchive.RoleModerator) {
		t.Errorf("disabled user: %+v, has moderator %v", got, got.HasRole(fanarchive.RoleModerator))
	}
	must(t, s.SetUserDisabled(ctx, u.ID, false))
	if got, _ := s.FindUserByID(ctx, u.ID); got.Disabled {
		t.Error("still disabled after enabling")
	}
	wantCode(t, s.SetUserDisabled(ctx, u.ID+9, true), fanarchive.ENOTFOUND)
}

func testUserList(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	for _, n := range []string{"Cleo", "alba", "Bryn"} {
		newUser(t, s, n)
	}
	users, total, err := s.FindUsers(ctx, 0, 2)
	must(t, err)
	if total != 3 || len(users) != 2 || users[0].Name != "alba" || users[1].Name != "Bryn" {
		t.Errorf("first page: %d of %d: %v", len(users), total, users)
	}
	users, total, err = s.FindUsers(ctx, 2, 2)
	must(t, err)
	if total != 3 || len(users) != 1 || users[0].Name != "Cleo" {
		t.Errorf("second page: %d of %d", len(users), total)
	}
	if _, total, err := s.FindUsers(ctx, 10, 2); err != nil || total != 3 {
		t.Errorf("past the end: total %d, %v", total, err)
	}
	_, _, err = s.FindUsers(ctx, -1, 0)
	wantCode(t, err, fanarchive.EINVALID)
}

func testSessions(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	u := newUser(t, s, "Wren")
	start := c.now()
	sess := &fanarchive.Session{ID: fanarchive.SessionID(tokenID("wren")), UserID: u.ID, Remember: true, Idle: time.Hour,
		ExpiresAt: start.Add(3 * time.Hour)}
	must(t, s.CreateSession(ctx, sess))
	got, gu, err := s.FindSession(ctx, sess.ID)
	must(t, err)
	if got.UserID != u.ID || !got.Remember || got.Idle != time.Hour || !got.CreatedAt.Equal(start) || !got.SeenAt.Equal(start) ||
		!got.ExpiresAt.Equal(start.Add(3*time.Hour)) || gu.Name != "Wren" {
		t.Errorf("FindSession = %+v, %+v", got, gu)
	}
	// Seen within the minute: not written again.
	c.advance(30 * time.Second)
	got, _, _ = s.FindSession(ctx, sess.ID)
	if !got.SeenAt.Equal(start) {
		t.Errorf("seen_at moved after 30 s: %v", got.SeenAt)
	}
	// Used every 50 minutes, it outlives its idle hour...
	for range 3 {
		c.advance(50 * time.Minute)
		if _, _, err := s.FindSession(ctx, sess.ID); err != nil {
			t.Fatalf("a session used every 50 minutes ended at %v: %v", c.now().Sub(start), err)
		}
	}
	// ...but not its absolute expiry.
	c.advance(40 * time.Minute)
	_, _, err = s.FindSession(ctx, sess.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)

	idle := &fanarchive.Session{ID: fanarchive.SessionID(tokenID("wren-idle")), UserID: u.ID, Idle: time.Hour, ExpiresAt: c.now().Add(24 * time.Hour)}
	must(t, s.CreateSession(ctx, idle))
	c.advance(time.Hour)
	_, _, err = s.FindSession(ctx, idle.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)

	live := &fanarchive.Session{ID: fanarchive.SessionID(tokenID("wren-live")), UserID: u.ID, Idle: time.Hour, ExpiresAt: c.now().Add(24 * time.Hour)}
	must(t, s.CreateSession(ctx, live))
	must(t, s.DeleteSession(ctx, live.ID))
	must(t, s.DeleteSession(ctx, live.ID)) // again: no error
	_, _, err = s.FindSession(ctx, live.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)
	_, _, err = s.FindSession(ctx, "unknown")
	wantCode(t, err, fanarchive.ENOTFOUND)

	wantCode(t, s.CreateSession(ctx, &fanarchive.Session{ID: "short", UserID: u.ID, Idle: time.Hour, ExpiresAt: c.now().Add(time.Hour)}), fanarchive.EINVALID)
	wantCode(t, s.CreateSession(ctx, &fanarchive.Session{ID: fanarchive.SessionID(tokenID("nobody")), UserID: u.ID + 9, Idle: time.Hour,
		ExpiresAt: c.now().Add(time.Hour)}), fanarchive.ENOTFOUND)
	wantCode(t, s.CreateSession(ctx, &fanarchive.Session{ID: live.ID, UserID: u.ID, Idle: time.Hour, ExpiresAt: c.now().Add(time.Hour)}), "")
	wantCode(t, s.CreateSession(ctx, &fanarchive.Session{ID: live.ID, UserID: u.ID, Idle: time.Hour, ExpiresAt: c.now().Add(time.Hour)}), fanarchive.ECONFLICT)
}
