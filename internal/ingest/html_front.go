package ingest

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"fanarchive"
)

// Confidences of rules only pages have.
const (
	confAgreed   = 0.9  // two places on the page name the same title
	confPageMeta = 0.75 // <meta name="author">: often the author, sometimes the webmaster
	confHeading  = 0.7  // a heading alone: the story's title or the site's name
)

var (
	// titleSep splits the site decoration off a <title>: "Archive :: Story",
	// "Story - Site", "Site | Story", "Site » Fandom » Story".
	titleSep = regexp.MustCompile(`\s+(?:::|:|\||-|–|—|»|«|>|<|·|•|~|/)\s+|\s*(?:::|\|)\s*`)
	// titleBy reads "Story by Author" in a <title>.
	titleBy = regexp.MustCompile(`(?i)^(.+?),?\s+by\s+(.+)$`)
)

// pageFront is what the top of a page says about the story: the text
// header (fields, byline), and the short lines and headings above the
// story that may name its title.
type pageFront struct {
	header    frontMatter
	headlines []string // headings and short title-like lines near the top
	headings  []string // heading elements near the top, h1 first
}

// settleFront fills the work from the page's header, its STORYINFO
// comments, <meta name="author"> and <title>, in that order of trust.
func settleFront(w *fanarchive.Work, pg pageInfo, pf pageFront) {
	cf := commentFront(pg.comments)
	merged := pf.header
	merged.fields = append(append([]headerField(nil), pf.header.fields...), cf.fields...)
	applyFront(w, merged)
	markCommentEvidence(w, pf.header.fields, cf.fields)
	applySiteFront(w, pg.site)
	if len(w.Authors) == 0 && pg.metaAuthor != "" {
		if names, contact := authorNames(pg.metaAuthor); len(names) > 0 {
			w.Authors = authorsOf(names)
			w.Evidence[fanarchive.FieldAuthors] = fanarchive.Evidence{Confidence: confPageMeta, Via: "html:meta-author", Detail: pg.metaAuthor}
			if contact != "" {
				setFeedback(w, contact, "html:meta-author")
			}
		}
	}
	chooseTitle(w, pg.title, pf)
}

// markCommentEvidence renames the evidence of fields that only a comment
// gave from "header:X" to "comment:X".
func markCommentEvidence(w *fanarchive.Work, page, comment []headerField) {
	has := func(fs []headerField, label string) bool {
		for _, f := range fs {
			if f.label == label {
				return true
			}
		}
		return false
	}
	for k, ev := range w.Evidence {
		if label, ok := strings.CutPrefix(ev.Via, "header:"); ok && has(comment, label) && !has(page, label) {
			ev.Via = "comment:" + label
			w.Evidence[k] = ev
		}
	}
}

// chooseTitle settles the title when no labelled field named it. A title
// guessed from the line above a byline stands, and is trusted more when
// the <title> or a heading agrees. Otherwise a headline that the <title>
// contains wins (the rest of the <title> is the site's decoration), then
// "Story by Author" in the <title>, then the first heading (h1 first),
// then the <title> as it is.
func chooseTitle(w *fanarchive.Work, pageTitle string, pf pageFront) {
	if ev := w.Evidence[fanarchive.FieldTitle]; w.Title != "" && ev.Via != guessViaByline && ev.Via != viaTitleLine {
		return
	}
	parts := titleParts(pageTitle)
	agrees := func(c string) bool {
		for _, p := range parts {
			if sameTitle(c, p) {
				return true
			}
		}
		return false
	}
	set := func(title string, conf float64, via, detail string) {
		w.Title = title
		w.Evidence[fanarchive.FieldTitle] = fanarchive.Evidence{Confidence: conf, Via: via, Detail: detail}
	}
	// "The Salt Road by Ione Carver" on one line, as archive scripts print
	// it: the title, and a byline when no header named the author.
	byAuthor := func(line string) string {
		title, names := splitTitleBy(line)
		if len(names) > 0 && len(w.Authors) == 0 {
			w.Authors = authorsOf(names)
			w.Evidence[fanarchive.FieldAuthors] = fanarchive.Evidence{Confidence: confDefault, Via: viaTitleLine, Detail: line}
		}
		return title
	}
	if w.Title != "" {
		ev := w.Evidence[fanarchive.FieldTitle]
		if t := byAuthor(w.Title); t != w.Title {
			set(t, ev.Confidence, ev.Via, ev.Detail)
		}
		switch {
		case agrees(w.Title):
			set(w.Title, confAgreed, "html:title+byline", pageTitle)
		case containsTitle(pf.headings, w.Title):
			set(w.Title, confDefault, "html:heading+byline", w.Title)
		}
		return
	}
	for _, c := range pf.headlines {
		if t, _ := splitTitleBy(c); agrees(t) {
			set(byAuthor(c), confAgreed, "html:title+heading", pageTitle)
			return
		}
	}
	for _, p := range parts {
		title, names := splitTitleBy(p)
		switch {
		case len(names) == 0:
		case len(w.Authors) == 0:
			w.Authors = authorsOf(names)
			w.Evidence[fanarchive.FieldAuthors] = fanarchive.Evidence{Confidence: confHeading, Via: "html:title-byline", Detail: pageTitle}
			set(title, confHeading, "html:title-byline", pageTitle)
			return
		case containsName(w.AuthorNames(), names[0]):
			set(title, confFooter, "html:title-by-author", pageTitle)
			return
		}
	}
	switch {
	case len(pf.headings) > 0:
		detail := pf.headings[0]
		if pageTitle != "" {
			detail += " (the <title> says " + strconv.Quote(pageTitle) + ")"
		}
		set(byAuthor(pf.headings[0]), confHeading, "html:heading", detail)
	case pageTitle != "" && len(parts) == 1:
		set(pageTitle, confDefault, "html:title", pageTitle)
	case pageTitle != "":
		set(pageTitle, confGuess, "html:title-decorated", pageTitle)
	}
}

// inferArchive names the archive a page came from after the site name at
// either end of its <title> ("The Lighthouse Archive :: The Keeper's
// Ledger"), when another part of the <title> is the story's title and
// nothing better named the archive.
func inferArchive(w *fanarchive.Work, pageTitle string) {
	src := w.Sources[0]
	if src.Archive != "" || w.Title == "" {
		return
	}
	parts := titleSep.Split(pageTitle, -1)
	if len(parts) < 2 {
		return
	}
	named := false
	for _, p := range parts {
		t, _ := splitTitleBy(p)
		named = named || sameTitle(t, w.Title) || sameTitle(p, w.Title)
	}
	if !named {
		return
	}
	for _, site := range []string{parts[0], parts[len(parts)-1]} {
		site = strings.TrimSpace(site)
		if t, _ := splitTitleBy(site); !sameTitle(t, w.Title) && archiveWords.MatchString(site) && len(site) <= 100 {
			src.Archive = site
			w.Evidence[fanarchive.FieldArchive] = fanarchive.Evidence{Confidence: confInferred, Via: "inferred:title-decoration", Detail: pageTitle}
			return
		}
	}
}

// splitTitleBy reads "Title by Author" on one line. As with subject
// lines, "by X" is a byline when it is set off ("Title, by X", "Title --
// by X") or X is more than one word, so "Baptism by Fire" stays a title.
func splitTitleBy(line string) (title string, names []string) {
	m := titleBy.FindStringSubmatch(line)
	if m == nil || strings.TrimSpace(m[1]) == "" {
		return line, nil
	}
	setOff := strings.HasPrefix(line[len(m[1]):], ",") || strings.HasSuffix(m[1], "-")
	if names, _ = authorNames(m[2]); len(names) == 0 || !(setOff || len(strings.Fields(m[2])) > 1) {
		return line, nil
	}
	return strings.TrimRight(strings.TrimSpace(m[1]), " ,-–—"), names
}

// titleParts returns a <title> and the pieces its separators divide it
// into, and the "Story" of any "Story by Author" among them.
func titleParts(t string) []string {
	if t == "" {
		return nil
	}
	parts := []string{t}
	for _, p := range titleSep.Split(t, -1) {
		if p = strings.TrimSpace(p); p != "" && p != t {
			parts = append(parts, p)
		}
	}
	for _, p := range parts {
		if m := titleBy.FindStringSubmatch(p); m != nil {
			parts = append(parts, m[1])
		}
	}
	return parts
}

// sameTitle compares titles ignoring case, white space and the quotes and
// asterisks pages decorate them with.
func sameTitle(a, b string) bool {
	na := normTitle(a)
	return na != "" && na == normTitle(b)
}

func normTitle(s string) string {
	return strings.Trim(strings.ToLower(collapse(s)), " \"'“”‘’*_~:.-")
}

func containsTitle(list []string, t string) bool {
	for _, s := range list {
		if sameTitle(s, t) {
			return true
		}
	}
	return false
}

func containsName(list []string, n string) bool {
	for _, s := range list {
		if strings.EqualFold(s, n) {
			return true
		}
	}
	return false
}

// sortHeadings orders heading texts by level, h1 first, keeping page
// order within a level.
func sortHeadings(texts []string, levels []int) []string {
	idx := make([]int, len(texts))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return levels[idx[a]] < levels[idx[b]] })
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = texts[j]
	}
	return out
}

var (
	// commentMarker names a comment as story metadata.
	commentMarker = regexp.MustCompile(`(?i)\b(?:story\s*-?\s*info|storyinfo|metadata|fic\s*-?\s*info|story\s*data|story\s*header)\b`)
	// commentMarkerLine is a line that only opens or closes such a block.
	commentMarkerLine = regexp.MustCompile(`(?i)^\W*(?:(?:begin|start|end)\s*)?(?:story\s*-?\s*info|storyinfo|metadata|fic\s*-?\s*info|story\s*data|story\s*header)\W*$`)
	// kvEquals reads "Title = Rain" lines.
	kvEquals = regexp.MustCompile(`^([A-Za-z][A-Za-z'’/()\- ]{0,30}?)\s*=\s*(.*)$`)
	// kvPair reads title="Rain" author="Ann" pairs.
	kvPair = regexp.MustCompile(`([A-Za-z][A-Za-z_\-]{0,30})\s*=\s*"([^"]*)"`)
)

// maxMetaComment is the longest comment read for metadata.
const maxMetaComment = 64 << 10

// commentFront reads labelled fields from comments such as
//
//	<!-- STORYINFO
//	Title: Rain
//	Author: Ann
//	-->
//
// in "Label: value", "Label = value" or label="value" form. A comment counts
// when it has two known labels, or one and a marker such as STORYINFO, so
// that "<!-- Source: FrontPage -->" is not read as a fandom.
func commentFront(comments []string) frontMatter {
	var fm frontMatter
	for _, c := range comments {
		if len(c) > maxMetaComment || !strings.ContainsAny(c, ":=") {
			continue
		}
		var lines []string
		for _, l := range normalise(c) {
			t := strings.TrimSpace(l)
			switch {
			case commentMarkerLine.MatchString(t):
				lines = append(lines, "")
				continue
			case !labelLine.MatchString(t):
				if pairs := kvPair.FindAllStringSubmatch(t, 20); len(pairs) > 0 {
					for _, p := range pairs {
						lines = append(lines, p[1]+": "+p[2])
					}
					continue
				}
				if m := kvEquals.FindStringSubmatch(t); m != nil {
					t = m[1] + ": " + strings.Trim(strings.TrimSpace(m[2]), `"'`)
				}
			}
			lines = append(lines, t)
		}
		var fields []headerField
		for _, p := range paragraphs(lines) {
			for len(p.lines) > 0 {
				if _, _, _, ok := parseLabel(p.lines[0]); ok {
					break
				}
				p.lines, p.first = p.lines[1:], p.first+1
			}
			if len(p.lines) == 0 {
				continue
			}
			if fs, ok := labelledParagraph(p); ok {
				fields = append(fields, fs...)
			}
		}
		if len(fields) >= 2 || (len(fields) == 1 && commentMarker.MatchString(c)) {
			fm.fields = append(fm.fields, fields...)
		}
	}
	return fm
}

// findHeader finds the story's header among the first paragraphs of a
// page. A header at the very top is read as the text parser reads it.
// Otherwise the header may follow a few short paragraphs of site chrome
// (a banner, "Please do not archive elsewhere"), if it is unmistakable: a
// byline, or two labelled fields. It returns the header and the index of
// its first and last+1 paragraph; nothing is found when start == end == 0.
func findHeader(ps []para) (h frontMatter, start, end int) {
	if h, end = parseHeader(ps); h.authors != nil || len(h.fields) > 0 {
		return h, 0, end
	}
	words := 0
	for s := 1; s <= 8 && s < len(ps); s++ {
		n := ps[s-1].words()
		if words += n; n > 25 || words > 60 {
			break
		}
		if !startsHeaderParagraph(ps[s]) && !titleLike(ps[s]) {
			continue
		}
		if h, end = parseHeader(ps[s:]); h.authors != nil || len(h.fields) >= 2 {
			return h, s, s + end
		}
	}
	return frontMatter{}, 0, 0
}
