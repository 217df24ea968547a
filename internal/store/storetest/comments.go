package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fanarchive"
)

// RunComments runs the suite of fanarchive.CommentService and
// fanarchive.SubscriptionService against a store (docs/comments.md):
// threads and their order, deep threads, held guest comments, edits by the
// writer only, deletion keeping the thread's shape, notifications of
// comments and replies, subscriptions and their fan-out without
// duplicates, digests, and the inbox.
func RunComments(t *testing.T, open ClockOpener) {
	t.Helper()
	suites := []struct {
		name string
		fn   func(t *testing.T, s fanarchive.Store, c *clock)
	}{
		{"Threads", testCommentThreads},
		{"DeepThread", testCommentDeepThread},
		{"HeldGuestComments", testCommentHeld},
		{"EditDelete", testCommentEditDelete},
		{"FanOut", testSubscriptionFanOut},
		{"Digest", testSubscriptionDigest},
		{"Inbox", testInbox},
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

// mailLog is a NotificationMailer that records what it was asked to mail,
// as "address kind,kind" lines.
type mailLog struct{ sent []string }

func (m *mailLog) mailer(to fanarchive.NotificationRecipient, ns []*fanarchive.Notification) ([]*fanarchive.OutboundMail, error) {
	var kinds []string
	for _, n := range ns {
		kinds = append(kinds, string(n.Kind))
	}
	m.sent = append(m.sent, to.Address+" "+strings.Join(kinds, ","))
	out := accountMail(fanarchive.MailKindNotification, to.Address)
	out.Key = fmt.Sprintf("test:%d:%d", to.UserID, ns[0].ID)
	return []*fanarchive.OutboundMail{out}, nil
}

// ownedWork stores a work by user's default pseud.
func ownedWork(t *testing.T, s fanarchive.Store, u *fanarchive.User, title string) *fanarchive.Work {
	t.Helper()
	pseud, err := s.FindAuthorByName(context.Background(), u.Name)
	must(t, err)
	w := newWork(title)
	w.Authors = []fanarchive.Author{*pseud}
	w.PostedBy = u.ID
	w.Tags = append(w.Tags, fanarchive.Tag{Kind: fanarchive.TagWarning, Name: "No Archive Warnings Apply"})
	return create(t, s, w)
}

// comment posts a comment or fails the test.
func comment(t *testing.T, s fanarchive.Store, m *mailLog, c *fanarchive.Comment) *fanarchive.Comment {
	t.Helper()
	if c.Format == "" {
		c.Format = fanarchive.CommentText
	}
	if c.Body == "" {
		c.Body = "<p>" + c.Input + "</p>"
	}
	var mailer fanarchive.NotificationMailer
	if m != nil {
		mailer = m.mailer
	}
	if err := s.PostComment(context.Background(), c, mailer); err != nil {
		t.Fatalf("PostComment(%q): %v", c.Input, err)
	}
	return c
}

// shape is a listing as "depth:name:state" items.
func shape(cs []*fanarchive.Comment) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%d:%s:%s", c.Depth, c.Name, c.State))
	}
	return strings.Join(parts, " ")
}

// inbox returns a user's notifications as "kind text" lines, newest first.
func inbox(t *testing.T, s fanarchive.Store, userID int64) []string {
	t.Helper()
	ns, _, err := s.FindNotifications(context.Background(), fanarchive.NotificationFilter{UserID: userID})
	must(t, err)
	var out []string
	for _, n := range ns {
		out = append(out, string(n.Kind)+" "+n.Text)
	}
	return out
}

func testCommentThreads(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	author := newUser(t, s, "Writer")
	reader := newUser(t, s, "Reader")
	w := ownedWork(t, s, author, "Lamps")
	m := &mailLog{}

	a := comment(t, s, m, &fanarchive.Comment{WorkID: w.ID, Name: "Guest Ann", Input: "First!"})
	b := comment(t, s, m, &fanarchive.Comment{WorkID: w.ID, UserID: reader.ID, ParentID: a.ID, Input: "Second, replying."})
	c.advance(time.Minute)
	comment(t, s, m, &fanarchive.Comment{WorkID: w.ID, UserID: author.ID, ParentID: b.ID, Input: "Thank you both."})
	comment(t, s, m, &fanarchive.Comment{WorkID: w.ID, UserID: reader.ID, Input: "A new thread."})
	comment(t, s, m, &fanarchive.Comment{WorkID: w.ID, Name: "Guest Bo", ParentID: a.ID, Input: "Me too."})

	got, threads, err := s.FindComments(ctx, fanarchive.CommentFilter{WorkID: w.ID})
	must(t, err)
	if want := "0:Guest Ann:published 1:Reader:published 2:Writer:published 1:Guest Bo:published 0:Reader:published"; shape(got) != want || threads != 2 {
		t.Errorf("listing = %q (%d threads), want %q (2)", shape(got), threads, want)
	}
	if b.Name != "Reader" || b.Depth != 1 || got[1].Preview != "Second, replying." {
		t.Errorf("reply = %+v", got[1])
	}
	page2, threads, err := s.FindComments(ctx, fanarchive.CommentFilter{WorkID: w.ID, Offset: 1, Limit: 1})
	must(t, err)
	if shape(page2) != "0:Reader:published" || threads != 2 {
		t.Errorf("page 2 = %q (%d)", shape(page2), threads)
	}
	found, err := s.FindWorkByID(ctx, w.ID)
	must(t, err)
	if found.Comments != 5 {
		t.Errorf("work's comment count = %d, want 5", found.Comments)
	}
	// The author hears of each comment but their own; the reader of the
	// reply to theirs.
	if got := inbox(t, s, author.ID); len(got) != 4 || !strings.HasPrefix(got[0], "comment Guest Bo: Me too.") {
		t.Errorf("author's inbox = %q", got)
	}
	if got := inbox(t, s, reader.ID); len(got) != 1 || got[0] != "reply Writer: Thank you both." {
		t.Errorf("reader's inbox = %q", got)
	}
	if len(m.sent) != 5 {
		t.Errorf("mailed %q, want 5 mails", m.sent)
	}
	// Bad input.
	for _, bad := range []*fanarchive.Comment{
		{WorkID: w.ID, Input: "No name."},
		{WorkID: w.ID, Name: "X", Input: "   "},
		{WorkID: w.ID, Name: "X", Input: "Bad address.", GuestEmail: "not an address"},
		{WorkID: w.ID, Name: strings.Repeat("n", fanarchive.MaxCommentName+1), Input: "Long name."},
	} {
		bad.Format, bad.Body = fanarchive.CommentText, "<p>x</p>"
		wantCode(t, s.PostComment(ctx, bad, nil), fanarchive.EINVALID)
	}
	wantCode(t, s.PostComment(ctx, &fanarchive.Comment{WorkID: w.ID + 100, Name: "X", Input: "x", Body: "<p>x</p>", Format: fanarchive.CommentText}, nil), fanarchive.ENOTFOUND)
	other := ownedWork(t, s, author, "Other")
	wantCode(t, s.PostComment(ctx, &fanarchive.Comment{WorkID: other.ID, ParentID: a.ID, Name: "X", Input: "x", Body: "<p>x</p>", Format: fanarchive.CommentText}, nil), fanarchive.ENOTFOUND)
	// Markup in the body is sanitised by the store too.
	x := comment(t, s, nil, &fanarchive.Comment{WorkID: w.ID, Name: "X", Input: "x", Body: `<p onclick="evil()">x<script>alert(1)</script></p>`})
	if got, err := s.FindComment(ctx, x.ID); err != nil || strings.Contains(got.Body, "script") || strings.Contains(got.Body, "onclick") {
		t.Errorf("stored body = %q, %v", got.Body, err)
	}
	// Chapter comments.
	ch := comment(t, s, nil, &fanarchive.Comment{WorkID: w.ID, ChapterID: w.Chapters[1].ID, Name: "X", Input: "On two."})
	onTwo, _, err := s.FindComments(ctx, fanarchive.CommentFilter{WorkID: w.ID, ChapterID: w.Chapters[1].ID})
	must(t, err)
	if len(onTwo) != 1 || onTwo[0].ID != ch.ID || onTwo[0].ChapterNumber != 2 {
		t.Errorf("chapter 2's comments = %+v", onTwo)
	}
}

func testCommentDeepThread(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	author := newUser(t, s, "Writer")
	w := ownedWork(t, s, author, "Deep")
	parent := int64(0)
	for i := range 60 {
		parent = comment(t, s, nil, &fanarchive.Comment{WorkID: w.ID, ParentID: parent, Name: fmt.Sprint("G", i), Input: fmt.Sprint("Level ", i)}).ID
	}
	got, threads, err := s.FindComments(ctx, fanarchive.CommentFilter{WorkID: w.ID})
	must(t, err)
	if len(got) != 60 || threads != 1 {
		t.Fatalf("%d comments in %d threads, want 60 in 1", len(got), threads)
	}
	for i, cm := range got {
		if cm.Depth != i || cm.Name != fmt.Sprint("G", i) {
			t.Fatalf("comment %d: depth %d name %s", i, cm.Depth, cm.Name)
		}
	}
}

func testCommentHeld(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	author := newUser(t, s, "Writer")
	w := ownedWork(t, s, author, "Held")
	if on, err := s.ModeratesGuestComments(ctx, author.ID); err != nil || on {
		t.Fatalf("moderation on by default: %v %v", on, err)
	}
	must(t, s.SetModerateGuestComments(ctx, author.ID, true))
	m := &mailLog{}
	g := comment(t, s, m, &fanarchive.Comment{WorkID: w.ID, Name: "Guest", GuestEmail: "g@example.net", Input: "Hold me."})
	u := comment(t, s, m, &fanarchive.Comment{WorkID: w.ID, UserID: newUser(t, s, "Member").ID, Input: "Not held."})
	if g.State != fanarchive.CommentHeld || u.State != fanarchive.CommentPublished {
		t.Errorf("states %s, %s", g.State, u.State)
	}
	public, _, err := s.FindComments(ctx, fanarchive.CommentFilter{WorkID: w.ID})
	must(t, err)
	owners, _, err := s.FindComments(ctx, fanarchive.CommentFilter{WorkID: w.ID, Held: true})
	must(t, err)
	if len(public) != 1 || len(owners) != 2 {
		t.Errorf("public sees %d, owners %d", len(public), len(owners))
	}
	wantCode(t, s.PostComment(ctx, &fanarchive.Comment{WorkID: w.ID, ParentID: g.ID, Name: "X", Input: "x", Body: "<p>x</p>", Format: fanarchive.CommentText}, nil), fanarchive.EINVALID)
	if len(m.sent) != 1 {
		t.Errorf("mailed %q before approval, want the member's only", m.sent)
	}
	must(t, s.ApproveComment(ctx, g.ID, m.mailer))
	wantCode(t, s.ApproveComment(ctx, g.ID, m.mailer), fanarchive.EINVALID)
	public, _, err = s.FindComments(ctx, fanarchive.CommentFilter{WorkID: w.ID})
	must(t, err)
	if len(public) != 2 || len(m.sent) != 2 {
		t.Errorf("after approval: %d shown, mailed %q", len(public), m.sent)
	}
}

func testCommentEditDelete(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	author := newUser(t, s, "Writer")
	reader := newUser(t, s, "Reader")
	w := ownedWork(t, s, author, "Edits")
	top := comment(t, s, nil, &fanarchive.Comment{WorkID: w.ID, UserID: reader.ID, Input: "Tpyo."})
	reply := comment(t, s, nil, &fanarchive.Comment{WorkID: w.ID, UserID: author.ID, ParentID: top.ID, Input: "Ha."})
	leaf := comment(t, s, nil, &fanarchive.Comment{WorkID: w.ID, Name: "Guest", Input: "Leaf."})

	c.advance(time.Hour)
	edit := &fanarchive.CommentEdit{ID: top.ID, UserID: reader.ID, Format: fanarchive.CommentMarkdown, Input: "*Typo.*", Body: "<p><em>Typo.</em></p>"}
	must(t, s.EditComment(ctx, edit))
	got, err := s.FindComment(ctx, top.ID)
	must(t, err)
	if got.Body != "<p><em>Typo.</em></p>" || !got.EditedAt.Equal(c.now()) || got.Format != fanarchive.CommentMarkdown {
		t.Errorf("edited = %+v", got)
	}
	edit.UserID = author.ID
	wantCode(t, s.EditComment(ctx, edit), fanarchive.EINVALID)
	wantCode(t, s.EditComment(ctx, &fanarchive.CommentEdit{ID: leaf.ID, Format: fanarchive.CommentText, Input: "x", Body: "<p>x</p>"}), fanarchive.EINVALID)

	must(t, s.DeleteComment(ctx, top.ID))
	must(t, s.DeleteComment(ctx, leaf.ID))
	wantCode(t, s.DeleteComment(ctx, leaf.ID), fanarchive.ENOTFOUND)
	list, threads, err := s.FindComments(ctx, fanarchive.CommentFilter{WorkID: w.ID})
	must(t, err)
	if shape(list) != "0::deleted 1:Writer:published" || threads != 1 || list[0].Body != "" {
		t.Errorf("after deletes: %q (%d threads)", shape(list), threads)
	}
	wantCode(t, s.EditComment(ctx, &fanarchive.CommentEdit{ID: top.ID, UserID: reader.ID, Format: fanarchive.CommentText, Input: "x", Body: "<p>x</p>"}), fanarchive.EINVALID)
	// Deleting the last reply takes the placeholder with it.
	must(t, s.DeleteComment(ctx, reply.ID))
	list, threads, err = s.FindComments(ctx, fanarchive.CommentFilter{WorkID: w.ID})
	must(t, err)
	found, err2 := s.FindWorkByID(ctx, w.ID)
	must(t, err2)
	if len(list) != 0 || threads != 0 || found.Comments != 0 {
		t.Errorf("after deleting all: %q, %d threads, count %d", shape(list), threads, found.Comments)
	}
	owners, writer, err := s.CommentOwners(ctx, reply.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)
	_, _ = owners, writer
}

func testSubscriptionFanOut(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	author := newUser(t, s, "Writer")
	fan := newUser(t, s, "Fan")
	w := ownedWork(t, s, author, "Serial")
	m := &mailLog{}
	// Nothing before anyone subscribed.
	n, err := s.NotifySubscribers(ctx, 100, m.mailer)
	must(t, err)
	if n != 0 {
		t.Errorf("first pass made %d notifications", n)
	}
	pseud, err := s.FindAuthorByName(ctx, author.Name)
	must(t, err)
	fandom, err := s.FindTag(ctx, fanarchive.TagFandom, "The X-Files")
	must(t, err)
	for _, sub := range []*fanarchive.Subscription{
		{UserID: fan.ID, Kind: fanarchive.SubscribeWork, TargetID: w.ID},
		{UserID: fan.ID, Kind: fanarchive.SubscribeAuthor, TargetID: pseud.ID},
		{UserID: fan.ID, Kind: fanarchive.SubscribeTag, TargetID: fandom.ID},
		{UserID: author.ID, Kind: fanarchive.SubscribeWork, TargetID: w.ID}, // one's own: never notified
	} {
		must(t, s.Subscribe(ctx, sub))
	}
	again := &fanarchive.Subscription{UserID: fan.ID, Kind: fanarchive.SubscribeWork, TargetID: w.ID}
	must(t, s.Subscribe(ctx, again))
	subs, err := s.FindSubscriptions(ctx, fan.ID)
	must(t, err)
	if len(subs) != 3 || subs[2].ID != again.ID || subs[2].Name != "Serial" {
		t.Errorf("subscriptions = %+v", subs)
	}
	wantCode(t, s.Subscribe(ctx, &fanarchive.Subscription{UserID: fan.ID, Kind: "planet", TargetID: 1}), fanarchive.EINVALID)
	wantCode(t, s.Subscribe(ctx, &fanarchive.Subscription{UserID: fan.ID, Kind: fanarchive.SubscribeWork, TargetID: w.ID + 99}), fanarchive.ENOTFOUND)

	must(t, s.AddChapter(ctx, w.ID, &fanarchive.Chapter{Title: "Three", Body: "<p>Three.</p>"}, author.ID))
	second := ownedWork(t, s, author, "Sequel")
	n, err = s.NotifySubscribers(ctx, 1, m.mailer) // one change a batch: several batches
	must(t, err)
	got := inbox(t, s, fan.ID)
	if n != 2 || len(got) != 2 || got[0] != "new-work A new work by Writer" || got[1] != "new-chapter Chapter 3: Three" {
		t.Errorf("made %d; fan's inbox = %q", n, got)
	}
	if len(inbox(t, s, author.ID)) != 0 {
		t.Errorf("the author was notified of their own work: %q", inbox(t, s, author.ID))
	}
	if len(m.sent) != 2 {
		t.Errorf("mailed %q", m.sent)
	}
	// Passes again find nothing new; editing the work notifies nothing.
	second.Summary = "Changed."
	must(t, s.UpdateWork(ctx, second, author.ID))
	n, err = s.NotifySubscribers(ctx, 100, m.mailer)
	must(t, err)
	if n != 0 || len(inbox(t, s, fan.ID)) != 2 {
		t.Errorf("a second pass made %d", n)
	}
	// Tag subscriptions go through synonyms; drafts wait until published.
	other := newUser(t, s, "Other Writer")
	draft := newWork("Draft")
	op, err := s.FindAuthorByName(ctx, other.Name)
	must(t, err)
	draft.Authors, draft.PostedBy, draft.Draft = []fanarchive.Author{*op}, other.ID, true
	draft.Tags = []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "X Files"}, {Kind: fanarchive.TagWarning, Name: "No Archive Warnings Apply"}}
	create(t, s, draft)
	must(t, s.SetTagSynonym(ctx, fanarchive.TagFandom, "X Files", "The X-Files"))
	n, err = s.NotifySubscribers(ctx, 100, m.mailer)
	must(t, err)
	if n != 0 {
		t.Errorf("a draft notified %d", n)
	}
	must(t, s.PublishWork(ctx, draft.ID, other.ID))
	n, err = s.NotifySubscribers(ctx, 100, m.mailer)
	must(t, err)
	if got := inbox(t, s, fan.ID); n != 1 || got[0] != "tagged Tagged The X-Files" {
		t.Errorf("made %d; fan's inbox = %q", n, got)
	}
	// Unsubscribing: twice is ENOTFOUND; another's subscription too.
	must(t, s.Unsubscribe(ctx, again.ID, fan.ID))
	wantCode(t, s.Unsubscribe(ctx, again.ID, fan.ID), fanarchive.ENOTFOUND)
	wantCode(t, s.Unsubscribe(ctx, subs[0].ID, author.ID), fanarchive.ENOTFOUND)
	_, err = s.SubscriptionTo(ctx, fan.ID, fanarchive.SubscribeWork, w.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)
	if _, err := s.SubscriptionTo(ctx, fan.ID, fanarchive.SubscribeAuthor, pseud.ID); err != nil {
		t.Error(err)
	}
}

func testSubscriptionDigest(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	author := newUser(t, s, "Writer")
	fan := newUser(t, s, "Fan")
	w := ownedWork(t, s, author, "Daily")
	m := &mailLog{}
	_, err := s.NotifySubscribers(ctx, 100, m.mailer) // the pass has seen the work
	must(t, err)
	must(t, s.SetNotificationMailMode(ctx, fan.ID, fanarchive.MailDaily))
	wantCode(t, s.SetNotificationMailMode(ctx, fan.ID, "hourly"), fanarchive.EINVALID)
	if mode, err := s.NotificationMailMode(ctx, fan.ID); err != nil || mode != fanarchive.MailDaily {
		t.Fatalf("mode = %q, %v", mode, err)
	}
	must(t, s.Subscribe(ctx, &fanarchive.Subscription{UserID: fan.ID, Kind: fanarchive.SubscribeWork, TargetID: w.ID}))
	for i := range 2 {
		must(t, s.AddChapter(ctx, w.ID, &fanarchive.Chapter{Body: fmt.Sprintf("<p>More %d.</p>", i)}, author.ID))
	}
	_, err = s.NotifySubscribers(ctx, 100, m.mailer)
	must(t, err)
	if len(m.sent) != 0 {
		t.Errorf("a digest reader was mailed each: %q", m.sent)
	}
	n, err := s.SendDigests(ctx, 10, m.mailer)
	must(t, err)
	if n != 1 || len(m.sent) != 1 || m.sent[0] != "fan@example.net new-chapter,new-chapter" {
		t.Errorf("digests %d: %q", n, m.sent)
	}
	// One a day: more news waits for tomorrow.
	must(t, s.AddChapter(ctx, w.ID, &fanarchive.Chapter{Body: "<p>Later.</p>"}, author.ID))
	_, err = s.NotifySubscribers(ctx, 100, m.mailer)
	must(t, err)
	if n, err = s.SendDigests(ctx, 10, m.mailer); err != nil || n != 0 {
		t.Errorf("second digest the same day: %d, %v", n, err)
	}
	c.advance(24 * time.Hour)
	if n, err = s.SendDigests(ctx, 10, m.mailer); err != nil || n != 1 || m.sent[1] != "fan@example.net new-chapter" {
		t.Errorf("next day: %d, %v, %q", n, err, m.sent)
	}
}

func testInbox(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	author := newUser(t, s, "Writer")
	other := newUser(t, s, "Other")
	w := ownedWork(t, s, author, "Inbox")
	for i := range 7 {
		comment(t, s, nil, &fanarchive.Comment{WorkID: w.ID, Name: "Guest", Input: fmt.Sprint("Comment ", i)})
	}
	comment(t, s, nil, &fanarchive.Comment{WorkID: w.ID, UserID: author.ID, Input: "Mine."})
	if n, err := s.CountUnread(ctx, author.ID); err != nil || n != 7 {
		t.Fatalf("unread = %d, %v", n, err)
	}
	page, total, err := s.FindNotifications(ctx, fanarchive.NotificationFilter{UserID: author.ID, Offset: 5, Limit: 5})
	must(t, err)
	if len(page) != 2 || total != 7 || page[1].Text != "Guest: Comment 0" {
		t.Fatalf("page 2 = %d of %d: %+v", len(page), total, page)
	}
	ids := []int64{page[0].ID, page[1].ID}
	must(t, s.MarkNotifications(ctx, other.ID, ids, true)) // not theirs: nothing
	if n, _ := s.CountUnread(ctx, author.ID); n != 7 {
		t.Errorf("another marked the author's: unread %d", n)
	}
	must(t, s.MarkNotifications(ctx, author.ID, ids, true))
	unread, total, err := s.FindNotifications(ctx, fanarchive.NotificationFilter{UserID: author.ID, Unread: true})
	must(t, err)
	if len(unread) != 5 || total != 5 {
		t.Errorf("unread %d/%d", len(unread), total)
	}
	must(t, s.MarkNotifications(ctx, author.ID, ids[:1], false))
	must(t, s.DeleteNotifications(ctx, other.ID, ids))
	must(t, s.DeleteNotifications(ctx, author.ID, ids[1:]))
	if n, _ := s.CountUnread(ctx, author.ID); n != 6 {
		t.Errorf("unread after mark unread: %d", n)
	}
	if _, total, _ := s.FindNotifications(ctx, fanarchive.NotificationFilter{UserID: author.ID}); total != 6 {
		t.Errorf("total after delete: %d", total)
	}
}
