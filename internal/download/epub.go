package download

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"fanarchive"
)

// An EPUB 3 file (EPUB 3.2, as epubcheck checks it): a zip whose first entry
// is the uncompressed "mimetype", a container pointing at the package
// document, the package document (metadata, manifest, spine), an XHTML
// navigation document, a title page with the work's facts, summary and
// notes, one XHTML document per chapter, and a stylesheet. An NCX table of
// contents is included too, for readers that only know EPUB 2.

// epubCSS is the book's stylesheet: readers apply their own fonts and sizes.
const epubCSS = `body { margin: 0 5%; line-height: 1.45; }
h1, h2 { text-align: center; }
.meta dt { font-weight: bold; }
.meta dd { margin: 0 0 0.4em 1.5em; }
hr.scene-break { border: 0; text-align: center; margin: 1.5em 0; }
hr.scene-break::after { content: "* * *"; }
p.verse { margin-left: 2em; }
.center { text-align: center; }
.right { text-align: right; }
.big { font-size: larger; }
blockquote.summary, .notes { margin: 1em 1.5em; }
`

// writeEPUB writes the work as an EPUB 3 file.
func writeEPUB(ctx context.Context, out io.Writer, w *fanarchive.Work, info Info, pages PageReader) error {
	z := zip.NewWriter(out)
	modified := w.UpdatedAt
	if modified.IsZero() {
		modified = w.Updated
	}
	modified = modified.UTC().Truncate(time.Second)
	if modified.IsZero() || modified.Year() < 1980 {
		modified = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC) // zip's epoch
	}
	entry := func(name string, compress bool) (io.Writer, error) {
		if !compress {
			// The mimetype entry must be stored, and without the extra
			// field a modification time would add (EPUB OCF 3.2, 4.3).
			return z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		}
		return z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified})
	}
	file := func(name, body string) error {
		f, err := entry(name, name != "mimetype")
		if err != nil {
			return err
		}
		_, err = io.WriteString(f, body)
		return err
	}
	lang := epubLang(w.Language)
	title := escapeText(w.DisplayTitle())

	if err := file("mimetype", "application/epub+zip"); err != nil {
		return err
	}
	if err := file("META-INF/container.xml", `<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>
`); err != nil {
		return err
	}
	if err := file("OEBPS/style.css", epubCSS); err != nil {
		return err
	}
	if err := file("OEBPS/content.opf", packageDocument(w, info, lang, modified)); err != nil {
		return err
	}
	if err := file("OEBPS/nav.xhtml", navDocument(w, lang, title)); err != nil {
		return err
	}
	if err := file("OEBPS/toc.ncx", ncxDocument(w, info, title)); err != nil {
		return err
	}
	if err := file("OEBPS/title.xhtml", titlePage(w, info, lang, title)); err != nil {
		return err
	}
	multi := len(w.Chapters) > 1
	for _, c := range w.Chapters {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := entry(chapterFile(c), true)
		if err != nil {
			return err
		}
		heading := w.DisplayTitle()
		if multi {
			heading = chapterHeading(c)
		}
		fmt.Fprintf(f, "%s<h2>%s</h2>\n<div class=\"chapter\">\n", xhtmlHead(lang, escapeText(heading)), escapeText(heading))
		if err := forEachPage(ctx, c, pages, func(body string) error { return writeXHTML(f, body) }); err != nil {
			return err
		}
		if _, err := io.WriteString(f, "\n</div>\n</body>\n</html>\n"); err != nil {
			return err
		}
	}
	return z.Close()
}

func chapterFile(c *fanarchive.Chapter) string {
	return "OEBPS/chapter-" + strconv.Itoa(c.Number) + ".xhtml"
}

// epubLang is the work's language for the package, "en" when unknown.
func epubLang(lang string) string {
	lang = strings.TrimSpace(lang)
	if lang == "" || strings.ContainsAny(lang, " <>&\"'") || len(lang) > 35 {
		return "en"
	}
	return lang
}

// xhtmlHead opens a content document.
func xhtmlHead(lang, title string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="` + lang + `" xml:lang="` + lang + `">
<head><meta charset="UTF-8"/><title>` + title + `</title><link rel="stylesheet" type="text/css" href="style.css"/></head>
<body>
`
}

// identifier is the book's unique identifier: its address on the site, or
// a URN made of the work's ID when there is none.
func identifier(w *fanarchive.Work, info Info) string {
	if info.URL != "" {
		return info.URL
	}
	return "urn:fanarchive:work:" + strconv.FormatInt(w.ID, 10)
}

func packageDocument(w *fanarchive.Work, info Info, lang string, modified time.Time) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="` + lang + `">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
`)
	fmt.Fprintf(&b, "<dc:identifier id=\"book-id\">%s</dc:identifier>\n", escapeText(identifier(w, info)))
	fmt.Fprintf(&b, "<dc:title>%s</dc:title>\n", escapeText(w.DisplayTitle()))
	fmt.Fprintf(&b, "<dc:language>%s</dc:language>\n", lang)
	for i, a := range w.Authors {
		fmt.Fprintf(&b, "<dc:creator id=\"creator-%d\">%s</dc:creator>\n", i+1, escapeText(a.Name))
	}
	if len(w.Authors) == 0 {
		b.WriteString("<dc:creator>Anonymous</dc:creator>\n")
	}
	if info.Site != "" {
		fmt.Fprintf(&b, "<dc:publisher>%s</dc:publisher>\n", escapeText(info.Site))
	}
	if s := strings.TrimSpace(w.Summary); s != "" {
		fmt.Fprintf(&b, "<dc:description>%s</dc:description>\n", escapeText(s))
	}
	if !w.Published.IsZero() {
		fmt.Fprintf(&b, "<dc:date>%s</dc:date>\n", w.Published.UTC().Format("2006-01-02"))
	}
	for _, t := range w.Tags {
		fmt.Fprintf(&b, "<dc:subject>%s</dc:subject>\n", escapeText(t.Name))
	}
	if len(w.Sources) > 0 && strings.TrimSpace(w.Sources[0].Archive) != "" {
		fmt.Fprintf(&b, "<dc:source>%s</dc:source>\n", escapeText(w.Sources[0].Archive))
	}
	fmt.Fprintf(&b, "<meta property=\"dcterms:modified\">%s</meta>\n", modified.Format("2006-01-02T15:04:05Z"))
	b.WriteString(`</metadata>
<manifest>
<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
<item id="css" href="style.css" media-type="text/css"/>
<item id="title" href="title.xhtml" media-type="application/xhtml+xml"/>
`)
	for _, c := range w.Chapters {
		fmt.Fprintf(&b, "<item id=\"chapter-%d\" href=\"chapter-%d.xhtml\" media-type=\"application/xhtml+xml\"/>\n", c.Number, c.Number)
	}
	b.WriteString("</manifest>\n<spine toc=\"ncx\">\n<itemref idref=\"title\"/>\n")
	for _, c := range w.Chapters {
		fmt.Fprintf(&b, "<itemref idref=\"chapter-%d\"/>\n", c.Number)
	}
	b.WriteString("</spine>\n</package>\n")
	return b.String()
}

func navDocument(w *fanarchive.Work, lang, title string) string {
	var b strings.Builder
	b.WriteString(xhtmlHead(lang, title))
	b.WriteString("<nav epub:type=\"toc\" id=\"toc\">\n<h1>" + title + "</h1>\n<ol>\n<li><a href=\"title.xhtml\">About this work</a></li>\n")
	for _, c := range w.Chapters {
		label := title
		if len(w.Chapters) > 1 {
			label = escapeText(chapterHeading(c))
		}
		fmt.Fprintf(&b, "<li><a href=\"chapter-%d.xhtml\">%s</a></li>\n", c.Number, label)
	}
	b.WriteString("</ol>\n</nav>\n</body>\n</html>\n")
	return b.String()
}

func ncxDocument(w *fanarchive.Work, info Info, title string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">
<head><meta name="dtb:uid" content="` + escapeText(identifier(w, info)) + `"/></head>
<docTitle><text>` + title + `</text></docTitle>
<navMap>
<navPoint id="title" playOrder="1"><navLabel><text>About this work</text></navLabel><content src="title.xhtml"/></navPoint>
`)
	for i, c := range w.Chapters {
		label := title
		if len(w.Chapters) > 1 {
			label = escapeText(chapterHeading(c))
		}
		fmt.Fprintf(&b, "<navPoint id=\"chapter-%d\" playOrder=\"%d\"><navLabel><text>%s</text></navLabel><content src=\"chapter-%d.xhtml\"/></navPoint>\n",
			c.Number, i+2, label, c.Number)
	}
	b.WriteString("</navMap>\n</ncx>\n")
	return b.String()
}

// titlePage is the book's first page: title, authors, the work's facts,
// summary and notes.
func titlePage(w *fanarchive.Work, info Info, lang, title string) string {
	var b strings.Builder
	b.WriteString(xhtmlHead(lang, title))
	b.WriteString("<h1>" + title + "</h1>\n")
	b.WriteString("<p class=\"center\">by " + escapeText(authorLine(w)) + "</p>\n")
	b.WriteString("<dl class=\"meta\">\n")
	for _, row := range metaRows(w, info) {
		fmt.Fprintf(&b, "<dt>%s</dt><dd>%s</dd>\n", escapeText(row[0]), escapeText(row[1]))
	}
	b.WriteString("</dl>\n")
	if s := strings.TrimSpace(w.Summary); s != "" {
		b.WriteString("<h2>Summary</h2>\n<blockquote class=\"summary\">\n")
		for _, p := range paragraphs(s) {
			b.WriteString("<p>" + escapeText(p) + "</p>\n")
		}
		b.WriteString("</blockquote>\n")
	}
	for _, n := range w.Notes {
		b.WriteString("<h2>" + escapeText(noteLabel(n.Label)) + "</h2>\n<div class=\"notes\">\n")
		for _, p := range paragraphs(n.Text) {
			b.WriteString("<p>" + escapeText(p) + "</p>\n")
		}
		b.WriteString("</div>\n")
	}
	b.WriteString("</body>\n</html>\n")
	return b.String()
}

// authorLine is the byline: the authors' names, or "Anonymous".
func authorLine(w *fanarchive.Work) string {
	if len(w.Authors) == 0 {
		return "Anonymous"
	}
	return strings.Join(w.AuthorNames(), ", ")
}

// noteLabel is a note's heading: its label without a colon, or "Notes".
func noteLabel(label string) string {
	label = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(label), ":"))
	if label == "" {
		return "Notes"
	}
	return label
}

// paragraphs splits plain text at blank lines and joins each paragraph's
// lines: legacy text is wrapped at a fixed width.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}
