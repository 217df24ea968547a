package ingest

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// headerParaName matches a line that starts a real header field, for the
// corpus test's own, independent count of posts.
var headerParaName = regexp.MustCompile(`^[>~]?(From|Subject|Path|Newsgroups|Message-I[Dd]|Date|Xref|Received|Organization|Lines|N[Nn][Tt][Pp]-Posting-Host|Sender|Reply-To|To|References|Distribution|X-[\w-]+):`)

// headerParagraphs counts the posts a file holds without the splitter: the
// paragraphs (runs of non-blank lines) with at least two real header
// fields, plus a first paragraph that is a lone Subject line. ambiguous
// is true when that count cannot be trusted: a header paragraph without
// exactly one Subject, or a first paragraph of one other header field.
func headerParagraphs(raw []byte) (n int, ambiguous bool) {
	var para []string
	first := true
	flush := func() {
		if len(para) == 0 {
			return
		}
		h, subj := 0, 0
		for _, l := range para {
			if headerParaName.MatchString(l) {
				h++
			}
			if strings.HasPrefix(strings.TrimLeft(l, ">~"), "Subject:") {
				subj++
			}
		}
		switch {
		case h >= 2:
			n++
			ambiguous = ambiguous || subj != 1
		case first && h == 1 && subj == 1:
			n++
		case first && h == 1:
			ambiguous = true
		}
		para, first = para[:0], false
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		l := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(l) == "" {
			flush()
			continue
		}
		para = append(para, l)
	}
	flush()
	return n, ambiguous
}

// TestMailCorpus splits every file of the usenet-startrek corpus. Where
// the count is unambiguous, the posts with headers must be the file's
// header paragraphs; the totals are logged (go test -v).
func TestMailCorpus(t *testing.T) {
	dir := sharedCorpus(t, "usenet-startrek")
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		mailFiles, mboxFiles, multiFiles, posts, withHeader, preambles, envelopes int
		mime, quoted, signatures, dated, errors, mismatched                       int
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ps, ok, err := SplitPosts(raw)
		if err != nil {
			st.errors++
			t.Logf("%s: %v", filepath.Base(f), err)
			continue
		}
		checkSpans(t, raw, ps)
		want, ambiguous := headerParagraphs(raw)
		headed, envelopes := 0, 0
		for _, p := range ps {
			switch {
			case len(p.Header) > 0:
				headed++
			case p.Envelope == "":
				st.preambles++
			}
			if p.Envelope != "" {
				envelopes++
			}
			if p.MIME {
				st.mime++
			}
			if p.Signature != "" {
				st.signatures++
			}
			if !p.Date.IsZero() {
				st.dated++
			}
			st.quoted += p.Quoted
		}
		if ok {
			st.mailFiles++
			st.posts += len(ps)
			st.withHeader += headed
			st.envelopes += envelopes
			if envelopes > 0 {
				st.mboxFiles++
			}
			if len(ps) > 1 {
				st.multiFiles++
			}
		}
		switch {
		case headed == want:
		case ambiguous:
			st.mismatched++
			t.Logf("%s: %d posts with headers, %d header paragraphs (the count is ambiguous here)", filepath.Base(f), headed, want)
		default:
			t.Errorf("%s: %d posts with headers, want %d (one per header paragraph)", filepath.Base(f), headed, want)
		}
	}
	t.Logf("%d files: %d mail/news (%d with mbox or saved-article envelopes, %d with several posts), %d binary", len(files), st.mailFiles, st.mboxFiles, st.multiFiles, st.errors)
	t.Logf("%d posts: %d with headers, %d headerless preambles, %d envelopes, %d dated, %d MIME, %d signatures, %d quoted lines removed", st.posts, st.withHeader, st.preambles, st.envelopes, st.dated, st.mime, st.signatures, st.quoted)
	t.Logf("%d files differ from the independent count where it is ambiguous", st.mismatched)
}
