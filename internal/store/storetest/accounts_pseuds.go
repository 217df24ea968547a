package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fanarchive"
)

// workBy stores a work whose byline names authors, or fails the test. A
// name that is a pseud's puts the work on that pseud, by its ID, as posting
// does (a name alone is a legacy author's).
func workBy(t *testing.T, s fanarchive.Store, title string, authors ...string) *fanarchive.Work {
	t.Helper()
	w := newWork(title)
	w.Authors = nil
	for _, name := range authors {
		a := fanarchive.Author{Name: name}
		if found, err := s.FindAuthorByName(context.Background(), name); err == nil && found.UserID != 0 {
			a = *found
		}
		w.Authors = append(w.Authors, a)
	}
	return create(t, s, w)
}

// worksOf returns the titles of the works listed under an author's name.
func worksOf(t *testing.T, s fanarchive.Store, name string) string {
	t.Helper()
	works, _, err := s.FindWorks(context.Background(), fanarchive.WorkFilter{Author: &name})
	must(t, err)
	var titles []string
	for _, w := range works {
		titles = append(titles, w.Title)
	}
	return strings.Join(titles, ",")
}

func testPseuds(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	u := newUser(t, s, "Nell")
	other := newUser(t, s, "Odile")
	p, err := s.CreatePseud(ctx, u.ID, "Nightjar")
	must(t, err)
	if p.ID == 0 || p.UserID != u.ID || p.Default {
		t.Errorf("CreatePseud = %+v", p)
	}
	workBy(t, s, "Owl Light", "Nightjar")
	workBy(t, s, "Legacy Work", "Legacy Name")
	if got, err := s.FindPseud(ctx, p.ID); err != nil || got.Name != "Nightjar" || got.UserID != u.ID || got.Default {
		t.Errorf("FindPseud = %+v, %v", got, err)
	}
	legacy, err := s.FindAuthorByName(ctx, "Legacy Name")
	must(t, err)
	_, err = s.FindPseud(ctx, legacy.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)
	pseuds, err := s.FindPseuds(ctx, u.ID)
	must(t, err)
	if len(pseuds) != 2 || pseuds[0].Name != "Nell" || pseuds[1].Name != "Nightjar" || pseuds[1].Works != 1 || pseuds[0].Works != 0 {
		t.Errorf("FindPseuds = %+v %+v", pseuds[0], pseuds[1])
	}
	if a, err := s.FindAuthorByName(ctx, "Nightjar"); err != nil || a.UserID != u.ID {
		t.Errorf("FindAuthorByName(pseud) = %+v, %v", a, err)
	}
	// Only the owner's pseuds, never the default.
	wantCode(t, s.RenamePseud(ctx, other.ID, p.ID, "Stolen"), fanarchive.ENOTFOUND)
	wantCode(t, s.DeletePseud(ctx, other.ID, p.ID), fanarchive.ENOTFOUND)
	wantCode(t, s.RenamePseud(ctx, u.ID, pseuds[0].ID, "Renamed"), fanarchive.EINVALID)
	wantCode(t, s.DeletePseud(ctx, u.ID, pseuds[0].ID), fanarchive.EINVALID)
	wantCode(t, s.RenamePseud(ctx, u.ID, p.ID, "odile"), fanarchive.ECONFLICT)
	wantCode(t, s.RenamePseud(ctx, u.ID, p.ID, "<b>x</b>"), fanarchive.EINVALID)
	_, err = s.CreatePseud(ctx, u.ID+99, "Ghost")
	wantCode(t, err, fanarchive.ENOTFOUND)
	_, err = s.FindPseuds(ctx, u.ID+99)
	wantCode(t, err, fanarchive.ENOTFOUND)

	// Renaming moves its works, in listings and search, to the new name;
	// a change of case alone is allowed.
	must(t, s.RenamePseud(ctx, u.ID, p.ID, "NIGHTJAR"))
	must(t, s.RenamePseud(ctx, u.ID, p.ID, "Nightingale"))
	if got := worksOf(t, s, "Nightingale"); got != "Owl Light" {
		t.Errorf("works of the renamed pseud: %q", got)
	}
	if got := worksOf(t, s, "Nightjar"); got != "" {
		t.Errorf("works still under the old name: %q", got)
	}
	// The old name is free again.
	_, err = s.CreatePseud(ctx, other.ID, "Nightjar")
	must(t, err)

	// Deleting a pseud moves its works to the default pseud.
	must(t, s.DeletePseud(ctx, u.ID, p.ID))
	if got := worksOf(t, s, "Nell"); got != "Owl Light" {
		t.Errorf("works of the default pseud after deleting the other: %q", got)
	}
	_, err = s.FindAuthorByName(ctx, "Nightingale")
	wantCode(t, err, fanarchive.ENOTFOUND)

	// At most MaxPseuds.
	for i := 1; i < fanarchive.MaxPseuds; i++ {
		_, err := s.CreatePseud(ctx, u.ID, fmt.Sprintf("Nell Pseud %d", i))
		must(t, err)
	}
	_, err = s.CreatePseud(ctx, u.ID, "One Too Many")
	wantCode(t, err, fanarchive.EINVALID)
}

func testDeleteUserOrphan(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	u := newUser(t, s, "Perpetua")
	_, err := s.CreatePseud(ctx, u.ID, "Pip")
	must(t, err)
	workBy(t, s, "Solo", "Perpetua")
	workBy(t, s, "Both Mine", "Perpetua", "Pip")
	workBy(t, s, "With A Friend", "Pip", "Legacy Friend")
	sess := fanarchive.SessionID(tokenID("perpetua"))
	must(t, s.CreateSession(ctx, &fanarchive.Session{ID: sess, UserID: u.ID, Idle: time.Hour, ExpiresAt: c.now().Add(time.Hour)}))
	must(t, s.SetRole(ctx, u.ID, fanarchive.RoleWrangler, true))

	must(t, s.DeleteUser(ctx, u.ID, true))
	if got := worksOf(t, s, fanarchive.OrphanAuthorName); got != "With A Friend,Both Mine,Solo" {
		t.Errorf("orphaned works: %q", got)
	}
	if got := worksOf(t, s, "Legacy Friend"); got != "With A Friend" {
		t.Errorf("the co-author's works: %q", got)
	}
	for _, name := range []string{"Perpetua", "Pip"} {
		_, err := s.FindAuthorByName(ctx, name)
		wantCode(t, err, fanarchive.ENOTFOUND)
	}
	w, _, err := s.FindWorks(ctx, fanarchive.WorkFilter{Author: ptr(fanarchive.OrphanAuthorName)})
	must(t, err)
	for _, work := range w {
		if work.Title == "Both Mine" && len(work.Authors) != 1 {
			t.Errorf("a work by two pseuds of the user has authors %v after orphaning, want orphan_account once", work.AuthorNames())
		}
	}
	_, err = s.FindUserByID(ctx, u.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)
	_, _, err = s.FindSession(ctx, sess)
	wantCode(t, err, fanarchive.ENOTFOUND)
	// The name and address are free again; orphan_account is shared.
	v := newUser(t, s, "Perpetua")
	_, err = s.CreatePseud(ctx, v.ID, "Pip")
	must(t, err)
	workBy(t, s, "Second Life", "Pip")
	must(t, s.DeleteUser(ctx, v.ID, true))
	if got := worksOf(t, s, fanarchive.OrphanAuthorName); !strings.HasPrefix(got, "Second Life,") {
		t.Errorf("orphaned works after a second deletion: %q", got)
	}
	wantCode(t, s.DeleteUser(ctx, v.ID, true), fanarchive.ENOTFOUND)
	_, err = s.CreatePseud(ctx, newUser(t, s, "Late Comer").ID, fanarchive.OrphanAuthorName)
	wantCode(t, err, fanarchive.EINVALID)
}

func testDeleteUserWorks(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	u := newUser(t, s, "Rosalind")
	_, err := s.CreatePseud(ctx, u.ID, "Rook")
	must(t, err)
	solo := workBy(t, s, "Gone Soon", "Rosalind", "Rook")
	shared := workBy(t, s, "Stays", "Rook", "Legacy Partner")
	byline, err := s.FindWorkByID(ctx, shared.ID)
	must(t, err)
	if a := byline.Authors; len(a) != 2 || a[0].UserID != u.ID || a[1].UserID != 0 {
		t.Errorf("a byline's pseud and legacy author: %+v, want the user's ID on the pseud only", a)
	}
	// A series of another user's holding the deleted work keeps its
	// places 1..n.
	keeper := newUser(t, s, "Keeper")
	sr := &fanarchive.Series{Title: "Kept Together", CreatedBy: keeper.ID}
	must(t, s.CreateSeries(ctx, sr))
	kept := workBy(t, s, "Kept", "Keeper")
	must(t, s.AddWorkToSeries(ctx, sr.ID, solo.ID, 0, keeper.ID))
	must(t, s.AddWorkToSeries(ctx, sr.ID, kept.ID, 0, keeper.ID))
	must(t, s.DeleteUser(ctx, u.ID, false))
	_, err = s.FindWorkByID(ctx, solo.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)
	if got, err := s.FindWorkByID(ctx, kept.ID); err != nil || len(got.Series) != 1 || got.Series[0].Position != 1 {
		t.Errorf("the series after its first work was deleted with its account: %v %+v, want the other work at 1", err, got.Series)
	}
	got, err := s.FindWorkByID(ctx, shared.ID)
	must(t, err)
	if fmt.Sprint(got.AuthorNames()) != "[Legacy Partner]" {
		t.Errorf("the co-authored work's authors after deletion: %v", got.AuthorNames())
	}
	if got := worksOf(t, s, fanarchive.OrphanAuthorName); got != "" {
		t.Errorf("works orphaned though deletion was asked: %q", got)
	}
	// The deleted work is not brought back by importing its file again.
	again := newWork("Gone Soon")
	err = s.CreateWork(ctx, again)
	wantCode(t, err, fanarchive.ECONFLICT)
}

func testRateLimit(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	for i := 1; i <= 4; i++ {
		ok, retry, err := s.HitRateLimit(ctx, "log-in:ip:192.0.2.1", 3, time.Minute)
		must(t, err)
		if want := i <= 3; ok != want || (ok && retry != 0) || (!ok && retry != time.Minute) {
			t.Errorf("hit %d: allowed %v, retry after %v", i, ok, retry)
		}
	}
	// Other keys count apart.
	if ok, _, _ := s.HitRateLimit(ctx, "log-in:ip:192.0.2.2", 3, time.Minute); !ok {
		t.Error("another key was refused")
	}
	c.advance(45 * time.Second)
	if ok, retry, _ := s.HitRateLimit(ctx, "log-in:ip:192.0.2.1", 3, time.Minute); ok || retry != 15*time.Second {
		t.Errorf("still in the window: allowed %v, retry after %v; want refused, 15s", ok, retry)
	}
	c.advance(15 * time.Second)
	if ok, _, _ := s.HitRateLimit(ctx, "log-in:ip:192.0.2.1", 3, time.Minute); !ok {
		t.Error("refused in a new window")
	}
	_, _, err := s.HitRateLimit(ctx, "k", 0, time.Minute)
	wantCode(t, err, fanarchive.EINVALID)
	_, _, err = s.HitRateLimit(ctx, "k", 1, time.Millisecond)
	wantCode(t, err, fanarchive.EINVALID)
}

func testSecret(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	a, err := s.Secret(ctx, "csrf")
	must(t, err)
	b, err := s.Secret(ctx, "csrf")
	must(t, err)
	other, err := s.Secret(ctx, "other")
	must(t, err)
	if len(a) != 32 || string(a) != string(b) || string(a) == string(other) {
		t.Errorf("secrets: %x, %x, %x", a, b, other)
	}
}

func testAccountPurge(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	confirmed := newUser(t, s, "Stays Here")
	gone := &fanarchive.User{Name: "Never Confirmed", Email: "never@example.net", PasswordHash: "h"}
	must(t, s.CreateUser(ctx, gone, nil, nil))
	live := fanarchive.SessionID(tokenID("live"))
	must(t, s.CreateSession(ctx, &fanarchive.Session{ID: live, UserID: confirmed.ID, Idle: 30 * 24 * time.Hour, ExpiresAt: c.now().Add(90 * 24 * time.Hour)}))
	must(t, s.CreateSession(ctx, &fanarchive.Session{ID: fanarchive.SessionID(tokenID("idle")), UserID: confirmed.ID, Idle: time.Hour, ExpiresAt: c.now().Add(90 * 24 * time.Hour)}))
	_, _, err := s.HitRateLimit(ctx, "sign-up:ip:192.0.2.9", 1, time.Hour)
	must(t, err)
	c.advance(8 * 24 * time.Hour)
	n, err := s.PurgeAccounts(ctx)
	must(t, err)
	if n < 4 { // the idle session, the window, the unconfirmed account and its pseud
		t.Errorf("purged %d rows, want at least 4", n)
	}
	_, err = s.FindUserByID(ctx, gone.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)
	if _, err := s.FindUserByID(ctx, confirmed.ID); err != nil {
		t.Errorf("a confirmed account was purged: %v", err)
	}
	if _, _, err := s.FindSession(ctx, live); err != nil {
		t.Errorf("a live session was purged: %v", err)
	}
	// The unconfirmed name and address are free again.
	must(t, s.CreateUser(ctx, &fanarchive.User{Name: "never confirmed", Email: "never@example.net", PasswordHash: "h"}, nil, nil))
}
