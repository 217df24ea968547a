package feedback

import (
	"strings"
	"testing"

	"fanarchive"
)

// TestReplyTokens: a token reads back as what it names, in any case, and
// fits a local part with "reply+"; altered, forged or malformed tokens and
// tokens signed with another key are refused.
func TestReplyTokens(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	other := []byte("fedcba9876543210fedcba9876543210")
	for _, tt := range []struct {
		d        Direction
		fid, uid int64
	}{{ToSender, 1, 0}, {ToAuthor, 42, 7}, {ToSender, 1<<63 - 1, 1<<63 - 1}} {
		tok := ReplyToken(key, tt.d, tt.fid, tt.uid)
		if n := len("reply+" + tok); n > 64 {
			t.Errorf("token %q makes a %d-byte local part", tok, n)
		}
		for _, s := range []string{tok, strings.ToUpper(tok)} {
			d, fid, uid, err := ParseReplyToken(key, s)
			if err != nil || d != tt.d || fid != tt.fid || uid != tt.uid {
				t.Errorf("%q reads as %c %d %d, %v", s, d, fid, uid, err)
			}
		}
		if _, _, _, err := ParseReplyToken(other, tok); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
			t.Errorf("another key's token: %v", err)
		}
		// Every one-character change is refused.
		for i := range tok {
			for _, c := range "0a-z" {
				if byte(c) == tok[i] {
					continue
				}
				bad := tok[:i] + string(c) + tok[i+1:]
				if _, _, _, err := ParseReplyToken(key, bad); err == nil {
					t.Errorf("altered token %q accepted", bad)
				}
			}
		}
	}
	for _, bad := range []string{"", "-", "s", "s1-0", "s1-0-", "x1-0-" + sign(key, "reply", "x1-0"), "s-1-0-" + sign(key, "reply", "s-1-0"),
		"s0-0-" + sign(key, "reply", "s0-0"), "s1-0-0-" + sign(key, "reply", "s1-0-0")} {
		if _, _, _, err := ParseReplyToken(key, bad); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
			t.Errorf("token %q: %v, want ENOTFOUND", bad, err)
		}
	}
}

// TestStopTokens: a stop token names its address row; others are refused.
func TestStopTokens(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	tok := StopToken(key, 99)
	if id, err := ParseStopToken(key, tok); err != nil || id != 99 {
		t.Fatalf("%q reads as %d, %v", tok, id, err)
	}
	for _, bad := range []string{"", "2r", "2r-", tok + "0", StopToken([]byte("another key, another key, anothe"), 99),
		"0-" + sign(key, "stop", "0"), "-" + sign(key, "stop", ""), ReplyToken(key, ToSender, 99, 0)} {
		if _, err := ParseStopToken(key, bad); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
			t.Errorf("stop token %q: %v, want ENOTFOUND", bad, err)
		}
	}
}
