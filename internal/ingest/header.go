package ingest

import (
	"regexp"
	"strings"
)

// field is what a labelled header line means.
type field int

// Header fields. Labels the archive has no special place for are fieldNote:
// they are kept as notes under the label the author used.
const (
	fieldNone field = iota
	fieldTitle
	fieldAuthor
	fieldRating
	fieldFandom
	fieldRelationship
	fieldCharacter
	fieldWarning
	fieldCategory
	fieldFreeform
	fieldSummary
	fieldFeedback
	fieldLanguage
	fieldArchiveName // where the story is archived, not permission to archive
	fieldList
	fieldNote
	// fieldClassification is a rating in some fandoms and story codes in
	// others (X-Files: "V, MSR" — vignette, Mulder/Scully romance).
	fieldClassification
)

// labels maps a normalised header label (see normLabel) to its field. Plural
// forms are found by stripping a final "s", so only singulars are listed
// where the plural is regular.
var labels = map[string]field{
	"title": fieldTitle, "story title": fieldTitle, "story": fieldTitle, "story name": fieldTitle, "fic title": fieldTitle,
	"author": fieldAuthor, "written by": fieldAuthor, "writer": fieldAuthor, "by": fieldAuthor, "pen name": fieldAuthor,
	"penname": fieldAuthor, "author name": fieldAuthor, "name": fieldAuthor, "co-author": fieldAuthor,
	"rating": fieldRating, "rated": fieldRating, "rate": fieldRating, "classification": fieldClassification,
	"fandom": fieldFandom, "universe": fieldFandom, "show": fieldFandom, "crossover": fieldFandom, "source": fieldFandom,
	"pairing": fieldRelationship, "relationship": fieldRelationship, "ship": fieldRelationship, "couple": fieldRelationship,
	"character": fieldCharacter, "main character": fieldCharacter, "featured character": fieldCharacter,
	"warning": fieldWarning, "archive warning": fieldWarning, "content warning": fieldWarning, "trigger warning": fieldWarning,
	"category": fieldCategory, "categorie": fieldCategory, "type": fieldCategory,
	"genre": fieldFreeform, "additional tag": fieldFreeform, "keyword": fieldFreeform, "key word": fieldFreeform, "tag": fieldFreeform, "theme": fieldFreeform,
	"summary": fieldSummary, "synopsis": fieldSummary, "description": fieldSummary, "blurb": fieldSummary, "abstract": fieldSummary,
	"feedback": fieldFeedback, "e-mail": fieldFeedback, "email": fieldFeedback, "contact": fieldFeedback, "comments to": fieldFeedback,
	"send feedback to": fieldFeedback, "feedback to": fieldFeedback,
	"language":    fieldLanguage,
	"archived at": fieldArchiveName, "originally archived at": fieldArchiveName,
	"list": fieldList, "mailing list": fieldList, "posted to": fieldList, "originally posted to": fieldList,
	"comment":              fieldNote,
	"completed":            fieldNote,
	"chapter":              fieldNote,
	"published":            fieldNote,
	"updated":              fieldNote,
	"review":               fieldNote,
	"hit":                  fieldNote,
	"kudo":                 fieldNote,
	"disclaimer":           fieldNote,
	"spoiler":              fieldNote,
	"spoiler warning":      fieldNote,
	"archive":              fieldNote, // permission to archive ("Archive: yes, just ask")
	"archiving":            fieldNote,
	"archive permission":   fieldNote,
	"note":                 fieldNote,
	"author's note":        fieldNote,
	"authors note":         fieldNote,
	"author note":          fieldNote,
	"authors' note":        fieldNote,
	"a/n":                  fieldNote,
	"an":                   fieldNote,
	"acknowledgment":       fieldNote,
	"acknowledgement":      fieldNote,
	"thank":                fieldNote,
	"thank you":            fieldNote,
	"thanks to":            fieldNote,
	"beta":                 fieldNote,
	"beta reader":          fieldNote,
	"beta'd by":            fieldNote,
	"betas":                fieldNote,
	"dedication":           fieldNote,
	"dedicated to":         fieldNote,
	"date":                 fieldNote,
	"date written":         fieldNote,
	"written":              fieldNote,
	"posted":               fieldNote,
	"status":               fieldNote,
	"timeline":             fieldNote,
	"setting":              fieldNote,
	"season":               fieldNote,
	"series":               fieldNote,
	"sequel to":            fieldNote,
	"prequel to":           fieldNote,
	"sequel":               fieldNote,
	"part":                 fieldNote,
	"length":               fieldNote,
	"word count":           fieldNote,
	"words":                fieldNote,
	"url":                  fieldNote,
	"website":              fieldNote,
	"web site":             fieldNote,
	"homepage":             fieldNote,
	"web page":             fieldNote,
	"copyright":            fieldNote,
	"challenge":            fieldNote,
	"prompt":               fieldNote,
	"inspiration":          fieldNote,
	"inspired by":          fieldNote,
	"credit":               fieldNote,
	"recipient":            fieldNote,
	"written for":          fieldNote,
	"continuity":           fieldNote,
	"author's notes":       fieldNote,
	"additional notes":     fieldNote,
	"notes and disclaimer": fieldNote,
}

// freeText fields take whole paragraphs; a label with nothing after it may
// introduce the next paragraph as its value ("Summary:\n\nClark learns…").
func (f field) freeText() bool { return f == fieldSummary || f == fieldNote }

// labelLine matches "Label: value". The label is short and starts with a
// letter; a value may be empty.
var labelLine = regexp.MustCompile(`^\s{0,40}([A-Za-z][A-Za-z'’/()\- ]{0,30}?)\s*:(?:\s+(.*)|\s*)$`)

// normLabel lower-cases a label, unifies apostrophes and white space and
// drops a trailing "(s)" so that "AUTHOR’S NOTES", "Author's Note(s)" and
// "author's note" are one key.
func normLabel(label string) string {
	l := strings.ToLower(strings.TrimSpace(label))
	l = strings.ReplaceAll(l, "’", "'")
	l = strings.TrimSuffix(l, "(s)")
	return strings.Join(strings.Fields(l), " ")
}

// lookupLabel returns the field a label names, trying the singular of a
// plural label too.
func lookupLabel(label string) field {
	l := normLabel(label)
	if f, ok := labels[l]; ok {
		return f
	}
	if s := strings.TrimSuffix(l, "s"); s != l {
		if f, ok := labels[s]; ok {
			return f
		}
	}
	// "Historian's Note", "Translator notes", "Beta note": any short label
	// that ends in note(s) is one.
	if (strings.HasSuffix(l, " note") || strings.HasSuffix(l, " notes") || strings.HasSuffix(l, "'s note")) && len(strings.Fields(l)) <= 3 {
		return fieldNote
	}
	return fieldNone
}

// headerField is one labelled value from a file's header.
type headerField struct {
	field field
	label string // as written, without the colon
	value string // continuation lines joined; paragraphs kept with "\n\n"
	line  int    // 0-based line index in the normalised text
}

// otherLabelLine is a label set off otherwise than by a colon: dot leaders
// ("Title......: Lamplight", "Author....Wren"), a dash or an equals sign
// between spaces ("Title - Lamplight", "RATING = PG").
var otherLabelLine = regexp.MustCompile(`^\s{0,40}([A-Za-z][A-Za-z'’ ]{0,30}?)\s*(?:\.{2,}\s*:?\s*|\s+[-–=]{1,2}\s+|\s*=\s*)(\S.*)$`)

// parseLabel splits a line into a known label and its value: "Label:
// value", also in brackets ("[Title: Lamplight]"), or a label of a story
// field set off by dot leaders, a dash or an equals sign.
func parseLabel(line string) (f field, label, value string, ok bool) {
	if t := strings.TrimSpace(line); len(t) > 2 && (t[0] == '[' && t[len(t)-1] == ']' || t[0] == '<' && t[len(t)-1] == '>') {
		line = t[1 : len(t)-1]
	}
	i := strings.IndexByte(line, ':')
	if i >= 0 && i <= 80 {
		if m := labelLine.FindStringSubmatch(line); m != nil {
			if f = lookupLabel(m[1]); f != fieldNone {
				return f, strings.TrimSpace(m[1]), strings.TrimSpace(m[2]), true
			}
		}
	}
	// Labels are short: no need to run a regexp over prose.
	if j := strings.IndexAny(line, ".-–="); j < 0 || j > 44 {
		return fieldNone, "", "", false
	}
	m := otherLabelLine.FindStringSubmatch(line)
	if m == nil {
		return fieldNone, "", "", false
	}
	// Only a story field's label: notes' labels ("Part", "Date", "Note")
	// are words that begin sentences too.
	if f = lookupLabel(m[1]); f == fieldNone || f == fieldNote {
		return fieldNone, "", "", false
	}
	return f, strings.TrimSpace(m[1]), strings.TrimSpace(m[2]), true
}

// labelledParagraph parses a paragraph whose first line is a known label:
// each further line either starts a new known label or continues the value
// of the one before, so values may wrap onto following lines.
func labelledParagraph(p para) ([]headerField, bool) {
	var out []headerField
	var parts []string // the current field's value, line by line
	flush := func() {
		if len(out) > 0 {
			out[len(out)-1].value = strings.TrimSpace(strings.Join(parts, " "))
		}
	}
	for i, l := range p.lines {
		if f, label, value, ok := parseLabel(l); ok {
			flush()
			out = append(out, headerField{field: f, label: label, line: p.first + i})
			parts = append(parts[:0], value)
			continue
		}
		if i == 0 {
			return nil, false
		}
		parts = append(parts, strings.TrimSpace(l))
	}
	flush()
	return out, true
}

// frontMatter is what a file's opening says about the story.
type frontMatter struct {
	fields []headerField

	authors    []string
	authorsVia string
	contact    string // an address written in the byline or author field

	// title guessed from short lines above a byline, when no Title field
	// names it.
	guessedTitle string
	guessedConf  float64 // 0 means confGuess
	guessedVia   string  // "" means guessViaByline
	guessedFrom  string  // the line it was read from, when not the title itself

	// preface is the poster's words before a late byline (see lateByline).
	preface string

	// warnings are unlabelled warning lines of the header ("WARNING!
	// THIS STORY IS NC-17"): notes, never title candidates.
	warnings []string
}

// has reports whether the header has a field of kind f.
func (h frontMatter) has(f field) bool {
	for _, hf := range h.fields {
		if hf.field == f {
			return true
		}
	}
	return false
}

// parseHeader reads the labelled fields, byline and title lines at the top
// of a file and returns them with the index of the first story paragraph.
// Short lines before a byline are title candidates; the nearest one wins.
// Without any field or byline there is no header and nothing is consumed.
func parseHeader(ps []para) (h frontMatter, end int) {
	var candidates []string
	i := 0
loop:
	for ; i < len(ps) && i < 40; i++ {
		p := ps[i]
		switch {
		case isSeparator(p):
			// Decoration around the header; after fields it may also be the
			// line between header and story, which the next paragraph tells.
			if len(h.fields) > 0 || h.authors != nil {
				if i+1 < len(ps) && !startsHeaderParagraph(ps[i+1]) {
					i++
					break loop
				}
			}
			continue
		}
		if fields, ok := labelledParagraph(p); ok {
			last := &fields[len(fields)-1]
			if last.field.freeText() && last.value == "" && i+1 < len(ps) && !startsHeaderParagraph(ps[i+1]) && !isSeparator(ps[i+1]) {
				i++
				last.value = ps[i].text()
				// A note of several paragraphs, closed by a rule line or the
				// next label, takes them all.
				if n := noteRun(ps, i+1); n > 0 {
					last.value += "\n\n" + joinParas(ps[i+1:i+1+n])
					i += n
				}
			}
			h.fields = append(h.fields, fields...)
			continue
		}
		if names, contact, ok := byline(p); ok && h.authors == nil {
			h.authors, h.authorsVia, h.contact = names, "byline", contact
			if len(candidates) > 0 {
				h.guessedTitle = candidates[len(candidates)-1]
			}
			continue
		}
		if title, names, contact, ok := titleThenByline(p); ok && h.authors == nil {
			h.authors, h.authorsVia, h.contact = names, "byline", contact
			h.guessedTitle = title
			if title == "" && len(candidates) > 0 {
				h.guessedTitle = candidates[len(candidates)-1]
			}
			continue
		}
		if warningPara(p) {
			h.warnings = append(h.warnings, p.text())
			continue
		}
		if h.authors == nil && len(h.fields) == 0 && len(candidates) < 6 && titleLike(p) {
			candidates = append(candidates, p.text())
			continue
		}
		break
	}
	if h.authors == nil && len(h.fields) == 0 {
		return frontMatter{}, 0
	}
	if h.guessedTitle == "" && h.authors == nil && len(candidates) > 0 {
		// Title lines above labelled fields with no Title among them;
		// "Lamplight by Wren Halloway" names the author too, unless a
		// field does.
		h.guessedTitle = candidates[len(candidates)-1]
		if t, names, contact, ok := splitInlineByline(h.guessedTitle); ok && !h.has(fieldAuthor) {
			if title, ok := inlineTitleBy(t, names); ok {
				h.guessedTitle, h.authors, h.authorsVia, h.contact = title, names, "byline", contact
				// A title and byline on one line are as sure as a subject.
				h.guessedConf, h.guessedVia = confLateBy, viaTitleLine
			}
		}
	}
	return h, i
}

// noteRun counts the paragraphs from ps[from] that continue a note: at
// most six, and only when a rule line or a labelled paragraph follows them
// (otherwise they are the story's first paragraphs).
func noteRun(ps []para, from int) int {
	for n := 0; n <= 6 && from+n < len(ps); n++ {
		if p := ps[from+n]; isSeparator(p) || startsHeaderParagraph(p) {
			return n
		}
	}
	return 0
}

// startsHeaderParagraph reports whether p begins with a known label or is a
// byline: whether the header goes on.
func startsHeaderParagraph(p para) bool {
	if _, ok := labelledParagraph(p); ok {
		return true
	}
	_, _, ok := byline(p)
	return ok
}

// titleLike reports whether a paragraph could be a title: one or two short
// lines with a letter that do not end like a sentence.
func titleLike(p para) bool {
	if len(p.lines) > 2 || p.words() == 0 || p.words() > 12 {
		return false
	}
	for _, l := range p.lines {
		if len(strings.TrimSpace(l)) > 80 {
			return false
		}
	}
	t := p.text()
	if copyrightStart.MatchString(t) || StripPartMarker(t) == "" || dateOnly.MatchString(t) {
		return false // a notice, a part heading ("Part 4"), a date ("c. 1993")
	}
	if f := strings.Fields(t); len(f) > 3 && danglingWords[strings.ToLower(f[len(f)-1])] {
		return false // a sentence broken across lines: "…, other than"
	}
	// A period ends sentences, and also some short titles ("Alliances.").
	return !strings.HasSuffix(t, ",") && (!strings.HasSuffix(t, ".") || (p.words() <= 6 && !strings.HasSuffix(t, "..")))
}

// viaTitleLine is how a title read from "Title by Author" on one line of
// a header is found.
const viaTitleLine = "byline:title-line"

// dashByline is a name after a dash on the line under a title.
var dashByline = regexp.MustCompile(`^(?:-{1,2}|—|–)\s*([A-Z].{1,60})$`)

// titleThenByline reads a paragraph of short title lines followed by a
// byline line: "The Long Watch\nby Wren Halloway". A part heading above the
// byline ("Part One\nBy X") gives the names and no title.
//
// Lines under the byline that only number the part or date the post
// ("Stillwater\nby Dana Morrow\nPart 2/3") belong to the block too: a
// later part's header is often just these three lines.
func titleThenByline(p para) (title string, names []string, contact string, ok bool) {
	for len(p.lines) > 2 && trailerLine(p.lines[len(p.lines)-1]) {
		p.lines = p.lines[:len(p.lines)-1]
	}
	for k := 1; k < len(p.lines) && k <= 3; k++ {
		rest := para{lines: p.lines[k:], first: p.first + k}
		names, contact, ok := byline(rest)
		if m := dashByline.FindStringSubmatch(strings.TrimSpace(p.lines[k])); !ok && m != nil && len(p.lines) == k+1 {
			// `"Lamplight"` / `-- Wren Halloway`: a dash signs the title.
			names, contact = authorNames(m[1])
			ok = len(names) > 0
		}
		if m := datedName.FindStringSubmatch(strings.TrimSpace(p.lines[k])); !ok && m != nil && len(p.lines) == k+1 && personName(m[1]) {
			// "The Quiet Hours" / "Terry Mallory 10/5/94": a name dated
			// as a post is signed.
			names, ok = []string{m[1]}, true
		}
		if ok {
			top := para{lines: p.lines[:k], first: p.first}
			if _, isPart := FindPartMarker(top.text()); k == 1 && isPart && StripPartMarker(top.text()) == "" {
				return "", names, contact, true // "Part One\nBy X": the title is above
			}
			if !titleLike(top) || notByline.MatchString(top.text()) {
				return "", nil, "", false
			}
			if bylineLead.MatchString(top.text()) {
				return "", names, contact, true // "written\nby X"
			}
			return top.text(), names, contact, true
		}
	}
	return "", nil, "", false
}

// datedName is a name followed by a date in figures, as a line under a
// title signs a post: "Terry Mallory 10/5/94", "Ann Lee, 5.10.1994".
var datedName = regexp.MustCompile(`^([A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){1,3})\s*,?\s*\(?\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d\d\)?$`)

// trailerLine reports whether a line under a byline only numbers the part
// ("Part 2/3", "(2 of 7)") or dates the post.
func trailerLine(l string) bool {
	l = strings.TrimSpace(l)
	if dateOnly.MatchString(l) || numericDate.MatchString(l) {
		return true
	}
	_, isPart := FindPartMarker(l)
	return isPart && strings.Trim(StripPartMarker(l), "()[]-–—:.,* ") == ""
}

// numericDate is a line that is only a date in figures: "10/5/94".
var numericDate = regexp.MustCompile(`^\W*\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d\d\W*$`)

// warningRe is a warning line without a label's colon: "WARNING! THIS
// STORY IS NC-17", "*** Warning - adult content ***".
var warningRe = regexp.MustCompile(`(?i)^\W*(?:content\s+)?warning\s*(?:!+|-+|\*+|\s)\s*\S`)

// warningPara reports whether a short paragraph is a warning line.
func warningPara(p para) bool {
	return len(p.lines) <= 3 && warningRe.MatchString(p.lines[0])
}

// warnedRating finds the rating a warning names: "THIS STORY IS NC-17",
// "rated R for language".
var warnedRating = regexp.MustCompile(`(?i)\b(?:is|rated|rating)\s*:?\s*(nc-?17|pg-?13|pg|g|r|x+|ma|adult)\b`)

// dateOnly is a line that is only a date or a year.
var dateOnly = regexp.MustCompile(`(?i)^\W*(?:c\.?\s*|circa\s+)?(?:[a-z]+\.?\s+)?(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?(?:19|20)\d\d\W*$`)

// danglingWords end a broken line of prose, not a title.
var danglingWords = map[string]bool{
	"than": true, "the": true, "of": true, "and": true, "to": true, "a": true, "an": true, "with": true,
	"for": true, "from": true, "in": true, "on": true, "at": true, "as": true, "or": true, "but": true,
	"that": true, "which": true, "who": true, "his": true, "her": true, "their": true, "was": true, "is": true,
	"through": true, "into": true, "about": true, "over": true, "under": true, "after": true, "before": true,
}

// copyrightStart begins a copyright notice, which is never a title.
var copyrightStart = regexp.MustCompile(`(?i)^\W*(?:copyright|copywrite|copyrighted|\(c\)|©)`)

// bylineLead is the first half of a byline broken over two lines.
var bylineLead = regexp.MustCompile(`(?i)^\W*(?:written|a\s+story|story|a\s+tale|a\s+fic|fic|an?\s+\w+\s+story)\W*$`)
