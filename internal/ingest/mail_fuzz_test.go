package ingest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"fanarchive"
)

// FuzzSplitPosts feeds arbitrary bytes to the post splitter. Whatever the
// input it must not panic, must return posts only with ok or an
// EUNREADABLE error, and the posts' byte ranges must be ordered, not
// overlapping and within the input, and cover all of it but white space,
// with valid UTF-8 in every text field.
// Failing inputs are kept in testdata/fuzz/FuzzSplitPosts and replayed by
// plain `go test`. Run:
//
//	go test ./internal/ingest -run '^$' -fuzz FuzzSplitPosts -fuzztime 5m -fuzzminimizetime 5s
func FuzzSplitPosts(f *testing.F) {
	files, _ := filepath.Glob("testdata/mail/*")
	for _, name := range files {
		if raw, err := os.ReadFile(name); err == nil {
			f.Add(raw)
		}
	}
	for _, s := range []string{
		"", "From: a@b\nSubject: s\n\n", "From a@b Sat Mar  5 10:12:44 1994\n\nx",
		"Path: a!b\nFrom: a@b\n\n> q\n> r\n-- \nsig", "Subject: x\r\rbody\r",
		"From: a@b\nSubject: Re: x\nContent-Type: multipart/alternative; boundary=b\n\n--b\n\n--b--",
		"From: a@b\nSubject: x\nContent-Transfer-Encoding: base64\n\n====",
		"From: =?utf-8?q?=FF?= <a@b>\nSubject: =?x?b?AA==?=\n\n\xff\xfe",
		"Article 1 of a.b:\n>From: c!d\n\n>From e\n",
		// MIME digests: whole, and inside a multipart/mixed; pipermail.
		"From: l@x\nSubject: D\nContent-Type: multipart/digest; boundary=i\n\n--i\n\nFrom: a@b\nSubject: s\n\nx\n--i\nContent-Type: message/rfc822\n\nFrom: c@d\n\ny\n--i--\ntrailer\n",
		"From: l@x\nContent-Type: multipart/mixed; boundary=o\n\n--o\n\ntoc\n--o\nContent-Type: multipart/digest; boundary=i\n\n--i\n\nFrom: a@b\n\nx\n--i--\n--o--\n",
		"From a at b.org  Sat Mar  5 10:12:44 1994\nFrom: a at b.org (A)\n\nx\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		posts, ok, err := SplitPosts(raw)
		if err != nil {
			if fanarchive.ErrorCode(err) != fanarchive.EUNREADABLE || ok || posts != nil {
				t.Fatalf("error %v with ok=%v and %d posts", err, ok, len(posts))
			}
			return
		}
		if !ok && posts != nil {
			t.Fatalf("%d posts from input that is not mail", len(posts))
		}
		prev := 0
		for i, p := range posts {
			if p.Start < prev || p.End < p.Start || p.End > len(raw) {
				t.Fatalf("post %d spans [%d,%d) after %d in %d bytes", i, p.Start, p.End, prev, len(raw))
			}
			// Nothing but white space is left out between posts.
			if gap := bytes.TrimPrefix(raw[prev:p.Start], utf8BOM); len(bytes.TrimSpace(gap)) > 0 {
				t.Fatalf("post %d starts at %d, leaving out %q", i, p.Start, gap)
			}
			prev = p.End
			for _, s := range []string{p.Text, p.HTML, p.Signature, p.Subject, p.From.Name, p.From.Addr, p.Encoding} {
				if !utf8.ValidString(s) {
					t.Fatalf("post %d: invalid UTF-8 %q", i, s)
				}
			}
		}
		if ok && prev != len(raw) {
			t.Fatalf("the last post ends at %d of %d bytes", prev, len(raw))
		}
	})
}

// BenchmarkSplitPosts measures the splitter's throughput over the
// usenet-startrek corpus (17 MB), or over a synthetic mbox when the corpus
// is absent. Reproduce:
//
//	go test ./internal/ingest -run '^$' -bench SplitPosts -benchtime 10x -count 3
func BenchmarkSplitPosts(b *testing.B) {
	var raws [][]byte
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "usenet-startrek")
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		if raw, err := os.ReadFile(f); err == nil {
			raws = append(raws, raw)
		}
	}
	if len(raws) == 0 {
		b.Logf("corpus %s not found; using a synthetic mbox", dir)
		raws = [][]byte{syntheticMbox(2000)}
	}
	var total int64
	for _, raw := range raws {
		total += int64(len(raw))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, raw := range raws {
			if _, _, err := SplitPosts(raw); err != nil && fanarchive.ErrorCode(err) != fanarchive.EUNREADABLE {
				b.Fatal(err)
			}
		}
	}
}

// syntheticMbox builds an mbox of n messages of a few kilobytes each, in
// the shapes SplitPosts meets: folded headers, a quoted-printable body, a
// quoted reply and a signature.
func syntheticMbox(n int) []byte {
	var b bytes.Buffer
	date := time.Date(1994, 3, 5, 10, 12, 44, 0, time.UTC)
	para := bytes.Repeat([]byte("The night shift on the observation deck was always the quietest.\n"), 40)
	for i := range n {
		d := date.Add(time.Duration(i) * time.Hour)
		fmt.Fprintf(&b, "From user%d@example.org  %s\n", i, d.Format("Mon Jan _2 15:04:05 2006"))
		fmt.Fprintf(&b, "Received: from mail.example.org by list.example.net\n\tid AA%05d; %s\n", i, d.Format(time.RFC1123Z))
		fmt.Fprintf(&b, "From: user%d@example.org (User Number %d)\nSubject: Story part %d\n\tcontinued\n", i, i, i)
		fmt.Fprintf(&b, "Date: %s\nMessage-Id: <%d@example.org>\n", d.Format(time.RFC1123Z), i)
		if i%3 == 1 {
			b.WriteString("Mime-Version: 1.0\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n")
			b.WriteString("Caf=E9 society, =93quoted=94, with a soft =\nline break.\n")
		} else {
			b.WriteString("\n")
		}
		if i%3 == 2 {
			b.WriteString("In article <1@example.org>, a@example.org writes:\n> quoted line one\n> quoted line two\n\n")
		}
		b.Write(para)
		b.WriteString(">From the bridge, a call.\n\n-- \nUser, example.org\n\n")
	}
	return b.Bytes()
}

// TestSplitPostsHuge splits a 200 MB mbox when MAIL_HUGE is set (it needs
// about 1 GB of memory and a few seconds), and reports the time taken.
func TestSplitPostsHuge(t *testing.T) {
	if os.Getenv("MAIL_HUGE") == "" {
		t.Skip("set MAIL_HUGE=1 to split a 200 MB mbox")
	}
	raw := syntheticMbox(66000)
	start := time.Now()
	posts, ok, err := SplitPosts(raw)
	if err != nil || !ok || len(posts) != 66000 {
		t.Fatalf("ok=%v err=%v posts=%d", ok, err, len(posts))
	}
	d := time.Since(start)
	t.Logf("%.0f MB, %d posts in %v: %.0f MB/s", float64(len(raw))/1e6, len(posts), d.Round(time.Millisecond), float64(len(raw))/1e6/d.Seconds())
}

// TestSplitPostsLinear checks that the splitter stays linear on a large
// mbox and on inputs built to make a naive splitter quadratic.
func TestSplitPostsLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	tests := []struct {
		name  string
		raw   []byte
		posts int
	}{
		{"mbox", syntheticMbox(5000), 5000},
		{"header-like lines", bytes.Repeat([]byte("Foo: bar\n"), 1<<19), 0},
		{"rejected blocks", append([]byte("text\n"), bytes.Repeat([]byte("\nSubject: x\nOrganization: y\n"), 1<<17)...), 0},
		{"unclosed multipart", append([]byte("From: a@b\nSubject: s\nContent-Type: multipart/mixed; boundary=q\n\n"), bytes.Repeat([]byte("--q\nContent-Type: text/plain\n\nx\n"), 1<<16)...), 1},
		{"one long line", append([]byte("From: a@b\nSubject: s\n\n"), bytes.Repeat([]byte("> x "), 1<<20)...), 1},
		{"blank lines after a quote", append([]byte("From: a@b\nSubject: Re: s\n\n> a\n> b\n"), append(bytes.Repeat([]byte("\n"), 1<<16), bytes.Repeat([]byte("text\n> x\n"), 1<<16)...)...), 1},
		{"quotes", append([]byte("From: a@b\nSubject: Re: s\n\n"), bytes.Repeat([]byte("> x\n\nHal wrote:\n"), 1<<17)...), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			posts, _, err := SplitPosts(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			if len(posts) != tt.posts {
				t.Errorf("%d posts, want %d", len(posts), tt.posts)
			}
			mbps := float64(len(tt.raw)) / 1e6 / time.Since(start).Seconds()
			t.Logf("%.1f MB in %v: %.0f MB/s", float64(len(tt.raw))/1e6, time.Since(start).Round(time.Millisecond), mbps)
			// A quadratic scan of these inputs takes minutes; a linear one
			// runs at tens of MB/s even on a busy machine.
			if mbps < 1 {
				t.Errorf("%.1f MB/s: too slow for a linear scan", mbps)
			}
		})
	}
}
