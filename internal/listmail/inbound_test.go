package listmail

import (
	"strings"
	"testing"

	"fanarchive"
)

func TestIsLoop(t *testing.T) {
	l := testList()
	tests := []struct {
		name, header string
		want         bool
	}{
		{"plain", "From: a@example.org\nSubject: hi\n", false},
		{"own x-loop", "From: a@example.org\nX-Loop: Level3@Lists.Example.org\n", true},
		{"other x-loop", "From: a@example.org\nX-Loop: other@example.net\n", false},
		{"own list-id", "From: a@example.org\nList-Id: Level Three <level3.lists.example.org>\n", true},
		{"other list-id", "From: a@example.org\nList-Id: Other <other.lists.example.org>\n", false},
		{"many received", "From: a@example.org\n" + strings.Repeat("Received: from x by y; Thu, 3 Dec 2026 17:00:00 +0000\n", MaxReceived+1), true},
		{"some received", "From: a@example.org\n" + strings.Repeat("Received: from x by y\n", 10), false},
	}
	for _, tt := range tests {
		if got := IsLoop(ParseHeader([]byte(tt.header+"\nbody\n")), l); got != tt.want {
			t.Errorf("%s: IsLoop = %v", tt.name, got)
		}
	}
	// What BuildPost makes is a loop when it comes back.
	p, err := testConfig().BuildPost(t.Context(), l, []byte(storyPost))
	if err != nil {
		t.Fatal(err)
	}
	if !IsLoop(ParseHeader(p.Raw), l) {
		t.Error("the list's own post is no loop")
	}
}

func TestIsAutoReply(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"From: a@example.org\n", false},
		{"Auto-Submitted: no\n", false},
		{"Auto-Submitted: auto-replied\n", true},
		{"Auto-Submitted: Auto-Generated; owner-email=x@example.org\n", true},
		{"Precedence: bulk\n", true},
		{"Precedence: junk\n", true},
		{"Precedence: list\n", true},
		{"Precedence: first-class\n", false},
		{"X-Autoreply: yes\n", true},
		{"X-Autorespond: x\n", true},
		{"Return-Path: <>\n", true},
		{"Return-Path: <a@example.org>\n", false},
		{"List-Id: <other.example.net>\n", true},
	}
	for _, tt := range tests {
		if got := IsAutoReply(ParseHeader([]byte(tt.header + "\n"))); got != tt.want {
			t.Errorf("IsAutoReply(%q) = %v", tt.header, got)
		}
	}
}

func TestParseRequest(t *testing.T) {
	const secret = "abcdefghijklmnopqrstuvwxyz"
	tests := []struct {
		subject, body string
		want          Request
		ok            bool
	}{
		{"subscribe", "", Request{Kind: RequestSubscribe, Mode: fanarchive.DeliverEach}, true},
		{"SUBSCRIBE digest", "", Request{Kind: RequestSubscribe, Mode: fanarchive.DeliverDigest}, true},
		{"subscribe nomail", "", Request{Kind: RequestSubscribe, Mode: fanarchive.DeliverNone}, true},
		{"subscribe sideways", "", Request{}, false},
		{"", "subscribe digest\n\n-- \nsig", Request{Kind: RequestSubscribe, Mode: fanarchive.DeliverDigest}, true},
		{"Hello", "\n\n  unsubscribe\n", Request{Kind: RequestUnsubscribe}, true},
		{"unsubscribe immediately", "", Request{Kind: RequestUnsubscribe}, true},
		{"unsubscribe 7-ya-g1i-6vsn4njksuzebrkx", "", Request{Kind: RequestUnsubscribe, Token: "7-ya-g1i-6vsn4njksuzebrkx"}, true},
		{"help", "", Request{Kind: RequestHelp}, true},
		{"", "HELP me", Request{Kind: RequestHelp}, true},
		{"set digest", "", Request{Kind: RequestSet, Mode: fanarchive.DeliverDigest}, true},
		{"set each", "", Request{Kind: RequestSet, Mode: fanarchive.DeliverEach}, true},
		{"", "set nomail", Request{Kind: RequestSet, Mode: fanarchive.DeliverNone}, true},
		{"set delivery digest", "", Request{Kind: RequestSet, Mode: fanarchive.DeliverDigest}, true},
		{"set", "", Request{}, false},
		{"confirm " + secret, "", Request{Kind: RequestConfirm, Token: secret}, true},
		{"Re: confirm " + strings.ToUpper(secret), "> Reply to confirm.", Request{Kind: RequestConfirm, Token: secret}, true},
		{"AW: [level3] Re: confirm " + secret, "", Request{Kind: RequestConfirm, Token: secret}, true},
		{"confirm", "", Request{}, false},
		{"Re: [level3] Held post: The Wall", "Approve\n\n> The post is held.", Request{Kind: RequestApprove}, true},
		{"Re: Held post", "> quoted approve\n\nreject, it is spam", Request{Kind: RequestReject}, true},
		{"ban", "", Request{Kind: RequestBan}, true},
		{"Re: held", "On Thu, 3 Dec 2026, Level Three wrote:\n> A message is held.\n\nban\n", Request{Kind: RequestBan}, true},
		{"Re: Held post", "Thanks!", Request{}, false},
		{"", "", Request{}, false},
		{"Re: Re: Re:", "> only quotes", Request{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseRequest(tt.subject, tt.body)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseRequest(%q, %q) = %+v, %v; want %+v, %v", tt.subject, tt.body, got, ok, tt.want, tt.ok)
		}
	}
	if RequestBan.Decision() != fanarchive.ModerationBan || RequestHelp.Decision() != "" {
		t.Error("Decision")
	}
}

// dsn is a delivery status notification for one recipient.
func dsn(action, status string) string {
	return "From: MAILER-DAEMON@mx.example.net\r\nTo: level3-bounces+mya-abc@lists.example.org\r\n" +
		"Subject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n" +
		"--B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not be delivered.\r\n" +
		"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\nArrival-Date: Thu, 3 Dec 2026 17:00:00 +0000\r\n\r\n" +
		"Final-Recipient: rfc822; Clark@example.net\r\nOriginal-Recipient: rfc822;clark@example.net\r\nAction: " + action + "\r\nStatus: " + status + "\r\n" +
		"Diagnostic-Code: smtp; 550 5.1.1 <clark@example.net>: Recipient address rejected\r\n\r\n" +
		"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: level3@lists.example.org\r\nSubject: [level3] hi\r\n\r\n--B--\r\n"
}

func TestParseBounce(t *testing.T) {
	tests := []struct {
		name, raw string
		kind      BounceKind
		dsn       bool
		rcpt      string
	}{
		{"permanent", dsn("failed", "5.1.1"), BouncePermanent, true, "clark@example.net"},
		{"delayed", dsn("delayed", "4.4.1"), BounceTemporary, true, "clark@example.net"},
		{"failed 4xx", dsn("failed", "4.2.2"), BounceTemporary, true, "clark@example.net"},
		{"delivered", dsn("delivered", "2.0.0"), BounceNone, true, "clark@example.net"},
		{"plain text bounce", "From: postmaster@old.example\nSubject: Returned mail\n\n----- The following addresses had permanent fatal errors -----\n<clark@old.example>\n    (reason: 550 User unknown)\n", BounceUnknown, false, ""},
		{"vacation", "From: lois@example.net\nAuto-Submitted: auto-replied\nSubject: Out of office: [level3] hi\n\nI am away until Monday.\n", BounceNone, false, ""},
		{"a person", "From: lois@example.net\nSubject: hello\n\nWhy do I get this?\n", BounceNone, false, ""},
		{"malformed mime", "From: x@example.net\nSubject: Undeliverable: hi\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n--B\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@b\nAction: failed\nStatus: 5.0.0\n", BouncePermanent, true, "a@b"},
	}
	for _, tt := range tests {
		b, err := ParseBounce([]byte(tt.raw))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if b.Kind != tt.kind || b.DSN != tt.dsn {
			t.Errorf("%s: kind %s, dsn %v; want %s, %v", tt.name, b.Kind, b.DSN, tt.kind, tt.dsn)
		}
		if tt.rcpt != "" && (len(b.Recipients) != 1 || b.Recipients[0].Address != tt.rcpt) {
			t.Errorf("%s: recipients %+v", tt.name, b.Recipients)
		}
	}
	b, _ := ParseBounce([]byte(dsn("failed", "5.1.1")))
	if r := b.Recipients[0]; !r.Permanent() || r.Status != "5.1.1" || !strings.Contains(r.Diagnostic, "550") || !b.Counts() {
		t.Errorf("recipient %+v", r)
	}
	if _, err := ParseBounce([]byte("no header here\n")); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		t.Errorf("no header: %v", err)
	}
}
