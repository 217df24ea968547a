package ingest

import (
	"strings"
	"testing"
	"time"

	"fanarchive"
)

// TestAdversarialShapes parses inputs shaped to hit every loop of the
// parser with many repetitions. It checks that each gives works that
// validate or an unreadable-file error, and logs how
// long each took: a quadratic path shows up as seconds here. (No timing
// assertion: speed is measured by benchmarks, not tests.)
func TestAdversarialShapes(t *testing.T) {
	n := 20000
	inputs := map[string]string{
		"long label continuation": "Summary: x\n" + strings.Repeat("more summary text\n", n) + "\nstory",
		"byline of years":         "by " + strings.Repeat("1993 ", n) + "\n\nstory",
		"many headers":            strings.Repeat("Title: x\n\n", n) + "story",
		"many headings":           strings.Repeat("Part 1\n\nx\n\n", n),
		"many scene breaks":       strings.Repeat("* * *\n\n", n) + "x",
		"long line":               strings.Repeat("word ", n*10),
		"many lines":              strings.Repeat("w\n", n*10),
		"footer-ish end":          "story\n\n" + strings.Repeat("Feedback to a@b.com\n\n", n),
		"long footer paragraph":   "story\n\n" + strings.Repeat("Feedback: x\n", n),
		"emails":                  "by " + strings.Repeat("a@b.co ", n) + "\n\nstory",
		"at dot":                  "Feedback: " + strings.Repeat("x at y ", n) + "\n\nstory",
		"indents":                 strings.Repeat("  a\n b\n", n),
		"dashes":                  strings.Repeat("a-\n", n*5),
		"verse":                   strings.Repeat("short\nlines\n\n", n),
		"mime part headers":       "From: a@b.c\nSubject: s\nContent-Type: multipart/mixed; boundary=b\n\n--b\n" + strings.Repeat("Content-Type: text/plain\n", n) + "\nx\n--b--\n",
		"digest delimiters":       "From: a@b.c\nSubject: s\nContent-Type: multipart/digest; boundary=b\n\n" + strings.Repeat("--b\n\nFrom: c@d.e\n\nx\n", n/10) + "--b--\n",
		"pipermail addresses":     "From a at b.org  Sat Mar  5 10:12:44 1994\nFrom: a at b.org\n\n" + strings.Repeat("mail a at b.org ", n),
	}
	for name, in := range inputs {
		start := time.Now()
		pieces, err := ParseFile(name, []byte(in), Options{})
		d := time.Since(start)
		t.Logf("%-25s %8d bytes %10v err=%v", name, len(in), d, err)
		// Any input is works that validate, or an unreadable file.
		if err != nil && fanarchive.ErrorCode(err) != fanarchive.EUNREADABLE {
			t.Errorf("%s: error %v, want works or an unreadable file", name, err)
		}
		for _, p := range pieces {
			if verr := p.Work.Validate(); verr != nil {
				t.Errorf("%s: a piece does not validate: %v", name, verr)
			}
		}
	}
}
