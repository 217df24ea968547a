package listmail

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fanarchive"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixedNow is the clock of every test.
var fixedNow = time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)

func testList() *fanarchive.List {
	l := &fanarchive.List{ID: 7, Name: "level3", Address: "level3@lists.example.org", Title: "Level Three",
		Description: "The Smallville all-fic list.", Rules: "Stories only; rate them; no flames.", SubjectTag: "[level3]"}
	if err := l.Validate(); err != nil {
		panic(err)
	}
	return l
}

func testConfig() *Config {
	n := 0
	return &Config{
		Key:      []byte("0123456789abcdef0123456789abcdef"),
		BaseURL:  "https://archive.example.org",
		SiteName: "Level Three Records Room",
		Now:      func() time.Time { return fixedNow },
		MessageID: func(domain string) string {
			n++
			return "test" + string(rune('0'+n%10)) + "@" + domain
		},
	}
}

func testMember() *fanarchive.ListMember {
	return &fanarchive.ListMember{ID: 1234, ListID: 7, Address: "clark@example.net", Name: "Clark", Mode: fanarchive.DeliverEach, State: fanarchive.MemberActive}
}

// golden compares got with testdata/name, or writes it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update if intended):\n%s", name, got)
	}
}

func TestParseRecipient(t *testing.T) {
	lists := map[string]bool{"level3@lists.example.org": true, "foo-un@lists.example.org": true, "foo@lists.example.org": true}
	isList := func(name, domain string) bool { return lists[name+"@"+domain] }
	tests := []struct {
		rcpt string
		want Recipient
		ok   bool
	}{
		{"level3@lists.example.org", Recipient{"level3", "lists.example.org", CommandPost, ""}, true},
		{"<Level3@Lists.Example.ORG>", Recipient{"level3", "lists.example.org", CommandPost, ""}, true},
		{"level3+tag@lists.example.org", Recipient{"level3", "lists.example.org", CommandPost, "tag"}, true},
		{"level3-request@lists.example.org", Recipient{"level3", "lists.example.org", CommandRequest, ""}, true},
		{"LEVEL3-REQUEST@lists.example.org", Recipient{"level3", "lists.example.org", CommandRequest, ""}, true},
		{"level3-subscribe@lists.example.org", Recipient{"level3", "lists.example.org", CommandSubscribe, ""}, true},
		{"level3-unsubscribe@lists.example.org", Recipient{"level3", "lists.example.org", CommandUnsubscribe, ""}, true},
		{"level3-owner@lists.example.org", Recipient{"level3", "lists.example.org", CommandOwner, ""}, true},
		{"level3-bounces+m1-abcdefgh@lists.example.org", Recipient{"level3", "lists.example.org", CommandBounces, "m1-abcdefgh"}, true},
		{"level3-confirm+ABC@lists.example.org", Recipient{"level3", "lists.example.org", CommandConfirm, "abc"}, true},
		{"level3-moderate+5-xyz@lists.example.org", Recipient{"level3", "lists.example.org", CommandModerate, "5-xyz"}, true},
		// foo-unsubscribe is foo's, foo-un-subscribe is foo-un's.
		{"foo-unsubscribe@lists.example.org", Recipient{"foo", "lists.example.org", CommandUnsubscribe, ""}, true},
		{"foo-un-subscribe@lists.example.org", Recipient{"foo-un", "lists.example.org", CommandSubscribe, ""}, true},
		{"foo-un@lists.example.org", Recipient{"foo-un", "lists.example.org", CommandPost, ""}, true},
		{"level3@elsewhere.example.com", Recipient{}, false},
		{"someone@gmail.com", Recipient{}, false},
		{"level3-admin@lists.example.org", Recipient{}, false},
		{"level3", Recipient{}, false},
		{"@lists.example.org", Recipient{}, false},
		{"level3@", Recipient{}, false},
		{"level3@lists.example.org@evil.example", Recipient{}, false},
		{"level3 @lists.example.org", Recipient{}, false},
		{"level3\r\n@lists.example.org", Recipient{}, false},
		{"-request@lists.example.org", Recipient{}, false},
		{"lev\"el3@lists.example.org", Recipient{}, false},
		{"level3+@@x.example", Recipient{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseRecipient(tt.rcpt, isList)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseRecipient(%q) = %+v, %v; want %+v, %v", tt.rcpt, got, ok, tt.want, tt.ok)
		}
	}
	if got := (Recipient{List: "level3", Domain: "d.example", Command: CommandRequest}).Address(); got != "level3-request@d.example" {
		t.Errorf("Address() = %q", got)
	}
}

func TestTokens(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	other := []byte("another key, another key, anothe")
	l := testList()

	tok := BounceToken(key, l.Name, 1234)
	if id, err := ParseBounceToken(key, tok); err != nil || id != 1234 {
		t.Errorf("bounce token %q: %d, %v", tok, id, err)
	}
	if id, err := ParseBounceToken(key, strings.ToUpper(tok)); err != nil || id != 1234 {
		t.Errorf("bounce token upper case: %d, %v", id, err)
	}
	addr := BounceAddress(key, l, 1234)
	if local := addr[:strings.IndexByte(addr, '@')]; len(local) > 64 || !strings.HasPrefix(addr, "level3-bounces+mya-") {
		t.Errorf("bounce address %q", addr)
	}
	long := strings.Repeat("a", 40)
	ltok := BounceToken(key, long, 1234)
	if n := len(long + "-bounces+" + ltok); n > 65 {
		t.Errorf("bounce local part for a 40-character name is %d bytes", n)
	}
	if id, err := ParseBounceToken(key, ltok); err != nil || id != 1234 {
		t.Errorf("short bounce token %q: %d, %v", ltok, id, err)
	}

	utok := UnsubscribeToken(key, 7, 1234, fixedNow)
	if lid, mid, err := ParseUnsubscribeToken(key, utok, fixedNow.Add(30*24*time.Hour)); err != nil || lid != 7 || mid != 1234 {
		t.Errorf("unsubscribe token %q: %d %d %v", utok, lid, mid, err)
	}
	if _, _, err := ParseUnsubscribeToken(key, utok, fixedNow.Add(UnsubscribeTokenLife+48*time.Hour)); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		t.Errorf("stale unsubscribe token: %v", err)
	}
	if _, _, err := ParseUnsubscribeToken(key, utok, fixedNow.Add(-72*time.Hour)); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		t.Errorf("unsubscribe token from the future: %v", err)
	}

	mtok := ModerationToken(key, l.Name, 99)
	if id, err := ParseModerationToken(key, mtok); err != nil || id != 99 {
		t.Errorf("moderation token %q: %d %v", mtok, id, err)
	}
	if a := ModerationAddress(key, l, 99); !strings.HasPrefix(a, "level3-moderate+2r-") || len(a[:strings.IndexByte(a, '@')]) > 64 {
		t.Errorf("moderation address %q", a)
	}

	// Forged, altered and cross-purpose tokens all fail.
	forged := []struct {
		name  string
		check func() error
	}{
		{"bounce, other key", func() error { _, err := ParseBounceToken(other, tok); return err }},
		{"bounce, other member", func() error { _, err := ParseBounceToken(key, "m1"+tok[strings.IndexByte(tok, '-'):]); return err }},
		{"bounce, short mac", func() error { _, err := ParseBounceToken(key, tok[:strings.IndexByte(tok, '-')+5]); return err }},
		{"bounce, no mac", func() error { _, err := ParseBounceToken(key, "m1"); return err }},
		{"bounce, leading zero", func() error { _, err := ParseBounceToken(key, "m0"+tok[1:]); return err }},
		{"bounce as moderation", func() error { _, err := ParseModerationToken(key, tok[1:]); return err }},
		{"unsubscribe, other key", func() error { _, _, err := ParseUnsubscribeToken(other, utok, fixedNow); return err }},
		{"unsubscribe, other member", func() error {
			_, _, err := ParseUnsubscribeToken(key, strings.Replace(utok, "-ya-", "-yb-", 1), fixedNow)
			return err
		}},
		{"unsubscribe, last char", func() error {
			b := []byte(utok)
			b[len(b)-1] ^= 1
			_, _, err := ParseUnsubscribeToken(key, string(b), fixedNow)
			return err
		}},
		{"unsubscribe, empty", func() error { _, _, err := ParseUnsubscribeToken(key, "", fixedNow); return err }},
		{"moderation, other message", func() error {
			_, err := ParseModerationToken(key, "2s"+mtok[strings.IndexByte(mtok, '-'):])
			return err
		}},
		{"moderation, short mac", func() error { _, err := ParseModerationToken(key, mtok[:strings.IndexByte(mtok, '-')+9]); return err }},
	}
	for _, f := range forged {
		if err := f.check(); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
			t.Errorf("%s: %v, want ENOTFOUND", f.name, err)
		}
	}
}

func TestConfirmSecret(t *testing.T) {
	s, h := NewConfirmSecret()
	if !WellFormedConfirmSecret(s) || WellFormedConfirmSecret(s[1:]) || WellFormedConfirmSecret(strings.Repeat("!", len(s))) {
		t.Errorf("WellFormedConfirmSecret(%q)", s)
	}
	if HashConfirmSecret(strings.ToUpper(s)) != h || len(h) != 64 {
		t.Errorf("hash %q", h)
	}
	l := testList()
	if a := ConfirmAddress(l, s); a != "level3-confirm+"+s+"@lists.example.org" {
		t.Errorf("ConfirmAddress = %q", a)
	}
	long := &fanarchive.List{Name: strings.Repeat("b", 40), Address: strings.Repeat("b", 40) + "@x.example"}
	if a := ConfirmAddress(long, s); a != long.Name+"-request@x.example" {
		t.Errorf("ConfirmAddress for a long name = %q", a)
	}
}

func TestParseDMARC(t *testing.T) {
	tests := []struct {
		txt, p, sp string
		ok         bool
	}{
		{"v=DMARC1; p=reject; rua=mailto:d@example.com", "reject", "", true},
		{"v=DMARC1;p=quarantine;sp=none", "quarantine", "none", true},
		{"v=DMARC1; p=none", "none", "", true},
		{"V = DMARC1; P=Reject", "reject", "", true},
		{"v=DMARC1; p=bogus", "none", "", true},
		{"v=spf1 -all", "", "", false},
		{"p=reject; v=DMARC1", "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		p, sp, ok := ParseDMARC(tt.txt)
		if p != tt.p || sp != tt.sp || ok != tt.ok {
			t.Errorf("ParseDMARC(%q) = %q, %q, %v", tt.txt, p, sp, ok)
		}
	}
}

func TestCacheDMARC(t *testing.T) {
	calls := 0
	c := CacheDMARC(func(ctx context.Context, d string) (string, error) { calls++; return "reject", nil }, time.Hour)
	for range 3 {
		if p, err := c(context.Background(), "Example.COM"); p != "reject" || err != nil {
			t.Fatal(p, err)
		}
	}
	c(context.Background(), "example.net")
	if calls != 2 {
		t.Errorf("%d look-ups, want 2", calls)
	}
}
