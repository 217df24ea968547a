package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// mailWant is what one post of a fixture must hold. Empty fields are not
// checked; Text and HTML are checked by substring (TextHas, HTMLHas) and
// by absence (TextLacks).
type mailWant struct {
	From, ReplyTo       Address
	Subject             string
	Date                string // RFC 3339
	Newsgroups          []string
	MessageID           string
	References          []string
	Organization        string
	Envelope            string
	TextHas, TextLacks  []string
	Text                string // exact, when set
	HTMLHas, HTMLLacks  []string
	Signature           string
	Quoted              int
	Encoding            string
	MIME, NoHeader      bool
	HeaderHas           []string // canonical header keys
	HeaderValue         [2]string
	checkQuoted, isHTML bool
}

func TestSplitPostsFixtures(t *testing.T) {
	tests := []struct {
		file  string
		ok    bool
		posts []mailWant
	}{
		{"mbox-three.mbox", true, []mailWant{
			{
				From: Address{"Ann Writer", "ann@example.org"}, Subject: "The Long Watch, part 1 of 3",
				Date: "1994-03-05T10:12:38-05:00", MessageID: "<9403051512.AA01234@mail.example.org>",
				Envelope: "From ann@example.org  Sat Mar  5 10:12:44 1994", Encoding: "utf-8",
				HeaderHas: []string{"Return-Path", "Received", "To"},
				TextHas:   []string{"The Long Watch\nby Ann Writer\n", "From ship to shore, the old saying went, every watch ends."},
			},
			{
				From: Address{"Björn Crépin", "bob@example.com"}, ReplyTo: Address{"Bob Crepin", "bob.replies@example.com"},
				Subject: "Café Stories part 2", Date: "1994-03-06T21:03:09-06:00",
				Envelope: "From bob@example.com Sun Mar  6 21:03 CST 1994", Encoding: "iso-8859-1", MIME: true,
				Text: "The café on Deck Ten served the best coffee in the quadrant, and the longest line ran from the door to the turbolift.\n“Two, please,” said the captain.",
			},
			{
				From: Address{"Carol Reader", "carol@example.edu"}, Date: "1994-03-07T08:00:00Z",
				TextHas: []string{"\nFrom the bridge came the call"}, TextLacks: []string{">From"},
			},
		}},
		{"news-two-crlf.txt", true, []mailWant{
			{
				From: Address{"Pat Q. Writer", "writer@host.example.com"}, Subject: "Engines of Dawn (1/2) - a TNG story",
				Newsgroups: []string{"alt.startrek.creative", "rec.arts.startrek.misc"},
				MessageID:  "<1993Jun1.120000.1234@host.example.com>", Date: "1993-06-01T12:00:00Z",
				Organization: "Example University, Department of Folded Headers",
				HeaderHas:    []string{"Path", "Xref", "Lines"}, HeaderValue: [2]string{"Subject", "Engines of Dawn (1/2) - a\tTNG story"},
				Text:      "Engines of Dawn, part one.\n\nThe warp core hummed a note only Geordi could hear.\nHe listened, and frowned, and listened again.",
				Signature: "Pat Q. Writer   writer@host.example.com\n\"Engage.\"",
			},
			{
				Subject: "Engines of Dawn (2/2)", Date: "1993-06-02T12:00:00-04:00",
				References: []string{"<1993Jun1.120000.1234@host.example.com>"},
				Text:       "Engines of Dawn, part two.\n\nBy morning the note had changed, and so had he.",
			},
		}},
		{"multipart-alternative.eml", true, []mailWant{{
			From: Address{"Dana", "dana@example.org"}, MIME: true, Encoding: "utf-8",
			Text: "In the small hours the ship was hers alone. She walked the corridors and said good night to every door.",
		}}},
		{"html-only.eml", true, []mailWant{{
			From: Address{"Evan, the Scribe", "evan@example.org"}, MIME: true, isHTML: true,
			HTMLHas:   []string{"Lanterns", "<p>The lanterns of the colony burned all winter.</p>"},
			HTMLLacks: []string{"script", "alert", "onclick", "color:red"},
			TextHas:   []string{"The lanterns of the colony burned all winter."}, TextLacks: []string{"alert"},
		}}},
		{"base64-windows-1252.eml", true, []mailWant{{
			MIME: true, Encoding: "windows-1252",
			Text: "She said “wait” — and the door closed. Café au lait, naïve as ever…",
		}}},
		{"eight-bit-no-charset.txt", true, []mailWant{{
			From: Address{"Gil", "gil@example.org"}, Encoding: "windows-1252",
			Text: "“Quiet,” said Gil. “Listen to the engines.”",
		}}},
		{"reply-quoting.txt", true, []mailWant{{
			Subject: "Re: Engines of Dawn (1/2) - a TNG story", checkQuoted: true, Quoted: 7,
			Text: "I loved this line. More, please!\n\nHal",
		}}},
		{"saved-article-uucp.txt", true, []mailWant{{
			Envelope: "Article 4521 of rec.arts.startrek:", From: Address{"Kim Long", "example!kim"},
			Date: "1988-01-15T14:30:20-08:00", Text: "A short one, for the road.",
		}}},
		{"broken-multipart.eml", true, []mailWant{{
			From: Address{"", "ivy@example.org"},
			Text: "The boundary never comes, but the story must survive.\nEvery word of it.",
		}}},
		{"truncated-header.txt", true, []mailWant{{
			Subject: "Cut Short", MessageID: "<cut@exa", Text: "",
		}}},
		{"story-title-author.txt", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "mail", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			posts, ok, err := SplitPosts(raw)
			if err != nil {
				t.Fatalf("SplitPosts: %v", err)
			}
			if ok != tt.ok || len(posts) != len(tt.posts) {
				t.Fatalf("ok=%v with %d posts, want ok=%v with %d", ok, len(posts), tt.ok, len(tt.posts))
			}
			checkSpans(t, raw, posts)
			for i, w := range tt.posts {
				checkPost(t, i, posts[i], w)
			}
		})
	}
}

// checkSpans checks the properties every result must have: posts in order,
// not overlapping, within raw, with UTF-8 text.
func checkSpans(t *testing.T, raw []byte, posts []Post) {
	t.Helper()
	prev := 0
	for i, p := range posts {
		if p.Start < prev || p.End < p.Start || p.End > len(raw) {
			t.Fatalf("post %d spans [%d,%d) after %d in %d bytes", i, p.Start, p.End, prev, len(raw))
		}
		prev = p.End
		for _, s := range []string{p.Text, p.HTML, p.Subject, p.Signature, p.From.Name, p.From.Addr} {
			if !utf8.ValidString(s) {
				t.Fatalf("post %d: invalid UTF-8 %q", i, s)
			}
		}
	}
}

func checkPost(t *testing.T, i int, p Post, w mailWant) {
	t.Helper()
	errorf := func(format string, args ...any) {
		t.Helper()
		t.Errorf("post %d: "+format, append([]any{i}, args...)...)
	}
	if w.From != (Address{}) && p.From != w.From {
		errorf("From = %+v, want %+v", p.From, w.From)
	}
	if w.ReplyTo != (Address{}) && p.ReplyTo != w.ReplyTo {
		errorf("ReplyTo = %+v, want %+v", p.ReplyTo, w.ReplyTo)
	}
	if w.Subject != "" && p.Subject != w.Subject {
		errorf("Subject = %q, want %q", p.Subject, w.Subject)
	}
	if w.Date != "" && p.Date.Format(time.RFC3339) != w.Date {
		errorf("Date = %s, want %s", p.Date.Format(time.RFC3339), w.Date)
	}
	if w.Newsgroups != nil && strings.Join(p.Newsgroups, ",") != strings.Join(w.Newsgroups, ",") {
		errorf("Newsgroups = %q, want %q", p.Newsgroups, w.Newsgroups)
	}
	if w.References != nil && strings.Join(p.References, " ") != strings.Join(w.References, " ") {
		errorf("References = %q, want %q", p.References, w.References)
	}
	for _, c := range []struct{ name, got, want string }{
		{"MessageID", p.MessageID, w.MessageID}, {"Organization", p.Organization, w.Organization},
		{"Envelope", p.Envelope, w.Envelope}, {"Signature", p.Signature, w.Signature}, {"Encoding", p.Encoding, w.Encoding},
	} {
		if c.want != "" && c.got != c.want {
			errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if w.Text != "" || w.TextHas == nil && !w.isHTML {
		if p.Text != w.Text {
			errorf("Text = %q, want %q", p.Text, w.Text)
		}
	}
	for _, s := range w.TextHas {
		if !strings.Contains(p.Text, s) {
			errorf("Text lacks %q: %q", s, p.Text)
		}
	}
	for _, s := range w.TextLacks {
		if strings.Contains(p.Text, s) {
			errorf("Text has %q: %q", s, p.Text)
		}
	}
	for _, s := range w.HTMLHas {
		if !strings.Contains(p.HTML, s) {
			errorf("HTML lacks %q: %q", s, p.HTML)
		}
	}
	for _, s := range w.HTMLLacks {
		if strings.Contains(p.HTML, s) {
			errorf("HTML has %q: %q", s, p.HTML)
		}
	}
	if !w.isHTML && p.HTML != "" {
		errorf("HTML = %q, want none", p.HTML)
	}
	if w.checkQuoted && p.Quoted != w.Quoted {
		errorf("Quoted = %d, want %d", p.Quoted, w.Quoted)
	}
	if p.MIME != w.MIME {
		errorf("MIME = %v, want %v", p.MIME, w.MIME)
	}
	for _, k := range w.HeaderHas {
		if len(p.Header[k]) == 0 {
			errorf("no %s header in %v", k, p.Header)
		}
	}
	if k := w.HeaderValue[0]; k != "" && (len(p.Header[k]) == 0 || p.Header[k][0] != w.HeaderValue[1]) {
		errorf("Header[%s] = %q, want %q", k, p.Header[k], w.HeaderValue[1])
	}
}
