package prose

import (
	"os"
	"path/filepath"
	"testing"

	"fanarchive"
)

// fuzzRender checks what every format promises: no panic, only EINVALID
// as an error, and a body that Sanitize leaves as it is, that holds
// nothing that could run, and that is no longer than a chapter may be.
func fuzzRender(f *testing.F, format Format, seeds ...string) {
	files, _ := filepath.Glob(filepath.Join("testdata", "format", "*"))
	for _, path := range files {
		if formatOf[filepath.Ext(path)] == format {
			src, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(string(src))
		}
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out, err := Render(format, src)
		if err != nil {
			if code := fanarchive.ErrorCode(err); code != fanarchive.EINVALID {
				t.Fatalf("Render(%s, %q): %v (code %q)", format, src, err, code)
			}
			return
		}
		if len(out) > fanarchive.MaxChapterBody {
			t.Fatalf("Render(%s, %q) is %d bytes", format, src, len(out))
		}
		if s := Sanitize(out); s != out {
			t.Fatalf("Render(%s, %q) = %q, which Sanitize changes to %q", format, src, out, s)
		}
		if bad := inertness(out); bad != "" {
			t.Fatalf("Render(%s, %q) = %q: %s", format, src, out, bad)
		}
		// A body posted again as HTML, unchanged, is the same body.
		again, err := FromHTML(out)
		if err != nil {
			t.Fatalf("FromHTML(Render(%s, %q) = %q): %v", format, src, out, err)
		}
		if again != out {
			t.Fatalf("Render(%s, %q) = %q, which FromHTML changes to %q", format, src, out, again)
		}
	})
}

func FuzzFromHTML(f *testing.F) {
	fuzzRender(f, FormatHTML, "<p>a<i>b</p>c", "<table><p>x</table>", "<svg><foreignObject><div>x</div></foreignObject></svg>",
		"<pre>\n\nx</pre>", "a\n \nb<br/>c", "<li>stray</li><dd>x", "<p align=center style='text-align:right'>x")
}

func FuzzFromMarkdown(f *testing.F) {
	fuzzRender(f, FormatMarkdown, "# x\n***\n> a\n- b\n\n    c", "*a _b* c_", "<div>\n*x*\n</div>", "| a |\n|---|\n| <b>x |",
		"[a]: javascript:x\n[a]", "~~x~~ `y` \\\nz")
}

func FuzzFromPlainText(f *testing.F) {
	fuzzRender(f, FormatPlainText, "a\nb\n\n* * *\n\nc   d\ne   f", "\r\n\r\n<&>\"'", "o0o\n\n#")
}
