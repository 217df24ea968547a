package listmail

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"fanarchive"
	"fanarchive/internal/ingest"
	"fanarchive/internal/mail"

	gomessage "github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
)

// storyPost is a received post, LF line ends as from a file.
const storyPost = "Return-Path: <chloe@example.com>\n" +
	"Delivered-To: level3@lists.example.org\n" +
	"Received: from mx.example.com by lists.example.org; Thu, 3 Dec 2026 17:00:00 +0000\n" +
	"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s1; h=from:subject; b=abc\n" +
	"From: Chloe Sullivan <chloe@example.com>\n" +
	"To: level3@lists.example.org\n" +
	"Bcc: secret@example.com\n" +
	"Subject: NEW: The Wall of Weird (1/3) [PG]\n" +
	"Date: Thu, 3 Dec 2026 16:59:00 +0000\n" +
	"Message-ID: <wall1@example.com>\n" +
	"List-Id: Another list <other.example.net>\n" +
	"MIME-Version: 1.0\n" +
	"Content-Type: text/plain; charset=utf-8\n" +
	"Content-Transfer-Encoding: 8bit\n" +
	"\n" +
	"Title: The Wall of Weird\nAuthor: Chloe Sullivan\nRating: PG\n\nThe Torch office smelled of old coffee and new theories.\n"

func dmarc(policies map[string]string) DMARCPolicy {
	return func(ctx context.Context, domain string) (string, error) {
		if p, ok := policies[domain]; ok {
			return p, nil
		}
		return "", errors.New("lookup failed")
	}
}

func TestBuildPostGolden(t *testing.T) {
	tests := []struct {
		name, raw string
		dmarc     map[string]string
	}{
		{"post_plain.eml", storyPost, map[string]string{"example.com": "none"}},
		{"post_dmarc.eml", storyPost, map[string]string{"example.com": "reject"}},
		{"post_reply_encoded.eml", "From: =?iso-8859-1?q?L=E9x_Luthor?= <lex@luthorcorp.example>\r\n" +
			"Subject: =?utf-8?q?Re=3A_=5Blevel3=5D_Caf=C3=A9?=\r\nMessage-ID: <r1@luthorcorp.example>\r\n" +
			"In-Reply-To: <wall1@example.com>\r\n\r\nNice.\r\n", map[string]string{"luthorcorp.example": "quarantine"}},
		{"post_no_subject.eml", "From: lana@example.net\nReply-To: lana.lang@example.net\n\nNo subject, no date, no id.\n", map[string]string{"example.net": "reject"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testConfig()
			c.DMARCPolicy = dmarc(tt.dmarc)
			p, err := c.BuildPost(context.Background(), testList(), []byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			h, rp, err := c.MemberFields(testList(), testMember())
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, append(append([]byte("X-Envelope-From: "+rp+"\r\n"), h...), p.Raw...))
			checkPost(t, p)
		})
	}
}

// checkPost reads a built post back with go-message and ingest: one tag,
// one List-Id, no dropped field, CRLF throughout.
func checkPost(t *testing.T, p *Post) {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(p.Raw, []byte("\r\n"), nil), []byte("\n")) || bytes.Contains(bytes.ReplaceAll(p.Raw, []byte("\r\n"), nil), []byte("\r")) {
		t.Errorf("a bare CR or LF in the post")
	}
	r, err := gomail.CreateReader(bytes.NewReader(p.Raw))
	if err != nil && !gomessage.IsUnknownCharset(err) && !gomessage.IsUnknownEncoding(err) {
		t.Fatalf("go-message: %v", err)
	}
	subj, _ := r.Header.Subject()
	if n := strings.Count(strings.ToLower(subj), "[level3]"); n != 1 {
		t.Errorf("subject %q has the tag %d times", subj, n)
	}
	if v := r.Header.Values("List-Id"); len(v) != 1 || v[0] != "Level Three <level3.lists.example.org>" {
		t.Errorf("List-Id %q", v)
	}
	for _, k := range []string{"Return-Path", "Delivered-To", "Bcc"} {
		if r.Header.Has(k) {
			t.Errorf("%s kept", k)
		}
	}
	posts, ok, err := ingest.SplitPosts(p.Raw)
	if err != nil || !ok || len(posts) != 1 {
		t.Fatalf("SplitPosts: %d posts, %v, %v", len(posts), ok, err)
	}
	if posts[0].Subject != p.Subject {
		t.Errorf("ingest reads subject %q, BuildPost says %q", posts[0].Subject, p.Subject)
	}
}

func TestBuildPostHeaders(t *testing.T) {
	l := testList()
	c := testConfig()
	c.DMARCPolicy = dmarc(map[string]string{"example.com": "reject"})
	p, err := c.BuildPost(context.Background(), l, []byte(storyPost))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := gomail.CreateReader(bytes.NewReader(p.Raw))
	from, _ := r.Header.AddressList("From")
	rt, _ := r.Header.AddressList("Reply-To")
	switch {
	case !p.FromRewritten || p.DMARC != "reject":
		t.Errorf("FromRewritten %v, DMARC %q", p.FromRewritten, p.DMARC)
	case len(from) != 1 || from[0].Name != "Chloe Sullivan via Level Three" || from[0].Address != l.Address:
		t.Errorf("From %v", from)
	case len(rt) != 1 || rt[0].Address != "chloe@example.com":
		t.Errorf("Reply-To %v", rt)
	case r.Header.Get("X-Original-From") != "Chloe Sullivan <chloe@example.com>":
		t.Errorf("X-Original-From %q", r.Header.Get("X-Original-From"))
	case r.Header.Has("Dkim-Signature"):
		t.Errorf("DKIM-Signature kept though From and Subject changed")
	case r.Header.Get("Cc") != "":
		t.Errorf("Cc %q", r.Header.Get("Cc"))
	case p.MessageID != "<wall1@example.com>" || p.From.Address != "chloe@example.com" || p.From.Name != "Chloe Sullivan":
		t.Errorf("MessageID %q, From %+v", p.MessageID, p.From)
	}
	for k, want := range map[string]string{
		"Precedence": "list", "X-Loop": "level3@lists.example.org", "List-Post": "<mailto:level3@lists.example.org>",
		"Sender": "<level3-bounces@lists.example.org>", "List-Archive": "<https://archive.example.org/lists/level3>",
		"List-Owner": "<mailto:level3-owner@lists.example.org>",
	} {
		if v := r.Header.Values(k); len(v) != 1 || v[0] != want {
			t.Errorf("%s %q, want %q", k, v, want)
		}
	}

	// The subject already tagged, From kept: the DKIM signature stays.
	tagged := strings.Replace(storyPost, "Subject: NEW:", "Subject: [level3] NEW:", 1)
	c.DMARCPolicy = nil
	p, err = c.BuildPost(context.Background(), l, []byte(tagged))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(p.Raw, []byte("DKIM-Signature: v=1")) || p.FromRewritten || !bytes.Contains(p.Raw, []byte("\r\nFrom: Chloe Sullivan <chloe@example.com>\r\n")) {
		t.Errorf("untouched post lost its signature or From:\n%s", p.Raw)
	}
	if p.Subject != "[level3] NEW: The Wall of Weird (1/3) [PG]" {
		t.Errorf("subject %q", p.Subject)
	}
}

// TestBuildPostKeepsBody: the body is the received bytes, HTML with a
// script and base64 parts alike; only LF line ends become CRLF.
func TestBuildPostKeepsBody(t *testing.T) {
	body := "--b1\r\nContent-Type: text/plain\r\n\r\nHello\r\n--b1\r\nContent-Type: text/html\r\n\r\n<p>Hi</p><script>alert(1)</script>\r\n" +
		"--b1\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b1--\r\n"
	raw := "From: a@example.org\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n" + body
	p, err := testConfig().BuildPost(context.Background(), testList(), []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(p.Raw, []byte("\r\n\r\n"+body)) {
		t.Errorf("body changed:\n%s", p.Raw)
	}
	lf := strings.ReplaceAll(raw, "\r\n", "\n")
	p2, err := testConfig().BuildPost(context.Background(), testList(), []byte(lf))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(p.Raw, p2.Raw) {
		t.Errorf("LF and CRLF input differ:\n%s\n----\n%s", p.Raw, p2.Raw)
	}
}

func TestBuildPostBadInput(t *testing.T) {
	tests := []struct{ name, raw string }{
		{"empty", ""},
		{"no header", "\n\njust text\n"},
		{"no from", "Subject: hi\n\ntext\n"},
		{"from without address", "From: Chloe\nSubject: hi\n\ntext\n"},
		{"from with spaces", "From: <a b@example.org>\n\ntext\n"},
		{"huge header", "From: a@example.org\nX-Junk: " + strings.Repeat("x", MaxHeaderBytes) + "\n\ntext\n"},
	}
	for _, tt := range tests {
		if _, err := testConfig().BuildPost(context.Background(), testList(), []byte(tt.raw)); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
			t.Errorf("%s: %v, want EINVALID", tt.name, err)
		}
	}
}

// TestBuildPostInjection: names and subjects holding (encoded) line
// breaks never start a field of their own.
func TestBuildPostInjection(t *testing.T) {
	l := testList()
	l.Title = "Level\r\nBcc: evil@example.com"
	c := testConfig()
	c.DMARCPolicy = dmarc(map[string]string{"example.com": "reject"})
	raw := "From: =?utf-8?q?Eve=0D=0ABcc=3A_evil=40example=2Ecom?= <eve@example.com>\r\n" +
		"Subject: =?utf-8?q?hi=0D=0ABcc=3A_evil=40example=2Ecom?=\r\n" +
		"X-Bad: one\rBcc: evil@example.com\r\n\r\nbody\r\n"
	p, err := c.BuildPost(context.Background(), l, []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := gomessage.Read(bytes.NewReader(p.Raw))
	if err != nil {
		t.Fatal(err)
	}
	if msg.Header.Has("Bcc") || bytes.Contains(p.Raw, []byte("\nBcc:")) || bytes.Contains(p.Raw, []byte("\rBcc:")) {
		t.Errorf("injected Bcc:\n%s", p.Raw)
	}
	if strings.ContainsAny(p.Subject, "\r\n") || strings.ContainsAny(p.From.Name, "\r\n") {
		t.Errorf("line breaks in %q / %q", p.Subject, p.From.Name)
	}
	io.Copy(io.Discard, msg.Body)
	if _, err := mail.HeaderFields(mail.Field{Name: "X", Value: p.Subject}); err != nil {
		t.Errorf("subject not one line: %v", err)
	}
}

// TestMemberMail: a member's mail passes the outbox's checks, and its
// return path and unsubscribe token read back as the member's.
func TestMemberMail(t *testing.T) {
	c := testConfig()
	l := testList()
	p, err := c.BuildPost(context.Background(), l, []byte(storyPost))
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.MemberMail(fanarchive.MailKindListPost, "list-post:1:1234", l, testMember(), &fanarchive.MailBody{Raw: p.Raw})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	rc, ok := ParseRecipient(m.From, func(n, d string) bool { return n == l.Name && d == l.Domain() })
	if !ok || rc.Command != CommandBounces {
		t.Fatalf("return path %q reads as %+v", m.From, rc)
	}
	if id, err := ParseBounceToken(c.Key, rc.Token); err != nil || id != 1234 {
		t.Errorf("bounce token: %d %v", id, err)
	}
	r, err := gomail.CreateReader(bytes.NewReader(append(append([]byte(nil), m.Header...), p.Raw...)))
	if err != nil {
		t.Fatal(err)
	}
	lu := r.Header.Get("List-Unsubscribe")
	i := strings.Index(lu, "?t=")
	j := strings.IndexByte(lu[i:], '>')
	tok := lu[i+3 : i+j]
	if lid, mid, err := ParseUnsubscribeToken(c.Key, tok, fixedNow); err != nil || lid != 7 || mid != 1234 {
		t.Errorf("unsubscribe token %q: %d %d %v", tok, lid, mid, err)
	}
	if !strings.Contains(lu, "<mailto:level3-unsubscribe@lists.example.org?subject=unsubscribe%20"+tok+">") || r.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe %q", lu)
	}
	if req, ok := ParseRequest("unsubscribe "+tok, ""); !ok || req.Kind != RequestUnsubscribe || req.Token != tok {
		t.Errorf("the mailto's subject reads as %+v", req)
	}
}

// BenchmarkMemberMail: the per-member cost of a fan-out (two MACs and the
// header lines); the shared body is built once.
func BenchmarkMemberMail(b *testing.B) {
	c := testConfig()
	l := testList()
	body := &fanarchive.MailBody{Raw: []byte(storyPost)}
	m := testMember()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.ID = int64(i + 1)
		if _, err := c.MemberMail(fanarchive.MailKindListPost, "", l, m, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildPost: one received post made into the shared body.
func BenchmarkBuildPost(b *testing.B) {
	c := testConfig()
	l := testList()
	raw := []byte(storyPost + strings.Repeat("The Torch office smelled of old coffee and new theories.\n", 2000))
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := c.BuildPost(context.Background(), l, raw); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMemberFieldsChecks: MemberFields writes what mail.HeaderFields
// would (folded), and refuses a base URL with a line break.
func TestMemberFieldsChecks(t *testing.T) {
	c := testConfig()
	h, _, err := c.MemberFields(testList(), testMember())
	if err != nil {
		t.Fatal(err)
	}
	tok := UnsubscribeToken(c.Key, 7, 1234, fixedNow)
	want, err := mail.HeaderFields(
		mail.Field{Name: "List-Unsubscribe", Value: "<https://archive.example.org/lists/level3/unsubscribe?t=" + tok + ">, <mailto:level3-unsubscribe@lists.example.org?subject=unsubscribe%20" + tok + ">"},
		mail.Field{Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click"})
	if err != nil {
		t.Fatal(err)
	}
	if got := bytes.ReplaceAll(h, []byte(",\r\n <"), []byte(", <")); !bytes.Equal(got, want) {
		t.Errorf("MemberFields:\n%s\nHeaderFields:\n%s", got, want)
	}
	c.BaseURL = "https://x.example\r\nBcc: y@example.com"
	if _, _, err := c.MemberFields(testList(), testMember()); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		t.Errorf("bad base URL: %v", err)
	}
}
