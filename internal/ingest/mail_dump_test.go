package ingest

import (
	"os"
	"testing"
)

// TestMailDump prints the posts of the file named by MAIL_DUMP (a debugging
// aid; skipped otherwise).
func TestMailDump(t *testing.T) {
	name := os.Getenv("MAIL_DUMP")
	if name == "" {
		t.Skip("set MAIL_DUMP=file to print the posts SplitPosts finds in it")
	}
	raw, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	posts, ok, err := SplitPosts(raw)
	t.Logf("ok=%v err=%v posts=%d", ok, err, len(posts))
	for i, p := range posts {
		first := p.Text
		if len(first) > 160 {
			first = first[:160]
		}
		t.Logf("#%d [%d,%d) env=%q from=%+v subj=%q date=%v groups=%v id=%q org=%q enc=%s mime=%v quoted=%d sig=%q hdrs=%d\n  text=%q", i, p.Start, p.End, p.Envelope, p.From, p.Subject, p.Date, p.Newsgroups, p.MessageID, p.Organization, p.Encoding, p.MIME, p.Quoted, p.Signature, len(p.Header), first)
	}
}
