package web_test

import (
	"context"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net/http"
	netmail "net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/feedback"
)

// Feedback through the relay and kudos over HTTP, with the mail read raw
// from the outbox: guests and users, the relay's tokens both ways, header
// injection, markup, the honeypot, the rate limit, a work with no address
// (kept, then delivered on claim), the account setting, stop links,
// bounces, and kudos once per reader and never on one's own work.

// rawMail is a mail the site queued, as it goes on the wire.
type rawMail struct {
	To  string
	Raw string // the recipient's own header lines, then the body
	Msg *netmail.Message
}

// takeRaw claims every mail queued since the last call, raw.
func (f *fixture) takeRaw() []rawMail {
	f.t.Helper()
	mails, err := f.store.ClaimMail(context.Background(), 1000, time.Hour)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []rawMail
	for _, m := range mails {
		raw := string(m.Header) + string(m.Body.Raw)
		msg, err := netmail.ReadMessage(strings.NewReader(raw))
		if err != nil {
			f.t.Fatalf("mail %d does not parse: %v", m.ID, err)
		}
		out = append(out, rawMail{To: m.To, Raw: raw, Msg: msg})
	}
	return out
}

// oneRaw returns the one mail queued since the last call.
func (f *fixture) oneRaw(what string) rawMail {
	f.t.Helper()
	mails := f.takeRaw()
	if len(mails) != 1 {
		f.t.Fatalf("%s: %d mails queued, want 1", what, len(mails))
	}
	return mails[0]
}

// relay is a relay like the site's, for RelayReply.
func (f *fixture) relay() *feedback.Relay {
	return &feedback.Relay{Store: f.store, SiteName: "fanarchive", BaseURL: baseURL,
		From: netmail.Address{Name: "Test Archive", Address: "archive@archive.test"}}
}

// stopToken is a valid stop token for a new address row.
func (f *fixture) stopToken() string {
	f.t.Helper()
	work := f.freshLegacyWork(true)
	if err := f.store.SendFeedback(context.Background(), &fanarchive.Feedback{WorkID: work.ID, SenderName: "Setup",
		SenderEmail: "setup@example.net", Body: "Hi"}, func(fb *fanarchive.Feedback, to []fanarchive.FeedbackRecipient) ([]*fanarchive.OutboundMail, error) {
		return nil, nil
	}); err != nil {
		f.t.Fatal(err)
	}
	mailer, err := f.relay().Mailer(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	var tok string
	f.store.SendFeedback(context.Background(), &fanarchive.Feedback{WorkID: work.ID, SenderName: "Setup",
		SenderEmail: "setup@example.net", Body: "Hi"}, func(fb *fanarchive.Feedback, to []fanarchive.FeedbackRecipient) ([]*fanarchive.OutboundMail, error) {
		ms, err := mailer(fb, to)
		if err == nil {
			tok = stopPattern.FindStringSubmatch(string(ms[0].Body.Raw))[1]
		}
		return nil, err
	})
	return tok
}

var (
	stopPattern  = regexp.MustCompile(`/feedback/stop/([0-9a-z-]+)`)
	replyPattern = regexp.MustCompile(`reply\+([0-9a-z-]+)@archive\.test`)
)

// ownedWork is a work whose author is a pseud of u (assigned by hand).
func (f *fixture) ownedWork(u *fanarchive.User) *fanarchive.Work {
	f.t.Helper()
	work := f.freshLegacyWork(true)
	arch := f.makeUser(uniqueName("Assigner"), fanarchive.RoleArchivist)
	if err := f.store.AssignClaim(context.Background(), &fanarchive.Claim{UserID: u.ID, WorkID: work.ID,
		Scope: fanarchive.ScopeWork, DecidedBy: arch.ID}); err != nil {
		f.t.Fatal(err)
	}
	return work
}

// headerLines returns the mail's header, before the empty line.
func headerLines(raw string) string {
	h, _, _ := strings.Cut(raw, "\r\n\r\n")
	return h
}

// TestFeedbackGuestToLegacyAddress: a guest writes to the legacy author of
// an imported story whose header names an address; the mail reaches that
// address from the archive, with a relay Reply-To, the claim invitation and
// a stop link; no page shows the address; CRLF in name and subject reaches
// no header; markup is plain text in the mail and escaped on the page.
func TestFeedbackGuestToLegacyAddress(t *testing.T) {
	f := newAccountFixture(t)
	work := f.legacyWork("Lanterns", "Michelle", "Michelle <michelle@example.org>")
	guest := f.anon()

	page := guest.get(workPath(work))
	wantPage(t, "work page", page, http.StatusOK, "Send feedback to the author", "0 kudos")
	fpage := guest.get(workPath(work) + "/feedback")
	wantPage(t, "feedback form", fpage, http.StatusOK, "mails your message to the author", `name="website"`)
	noAddressIn(t, "the form", fpage, "michelle@example.org")

	resp := guest.post(workPath(work)+"/feedback", form("name", "Eve\r\nBcc: victim@example.com", "email", "eve@example.net",
		"subject", "Hi\r\nX-Injected: yes", "message", "<script>alert(1)</script> Loved the lanterns."))
	wantPage(t, "send", resp, http.StatusOK, "on its way")
	noAddressIn(t, "the sent page", resp, "michelle@example.org")

	m := f.oneRaw("guest feedback")
	h := headerLines(m.Raw)
	switch {
	case m.To != "michelle@example.org":
		t.Errorf("mailed to %s", m.To)
	case strings.Contains(h, "\r\nBcc:") || strings.Contains(h, "\r\nX-Injected:"):
		t.Errorf("a header was injected:\n%s", h)
	case strings.Contains(strings.ToLower(m.Raw), "eve@example.net"):
		t.Errorf("the sender's address is in the mail to the author:\n%s", m.Raw)
	case !strings.Contains(m.Msg.Header.Get("From"), "archive@archive.test"):
		t.Errorf("From is %q", m.Msg.Header.Get("From"))
	case !replyPattern.MatchString(m.Msg.Header.Get("Reply-To")):
		t.Errorf("Reply-To is %q", m.Msg.Header.Get("Reply-To"))
	case !strings.HasPrefix(m.Msg.Header.Get("Content-Type"), "text/plain"):
		t.Errorf("Content-Type is %q", m.Msg.Header.Get("Content-Type"))
	}
	text := decodedText(t, m)
	for _, want := range []string{"<script>alert(1)</script> Loved the lanterns.", baseURL + workPath(work) + "/claim",
		baseURL + "/feedback/stop/", "A guest who gave the name Eve Bcc: victim@example.com"} {
		if !strings.Contains(text, want) {
			t.Errorf("the mail lacks %q:\n%s", want, text)
		}
	}

	// The form coming back with an error shows what was typed, escaped.
	bad := guest.post(workPath(work)+"/feedback", form("name", "<b>Eve</b>", "email", "not an address", "message", "<script>alert(2)</script>"))
	wantPage(t, "bad address", bad, http.StatusBadRequest, "&lt;script&gt;alert(2)&lt;/script&gt;", "&lt;b&gt;Eve&lt;/b&gt;")
	if strings.Contains(bad.body, "<script>alert(2)") || strings.Contains(bad.body, "<b>Eve") {
		t.Error("markup typed into the form is not escaped")
	}
	if n := len(f.takeRaw()); n != 0 {
		t.Errorf("a refused form queued %d mails", n)
	}
}

// decodedText is a raw mail's text, quoted-printable decoded.
func decodedText(t *testing.T, m rawMail) string {
	t.Helper()
	msg, err := netmail.ReadMessage(strings.NewReader(m.Raw))
	if err != nil {
		t.Fatal(err)
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	text, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(text), "\r\n", "\n")
}

// TestFeedbackRelayBothWays: a user writes to a work another user owns;
// the owner's reply through the relay reaches the sender without the
// owner's address, and the sender's answer reaches the owner without the
// sender's; forged and altered tokens are refused.
func TestFeedbackRelayBothWays(t *testing.T) {
	f := newAccountFixture(t)
	ctx := context.Background()
	author := f.makeUser(uniqueName("Author"))
	reader := f.makeUser(uniqueName("Reader"))
	work := f.ownedWork(author)
	f.takeRaw()

	resp := f.loginAs(reader).post(workPath(work)+"/feedback", form("subject", "Chapter two", "message", "What happens next?"))
	wantPage(t, "user feedback", resp, http.StatusOK, "on its way")
	m := f.oneRaw("user feedback")
	if m.To != author.Email || strings.Contains(strings.ToLower(m.Raw), strings.ToLower(reader.Email)) {
		t.Fatalf("mail to %s; holds the reader's address: %v", m.To, strings.Contains(m.Raw, reader.Email))
	}
	tok := replyPattern.FindStringSubmatch(m.Msg.Header.Get("Reply-To"))[1]

	relay := f.relay()
	reply := "From: " + author.Email + "\r\nTo: reply+" + tok + "@archive.test\r\nSubject: Re: Chapter two\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\nSoon! Write to me at " + author.Email + " any time.\r\n"
	fw, err := relay.RelayReply(ctx, tok, []byte(reply))
	if err != nil {
		t.Fatalf("relay the author's reply: %v", err)
	}
	if fw.To != reader.Email || fw.Direction != feedback.ToSender {
		t.Errorf("forward to %s, direction %c", fw.To, fw.Direction)
	}
	if raw := strings.ToLower(string(fw.Mail.Body.Raw)); strings.Contains(raw, strings.ToLower(author.Email)) {
		t.Errorf("the forward carries the author's address:\n%s", raw)
	}
	if err := f.store.QueueMail(ctx, []*fanarchive.OutboundMail{fw.Mail}); err != nil {
		t.Fatal(err)
	}
	back := f.oneRaw("forward")
	if !strings.Contains(decodedText(t, back), "Soon! Write to me at [address hidden] any time.") {
		t.Errorf("the forward's text:\n%s", decodedText(t, back))
	}
	tok2 := replyPattern.FindStringSubmatch(back.Msg.Header.Get("Reply-To"))[1]
	fw2, err := relay.RelayReply(ctx, tok2, []byte("Subject: Thanks\r\n\r\nThank you!\r\n"))
	if err != nil || fw2.To != author.Email {
		t.Fatalf("relay the reader's answer: %v (to %v)", err, fw2)
	}

	// An automatic reply is not relayed.
	if _, err := relay.RelayReply(ctx, tok, []byte("Auto-Submitted: auto-replied\r\nSubject: Away\r\n\r\nOn holiday.\r\n")); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		t.Errorf("an automatic reply: %v", err)
	}
	// Forged and altered tokens are refused.
	for _, bad := range []string{"", "s1-0-000000000000000000000000", tok[:len(tok)-1] + flip(tok[len(tok)-1]),
		"a" + tok[1:], strings.Replace(tok, "-", "-1", 1), "s" + tok, tok + "-0"} {
		if _, err := relay.RelayReply(ctx, bad, []byte("Subject: x\r\n\r\nx\r\n")); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
			t.Errorf("token %q: %v, want ENOTFOUND", bad, err)
		}
	}
}

// flip changes a hex digit.
func flip(c byte) string {
	if c == '0' {
		return "1"
	}
	return "0"
}

// TestFeedbackHeldUntilClaimed: a work whose header kept only a name holds
// the feedback, and says so; an archivist's assignment delivers it to the
// new owner.
func TestFeedbackHeldUntilClaimed(t *testing.T) {
	f := newAccountFixture(t)
	work := f.legacyWork("Only a Name", "Michelle", "Michelle")
	fpage := f.anon().get(workPath(work) + "/feedback")
	wantPage(t, "form", fpage, http.StatusOK, "kept until the author claims this work")
	resp := f.anon().post(workPath(work)+"/feedback", form("name", "Kim", "email", "kim@example.net", "message", "Found your story at last."))
	wantPage(t, "held", resp, http.StatusOK, "kept until the author claims this work")
	if n := len(f.takeRaw()); n != 0 {
		t.Fatalf("held feedback queued %d mails", n)
	}
	owner := f.makeUser(uniqueName("Michelle Claims"))
	arch := f.makeUser(uniqueName("Archivist"), fanarchive.RoleArchivist)
	as := f.loginAs(arch).post("/admin/claims/assign", form("work", fmt.Sprint(work.ID), "user", owner.Name, "scope", "work"))
	if as.status >= 400 {
		t.Fatalf("assign: %d %s", as.status, mainText(as.body))
	}
	m := f.oneRaw("delivered on claim")
	if m.To != owner.Email || !strings.Contains(decodedText(t, m), "Found your story at last.") ||
		strings.Contains(m.Raw, "kim@example.net") {
		t.Errorf("delivered to %s:\n%s", m.To, m.Raw)
	}
}

// TestFeedbackRateLimit: a hundred guest sends from one address: the first
// ten go, the rest get 429, and the site keeps answering.
func TestFeedbackRateLimit(t *testing.T) {
	f := newAccountFixture(t)
	work := f.freshLegacyWork(true)
	ok, limited := 0, 0
	for i := range 100 {
		resp := f.anon().post(workPath(work)+"/feedback", form("name", "Spam", "email", "spam@example.net", "message", fmt.Sprint("Buy now ", i)))
		switch resp.status {
		case http.StatusOK:
			ok++
		case http.StatusTooManyRequests:
			limited++
			if resp.header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		default:
			t.Fatalf("send %d: status %d", i, resp.status)
		}
	}
	if ok != 10 || limited != 90 {
		t.Errorf("%d sent, %d limited; want 10 and 90", ok, limited)
	}
	if resp := f.anon().get("/"); resp.status != http.StatusOK {
		t.Errorf("home page: %d", resp.status)
	}
	if n := len(f.takeRaw()); n != 10 {
		t.Errorf("%d mails queued, want 10", n)
	}
}

// TestFeedbackHoneypot: a filled honeypot is told the message went, and
// nothing is kept or mailed.
func TestFeedbackHoneypot(t *testing.T) {
	f := newAccountFixture(t)
	work := f.freshLegacyWork(true)
	resp := f.anon().post(workPath(work)+"/feedback", form("name", "Bot", "email", "bot@example.net", "message", "Cheap pills", "website", "http://spam.example"))
	wantPage(t, "honeypot", resp, http.StatusOK, "on its way")
	if n := len(f.takeRaw()); n != 0 {
		t.Errorf("the honeypot queued %d mails", n)
	}
}

// TestFeedbackOptOuts: an account's setting, a stop link (forged ones
// refused) and a bounce each stop the relay writing to an address.
func TestFeedbackOptOuts(t *testing.T) {
	f := newAccountFixture(t)
	ctx := context.Background()
	author := f.makeUser(uniqueName("Quiet Author"))
	work := f.ownedWork(author)
	f.takeRaw()
	if resp := f.loginAs(author).post("/account/feedback", form("relay", "off")); resp.status != http.StatusOK && resp.status != http.StatusSeeOther {
		t.Fatalf("setting: %d", resp.status)
	}
	wantPage(t, "account", f.loginAs(author).get("/account"), http.StatusOK, "Turn relayed feedback on")
	wantPage(t, "form, setting off", f.anon().get(workPath(work)+"/feedback"), http.StatusOK, "does not take feedback by mail")
	resp := f.anon().post(workPath(work)+"/feedback", form("name", "Kim", "email", "kim@example.net", "message", "Hello"))
	wantPage(t, "send, setting off", resp, http.StatusConflict, "does not take feedback by mail")

	// A stop link.
	legacy := f.freshLegacyWork(true)
	f.anon().post(workPath(legacy)+"/feedback", form("name", "Kim", "email", "kim@example.net", "message", "Hello"))
	m := f.oneRaw("legacy feedback")
	stop := "/feedback/stop/" + stopPattern.FindStringSubmatch(decodedText(t, m))[1]
	wantPage(t, "stop page", f.anon().get(stop), http.StatusOK, "Stop relaying mail to this address")
	for _, bad := range []string{stop + "0", "/feedback/stop/1-000000000000000000000000", "/feedback/stop/zz"} {
		wantPage(t, "forged stop link", f.anon().post(bad, nil), http.StatusNotFound, "not valid")
	}
	wantPage(t, "stop", f.anon().post(stop, nil), http.StatusOK, "No more relayed mail")
	wantPage(t, "form after stop", f.anon().get(workPath(legacy)+"/feedback"), http.StatusOK, "does not take feedback by mail")

	// A bounce: the outbox gives up on a relayed mail; the address is
	// not written to again, and the work keeps its feedback instead.
	bouncy := f.freshLegacyWork(true)
	f.anon().post(workPath(bouncy)+"/feedback", form("name", "Kim", "email", "kim@example.net", "message", "Hello"))
	mails, err := f.store.ClaimMail(ctx, 10, time.Hour)
	if err != nil || len(mails) != 1 {
		t.Fatalf("claim: %v, %d", err, len(mails))
	}
	if err := f.store.MarkMailFailed(ctx, []fanarchive.MailFailure{{Mail: mails[0], Error: "550 no such user"}}); err != nil {
		t.Fatal(err)
	}
	wantPage(t, "form after bounce", f.anon().get(workPath(bouncy)+"/feedback"), http.StatusOK, "kept until the author claims this work")
}

// TestKudos: once per user, once per guest's address, never on one's own
// work; the work page names the users and counts the guests.
func TestKudos(t *testing.T) {
	opts := accountOptions()
	opts.TrustedProxy = true
	f := newFixture(t, opts)
	author := f.makeUser(uniqueName("Kudos Author"))
	fan := f.makeUser(uniqueName("Fan"))
	work := f.ownedWork(author)
	path := workPath(work) + "/kudos"

	if resp := f.loginAs(fan).post(path, nil); resp.status != http.StatusSeeOther && resp.status != http.StatusOK {
		t.Fatalf("kudos: %d", resp.status)
	}
	wantPage(t, "again", f.loginAs(fan).post(path, nil), http.StatusOK, "left kudos here already")
	wantPage(t, "own work", f.loginAs(author).post(path, nil), http.StatusForbidden, "own work")
	guest := func(ip string) response {
		return f.anon().postWith(path, form(), map[string]string{"Sec-Fetch-Site": "same-origin", "X-Forwarded-For": ip})
	}
	if resp := guest("192.0.2.7"); resp.status != http.StatusSeeOther && resp.status != http.StatusOK {
		t.Fatalf("guest kudos: %d", resp.status)
	}
	wantPage(t, "guest again", guest("192.0.2.7"), http.StatusOK, "left kudos here already")
	guest("192.0.2.8")
	page := f.anon().get(workPath(work))
	wantPage(t, "work page", page, http.StatusOK, "3 kudos", "Kudos from <a href=\"/users/"+strings.ReplaceAll(fan.Name, " ", "%20")+"\">"+fan.Name+"</a> and 2 guests")
	if strings.Contains(f.loginAs(author).get(workPath(work)).body, "Leave kudos") {
		t.Error("the author is offered kudos on their own work")
	}
}

// TestFeedbackHeldThenClaimedByLink: a work whose header address bounced
// keeps new feedback; when the author claims it by the mailed link, the
// claim's page delivers the feedback to their account's address.
func TestFeedbackHeldThenClaimedByLink(t *testing.T) {
	f := newAccountFixture(t)
	ctx := context.Background()
	work := f.legacyWork("Old Address", "Rowan Ash", "rowan@example.org")
	f.anon().post(workPath(work)+"/feedback", form("name", "Kim", "email", "kim@example.net", "message", "First."))
	mails, err := f.store.ClaimMail(ctx, 10, time.Hour)
	if err != nil || len(mails) != 1 {
		t.Fatalf("claim mail: %v, %d", err, len(mails))
	}
	if err := f.store.MarkMailFailed(ctx, []fanarchive.MailFailure{{Mail: mails[0], Error: "550 no such user"}}); err != nil {
		t.Fatal(err)
	}
	resp := f.anon().post(workPath(work)+"/feedback", form("name", "Kim", "email", "kim@example.net", "message", "Second, kept."))
	wantPage(t, "after the bounce", resp, http.StatusOK, "kept until the author claims this work")

	rowan := f.makeUser(uniqueName("Rowan"))
	c := f.loginAs(rowan)
	if resp := c.post(workPath(work)+"/claim", form("pseud", "new", "scope", "address")); resp.status != http.StatusOK {
		t.Fatalf("claim: %d %s", resp.status, mainText(resp.body))
	}
	link := f.linkIn(f.mailTo("rowan@example.org"), "/claims/")
	wantPage(t, "confirm", c.post(link, nil), http.StatusOK, "The works are yours")
	m := f.oneRaw("held feedback on claim")
	if m.To != rowan.Email || !strings.Contains(decodedText(t, m), "Second, kept.") || strings.Contains(m.Raw, "kim@example.net") {
		t.Errorf("delivered to %s:\n%s", m.To, decodedText(t, m))
	}
}
