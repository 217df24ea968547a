package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fanarchive"
)

// RunLists runs the suite of fanarchive.ListService (docs/lists.md):
// lists and moderators, subscriptions and their confirmation, bans,
// bounces, receiving and moderating messages, threading, the fan-out to
// members in the posting transaction, the archive's reads and search, and
// daily digests. Subtests run in parallel, each on its own store with its
// own clock.
func RunLists(t *testing.T, open ClockOpener) {
	t.Helper()
	suites := []struct {
		name string
		fn   func(t *testing.T, s fanarchive.Store, c *clock)
	}{
		{"Lists", testLists},
		{"Lists/Invalid", testListsInvalid},
		{"Moderators", testListModerators},
		{"Subscribe", testListSubscribe},
		{"Subscribe/Invalid", testListSubscribeInvalid},
		{"Unsubscribe", testListUnsubscribe},
		{"Bans", testListBans},
		{"Members/Find", testListFindMembers},
		{"Members/UserMemberships", testListUserMemberships},
		{"Members/ModeAndState", testListMemberModeState},
		{"Bounces", testListBounces},
		{"Receive", testListReceive},
		{"Receive/Idempotent", testListReceiveIdempotent},
		{"Receive/Invalid", testListReceiveInvalid},
		{"Threading", testListThreading},
		{"Fanout", testListFanout},
		{"Fanout/Fails", testListFanoutFails},
		{"Moderate", testListModerate},
		{"Archive", testListArchive},
		{"Archive/Invalid", testListArchiveInvalid},
		{"Works", testListWorks},
		{"Digests", testListDigests},
		{"Digests/Long", testListDigestsLong},
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

// newList creates the list name@lists.example.org.
func newList(t *testing.T, s fanarchive.Store, name string) *fanarchive.List {
	t.Helper()
	l := &fanarchive.List{Name: name, Address: name + "@lists.example.org", Title: "The " + name + " list"}
	if err := s.CreateList(context.Background(), l); err != nil {
		t.Fatalf("CreateList(%s): %v", name, err)
	}
	return l
}

// confirmHash is the hash a confirmation secret is stored as.
func confirmHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// listMail is a mail of kind to addr.
func listMail(kind, to string) *fanarchive.OutboundMail {
	return &fanarchive.OutboundMail{Kind: kind, From: "bounces@lists.example.org", To: to, Body: &fanarchive.MailBody{Raw: rawMail(kind)}}
}

// subscribe asks for addr to join l and returns the member and its secret.
func subscribe(t *testing.T, s fanarchive.Store, c *clock, l *fanarchive.List, addr string, mode fanarchive.DeliveryMode) (*fanarchive.ListMember, string) {
	t.Helper()
	secret := fmt.Sprintf("secret-%d-%s", l.ID, addr)
	m := &fanarchive.ListMember{ListID: l.ID, Address: addr, Mode: mode}
	if err := s.SubscribeToList(context.Background(), m, confirmHash(secret), c.now().Add(fanarchive.ListConfirmTokenLife),
		[]*fanarchive.OutboundMail{listMail(fanarchive.MailKindListConfirm, addr)}); err != nil {
		t.Fatalf("Subscribe(%s): %v", addr, err)
	}
	return m, secret
}

// join makes addr an active member of l.
func join(t *testing.T, s fanarchive.Store, c *clock, l *fanarchive.List, addr string, mode fanarchive.DeliveryMode) *fanarchive.ListMember {
	t.Helper()
	_, secret := subscribe(t, s, c, l, addr, mode)
	m, err := s.ConfirmSubscription(context.Background(), confirmHash(secret), nil)
	if err != nil {
		t.Fatalf("ConfirmSubscription(%s): %v", addr, err)
	}
	return m
}

// listCode fails, saying what, unless err has the code.
func listCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if fanarchive.ErrorCode(err) != code {
		t.Errorf("%s: err = %v, want %s", what, err, code)
	}
}

// queuedOf counts the outbox's mails of a kind.
func queuedOf(t *testing.T, s fanarchive.Store, kind string) int {
	t.Helper()
	_, n, err := s.FindMail(context.Background(), fanarchive.MailFilter{Kind: kind, Limit: 1})
	must(t, err)
	return n
}

func testLists(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	l := &fanarchive.List{Name: "level3", Address: "Level3@Lists.Example.org", Fandoms: []string{"Smallville", " smallville ", ""},
		Description: "The all-fic list.", ArchiveWorks: true, DigestHour: 6}
	must(t, s.CreateList(ctx, l))
	if l.ID == 0 || l.CreatedAt.IsZero() || l.Address != "level3@lists.example.org" || l.Policy != fanarchive.ListMembersOnly ||
		l.MaxSize != fanarchive.DefaultListMaxSize || l.Title != "level3" || l.Announce != fanarchive.AnnounceNone {
		t.Errorf("CreateList set %+v", l)
	}
	got, err := s.FindList(ctx, "level3")
	must(t, err)
	if got.ID != l.ID || got.Address != l.Address || strings.Join(got.Fandoms, "|") != "Smallville" || !got.ArchiveWorks ||
		got.DigestHour != 6 || got.Description != l.Description || got.Members != 0 || !got.CreatedAt.Equal(l.CreatedAt) {
		t.Errorf("FindList = %+v", got)
	}
	if byID, err := s.FindListByID(ctx, l.ID); err != nil || byID.Name != "level3" {
		t.Errorf("FindListByID = %+v, %v", byID, err)
	}
	_, err = s.FindList(ctx, "nosuch")
	listCode(t, "FindList(nosuch)", err, fanarchive.ENOTFOUND)
	_, err = s.FindListByID(ctx, 999)
	listCode(t, "FindListByID(999)", err, fanarchive.ENOTFOUND)

	err = s.CreateList(ctx, &fanarchive.List{Name: "level3", Address: "level3@other.example.org"})
	listCode(t, "CreateList with a taken name", err, fanarchive.ECONFLICT)
	newList(t, s, "alpha")
	join(t, s, c, l, "kim@example.net", fanarchive.DeliverEach)
	lists, err := s.FindLists(ctx)
	must(t, err)
	if len(lists) != 2 || lists[0].Name != "alpha" || lists[1].Name != "level3" || lists[1].Members != 1 {
		t.Errorf("FindLists = %v", lists)
	}

	c.advance(time.Hour)
	upd := *got
	upd.Name = "renamed" // ignored: a list keeps its name
	upd.Title, upd.Policy, upd.Fandoms, upd.MaxSize = "Level Three", fanarchive.ListModerated, []string{"Smallville", "Lois & Clark"}, 4096
	upd.Address = "level3@new.example.org"
	must(t, s.UpdateList(ctx, &upd))
	got, err = s.FindList(ctx, "level3")
	must(t, err)
	if got.Title != "Level Three" || got.Policy != fanarchive.ListModerated || len(got.Fandoms) != 2 || got.MaxSize != 4096 ||
		got.Address != "level3@new.example.org" || !got.UpdatedAt.After(got.CreatedAt) {
		t.Errorf("after UpdateList: %+v", got)
	}
	bad := *got
	bad.Policy = "anarchy"
	listCode(t, "UpdateList with a bad policy", s.UpdateList(ctx, &bad), fanarchive.EINVALID)
	gone := *got
	gone.ID = 999
	listCode(t, "UpdateList(999)", s.UpdateList(ctx, &gone), fanarchive.ENOTFOUND)
	alpha, err := s.FindList(ctx, "alpha")
	must(t, err)
	alpha.Address = "alpha@new.example.org"
	must(t, s.UpdateList(ctx, alpha))
}

func testListsInvalid(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	for _, l := range []*fanarchive.List{
		{Name: "", Address: "x@example.org"},
		{Name: "Level3", Address: "level3@example.org"},
		{Name: "level3-request", Address: "level3-request@example.org"},
		{Name: "level3", Address: "other@example.org"},
		{Name: "level3", Address: "not an address"},
		{Name: "level3", Address: "level3@example.org", Policy: "anarchy"},
		{Name: "level3", Address: "level3@example.org", MaxSize: 10},
		{Name: "level3", Address: "level3@example.org", DigestHour: 24},
		{Name: "level3", Address: "level3@example.org", Title: "two\nlines"},
		{Name: "level3", Address: "level3@example.org", Fandoms: []string{"two\nlines"}},
		{Name: "level3", Address: "level3@example.org", Moderators: []int64{999}},
	} {
		if err := s.CreateList(ctx, l); fanarchive.ErrorCode(err) == "" || err == nil {
			t.Errorf("CreateList(%+v) = %v, want an error", l, err)
		}
	}
	if lists, err := s.FindLists(ctx); err != nil || len(lists) != 0 {
		t.Errorf("FindLists after refusals = %v, %v", lists, err)
	}
	newList(t, s, "level3")
	err := s.CreateList(ctx, &fanarchive.List{Name: "other", Address: "other@example.org"})
	must(t, err)
	l, err := s.FindList(ctx, "other")
	must(t, err)
	l.Address = "level3@lists.example.org" // not its name
	listCode(t, "UpdateList to another's address", s.UpdateList(ctx, l), fanarchive.EINVALID)
}

func testListModerators(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	a, b := newUser(t, s, "Moda"), newUser(t, s, "Modb")
	l := &fanarchive.List{Name: "level3", Address: "level3@example.org", Moderators: []int64{b.ID}}
	must(t, s.CreateList(ctx, l))
	must(t, s.SetListModerator(ctx, l.ID, a.ID, true))
	must(t, s.SetListModerator(ctx, l.ID, a.ID, true)) // twice is once
	got, err := s.FindList(ctx, "level3")
	must(t, err)
	if fmt.Sprint(got.Moderators) != fmt.Sprint([]int64{a.ID, b.ID}) {
		t.Errorf("Moderators = %v, want %d and %d", got.Moderators, a.ID, b.ID)
	}
	must(t, s.SetListModerator(ctx, l.ID, b.ID, false))
	must(t, s.SetListModerator(ctx, l.ID, b.ID, false))
	got.Title = "Updated" // UpdateList leaves moderators alone
	must(t, s.UpdateList(ctx, got))
	got, err = s.FindListByID(ctx, l.ID)
	must(t, err)
	if fmt.Sprint(got.Moderators) != fmt.Sprint([]int64{a.ID}) {
		t.Errorf("Moderators = %v, want [%d]", got.Moderators, a.ID)
	}
	listCode(t, "SetListModerator(no list)", s.SetListModerator(ctx, 999, a.ID, true), fanarchive.ENOTFOUND)
	listCode(t, "SetListModerator(no user)", s.SetListModerator(ctx, l.ID, 999, true), fanarchive.ENOTFOUND)
}

func testListSubscribe(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	l := newList(t, s, "level3")
	u := newUser(t, s, "Kim Reader")
	m := &fanarchive.ListMember{ListID: l.ID, Address: " Kim@Example.NET ", UserID: u.ID, Name: "Kim", Mode: fanarchive.DeliverDigest}
	must(t, s.SubscribeToList(ctx, m, confirmHash("one"), c.now().Add(time.Hour), []*fanarchive.OutboundMail{listMail(fanarchive.MailKindListConfirm, "Kim@Example.NET")}))
	if m.ID == 0 || m.State != fanarchive.MemberPending || m.CreatedAt.IsZero() || m.Address != "Kim@Example.NET" {
		t.Errorf("Subscribe set %+v", m)
	}
	if n := queuedOf(t, s, fanarchive.MailKindListConfirm); n != 1 {
		t.Errorf("%d confirmations queued, want 1", n)
	}
	if got, _ := s.FindList(ctx, "level3"); got.Members != 0 {
		t.Errorf("a pending member is counted: %d", got.Members)
	}
	// Asking again replaces the secret: only the newest confirms.
	again := &fanarchive.ListMember{ListID: l.ID, Address: "kim@example.net", Mode: fanarchive.DeliverEach}
	must(t, s.SubscribeToList(ctx, again, confirmHash("two"), c.now().Add(time.Hour), []*fanarchive.OutboundMail{listMail(fanarchive.MailKindListConfirm, "kim@example.net")}))
	if again.ID != m.ID || again.UserID != u.ID || again.Name != "Kim" || !again.CreatedAt.Equal(m.CreatedAt) {
		t.Errorf("second Subscribe = %+v, want member %d kept", again, m.ID)
	}
	_, err := s.ConfirmSubscription(ctx, confirmHash("one"), nil)
	listCode(t, "ConfirmSubscription(replaced secret)", err, fanarchive.ENOTFOUND)
	c.advance(time.Minute)
	welcomed := 0
	got, err := s.ConfirmSubscription(ctx, confirmHash("two"), func(m *fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
		welcomed++
		if m.State != fanarchive.MemberActive {
			t.Errorf("welcome built for a member %s", m.State)
		}
		return []*fanarchive.OutboundMail{listMail(fanarchive.MailKindListNotice, m.Address)}, nil
	})
	must(t, err)
	if got.ID != m.ID || got.State != fanarchive.MemberActive || got.Mode != fanarchive.DeliverEach || got.ConfirmedAt.IsZero() || welcomed != 1 {
		t.Errorf("ConfirmSubscription = %+v (welcomed %d)", got, welcomed)
	}
	if n := queuedOf(t, s, fanarchive.MailKindListNotice); n != 1 {
		t.Errorf("%d welcomes queued, want 1", n)
	}
	_, err = s.ConfirmSubscription(ctx, confirmHash("two"), nil)
	listCode(t, "ConfirmSubscription(used)", err, fanarchive.ENOTFOUND)
	_, err = s.ConfirmSubscription(ctx, confirmHash("never"), nil)
	listCode(t, "ConfirmSubscription(unknown)", err, fanarchive.ENOTFOUND)

	// An active member asking again is told so, and nothing is mailed.
	err = s.SubscribeToList(ctx, &fanarchive.ListMember{ListID: l.ID, Address: "KIM@example.net"}, confirmHash("three"), c.now().Add(time.Hour),
		[]*fanarchive.OutboundMail{listMail(fanarchive.MailKindListConfirm, "kim@example.net")})
	listCode(t, "Subscribe(active member)", err, fanarchive.ECONFLICT)
	if n := queuedOf(t, s, fanarchive.MailKindListConfirm); n != 2 {
		t.Errorf("%d confirmations queued, want 2", n)
	}
	if got, _ := s.FindList(ctx, "level3"); got.Members != 1 {
		t.Errorf("Members = %d, want 1", got.Members)
	}

	// A confirmation expires.
	_, secret := subscribe(t, s, c, l, "late@example.net", fanarchive.DeliverEach)
	c.advance(fanarchive.ListConfirmTokenLife + time.Second)
	_, err = s.ConfirmSubscription(ctx, confirmHash(secret), nil)
	listCode(t, "ConfirmSubscription(expired)", err, fanarchive.ENOTFOUND)
	// A failing welcome builder confirms nothing.
	_, secret = subscribe(t, s, c, l, "fails@example.net", fanarchive.DeliverEach)
	_, err = s.ConfirmSubscription(ctx, confirmHash(secret), func(*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "no")
	})
	listCode(t, "ConfirmSubscription(builder fails)", err, fanarchive.EINVALID)
	if m, err := s.FindMember(ctx, l.ID, "fails@example.net"); err != nil || m.State != fanarchive.MemberPending {
		t.Errorf("after a failed confirmation: %+v, %v", m, err)
	}
	if _, err := s.ConfirmSubscription(ctx, confirmHash(secret), nil); err != nil {
		t.Errorf("confirming after a failed attempt: %v", err)
	}
}

func testListSubscribeInvalid(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	l := newList(t, s, "level3")
	exp := c.now().Add(time.Hour)
	for _, tt := range []struct {
		m    fanarchive.ListMember
		hash string
		code string
	}{
		{fanarchive.ListMember{ListID: 999, Address: "a@example.net"}, "h", fanarchive.ENOTFOUND},
		{fanarchive.ListMember{ListID: l.ID, Address: "not an address"}, "h", fanarchive.EINVALID},
		{fanarchive.ListMember{ListID: l.ID, Address: "a@example.net", Mode: "weekly"}, "h", fanarchive.EINVALID},
		{fanarchive.ListMember{ListID: l.ID, Address: "a@example.net"}, "", fanarchive.EINVALID},
		{fanarchive.ListMember{ListID: l.ID, Address: "a@example.net", Name: "two\nlines"}, "h", fanarchive.EINVALID},
	} {
		err := s.SubscribeToList(ctx, &tt.m, tt.hash, exp, []*fanarchive.OutboundMail{listMail(fanarchive.MailKindListConfirm, "a@example.net")})
		listCode(t, fmt.Sprintf("Subscribe(%+v)", tt.m), err, tt.code)
	}
	// A mail that does not validate stores no member.
	err := s.SubscribeToList(ctx, &fanarchive.ListMember{ListID: l.ID, Address: "a@example.net"}, "h", exp,
		[]*fanarchive.OutboundMail{{Kind: "bad kind", From: "x@example.org", To: "a@example.net"}})
	listCode(t, "Subscribe with a bad mail", err, fanarchive.EINVALID)
	_, err = s.FindMember(ctx, l.ID, "a@example.net")
	listCode(t, "FindMember after a refused subscription", err, fanarchive.ENOTFOUND)
	if n, _ := s.CountMail(ctx); n.Queued != 0 {
		t.Errorf("%d mails queued, want 0", n.Queued)
	}
}

func testListUnsubscribe(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	l := newList(t, s, "level3")
	join(t, s, c, l, "kim@example.net", fanarchive.DeliverEach)
	m, err := s.UnsubscribeFromList(ctx, l.ID, "KIM@example.net", func(m *fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
		return []*fanarchive.OutboundMail{listMail(fanarchive.MailKindListNotice, m.Address)}, nil
	})
	must(t, err)
	if m.State != fanarchive.MemberUnsubscribed || queuedOf(t, s, fanarchive.MailKindListNotice) != 1 {
		t.Errorf("Unsubscribe = %+v", m)
	}
	_, err = s.UnsubscribeFromList(ctx, l.ID, "kim@example.net", nil)
	listCode(t, "Unsubscribe twice", err, fanarchive.ENOTFOUND)
	_, err = s.UnsubscribeFromList(ctx, l.ID, "nobody@example.net", nil)
	listCode(t, "Unsubscribe(non-member)", err, fanarchive.ENOTFOUND)
	// A pending member may leave, and one who left may join again.
	pending, secret := subscribe(t, s, c, l, "pat@example.net", fanarchive.DeliverEach)
	if _, err := s.UnsubscribeFromList(ctx, l.ID, "pat@example.net", nil); err != nil {
		t.Errorf("Unsubscribe(pending): %v", err)
	}
	_, err = s.ConfirmSubscription(ctx, confirmHash(secret), nil)
	listCode(t, "ConfirmSubscription after leaving", err, fanarchive.ENOTFOUND)
	back := join(t, s, c, l, "kim@example.net", fanarchive.DeliverNone)
	if back.ID != m.ID || back.State != fanarchive.MemberActive || back.Mode != fanarchive.DeliverNone {
		t.Errorf("joining again = %+v, want member %d active", back, m.ID)
	}
	_ = pending
}

func testListBans(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	l := newList(t, s, "level3")
	must(t, s.BanAddress(ctx, l.ID, "Troll@Example.net"))
	m, err := s.FindMember(ctx, l.ID, "troll@example.net")
	must(t, err)
	if m.State != fanarchive.MemberBanned || m.Mode != fanarchive.DeliverNone {
		t.Errorf("banned non-member = %+v", m)
	}
	err = s.SubscribeToList(ctx, &fanarchive.ListMember{ListID: l.ID, Address: "troll@example.net"}, confirmHash("x"), c.now().Add(time.Hour),
		[]*fanarchive.OutboundMail{listMail(fanarchive.MailKindListConfirm, "troll@example.net")})
	listCode(t, "Subscribe(banned)", err, fanarchive.ECONFLICT)
	if err == nil || !strings.Contains(fanarchive.ErrorMessage(err), "banned") {
		t.Errorf("Subscribe(banned): %v, want a message saying so", err)
	}
	if n, _ := s.CountMail(ctx); n.Queued != 0 {
		t.Errorf("%d mails queued for a banned address", n.Queued)
	}
	_, err = s.UnsubscribeFromList(ctx, l.ID, "troll@example.net", nil)
	listCode(t, "Unsubscribe(banned)", err, fanarchive.ENOTFOUND)

	// Banning a member, even a pending one, ends its confirmation too.
	member := join(t, s, c, l, "kim@example.net", fanarchive.DeliverEach)
	_, secret := subscribe(t, s, c, l, "pat@example.net", fanarchive.DeliverEach)
	must(t, s.BanAddress(ctx, l.ID, "kim@example.net"))
	must(t, s.BanAddress(ctx, l.ID, "pat@example.net"))
	if got, _ := s.FindMemberByID(ctx, member.ID); got.State != fanarchive.MemberBanned {
		t.Errorf("banned member is %s", got.State)
	}
	_, err = s.ConfirmSubscription(ctx, confirmHash(secret), nil)
	listCode(t, "ConfirmSubscription(banned)", err, fanarchive.ENOTFOUND)
	listCode(t, "BanAddress(no list)", s.BanAddress(ctx, 999, "a@example.net"), fanarchive.ENOTFOUND)
	listCode(t, "BanAddress(bad address)", s.BanAddress(ctx, l.ID, "nope"), fanarchive.EINVALID)
	// A moderator lifts a ban by setting another state.
	must(t, s.SetMemberState(ctx, member.ID, fanarchive.MemberActive))
	if got, _ := s.FindMemberByID(ctx, member.ID); got.State != fanarchive.MemberActive {
		t.Errorf("after lifting the ban: %s", got.State)
	}
}

func testListFindMembers(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	l, other := newList(t, s, "level3"), newList(t, s, "other")
	for _, a := range []string{"cat@example.net", "amy@example.net", "bob@example.org"} {
		join(t, s, c, l, a, fanarchive.DeliverEach)
	}
	join(t, s, c, l, "dan@example.net", fanarchive.DeliverDigest)
	subscribe(t, s, c, l, "eve@example.net", fanarchive.DeliverEach)
	join(t, s, c, other, "zed@example.net", fanarchive.DeliverEach)
	addrs := func(ms []*fanarchive.ListMember) string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Address)
		}
		return strings.Join(out, ",")
	}
	for _, tt := range []struct {
		f     fanarchive.MemberFilter
		want  string
		total int
	}{
		{fanarchive.MemberFilter{}, "amy@example.net,bob@example.org,cat@example.net,dan@example.net,eve@example.net", 5},
		{fanarchive.MemberFilter{State: fanarchive.MemberActive}, "amy@example.net,bob@example.org,cat@example.net,dan@example.net", 4},
		{fanarchive.MemberFilter{State: fanarchive.MemberPending}, "eve@example.net", 1},
		{fanarchive.MemberFilter{Mode: fanarchive.DeliverDigest}, "dan@example.net", 1},
		{fanarchive.MemberFilter{Search: "EXAMPLE.ORG"}, "bob@example.org", 1},
		{fanarchive.MemberFilter{Offset: 1, Limit: 2}, "bob@example.org,cat@example.net", 5},
		{fanarchive.MemberFilter{Offset: 10}, "", 5},
	} {
		got, total, err := s.FindMembers(ctx, l.ID, tt.f)
		if err != nil || addrs(got) != tt.want || total != tt.total {
			t.Errorf("FindMembers(%+v) = [%s] (%d), %v; want [%s] (%d)", tt.f, addrs(got), total, err, tt.want, tt.total)
		}
	}
	for _, f := range []fanarchive.MemberFilter{
		{State: "asleep"}, {Mode: "weekly"}, {Offset: -1}, {Limit: -1}, {Search: strings.Repeat("x", 300)},
	} {
		_, _, err := s.FindMembers(ctx, l.ID, f)
		listCode(t, fmt.Sprintf("FindMembers(%+v)", f), err, fanarchive.EINVALID)
	}
	m, err := s.FindMember(ctx, l.ID, "AMY@example.net")
	must(t, err)
	if byID, err := s.FindMemberByID(ctx, m.ID); err != nil || byID.Address != "amy@example.net" || byID.ListID != l.ID {
		t.Errorf("FindMemberByID = %+v, %v", byID, err)
	}
	_, err = s.FindMember(ctx, other.ID, "amy@example.net")
	listCode(t, "FindMember(other list)", err, fanarchive.ENOTFOUND)
	_, err = s.FindMemberByID(ctx, 999)
	listCode(t, "FindMemberByID(999)", err, fanarchive.ENOTFOUND)
}

func testListUserMemberships(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	u := newUser(t, s, "Kim Reader") // kim.reader@example.net, confirmed
	b, a, z := newList(t, s, "beta"), newList(t, s, "alpha"), newList(t, s, "zeta")
	// By address (joined before the account, or logged out), by account ID
	// with another address, and one left.
	join(t, s, c, b, "Kim.Reader@example.net", fanarchive.DeliverEach)
	m := &fanarchive.ListMember{ListID: a.ID, Address: "kim-other@example.org", UserID: u.ID, Mode: fanarchive.DeliverDigest}
	must(t, s.SubscribeToList(ctx, m, confirmHash("k"), c.now().Add(time.Hour), nil))
	join(t, s, c, z, "kim.reader@example.net", fanarchive.DeliverEach)
	_, err := s.UnsubscribeFromList(ctx, z.ID, "kim.reader@example.net", nil)
	must(t, err)
	join(t, s, c, b, "someone@example.net", fanarchive.DeliverEach)
	got, err := s.FindUserMemberships(ctx, u.ID)
	must(t, err)
	if len(got) != 2 || got[0].ListID != a.ID || got[0].State != fanarchive.MemberPending || got[1].ListID != b.ID {
		t.Errorf("FindUserMemberships = %+v", got)
	}
	if got, err := s.FindUserMemberships(ctx, 999); err != nil || len(got) != 0 {
		t.Errorf("FindUserMemberships(999) = %v, %v", got, err)
	}
	// An unconfirmed address does not claim memberships.
	v := &fanarchive.User{Name: "Unconfirmed", Email: "someone@example.net", PasswordHash: "$argon2id$x"}
	must(t, s.CreateUser(ctx, v, nil, nil))
	if got, err := s.FindUserMemberships(ctx, v.ID); err != nil || len(got) != 0 {
		t.Errorf("FindUserMemberships(unconfirmed) = %v, %v", got, err)
	}
}

func testListMemberModeState(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	l := newList(t, s, "level3")
	m := join(t, s, c, l, "kim@example.net", fanarchive.DeliverEach)
	must(t, s.SetMemberMode(ctx, m.ID, fanarchive.DeliverDigest))
	listCode(t, "SetMemberMode(weekly)", s.SetMemberMode(ctx, m.ID, "weekly"), fanarchive.EINVALID)
	listCode(t, "SetMemberMode(999)", s.SetMemberMode(ctx, 999, fanarchive.DeliverEach), fanarchive.ENOTFOUND)
	listCode(t, "SetMemberState(asleep)", s.SetMemberState(ctx, m.ID, "asleep"), fanarchive.EINVALID)
	listCode(t, "SetMemberState(999)", s.SetMemberState(ctx, 999, fanarchive.MemberActive), fanarchive.ENOTFOUND)
	for d := 0; d < 2; d++ {
		_, err := s.RecordListBounce(ctx, m.ID, c.now().AddDate(0, 0, d), 5)
		must(t, err)
	}
	must(t, s.SetMemberState(ctx, m.ID, fanarchive.MemberDisabled))
	got, _ := s.FindMemberByID(ctx, m.ID)
	if got.State != fanarchive.MemberDisabled || got.Mode != fanarchive.DeliverDigest || got.Bounces != 2 {
		t.Errorf("member = %+v", got)
	}
	must(t, s.SetMemberState(ctx, m.ID, fanarchive.MemberActive))
	got, _ = s.FindMemberByID(ctx, m.ID)
	if got.State != fanarchive.MemberActive || got.Bounces != 0 || !got.LastBounceAt.IsZero() {
		t.Errorf("re-enabled member = %+v, want its bounces cleared", got)
	}
	// A moderator adding a member by hand: pending made active.
	p, _ := subscribe(t, s, c, l, "pat@example.net", fanarchive.DeliverEach)
	must(t, s.SetMemberState(ctx, p.ID, fanarchive.MemberActive))
	if got, _ := s.FindMemberByID(ctx, p.ID); got.State != fanarchive.MemberActive || got.ConfirmedAt.IsZero() {
		t.Errorf("activated pending member = %+v", got)
	}
}

func testListBounces(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	l := newList(t, s, "level3")
	m := join(t, s, c, l, "kim@example.net", fanarchive.DeliverEach)
	day0 := c.now()
	for _, tt := range []struct {
		at       time.Time
		disabled bool
		bounces  int
	}{
		{day0, false, 1},
		{day0.Add(time.Hour), false, 1}, // the same day counts once
		{day0.Add(13 * time.Hour), false, 1},
		{day0.AddDate(0, 0, 1), false, 2},
		{day0.AddDate(0, 0, 2), true, 3}, // the limit: disabled, reported once
		{day0.AddDate(0, 0, 3), false, 4},
	} {
		disabled, err := s.RecordListBounce(ctx, m.ID, tt.at, 3)
		must(t, err)
		got, _ := s.FindMemberByID(ctx, m.ID)
		if disabled != tt.disabled || got.Bounces != tt.bounces {
			t.Errorf("RecordListBounce(%s) = %v, bounces %d; want %v, %d", tt.at, disabled, got.Bounces, tt.disabled, tt.bounces)
		}
	}
	got, _ := s.FindMemberByID(ctx, m.ID)
	if got.State != fanarchive.MemberDisabled || !got.LastBounceAt.Equal(day0.AddDate(0, 0, 3)) {
		t.Errorf("member = %+v, want disabled", got)
	}
	// A disabled member may ask to join again: pending, then active.
	again := join(t, s, c, l, "kim@example.net", fanarchive.DeliverEach)
	if again.ID != m.ID || again.State != fanarchive.MemberActive || again.Bounces != 0 {
		t.Errorf("rejoined = %+v", again)
	}
	// The default limit.
	o := join(t, s, c, l, "pat@example.net", fanarchive.DeliverEach)
	for d := 0; d < fanarchive.DefaultBounceDisable; d++ {
		disabled, err := s.RecordListBounce(ctx, o.ID, day0.AddDate(0, 0, d), 0)
		must(t, err)
		if disabled != (d == fanarchive.DefaultBounceDisable-1) {
			t.Errorf("bounce %d: disabled = %v", d+1, disabled)
		}
	}
	_, err := s.RecordListBounce(ctx, 999, day0, 3)
	listCode(t, "RecordListBounce(999)", err, fanarchive.ENOTFOUND)
}

// newMessage is a message to l from addr, posted unless held.
func newMessage(l *fanarchive.List, key, subject string) *fanarchive.ListMessage {
	return &fanarchive.ListMessage{ListID: l.ID, Key: key, MessageID: "<" + key + "@example.net>", Subject: subject,
		FromName: "Kim", FromAddress: "kim@example.net", Text: "Text of " + subject + ".", State: fanarchive.ListMessagePosted,
		Date: time.Date(2026, time.May, 4, 9, 0, 0, 0, time.UTC),
		Raw:  []byte("Message-ID: <" + key + "@example.net>\r\nSubject: " + subject + "\r\n\r\nText of " + subject + ".\r\n")}
}

// receive stores m with no fan-out.
func receive(t *testing.T, s fanarchive.Store, m *fanarchive.ListMessage) *fanarchive.ListMessage {
	t.Helper()
	if err := s.ReceiveListMessage(context.Background(), m, nil, nil); err != nil {
		t.Fatalf("ReceiveListMessage(%s): %v", m.Key, err)
	}
	return m
}

// postFanout builds one mail per member sharing one body, and records the
// chunks it was given.
type postFanout struct {
	body   *fanarchive.MailBody
	chunks [][]*fanarchive.ListMember
}

func (f *postFanout) fanout(m *fanarchive.ListMessage, members []*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
	if f.body == nil {
		f.body = &fanarchive.MailBody{Raw: rawMail(m.Subject)}
	}
	f.chunks = append(f.chunks, members)
	mails := make([]*fanarchive.OutboundMail, len(members))
	for i, mb := range members {
		mails[i] = &fanarchive.OutboundMail{Kind: fanarchive.MailKindListPost, Key: fmt.Sprintf("list-post:%d:%d", m.ID, mb.ID),
			From: fmt.Sprintf("level3-bounces+%d@lists.example.org", mb.ID), To: mb.Address, Body: f.body,
			Header: []byte(fmt.Sprintf("List-Unsubscribe: <https://example.org/u/%d>\r\n", mb.ID))}
	}
	return mails, nil
}

func testListReceive(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	l := newList(t, s, "level3")
	raw := []byte("Subject: caf\xe9\r\n\r\nBytes \x00 kept\r\n")
	m := newMessage(l, "spool-1", "Hello")
	m.Raw, m.References, m.InReplyTo, m.HTML = raw, []string{"<a@x>", "<b@x>"}, "<b@x>", "<p>Hi</p>"
	m.Date = time.Time{}
	if err := s.ReceiveListMessage(ctx, m, nil, []*fanarchive.OutboundMail{listMail(fanarchive.MailKindListNotice, "kim@example.net")}); err != nil {
		t.Fatal(err)
	}
	if m.ID == 0 || m.ThreadID != m.ID || !m.ReceivedAt.Equal(c.now()) || !m.Date.Equal(c.now()) {
		t.Errorf("ReceiveListMessage set %+v", m)
	}
	if queuedOf(t, s, fanarchive.MailKindListNotice) != 1 {
		t.Error("the notice was not queued")
	}
	got, err := s.FindListMessage(ctx, m.ID)
	must(t, err)
	if got.Key != "spool-1" || got.MessageID != m.MessageID || strings.Join(got.References, " ") != "<a@x> <b@x>" ||
		got.InReplyTo != "<b@x>" || got.Subject != "Hello" || got.FromAddress != "kim@example.net" || got.FromName != "Kim" ||
		got.Text != m.Text || got.HTML != "<p>Hi</p>" || got.State != fanarchive.ListMessagePosted || got.Raw != nil ||
		!got.Date.Equal(m.Date) || got.ThreadID != m.ID {
		t.Errorf("FindListMessage = %+v", got)
	}
	if b, err := s.ListMessageRaw(ctx, m.ID); err != nil || string(b) != string(raw) {
		t.Errorf("ListMessageRaw = %q, %v; want the bytes as received", b, err)
	}
	if byID, err := s.FindListMessageByMessageID(ctx, l.ID, m.MessageID); err != nil || byID.ID != m.ID {
		t.Errorf("FindListMessageByMessageID = %+v, %v", byID, err)
	}
	_, err = s.FindListMessageByMessageID(ctx, l.ID, "<nope@x>")
	listCode(t, "FindListMessageByMessageID(unknown)", err, fanarchive.ENOTFOUND)
	_, err = s.FindListMessage(ctx, 999)
	listCode(t, "FindListMessage(999)", err, fanarchive.ENOTFOUND)
	_, err = s.ListMessageRaw(ctx, 999)
	listCode(t, "ListMessageRaw(999)", err, fanarchive.ENOTFOUND)

	held := newMessage(l, "spool-2", "Held one")
	held.State, held.HoldReason = fanarchive.ListMessageHeld, "not a member"
	receive(t, s, held)
	got, err = s.FindListMessage(ctx, held.ID)
	must(t, err)
	if got.State != fanarchive.ListMessageHeld || got.HoldReason != "not a member" || got.ThreadID != held.ID {
		t.Errorf("held message = %+v", got)
	}
	// The same Message-ID on another list is another message.
	other := newList(t, s, "other")
	dup := newMessage(other, "spool-1", "Hello")
	receive(t, s, dup)
	if dup.ID == m.ID {
		t.Error("a second list's message took the first's")
	}
	if byID, err := s.FindListMessageByMessageID(ctx, other.ID, m.MessageID); err != nil || byID.ID != dup.ID {
		t.Errorf("FindListMessageByMessageID(other) = %+v, %v", byID, err)
	}
}

func testListReceiveIdempotent(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	l := newList(t, s, "level3")
	join(t, s, c, l, "amy@example.net", fanarchive.DeliverEach)
	f := &postFanout{}
	m := newMessage(l, "spool-1", "Once")
	must(t, s.ReceiveListMessage(ctx, m, f.fanout, []*fanarchive.OutboundMail{listMail(fanarchive.MailKindListNotice, "kim@example.net")}))
	again := newMessage(l, "spool-1", "Once")
	again.State = fanarchive.ListMessageHeld
	f2 := &postFanout{}
	err := s.ReceiveListMessage(ctx, again, f2.fanout, []*fanarchive.OutboundMail{listMail(fanarchive.MailKindListNotice, "kim@example.net")})
	listCode(t, "ReceiveListMessage twice", err, fanarchive.ECONFLICT)
	if again.ID != m.ID || again.State != fanarchive.ListMessagePosted {
		t.Errorf("the retry was given ID %d, state %s; want %d, posted", again.ID, again.State, m.ID)
	}
	if len(f2.chunks) != 0 || queuedOf(t, s, fanarchive.MailKindListPost) != 1 || queuedOf(t, s, fanarchive.MailKindListNotice) != 1 {
		t.Errorf("a retry queued mail again")
	}
	if _, n, _ := s.FindListMessages(ctx, fanarchive.ListMessageFilter{ListID: l.ID}); n != 1 {
		t.Errorf("%d messages stored, want 1", n)
	}
}

func testListReceiveInvalid(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	l := newList(t, s, "level3")
	for _, tt := range []struct {
		change func(m *fanarchive.ListMessage)
		code   string
	}{
		{func(m *fanarchive.ListMessage) { m.ListID = 999 }, fanarchive.ENOTFOUND},
		{func(m *fanarchive.ListMessage) { m.Key = "" }, fanarchive.EINVALID},
		{func(m *fanarchive.ListMessage) { m.State = "deleted" }, fanarchive.EINVALID},
		{func(m *fanarchive.ListMessage) { m.State = "" }, fanarchive.EINVALID},
		{func(m *fanarchive.ListMessage) { m.Subject = "bad \xff" }, fanarchive.EINVALID},
		{func(m *fanarchive.ListMessage) { m.MessageID = "<a@x> <b@x>" }, fanarchive.EINVALID},
		{func(m *fanarchive.ListMessage) { m.References = []string{""} }, fanarchive.EINVALID},
	} {
		m := newMessage(l, "k", "Subject")
		tt.change(m)
		listCode(t, fmt.Sprintf("ReceiveListMessage(%+v)", m), s.ReceiveListMessage(ctx, m, nil, nil), tt.code)
	}
	// A notice that does not validate stores nothing.
	m := newMessage(l, "k", "Subject")
	err := s.ReceiveListMessage(ctx, m, nil, []*fanarchive.OutboundMail{{Kind: "x", From: "bad", To: "a@example.net"}})
	listCode(t, "ReceiveListMessage with a bad notice", err, fanarchive.EINVALID)
	if _, n, _ := s.FindListMessages(ctx, fanarchive.ListMessageFilter{ListID: l.ID}); n != 0 {
		t.Errorf("%d messages stored after refusals", n)
	}
	receive(t, s, newMessage(l, "k", "Subject")) // the key is still free

	// A refused message (a loop, a robot) is kept as refused: its bytes
	// stay, nobody is mailed, the archive does not show it.
	r := newMessage(l, "refused", "Around again")
	r.State, r.HoldReason = fanarchive.ListMessageRejected, "mail loop"
	fanned := false
	if err := s.ReceiveListMessage(ctx, r, func(*fanarchive.ListMessage, []*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
		fanned = true
		return nil, nil
	}, nil); err != nil {
		t.Fatalf("ReceiveListMessage(refused): %v", err)
	}
	if fanned || r.State != fanarchive.ListMessageRejected {
		t.Errorf("a refused message: state %s, fanned out %v", r.State, fanned)
	}
	if raw, err := s.ListMessageRaw(ctx, r.ID); err != nil || len(raw) == 0 {
		t.Errorf("a refused message's bytes: %d, %v", len(raw), err)
	}
	if _, n, _ := s.FindListMessages(ctx, fanarchive.ListMessageFilter{ListID: l.ID}); n != 1 {
		t.Errorf("the archive shows %d messages, want the one posted", n)
	}
}

func testListThreading(t *testing.T, s fanarchive.Store, c *clock) {
	l := newList(t, s, "level3")
	at := func(d int) time.Time { return time.Date(2026, time.May, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
	msg := func(key, subject string, d int, change func(m *fanarchive.ListMessage)) *fanarchive.ListMessage {
		m := newMessage(l, key, subject)
		m.Date = at(d)
		if change != nil {
			change(m)
		}
		return receive(t, s, m)
	}
	root := msg("root", "The Road Home (1/3)", 0, nil)
	reply := msg("reply", "Re: [level3] The Road Home (1/3)", 1, func(m *fanarchive.ListMessage) { m.InReplyTo = root.MessageID })
	// In-Reply-To unknown: References, last first.
	other := msg("other", "Something else", 1, nil)
	refs := msg("refs", "Unrelated subject", 2, func(m *fanarchive.ListMessage) {
		m.InReplyTo = "<unknown@x>"
		m.References = []string{other.MessageID, reply.MessageID, "<missing@x>"}
	})
	// By subject, in the window; another part is another thread.
	bySubject := msg("subj", "RE: Fwd: the road  home (1/3)", 20, nil)
	part2 := msg("part2", "The Road Home (2/3)", 3, nil)
	// Outside the window, or no subject: a thread of its own.
	late := msg("late", "Re: Something else", 40, nil)
	blank := msg("blank", "Re:", 2, nil)
	blank2 := msg("blank2", "Re: ", 2, nil)
	orphan := msg("orphan", "Reply before its parent", 2, func(m *fanarchive.ListMessage) { m.InReplyTo = "<later@x>" })
	// A held message is not threaded against.
	held := msg("held", "Held topic", 2, func(m *fanarchive.ListMessage) { m.State = fanarchive.ListMessageHeld })
	heldReply := msg("heldreply", "Re: Held topic", 3, func(m *fanarchive.ListMessage) { m.InReplyTo = held.MessageID })
	for _, tt := range []struct {
		m    *fanarchive.ListMessage
		want int64
	}{
		{root, root.ID}, {reply, root.ID}, {other, other.ID}, {refs, root.ID}, {bySubject, root.ID}, {part2, part2.ID},
		{late, late.ID}, {blank, blank.ID}, {blank2, blank2.ID}, {orphan, orphan.ID}, {heldReply, heldReply.ID},
	} {
		got, err := s.FindListMessage(context.Background(), tt.m.ID)
		must(t, err)
		if tt.m.ThreadID != tt.want || got.ThreadID != tt.want {
			t.Errorf("%s: thread %d (stored %d), want %d", tt.m.Key, tt.m.ThreadID, got.ThreadID, tt.want)
		}
	}
	// Approved, the held message threads too, and its replies after it.
	ctx := context.Background()
	heldReply2 := msg("heldreply2", "Re: Re: [level3] Held topic", 4, func(m *fanarchive.ListMessage) { m.State = fanarchive.ListMessageHeld })
	ok, err := s.ModerateListMessage(ctx, heldReply2.ID, fanarchive.ModerationApprove, 0, nil)
	must(t, err)
	if ok.ThreadID != heldReply.ID {
		t.Errorf("approved reply: thread %d, want %d (by subject)", ok.ThreadID, heldReply.ID)
	}
	ts, n, err := s.FindListMessages(ctx, fanarchive.ListMessageFilter{ListID: l.ID, ThreadID: root.ID})
	must(t, err)
	if n != 4 || ts[0].ID != root.ID || ts[1].ID != reply.ID || ts[2].ID != refs.ID || ts[3].ID != bySubject.ID {
		t.Errorf("thread %d: %d messages %v", root.ID, n, ts)
	}
	if got := fanarchive.ThreadSubject("Re: [level3] RE[2]: Fwd:  The   Road"); got != "the road" {
		t.Errorf("ThreadSubject = %q", got)
	}
}

// fanoutList makes a list with members: n each, some digest and none,
// some pending, unsubscribed, disabled and banned.
func fanoutList(t *testing.T, s fanarchive.Store, c *clock, n int) (*fanarchive.List, map[string]bool) {
	t.Helper()
	ctx := context.Background()
	l := newList(t, s, "level3")
	want := map[string]bool{}
	for i := 0; i < n; i++ {
		addr := fmt.Sprintf("m%05d@example.net", i)
		mode := fanarchive.DeliverEach
		switch i % 10 {
		case 1:
			mode = fanarchive.DeliverDigest
		case 2:
			mode = fanarchive.DeliverNone
		case 3:
			subscribe(t, s, c, l, addr, mode)
			continue
		}
		m := join(t, s, c, l, addr, mode)
		switch i % 50 {
		case 4:
			must(t, s.SetMemberState(ctx, m.ID, fanarchive.MemberDisabled))
			continue
		case 5:
			_, err := s.UnsubscribeFromList(ctx, l.ID, addr, nil)
			must(t, err)
			continue
		case 6:
			must(t, s.BanAddress(ctx, l.ID, addr))
			continue
		}
		if mode == fanarchive.DeliverEach {
			want[addr] = true
		}
	}
	return l, want
}

func testListFanout(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	l, want := fanoutList(t, s, c, 2500)
	f := &postFanout{}
	m := newMessage(l, "post", "To everyone")
	must(t, s.ReceiveListMessage(ctx, m, f.fanout, nil))
	var last int64
	got := 0
	for i, chunk := range f.chunks {
		if len(chunk) == 0 || len(chunk) > 1000 {
			t.Errorf("chunk %d has %d members", i, len(chunk))
		}
		for _, mb := range chunk {
			if mb.ID <= last {
				t.Errorf("member %d after %d: not by ID", mb.ID, last)
			}
			last = mb.ID
			if !want[mb.Address] || mb.State != fanarchive.MemberActive || mb.Mode != fanarchive.DeliverEach {
				t.Errorf("fanned out to %+v", mb)
			}
			got++
		}
	}
	if got != len(want) || len(f.chunks) < 2 {
		t.Errorf("fanned out to %d members in %d chunks, want %d members in several", got, len(f.chunks), len(want))
	}
	mails, total, err := s.FindMail(ctx, fanarchive.MailFilter{Kind: fanarchive.MailKindListPost, Limit: 1000})
	must(t, err)
	if total != len(want) {
		t.Errorf("%d posts queued, want %d", total, len(want))
	}
	for _, ml := range mails {
		if ml.Body.ID != f.body.ID || f.body.ID == 0 {
			t.Fatalf("mail %d has body %d, want the one shared body %d", ml.ID, ml.Body.ID, f.body.ID)
		}
	}
	// A held message is not fanned out until approved.
	f2 := &postFanout{}
	h := newMessage(l, "held", "Held")
	h.State = fanarchive.ListMessageHeld
	must(t, s.ReceiveListMessage(ctx, h, f2.fanout, nil))
	if len(f2.chunks) != 0 {
		t.Error("a held message was fanned out")
	}
	_, err = s.ModerateListMessage(ctx, h.ID, fanarchive.ModerationApprove, 0, f2.fanout)
	must(t, err)
	if n := queuedOf(t, s, fanarchive.MailKindListPost); n != 2*len(want) {
		t.Errorf("%d posts queued after approval, want %d", n, 2*len(want))
	}
}

func testListFanoutFails(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	l, want := fanoutList(t, s, c, 300)
	// A fan-out whose builder fails stores nothing.
	m := newMessage(l, "post", "Try")
	broken := func(*fanarchive.ListMessage, []*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
		return nil, fmt.Errorf("builder broke")
	}
	if err := s.ReceiveListMessage(ctx, m, broken, nil); err == nil {
		t.Fatal("a failing fan-out was stored")
	}
	// Nor does one whose notice is refused after the members' mails were
	// queued in the transaction; the shared body's ID is undone with it.
	f := &postFanout{}
	m = newMessage(l, "post", "Try")
	bad := &fanarchive.OutboundMail{Kind: fanarchive.MailKindListNotice, From: "bad address", To: "kim@example.net", Body: &fanarchive.MailBody{Raw: rawMail("x")}}
	listCode(t, "ReceiveListMessage with a bad notice", s.ReceiveListMessage(ctx, m, f.fanout, []*fanarchive.OutboundMail{bad}), fanarchive.EINVALID)
	if n := queuedOf(t, s, fanarchive.MailKindListPost); n != 0 {
		t.Errorf("%d posts queued by a failed fan-out", n)
	}
	if f.body == nil || f.body.ID != 0 {
		t.Errorf("the body kept the ID of a rolled-back transaction: %+v", f.body)
	}
	if _, n, _ := s.FindListMessages(ctx, fanarchive.ListMessageFilter{ListID: l.ID}); n != 0 {
		t.Errorf("%d messages stored", n)
	}
	// The retry, with the same key and body, is stored and mailed once.
	m = newMessage(l, "post", "Try")
	must(t, s.ReceiveListMessage(ctx, m, f.fanout, nil))
	if n := queuedOf(t, s, fanarchive.MailKindListPost); n != len(want) {
		t.Errorf("%d posts queued, want %d", n, len(want))
	}
	if mails, _, _ := s.FindMail(ctx, fanarchive.MailFilter{Kind: fanarchive.MailKindListPost, Limit: 1}); len(mails) != 1 || mails[0].Body.ID != f.body.ID {
		t.Errorf("queued mails do not share body %d", f.body.ID)
	}
}

func testListModerate(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	l := newList(t, s, "level3")
	mod := newUser(t, s, "Moderator")
	join(t, s, c, l, "amy@example.net", fanarchive.DeliverEach)
	held := func(key, from string) *fanarchive.ListMessage {
		m := newMessage(l, key, "Subject "+key)
		m.State, m.HoldReason, m.FromAddress = fanarchive.ListMessageHeld, "not a member", from
		return receive(t, s, m)
	}
	a, r, b := held("a", "new@example.net"), held("r", "spam@example.net"), held("b", "Troll@example.net")
	queue, n, err := s.FindListMessages(ctx, fanarchive.ListMessageFilter{ListID: l.ID, State: fanarchive.ListMessageHeld})
	must(t, err)
	if n != 3 || len(queue) != 3 {
		t.Errorf("moderation queue has %d", n)
	}
	c.advance(time.Minute)
	f := &postFanout{}
	var sawRaw, sawFrom string
	fanout := func(m *fanarchive.ListMessage, members []*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
		sawRaw, sawFrom = string(m.Raw), m.FromAddress
		return f.fanout(m, members)
	}
	got, err := s.ModerateListMessage(ctx, a.ID, fanarchive.ModerationApprove, mod.ID, fanout)
	must(t, err)
	if sawRaw != string(a.Raw) || sawFrom != "new@example.net" {
		t.Errorf("the approved message's fan-out saw raw %q from %q; want the bytes as received", sawRaw, sawFrom)
	}
	if got.State != fanarchive.ListMessagePosted || got.ModeratedBy != mod.ID || !got.ModeratedAt.Equal(c.now()) || got.HoldReason != "" {
		t.Errorf("approved = %+v", got)
	}
	if queuedOf(t, s, fanarchive.MailKindListPost) != 1 {
		t.Error("the approved post was not fanned out")
	}
	got, err = s.ModerateListMessage(ctx, r.ID, fanarchive.ModerationReject, 0, f.fanout)
	must(t, err)
	if got.State != fanarchive.ListMessageRejected || got.ModeratedBy != 0 {
		t.Errorf("rejected = %+v", got)
	}
	_, err = s.ModerateListMessage(ctx, b.ID, fanarchive.ModerationBan, mod.ID, f.fanout)
	must(t, err)
	if m, err := s.FindMember(ctx, l.ID, "troll@example.net"); err != nil || m.State != fanarchive.MemberBanned {
		t.Errorf("banned sender: %+v, %v", m, err)
	}
	if n := queuedOf(t, s, fanarchive.MailKindListPost); n != 1 {
		t.Errorf("%d posts queued, want 1", n)
	}
	for _, id := range []int64{a.ID, r.ID, b.ID} {
		_, err := s.ModerateListMessage(ctx, id, fanarchive.ModerationApprove, mod.ID, f.fanout)
		listCode(t, "ModerateListMessage again", err, fanarchive.ECONFLICT)
	}
	_, err = s.ModerateListMessage(ctx, 999, fanarchive.ModerationApprove, mod.ID, f.fanout)
	listCode(t, "ModerateListMessage(999)", err, fanarchive.ENOTFOUND)
	_, err = s.ModerateListMessage(ctx, a.ID, "shrug", mod.ID, f.fanout)
	listCode(t, "ModerateListMessage(shrug)", err, fanarchive.EINVALID)
	if _, n, _ := s.FindListMessages(ctx, fanarchive.ListMessageFilter{ListID: l.ID, State: fanarchive.ListMessageRejected}); n != 2 {
		t.Errorf("%d rejected, want 2", n)
	}
	if _, n, _ := s.FindListMessages(ctx, fanarchive.ListMessageFilter{ListID: l.ID}); n != 1 {
		t.Errorf("%d posted, want 1", n)
	}
}

func testListArchive(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	l, other := newList(t, s, "level3"), newList(t, s, "other")
	var ids []int64
	for i, tt := range []struct {
		subject, text string
		date          time.Time
	}{
		{"Lanterns in the rain", "A story about lanterns.", time.Date(2026, 3, 30, 23, 0, 0, 0, time.UTC)},
		{"Re: Lanterns in the rain", "Loved the lantern scene.", time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)},
		{"Crossover challenge", "Who writes Smallville crossovers? Café talk.", time.Date(2026, 4, 2, 8, 0, 0, 0, time.UTC)},
		{"Re: Crossover challenge", "Me.", time.Date(2026, 4, 30, 23, 59, 0, 0, time.UTC)},
	} {
		m := newMessage(l, fmt.Sprintf("k%d", i), tt.subject)
		m.Text, m.Date = tt.text, tt.date
		ids = append(ids, receive(t, s, m).ID)
	}
	h := newMessage(l, "held", "Lanterns held")
	h.State = fanarchive.ListMessageHeld
	receive(t, s, h)
	o := newMessage(other, "o", "Lanterns elsewhere")
	receive(t, s, o)
	idsOf := func(ms []*fanarchive.ListMessage) string {
		var out []string
		for _, m := range ms {
			out = append(out, fmt.Sprint(m.ID))
		}
		return strings.Join(out, ",")
	}
	idList := func(ids ...int64) string {
		var out []string
		for _, id := range ids {
			out = append(out, fmt.Sprint(id))
		}
		return strings.Join(out, ",")
	}
	for _, tt := range []struct {
		f     fanarchive.ListMessageFilter
		want  string
		total int
	}{
		{fanarchive.ListMessageFilter{ListID: l.ID}, idList(ids...), 4},
		{fanarchive.ListMessageFilter{ListID: l.ID, Newest: true, Limit: 2}, idList(ids[3], ids[2]), 4},
		{fanarchive.ListMessageFilter{ListID: l.ID, Offset: 3}, idList(ids[3]), 4},
		{fanarchive.ListMessageFilter{ListID: l.ID, Month: "2026-04"}, idList(ids[1], ids[2], ids[3]), 3},
		{fanarchive.ListMessageFilter{ListID: l.ID, Month: "2026-03"}, idList(ids[0]), 1},
		{fanarchive.ListMessageFilter{ListID: l.ID, Month: "2025-12"}, "", 0},
		{fanarchive.ListMessageFilter{ListID: l.ID, ThreadID: ids[2]}, idList(ids[2], ids[3]), 2},
		{fanarchive.ListMessageFilter{ListID: l.ID, Query: "lanterns"}, idList(ids[0], ids[1]), 2},
		{fanarchive.ListMessageFilter{ListID: l.ID, Query: "LANTERN"}, idList(ids[1]), 1},
		{fanarchive.ListMessageFilter{ListID: l.ID, Query: "cafe smallville"}, idList(ids[2]), 1},
		{fanarchive.ListMessageFilter{ListID: l.ID, Query: `"crossover" *`}, idList(ids[2], ids[3]), 2},
		{fanarchive.ListMessageFilter{ListID: l.ID, Query: "lanterns", Month: "2026-04"}, idList(ids[1]), 1},
		{fanarchive.ListMessageFilter{ListID: l.ID, Query: "held"}, "", 0},
	} {
		got, total, err := s.FindListMessages(ctx, tt.f)
		if err != nil || idsOf(got) != tt.want || total != tt.total {
			t.Errorf("FindListMessages(%+v) = [%s] (%d), %v; want [%s] (%d)", tt.f, idsOf(got), total, err, tt.want, tt.total)
		}
	}
	months, err := s.ListArchiveMonths(ctx, l.ID)
	must(t, err)
	if fmt.Sprint(months) != "[{2026-04 3 2} {2026-03 1 1}]" {
		t.Errorf("ListArchiveMonths = %v", months)
	}
	if months, err := s.ListArchiveMonths(ctx, 999); err != nil || len(months) != 0 {
		t.Errorf("ListArchiveMonths(999) = %v, %v", months, err)
	}
}

func testListArchiveInvalid(t *testing.T, s fanarchive.Store, c *clock) {
	l := newList(t, s, "level3")
	for _, f := range []fanarchive.ListMessageFilter{
		{},
		{ListID: l.ID, State: "lost"},
		{ListID: l.ID, Month: "2026-4"},
		{ListID: l.ID, Month: "April"},
		{ListID: l.ID, Offset: -1},
		{ListID: l.ID, Limit: -1},
		{ListID: l.ID, ThreadID: -1},
		{ListID: l.ID, Query: `"" ** ()`},
		{ListID: l.ID, Query: "lanterns", State: fanarchive.ListMessageHeld},
		{ListID: l.ID, Query: strings.Repeat("word ", 300)},
	} {
		_, _, err := s.FindListMessages(context.Background(), f)
		listCode(t, fmt.Sprintf("FindListMessages(%+v)", f), err, fanarchive.EINVALID)
	}
}

func testListWorks(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	l := newList(t, s, "level3")
	w := create(t, s, newWork("The Road Home"))
	var parts []*fanarchive.ListMessage
	for i := 3; i >= 1; i-- {
		m := newMessage(l, fmt.Sprintf("part%d", i), fmt.Sprintf("The Road Home (%d/3)", i))
		parts = append(parts, receive(t, s, m))
		must(t, s.SetListMessageWork(ctx, m.ID, w.ID, i))
	}
	receive(t, s, newMessage(l, "talk", "Talk"))
	got, err := s.FindWorkListPosts(ctx, w.ID)
	must(t, err)
	if len(got) != 3 || got[0].Chapter != 1 || got[0].ID != parts[2].ID || got[2].Chapter != 3 || got[1].WorkID != w.ID {
		t.Errorf("FindWorkListPosts = %v", got)
	}
	listCode(t, "SetListMessageWork(999)", s.SetListMessageWork(ctx, 999, w.ID, 1), fanarchive.ENOTFOUND)
	listCode(t, "SetListMessageWork(chapter 0)", s.SetListMessageWork(ctx, parts[0].ID, w.ID, 0), fanarchive.EINVALID)
	if err := s.SetListMessageWork(ctx, parts[0].ID, 999, 1); err == nil {
		t.Error("SetListMessageWork(no work) succeeded")
	}
	if got, err := s.FindWorkListPosts(ctx, 999); err != nil || len(got) != 0 {
		t.Errorf("FindWorkListPosts(999) = %v, %v", got, err)
	}
}

// digestBuilder builds one mail per member, keyed by the digest's first
// message, and records what it was given.
type digestBuilder struct {
	calls    int
	messages [][]*fanarchive.ListMessage
	members  int
}

func (d *digestBuilder) build(l *fanarchive.List, messages []*fanarchive.ListMessage, members []*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
	d.calls++
	d.messages = append(d.messages, messages)
	d.members += len(members)
	body := &fanarchive.MailBody{Raw: rawMail("digest")}
	var mails []*fanarchive.OutboundMail
	for _, m := range members {
		if m.Mode != fanarchive.DeliverDigest || m.State != fanarchive.MemberActive {
			return nil, fmt.Errorf("digest for %+v", m)
		}
		mails = append(mails, &fanarchive.OutboundMail{Kind: fanarchive.MailKindListDigest,
			Key:  fmt.Sprintf("list-digest:%d:%d:%d", l.ID, messages[0].ID, m.ID),
			From: "level3-bounces@lists.example.org", To: m.Address, Body: body})
	}
	return mails, nil
}

func testListDigests(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	// The clock is 2026-05-04 10:00; level3's digest hour is 6, alpha's 12.
	l := &fanarchive.List{Name: "level3", Address: "level3@example.org", DigestHour: 6}
	must(t, s.CreateList(ctx, l))
	a := &fanarchive.List{Name: "alpha", Address: "alpha@example.org", DigestHour: 12}
	must(t, s.CreateList(ctx, a))
	quiet := &fanarchive.List{Name: "quiet", Address: "quiet@example.org", DigestHour: 6} // posts, no digest members
	must(t, s.CreateList(ctx, quiet))
	for i := 0; i < 3; i++ {
		join(t, s, c, l, fmt.Sprintf("d%d@example.net", i), fanarchive.DeliverDigest)
		join(t, s, c, a, fmt.Sprintf("d%d@example.net", i), fanarchive.DeliverDigest)
	}
	join(t, s, c, l, "each@example.net", fanarchive.DeliverEach)
	join(t, s, c, quiet, "each@example.net", fanarchive.DeliverEach)
	off := join(t, s, c, l, "off@example.net", fanarchive.DeliverDigest)
	must(t, s.SetMemberState(ctx, off.ID, fanarchive.MemberDisabled))

	d := &digestBuilder{}
	run := func(now time.Time) int {
		t.Helper()
		n, err := s.QueueListDigests(ctx, now, d.build)
		must(t, err)
		return n
	}
	// Nothing posted: nothing queued, whatever the hour.
	if n := run(c.now()); n != 0 || d.calls != 0 {
		t.Errorf("no posts: %d digests, %d calls", n, d.calls)
	}
	receive(t, s, newMessage(l, "l1", "One"))
	receive(t, s, newMessage(a, "a1", "Alpha one"))
	receive(t, s, newMessage(quiet, "q1", "Quiet one"))
	held := newMessage(l, "held", "Held")
	held.State = fanarchive.ListMessageHeld
	receive(t, s, held)
	// Lists made today at 10:00: no digest hour has come since.
	if n := run(c.now().Add(time.Hour)); n != 0 {
		t.Errorf("before any digest hour: %d digests", n)
	}
	noon := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	if n := run(noon); n != 1 || d.calls != 1 || d.members != 3 || len(d.messages[0]) != 1 || d.messages[0][0].Subject != "Alpha one" {
		t.Errorf("at noon: %d digests, %d calls, %d members", n, d.calls, d.members)
	}
	// The same hour again (a second process, or a retry): nothing more.
	if n := run(noon); n != 0 || d.calls != 1 {
		t.Errorf("at noon again: %d digests, %d calls", n, d.calls)
	}
	if n := run(noon.Add(30 * time.Minute)); n != 0 || d.calls != 1 {
		t.Errorf("later at noon: %d digests", n)
	}
	// The held message is approved before level3's hour: it is in.
	_, err := s.ModerateListMessage(ctx, held.ID, fanarchive.ModerationApprove, 0, nil)
	must(t, err)
	six := time.Date(2026, 5, 5, 6, 0, 0, 0, time.UTC)
	if n := run(six.Add(-time.Second)); n != 0 {
		t.Errorf("before six: %d digests", n)
	}
	if n := run(six); n != 1 || d.calls != 2 || d.members != 6 || len(d.messages[1]) != 2 || d.messages[1][1].Subject != "Held" {
		t.Errorf("at six: %d digests, %d calls, %d members", n, d.calls, d.members)
	}
	if n := run(six); n != 0 {
		t.Errorf("at six again: %d digests", n)
	}
	if n := queuedOf(t, s, fanarchive.MailKindListDigest); n != 6 {
		t.Errorf("%d digests queued, want 6", n)
	}
	// A post after the hour waits for the next day's.
	receive(t, s, newMessage(l, "l2", "Two"))
	if n := run(six.Add(3 * time.Hour)); n != 0 {
		t.Errorf("after six: %d digests", n)
	}
	if n := run(six.AddDate(0, 0, 1)); n != 1 || len(d.messages[2]) != 1 || d.messages[2][0].Subject != "Two" {
		t.Errorf("next day: %d digests", n)
	}
	// Two processes at the same hour at once: one digest between them.
	receive(t, s, newMessage(l, "l2b", "Two and a half"))
	var wg sync.WaitGroup
	counts := make([]int, 4)
	builders := make([]*digestBuilder, 4)
	for i := range counts {
		builders[i] = &digestBuilder{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := s.QueueListDigests(ctx, six.AddDate(0, 0, 2), builders[i].build)
			if err != nil {
				t.Errorf("concurrent QueueListDigests: %v", err)
			}
			counts[i] = n
		}()
	}
	wg.Wait()
	if total := counts[0] + counts[1] + counts[2] + counts[3]; total != 1 {
		t.Errorf("concurrent calls queued %v digests, want 1 in all", counts)
	}
	// A day with no posts, then a post the morning after: one digest.
	receive(t, s, newMessage(l, "l3", "Three"))
	if n := run(six.AddDate(0, 0, 3)); n != 1 || len(d.messages[3]) != 1 {
		t.Errorf("after a quiet day: %d digests", n)
	}
}

func testListDigestsLong(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	l := &fanarchive.List{Name: "level3", Address: "level3@example.org", DigestHour: 11}
	must(t, s.CreateList(ctx, l))
	join(t, s, c, l, "d@example.net", fanarchive.DeliverDigest)
	n := fanarchive.ListDigestMaxMessages + 50
	for i := 0; i < n; i++ {
		receive(t, s, newMessage(l, fmt.Sprintf("k%d", i), fmt.Sprintf("Post %d", i)))
	}
	d := &digestBuilder{}
	at := time.Date(2026, 5, 4, 11, 0, 0, 0, time.UTC)
	for i, want := range []int{1, 1, 0} {
		got, err := s.QueueListDigests(ctx, at, d.build)
		must(t, err)
		if got != want {
			t.Errorf("call %d: %d digests, want %d", i+1, got, want)
		}
	}
	if len(d.messages) != 2 || len(d.messages[0]) != fanarchive.ListDigestMaxMessages || len(d.messages[1]) != 50 ||
		d.messages[1][0].Subject != fmt.Sprintf("Post %d", fanarchive.ListDigestMaxMessages) {
		t.Errorf("digests of %d messages", len(d.messages))
	}
}
