package ingest

import (
	"fmt"
	"strings"
	"testing"
)

// syntheticPage builds an old-archive story page of about size bytes:
// navigation, a header table, paragraphs with emphasis, scene breaks and a
// footer, as 1990s–2000s archives wrote them.
func syntheticPage(size int) []byte {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<title>Harbour Archive :: The Long Watch</title>
<style>body { font-family: Georgia; }</style><script>var counter = 1;</script></head>
<body bgcolor="#ffffff">
<p><a href="/">Home</a> | <a href="/stories/">Stories</a> | <a href="/authors/">Authors</a></p>
<h1>The Long Watch</h1>
<table border=1><tr><td><b>Author:</b></td><td><a href="mailto:wren@example.org">Wren Halloway</a></td></tr>
<tr><td><b>Rating:</b></td><td>PG-13</td></tr><tr><td><b>Fandom:</b></td><td>Harbour Lights</td></tr>
<tr><td><b>Summary:</b></td><td>The lamp must stay lit through the longest night of the year.</td></tr></table>
<hr>
`)
	for i := 0; b.Len() < size-600; i++ {
		fmt.Fprintf(&b, "<p><font face=\"Georgia\">The lamp burned on the north tower, and the boats came home one by one. "+
			"She counted them in <i>aloud</i>, the way her father had, and wrote each name in the ledger with <b>care</b> &mdash; "+
			"number %d, then the next, until the harbour was full and the sea was dark again.</font></p>\n", i)
		if i%12 == 11 {
			b.WriteString("<p align=\"center\">* * *</p>\n")
		}
	}
	b.WriteString(`<p align=center>THE END</p><hr>
<p>Feedback is always welcome at <a href="mailto:wren@example.org">wren@example.org</a>.</p>
<p><a href="index.html">Back to the story index</a></p>
<p><small>The Harbour Archive is a fan-run site. Stories are copyright their authors.</small></p>
</body></html>
`)
	return []byte(b.String())
}

// BenchmarkParseHTML measures the HTML parser's throughput on a synthetic
// 100 KB story page, the whole path: decoding, parsing, navigation
// removal, header, footer, rendering, sanitising and word counts.
// Reproduce:
//
//	go test ./internal/ingest -run '^$' -bench ParseHTML -benchtime 200x -count 3
func BenchmarkParseHTML(b *testing.B) {
	raw := syntheticPage(100 << 10)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseHTML("bench.html", raw, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSyntheticPage checks that the benchmark's page parses as intended,
// so the benchmark measures the real path.
func TestSyntheticPage(t *testing.T) {
	w, err := ParseHTML("bench.html", syntheticPage(100<<10), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := NewRecord(w)
	if r.Title != "The Long Watch" || len(r.Authors) != 1 || r.Authors[0] != "Wren Halloway" || r.Rating != "Teen" ||
		r.Feedback != "wren@example.org" || r.Archive != "Harbour Archive" || len(r.Chapters) != 1 ||
		!strings.HasSuffix(r.Ends, "the sea was dark again.") || strings.Contains(w.Chapters[0].Body, "Back to") {
		t.Errorf("unexpected record: %+v", r)
	}
}
