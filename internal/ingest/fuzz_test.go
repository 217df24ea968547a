package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"fanarchive"
)

// FuzzParseText feeds arbitrary bytes to the text parser. Whatever the
// input, it must not panic, must return either a valid work or an
// EUNREADABLE error, and a work must keep the input byte for byte.
// Failing inputs are kept in testdata/fuzz/FuzzParseText and replayed by
// plain `go test`.
func FuzzParseText(f *testing.F) {
	files, _ := filepath.Glob("testdata/text/*.txt")
	for _, name := range files {
		if raw, err := os.ReadFile(name); err == nil {
			f.Add(raw)
		}
	}
	for _, s := range []string{
		"", "by", "by \n", "Title:\n\nSummary:\n", "* * *\n\n* * *", "Part 1\n\nPart 2\n\nx",
		"\xff\xfe\x00", "\xfe\xff", "\xef\xbb\xbf", "Title: x\r\rby y\r\r\x93z\x94\r\f\f",
		"Join X, the Y list\n\nFeedback to z\n", "CHAPTER IIII\n\nCHAPTER V\n\na",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		w, err := ParseText("fuzz.txt", raw, Options{})
		if err != nil {
			if fanarchive.ErrorCode(err) != fanarchive.EUNREADABLE {
				t.Fatalf("error code %q for %q: %v", fanarchive.ErrorCode(err), raw, err)
			}
			return
		}
		if err := w.Validate(); err != nil {
			t.Fatalf("invalid work for %q: %v", raw, err)
		}
		if !bytes.Equal(w.Sources[0].Raw, raw) {
			t.Fatalf("source bytes differ from input")
		}
		if !utf8.ValidString(w.Title) || !utf8.ValidString(w.Chapters[0].Body) {
			t.Fatalf("invalid UTF-8 in output for %q", raw)
		}
		_ = NewRecord(w)
	})
}

// FuzzDecode checks that decoding never panics and always yields valid
// UTF-8 or an error.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "a", "\xff\xfe", "\xfe\xff\x00", "\x93hi\x94", "\xda\xc4\xbf", "PK\x03\x04"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		text, enc, err := Decode(raw)
		if err != nil {
			return
		}
		if enc == "" {
			t.Fatalf("no encoding named for %q", raw)
		}
		if enc != EncUTF8 && !utf8.ValidString(text) {
			t.Fatalf("decoded text is not UTF-8 for %q", raw)
		}
	})
}

// FuzzParseFile runs the whole file pipeline (HTML, mail or text, then
// assembly) on arbitrary bytes: no panic, every work valid, and every
// piece's byte range inside the file.
func FuzzParseFile(f *testing.F) {
	for _, glob := range []string{"testdata/text/*.txt", "testdata/mail/*", "testdata/html/*.html"} {
		files, _ := filepath.Glob(glob)
		for _, name := range files {
			if raw, err := os.ReadFile(name); err == nil && len(raw) < 64<<10 {
				f.Add(raw)
			}
		}
	}
	f.Add([]byte("From: a@b.c\nSubject: Story (1/2)\n\nOne.\n\nFrom: a@b.c\nSubject: Story (2/2)\n\nTwo.\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		pieces, err := ParseFile("fuzz", raw, Options{})
		if err != nil {
			if fanarchive.ErrorCode(err) != fanarchive.EUNREADABLE {
				t.Fatalf("error code %q: %v", fanarchive.ErrorCode(err), err)
			}
			return
		}
		for i, p := range pieces {
			if p.Start < 0 || p.End > len(raw) || p.Start > p.End {
				t.Fatalf("piece %d range %d-%d outside %d bytes", i, p.Start, p.End, len(raw))
			}
			p.File, p.Seq = 0, i
		}
		for _, a := range Assemble(pieces) {
			if err := a.Work.Validate(); err != nil {
				t.Fatalf("invalid work: %v", err)
			}
		}
	})
}
