package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/auth"
	"fanarchive/internal/web"
)

// The authorisation matrix, route by route: every write route the site
// registers is tried by each of six visitors, and exactly the ones its row
// allows may succeed; the others get 403. A route added later adds a row
// (TestAuthzCoversEveryWriteRoute fails until it does).

// persona is who sends a request in the matrix.
type persona string

const (
	anonymous persona = "anonymous"
	otherUser persona = "other"     // logged in, owns nothing the request names
	owner     persona = "owner"     // the user the request's target belongs to
	moderator persona = "moderator" // with the role, owning nothing
	archivist persona = "archivist"
	admin     persona = "admin"
)

var personas = []persona{anonymous, otherUser, owner, moderator, archivist, admin}

// cell is one run of a row: fresh accounts, so rows never see each
// other's changes. Owner has a pseud besides the default one.
type cell struct {
	f      *fixture
	as     persona
	me     *fanarchive.User // who sends the request; nil for anonymous
	owner  *fanarchive.User
	pseud  *fanarchive.Pseud // the owner's second pseud
	client *client
}

// authzRow is one write route: the request to send and who may.
type authzRow struct {
	pattern string
	allowed []persona
	// request returns the path and form to post for this cell.
	request func(c *cell) (string, map[string]string)
}

// everyone and loggedIn are common allowed lists.
var (
	everyone = personas
	loggedIn = []persona{otherUser, owner, moderator, archivist, admin}
)

// myPassword is the password of whoever sends the request.
func (c *cell) myPassword() string {
	if c.me == nil {
		return "no password"
	}
	return passwordOf(c.me.Name)
}

// tokenFor stores a mailed token of purpose for u and returns its secret.
func (c *cell) tokenFor(u *fanarchive.User, purpose fanarchive.TokenPurpose) string {
	secret, id := auth.NewToken()
	if err := c.f.store.CreateToken(context.Background(), &fanarchive.Token{ID: id, Purpose: purpose, UserID: u.ID,
		Email: u.Email, ExpiresAt: time.Now().Add(time.Hour)}, nil); err != nil {
		c.f.t.Fatal(err)
	}
	return secret
}

var authzRows = []authzRow{
	{"POST /adult-consent", everyone, func(c *cell) (string, map[string]string) {
		return "/adult-consent", map[string]string{"next": "/"}
	}},
	{"POST /settings", everyone, func(c *cell) (string, map[string]string) {
		return "/settings", map[string]string{"theme": "sepia", "next": "/"}
	}},
	{"POST /signup", everyone, func(c *cell) (string, map[string]string) {
		n := uniqueName("Newcomer")
		return "/signup", map[string]string{"name": n, "email": strings.ReplaceAll(n, " ", "") + "@example.net",
			"password": "a good password", "password2": "a good password"}
	}},
	{"POST /login", everyone, func(c *cell) (string, map[string]string) {
		return "/login", map[string]string{"login": c.owner.Name, "password": passwordOf(c.owner.Name)}
	}},
	{"POST /logout", loggedIn, func(c *cell) (string, map[string]string) { return "/logout", nil }},
	{"POST /confirm/{token}", everyone, func(c *cell) (string, map[string]string) {
		return "/confirm/" + c.tokenFor(c.owner, fanarchive.TokenConfirmEmail), nil
	}},
	{"POST /confirm", everyone, func(c *cell) (string, map[string]string) {
		return "/confirm", map[string]string{"email": c.owner.Email}
	}},
	{"POST /reset", everyone, func(c *cell) (string, map[string]string) {
		return "/reset", map[string]string{"email": c.owner.Email}
	}},
	{"POST /reset/{token}", everyone, func(c *cell) (string, map[string]string) {
		return "/reset/" + c.tokenFor(c.owner, fanarchive.TokenResetPassword),
			map[string]string{"password": "a new password", "password2": "a new password"}
	}},
	{"POST /account/password", loggedIn, func(c *cell) (string, map[string]string) {
		return "/account/password", map[string]string{"current": c.myPassword(), "password": "a new password", "password2": "a new password"}
	}},
	{"POST /account/email", loggedIn, func(c *cell) (string, map[string]string) {
		return "/account/email", map[string]string{"current": c.myPassword(), "email": fmt.Sprintf("new.%d@example.net", userSeq.Add(1))}
	}},
	{"POST /account/pseuds", loggedIn, func(c *cell) (string, map[string]string) {
		return "/account/pseuds", map[string]string{"name": uniqueName("Pen Name")}
	}},
	{"POST /account/pseuds/{id}/rename", []persona{owner}, func(c *cell) (string, map[string]string) {
		return fmt.Sprintf("/account/pseuds/%d/rename", c.pseud.ID), map[string]string{"name": uniqueName("Renamed")}
	}},
	{"POST /account/pseuds/{id}/delete", []persona{owner}, func(c *cell) (string, map[string]string) {
		return fmt.Sprintf("/account/pseuds/%d/delete", c.pseud.ID), nil
	}},
	{"POST /account/delete", loggedIn, func(c *cell) (string, map[string]string) {
		return "/account/delete", map[string]string{"current": c.myPassword(), "works": "orphan"}
	}},
	{"POST /admin/users/{id}/roles", []persona{admin}, func(c *cell) (string, map[string]string) {
		return fmt.Sprintf("/admin/users/%d/roles", c.owner.ID), map[string]string{"role": "wrangler", "grant": "1"}
	}},
	{"POST /admin/users/{id}/disable", []persona{admin}, func(c *cell) (string, map[string]string) {
		return fmt.Sprintf("/admin/users/%d/disable", c.owner.ID), map[string]string{"disabled": "1"}
	}},
	// Claims and takedowns (claims_test.go has the helpers).
	{"POST /works/{id}/claim", loggedIn, func(c *cell) (string, map[string]string) {
		return workPath(c.f.freshLegacyWork(true)) + "/claim", map[string]string{"pseud": "new", "scope": "address"}
	}},
	{"POST /works/{id}/takedown", loggedIn, func(c *cell) (string, map[string]string) {
		return workPath(c.f.freshLegacyWork(false)) + "/takedown", map[string]string{"reason": "I wrote it and want it gone."}
	}},
	{"POST /claims/{token}", []persona{owner}, func(c *cell) (string, map[string]string) {
		return "/claims/" + c.f.mailedClaim(c.owner, c.f.freshLegacyWork(true), time.Now().Add(time.Hour)), nil
	}},
	{"POST /admin/claims/assign", []persona{archivist, admin}, func(c *cell) (string, map[string]string) {
		return "/admin/claims/assign", map[string]string{"work": fmt.Sprint(c.f.freshLegacyWork(false).ID), "user": c.owner.Name, "scope": "work"}
	}},
	{"POST /admin/claims/{id}/assign", []persona{archivist, admin}, func(c *cell) (string, map[string]string) {
		return fmt.Sprintf("/admin/claims/%d/assign", c.f.askedClaim(c.owner, c.f.freshLegacyWork(false)).ID), map[string]string{"scope": "work"}
	}},
	{"POST /admin/claims/{id}/reject", []persona{archivist, admin}, func(c *cell) (string, map[string]string) {
		return fmt.Sprintf("/admin/claims/%d/reject", c.f.askedClaim(c.owner, c.f.freshLegacyWork(false)).ID), map[string]string{"note": "No."}
	}},
	{"POST /admin/takedowns/{id}/takedown", []persona{archivist, admin}, func(c *cell) (string, map[string]string) {
		return fmt.Sprintf("/admin/takedowns/%d/takedown", c.f.takedownOf(c.owner, c.f.freshLegacyWork(false), "Mine.").ID), nil
	}},
	{"POST /admin/takedowns/{id}/dismiss", []persona{archivist, admin}, func(c *cell) (string, map[string]string) {
		return fmt.Sprintf("/admin/takedowns/%d/dismiss", c.f.takedownOf(c.owner, c.f.freshLegacyWork(false), "Mine.").ID), nil
	}},

	// Posting: the owner is the user who posted the work.
	{"POST /works/new", loggedIn, func(c *cell) (string, map[string]string) {
		who := c.owner
		if c.me != nil {
			who = c.me
		}
		return "/works/new", flat(c.f.newWorkForm(who, uniqueName("Posted"), "post"))
	}},
	{"POST /works/{id}/edit", []persona{owner}, func(c *cell) (string, map[string]string) {
		w := c.ownersWork(nil)
		fields := flat(c.f.newWorkForm(c.owner, "Edited", ""))
		fields["updated_at"] = w.UpdatedAt.UTC().Format(time.RFC3339Nano)
		return workPath(w) + "/edit", fields
	}},
	{"POST /works/{id}/publish", []persona{owner}, func(c *cell) (string, map[string]string) {
		return workPath(c.ownersWork(func(w *fanarchive.Work) { w.Draft = true })) + "/publish", nil
	}},
	{"POST /works/{id}/delete", []persona{owner, admin}, func(c *cell) (string, map[string]string) {
		return workPath(c.ownersWork(nil)) + "/delete", nil
	}},
	{"POST /works/{id}/chapters/new", []persona{owner}, func(c *cell) (string, map[string]string) {
		return workPath(c.ownersWork(nil)) + "/chapters/new", map[string]string{"format": "text", "body": "More.", "op": "save"}
	}},
	{"POST /works/{id}/chapters/{cid}/edit", []persona{owner}, func(c *cell) (string, map[string]string) {
		w := c.ownersWork(nil)
		return fmt.Sprintf("%s/chapters/%d/edit", workPath(w), w.Chapters[0].ID), map[string]string{"format": "text", "body": "Changed.", "op": "save"}
	}},
	{"POST /works/{id}/chapters/{cid}/delete", []persona{owner}, func(c *cell) (string, map[string]string) {
		w := c.ownersWork(twoChapters)
		return fmt.Sprintf("%s/chapters/%d/delete", workPath(w), w.Chapters[1].ID), nil
	}},
	{"POST /works/{id}/chapters/order", []persona{owner}, func(c *cell) (string, map[string]string) {
		w := c.ownersWork(twoChapters)
		return workPath(w) + "/chapters/order", map[string]string{fmt.Sprintf("pos-%d", w.Chapters[0].ID): "2",
			fmt.Sprintf("pos-%d", w.Chapters[1].ID): "1"}
	}},
	{"POST /account/invitations/{work}/{pseud}", []persona{owner}, func(c *cell) (string, map[string]string) {
		poster := c.f.makeUser(uniqueName("Inviter"))
		w := c.f.postedWork(poster, uniqueName("Invited To"), nil)
		if err := c.f.store.InviteCoAuthor(context.Background(), w.ID, c.pseud.ID, poster.ID); err != nil {
			c.f.t.Fatal(err)
		}
		return fmt.Sprintf("/account/invitations/%d/%d", w.ID, c.pseud.ID), map[string]string{"answer": "accept"}
	}},
	{"POST /admin/trash/{id}/restore", []persona{admin}, func(c *cell) (string, map[string]string) {
		w := c.ownersWork(nil)
		if err := c.f.store.TrashWork(context.Background(), w.ID, c.owner.ID); err != nil {
			c.f.t.Fatal(err)
		}
		return fmt.Sprintf("/admin/trash/%d/restore", w.ID), nil
	}},
	// Feedback and kudos (feedback_test.go has the helpers).
	{"POST /works/{id}/feedback", everyone, func(c *cell) (string, map[string]string) {
		return workPath(c.f.freshLegacyWork(true)) + "/feedback", map[string]string{"name": "Reader", "email": "reader@example.net",
			"message": "Loved it."}
	}},
	{"POST /works/{id}/kudos", everyone, func(c *cell) (string, map[string]string) {
		return workPath(c.f.freshLegacyWork(false)) + "/kudos", nil
	}},
	{"POST /feedback/stop/{token}", everyone, func(c *cell) (string, map[string]string) {
		return "/feedback/stop/" + c.f.stopToken(), nil
	}},
	{"POST /account/feedback", loggedIn, func(c *cell) (string, map[string]string) {
		return "/account/feedback", map[string]string{"relay": "off"}
	}},
	// Mailing lists (lists_test.go has the helpers); the owner is the
	// list's moderator, or the member.
	{"POST /lists/{name}/subscribe", everyone, func(c *cell) (string, map[string]string) {
		return "/lists/" + c.f.makeList("authz").Name + "/subscribe", map[string]string{"email": "joiner@example.net", "mode": "each"}
	}},
	{"POST /lists/{name}/confirm/{secret}", everyone, func(c *cell) (string, map[string]string) {
		l := c.f.makeList("authz")
		if err := c.f.listEngine.Subscribe(context.Background(), l, "joiner@example.net", "", 0, fanarchive.DeliverEach, "test"); err != nil {
			c.f.t.Fatal(err)
		}
		return c.f.confirmPath(l, "joiner@example.net"), nil
	}},
	{"POST /lists/{name}/unsubscribe", everyone, func(c *cell) (string, map[string]string) {
		l := c.f.makeList("authz")
		m := c.f.member(l, "leaver@example.net", 0)
		return "/lists/" + l.Name + "/unsubscribe?t=" + url.QueryEscape(c.f.listUnsubscribeToken(m)), map[string]string{"List-Unsubscribe": "One-Click"}
	}},
	{"POST /lists/{name}/moderation/{id}", []persona{owner, moderator, admin}, func(c *cell) (string, map[string]string) {
		l := c.f.makeList("authz", c.owner)
		m := c.f.postMessage(l, &fanarchive.ListMessage{Subject: "Held", FromName: "X", FromAddress: "x@example.net", Text: "x",
			State: fanarchive.ListMessageHeld, HoldReason: "moderated list"})
		return fmt.Sprintf("/lists/%s/moderation/%d", l.Name, m.ID), map[string]string{"decision": "reject"}
	}},
	{"POST /lists/{name}/members/{id}", []persona{owner, moderator, admin}, func(c *cell) (string, map[string]string) {
		l := c.f.makeList("authz", c.owner)
		m := c.f.member(l, "member@example.net", 0)
		return fmt.Sprintf("/lists/%s/members/%d", l.Name, m.ID), map[string]string{"op": "mode", "mode": "digest"}
	}},
	{"POST /account/lists/{id}", []persona{owner}, func(c *cell) (string, map[string]string) {
		m := c.f.member(c.f.makeList("authz"), c.owner.Email, c.owner.ID)
		return fmt.Sprintf("/account/lists/%d", m.ID), map[string]string{"op": "mode", "mode": "none"}
	}},
	{"POST /admin/lists", []persona{admin}, func(c *cell) (string, map[string]string) {
		name := fmt.Sprintf("made-%d", userSeq.Add(1))
		return "/admin/lists", map[string]string{"name": name, "address": name + "@lists.example.net"}
	}},
	{"POST /admin/lists/{name}/edit", []persona{admin}, func(c *cell) (string, map[string]string) {
		l := c.f.makeList("authz")
		return "/admin/lists/" + l.Name + "/edit", map[string]string{"address": l.Address, "title": "Renamed"}
	}},
}

// ownersWork posts a work by the cell's owner, straight in the store.
func (c *cell) ownersWork(edit func(*fanarchive.Work)) *fanarchive.Work {
	w := c.f.postedWork(c.owner, uniqueName("Work"), edit)
	got, err := c.f.store.FindWorkOutline(context.Background(), w.ID)
	if err != nil {
		c.f.t.Fatal(err)
	}
	return got
}

// twoChapters gives a work a second chapter.
func twoChapters(w *fanarchive.Work) {
	w.Chapters = append(w.Chapters, &fanarchive.Chapter{Number: 2, Body: "<p>Second.</p>", Words: 1})
}

// flat turns a form into the one-value fields a row posts; repeated
// fields keep their first value.
func flat(v url.Values) map[string]string {
	out := map[string]string{}
	for k := range v {
		out[k] = v.Get(k)
	}
	return out
}

// TestAuthzCoversEveryWriteRoute keeps the table in step with routes.go.
func TestAuthzCoversEveryWriteRoute(t *testing.T) {
	f := newAccountFixture(t)
	rows := map[string]bool{}
	for _, r := range authzRows {
		rows[r.pattern] = true
	}
	routes := web.New(f.store, nil, accountOptions()).WriteRoutes()
	for _, r := range routes {
		if !rows[r.Pattern] {
			t.Errorf("write route %s (action %s) has no row in authzRows", r.Pattern, r.Action)
		}
		delete(rows, r.Pattern)
	}
	for p := range rows {
		t.Errorf("authzRows has a row for %s, which is not a write route", p)
	}
}

// TestAuthzMatrix sends every write route's request as every persona and
// checks that exactly the allowed ones succeed (a 2xx or a redirect) and
// the rest are refused with 403.
func TestAuthzMatrix(t *testing.T) {
	f := newAccountFixture(t)
	for _, row := range authzRows {
		t.Run(row.pattern, func(t *testing.T) {
			for _, as := range personas {
				f.t = t
				c := &cell{f: f, as: as, owner: f.makeUser(uniqueName("Owner"))}
				p, err := f.store.CreatePseud(context.Background(), c.owner.ID, uniqueName("Owner Pseud"))
				if err != nil {
					t.Fatal(err)
				}
				c.pseud = p
				switch as {
				case anonymous:
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
				path, fields := row.request(c)
				vals := form()
				for k, v := range fields {
					vals.Set(k, v)
				}
				resp := c.client.post(path, vals)
				allowed := false
				for _, a := range row.allowed {
					allowed = allowed || a == as
				}
				ok := resp.status < 400
				if ok != allowed || (!ok && resp.status != http.StatusForbidden) {
					t.Errorf("%s as %s: status %d, want %s", path, as, resp.status, map[bool]string{true: "success", false: "403"}[allowed])
					if resp.status >= 400 {
						t.Logf("page: %s", mainText(resp.body))
					}
				}
			}
		})
	}
}

// mainText returns the text of a page's <main>, roughly, for failure logs.
func mainText(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if i := strings.Index(body, "</main>"); i >= 0 {
		body = body[:i]
	}
	return body
}
