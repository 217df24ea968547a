package mail

import (
	"net"
	"net/url"
	"strings"
	"testing"

	"fanarchive"
)

func TestParseSMTPURL(t *testing.T) {
	for _, tt := range []struct {
		url, addr, user, pass, str string
		implicit                   bool
	}{
		{"smtp://relay.example.org", "relay.example.org:587", "", "", "smtp://relay.example.org:587", false},
		{"smtp://relay.example.org:25", "relay.example.org:25", "", "", "smtp://relay.example.org:25", false},
		{"smtps://relay.example.org", "relay.example.org:465", "", "", "smtps://relay.example.org:465", true},
		{"SMTP://Relay.Example.org:2525/", "Relay.Example.org:2525", "", "", "smtp://Relay.Example.org:2525", false},
		{"smtp://archive:s%40cr%3At@relay.example.org:587", "relay.example.org:587", "archive", "s@cr:t", "smtp://archive@relay.example.org:587", false},
		{"smtp://me%40example.org:pw@[::1]:25", "[::1]:25", "me@example.org", "pw", "smtp://me%40example.org@[::1]:25", false},
		{"smtp://127.0.0.1:1025", "127.0.0.1:1025", "", "", "smtp://127.0.0.1:1025", false},
	} {
		got, err := ParseSMTPURL(tt.url)
		if err != nil {
			t.Errorf("%s: %v", tt.url, err)
			continue
		}
		if got.Addr != tt.addr || got.Username != tt.user || got.Password != tt.pass || got.ImplicitTLS != tt.implicit || got.String() != tt.str {
			t.Errorf("%s = %s %q %q tls %v (%s)", tt.url, got.Addr, got.Username, got.Password, got.ImplicitTLS, got)
		}
	}
	for _, bad := range []string{"", "relay.example.org", "http://relay.example.org", "smtp://", "smtp://:25",
		"smtp://relay.example.org:0", "smtp://relay.example.org:65536", "smtp://relay.example.org:smtp",
		"smtp://relay.example.org:", "smtp://relay.example.org/path", "smtp://relay.example.org?tls=no",
		"smtp://relay.example.org#x", "smtp://user@relay.example.org", "smtp://:pass@relay.example.org",
		"smtp://us%0Aer:pass@relay.example.org", "smtp:relay.example.org", "smtp://relay example.org",
		"smtp://archive:hunter2@relay.example.org:99999"} {
		_, err := ParseSMTPURL(bad)
		if fanarchive.ErrorCode(err) != fanarchive.EINVALID {
			t.Errorf("%q: err = %v, want invalid", bad, err)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%q: the error shows the password: %v", bad, err)
		}
	}
}

// FuzzParseSMTPURL checks that any URL the parser takes has a usable
// address, prints without its password, and reads back the same.
func FuzzParseSMTPURL(f *testing.F) {
	for _, s := range []string{"smtp://relay.example.org", "smtps://u:p@h:465", "smtp://a%40b:c%3Ad@[::1]:25/",
		"smtp://h:1?", "smtp://%zz@h", "smtp://h:0x19", "smtp://[fe80::1%25eth0]:25"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		tr, err := ParseSMTPURL(raw)
		if err != nil {
			if fanarchive.ErrorCode(err) != fanarchive.EINVALID {
				t.Fatalf("%q: %v", raw, err)
			}
			return
		}
		host, port, err := net.SplitHostPort(tr.Addr)
		if err != nil || host == "" || port == "" {
			t.Fatalf("%q: address %q", raw, tr.Addr)
		}
		s := tr.String()
		if u, err := url.Parse(s); err != nil {
			t.Fatalf("%q prints as %q, not a URL: %v", raw, s, err)
		} else if _, has := u.User.Password(); has {
			t.Fatalf("%q prints its password: %s", raw, s)
		}
		back, err := ParseSMTPURL(s)
		if tr.Username != "" {
			// Printed without the password, it is (rightly) refused.
			if err == nil {
				t.Fatalf("%q: %s parsed without a password", raw, s)
			}
			return
		}
		if err != nil || back.Addr != tr.Addr || back.ImplicitTLS != tr.ImplicitTLS {
			t.Fatalf("%q → %s → %+v, %v", raw, s, back, err)
		}
	})
}
