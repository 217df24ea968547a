package listmail

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"fanarchive"
	"fanarchive/internal/mail"

	gomail "github.com/emersion/go-message/mail"
)

// readNotice reads a built notice: its header and its single text/plain
// body.
func readNotice(t *testing.T, m *fanarchive.OutboundMail) (gomail.Header, string) {
	t.Helper()
	if err := m.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	r, err := gomail.CreateReader(bytes.NewReader(m.Body.Raw))
	if err != nil {
		t.Fatal(err)
	}
	if ct, _, _ := r.Header.ContentType(); ct != "text/plain" {
		t.Errorf("content type %q", ct)
	}
	p, err := r.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(p.Body)
	if _, err := r.NextPart(); err != io.EOF {
		t.Errorf("more than one part: %v", err)
	}
	return r.Header, string(body)
}

func TestNotices(t *testing.T) {
	c := testConfig()
	l := testList()
	m := testMember()
	to := mail.Address{Name: "Clark Kent", Address: "clark@example.net"}
	secret := "abcdefghijklmnopqrstuvwxyz"
	held := &fanarchive.ListMessage{ID: 99, ListID: 7, Subject: "NEW: Meteor Shower [PG-13]", FromName: "Lois Lane", FromAddress: "lois@planet.example",
		HoldReason: "not a member", Raw: []byte("From: Lois Lane <lois@planet.example>\nSubject: NEW: Meteor Shower [PG-13]\nContent-Type: text/html\n\n<p>It rained <b>green</b> rocks.</p><script>alert(1)</script>\n")}
	one := func(m *fanarchive.OutboundMail, err error) func() ([]*fanarchive.OutboundMail, error) {
		return func() ([]*fanarchive.OutboundMail, error) { return []*fanarchive.OutboundMail{m}, err }
	}
	tests := []struct {
		name  string
		build func() ([]*fanarchive.OutboundMail, error)
		kind  string
		want  []string
	}{
		{"confirm", one(c.ConfirmNotice(l, to, secret, fanarchive.DeliverDigest)), fanarchive.MailKindListConfirm,
			[]string{"https://archive.example.org/lists/level3/confirm/" + secret, "ignore this message", "one digest a day"}},
		{"welcome", one(c.WelcomeNotice(l, m)), fanarchive.MailKindListNotice,
			[]string{"To post, write to level3@lists.example.org", "set digest", "no flames", "/unsubscribe?t=7-ya-"}},
		{"goodbye", one(c.GoodbyeNotice(l, m)), fanarchive.MailKindListNotice, []string{"has left"}},
		{"mode", one(c.ModeNotice(l, &fanarchive.ListMember{ID: 1, Address: "a@example.org", Mode: fanarchive.DeliverNone})), fanarchive.MailKindListNotice, []string{"no mail"}},
		{"help", one(c.HelpNotice(l, to)), fanarchive.MailKindListNotice, []string{"subscribe digest", "Level Three Records Room"}},
		{"held", one(c.HeldNotice(l, to, "NEW: Meteor Shower", "not a member")), fanarchive.MailKindListNotice, []string{"held until a moderator", "not a member"}},
		{"refused_large", one(c.RefusalNotice(l, to, "Huge", RefusedTooLarge)), fanarchive.MailKindListNotice, []string{"2048 KB"}},
		{"refused_banned", one(c.RefusalNotice(l, to, "Hi", RefusedBanned)), fanarchive.MailKindListNotice, []string{"may not post"}},
		{"moderation", func() ([]*fanarchive.OutboundMail, error) {
			return c.ModerationNotice(l, []mail.Address{{Name: "Mod One", Address: "mod1@example.org"}, {Address: "mod2@example.org"}}, held)
		}, fanarchive.MailKindListModeration, []string{"approve", "ban", "| It rained green rocks.", "Lois Lane <lois@planet.example>", "not a member"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mails, err := tt.build()
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "notice_"+tt.name+".eml", mails[0].Body.Raw)
			for _, n := range mails {
				if n.Kind != tt.kind || n.From != "level3-bounces@lists.example.org" {
					t.Errorf("kind %q, envelope %q", n.Kind, n.From)
				}
				h, body := readNotice(t, n)
				for _, w := range tt.want {
					if !strings.Contains(body, w) {
						t.Errorf("no %q in:\n%s", w, body)
					}
				}
				if strings.Contains(body, "<script") || strings.Contains(body, "<p>") {
					t.Errorf("HTML in a notice:\n%s", body)
				}
				if h.Get("Auto-Submitted") == "" || h.Get("List-Id") == "" {
					t.Errorf("header %v", h)
				}
			}
			if tt.name == "moderation" {
				h, _ := readNotice(t, mails[1])
				r, _ := h.AddressList("Reply-To")
				if len(mails) != 2 || len(r) != 1 || r[0].Address != ModerationAddress(c.Key, l, 99) {
					t.Errorf("%d mails, Reply-To %v", len(mails), r)
				}
				// A moderator's reply to it parses as approve.
				if rc, ok := ParseRecipient(r[0].Address, func(n, d string) bool { return n == "level3" }); !ok || rc.Command != CommandModerate {
					t.Errorf("reply address reads as %+v", rc)
				} else if id, err := ParseModerationToken(c.Key, rc.Token); err != nil || id != 99 {
					t.Errorf("reply token: %d %v", id, err)
				}
			}
			if tt.name == "confirm" {
				h, _ := readNotice(t, mails[0])
				subj, _ := h.Subject()
				if r, ok := ParseRequest("Re: "+subj, ""); !ok || r.Kind != RequestConfirm || r.Token != secret {
					t.Errorf("a reply to %q reads as %+v", subj, r)
				}
			}
		})
	}
	if _, err := c.RefusalNotice(l, to, "x", "nonsense"); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		t.Errorf("unknown refusal: %v", err)
	}
}

// TestNoticeInjection: names and subjects with line breaks stay inside
// their field.
func TestNoticeInjection(t *testing.T) {
	c := testConfig()
	l := testList()
	evil := mail.Address{Name: "Eve\r\nBcc: victim@example.com", Address: "eve@example.com"}
	for _, build := range []func() (*fanarchive.OutboundMail, error){
		func() (*fanarchive.OutboundMail, error) {
			return c.HeldNotice(l, evil, "hi\r\nBcc: victim@example.com", "x\nBcc: y@example.com")
		},
		func() (*fanarchive.OutboundMail, error) {
			return c.WelcomeNotice(l, &fanarchive.ListMember{ID: 1, Address: "eve@example.com", Name: evil.Name})
		},
		func() (*fanarchive.OutboundMail, error) {
			return c.RefusalNotice(l, evil, strings.Repeat("long ", 500), RefusedBanned)
		},
	} {
		m, err := build()
		if err != nil {
			t.Fatal(err)
		}
		h, _ := readNotice(t, m)
		if h.Has("Bcc") || bytes.Contains(m.Body.Raw, []byte("\nBcc:")) {
			t.Errorf("injected:\n%s", m.Body.Raw)
		}
	}
	// A bad address is refused, not written.
	if _, err := c.HelpNotice(l, mail.Address{Address: "a@b\r\nBcc: c@d"}); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		t.Errorf("bad address: %v", err)
	}
}

func TestBuildAnnounce(t *testing.T) {
	c := testConfig()
	l := testList()
	a := &Announcement{From: mail.Address{Name: "Chloe Sullivan via Level Three Records Room", Address: "archive@archive.example.org"},
		Title: "The Wall of Weird", Authors: []string{"Chloe Sullivan"}, Rating: "PG", Fandoms: []string{"Smallville"},
		Summary: "Chloe starts a wall.\nClark worries.", URL: "https://archive.example.org/works/42", Words: 12000, Chapters: "1/3"}
	for _, full := range []bool{false, true} {
		if full {
			a.Text = "The Torch office smelled of old coffee and new theories.\n\nTHE END"
		}
		raw, err := c.BuildAnnounce(l, a)
		if err != nil {
			t.Fatal(err)
		}
		name := "announce_summary.eml"
		if full {
			name = "announce_full.eml"
		}
		golden(t, name, raw)
		p, err := c.BuildPost(context.Background(), l, raw)
		if err != nil {
			t.Fatal(err)
		}
		checkPost(t, p)
		if p.Subject != "[level3] NEW: The Wall of Weird (1/3) [PG]" {
			t.Errorf("subject %q", p.Subject)
		}
	}
	if _, err := c.BuildAnnounce(l, &Announcement{From: a.From}); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		t.Errorf("no title: %v", err)
	}
}

// TestNonASCIITitle: a title that is not ASCII is encoded as words in
// List-Id, From names and subjects, and the <name.domain> stays readable.
func TestNonASCIITitle(t *testing.T) {
	c := testConfig()
	l := testList()
	l.Title = "Niveau Trois — Smallville"
	c.DMARCPolicy = dmarc(map[string]string{"example.com": "reject"})
	p, err := c.BuildPost(context.Background(), l, []byte(storyPost))
	if err != nil {
		t.Fatal(err)
	}
	r, err := gomail.CreateReader(bytes.NewReader(p.Raw))
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := r.Header.Text("List-Id"); id != "Niveau Trois — Smallville <level3.lists.example.org>" {
		t.Errorf("List-Id %q (raw %q)", id, r.Header.Get("List-Id"))
	}
	if from, _ := r.Header.AddressList("From"); len(from) != 1 || from[0].Name != "Chloe Sullivan via Niveau Trois — Smallville" {
		t.Errorf("From %v", from)
	}
	n, err := c.HelpNotice(l, mail.Address{Address: "a@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := readNotice(t, n)
	if h.Get("List-Id") != "<level3.lists.example.org>" {
		t.Errorf("notice List-Id %q", h.Get("List-Id"))
	}
	d, err := c.BuildDigest(l, 2, 1, digestMessages())
	if err != nil {
		t.Fatal(err)
	}
	dr, _ := gomail.CreateReader(bytes.NewReader(d.Raw))
	if s, _ := dr.Header.Subject(); s != "Niveau Trois — Smallville digest, Vol 2, Issue 1" {
		t.Errorf("digest subject %q", s)
	}
}
