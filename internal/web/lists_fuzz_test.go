package web

import (
	"strings"
	"testing"

	"fanarchive"
)

// FuzzListMessageView feeds the list pages' readers of outside input —
// a message's display name, subject, text and HTML as mail brings them,
// and a mailed link's secret — with anything: a poster's name never
// shows an address, the HTML shown is sanitised, and nothing panics.
func FuzzListMessageView(f *testing.F) {
	seeds := []struct{ name, subject, text, html, secret string }{
		{"Clark Writer", "[level3] The Road Home (1/3)", "Smallville at dusk.\n\nThe corn.", "", "abcdefghijklmnop"},
		{"clark@smallville.test", "Re: write me at clark@smallville.test", "me@x.test\r\n\r\n\r\nbye", "", "x=="},
		{"", "", "", "<p onclick=\"x()\">Hi<script>alert(1)</script></p>", "../../etc"},
		{"Lana (at) farm dot test", "\x00\xff", "\n\n\n", "<img src=x onerror=alert(1)><a href=\"javascript:x\">a</a>", strings.Repeat("a", 300)},
	}
	for _, s := range seeds {
		f.Add(s.name, s.subject, s.text, s.html, s.secret)
	}
	f.Fuzz(func(t *testing.T, name, subject, text, html, secret string) {
		m := &fanarchive.ListMessage{FromName: name, Subject: subject, Text: text, HTML: html}
		if got := posterName(m); strings.Contains(got, "@") {
			t.Errorf("posterName(%q) = %q", name, got)
		}
		messageSubject(m)
		paras, h := messageBody(m)
		for _, p := range paras {
			if strings.TrimSpace(p) == "" {
				t.Errorf("an empty paragraph from %q", text)
			}
		}
		if low := strings.ToLower(string(h)); strings.Contains(low, "<script") || strings.Contains(low, " onerror=") || strings.Contains(low, "javascript:") {
			t.Errorf("unsafe HTML shown: %q", h)
		}
		if wellFormedSecret(secret) && (strings.ContainsAny(secret, "/?#%") || len(secret) > 200) {
			t.Errorf("secret %q taken", secret)
		}
		firstLines(text, 6)
	})
}
