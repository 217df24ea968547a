package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"fanarchive"
	"fanarchive/internal/prose"
)

// FuzzParseHTML feeds arbitrary bytes to the HTML parser. Whatever the
// input, it must not panic, must return either a valid work or an
// EUNREADABLE error, must keep the input byte for byte, and must store
// bodies that the body policy leaves unchanged. Failing inputs are kept in
// testdata/fuzz/FuzzParseHTML and replayed by plain `go test`.
func FuzzParseHTML(f *testing.F) {
	files, _ := filepath.Glob("testdata/html/*.html")
	for _, name := range files {
		if raw, err := os.ReadFile(name); err == nil {
			f.Add(raw)
		}
	}
	for _, s := range hostileSnippets {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		w, err := ParseHTML("fuzz.html", raw, Options{})
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
		for _, c := range w.Chapters {
			if prose.Sanitize(c.Body) != c.Body {
				t.Fatalf("chapter %d body changes under Sanitize for %q:\n%s", c.Number, raw, c.Body)
			}
			if !utf8.ValidString(c.Body) || strings.Contains(c.Body, brMark) {
				t.Fatalf("chapter %d body has invalid UTF-8 or a stray mark for %q", c.Number, raw)
			}
		}
		if !utf8.ValidString(w.Title) || !utf8.ValidString(w.Summary) {
			t.Fatalf("invalid UTF-8 in title or summary for %q", raw)
		}
		_ = NewRecord(w)
	})
}

// hostileSnippets seed the fuzzer and TestHostileHTML: scripts, handlers,
// javascript: URLs, broken and deeply nested markup, charset tricks.
var hostileSnippets = []string{
	"", "<", "<p", "<p>", "</p>", "<!--", "<!-- STORYINFO\nTitle:", "<![CDATA[x]]>", "<?xml?>",
	"<html><body><p>Hi.</p>", "<pre></pre>", "<pre>\n\n</pre>", "<table><tr><td>x", "<dl><dt>Title:<dd>x",
	"<script>alert(1)</script><p>x</p>", "<p onclick=alert(1)>x</p>", `<a href="javascript:alert(1)">x</a>`,
	`<img src=x onerror=alert(1)>`, "<svg><script>alert(1)</script></svg><p>x", "<math><mi>x</mi></math>",
	"<style>p{}</style><p>x", "<iframe src=//x></iframe><p>x", "<p>a<br><br><br>b", "<b><i>x</b></i>y",
	"<p><b>x<p>y<p>z", "<select><option>x</select><p>y", "<textarea><p>x</textarea>", "<noscript><p>x</noscript>",
	"<frameset><frame></frameset>", "<body><body><p>x", "<h1></h1><h1>x</h1>", "<hr><hr><p>x<hr>",
	"<blockquote><blockquote><p>x", "<ul><li>a<li>b</ul>", "<center>* * *</center>", "<p>\x00\x01\x1b[31m</p>",
	"\xef\xbb\xbf<p>x", "\xff\xfe<\x00p\x00>\x00", "\xfe\xff\x00<\x00p", "<meta charset=utf-16><p>x",
	"<meta charset=iso-2022-kr><p>\x0e\x0f", "<meta charset=shift_jis><p>\x82\xa0", "<meta charset=latin1><p>\x93x\x94",
	"<p>\xe9\xe8", "<title>a :: b</title><h1>b</h1><p>x", "<title> by </title><p>x", "<meta name=author content=' by '><p>x",
	"<p><a href=mailto:>x</a></p>", "<p><a href=mailto:a@b.c?subject=x>a</a> y</p>",
	"<div id=preface></div><div id=chapters></div>", "<div id=preface><h1>x</h1></div><div id=chapters><h2 class=heading>Chapter 1</h2></div>",
	"<div id=preface><dl class=tags><dt>Stats:<dd>Chapters: 1/1</dl></div><div id=chapters><div class=meta><h2 class=heading>Chapter 1: a</h2></div><p>x</div>",
	strings.Repeat("<div>", 600) + "x", strings.Repeat("<b>", 600) + "x", strings.Repeat("<p><font color=red>", 300) + "x",
	strings.Repeat("<table><tr><td>", 200) + "x", strings.Repeat("<a href=x>", 300) + "x",
}

// TestHostileHTML parses the hostile snippets and shapes built to stress
// every loop, and checks that each gives a valid work or an EUNREADABLE
// error and that no script survives. It logs how long each took: a
// quadratic path shows up as seconds here. (No timing assertion: speed is
// measured by benchmarks, not tests.)
func TestHostileHTML(t *testing.T) {
	n := 50000
	inputs := map[string]string{
		"10 MB of divs":           strings.Repeat("<div>", 2<<20),
		"10 MB of closed divs":    strings.Repeat("<div></div>", 1<<20) + "<p>x</p>",
		"nested fonts":            strings.Repeat("<font color=red>word ", n),
		"misnested formatting":    strings.Repeat("<b><i><u>x</b></i></u>", n),
		"formatting with attrs":   strings.Repeat(`<b class="a">`, 5000) + strings.Repeat("<p>x", n),
		"many paragraphs":         strings.Repeat("<p>word word word", n),
		"many brs":                strings.Repeat("word<br>", n*4),
		"many tables":             strings.Repeat("<table><tr><td>Title:</td><td>x</td></tr></table>", n/5),
		"nested tables":           strings.Repeat("<table><tr><td>x", 3000),
		"nested lists":            strings.Repeat("<ul><li>x", 3000),
		"nested blockquotes":      strings.Repeat("<blockquote>x", 3000),
		"many comments":           strings.Repeat("<!-- Title: x\nAuthor: y -->", n) + "<p>x",
		"huge comment":            "<!-- " + strings.Repeat("Title: x\n", n) + " --><p>x",
		"many links":              "<p>" + strings.Repeat(`<a href="x">x</a> | `, n) + "</p><p>story",
		"long pre":                "<pre>" + strings.Repeat("a line of text\n", n*4) + "</pre>",
		"unmarked text":           "<html><body>" + strings.Repeat("para graph\n\n", n),
		"headings":                strings.Repeat("<h2>Chapter 1</h2><p>x", n),
		"scene breaks":            strings.Repeat("<hr>", n) + "x",
		"many titles":             strings.Repeat("<title>x</title>", n) + "<p>x",
		"unclosed everything":     strings.Repeat("<p><b><i><blockquote><ul><li><div>", 5000) + "x",
		"ao3 many chapters":       "<div id=preface></div><div id=chapters>" + strings.Repeat("<div class=meta><h2 class=heading>Chapter 1</h2><p>Notes</p><blockquote>n</blockquote></div><div>text</div>", n/10) + "</div>",
		"ao3 nested meta":         "<div id=preface></div><div id=chapters>" + strings.Repeat("<div>", 250) + "x",
		"script-heavy":            strings.Repeat("<script>var x = '<p>';</script>", n) + "<p>x",
		"attributes":              "<p " + strings.Repeat(`a="b" `, n) + ">x",
		"entities":                "<p>" + strings.Repeat("&amp;&#x1F600;&nbsp;&bogus;", n),
		"hostile snippets joined": strings.Join(hostileSnippets, "\n"),
	}
	for _, s := range hostileSnippets {
		inputs["snippet "+s[:min(len(s), 30)]] = s
	}
	for name, in := range inputs {
		start := time.Now()
		w, err := ParseHTML(name, []byte(in), Options{})
		d := time.Since(start)
		if err != nil {
			if fanarchive.ErrorCode(err) != fanarchive.EUNREADABLE {
				t.Errorf("%s: error %v is not EUNREADABLE", name, err)
			}
		} else {
			if err := w.Validate(); err != nil {
				t.Errorf("%s: invalid work: %v", name, err)
			}
			for _, c := range w.Chapters {
				if strings.Contains(c.Body, "<script") || strings.Contains(c.Body, "alert(") || strings.Contains(c.Body, "javascript:") || strings.Contains(c.Body, "onerror") {
					t.Errorf("%s: hostile markup survived in chapter %d:\n%.300s", name, c.Number, c.Body)
				}
			}
		}
		if len(name) > 30 {
			name = name[:30]
		}
		t.Logf("%-32q %9d bytes %12v err=%v", name, len(in), d, fanarchive.ErrorMessage(err))
	}
}
