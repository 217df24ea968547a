package listmail

import (
	"bytes"
	"io"
	"mime"
	"strings"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/ingest"

	gomessage "github.com/emersion/go-message"
)

func digestMessages() []*fanarchive.ListMessage {
	reply := "From: =?utf-8?q?L=C3=A9x_Luthor?= <lex@luthorcorp.example>\r\nSubject: [level3] Re: NEW: The Wall of Weird (1/3) [PG]\r\n" +
		"Date: Thu, 3 Dec 2026 17:30:00 +0000\r\nMessage-ID: <r1@luthorcorp.example>\r\nIn-Reply-To: <wall1@example.com>\r\n" +
		"Received: from somewhere\r\nX-Spam: no\r\n\r\nChloe Sullivan wrote:\r\n> The Torch office smelled of old coffee\r\n\r\nIntriguing.\r\n\r\nLex\r\n"
	return []*fanarchive.ListMessage{
		{ID: 1, Subject: "[level3] NEW: The Wall of Weird (1/3) [PG]", FromName: "Chloe Sullivan", Date: fixedNow.Add(-2 * time.Hour), Raw: []byte(storyPost)},
		{ID: 2, Subject: "[level3] Re: NEW: The Wall of Weird (1/3) [PG]", FromName: "Léx Luthor", Date: fixedNow.Add(-time.Hour), Raw: []byte(reply)},
		{ID: 3, Subject: "[level3] A very long subject line that goes on and on about the meteor rocks of Smallville and what they do", FromName: "Pete Ross",
			FromAddress: "pete@example.org", MessageID: "<p3@example.org>", Date: fixedNow.Add(-30 * time.Minute), Text: "Kept without its raw bytes.\nSecond line."},
	}
}

func TestBuildDigest(t *testing.T) {
	c := testConfig()
	l := testList()
	d, err := c.BuildDigest(l, 1, 23, digestMessages())
	if err != nil {
		t.Fatal(err)
	}
	if d.Subject != "Level Three digest, Vol 1, Issue 23" {
		t.Errorf("subject %q", d.Subject)
	}
	h, _, err := c.MemberFields(l, testMember())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "digest.eml", append(h, d.Raw...))

	// go-message reads it: multipart/mixed of text, a digest of three
	// message/rfc822 parts, text.
	e, err := gomessage.Read(bytes.NewReader(d.Raw))
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	var walk func(e *gomessage.Entity)
	walk = func(e *gomessage.Entity) {
		mt, _, _ := mime.ParseMediaType(e.Header.Get("Content-Type"))
		types = append(types, mt)
		if mr := e.MultipartReader(); mr != nil {
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(p)
			}
		}
	}
	walk(e)
	if got := strings.Join(types, " "); got != "multipart/mixed text/plain multipart/digest message/rfc822 message/rfc822 message/rfc822 text/plain" {
		t.Errorf("parts: %s", got)
	}

	// ingest reads its posts back.
	posts, ok, err := ingest.SplitPosts(d.Raw)
	if err != nil || !ok {
		t.Fatalf("SplitPosts: %v, %v", ok, err)
	}
	var subjects []string
	for _, p := range posts[1:] {
		subjects = append(subjects, p.Subject)
	}
	want := []string{"NEW: The Wall of Weird (1/3) [PG]", "[level3] Re: NEW: The Wall of Weird (1/3) [PG]", "[level3] A very long subject line that goes on and on about the meteor rocks of Smallville and what they do"}
	if len(posts) != 4 || strings.Join(subjects, "|") != strings.Join(want, "|") {
		t.Fatalf("SplitPosts: %d posts %q", len(posts), subjects)
	}
	if !strings.Contains(posts[0].Text, "Today's Topics:") || !strings.Contains(posts[0].Text, "2. [level3] Re: NEW: The Wall of Weird (1/3) [PG] (Léx Luthor)") {
		t.Errorf("table of contents: %q", posts[0].Text)
	}
	if posts[1].From.Addr != "chloe@example.com" || !strings.HasPrefix(posts[1].Text, "Title: The Wall of Weird") || strings.Contains(posts[1].Text, "digest") {
		t.Errorf("first message: %+v %q", posts[1].From, posts[1].Text)
	}
	if posts[2].Text != "Intriguing.\n\nLex" || posts[2].From.Name != "Léx Luthor" || posts[2].Header["Received"] != nil {
		t.Errorf("second message: %q %+v %v", posts[2].Text, posts[2].From, posts[2].Header)
	}
	if posts[3].Text != "Kept without its raw bytes.\nSecond line." || posts[3].MessageID != "<p3@example.org>" {
		t.Errorf("third message: %q %q", posts[3].Text, posts[3].MessageID)
	}
	if _, err := c.BuildDigest(l, 1, 24, nil); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		t.Errorf("empty digest: %v", err)
	}
}
