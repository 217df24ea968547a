package prose

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestSplitPages(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		limit int
		want  []string
	}{
		{"short body is one page", "<p>a</p>\n<p>b</p>\n", 100, []string{"<p>a</p>\n<p>b</p>\n"}},
		{"empty body", "", 10, []string{""}},
		{"cuts before a block, white space stays behind",
			"<p>one</p>\n<p>two</p>\n<p>three</p>\n", 22,
			[]string{"<p>one</p>\n<p>two</p>\n", "<p>three</p>\n"}},
		{"every kind of block",
			"<p>aaaa</p>\n<hr class=\"scene-break\">\n<pre>b  b</pre>\n<blockquote><p>c</p></blockquote>\n<p class=\"verse\">d<br>\ne</p>\n", 16,
			[]string{"<p>aaaa</p>\n", "<hr class=\"scene-break\">\n", "<pre>b  b</pre>\n", "<blockquote><p>c</p></blockquote>\n", "<p class=\"verse\">d<br>\ne</p>\n"}},
		{"never inside an element: nested blocks stay with their parent",
			"<blockquote><p>one</p><p>two</p><p>three</p></blockquote><p>x</p>", 20,
			[]string{"<blockquote><p>one</p><p>two</p><p>three</p></blockquote>", "<p>x</p>"}},
		{"a block longer than a page is a page of its own",
			"<p>a</p><p>" + strings.Repeat("b", 30) + "</p><p>c</p>", 12,
			[]string{"<p>a</p>", "<p>" + strings.Repeat("b", 30) + "</p>", "<p>c</p>"}},
		{"inline markup is not a place to cut",
			"<p>a <em>b</em> c <strong>d</strong> e</p><p>f</p>", 20,
			[]string{"<p>a <em>b</em> c <strong>d</strong> e</p>", "<p>f</p>"}},
		{"an unclosed <p> ends where the next block begins",
			"<p>one<p>two<p>three", 10,
			[]string{"<p>one", "<p>two", "<p>three"}},
		{"one element around everything stays whole",
			"<div><p>one</p><p>two</p></div>", 10,
			[]string{"<div><p>one</p><p>two</p></div>"}},
		{"markup in text is text", "<p>&lt;p&gt;one</p><pre>x &lt;p&gt; y</pre>", 12,
			[]string{"<p>&lt;p&gt;one</p>", "<pre>x &lt;p&gt; y</pre>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SplitPages(tt.body, tt.limit)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("SplitPages(%q, %d) =\n%q\nwant\n%q", tt.body, tt.limit, got, tt.want)
			}
		})
	}
}

// TestSplitPagesFill checks that pages are as full as the limit allows:
// every page but the last would be too long with the next block added.
func TestSplitPagesFill(t *testing.T) {
	var blocks []Block
	for i := range 5000 {
		switch {
		case i%97 == 0:
			blocks = append(blocks, Block{SceneBreak, "* * *"})
		case i%31 == 0:
			blocks = append(blocks, Block{Verse, fmt.Sprintf("line %d\nand its <echo>", i)})
		default:
			blocks = append(blocks, Block{Paragraph, fmt.Sprintf("Paragraph %d, in which the boats come home & %s.", i, strings.Repeat("x", i%200))})
		}
	}
	body := HTML(blocks)
	const limit = 16 << 10
	pages := SplitPages(body, limit)
	if strings.Join(pages, "") != body {
		t.Fatal("the pages do not make up the body")
	}
	if len(pages) < len(body)/limit {
		t.Fatalf("%d pages of %d bytes, want at least %d", len(pages), len(body), len(body)/limit)
	}
	for i, p := range pages {
		if len(p) > limit {
			t.Errorf("page %d is %d bytes, over %d", i+1, len(p), limit)
		}
		if i+1 < len(pages) {
			next := SplitPages(pages[i+1], 1)[0] // the next page's first block
			if len(p)+len(next) <= limit {
				t.Errorf("page %d (%d bytes) could hold the next block (%d bytes)", i+1, len(p), len(next))
			}
		}
		if got := Sanitize(p); got != p {
			t.Errorf("page %d changes when sanitised alone:\n%q\n%q", i+1, p, got)
		}
	}
}

func FuzzSplitPages(f *testing.F) {
	f.Add("<p>one</p>\n<p>two</p>\n<hr class=\"scene-break\">\n<pre>x</pre>", 8)
	f.Add("<blockquote><p>a</p></blockquote><p>b<p>c</div></p>", 3)
	f.Add("<script><p>x</p></script><p>y</p>", 4)
	f.Fuzz(func(t *testing.T, body string, limit int) {
		pages := SplitPages(body, limit)
		if len(pages) == 0 {
			t.Fatal("no pages")
		}
		if strings.Join(pages, "") != body {
			t.Fatalf("SplitPages(%q, %d) = %q: the pages do not make up the body", body, limit, pages)
		}
		for i, p := range pages {
			if p == "" && len(pages) > 1 {
				t.Fatalf("page %d of %q is empty", i+1, body)
			}
			if i > 0 && !strings.HasPrefix(p, "<") {
				t.Fatalf("page %d of %q begins %q, not with a tag", i+1, body, p)
			}
		}
	})
}

func BenchmarkSplitPages(b *testing.B) {
	body := strings.Repeat("<p>The lamp burned on the north tower, and the boats came home.</p>\n<hr class=\"scene-break\">\n", 20000)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		SplitPages(body, 256<<10)
	}
}
