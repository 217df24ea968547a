package fanarchive

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestThreadSubject(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"The Road Home", "the road home"},
		{"Re: The Road Home", "the road home"},
		{"RE: re:Fwd: FW: the  road\thome ", "the road home"},
		{"Re: [level3] Re: The Road Home", "the road home"},
		{"[level3] [Smallville] AW: SV: Re[2]: Re(3): x", "x"},
		{"The Road Home (2/7)", "the road home (2/7)"},
		{"Re: The Road Home (2/7)", "the road home (2/7)"},
		{"Regarding the road", "regarding the road"},
		{"Re:", ""},
		{"[level3]", ""},
		{"", ""},
		{"Ré: café", "ré: café"},
	} {
		if got := ThreadSubject(tt.in); got != tt.want {
			t.Errorf("ThreadSubject(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzThreadSubject checks that a subject reduces to a fixed point: the
// reduced subject reduces to itself, so a reply's reply threads with the
// first post, and valid text stays valid.
func FuzzThreadSubject(f *testing.F) {
	for _, s := range []string{"Re: [level3] The Road Home (2/7)", "Fwd: Re[2]: x", "[a] [b]", "RE:\u00a0x", "re\u2003: y", "ſv: z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := ThreadSubject(s)
		if again := ThreadSubject(got); again != got {
			t.Errorf("ThreadSubject(%q) = %q, which reduces to %q", s, got, again)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Errorf("ThreadSubject(%q) = %q: not valid UTF-8", s, got)
		}
		if got != strings.TrimSpace(got) || len(got) > len(s)*3 {
			t.Errorf("ThreadSubject(%q) = %q", s, got)
		}
	})
}
