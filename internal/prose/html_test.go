package prose

import (
	"strings"
	"testing"
)

func TestHTMLRoundTrip(t *testing.T) {
	blocks := []Block{
		{Paragraph, "The girl is dead."},
		{SceneBreak, "* * *"},
		{Verse, "Roses are <red>\nviolets & blue"},
		{Paragraph, "It's going to be a beautiful morning."},
	}
	body := HTML(blocks)
	if Sanitize(body) != body {
		t.Errorf("HTML output is changed by Sanitize:\n%s\n%s", body, Sanitize(body))
	}
	want := "The girl is dead.\n\n* * *\n\nRoses are <red>\nviolets & blue\n\nIt's going to be a beautiful morning."
	if got := PlainText(body); got != want {
		t.Errorf("PlainText =\n%q\nwant\n%q", got, want)
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct{ in, notWant string }{
		{`<p onclick="x()">hi</p><script>alert(1)</script>`, "script"},
		{`<p onclick="x()">hi</p>`, "onclick"},
		{`<a href="javascript:alert(1)">x</a>`, "javascript"},
		{`<img src=x onerror=alert(1)>`, "onerror"},
		{`<p class="evil">x</p>`, "evil"},
		{`<style>body{}</style>`, "body{"},
		{`<iframe src="//evil"></iframe>`, "iframe"},
	}
	for _, tt := range tests {
		if got := Sanitize(tt.in); strings.Contains(got, tt.notWant) {
			t.Errorf("Sanitize(%q) = %q, still contains %q", tt.in, got, tt.notWant)
		}
	}
	if got := Sanitize(`<p class="scene-break">x</p><em>y</em>`); got != `<p class="scene-break">x</p><em>y</em>` {
		t.Errorf("Sanitize dropped allowed markup: %q", got)
	}
}

func TestPlainTextEntities(t *testing.T) {
	if got, want := PlainText("<p>Tom &amp; Jerry</p><p>caf&eacute;</p>"), "Tom & Jerry\n\ncafé"; got != want {
		t.Errorf("PlainText = %q, want %q", got, want)
	}
}

func TestPlainTextSpacing(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<p>a <em>b</em> c</p>", "a b c"},
		{"<p>a<em> b </em>c</p>", "a b c"},
		{"<p>\n  line one\n  continues  </p>\n<p>two</p>", "line one continues\n\ntwo"},
		{"<p>x<br>\n y</p>", "x\ny"},
		{"<pre>  a\n   b</pre><p>c</p>", "a\n   b\n\nc"},
		{"<p>a</p><hr><p>b</p>", "a\n\n* * *\n\nb"},
	}
	for _, tt := range tests {
		if got := PlainText(tt.in); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPlainTextNestedPre(t *testing.T) {
	// After </pre>, white space collapses again.
	if got, want := PlainText("<pre>a  b</pre><p>c   d</p>"), "a  b\n\nc d"; got != want {
		t.Errorf("PlainText = %q, want %q", got, want)
	}
}

func BenchmarkPlainText(b *testing.B) {
	body := strings.Repeat("<p>The lamp burned on the north tower, and the boats came home.</p>\n<hr class=\"scene-break\">\n", 2000)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		PlainText(body)
	}
}

func TestBlockWordsMatchesPlainText(t *testing.T) {
	blocks := []Block{
		{Paragraph, "It's a well-known fact."},
		{SceneBreak, "~~~"},
		{Verse, "one line\ntwo lines"},
		{Preformatted, "  | a | b |"},
		{Heading, "Part Two"},
	}
	if got, want := BlockWords(blocks), CountWords(PlainText(HTML(blocks))); got != want {
		t.Errorf("BlockWords = %d, CountWords(PlainText) = %d", got, want)
	}
	if got, want := BlockText(blocks, 100), PlainText(HTML(blocks)); got != want {
		t.Errorf("BlockText = %q, PlainText = %q", got, want)
	}
}

func FuzzCollapseHTMLSpace(f *testing.F) {
	for _, s := range []string{"", " ", "a", " a", "a ", "a  b", "a\nb", "\t\f\r a \u00a0 b \n", "é  è"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r < 128 && isHTMLSpace(byte(r)) }), " ")
		if got := collapseHTMLSpace(s); got != want {
			t.Fatalf("collapseHTMLSpace(%q) = %q, want %q", s, got, want)
		}
	})
}
