package prose

import (
	"strings"
	"testing"
)

func TestIsSanitized(t *testing.T) {
	accepted := []string{
		"",
		"   \n\t",
		HTML([]Block{{Paragraph, `Tom & "Jerry" <3 it's`}, {SceneBreak, "***"}, {Verse, "a\nb"}, {Preformatted, " x  y"}, {Heading, "Part 2"}}),
		`<p class="verse" dir="rtl" lang="he">x<br>y<br/>z</p><hr class="scene-break"/>`,
		`<table><tbody><tr><td colspan="2">a</td></tr></tbody></table>`,
		`<abbr title="Federal Bureau">FBI</abbr> <em>unclosed`,
		`</em></p>stray end tags`,
		"caf\u00e9 \u00a0 \u2014 \U0001F600 \x01 \f",
	}
	for _, s := range accepted {
		if !IsSanitized(s) {
			t.Errorf("IsSanitized(%q) = false, want true", s)
		}
		if got := Sanitize(s); got != s {
			t.Errorf("Sanitize(%q) = %q: the case is wrong, not IsSanitized", s, got)
		}
	}
	rejected := []string{
		"<script>alert(1)</script>",
		`<p onclick="x()">hi</p>`,
		`<p class="evil">x</p>`,
		`<P>x</P>`,
		`<p class='verse'>x</p>`,
		`<p class=verse>x</p>`,
		`<p  class="verse">x</p>`,
		`<p class="verse" class="verse">x</p>`,
		`<big>no attributes</big>`,
		`<abbr title="it's">x</abbr>`,
		`<td title="x">`,
		`<a href="javascript:alert(1)">x</a>`,
		"<!-- comment -->",
		"<!DOCTYPE html>",
		"a < b", "a > b", "it's", `"quoted"`, "&nbsp;", "&amp", "&#x27;",
		"line\r\nbreak",
		"nul\x00",
		"bad \xff utf-8",
		"<p", "<p class=\"verse\"", "</p", "< p>",
	}
	for _, s := range rejected {
		if IsSanitized(s) {
			t.Errorf("IsSanitized(%q) = true, want false", s)
		}
	}
}

// TestIsSanitizedAcceptsSanitized checks that what Sanitize writes of
// ordinary markup passes the quick check, so that stores rarely sanitise
// twice.
func TestIsSanitizedAcceptsSanitized(t *testing.T) {
	for _, in := range []string{
		`<P CLASS="verse">It's <EM>here</EM> &amp; <b>there</b> &eacute; "q"</P>`,
		`<blockquote><p>x</p></blockquote><ul><li>one<li>two</ul>`,
		`<div class="center"><span class="right">r</span></div>`,
		`<h2>T</h2><hr class="scene-break"><pre>  a
  b</pre>`,
	} {
		out := Sanitize(in)
		if !IsSanitized(out) {
			t.Errorf("IsSanitized(Sanitize(%q)) = false; Sanitize gave %q", in, out)
		}
	}
}

func FuzzIsSanitized(f *testing.F) {
	for _, s := range []string{
		`<p class="verse">x<br>y</p>`, `<abbr title="a b">x</abbr>`, `<td colspan="2">`, `&amp;&lt;&#39;`,
		`<br/>`, `</p>`, `<big>x</big>`, `<span dir="ltr">x</span>`, "\f\x01", "<p>\n</p>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if IsSanitized(s) {
			if got := Sanitize(s); got != s {
				t.Fatalf("IsSanitized(%q) but Sanitize gives %q", s, got)
			}
		}
	})
}

func BenchmarkIsSanitized(b *testing.B) {
	body := strings.Repeat("<p>The lamp burned on the north tower, and the boats came <em>home</em>.</p>\n<hr class=\"scene-break\">\n", 700)
	if !IsSanitized(body) {
		b.Fatal("not accepted")
	}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		IsSanitized(body)
	}
}
