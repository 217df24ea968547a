package storetest

import (
	"context"
	"testing"
	"time"

	"fanarchive"
)

// RunFeedback runs the suite of fanarchive.FeedbackService against a store
// (docs/feedback.md): where feedback goes (an owner's address, a legacy
// header's, held, declined), held feedback released by a claim and
// delivered, bounces, replies' routes, and kudos.
func RunFeedback(t *testing.T, open ClockOpener) {
	t.Helper()
	suites := []struct {
		name string
		fn   func(t *testing.T, s fanarchive.Store, c *clock)
	}{
		{"Routes", testFeedbackRoutes},
		{"BounceHoldClaimDeliver", testFeedbackBounceClaim},
		{"ReplyRoutes", testFeedbackReplyRoutes},
		{"Kudos", testKudos},
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

// sendTo sends guest feedback to work and returns it with the addresses the
// mailer was given ("" for a legacy address's user).
func sendTo(t *testing.T, s fanarchive.Store, work *fanarchive.Work, senderID int64) (*fanarchive.Feedback, []string, error) {
	t.Helper()
	f := &fanarchive.Feedback{WorkID: work.ID, SenderID: senderID, SenderName: "Kim", SenderEmail: "kim@example.com", Body: "Loved it."}
	var to []string
	err := s.SendFeedback(context.Background(), f, func(fb *fanarchive.Feedback, rcpts []fanarchive.FeedbackRecipient) ([]*fanarchive.OutboundMail, error) {
		var out []*fanarchive.OutboundMail
		for _, r := range rcpts {
			if r.AddressID == 0 {
				t.Errorf("recipient %s without an address row", r.Name)
			}
			to = append(to, r.Address)
			out = append(out, accountMail(fanarchive.MailKindFeedback, r.Address))
		}
		return out, nil
	})
	return f, to, err
}

func testFeedbackRoutes(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	legacy := legacyWork(t, s, "Lanterns", "Maple Stone <maple@example.org>", "", "Maple Stone")
	named := legacyWork(t, s, "Name Only", "Maple", "", "Maple")
	owner := newUser(t, s, "Poster")
	pseud, err := s.FindAuthorByName(ctx, "Poster")
	must(t, err)
	posted := newWork("Posted")
	posted.Authors = []fanarchive.Author{*pseud}
	create(t, s, posted)

	for _, tt := range []struct {
		work  *fanarchive.Work
		route fanarchive.FeedbackRoute
		state fanarchive.FeedbackState
		to    string
	}{
		{legacy, fanarchive.RouteMail, fanarchive.FeedbackSent, "maple@example.org"},
		{named, fanarchive.RouteHold, fanarchive.FeedbackHeld, ""},
		{posted, fanarchive.RouteMail, fanarchive.FeedbackSent, owner.Email},
	} {
		target, err := s.FindFeedbackTarget(ctx, tt.work.ID, 0)
		must(t, err)
		if target.Route != tt.route {
			t.Errorf("%q: route %s, want %s", tt.work.Title, target.Route, tt.route)
		}
		noAddress(t, target, "maple@example.org")
		f, to, err := sendTo(t, s, tt.work, 0)
		must(t, err)
		if f.State != tt.state || (tt.to == "") != (len(to) == 0) || len(to) > 0 && to[0] != tt.to {
			t.Errorf("%q: state %s, mailed %v; want %s to %q", tt.work.Title, f.State, to, tt.state, tt.to)
		}
		got, err := s.FindFeedback(ctx, f.ID)
		must(t, err)
		if got.SenderEmail != "" || got.Body != "Loved it." || got.State != tt.state {
			t.Errorf("FindFeedback: %+v", got)
		}
	}
	// The owner's own work; then the setting off.
	if _, _, err := sendTo(t, s, posted, owner.ID); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		t.Errorf("feedback to one's own work: %v", err)
	}
	must(t, s.SetFeedbackRelay(ctx, owner.ID, false))
	if on, err := s.FeedbackRelayOn(ctx, owner.ID); err != nil || on {
		t.Errorf("FeedbackRelayOn after turning it off: %v %v", on, err)
	}
	if f, to, err := sendTo(t, s, posted, 0); err != nil || f.State != fanarchive.FeedbackDeclined || len(to) != 0 {
		t.Errorf("relay off: %v, %v, %v", f.State, to, err)
	}
	// Bad fields.
	bad := &fanarchive.Feedback{WorkID: legacy.ID, SenderName: "Kim", SenderEmail: "not an address", Body: "x"}
	if err := s.SendFeedback(ctx, bad, nil); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		t.Errorf("a guest without a usable address: %v", err)
	}
	if _, err := s.FindFeedbackTarget(ctx, 1<<40, 0); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		t.Errorf("no such work: %v", err)
	}
}

func testFeedbackBounceClaim(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	work := legacyWork(t, s, "Lanterns", "maple@example.org", "", "Maple Stone")
	if _, _, err := sendTo(t, s, work, 0); err != nil {
		t.Fatal(err)
	}
	mails, err := s.ClaimMail(ctx, 10, time.Minute)
	must(t, err)
	if len(mails) != 1 {
		t.Fatalf("%d mails queued", len(mails))
	}
	must(t, s.MarkMailFailed(ctx, []fanarchive.MailFailure{{Mail: mails[0], Error: "550 gone"}}))
	f, to, err := sendTo(t, s, work, 0)
	must(t, err)
	if f.State != fanarchive.FeedbackHeld || len(to) != 0 {
		t.Fatalf("after a bounce: %s, mailed %v", f.State, to)
	}
	u := newUser(t, s, "Maple Claims")
	_, tok, _ := mailClaim(t, s, c, u, work)
	if _, err := s.ClaimMail(ctx, 10, time.Minute); err != nil { // the claim's mail
		t.Fatal(err)
	}
	if _, err := s.ConfirmClaim(ctx, tok, u.ID); err != nil {
		t.Fatal(err)
	}
	var delivered []string
	n, err := s.DeliverReleasedFeedback(ctx, 10, func(fb *fanarchive.Feedback, rcpts []fanarchive.FeedbackRecipient) ([]*fanarchive.OutboundMail, error) {
		if fb.ID != f.ID {
			t.Errorf("delivered feedback %d, want %d", fb.ID, f.ID)
		}
		var out []*fanarchive.OutboundMail
		for _, r := range rcpts {
			delivered = append(delivered, r.Address)
			out = append(out, accountMail(fanarchive.MailKindFeedback, r.Address))
		}
		return out, nil
	})
	must(t, err)
	if n != 1 || len(delivered) != 1 || delivered[0] != u.Email {
		t.Errorf("delivered %d, to %v; want 1 to %s", n, delivered, u.Email)
	}
	if got, _ := s.FindFeedback(ctx, f.ID); got == nil || got.State != fanarchive.FeedbackSent {
		t.Errorf("after delivery: %+v", got)
	}
	if n, err := s.DeliverReleasedFeedback(ctx, 10, nil); err != nil || n != 0 {
		t.Errorf("a second pass: %d, %v", n, err)
	}
	// A year on, mailed feedback is purged; none is held any more.
	c.advance(fanarchive.FeedbackKeep + time.Hour)
	if n, err := s.PurgeFeedback(ctx, c.now().Add(-fanarchive.FeedbackKeep)); err != nil || n != 2 {
		t.Errorf("PurgeFeedback: %d, %v; want 2", n, err)
	}
	if _, err := s.FindFeedback(ctx, f.ID); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		t.Errorf("purged feedback: %v", err)
	}
}

func testFeedbackReplyRoutes(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	work := legacyWork(t, s, "Lanterns", "Maple Stone <maple@example.org>", "", "Maple Stone")
	f, _, err := sendTo(t, s, work, 0)
	must(t, err)
	r, err := s.FeedbackReplyRoute(ctx, f.ID, true, 0)
	must(t, err)
	if r.To.Address != "kim@example.com" || r.FromName != "Maple Stone" || len(r.Scrub) != 1 || r.Scrub[0] != "maple@example.org" {
		t.Errorf("the author's reply: %+v", r)
	}
	r, err = s.FeedbackReplyRoute(ctx, f.ID, false, 0)
	must(t, err)
	if r.To.Address != "maple@example.org" || r.FromName != "Kim" || r.Scrub[0] != "kim@example.com" {
		t.Errorf("the sender's answer: %+v", r)
	}
	if _, err := s.FeedbackReplyRoute(ctx, f.ID, true, 12345); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		t.Errorf("a recipient the feedback never had: %v", err)
	}
	if _, err := s.FeedbackReplyRoute(ctx, f.ID+1000, true, 0); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		t.Errorf("no such feedback: %v", err)
	}
	must(t, s.StopFeedbackAddress(ctx, r.To.AddressID))
	if _, err := s.FeedbackReplyRoute(ctx, f.ID, false, 0); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		t.Errorf("a reply to a stopped address: %v", err)
	}
	if err := s.StopFeedbackAddress(ctx, 1<<40); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		t.Errorf("stop an unknown address: %v", err)
	}
}

func testKudos(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	owner := newUser(t, s, "Poster")
	pseud, err := s.FindAuthorByName(ctx, "Poster")
	must(t, err)
	w := newWork("Posted")
	w.Authors = []fanarchive.Author{*pseud}
	create(t, s, w)
	fan := newUser(t, s, "Fan")
	for _, tt := range []struct {
		what  string
		user  int64
		guest string
		added bool
		code  string
	}{
		{"a user", fan.ID, "", true, ""},
		{"the user again", fan.ID, "", false, ""},
		{"the owner", owner.ID, "", false, fanarchive.EINVALID},
		{"a guest", 0, "guest-a", true, ""},
		{"the guest again", 0, "guest-a", false, ""},
		{"another guest", 0, "guest-b", true, ""},
		{"a guest without a key", 0, "", false, fanarchive.EINVALID},
	} {
		added, err := s.LeaveKudos(ctx, w.ID, tt.user, tt.guest)
		if added != tt.added || fanarchive.ErrorCode(err) != tt.code {
			t.Errorf("%s: added %v, %v; want %v, %q", tt.what, added, err, tt.added, tt.code)
		}
	}
	c.advance(fanarchive.KudosGuestWindow + time.Minute)
	if added, err := s.LeaveKudos(ctx, w.ID, 0, "guest-a"); err != nil || !added {
		t.Errorf("the guest after the window: %v, %v", added, err)
	}
	n, err := s.PurgeKudosGuestKeys(ctx, c.now().Add(-fanarchive.KudosGuestWindow))
	if err != nil || n != 2 {
		t.Errorf("PurgeKudosGuestKeys: %d, %v; want 2", n, err)
	}
	k, err := s.FindKudos(ctx, w.ID, 10)
	must(t, err)
	if k.Total != 4 || k.Guests != 3 || len(k.Users) != 1 || k.Users[0] != "Fan" || k.MoreUsers != 0 {
		t.Errorf("FindKudos: %+v", k)
	}
	if _, err := s.LeaveKudos(ctx, 1<<40, fan.ID, ""); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		t.Errorf("kudos on no work: %v", err)
	}
}
