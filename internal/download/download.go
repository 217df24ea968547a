// Package download writes a work as a file a reader takes away: EPUB 3 for
// e-readers, one self-contained HTML file, and plain UTF-8 text. Each format
// carries the work's metadata (title, authors, tags, summary, notes, rating,
// where it was archived and its address on the site) and is written straight
// to an io.Writer as the chapters' pages are read, so a long work is never
// held whole. The output depends only on the work and Info: the same version
// of a work gives the same bytes, so it can be cached by that version.
package download

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"fanarchive"
)

// Format is a download format.
type Format string

// Formats.
const (
	EPUB Format = "epub"
	HTML Format = "html"
	Text Format = "txt"
)

// Formats lists every format, in the order pages offer them.
var Formats = []Format{EPUB, HTML, Text}

// Valid reports whether f is a known format.
func (f Format) Valid() bool { return f == EPUB || f == HTML || f == Text }

// ContentType is the format's media type.
func (f Format) ContentType() string {
	switch f {
	case EPUB:
		return "application/epub+zip"
	case HTML:
		return "text/html; charset=utf-8"
	default:
		return "text/plain; charset=utf-8"
	}
}

// Label names the format for readers.
func (f Format) Label() string {
	switch f {
	case EPUB:
		return "EPUB"
	case HTML:
		return "HTML"
	default:
		return "Plain text"
	}
}

// Info is what a download says about where it comes from.
type Info struct {
	Site string // the archive's name
	URL  string // the work's address on the site, absolute
}

// PageReader returns page n (1-based) of a chapter's body, sanitised HTML:
// fanarchive.WorkService.FindChapterPage. A chapter that is not in pages
// has one.
type PageReader func(ctx context.Context, chapterID int64, n int) (string, error)

// generatorVersion changes whenever the output of a format changes, so that
// caches keyed by Version let go of downloads made by older code.
const generatorVersion = "1"

// Version identifies what a download of the work holds: everything the
// files are made from. It is the cache key and the ETag of a download.
func Version(w *fanarchive.Work, f Format, info Info) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00%s\x00%s\x00%s\x00%s\x00%d\x00%s\x00%s\x00%t\x00%d\x00",
		generatorVersion, f, w.ID, w.UpdatedAt.UTC().Format(time.RFC3339Nano), w.Updated.UTC().Format(time.RFC3339Nano),
		w.Title, w.Summary, w.Words, w.Rating, w.Language, w.Complete, len(w.Chapters))
	for _, a := range w.Authors {
		fmt.Fprintf(h, "a\x00%s\x00", a.Name)
	}
	for _, t := range w.Tags {
		fmt.Fprintf(h, "t\x00%s\x00%s\x00", t.Kind, t.Name)
	}
	for _, n := range w.Notes {
		fmt.Fprintf(h, "n\x00%s\x00%s\x00", n.Label, n.Text)
	}
	for _, c := range w.Chapters {
		fmt.Fprintf(h, "c\x00%d\x00%s\x00%d\x00%d\x00", c.ID, c.Title, c.Words, c.Pages)
	}
	fmt.Fprintf(h, "i\x00%s\x00%s", info.Site, info.URL)
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// Write writes the work in format f.
func Write(ctx context.Context, out io.Writer, f Format, w *fanarchive.Work, info Info, pages PageReader) error {
	switch f {
	case EPUB:
		return writeEPUB(ctx, out, w, info, pages)
	case HTML:
		return writeHTML(ctx, out, w, info, pages)
	case Text:
		return writeText(ctx, out, w, info, pages)
	}
	return fanarchive.Errorf(fanarchive.EINVALID, "There is no download format %q.", f)
}

// FileName returns the name a download is saved as, made from the title
// alone: an ASCII name for every client, and the name in UTF-8 for those
// that read RFC 5987's filename* (most do). Path separators, dots that
// could climb a folder, quotes, control and bidirectional-formatting
// characters never reach either; an empty or unusable title is "Untitled".
func FileName(title string, f Format) (ascii, full string) {
	var b strings.Builder
	space := false
	for _, r := range title {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) || unicode.IsMark(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case r == '\'' || r == '-' || r == ',' || r == '!' || r == '(' || r == ')' || r == '&':
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default: // spaces, slashes, dots, quotes, controls, bidi marks…
			space = true
		}
	}
	full = truncateRunes(strings.Trim(b.String(), " -,'"), 80)
	// The ASCII name: letters with diacritics folded, anything else outside
	// ASCII left out.
	var a strings.Builder
	for _, r := range full {
		if r >= 0x80 {
			r = asciiFold(r)
		}
		if r != 0 {
			a.WriteRune(r)
		} else {
			a.WriteByte(' ')
		}
	}
	ascii = strings.Join(strings.Fields(a.String()), " ")
	if strings.Trim(ascii, " -,'()&!") == "" {
		ascii = "Untitled"
	}
	if full == "" {
		full = "Untitled"
	}
	ext := "." + string(f)
	return ascii + ext, full + ext
}

// ContentDisposition is the Content-Disposition header of a download saved
// as the work's title (FileName).
func ContentDisposition(title string, f Format) string {
	ascii, full := FileName(title, f)
	v := `attachment; filename="` + ascii + `"`
	if full != ascii {
		v += "; filename*=UTF-8''" + strings.ReplaceAll(url.PathEscape(full), "'", "%27")
	}
	return v
}

// asciiFold maps a Latin letter with a diacritic to its base letter, 0 when
// it is not one.
func asciiFold(r rune) rune {
	const from = "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿ"
	const to = "AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyy"
	i := 0
	for _, c := range from {
		if c == r {
			return rune(to[i])
		}
		i++
	}
	return 0
}

func truncateRunes(s string, n int) string {
	i := 0
	for k := range s {
		if i == n {
			return strings.TrimRight(s[:k], " ")
		}
		i++
	}
	return s
}

// metaRows are the work's facts as a list of labelled values, in the order
// every format shows them.
func metaRows(w *fanarchive.Work, info Info) [][2]string {
	var rows [][2]string
	add := func(label string, values ...string) {
		var vs []string
		for _, v := range values {
			if v = strings.TrimSpace(v); v != "" {
				vs = append(vs, v)
			}
		}
		if len(vs) > 0 {
			rows = append(rows, [2]string{label, strings.Join(vs, ", ")})
		}
	}
	add("Rating", string(w.Rating))
	add("Archive warnings", w.TagsOf(fanarchive.TagWarning)...)
	add("Category", w.TagsOf(fanarchive.TagCategory)...)
	add("Fandoms", w.TagsOf(fanarchive.TagFandom)...)
	add("Relationships", w.TagsOf(fanarchive.TagRelationship)...)
	add("Characters", w.TagsOf(fanarchive.TagCharacter)...)
	add("Additional tags", w.TagsOf(fanarchive.TagFreeform)...)
	add("Language", w.Language)
	add("Words", strconv.Itoa(w.Words))
	chapters := strconv.Itoa(len(w.Chapters)) + "/"
	if w.Complete {
		chapters += strconv.Itoa(len(w.Chapters))
	} else {
		chapters += "?"
	}
	add("Chapters", chapters)
	if !w.Published.IsZero() {
		add("Published", w.Published.UTC().Format("2006-01-02"))
	}
	if !w.Updated.IsZero() && !w.Updated.Equal(w.Published) {
		add("Updated", w.Updated.UTC().Format("2006-01-02"))
	}
	if len(w.Sources) > 0 {
		add("Originally archived at", w.Sources[0].Archive)
		add("Posted to", w.Sources[0].List)
	}
	add("On "+cmpOr(info.Site, "the archive"), info.URL)
	return rows
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// chapterHeading is a chapter's heading in a download of a work of several
// chapters: "Chapter 2" or "Chapter 2: The Title".
func chapterHeading(c *fanarchive.Chapter) string {
	h := "Chapter " + strconv.Itoa(c.Number)
	if t := strings.TrimSpace(c.Title); t != "" && t != h {
		h += ": " + t
	}
	return h
}

// forEachPage calls fn with each page of a chapter's body in turn.
func forEachPage(ctx context.Context, c *fanarchive.Chapter, pages PageReader, fn func(body string) error) error {
	n := max(c.Pages, 1)
	for k := 1; k <= n; k++ {
		body, err := pages(ctx, c.ID, k)
		if err != nil {
			return fmt.Errorf("chapter %d, page %d: %w", c.Number, k, err)
		}
		if err := fn(body); err != nil {
			return err
		}
	}
	return nil
}
