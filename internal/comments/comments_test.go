package comments_test

import (
	"context"
	"strings"
	"testing"

	"fanarchive"
	"fanarchive/internal/comments"
	"fanarchive/internal/mail"
	"fanarchive/internal/store/sqlite"
)

// TestTokens: a token reads back as what it names, in any case; altered,
// forged, malformed tokens, other keys' and the other purpose's are
// refused.
func TestTokens(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	other := []byte("fedcba9876543210fedcba9876543210")
	tok := comments.ReplyToken(key, 42, 7)
	if n := len("comment+" + tok); n > 64 {
		t.Errorf("token %q makes a %d-byte local part", tok, n)
	}
	for _, s := range []string{tok, strings.ToUpper(tok)} {
		if c, u, err := comments.ParseReplyToken(key, s); err != nil || c != 42 || u != 7 {
			t.Errorf("%q reads as %d %d, %v", s, c, u, err)
		}
	}
	for i := range tok {
		bad := tok[:i] + "x" + tok[i+1:]
		if _, _, err := comments.ParseReplyToken(key, bad); err == nil {
			t.Errorf("altered token %q accepted", bad)
		}
	}
	for _, bad := range []string{"", "-", "1-7", "1-7-", tok + "0", comments.ReplyToken(other, 42, 7),
		comments.UnsubscribeToken(key, 42, 7), comments.ReplyToken(key, 0, 7), comments.ReplyToken(key, 42, 0)} {
		if _, _, err := comments.ParseReplyToken(key, bad); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
			t.Errorf("token %q: %v, want ENOTFOUND", bad, err)
		}
	}
	if s, u, err := comments.ParseUnsubscribeToken(key, comments.UnsubscribeToken(key, 3, 9)); err != nil || s != 3 || u != 9 {
		t.Errorf("unsubscribe token reads as %d %d, %v", s, u, err)
	}
}

// FuzzParseToken: no token makes the parser panic, and what it accepts is
// what was signed.
func FuzzParseToken(f *testing.F) {
	key := []byte("0123456789abcdef0123456789abcdef")
	for _, s := range []string{"", "-", "1-1-", comments.ReplyToken(key, 1, 1), comments.UnsubscribeToken(key, 99, 5), "zz-zz-zz", "1-2-3-4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, u, err := comments.ParseReplyToken(key, s)
		if err == nil && comments.ReplyToken(key, c, u) != strings.ToLower(s) {
			t.Errorf("%q accepted as %d %d", s, c, u)
		}
	})
}

// fixture is a store with an author's work, a reader's comment on it and
// the service.
type fixture struct {
	store          *sqlite.Store
	svc            *comments.Service
	author, reader *fanarchive.User
	work           *fanarchive.Work
	authorsComment *fanarchive.Comment
	ctx            context.Context
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir()+"/test.db", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{store: st, ctx: ctx, svc: &comments.Service{Store: st, SiteName: "Archive", BaseURL: "https://archive.example.org",
		From: mail.Address{Address: "archive@archive.example.org"}}}
	for _, u := range []**fanarchive.User{&f.author, &f.reader} {
		name := map[**fanarchive.User]string{&f.author: "Writer", &f.reader: "Reader"}[u]
		*u = &fanarchive.User{Name: name, Email: strings.ToLower(name) + "@example.net", EmailConfirmed: true, PasswordHash: "$argon2id$x"}
		if err := st.CreateUser(ctx, *u, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	pseud, err := st.FindAuthorByName(ctx, "Writer")
	if err != nil {
		t.Fatal(err)
	}
	f.work = &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "Lamps", Authors: []fanarchive.Author{*pseud}, Rating: fanarchive.RatingGeneral,
		Language: "en", Words: 3, PostedBy: f.author.ID,
		Tags:     []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Original Work"}, {Kind: fanarchive.TagWarning, Name: "No Archive Warnings Apply"}},
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>The lamp burned.</p>\n", Words: 3}}}
	if err := st.CreateWork(ctx, f.work); err != nil {
		t.Fatal(err)
	}
	mailer, err := f.svc.Mailer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.authorsComment = &fanarchive.Comment{WorkID: f.work.ID, UserID: f.reader.ID, Format: fanarchive.CommentText, Input: "Lovely.", Body: "<p>Lovely.</p>"}
	if err := st.PostComment(ctx, f.authorsComment, mailer); err != nil {
		t.Fatal(err)
	}
	return f
}

// outbox returns the raw mails queued, oldest first.
func (f *fixture) outbox(t *testing.T) []string {
	t.Helper()
	ms, _, err := f.store.FindMail(f.ctx, fanarchive.MailFilter{})
	if err != nil {
		t.Fatal(err)
	}
	claimed, err := f.store.ClaimMail(f.ctx, 100, 60e9)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range claimed {
		out = append(out, string(m.Body.Raw))
	}
	if err := f.store.ReleaseMail(f.ctx, claimed); err != nil {
		t.Fatal(err)
	}
	if len(out) != len(ms) {
		t.Fatalf("%d mails listed, %d claimed", len(ms), len(out))
	}
	return out
}

// replyToken reads the comment+TOKEN of a notification mail.
func replyToken(t *testing.T, raw string) string {
	t.Helper()
	i := strings.Index(raw, "comment+")
	if i < 0 {
		t.Fatalf("no reply address in %s", raw)
	}
	tok := raw[i+len("comment+"):]
	return tok[:strings.IndexByte(tok, '@')]
}

// TestReplyByMail: the author answers the notification of a comment by
// mail; the reply's own text (no quote, no signature) is posted as their
// reply, and the reader is notified with a reply address of their own.
// Forged tokens, automatic replies and empty replies post nothing.
func TestReplyByMail(t *testing.T) {
	f := newFixture(t)
	mails := f.outbox(t)
	if len(mails) != 1 || !strings.Contains(mails[0], "To: <writer@example.net>") || !strings.Contains(mails[0], "Reply-To:") {
		t.Fatalf("notification mails: %q", mails)
	}
	tok := replyToken(t, mails[0])
	raw := "From: Writer <writer@example.net>\r\nTo: comment+" + tok + "@archive.example.org\r\nSubject: Re: A comment\r\n" +
		"Message-ID: <r1@example.net>\r\nIn-Reply-To: <n1@archive.example.org>\r\n\r\n" +
		"Thank you <b onmouseover=alert(1)>so</b> much!\r\n\r\nOn Monday, Archive wrote:\r\n> A comment on \"Lamps\" by Reader: Lovely.\r\n> more\r\n\r\n-- \r\nWriter\r\nwriter@example.net\r\n"
	if err := f.svc.ReplyByMail(f.ctx, tok, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	list, _, err := f.store.FindComments(f.ctx, fanarchive.CommentFilter{WorkID: f.work.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[1].UserID != f.author.ID || list[1].ParentID != f.authorsComment.ID {
		t.Fatalf("comments: %+v", list)
	}
	got := list[1]
	if strings.Contains(got.Input, "Lovely") || strings.Contains(got.Input, "writer@example.net") || !strings.Contains(got.Input, "Thank you") {
		t.Errorf("posted text %q", got.Input)
	}
	if strings.Contains(got.Body, "<b ") || !strings.Contains(got.Body, "&lt;b onmouseover") {
		t.Errorf("posted body is not inert: %q", got.Body)
	}
	mails = f.outbox(t)
	if len(mails) != 2 || !strings.Contains(mails[1], "To: <reader@example.net>") || !strings.Contains(mails[1], "comment+") {
		t.Fatalf("reply notification: %q", mails)
	}
	if replyToken(t, mails[1]) == tok {
		t.Error("the reader's reply address is the author's")
	}

	forged := tok[:len(tok)-1] + "0"
	if forged == tok {
		forged = tok[:len(tok)-1] + "1"
	}
	for _, tt := range []struct {
		name, token, raw, code string
	}{
		{"forged", forged, raw, fanarchive.ENOTFOUND},
		{"other purpose", comments.UnsubscribeToken([]byte("x"), 1, 1), raw, fanarchive.ENOTFOUND},
		{"automatic", tok, "Auto-Submitted: auto-replied\r\n" + raw, fanarchive.EINVALID},
		{"only a quote", tok, "From: Writer <writer@example.net>\r\nSubject: Re: x\r\n\r\nOn Monday, Archive wrote:\r\n> Lovely.\r\n", fanarchive.EINVALID},
	} {
		if err := f.svc.ReplyByMail(f.ctx, tt.token, []byte(tt.raw)); fanarchive.ErrorCode(err) != tt.code {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
		}
	}
	// A comment deleted meanwhile takes no replies.
	if err := f.store.DeleteComment(f.ctx, f.authorsComment.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.ReplyByMail(f.ctx, tok, []byte(raw)); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		t.Errorf("reply to a deleted comment: %v", err)
	}
}
