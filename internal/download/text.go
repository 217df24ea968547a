package download

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"fanarchive"
	"fanarchive/internal/prose"
)

// textWidth is where plain-text downloads wrap prose: under 80 columns,
// so the file reads in any terminal or editor and mails without rewrapping.
const textWidth = 72

// writeText writes the work as UTF-8 plain text: a header with the title,
// byline and facts, the summary and notes, then each chapter under its
// heading, paragraphs wrapped at textWidth. Preformatted text and verse keep
// their lines.
func writeText(ctx context.Context, out io.Writer, w *fanarchive.Work, info Info, pages PageReader) error {
	b := bufio.NewWriter(out)
	title := stripControls(w.DisplayTitle())
	fmt.Fprintf(b, "%s\nby %s\n\n", title, stripControls(authorLine(w)))
	for _, row := range metaRows(w, info) {
		wrapTo(b, row[0]+": "+stripControls(row[1]), textWidth, "    ")
	}
	if s := strings.TrimSpace(w.Summary); s != "" {
		b.WriteString("\nSummary:\n\n")
		for _, p := range paragraphs(s) {
			wrapTo(b, stripControls(p), textWidth, "")
			b.WriteString("\n")
		}
	}
	for _, n := range w.Notes {
		fmt.Fprintf(b, "\n%s:\n\n", stripControls(noteLabel(n.Label)))
		for _, p := range paragraphs(n.Text) {
			wrapTo(b, stripControls(p), textWidth, "")
			b.WriteString("\n")
		}
	}
	multi := len(w.Chapters) > 1
	for _, c := range w.Chapters {
		if err := ctx.Err(); err != nil {
			return err
		}
		b.WriteString("\n\n")
		if multi {
			h := stripControls(chapterHeading(c))
			fmt.Fprintf(b, "%s\n%s\n\n", h, strings.Repeat("=", min(utf8.RuneCountInString(h), textWidth)))
		} else {
			b.WriteString(strings.Repeat("-", textWidth) + "\n\n")
		}
		err := forEachPage(ctx, c, pages, func(body string) error {
			writeBlocks(b, prose.PlainText(body))
			return nil
		})
		if err != nil {
			return err
		}
	}
	b.WriteString("\n")
	return b.Flush()
}

// writeBlocks writes a page's plain text (prose.PlainText: blocks between
// blank lines): a block of one long line is prose and is wrapped; a block
// of several lines is verse or preformatted text and keeps them.
func writeBlocks(b *bufio.Writer, text string) {
	for _, block := range strings.Split(text, "\n\n") {
		block = strings.Trim(stripControls(block), "\n")
		if strings.TrimSpace(block) == "" {
			continue
		}
		if strings.Contains(block, "\n") {
			b.WriteString(block + "\n\n")
			continue
		}
		wrapTo(b, block, textWidth, "")
		b.WriteString("\n")
	}
}

// wrapTo writes s wrapped at width columns (runes), continuation lines
// indented by indent; a word longer than a line stands alone.
func wrapTo(b *bufio.Writer, s string, width int, indent string) {
	col := 0
	for i, word := range strings.Fields(s) {
		n := utf8.RuneCountInString(word)
		switch {
		case i == 0:
		case col+1+n > width:
			b.WriteString("\n" + indent)
			col = utf8.RuneCountInString(indent)
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += n
	}
	b.WriteByte('\n')
}
