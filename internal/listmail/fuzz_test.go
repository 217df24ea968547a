package listmail

import (
	"bufio"
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"fanarchive"

	"github.com/emersion/go-message/textproto"
)

// The fuzz targets keep failing inputs in testdata/fuzz/FuzzX, which plain
// `go test` replays. Run each for a few minutes:
//
//	go test ./internal/listmail -run '^$' -fuzz FuzzBuildPost -fuzztime 3m

// FuzzParseRecipient: whatever the address, ParseRecipient does not panic,
// and what it accepts names a list isList knows, with a command, and reads
// back the same from Address().
func FuzzParseRecipient(f *testing.F) {
	for _, s := range []string{"level3@lists.example.org", "LEVEL3-request@Lists.Example.org", "level3-bounces+m1-abc@lists.example.org",
		"foo-un-subscribe@x.example", "<level3-moderate+1-x@lists.example.org>", "a@b@c", "-@x", "level3+@x", "\xff@x", ""} {
		f.Add(s)
	}
	known := map[string]bool{"level3": true, "foo": true, "foo-un": true}
	isList := func(name, domain string) bool { return known[name] && fanarchive.ValidateListName(name) == nil }
	f.Fuzz(func(t *testing.T, rcpt string) {
		r, ok := ParseRecipient(rcpt, isList)
		if !ok {
			if r != (Recipient{}) {
				t.Fatalf("not ok but %+v", r)
			}
			return
		}
		if !known[r.List] || r.Command == "" || strings.ContainsAny(r.Domain, "@ <>") || strings.Contains(r.Token, "@") {
			t.Fatalf("%q read as %+v", rcpt, r)
		}
		back, ok := ParseRecipient(r.Address(), isList)
		if !ok || back.List != r.List || back.Command != r.Command || back.Domain != r.Domain || back.Token != "" {
			t.Fatalf("%q → %+v → %q → %+v", rcpt, r, r.Address(), back)
		}
	})
}

// FuzzParseRequest: whatever the text, a request read has a known kind, a
// valid mode where it needs one and a token of letters, digits and
// hyphens.
func FuzzParseRequest(f *testing.F) {
	for _, s := range [][2]string{{"subscribe digest", ""}, {"Re: confirm abcdefghijklmnopqrstuvwxyz", ""}, {"", "> x\napprove"},
		{"set delivery", ""}, {"AW: Re: [x] unsubscribe 1-2-3-abc", ""}, {"", "\xff\xfeban"}, {"Re:Re:Re:", ""}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, subject, body string) {
		r, ok := ParseRequest(subject, body)
		if !ok {
			if r != (Request{}) {
				t.Fatalf("not ok but %+v", r)
			}
			return
		}
		switch r.Kind {
		case RequestSubscribe, RequestSet:
			if !r.Mode.Valid() {
				t.Fatalf("%+v without a mode", r)
			}
		case RequestUnsubscribe, RequestHelp, RequestConfirm, RequestApprove, RequestReject, RequestBan:
		default:
			t.Fatalf("kind %q", r.Kind)
		}
		if (r.Kind == RequestConfirm || r.Token != "") && !tokenWord.MatchString(r.Token) {
			t.Fatalf("token %q", r.Token)
		}
	})
}

// FuzzParseBounce: whatever the bytes, ParseBounce does not panic, errs
// only with EINVALID, and reads a known kind with at most
// maxBounceRecipients recipients, permanent only for a DSN.
func FuzzParseBounce(f *testing.F) {
	f.Add([]byte(dsn("failed", "5.1.1")))
	f.Add([]byte(dsn("delayed", "4.0.0")))
	f.Add([]byte("From: postmaster@x\nSubject: Undeliverable\n\n550 user unknown\n"))
	f.Add([]byte("From: a@b\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: base64\n\nQQ==\n--b--\n"))
	f.Add([]byte("Subject: x\n\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, err := ParseBounce(raw)
		if err != nil {
			if fanarchive.ErrorCode(err) != fanarchive.EINVALID {
				t.Fatalf("error %v", err)
			}
			return
		}
		switch b.Kind {
		case BouncePermanent, BounceTemporary:
			if !b.DSN {
				t.Fatalf("%s without a DSN", b.Kind)
			}
		case BounceUnknown, BounceNone:
		default:
			t.Fatalf("kind %q", b.Kind)
		}
		if len(b.Recipients) > maxBounceRecipients {
			t.Fatalf("%d recipients", len(b.Recipients))
		}
	})
}

// FuzzBuildPost: whatever the received bytes, BuildPost either refuses
// them with EINVALID or makes a post with CRLF line ends only, a header
// that reads back, the list's List-Id and X-Loop once each, the tag in the
// subject as often as before and at least once, and the received body.
func FuzzBuildPost(f *testing.F) {
	f.Add([]byte(storyPost), "reject")
	f.Add([]byte("From: a@b.example\r\nSubject: =?utf-8?q?Re=3A_=5Blevel3=5D_x?=\r\n\r\nbody"), "none")
	f.Add([]byte("From: =?utf-8?q?E=0D=0Ave?= <e@x.example>\nSubject: \xff\xfe\nX-Loop: level3@lists.example.org\n\n"), "quarantine")
	f.Add([]byte("From a@b Thu Dec  3 17:00:00 2026\nFrom: a@b.example\nSubject: [LEVEL3] [level3]\n folded\n\n\r\n.\r\n"), "")
	f.Add([]byte("From: a@b.example\nSubject: x\rBcc: c@d\n\n"), "reject")
	l := testList()
	f.Fuzz(func(t *testing.T, raw []byte, policy string) {
		c := testConfig()
		c.DMARCPolicy = func(ctx context.Context, d string) (string, error) { return policy, nil }
		p, err := c.BuildPost(context.Background(), l, raw)
		if err != nil {
			if fanarchive.ErrorCode(err) != fanarchive.EINVALID {
				t.Fatalf("error %v", err)
			}
			return
		}
		if bytes.Contains(bytes.ReplaceAll(p.Raw, []byte("\r\n"), nil), []byte("\n")) || bytes.Contains(bytes.ReplaceAll(p.Raw, []byte("\r\n"), nil), []byte("\r")) {
			t.Fatalf("a bare CR or LF:\n%q", p.Raw)
		}
		br := bufio.NewReader(bytes.NewReader(p.Raw))
		h, err := textproto.ReadHeader(br)
		if err != nil {
			t.Fatalf("header does not read back: %v\n%q", err, p.Raw)
		}
		if v := h.Values("List-Id"); len(v) != 1 || v[0] != ListID(l) {
			t.Fatalf("List-Id %q", v)
		}
		loops := 0
		for _, v := range h.Values("X-Loop") {
			if v == l.Address {
				loops++
			}
		}
		before, _, _ := splitMessage(raw)
		wasLoop := 0
		for _, fl := range before {
			if fl.key == "X-Loop" && fl.value == l.Address {
				wasLoop++
			}
		}
		if loops != wasLoop+1 {
			t.Fatalf("X-Loop %q", h.Values("X-Loop"))
		}
		subject := strings.ToLower(decodeText(h.Get("Subject")))
		if !utf8.ValidString(p.Subject) || strings.ContainsAny(p.Subject, "\r\n") {
			t.Fatalf("subject %q", p.Subject)
		}
		want := 0
		for _, fl := range before {
			if fl.key == "Subject" {
				want = strings.Count(strings.ToLower(strings.Join(strings.Fields(decodeText(fl.value)), " ")), "[level3]")
				break
			}
		}
		if got := strings.Count(subject, "[level3]"); got != max(1, want) {
			t.Fatalf("tag %d times in %q (was %d)", got, subject, want)
		}
		_, body, _ := splitMessage(raw)
		if !bytes.HasSuffix(p.Raw, append([]byte("\r\n\r\n"), body...)) && len(body) > 0 {
			t.Fatalf("body changed")
		}
	})
}
