package ingest

import (
	"strings"
	"testing"
	"time"

	"fanarchive"
)

func TestParseMailAddress(t *testing.T) {
	tests := []struct {
		in   string
		want Address
	}{
		{"kberry@host.edu (Kirsten Berry)", Address{"Kirsten Berry", "kberry@host.edu"}},
		{"Kirsten Berry <kberry@host.edu>", Address{"Kirsten Berry", "kberry@host.edu"}},
		{`"Berry, Kirsten" <kberry@host.edu>`, Address{"Berry, Kirsten", "kberry@host.edu"}},
		{"Berry, Kirsten <kberry@host.edu>", Address{"Berry, Kirsten", "kberry@host.edu"}},
		{"<kberry@host.edu>", Address{"", "kberry@host.edu"}},
		{"kberry@host.edu", Address{"", "kberry@host.edu"}},
		{"KBERRY@HOST.EDU (kberry@host.edu)", Address{"", "KBERRY@HOST.EDU"}},
		{"uunet!host!kberry", Address{"", "uunet!host!kberry"}},
		{"uunet!host!kberry (Kirsten Berry)", Address{"Kirsten Berry", "uunet!host!kberry"}},
		{"FSRSG@acad3.alaska.edu (---Closed for the season", Address{"---Closed for the season", "FSRSG@acad3.alaska.edu"}},
		{"a@b.c (Kirsten (KB) Berry)", Address{"Kirsten (KB) Berry", "a@b.c"}},
		{"<a@b.c> (Kirsten Berry)", Address{"Kirsten Berry", "a@b.c"}},
		{"a@b.c, d@e.f", Address{"", "a@b.c"}},
		{"Titania", Address{"Titania", ""}},
		{"wren at example.org (Wren Halloway)", Address{"Wren Halloway", "wren@example.org"}},
		{"wren at example.org", Address{"", "wren@example.org"}},
		{"Klingon Empire (Austin, Texas)", Address{"Klingon Empire", ""}},
		{"=?UTF-8?B?QmrDtnJu?= <b@c.d>", Address{"Björn", "b@c.d"}},
		{"=?iso-8859-1?q?Cr=E9pin?= <b@c.d>", Address{"Crépin", "b@c.d"}},
		{"=?bogus-charset?q?x?= <b@c.d>", Address{"=?bogus-charset?q?x?=", "b@c.d"}},
		{"", Address{}},
	}
	for _, tt := range tests {
		if got := parseMailAddress(tt.in); got != tt.want {
			t.Errorf("parseMailAddress(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseMailDate(t *testing.T) {
	tests := []struct {
		in       string
		needTime bool
		want     string // RFC 3339, "" for no date
	}{
		{"Tue, 31 Aug 1993 12:41:30 -0500 (CDT)", true, "1993-08-31T12:41:30-05:00"},
		{"Sun, 12 Dec 1993 18:26:42 +1100", true, "1993-12-12T18:26:42+11:00"},
		{"6 Apr 92 03:32:27 GMT", true, "1992-04-06T03:32:27Z"},
		{"Fri, 21 Feb 1992 08:48:40 GMT", true, "1992-02-21T08:48:40Z"},
		{"5 May 93 01:42 GMT", true, "1993-05-05T01:42:00Z"},
		{"Wed, 30 May 90 13:33:56 EDT", true, "1990-05-30T13:33:56-04:00"},
		{"Fri Jan 15 14:30:20 PST 1988", true, "1988-01-15T14:30:20-08:00"},
		{"Mon Aug  1 09:19 CDT 1994", true, "1994-08-01T09:19:00-05:00"},
		{"Mon Feb 7 00:05:47 1994 GMT", true, "1994-02-07T00:05:47Z"},
		{"Thurs, 3 Mar 94 10:00:00 EST", true, "1994-03-03T10:00:00-05:00"},
		{"Tus, 3 Mar 94 10:00:00 EST", true, "1994-03-03T10:00:00-05:00"},
		{"3-Mar-94 10:00", true, "1994-03-03T10:00:00Z"},
		{"12/15/93 10:00:00", true, "1993-12-15T10:00:00Z"},
		{"1993-08-31 12:00:00", true, "1993-08-31T12:00:00Z"},
		{"1 Jan 05 00:00:00 GMT", true, "2005-01-01T00:00:00Z"},
		{"Tue, 31 Aug 1993 12:41:30.25 +0000", true, "1993-08-31T12:41:30Z"},
		{"March 12, 1994", false, "1994-03-12T00:00:00Z"},
		{"March 12, 1994", true, ""},
		{"31 Feb 1994 10:00", true, ""},
		{"Thursday afternoon", false, ""},
		{"soon, 10:00", false, ""},
		{"", false, ""},
	}
	for _, tt := range tests {
		got, ok := parseMailDate(tt.in, tt.needTime)
		s := ""
		if ok {
			s = got.Format(time.RFC3339)
		}
		if s != tt.want {
			t.Errorf("parseMailDate(%q, %v) = %q, want %q", tt.in, tt.needTime, s, tt.want)
		}
	}
}

// TestSplitPostsDetection checks which texts are mail and how many posts
// they hold, on small inline inputs.
func TestSplitPostsDetection(t *testing.T) {
	news := "Path: a!b\nFrom: x@y.z (X)\nNewsgroups: alt.x\nSubject: S\n\nbody\n"
	tests := []struct {
		name   string
		in     string
		ok     bool
		posts  int
		headed int
	}{
		{"plain text", "It was a dark night.\n\nThe end.\n", false, 0, 0},
		{"empty", "", false, 0, 0},
		{"blank", "\n \n\t\n", false, 0, 0},
		{"story labels", "Title: T\nAuthor: A\nRating: PG\n\nStory.\n", false, 0, 0},
		{"story labels with summary and keywords", "Summary: S\nKeywords: K\nStatus: done\n\nStory.\n", false, 0, 0},
		{"story date without time", "Title: T\nDate: March 12, 1994\n\nStory.\n", false, 0, 0},
		{"lone summary at file start", "Summary: a story\n\nStory.\n", false, 0, 0},
		{"lone subject at file start", "Subject: My Story\n\nStory.\n", true, 1, 1},
		{"subject above labels", "Subject: My Story\nTitle: T\nAuthor: A\n\nStory.\n", false, 0, 0},
		{"one news post", news, true, 1, 1},
		{"news after preamble", "Archivist note.\n\n" + news, true, 2, 1},
		{"two posts glued", news + news, true, 2, 2},
		{"two posts after a blank line", news + "\n" + news, true, 2, 2},
		{"post after a rule line", news + "-----\n" + news, true, 2, 2},
		{"mail header pair in a story after text", "Story text\nFrom: x@y.z\nSubject: s\n\nmore\n", false, 0, 0},
		{"mbox of two", "From a@b Sat Mar  5 10:12:44 1994\nFrom: a@b\n\nx\n\nFrom c@d Sat Mar  5 10:12:45 1994\nSubject: y\n\nz\n", true, 2, 2},
		{"pipermail archive", "From a at b.org  Sat Mar  5 10:12:44 1994\nFrom: a at b.org (A)\nSubject: x\n\nbody From here on\n\nFrom c at d.org  Sat Mar  5 10:12:45 1994\nFrom: c at d.org (C)\nSubject: y\n\nz\n", true, 2, 2},
		{"mbox without headers", "From a@b Sat Mar  5 10:12:44 1994\n\nOnly text.\n", true, 1, 0},
		{"From in a story", "From there, the ship flew on.\nFrom a@b Sat Mar  5 10:12:44 1994 said nobody.\n", false, 0, 0},
		{"postmark inside a body", news + "From a@b Sat Mar  5 10:12:44 1994\n\nmore body\n", true, 1, 1},
		{"tilde headers", "~From: a@b.c\n~Newsgroups: alt.x\n~Subject: s\n\nbody\n", true, 1, 1},
		{"UTF-16", "\xff\xfeS\x00u\x00", false, 0, 0},
		{"old Mac line ends", strings.ReplaceAll(news+news, "\n", "\r"), true, 2, 2},
		{"BOM", "\xef\xbb\xbf" + news, true, 1, 1},
		{"only headers", "From: a@b.c\nNewsgroups: alt.x\nSubject: s", true, 1, 1},
		{"long run of unknown labels", strings.Repeat("Foo: bar\n", 1000) + "Path: a!b\nFrom: a@b\n", false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			posts, ok, err := SplitPosts([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			headed := 0
			for _, p := range posts {
				if len(p.Header) > 0 {
					headed++
				}
			}
			if ok != tt.ok || len(posts) != tt.posts || headed != tt.headed {
				t.Errorf("ok=%v posts=%d headed=%d, want ok=%v posts=%d headed=%d", ok, len(posts), headed, tt.ok, tt.posts, tt.headed)
			}
			checkSpans(t, []byte(tt.in), posts)
		})
	}
}

func TestSplitPostsBinary(t *testing.T) {
	for _, raw := range []string{"PK\x03\x04\x00\x00\x01\x02", "\x00\x01\x02\x03\x04\x05From: a@b\n"} {
		_, ok, err := SplitPosts([]byte(raw))
		if ok || fanarchive.ErrorCode(err) != fanarchive.EUNREADABLE {
			t.Errorf("SplitPosts(%q) = ok %v, %v; want an EUNREADABLE error", raw, ok, err)
		}
	}
}

func TestCleanMailText(t *testing.T) {
	tests := []struct {
		name            string
		in              string
		reply           bool
		want, signature string
		quoted          int
	}{
		{"attributed quote", "On Tue, 3 May 1994, Ann wrote:\n> a\n> b\n\nreply\n", false, "reply", "", 3},
		{"in article on one line", "In article <1@h>, a@h (A) writes:\n>a\n\nreply\n", false, "reply", "", 2},
		{"in article wrapped", "In article <1@h>, a@h\n(A) writes:\n>a\n\nreply\n", false, "reply", "", 3},
		{"unattributed quote in a reply", "> a\n> b\nreply\n", true, "reply", "", 2},
		{"unattributed quote in a story", "> a\n> b\nstory\n", false, "> a\n> b\nstory", "", 0},
		{"quote with unquoted blank lines", "> a\n> b\n\n> c\n\nreply\n", true, "reply", "", 3},
		{"single quote line kept", "story\n\n> Bridge\n\nstory\n", true, "story\n\n> Bridge\n\nstory", "", 0},
		{"decoration kept", ">>> S E A S O N <<<\n>>> O N E <<<\n", true, ">>> S E A S O N <<<\n>>> O N E <<<", "", 0},
		{"bar quote under attribution", "Ann wrote:\n| a\n| b\nreply\n", false, "reply", "", 3},
		{"bar lines without attribution", "| a box |\n| b box |\n", true, "| a box |\n| b box |", "", 0},
		{"mbox escape", "story\n>From the bridge, a call.\nstory\n", false, "story\nFrom the bridge, a call.\nstory", "", 0},
		{"signature", "story\n-- \nAnn  ann@h\n", false, "story", "Ann  ann@h", 0},
		{"bare dashes with address", "story\n--\nAnn  ann@h\n", false, "story", "Ann  ann@h", 0},
		{"bare dashes in a story", "story\n--\nmore story\n", false, "story\n--\nmore story", "", 0},
		{"long block after dashes", "story\n-- \n" + strings.Repeat("line\n", 11), false, "story\n-- \n" + strings.TrimSpace(strings.Repeat("line\n", 11)), "", 0},
		{"signature under a rule", "story\n\n-----\nWren Halloway\n\"Keep the lamp lit.\"\n", false, "story", "Wren Halloway\n\"Keep the lamp lit.\"", 0},
		{"last scene under a rule", "story\n\n-----\nThe boats came home at dawn.\n", false, "story\n\n-----\nThe boats came home at dawn.", "", 0},
		{"long block under a rule", "story\n-----\nWren Halloway\n" + strings.Repeat("line\n", 11), false, "story\n-----\nWren Halloway\n" + strings.TrimSpace(strings.Repeat("line\n", 11)), "", 0},
		{"CRLF", "a\r\nb\r\n\r\n", false, "a\nb", "", 0},
		{"leading blank lines", "\n\n  indented\n", false, "  indented", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, sig, q := cleanMailText(tt.in, tt.reply)
			if got != tt.want || sig != tt.signature || q != tt.quoted {
				t.Errorf("cleanMailText(%q, %v) = %q, %q, %d; want %q, %q, %d", tt.in, tt.reply, got, sig, q, tt.want, tt.signature, tt.quoted)
			}
		})
	}
}

// TestMailHeaderEncodings checks header values written in 8-bit charsets
// and as RFC 2047 encoded-words, and the fallbacks for a missing From.
func TestMailHeaderEncodings(t *testing.T) {
	raw := "Path: a!b\nSender: news@host (News)\nNewsgroups: alt.x\nSubject: Caf\xe9 =?utf-8?q?=E2=80=94?= na\xefve\nOrganization: =?iso-8859-1?b?U+Nv?= Paulo\n\nbody\n"
	posts, ok, err := SplitPosts([]byte(raw))
	if err != nil || !ok || len(posts) != 1 {
		t.Fatalf("ok=%v err=%v posts=%d", ok, err, len(posts))
	}
	p := posts[0]
	if p.Subject != "Café — naïve" || p.Organization != "São Paulo" || p.From != (Address{"News", "news@host"}) {
		t.Errorf("Subject %q, Organization %q, From %+v", p.Subject, p.Organization, p.From)
	}
	if got := p.Header["Subject"][0]; got != "Café =?utf-8?q?=E2=80=94?= naïve" {
		t.Errorf("Header[Subject] = %q: want the value as written, read as windows-1252", got)
	}
}

// TestMailMIMEVariants covers MIME shapes without fixtures of their own.
func TestMailMIMEVariants(t *testing.T) {
	head := "From: a@b.c\nSubject: s\nMIME-Version: 1.0\n"
	tests := []struct {
		name, in, text, html, enc string
	}{
		{"unknown charset falls back to detection", head + "Content-Type: text/plain; charset=x-klingon\n\ncaf\xe9\n", "café", "", "windows-1252"},
		{"us-ascii label on 8-bit text", head + "Content-Type: text/plain; charset=us-ascii\n\n\x93Quiet,\x94 said Gil.\n", "“Quiet,” said Gil.", "", "windows-1252"},
		{"latin-1 label on windows text", head + "Content-Type: text/plain; charset=iso-8859-1\n\n\x93hi\x94\n", "“hi”", "", "iso-8859-1"},
		{"koi8-r", head + "Content-Type: text/plain; charset=koi8-r\n\n\xf0\xd2\xc9\xd7\xc5\xd4\n", "Привет", "", "koi8-r"},
		{"bad base64 keeps the body", head + "Content-Transfer-Encoding: base64\n\n!!!not base64!!!\n", "!!!not base64!!!", "", "utf-8"},
		{"multipart mixed joins text parts", head + "Content-Type: multipart/mixed; boundary=XX\n\n--XX\nContent-Type: text/plain\n\nIntro.\n--XX\nContent-Type: image/gif\nContent-Transfer-Encoding: base64\n\nR0lGODlh\n--XX\nContent-Type: text/plain; name=story.txt\nContent-Disposition: attachment; filename=story.txt\n\nThe story.\n--XX--\n", "Intro.\n\nThe story.", "", "utf-8"},
		{"nested alternative inside mixed", head + "Content-Type: multipart/mixed; boundary=A\n\n--A\nContent-Type: multipart/alternative; boundary=B\n\n--B\nContent-Type: text/html\n\n<p>html</p>\n--B\nContent-Type: text/plain\n\nplain\n--B--\n--A--\n", "plain", "", "utf-8"},
		{"forwarded message", head + "Content-Type: message/rfc822\n\nFrom: x@y\nSubject: inner\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nin=\nner text\n", "inner text", "", "utf-8"},
		{"missing boundary parameter", head + "Content-Type: multipart/mixed\n\nsome text\n", "some text", "", "utf-8"},
		{"malformed content type", head + "Content-Type: text/plain; charset=\"unclosed\n\nsome text\n", "some text", "", "utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			posts, ok, err := SplitPosts([]byte(tt.in))
			if err != nil || !ok || len(posts) != 1 {
				t.Fatalf("ok=%v err=%v posts=%d", ok, err, len(posts))
			}
			p := posts[0]
			if p.Text != tt.text || p.HTML != tt.html || p.Encoding != tt.enc {
				t.Errorf("Text %q HTML %q Encoding %q; want %q %q %q", p.Text, p.HTML, p.Encoding, tt.text, tt.html, tt.enc)
			}
		})
	}
}
