package download

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"fanarchive"
)

// htmlCSS makes the single-file download readable on its own: no fonts,
// scripts or images to fetch.
const htmlCSS = `body { max-width: 38em; margin: 2em auto; padding: 0 1em; font: 1.1em/1.55 Georgia, serif; color: #222; background: #fff; }
@media (prefers-color-scheme: dark) { body { color: #ddd; background: #181818; } a { color: #9bf; } }
h1, h2 { text-align: center; font-weight: normal; }
.byline { text-align: center; }
.meta { font: 0.85em/1.4 sans-serif; border: 1px solid #8884; padding: 0.5em 1em; }
.meta dt { font-weight: bold; float: left; clear: left; margin-right: 0.5em; }
.meta dd { margin: 0 0 0.2em 0; }
hr.scene-break { border: 0; text-align: center; margin: 1.5em 0; }
hr.scene-break::after { content: "* * *"; }
p.verse { margin-left: 2em; }
.center { text-align: center; } .right { text-align: right; }
blockquote.summary, .notes { margin: 1em 1.5em; font-style: italic; }
@media print { body { max-width: none; } .meta { border: 0; } }
`

// writeHTML writes the work as one self-contained HTML file.
func writeHTML(ctx context.Context, out io.Writer, w *fanarchive.Work, info Info, pages PageReader) error {
	b := bufio.NewWriter(out)
	title := escapeText(w.DisplayTitle())
	lang := epubLang(w.Language)
	fmt.Fprintf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", lang)
	fmt.Fprintf(b, "<title>%s - %s</title>\n", title, escapeText(authorLine(w)))
	fmt.Fprintf(b, "<meta name=\"author\" content=\"%s\">\n", escapeText(authorLine(w)))
	if s := strings.TrimSpace(w.Summary); s != "" {
		fmt.Fprintf(b, "<meta name=\"description\" content=\"%s\">\n", escapeText(strings.Join(strings.Fields(s), " ")))
	}
	if info.URL != "" {
		fmt.Fprintf(b, "<link rel=\"canonical\" href=\"%s\">\n", escapeText(info.URL))
	}
	fmt.Fprintf(b, "<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>%s</h1>\n<p class=\"byline\">by %s</p>\n<dl class=\"meta\">\n",
		htmlCSS, title, escapeText(authorLine(w)))
	for _, row := range metaRows(w, info) {
		v := escapeText(row[1])
		if row[1] == info.URL && info.URL != "" {
			v = "<a href=\"" + v + "\">" + v + "</a>"
		}
		fmt.Fprintf(b, "<dt>%s:</dt><dd>%s</dd>\n", escapeText(row[0]), v)
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
	b.WriteString("</header>\n<main>\n")
	multi := len(w.Chapters) > 1
	for _, c := range w.Chapters {
		if err := ctx.Err(); err != nil {
			return err
		}
		fmt.Fprintf(b, "<section id=\"chapter-%d\">\n", c.Number)
		if multi {
			fmt.Fprintf(b, "<h2>%s</h2>\n", escapeText(chapterHeading(c)))
		}
		err := forEachPage(ctx, c, pages, func(body string) error {
			_, err := b.WriteString(stripControls(body))
			return err
		})
		if err != nil {
			return err
		}
		b.WriteString("\n</section>\n")
	}
	b.WriteString("</main>\n</body>\n</html>\n")
	return b.Flush()
}
