package lists

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/smtp"
	"net/textproto"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/listmail"
	"fanarchive/internal/mail"
	"fanarchive/internal/mailin"
	"fanarchive/internal/records"
	"fanarchive/internal/store/sqlite"
)

// harness is a list archive taking mail over real SMTP on a loopback port:
// a SQLite store, the engine and the inbound SMTP server.
type harness struct {
	t      testing.TB
	store  *sqlite.Store
	engine *Engine
	list   *fanarchive.List
	addr   string // the SMTP server's
	now    time.Time
}

func newHarness(t testing.TB, l *fanarchive.List) *harness {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "fanarchive.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if l == nil {
		l = &fanarchive.List{Name: "level3", Address: "level3@lists.example.org", Title: "Level Three", Fandoms: []string{"Smallville"}}
	}
	if err := store.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, store: store, list: l, now: time.Now().UTC()}
	h.engine = &Engine{Store: store, SiteName: "Records Room", BaseURL: "http://archive.example.org",
		From: mail.Address{Address: "archive@lists.example.org"},
		DMARC: func(_ context.Context, domain string) (string, error) {
			if domain == "strict.example" {
				return "reject", nil
			}
			return "none", nil
		},
		Now: func() time.Time { return h.now }}
	srv, err := mailin.NewServer(mailin.Config{Domain: "lists.example.org", Backend: h.engine, Spool: filepath.Join(dir, "spool"),
		MaxSize: 8 << 20, RateLimit: mailin.RateLimit{Every: -1}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	h.addr = ln.Addr().String()
	return h
}

// send sends a message by SMTP and returns the server's error, if any.
func (h *harness) send(from, to, msg string) error {
	msg = strings.ReplaceAll(strings.ReplaceAll(msg, "\r\n", "\n"), "\n", "\r\n")
	return smtp.SendMail(h.addr, nil, from, []string{to}, []byte(msg))
}

// mustSend sends a message that must be accepted.
func (h *harness) mustSend(from, to, msg string) {
	h.t.Helper()
	if err := h.send(from, to, msg); err != nil {
		h.t.Fatalf("send from %s to %s: %v", from, to, err)
	}
}

// queued takes every mail due from the outbox (as a sender would) and
// returns them.
func (h *harness) queued() []*fanarchive.OutboundMail {
	h.t.Helper()
	var all []*fanarchive.OutboundMail
	for {
		got, err := h.store.ClaimMail(context.Background(), 1000, time.Hour)
		if err != nil {
			h.t.Fatal(err)
		}
		if len(got) == 0 {
			return all
		}
		all = append(all, got...)
		if err := h.store.MarkMailSent(context.Background(), got); err != nil {
			h.t.Fatal(err)
		}
	}
}

// member makes an active member by the real double opt-in: subscribe by
// mail, answer the confirmation by mail.
func (h *harness) member(addr string) *fanarchive.ListMember {
	h.t.Helper()
	h.mustSend(addr, "level3-subscribe@lists.example.org", "From: "+addr+"\nSubject: join\n\nplease\n")
	var confirm *fanarchive.OutboundMail
	for _, m := range h.queued() {
		if m.Kind == fanarchive.MailKindListConfirm && m.To == addr {
			confirm = m
		}
	}
	if confirm == nil {
		h.t.Fatalf("no confirmation mailed to %s", addr)
	}
	replyTo := header(h.t, confirm, "Reply-To")
	h.mustSend(addr, strings.Trim(replyTo, "<>"), "From: "+addr+"\nSubject: Re: confirm\n\nyes\n")
	mem, err := h.store.FindMember(context.Background(), h.list.ID, addr)
	if err != nil || mem.State != fanarchive.MemberActive {
		h.t.Fatalf("%s after confirming: %+v, %v", addr, mem, err)
	}
	h.queued() // the welcome
	return mem
}

// count counts the list's messages in every state.
func (h *harness) count(t testing.TB) int {
	t.Helper()
	n := 0
	for _, st := range []fanarchive.ListMessageState{fanarchive.ListMessagePosted, fanarchive.ListMessageHeld, fanarchive.ListMessageRejected} {
		_, c, err := h.store.FindListMessages(context.Background(), fanarchive.ListMessageFilter{ListID: h.list.ID, State: st, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		n += c
	}
	return n
}

// header returns a field of a queued mail (its own fields, then its body's).
func header(t testing.TB, m *fanarchive.OutboundMail, name string) string {
	t.Helper()
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(append(append([]byte{}, m.Header...), m.Body.Raw...))))
	h, err := r.ReadMIMEHeader()
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatalf("mail to %s: %v", m.To, err)
	}
	return h.Get(name)
}

// messages returns the list's messages in a state.
func (h *harness) messages(state fanarchive.ListMessageState) []*fanarchive.ListMessage {
	h.t.Helper()
	ms, _, err := h.store.FindListMessages(context.Background(), fanarchive.ListMessageFilter{ListID: h.list.ID, State: state, Limit: 500})
	if err != nil {
		h.t.Fatal(err)
	}
	return ms
}

func TestRelayAndSizeRefusedOverSMTP(t *testing.T) {
	l := &fanarchive.List{Name: "level3", Address: "level3@lists.example.org", Title: "Level Three", MaxSize: 64 << 10}
	h := newHarness(t, l)
	for _, rcpt := range []string{"someone@elsewhere.example", "level3@elsewhere.example", "nolist@lists.example.org", "level3-nothing@lists.example.org"} {
		err := h.send("x@example.net", rcpt, "Subject: hi\n\nhello\n")
		var se *textproto.Error
		if !errors.As(err, &se) || se.Code != 550 {
			t.Errorf("RCPT %s: %v, want 550", rcpt, err)
		}
	}
	big := "From: x@example.net\nSubject: big\n\n" + strings.Repeat("a long line of a story that goes on and on\n", 2000)
	err := h.send("x@example.net", "level3@lists.example.org", big)
	var se *textproto.Error
	if !errors.As(err, &se) || se.Code != 552 {
		t.Errorf("a post over the list's size: %v, want 552", err)
	}
	if n := len(h.messages(fanarchive.ListMessageHeld)) + len(h.messages(fanarchive.ListMessagePosted)); n != 0 {
		t.Errorf("%d messages stored", n)
	}
}

func TestPostsByPolicy(t *testing.T) {
	h := newHarness(t, nil)
	bob := h.member("bob@example.net")
	carol := h.member("carol@example.net")

	// A member's post goes to the other members, with the list's fields.
	h.mustSend("bob@example.net", "level3@lists.example.org", "From: Bob <bob@example.net>\nSubject: Hello all\nMessage-ID: <b1@example.net>\n\nHello, list.\n")
	out := h.queued()
	if len(out) != 1 || out[0].To != carol.Address || out[0].Kind != fanarchive.MailKindListPost {
		t.Fatalf("a member's post queued %v", mailsOf(out))
	}
	if got := header(t, out[0], "Subject"); got != "[level3] Hello all" {
		t.Errorf("subject %q", got)
	}
	if want := listmail.BounceAddress(h.engine.cfg.Key, h.list, carol.ID); out[0].From != want {
		t.Errorf("return path %q, want %q", out[0].From, want)
	}
	_ = bob

	// A non-member's post is held, the poster told, nothing fanned out.
	h.mustSend("eve@example.com", "level3@lists.example.org", "From: Eve <eve@example.com>\nSubject: Buy now\n\nCheap.\n")
	held := h.messages(fanarchive.ListMessageHeld)
	if len(held) != 1 || held[0].HoldReason != reasonNotMember {
		t.Fatalf("held: %+v", held)
	}
	out = h.queued()
	if len(out) != 1 || out[0].To != "eve@example.com" {
		t.Errorf("holding queued %v", mailsOf(out))
	}

	// A moderator approves by replying to the moderation address: the post
	// goes out. A reply from someone else's address decides nothing.
	ctx := context.Background()
	mod := &fanarchive.User{Name: "Moira", Email: "moira@example.org", EmailConfirmed: true, PasswordHash: "x"}
	if err := h.store.CreateUser(ctx, mod, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := h.store.SetListModerator(ctx, h.list.ID, mod.ID, true); err != nil {
		t.Fatal(err)
	}
	h.list, _ = h.store.FindList(ctx, "level3")
	modAddr := listmail.ModerationAddress(h.engine.cfg.Key, h.list, held[0].ID)
	h.mustSend("eve@example.com", modAddr, "From: eve@example.com\nSubject: Re: held\n\napprove\n")
	if n := len(h.messages(fanarchive.ListMessagePosted)); n != 1 {
		t.Errorf("the poster approved her own post: %d posted", n)
	}
	h.mustSend("moira@example.org", modAddr, "From: Moira <moira@example.org>\nSubject: Re: held\n\napprove\n\n> the held post\n")
	if n := len(h.messages(fanarchive.ListMessagePosted)); n != 2 {
		t.Fatalf("after approval %d posted", n)
	}
	if out := h.queued(); len(out) != 2 {
		t.Errorf("an approved post queued %v", mailsOf(out))
	}
}

func TestBadInputKept(t *testing.T) {
	h := newHarness(t, &fanarchive.List{Name: "level3", Address: "level3@lists.example.org", Title: "Level Three", Policy: fanarchive.ListOpen})
	h.member("carol@example.net")
	ctx := context.Background()
	cases := []struct {
		name, msg string
		state     fanarchive.ListMessageState
		check     func(t *testing.T, m *fanarchive.ListMessage)
	}{
		{"malformed MIME", "From: a@example.com\nSubject: broken\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"zz\"\n\n--zz\nContent-Type: text/plain\n\nThe part that never ends.\n",
			fanarchive.ListMessagePosted, nil},
		{"unknown charset", "From: a@example.com\nSubject: charset\nMIME-Version: 1.0\nContent-Type: text/plain; charset=x-klingon-7\n\nQapla' batlh.\n",
			fanarchive.ListMessagePosted, func(t *testing.T, m *fanarchive.ListMessage) {
				if !strings.Contains(m.Text, "Qapla") {
					t.Errorf("text %q", m.Text)
				}
			}},
		{"no body", "From: a@example.com\nSubject: nothing\n\n", fanarchive.ListMessageHeld, func(t *testing.T, m *fanarchive.ListMessage) {
			if m.HoldReason != reasonEmpty {
				t.Errorf("reason %q", m.HoldReason)
			}
		}},
		{"HTML with script", "From: a@example.com\nSubject: html\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n<p>Hi<script>alert(1)</script><img src=x onerror=alert(2)></p>\n",
			fanarchive.ListMessagePosted, func(t *testing.T, m *fanarchive.ListMessage) {
				if low := strings.ToLower(m.HTML + m.Text); strings.Contains(low, "<script") || strings.Contains(low, "onerror") {
					t.Errorf("kept markup: %q / %q", m.HTML, m.Text)
				}
			}},
		{"own X-Loop", "From: a@example.com\nSubject: loop\nX-Loop: level3@lists.example.org\n\nAround again.\n", fanarchive.ListMessageRejected, nil},
		{"own List-Id", "From: a@example.com\nSubject: loop 2\nList-Id: Level Three <level3.lists.example.org>\n\nAround again.\n", fanarchive.ListMessageRejected, nil},
		{"robot", "From: a@example.com\nSubject: Out of office\nAuto-Submitted: auto-replied\n\nAway.\n", fanarchive.ListMessageRejected, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := map[int64]bool{}
			for _, st := range []fanarchive.ListMessageState{fanarchive.ListMessagePosted, fanarchive.ListMessageHeld, fanarchive.ListMessageRejected} {
				for _, m := range h.messages(st) {
					before[m.ID] = true
				}
			}
			h.mustSend("a@example.com", "level3@lists.example.org", c.msg)
			var got *fanarchive.ListMessage
			for _, m := range h.messages(c.state) {
				if !before[m.ID] {
					got = m
				}
			}
			if got == nil {
				t.Fatalf("no new %s message", c.state)
			}
			raw, err := h.store.ListMessageRaw(ctx, got.ID)
			want := strings.ReplaceAll(c.msg, "\n", "\r\n")
			if err != nil || !bytes.HasSuffix(raw, []byte(want)) {
				t.Errorf("the stored bytes are not the message's (%v):\n%q", err, raw)
			}
			if c.check != nil {
				c.check(t, got)
			}
			out := h.queued()
			if c.state != fanarchive.ListMessagePosted {
				for _, m := range out {
					if m.Kind == fanarchive.MailKindListPost {
						t.Errorf("a %s message was sent to members", c.state)
					}
				}
			}
		})
	}
}

func TestSubscriptionFloodAndForgedUnsubscribe(t *testing.T) {
	h := newHarness(t, nil)
	for i := 0; i < 10; i++ {
		h.mustSend("victim@example.net", "level3-subscribe@lists.example.org", fmt.Sprintf("From: victim@example.net\nSubject: join %d\n\nx\n", i))
	}
	if n := len(h.queued()); n != subscribeAddressLimit.n {
		t.Errorf("10 requests for one address mailed %d confirmations, want %d", n, subscribeAddressLimit.n)
	}
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		if err := h.engine.Subscribe(ctx, h.list, fmt.Sprintf("r%d@example.net", i), "", 0, fanarchive.DeliverEach, "192.0.2.7"); err != nil {
			t.Fatal(err)
		}
	}
	mem := h.member("dana@example.net")
	tok := listmail.UnsubscribeToken(h.engine.cfg.Key, h.list.ID, mem.ID, h.now)
	// Change the MAC's last character to one it is not (a fixed "x"
	// would leave the token valid whenever its MAC already ends in x).
	last := "x"
	if strings.HasSuffix(tok, "x") {
		last = "y"
	}
	for _, bad := range []string{tok[:len(tok)-1] + last, "1-1-1-aaaaaaaaaaaaaaaa", "", strings.Replace(tok, fmt.Sprintf("-%s-", strings.Split(tok, "-")[1]), "-zz-", 1)} {
		if _, _, err := h.engine.UnsubscribeToken(ctx, bad); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
			t.Errorf("forged token %q: %v", bad, err)
		}
	}
	if m, _ := h.store.FindMember(ctx, h.list.ID, "dana@example.net"); m.State != fanarchive.MemberActive {
		t.Fatalf("a forged token unsubscribed: %s", m.State)
	}
	// A bare "unsubscribe" by mail (anyone can forge From) mails the
	// member their link and changes nothing by itself.
	h.mustSend("dana@example.net", "level3-unsubscribe@lists.example.org", "From: dana@example.net\nSubject: unsubscribe\n\n")
	if m, _ := h.store.FindMember(ctx, h.list.ID, "dana@example.net"); m.State != fanarchive.MemberActive {
		t.Errorf("a bare unsubscribe by mail ended the membership")
	}
	if out := h.queued(); len(out) != 1 || !strings.Contains(string(out[0].Body.Raw), "/lists/level3/unsubscribe?t=") {
		t.Errorf("no unsubscribe link mailed: %v", mailsOf(out))
	}
	// The List-Unsubscribe mailto (token in the subject) works at once.
	h.mustSend("dana@example.net", "level3-unsubscribe@lists.example.org", "From: dana@example.net\nSubject: unsubscribe "+tok+"\n\n")
	if m, _ := h.store.FindMember(ctx, h.list.ID, "dana@example.net"); m.State != fanarchive.MemberUnsubscribed {
		t.Errorf("the mailto with its token left the member %s", m.State)
	}
	// The same token again: the membership has ended.
	if _, _, err := h.engine.UnsubscribeToken(ctx, tok); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		t.Errorf("a replayed token: %v", err)
	}
}

func TestRetriedDeliveryIsOnce(t *testing.T) {
	h := newHarness(t, &fanarchive.List{Name: "level3", Address: "level3@lists.example.org", Title: "Level Three", Policy: fanarchive.ListOpen})
	h.member("carol@example.net")
	ctx := context.Background()
	env := mailin.Envelope{From: "a@example.com", To: []string{"level3@lists.example.org"}, ReceivedAt: h.now}
	raw := []byte("From: a@example.com\r\nSubject: twice\r\n\r\nOnce only.\r\n")
	for range 3 {
		if err := h.engine.Deliver(ctx, env, raw, "spool-key-1"); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(h.messages(fanarchive.ListMessagePosted)); n != 1 {
		t.Errorf("%d messages for one key", n)
	}
	if out := h.queued(); len(out) != 1 {
		t.Errorf("one post to one member queued %d mails", len(out))
	}
}

func TestBouncesDisable(t *testing.T) {
	h := newHarness(t, nil)
	mem := h.member("gone@example.net")
	ret := listmail.BounceAddress(h.engine.cfg.Key, h.list, mem.ID)
	dsn := func(action, status string) string {
		return "From: MAILER-DAEMON@mx.example.net\nSubject: Delivery Status Notification\nMIME-Version: 1.0\n" +
			"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nSorry.\n" +
			"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; gone@example.net\nAction: " + action +
			"\nStatus: " + status + "\n\n--b--\n"
	}
	h.mustSend("", ret, dsn("delayed", "4.4.1"))
	if m, _ := h.store.FindMember(context.Background(), h.list.ID, mem.Address); m.Bounces != 0 {
		t.Errorf("a delay counted as a bounce")
	}
	for day := 0; day < fanarchive.DefaultBounceDisable; day++ {
		h.mustSend("", ret, dsn("failed", "5.1.1"))
		h.mustSend("", ret, dsn("failed", "5.1.1")) // twice a day counts once
		h.now = h.now.Add(24 * time.Hour)
	}
	if m, _ := h.store.FindMember(context.Background(), h.list.ID, mem.Address); m.State != fanarchive.MemberDisabled || m.Bounces != fanarchive.DefaultBounceDisable {
		t.Errorf("after %d days of bounces: %s, %d bounces", fanarchive.DefaultBounceDisable, m.State, m.Bounces)
	}
	// A forged return path counts nothing.
	h.mustSend("", strings.Replace(ret, "+m", "+n", 1), dsn("failed", "5.1.1"))
}

func mailsOf(ms []*fanarchive.OutboundMail) []string {
	var s []string
	for _, m := range ms {
		s = append(s, m.Kind+"→"+m.To)
	}
	return s
}

func TestAnnounce(t *testing.T) {
	h := newHarness(t, &fanarchive.List{Name: "level3", Address: "level3@lists.example.org", Title: "Level Three", Announce: fanarchive.AnnounceSummary})
	carol := h.member("carol@example.net")
	ctx := context.Background()
	if err := h.store.CreateList(ctx, &fanarchive.List{Name: "quiet", Address: "quiet@lists.example.org", Title: "Quiet"}); err != nil {
		t.Fatal(err)
	}
	u := &fanarchive.User{Name: "Wren", Email: "wren@example.org", EmailConfirmed: true, PasswordHash: "x"}
	if err := h.store.CreateUser(ctx, u, nil, nil); err != nil {
		t.Fatal(err)
	}
	w := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "The Night Ferry", Authors: []fanarchive.Author{{Name: "Wren"}},
		Rating: fanarchive.RatingGeneral, Language: "en", Summary: "A ferry that only runs when nobody needs it.",
		Tags:  []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Original Work"}, {Kind: fanarchive.TagWarning, Name: "No Archive Warnings Apply"}},
		Words: 5, Complete: true, PostedBy: u.ID,
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>The ferry left at a quarter past nothing.</p>\n", Words: 9}}}
	if err := h.store.CreateWork(ctx, w); err != nil {
		t.Fatal(err)
	}
	if err := h.store.PublishWork(ctx, w.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.engine.Announce(ctx, w.ID, []string{"level3"}, u.ID+1); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		t.Errorf("announcing someone else's work: %v", err)
	}
	if err := h.engine.Announce(ctx, w.ID, []string{"quiet"}, u.ID); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		t.Errorf("announcing to a list that takes none: %v", err)
	}
	if err := h.engine.Announce(ctx, w.ID, []string{"level3"}, u.ID); err != nil {
		t.Fatal(err)
	}
	out := h.queued()
	if len(out) != 1 || out[0].To != carol.Address {
		t.Fatalf("the announcement queued %v", mailsOf(out))
	}
	body := string(out[0].Body.Raw)
	for _, want := range []string{"The Night Ferry", "A ferry that only runs", "http://archive.example.org/works/", "[level3]"} {
		if !strings.Contains(body, want) {
			t.Errorf("the announcement lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "wren@example.org") {
		t.Errorf("the announcement shows the author's address")
	}
	posts, err := h.store.FindWorkListPosts(ctx, w.ID)
	if err != nil || len(posts) != 1 {
		t.Errorf("the work's list posts: %d, %v", len(posts), err)
	}
	if err := h.engine.Announce(ctx, w.ID, []string{"level3"}, u.ID); fanarchive.ErrorCode(err) != fanarchive.ECONFLICT {
		t.Errorf("announcing the same version twice: %v", err)
	}
}

func TestImportMbox(t *testing.T) {
	h := newHarness(t, &fanarchive.List{Name: "level3", Address: "level3@lists.example.org", Title: "Level Three", Fandoms: []string{"Smallville"}, ArchiveWorks: true})
	room := &records.Room{Store: h.store}
	h.engine.FileStory = func(ctx context.Context, l *fanarchive.List, m *fanarchive.ListMessage, raw []byte) (int64, int, error) {
		f, err := room.File(ctx, records.Post{ListID: l.ID, ListName: l.Name, ListTitle: l.Title, Fandoms: l.Fandoms, Raw: raw, ReceivedAt: m.ReceivedAt})
		if err != nil || f.WorkID == 0 {
			return 0, 0, err
		}
		return f.WorkID, f.Chapter, nil
	}
	h.member("carol@example.net")
	story := "Title: The Lantern Year\nAuthor: Mira Holt\nRating: G\n\n" +
		"The lanterns were lit at dusk, one for every name the town remembered. She walked the length of the quay with her taper and did not hurry.\n\n" +
		"\"You missed one,\" her brother said. He pointed at the dark hook by the harbour-master's door.\n\n" +
		"\"I didn't miss it,\" she said. \"I was saving it.\" She climbed the steps, lifted the taper, and held it there a long moment before the wick took.\n\n" +
		"Out on the water a boat turned toward the light. They watched it come in, neither of them speaking, until it bumped against the stones and a man they had both stopped waiting for stepped ashore.\n\nTHE END\n"
	mbox := "From mira@example.com Mon Mar  6 10:00:00 2000\nFrom: Mira Holt <mira@example.com>\nSubject: The Lantern Year\nMessage-ID: <lantern@example.com>\nDate: Mon, 6 Mar 2000 10:00:00 +0000\n\n" + story +
		"\nFrom kai@example.org Tue Mar  7 09:00:00 2000\nFrom: Kai <kai@example.org>\nSubject: Re: The Lantern Year\nMessage-ID: <kai-1@example.org>\nIn-Reply-To: <lantern@example.com>\nReferences: <lantern@example.com>\nDate: Tue, 7 Mar 2000 09:00:00 +0000\n\nLovely. The last lantern got me.\n"
	ctx := context.Background()
	rep, err := h.engine.Import(ctx, h.list, []byte(mbox))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Messages != 2 || rep.Stored != 2 || rep.Works != 1 {
		t.Errorf("import: %+v", rep)
	}
	if out := h.queued(); len(out) != 0 {
		t.Errorf("an import mailed %v", mailsOf(out))
	}
	ms := h.messages(fanarchive.ListMessagePosted)
	if len(ms) != 2 || ms[0].ThreadID != ms[1].ThreadID || ms[0].WorkID == 0 || ms[1].WorkID != 0 {
		t.Fatalf("the imported messages: %+v", ms)
	}
	if months, err := h.store.ListArchiveMonths(ctx, h.list.ID); err != nil || len(months) != 1 || months[0].Month != "2000-03" {
		t.Errorf("archive months %+v, %v", months, err)
	}
	if rep, err := h.engine.Import(ctx, h.list, []byte(mbox)); err != nil || rep.Stored != 0 || rep.Known != 2 {
		t.Errorf("a second import: %+v, %v", rep, err)
	}
	if _, err := h.engine.Import(ctx, h.list, []byte("\x00\x01\x02 not mail")); err == nil {
		t.Errorf("binary junk imported")
	}
}
