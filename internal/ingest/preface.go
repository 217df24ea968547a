package ingest

import (
	"regexp"
	"strings"
)

// Many posts open with a few lines from the poster ("Here's a light-hearted
// story, enjoy!") and only then the title and byline. When the header has
// no author, the opening paragraphs are searched for a byline; what comes
// before it is the preface, kept as a note.
const (
	prefaceParas = 12  // paragraphs searched for a late byline
	prefaceWords = 600 // words searched
	confLateBy   = 0.85
	confLateTtl  = 0.65
	prefaceLabel = "Preface"
)

var (
	// inlineByline is "TITLE by NAME" on one short line.
	inlineByline = regexp.MustCompile(`(?i)^\s*(.{2,70}?)[\s,;:-]+by\s+(\S.{1,50})$`)
	// storyDescriptor is "A Star Trek : Deep Space Nine Story" after a title.
	storyDescriptor = regexp.MustCompile(`(?i)\s+(?:-+\s*)?an?\s+.{0,50}?\b(?:story|tale|fic|fanfic|novel|novella|vignette|parody)\s*$`)
)

// lateByline looks for a byline in the paragraphs after the header and
// returns the authors, a title found with them, the preface before them,
// and where the story begins. found is false when there is none.
func lateByline(ps []para, from int) (names []string, contact, title string, titleConf float64, preface string, end int, found bool) {
	words := 0
	for k := from; k < len(ps) && k < from+prefaceParas && words < prefaceWords; k++ {
		p := ps[k]
		if n, c, ok := byline(p); ok {
			names, contact = n, c
			// The title is the short paragraph just above, if any.
			start := k
			if k > from && titleLike(ps[k-1]) && !bylineLead.MatchString(ps[k-1].text()) {
				title, start = ps[k-1].text(), k-1
			}
			return names, contact, title, confLateTtl, joinParas(ps[from:start]), k + 1, true
		}
		if t, n, c, ok := titleThenByline(p); ok {
			return n, c, t, confLateTtl, joinParas(ps[from:k]), k + 1, true
		}
		if len(p.lines) <= 3 {
			for _, l := range p.lines {
				m := inlineByline.FindStringSubmatch(strings.TrimSpace(l))
				if m == nil || len(strings.TrimSpace(l)) > 90 {
					continue
				}
				n, c := authorNames(m[2])
				t := strings.TrimSpace(storyDescriptor.ReplaceAllString(m[1], ""))
				if len(n) > 0 && titleLike(para{lines: []string{t}}) && !bylineLead.MatchString(t) {
					// A title and byline on one line are as sure as a subject.
					return n, c, strings.Trim(t, titleDecorTrim), confLateBy, joinParas(ps[from:k]), k + 1, true
				}
			}
		}
		words += p.words()
	}
	return nil, "", "", 0, "", from, false
}

// joinParas joins paragraphs' text with blank lines.
func joinParas(ps []para) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		if !isSeparator(p) {
			parts = append(parts, p.text())
		}
	}
	return strings.Join(parts, "\n\n")
}
