package ingest

import (
	"fmt"
	"strings"
	"testing"

	"fanarchive"
)

// mailmanFooter is what Mailman 2 appends to every message of a list.
const mailmanFooter = "\n_______________________________________________\nharbour-fic mailing list\nharbour-fic at lists.example.org\nhttp://lists.example.org/mailman/listinfo/harbour-fic\n"

// pipermailPost is one message as a Mailman archive's .txt file holds it:
// the envelope and From header with the address written "x at host".
func pipermailPost(user, name, date, subject, extra, body string) string {
	return fmt.Sprintf("From %s at example.org  %s\nFrom: %s at example.org (%s)\nDate: %s\nSubject: %s\n%sMessage-ID: <%d@example.org>\n\n%s\n%s\n",
		user, date, user, name, "Sun, 2 Mar 1997 21:14:00 -0500", subject, extra, len(body), body, mailmanFooter)
}

// TestMailingListArchive: a month of a Mailman list's archive, as its .txt
// download has it — envelope lines and addresses written "x at host",
// "[list]" subject tags, a rating after the part marker, the list's footer
// on every message, a reader's reply between the parts.
func TestMailingListArchive(t *testing.T) {
	head := "Title: Lamplight\nAuthor: Wren Halloway\nFandom: Harbour Tales\nRating: PG\n\n"
	archive := pipermailPost("wren", "Wren Halloway", "Sun Mar  2 21:14:00 1997", "[harbour-fic] NEW: Lamplight (1/2) [PG]", "",
		head+storyText("north", 4)+"TBC in part 2") +
		"\n" + pipermailPost("bo", "Bo Tern", "Mon Mar  3 08:02:00 1997", "[harbour-fic] Re: NEW: Lamplight (1/2) [PG]", "In-Reply-To: <1@example.org>\n",
		"On Sun, 2 Mar 1997, Wren Halloway wrote:\n> the lamp on the north tower burned\n\nLovely start!  Can't wait for part two.\n\nBo") +
		"\n" + pipermailPost("wren", "Wren Halloway", "Mon Mar  3 21:14:00 1997", "[harbour-fic] NEW: Lamplight (2/2) [PG]", "",
		head+storyText("south", 4)+"THE END\n\nFeedback is treasured: wren at example.org")

	posts, ok, err := SplitPosts([]byte(archive))
	if err != nil || !ok || len(posts) != 3 {
		t.Fatalf("SplitPosts: %d posts, ok=%v, err=%v; want 3", len(posts), ok, err)
	}
	if posts[0].From != (Address{"Wren Halloway", "wren@example.org"}) || posts[1].Date.IsZero() {
		t.Errorf("first post from %+v, second dated %v", posts[0].From, posts[1].Date)
	}
	checkSpans(t, []byte(archive), posts)

	works := listed(assemble(t, [2]string{"harbour-fic-1997-March.txt", archive}))
	if len(works) != 1 {
		t.Fatalf("%d works listed, want 1", len(works))
	}
	w := works[0].Work
	body := ""
	for _, c := range w.Chapters {
		body += c.Body
	}
	switch {
	case w.Title != "Lamplight" || len(w.Authors) != 1 || w.Authors[0].Name != "Wren Halloway":
		t.Errorf("title %q by %v", w.Title, w.Authors)
	case chapterTitles(w) != "Part 1|Part 2":
		t.Errorf("chapters %q, want Part 1|Part 2 (the [PG] after the marker is a rating)", chapterTitles(w))
	case strings.Contains(body, "mailing list") || strings.Contains(body, "listinfo") || strings.Contains(body, "Lovely start"):
		t.Errorf("list footer or the reply in the story: %s", body)
	case w.Sources[0].List != "harbour-fic":
		t.Errorf("list %q, want harbour-fic (from the footer)", w.Sources[0].List)
	case w.FeedbackContact != "wren@example.org":
		t.Errorf("feedback %q", w.FeedbackContact)
	case len(w.Problems) != 0:
		t.Errorf("problems %v", w.Problems)
	}
	if w.Kind != fanarchive.KindFiction {
		t.Errorf("kind %s", w.Kind)
	}
}

func TestListServerFooter(t *testing.T) {
	tests := []struct {
		name, text, list string
	}{
		{"mailman", "_______________________________________________\nharbour-fic mailing list\nharbour-fic@lists.example.org\nhttp://lists.example.org/mailman/listinfo/harbour-fic", "harbour-fic"},
		{"egroups", "------------------------------------------------------------------------\nTo unsubscribe from this group, send an email to:\nHarbourFic-unsubscribe@egroups.com\n------------------------------------------------------------------------", "HarbourFic"},
		{"yahoo sponsor", "------------------------ Yahoo! Groups Sponsor ---------------------~-->\nGet your own web page today.\nhttp://example.com/ad\n---------------------------------------------------------------------~->", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := paragraphs(normalise("The rain stopped at last, and the boats went out.\n\n" + tt.text + "\n"))
			f, end := parseFooter(ps, 0)
			if end != 1 || f.list != tt.list {
				t.Errorf("footer begins at paragraph %d (want 1), list %q (want %q)", end, f.list, tt.list)
			}
		})
	}
}

// digestMessage is one message inside a MIME digest, with the part headers
// given (none, as Mailman writes them, or an explicit message/rfc822).
func digestMessage(partHeaders, from, subject, body string) string {
	return partHeaders + "\nFrom: " + from + "\nSubject: " + subject + "\nDate: Sun, 2 Mar 1997 21:14:00 -0500\n\n" + body + "\n"
}

// TestMIMEDigest: each message of a multipart/digest is a post of its own,
// whether the digest is the whole message or follows a table of contents
// in a multipart/mixed one; the digest's trailer is no part of the last
// message, and the table of contents keeps only its own text.
func TestMIMEDigest(t *testing.T) {
	story := "Lamplight\nby Wren Halloway\n\n" + storyText("north", 3)
	reply := "Wren Halloway wrote:\n> the lamp on the north tower burned\n\nLovely start!\n\nBo"
	messages := "--inner\n" + digestMessage("", "Wren Halloway <wren@example.org>", "Lamplight (1/2)", story) +
		"--inner\n" + digestMessage("Content-Type: message/rfc822\n", "Bo Tern <bo@example.net>", "Re: Lamplight (1/2)", reply) +
		"--inner--\n"
	mixed := "From harbour-request@example.org Mon Mar  3 10:00:00 1997\nFrom: harbour-request@example.org\nSubject: Harbour Digest V1 #12\n" +
		"Date: Mon, 3 Mar 1997 10:00:00 -0500\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"outer\"\n\n" +
		"--outer\nContent-Type: text/plain\n\nHarbour Digest, Volume 1, Number 12\n\nIn this issue:\n    Lamplight (1/2)\n    Re: Lamplight (1/2)\n" +
		"--outer\nContent-Type: multipart/digest;\n  boundary=\"inner\"\n\n" + messages +
		"--outer\nContent-Type: text/plain\n\nEnd of Harbour Digest V1 #12\n--outer--\n"
	whole := "From: harbour-request@example.org\nSubject: Harbour Digest V1 #12\nDate: Mon, 3 Mar 1997 10:00:00 -0500\n" +
		"MIME-Version: 1.0\nContent-Type: multipart/digest; boundary=\"inner\"\n\nThis is a digest.\n\n" + messages + "\nEnd of digest\n"
	for _, tc := range []struct{ name, raw, toc string }{
		{"inside multipart/mixed", mixed, "In this issue:"},
		{"the whole message", whole, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			posts, ok, err := SplitPosts([]byte(tc.raw))
			if err != nil || !ok || len(posts) != 3 {
				t.Fatalf("SplitPosts: %d posts, ok=%v, err=%v; want 3", len(posts), ok, err)
			}
			checkSpans(t, []byte(tc.raw), posts)
			if posts[1].Subject != "Lamplight (1/2)" || posts[1].From.Name != "Wren Halloway" || !strings.HasPrefix(posts[1].Text, "Lamplight\nby Wren Halloway") {
				t.Errorf("first message: %q from %+v: %q", posts[1].Subject, posts[1].From, posts[1].Text[:40])
			}
			if posts[2].Subject != "Re: Lamplight (1/2)" || posts[2].Text != "Lovely start!\n\nBo" {
				t.Errorf("second message: %q: %q (quotation gone, no trailer)", posts[2].Subject, posts[2].Text)
			}
			if strings.Contains(posts[0].Text, "--outer") || strings.Contains(posts[0].Text, "Content-Type") || !strings.Contains(posts[0].Text, tc.toc) {
				t.Errorf("the digest's own text: %q", posts[0].Text)
			}
		})
	}
	works := listed(assemble(t, [2]string{"harbour-v1-12.mbox", mixed}))
	if len(works) != 1 || works[0].Work.Title != "Lamplight" || works[0].Work.Authors[0].Name != "Wren Halloway" || works[0].Work.Complete {
		t.Fatalf("listed %d works; want Lamplight by Wren Halloway, incomplete (part 2 is in the next digest)", len(works))
	}
}
