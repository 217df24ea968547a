package download

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"fanarchive"
	"fanarchive/internal/prose"
)

// FuzzEPUB: whatever a chapter body and a title hold, once sanitised as
// every stored body is, the EPUB's documents are well-formed XML, and the
// file names made from the title carry no path, quote or control
// character.
func FuzzEPUB(f *testing.F) {
	for _, s := range []string{"<p>plain</p>", "<center><big>x</big></center>", "a\x00b\x1bc", "<p lang=\"en\">x</p>",
		"<table><tr><td>1</td></tr></table>", "&amp;&lt;&#0;&#xfffe;", "<pre>\n  x</pre>", "<br><hr>", "\ufffe\uffff", "<ul><li>a<li>b</ul>"} {
		f.Add(s, "Title "+s)
	}
	f.Fuzz(func(t *testing.T, body, title string) {
		if !utf8.ValidString(body) || !utf8.ValidString(title) {
			return // stored text is UTF-8
		}
		w := &fanarchive.Work{ID: 1, Title: title, Authors: []fanarchive.Author{{Name: title}}, Summary: title,
			Chapters: []*fanarchive.Chapter{{ID: 1, Number: 1, Title: title, Pages: 1}}}
		pages := func(context.Context, int64, int) (string, error) { return prose.Sanitize(body), nil }
		var buf bytes.Buffer
		if err := Write(context.Background(), &buf, EPUB, w, Info{Site: title, URL: "https://a.example/works/1"}, pages); err != nil {
			t.Fatal(err)
		}
		z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range z.File {
			if file.Name == "mimetype" || strings.HasSuffix(file.Name, ".css") {
				continue
			}
			r, _ := file.Open()
			b, _ := io.ReadAll(r)
			d := xml.NewDecoder(bytes.NewReader(b))
			for {
				if _, err := d.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("%s is not well-formed: %v\n%s", file.Name, err, b)
				}
			}
		}
		ascii, full := FileName(title, EPUB)
		for _, name := range []string{ascii, full} {
			if strings.ContainsAny(name, "/\\\"\x00\r\n") || strings.Contains(name, "..") || !utf8.ValidString(name) {
				t.Fatalf("FileName(%q) = %q", title, name)
			}
		}
	})
}
