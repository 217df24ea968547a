package download

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"fanarchive"
)

func TestFileName(t *testing.T) {
	for _, tt := range []struct{ title, ascii, full string }{
		{"The Long Watch", "The Long Watch.epub", "The Long Watch.epub"},
		{"", "Untitled.epub", "Untitled.epub"},
		{"../../etc/passwd", "etc passwd.epub", "etc passwd.epub"},
		{`Say "Hello"/Goodbye\Now`, "Say Hello Goodbye Now.epub", "Say Hello Goodbye Now.epub"},
		{"Renée's Café", "Renee's Cafe.epub", "Renée's Café.epub"},
		{"\u202eTXT.exe", "TXT exe.epub", "TXT exe.epub"},
		{"Stars ✨ and 🚀", "Stars and.epub", "Stars ✨ and 🚀.epub"},
		{"Тихий вечер", "Untitled.epub", "Тихий вечер.epub"},
		{"Line\r\nBreak\x00Nul", "Line Break Nul.epub", "Line Break Nul.epub"},
		{"...", "Untitled.epub", "Untitled.epub"},
		{strings.Repeat("a", 300), strings.Repeat("a", 80) + ".epub", strings.Repeat("a", 80) + ".epub"},
	} {
		ascii, full := FileName(tt.title, EPUB)
		if ascii != tt.ascii || full != tt.full {
			t.Errorf("FileName(%q) = %q, %q; want %q, %q", tt.title, ascii, full, tt.ascii, tt.full)
		}
		cd := ContentDisposition(tt.title, EPUB)
		if strings.ContainsAny(cd, "\r\n\x00\u202e") || strings.Count(cd, `"`) != 2 {
			t.Errorf("ContentDisposition(%q) = %q", tt.title, cd)
		}
	}
	if cd := ContentDisposition("Renée's Café", Text); cd != `attachment; filename="Renee's Cafe.txt"; filename*=UTF-8''Ren%C3%A9e%27s%20Caf%C3%A9.txt` {
		t.Errorf("ContentDisposition = %q", cd)
	}
}

// pagesOf serves chapter bodies from memory, a page per element.
func pagesOf(bodies map[int64][]string) PageReader {
	return func(_ context.Context, id int64, n int) (string, error) {
		pages := bodies[id]
		if n < 1 || n > len(pages) {
			return "", fanarchive.Errorf(fanarchive.ENOTFOUND, "no page %d", n)
		}
		return pages[n-1], nil
	}
}

func testWork() (*fanarchive.Work, PageReader) {
	w := &fanarchive.Work{ID: 7, Kind: fanarchive.KindFiction, Title: "Salt & <Static>", Language: "en",
		Authors: []fanarchive.Author{{Name: "Ada Quill"}}, Summary: "Two keepers\nand a storm.\n\nThen calm.",
		Notes:  []fanarchive.Note{{Label: "Author's Note:", Text: "For the list."}},
		Rating: fanarchive.RatingTeen, Words: 12, Complete: true,
		Tags: []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Harbour Lights"}, {Kind: fanarchive.TagFreeform, Name: "Storms"}},
		Chapters: []*fanarchive.Chapter{
			{ID: 1, Number: 1, Title: "The Lamp", Pages: 1},
			{ID: 2, Number: 2, Pages: 2},
		},
		Published: time.Date(1996, 3, 1, 0, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	return w, pagesOf(map[int64][]string{
		1: {"<p>The <em>lamp</em> burned.</p>\n<center>A centred line</center>\n<p class=\"verse\">one<br>two</p>"},
		2: {"<p>Page one\x01 of two.</p>\n<hr class=\"scene-break\">", "<p><big>Big</big> and <strike>gone</strike>.</p>"},
	})
}

// TestEPUBWellFormed: every XML entry of the EPUB parses, mimetype comes
// first and stored, and the chapters hold their text in XHTML.
func TestEPUBWellFormed(t *testing.T) {
	w, pages := testWork()
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, EPUB, w, Info{Site: "fanarchive", URL: "https://a.example/works/7"}, pages); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if z.File[0].Name != "mimetype" || z.File[0].Method != zip.Store || len(z.File[0].Extra) != 0 {
		t.Errorf("first entry %q method %d extra %d", z.File[0].Name, z.File[0].Method, len(z.File[0].Extra))
	}
	texts := map[string]string{}
	for _, f := range z.File {
		r, _ := f.Open()
		b, _ := io.ReadAll(r)
		texts[f.Name] = string(b)
		if strings.HasSuffix(f.Name, ".xhtml") || strings.HasSuffix(f.Name, ".opf") || strings.HasSuffix(f.Name, ".ncx") || strings.HasSuffix(f.Name, ".xml") {
			d := xml.NewDecoder(bytes.NewReader(b))
			for {
				if _, err := d.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Errorf("%s is not well-formed: %v\n%s", f.Name, err, b)
					break
				}
			}
		}
	}
	for name, want := range map[string][]string{
		"OEBPS/chapter-1.xhtml": {"<h2>Chapter 1: The Lamp</h2>", "<em>lamp</em>", `<div class="center">A centred line</div>`, "one<br/>two"},
		"OEBPS/chapter-2.xhtml": {"Page one of two.", `<hr class="scene-break"/>`, `<span class="big">Big</span>`, "<s>gone</s>"},
		"OEBPS/content.opf":     {"<dc:title>Salt &amp; &lt;Static&gt;</dc:title>", "<dc:creator id=\"creator-1\">Ada Quill</dc:creator>", "<dc:subject>Harbour Lights</dc:subject>", `<meta property="dcterms:modified">2026-01-02T03:04:05Z</meta>`},
		"OEBPS/title.xhtml":     {"Two keepers and a storm.", "Author&#39;s Note", "https://a.example/works/7", "Teen"},
	} {
		for _, s := range want {
			if !strings.Contains(texts[name], s) {
				t.Errorf("%s lacks %q:\n%s", name, s, texts[name])
			}
		}
	}
}

func TestTextDownload(t *testing.T) {
	w, pages := testWork()
	w.Chapters[0].Pages = 1
	long := strings.Repeat("The tide came in over the long grey stones of the harbour wall. ", 4)
	pages = pagesOf(map[int64][]string{1: {"<p>" + long + "</p>\n<pre>  A  B\n  C  D</pre>"}, 2: {"<p>Short.</p>", "<p>End.</p>"}})
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, Text, w, Info{URL: "https://a.example/works/7"}, pages); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, line := range strings.Split(out, "\n") {
		if n := len([]rune(line)); n > textWidth && !strings.Contains(line, "https://") {
			t.Errorf("a line of %d runes: %q", n, line)
		}
	}
	for _, want := range []string{"Salt & <Static>\nby Ada Quill", "Chapter 2\n=========", "  A  B\n  C  D", "Short.", "End.", "Fandoms: Harbour Lights"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
}

// TestEPUBBoundedMemory: a long work (24 MB in 96 pages) is written as an
// EPUB holding about a page at a time: the live heap never grows by more
// than a few pages, whatever the work's size.
func TestEPUBBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 24 MB")
	}
	page := strings.Repeat("<p>The keeper climbed the stair and trimmed the wick again, as every night.</p>\n", 256<<10/80)
	const n = 96
	w := &fanarchive.Work{ID: 1, Title: "Long", Chapters: []*fanarchive.Chapter{{ID: 1, Number: 1, Pages: n}}}
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	var most uint64
	pages := func(_ context.Context, _ int64, k int) (string, error) {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		most = max(most, m.HeapAlloc)
		return page + fmt.Sprintf("<p>%d</p>", k), nil // a fresh string each time, as a store's read is
	}
	written := 0
	if err := Write(context.Background(), countWriter{&written}, EPUB, w, Info{}, pages); err != nil {
		t.Fatal(err)
	}
	if grew := int64(most) - int64(base.HeapAlloc); grew > 8<<20 {
		t.Errorf("the live heap grew by %.1f MB writing %d MB", float64(grew)/(1<<20), n*len(page)>>20)
	}
	if written == 0 {
		t.Error("nothing written")
	}
}

type countWriter struct{ n *int }

func (c countWriter) Write(p []byte) (int, error) { *c.n += len(p); return len(p), nil }

func TestWriteUnknownFormat(t *testing.T) {
	w, pages := testWork()
	if err := Write(context.Background(), io.Discard, Format("pdf"), w, Info{}, pages); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		t.Errorf("err = %v", err)
	}
}
