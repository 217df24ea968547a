package prose

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"fanarchive"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestRenderGolden")

// formatOf maps the extensions of testdata/format to formats.
var formatOf = map[string]Format{".html": FormatHTML, ".md": FormatMarkdown, ".txt": FormatPlainText}

// TestRenderGolden renders every input in testdata/format and compares it
// with NAME.EXT.golden; run with -update after an intended change and
// review the diff.
func TestRenderGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "format", "*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range files {
		format, ok := formatOf[filepath.Ext(path)]
		if !ok {
			continue
		}
		n++
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Render(format, string(src))
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			checkBody(t, got)
			golden := path + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("Render(%s) differs from %s:\n%s", path, golden, got)
			}
		})
	}
	if n == 0 {
		t.Fatal("no inputs in testdata/format")
	}
}

// checkBody fails the test unless body is a finished chapter body: stable
// under Sanitize and inert (inertness).
func checkBody(t *testing.T, body string) {
	t.Helper()
	if s := Sanitize(body); s != body {
		t.Fatalf("Sanitize changes the body:\n%q\n%q", body, s)
	}
	if err := inertness(body); err != "" {
		t.Fatalf("%s in %q", err, body)
	}
}

// inertness parses body as a browser would and returns what in it could
// run, load or restyle anything, or "" when nothing can: only the policy's
// elements, only class, dir, lang, title (on abbr) and colspan/rowspan (on
// cells), with their allowed values.
func inertness(body string) string {
	nodes, err := xhtml.ParseFragment(strings.NewReader(body), &xhtml.Node{Type: xhtml.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return "unparseable: " + err.Error()
	}
	stack := nodes
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			stack = append(stack, c)
		}
		switch n.Type {
		case xhtml.TextNode:
			continue
		case xhtml.ElementNode:
		default:
			return "a node of type " + string(rune('0'+n.Type))
		}
		rule, ok := bodyRules()[n.Data]
		if !ok || n.Namespace != "" {
			return "element " + n.Namespace + ":" + n.Data
		}
		for _, a := range n.Attr {
			if a.Namespace != "" || !rule.allows(a.Key, a.Val) {
				return "attribute " + a.Key + "=" + a.Val + " on " + n.Data
			}
		}
	}
	return ""
}

// TestFormatsMatchDomain keeps fanarchive.ChapterInputFormats, which the
// domain cannot take from this package, the same as Formats.
func TestFormatsMatchDomain(t *testing.T) {
	var names []string
	for _, f := range Formats {
		names = append(names, string(f))
	}
	if !slices.Equal(names, fanarchive.ChapterInputFormats) {
		t.Errorf("prose.Formats %q, fanarchive.ChapterInputFormats %q", names, fanarchive.ChapterInputFormats)
	}
}

func TestRenderXSS(t *testing.T) {
	vectors := []string{
		`<script>alert(1)</script>`,
		`<img src=x onerror=alert(1)>`,
		`<p onclick="alert(1)">x</p>`,
		`<a href="javascript:alert(1)">x</a>`,
		`<a href="jav&#x09;ascript:alert(1)">x</a>`,
		`<div style="background:url(javascript:alert(1))">x</div>`,
		`<style>*{display:none}</style>`,
		`<iframe src="//evil.example"></iframe>`,
		`<svg onload=alert(1)><script>alert(1)</script></svg>`,
		`<svg><foreignObject><p onclick=alert(1)>x</p></foreignObject></svg>`,
		`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
		`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
		`<scr<script>ipt>alert(1)</script>`,
		`&lt;script&gt;alert(1)&lt;/script&gt;`,
		`<p title="&quot;><script>alert(1)</script>">x</p>`,
		`<abbr title="x&#34; onclick=&#34;alert(1)">x</abbr>`,
		`<!--<img src=x onerror=alert(1)>-->`,
		`<meta http-equiv=refresh content="0;url=javascript:alert(1)">`,
		`<base href=//evil.example/>`,
		`<form action=//evil.example><input autofocus onfocus=alert(1)></form>`,
		`[x](javascript:alert(1)) ![y](javascript:alert(1)) <javascript:alert(1)>`,
		"<p class=\"verse\x00\" onclick=alert(1)>x</p>",
	}
	for _, v := range vectors {
		for _, f := range Formats {
			out, err := Render(f, v)
			if err != nil {
				t.Errorf("Render(%s, %q): %v", f, v, err)
				continue
			}
			if err := inertness(out); err != "" {
				t.Errorf("Render(%s, %q) = %q: %s", f, v, out, err)
			}
			if s := Sanitize(out); s != out {
				t.Errorf("Render(%s, %q) = %q, which Sanitize changes to %q", f, v, out, s)
			}
			low := strings.ToLower(out)
			for _, bad := range []string{"<script", "<img", "<iframe", "<svg", "<style", "<a ", "<meta", "<base", "<form", "<input"} {
				if strings.Contains(low, bad) {
					t.Errorf("Render(%s, %q) = %q: holds %q", f, v, out, bad)
				}
			}
		}
	}
}

func TestRenderInvalid(t *testing.T) {
	long := strings.Repeat("a", fanarchive.MaxChapterBody+1)
	for _, tt := range []struct {
		name   string
		format Format
		src    string
	}{
		{"unknown format", "rtf", "x"},
		{"not UTF-8", FormatPlainText, "caf\xe9"},
		{"not UTF-8, HTML", FormatHTML, "<p>\xff</p>"},
		{"not UTF-8, Markdown", FormatMarkdown, "*\xc3*"},
		{"too long", FormatPlainText, long},
		{"too long, HTML", FormatHTML, long},
		{"longer once escaped", FormatPlainText, strings.Repeat("<", fanarchive.MaxChapterBody/2)},
		{"nested too deep", FormatHTML, strings.Repeat("<i>", 300) + "x"},
		{"nested too deep for the parser", FormatHTML, strings.Repeat("<div>", 1000) + "x"},
		{"quotes nested too deep", FormatMarkdown, strings.Repeat(">", 10000) + " x"},
		{"lists nested too deep", FormatMarkdown, strings.Repeat("- ", 300) + "x"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Render(tt.format, tt.src)
			if code := fanarchive.ErrorCode(err); code != fanarchive.EINVALID {
				t.Fatalf("error %v (code %q), want %q", err, code, fanarchive.EINVALID)
			}
		})
	}
}

func TestRenderInputCleanup(t *testing.T) {
	for _, tt := range []struct {
		format   Format
		src, out string
	}{
		{FormatPlainText, "\uFEFFone\r\ntwo\rthree\x00\x07\u0085 four", "<p class=\"verse\">one<br>\ntwo<br>\nthree four</p>\n"},
		{FormatPlainText, "", ""},
		{FormatPlainText, " \n\t\n", ""},
		{FormatHTML, "", ""},
		{FormatHTML, "<p> </p>\n\n", "<p> </p>\n"},
		{FormatMarkdown, "", ""},
		{FormatMarkdown, "a\r\n\r\nb", "<p>a</p>\n<p>b</p>\n"},
		{FormatHTML, "one\n\ntwo <em>three</em>\n<p>four</p>five", "<p>one</p>\n<p>two <em>three</em></p>\n<p>four</p>\n<p>five</p>\n"},
		{FormatHTML, "<h1>A</h1><h6>B</h6><hr class=\"x\" id=y>", "<h2>A</h2>\n<h6>B</h6>\n<hr class=\"scene-break\">\n"},
		{FormatMarkdown, "# A\n## B\n### C\n#### D", "<h3>A</h3>\n<h4>B</h4>\n<h5>C</h5>\n<h6>D</h6>\n"},
	} {
		got, err := Render(tt.format, tt.src)
		if err != nil {
			t.Errorf("Render(%s, %q): %v", tt.format, tt.src, err)
		} else if got != tt.out {
			t.Errorf("Render(%s, %q) =\n%q\nwant\n%q", tt.format, tt.src, got, tt.out)
		}
	}
}

// TestRenderHTMLRoundTrip checks that a body posted as HTML and posted
// again unchanged (an edit form that shows the stored HTML) is the same
// body.
func TestRenderHTMLRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "format", "*"))
	for _, path := range files {
		format, ok := formatOf[filepath.Ext(path)]
		if !ok {
			continue
		}
		src, _ := os.ReadFile(path)
		body, err := Render(format, string(src))
		if err != nil {
			t.Fatal(err)
		}
		again, err := FromHTML(body)
		if err != nil {
			t.Fatal(err)
		}
		if again != body {
			t.Errorf("%s: FromHTML of its body changes it:\n%q\n%q", path, body, again)
		}
	}
}

func BenchmarkFromMarkdown(b *testing.B) {
	src := benchMarkdown(10000)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := FromMarkdown(src); err != nil {
			b.Fatal(err)
		}
	}
}

// benchMarkdown returns a story of about words words in Markdown:
// paragraphs with emphasis, dialogue and a scene break now and then.
func benchMarkdown(words int) string {
	var b strings.Builder
	sentence := `The lamp burned on the *north* tower, and the boats came **home** before the tide. "It's late," she said. `
	per := CountWords(sentence)
	for i := 0; i*per < words; i++ {
		b.WriteString(sentence)
		if i%5 == 4 {
			b.WriteString("\n\n")
		}
		if i%100 == 99 {
			b.WriteString("* * *\n\n")
		}
	}
	return b.String()
}
