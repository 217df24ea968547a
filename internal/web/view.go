package web

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/privacy"
)

// This file holds the formatting that several pages share. Templates only
// print what these functions prepare.

// thousands formats n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// formatSize formats a byte count for readers: bytes, KB or MB.
func formatSize(n int64) string {
	switch {
	case n < 1024:
		if n == 1 {
			return "1 byte"
		}
		return thousands(int(n)) + " bytes"
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
	}
}

// formatDate formats a date as 1998-03-14, or "" when it is unknown.
func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// publishedDate is a work's Published date as pages show it — only the
// year when that is all its text gave — and a note saying where a date
// from the file came from; both empty when no date is known.
func publishedDate(w *fanarchive.Work) (date, note string) {
	switch {
	case w.Published.IsZero() || w.PublishedFrom == fanarchive.DateUnknown:
		return "", ""
	case w.PublishedFrom == fanarchive.DateYear:
		return w.Published.Format("2006"), "(from a copyright notice)"
	case w.PublishedFrom == fanarchive.DateFile:
		return formatDate(w.Published), "(from the file date)"
	}
	return formatDate(w.Published), ""
}

func workURL(id int64) string { return "/works/" + strconv.FormatInt(id, 10) }

func chapterURL(id int64, n int) string {
	return workURL(id) + "/chapters/" + strconv.Itoa(n)
}

// authorURL is the page listing an author's works. The name is one escaped
// path segment, so names with slashes or spaces survive.
func authorURL(name string) string { return "/authors/" + url.PathEscape(name) }

// tagURL is the page listing the works with a tag.
func tagURL(kind fanarchive.TagKind, name string) string {
	return "/tags/" + url.PathEscape(string(kind)) + "/" + url.PathEscape(name)
}

// chapterCount shows how many chapters a work has out of how many it will
// have: "2/2" when complete, "1/?" while it is not.
func chapterCount(w *fanarchive.Work) string {
	n := len(w.Chapters)
	if n == 0 {
		n = 1 // every stored work has a chapter; listings may not load them
	}
	if w.Complete {
		return fmt.Sprintf("%d/%d", n, n)
	}
	return fmt.Sprintf("%d/?", n)
}

// tagsOf returns the work's tags of one kind, in order, keeping whether
// each was inferred.
func tagsOf(w *fanarchive.Work, kind fanarchive.TagKind) []fanarchive.Tag {
	var tags []fanarchive.Tag
	for _, t := range w.Tags {
		if t.Kind == kind {
			tags = append(tags, t)
		}
	}
	return tags
}

// redactAddresses replaces e-mail addresses in text shown to readers. Legacy
// stories often end with "feedback to me@example.com"; the archive relays
// feedback instead, so the address is never published. The importer masks
// every stored field already (privacy.MaskWork); this is for whatever
// reaches a page another way. It is safe on sanitised HTML too: no address
// the rules find contains markup or an entity.
func redactAddresses(s string) string {
	return privacy.Mask(s)
}

// paragraphs splits plain text (a summary or note) into paragraphs at blank
// lines. Lines within a paragraph are joined, since legacy text is wrapped at
// a fixed width. Addresses are redacted.
func paragraphs(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var paras []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			paras = append(paras, redactAddresses(strings.Join(cur, " ")))
			cur = nil
		}
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			flush()
			continue
		}
		cur = append(cur, line)
	}
	flush()
	return paras
}

// contactPatterns are the ways a legacy byline writes an address, spelled
// out to fool spam harvesters; any of them means the contact is an address.
var contactPatterns = regexp.MustCompile(`(?i)@|\(at\)|\[at\]|\{at\}|\sat\s|\sdot\s|mailto:|://|www\.|<`)

// feedbackName returns the name to show after "feedback to": the contact as
// written when it is a plain name, otherwise the work's authors. An address,
// however it is spelled, is never shown.
func feedbackName(contact string, authors []string) string {
	contact = strings.TrimSpace(contact)
	if contact == "" {
		return ""
	}
	if contactPatterns.MatchString(contact) {
		return strings.Join(authors, ", ")
	}
	return contact
}

// downloadName returns a safe file name for Content-Disposition: the base
// name of the path the importer was given (with / or \ separators), with
// any address in it masked as in the download itself, limited to letters,
// digits, dot, dash and underscore.
func downloadName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	masked, _ := privacy.MaskRaw([]byte(name))
	var b strings.Builder
	for _, c := range string(masked) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '_':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	s := strings.TrimLeft(b.String(), "._")
	if len(s) > 100 {
		s = s[len(s)-100:]
	}
	if s == "" || strings.Trim(s, "_") == "" {
		return "source.txt"
	}
	return s
}

// charsetPattern accepts IANA charset names such as windows-1252 or
// ISO-8859-1, and nothing that could break the header.
var charsetPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:+-]{0,39}$`)

// sourceCharset returns the charset of a source's raw bytes for the
// Content-Type header: the encoding they were decoded from, else UTF-8.
func sourceCharset(enc string) string {
	if charsetPattern.MatchString(enc) {
		return enc
	}
	return "utf-8"
}

// langPattern accepts BCP 47 language tags.
var langPattern = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)

// workLang returns the work's language for its lang attribute, "en" when it
// is unknown or malformed.
func workLang(lang string) string {
	if langPattern.MatchString(lang) {
		return lang
	}
	return "en"
}

// parseID parses a positive decimal number from a path. Anything else (signs,
// letters, overflow) reports false, which handlers answer with a 404.
func parseID(s string) (int64, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}
