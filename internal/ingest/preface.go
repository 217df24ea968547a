package ingest

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
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
	inlineByline = regexp.MustCompile(`(?i)^\s*(.{2,70}?)[\s,;:-]+by\s+(\S.{1,80})$`)
	// storyDescriptor is "A Star Trek : Deep Space Nine Story" after a title
	// ("Q and A : The new Star Trek : The Next Generation Novel": the "A"
	// of the title, before a colon, is no article).
	// descriptorOnly is a story's description with no title in it: "An
	// unauthorized parody", "A Deep Space Nine story", "The new Star Trek
	// novel".
	// gluedBy is "by" run onto a closing quote or bracket: `"The
	// Chip"(v#4)By Glen Johnson`.
	gluedBy         = regexp.MustCompile(`(?i)([)"”\]])(by\s)`)
	descriptorOnly  = regexp.MustCompile(`(?i)^\W*(?:an?|(?:an?|the)\s+new)\s+.{0,50}?\b(?:story|tale|fic|fanfic|novel|novella|vignette|parody|epic)\W*$`)
	storyDescriptor = regexp.MustCompile(`(?i)(?:\s+|\s*-{1,2}\s*|,\s*|\s*:\s*)(?:an?|(?:an?|the)\s+new)\s+[^\s:].{0,50}?\b(?:story|tale|fic|fanfic|novel|novella|vignette|parody|epic)\s*$`)
)

// lateFront is what lateByline finds after a preface.
type lateFront struct {
	names     []string
	contact   string
	via       string // how the names were found, for the evidence
	title     string
	titleConf float64
	preface   string // the poster's words before the byline
	end       int    // the paragraph the story begins at
}

// Ways lateByline finds an author.
const (
	viaLateByline = "byline:after-preface"
	viaSigned     = "signature:preface" // a name signing the preface, less sure
	viaTitleBlock = "title-block"       // a title, maybe a series line and a date, and a name under them
	viaNameUnder  = "guess:name-under-title"
)

// lateByline looks for a byline in the paragraphs after the header and
// returns the authors, a title found with them, the preface before them,
// and where the story begins. found is false when there is none.
func lateByline(ps []para, from int) (f lateFront, found bool) {
	words := 0
	copyrightAt, copyrightNames := -1, []string(nil)
	signedAt, signedName := -1, ""
	for k := from; k < len(ps) && k < from+prefaceParas && words < prefaceWords; k++ {
		p := ps[k]
		if fields, ok := labelledParagraph(p); ok {
			// A labelled header after the preface ("AUTHOR: B.J. Henry").
			for _, f := range fields {
				if f.field != fieldAuthor {
					continue
				}
				if n, c := authorNames(f.value); len(n) > 0 {
					title := ""
					if k > from && titleLike(ps[k-1]) {
						title = ps[k-1].text()
					}
					return lateFront{names: n, contact: c, via: viaLateByline, title: title, titleConf: confLateTtl, preface: joinParas(ps[from:k]), end: k + 1}, true
				}
			}
		}
		if n, c, t, ok := copyrightAuthor(p); ok {
			// "Copyright Jonathan Geld 1991": a standalone name line and the
			// title lines above it come before.
			start := k
			if t == "" && k > from && len(ps[k-1].lines) == 1 && titleKey(ps[k-1].text()) == titleKey(n[0]) {
				start = k - 1
			}
			if t == "" && start > from && titleLike(ps[start-1]) && !isDedication(ps[start-1]) {
				t, start = ps[start-1].text(), start-1
			}
			for t == "" && start > from && isDedication(ps[start-1]) {
				start-- // "for Randy's birthday / from Dad" sits between title and notice
				if start > from && titleLike(ps[start-1]) && !isDedication(ps[start-1]) {
					t, start = ps[start-1].text(), start-1
				}
			}
			return lateFront{names: n, contact: c, via: viaLateByline, title: t, titleConf: confLateTtl, preface: joinParas(ps[from:start]), end: k + 1}, true
		}
		if k > from && signedAt < 0 && k+1 < len(ps) && startsStory(ps[k+1]) {
			// A preface signed with the poster's name, then a rule or the
			// first heading: "…Enjoy!" / "Christopher Walck" / "Chapter I".
			// It signs prose, not a title, and is written as a name is
			// (not in capitals, as titles often are).
			if len(p.lines) != 1 || ps[k-1].words() < 8 || titleLike(ps[k-1]) {
				// not a signature: checked first, as reading a name is dearer
			} else if name := signatureName(p.text()); name != "" && strings.ToUpper(name) != name {
				signedAt, signedName = k, name
			}
		}
		if n, ok := storyCopyright(p); ok && copyrightAt < 0 {
			// "This story is copyright 1994 by Jennifer Shipp." inside a
			// paragraph of legal notices names the author, but a byline
			// below it says where the story begins; it is used only when
			// no byline follows.
			copyrightAt, copyrightNames = k, n
		}
		if isBareBy(p) && k+1 < len(ps) {
			// "by" alone between the title and the name, each centred on
			// its own line.
			if n, c := authorNames(ps[k+1].text()); len(n) > 0 && len(ps[k+1].lines) == 1 {
				start := k
				title := ""
				if k > from && titleLike(ps[k-1]) {
					title, start = ps[k-1].text(), k-1
				}
				return lateFront{names: n, contact: c, via: viaLateByline, title: title, titleConf: confLateTtl, preface: joinParas(ps[from:start]), end: k + 2}, true
			}
		}
		if n, c, ok := byline(p); ok {
			// The title is the short paragraph just above, if any.
			start, title := k, ""
			if k > from && titleLike(ps[k-1]) && !bylineLead.MatchString(ps[k-1].text()) {
				title, start = ps[k-1].text(), k-1
			}
			return lateFront{names: n, contact: c, via: viaLateByline, title: title, titleConf: confLateTtl, preface: joinParas(ps[from:start]), end: k + 1}, true
		}
		if t, n, c, ok := titleBlock(p); ok {
			return lateFront{names: n, contact: c, via: viaTitleBlock, title: t, titleConf: confLateBy, preface: joinParas(ps[from:k]), end: k + 1}, true
		}
		if t, n, c, ok := titleThenByline(p); ok {
			start := k
			if t == "" && k > from && titleLike(ps[k-1]) && !bylineLead.MatchString(ps[k-1].text()) {
				t, start = ps[k-1].text(), k-1
			}
			return lateFront{names: n, contact: c, via: viaLateByline, title: t, titleConf: confLateTtl, preface: joinParas(ps[from:start]), end: k + 1}, true
		}
		if len(p.lines) <= 3 {
			for li, l := range p.lines {
				t, n, c, found := splitInlineByline(l)
				if !found {
					continue
				}
				if len(n) > 0 && descriptorOnly.MatchString(t) {
					// "AN UNAUTHORIZED PARODY by Tom Golden": the title, if
					// any, is the line or the short paragraph above.
					start, title := k, ""
					if above := (para{lines: p.lines[:li]}); li > 0 && titleLike(above) {
						title = above.text()
					} else if k > from {
						if h, ok := headingLine(ps[k-1]); ok && titleLike(para{lines: []string{unspace(h)}}) {
							title, start = unspace(h), k-1
						}
					}
					return lateFront{names: n, contact: c, via: viaLateByline, title: title, titleConf: confLateTtl, preface: joinParas(ps[from:start]), end: k + 1}, true
				}
				if title, ok := inlineTitleBy(t, n); ok {
					// A title and byline on one line are as sure as a subject.
					return lateFront{names: n, contact: c, via: viaLateByline, title: title, titleConf: confLateBy, preface: joinParas(ps[from:k]), end: k + 1}, true
				}
			}
		}
		words += p.words()
	}
	if copyrightAt >= 0 {
		k, start, title := copyrightAt, copyrightAt, ""
		if first := (para{lines: ps[k].lines[:1]}); len(ps[k].lines) > 1 && len(first.text()) <= 50 && titleLike(first) && !copyrightStart.MatchString(first.text()) {
			title = first.text() // "Lamplight" / "All original characters (c) 1995 by X"
		} else if k > from && titleLike(ps[k-1]) {
			title, start = ps[k-1].text(), k-1
		}
		return lateFront{names: copyrightNames, via: viaLateByline, title: title, titleConf: confLateTtl, preface: joinParas(ps[from:start]), end: k + 1}, true
	}
	if signedAt >= 0 {
		end := signedAt + 1
		if !headingPara(ps[end]) {
			end++ // the rule between the preface and the story
		}
		return lateFront{names: []string{signedName}, via: viaSigned, preface: joinParas(ps[from:signedAt]), end: end}, true
	}
	return lateFront{end: from}, false
}

// startsStory reports whether a paragraph begins the story after a
// preface: a rule (perhaps a "---8<--- cut here ---" one), or a chapter or
// part heading.
func startsStory(p para) bool {
	return isSeparator(p) || headingRule(p.lines[0]) || mostlyRule(p.lines[0]) || headingPara(p)
}

// headingPara reports whether a paragraph is a chapter or part heading,
// perhaps between rules.
func headingPara(p para) bool {
	h, ok := headingLine(p)
	return ok && len(h) <= 100 && headingRe.MatchString(h)
}

// centredTitle finds a title set centred on its own in the opening
// paragraphs when there is no byline: a short centred paragraph after a
// separator (or at the start), with any centred subtitle after it. What
// precedes it is the preface.
func centredTitle(ps []para, from int) (title, preface string, end int, found bool) {
	words := 0
	for k := from; k < len(ps) && k < from+prefaceParas && words < prefaceWords; k++ {
		p := ps[k]
		if centred(p) && titleLike(p) && !strings.HasSuffix(p.text(), ":") &&
			(k == from || sceneBreakLine(ps[k-1].lines[len(ps[k-1].lines)-1]) || capsTitle(p)) {
			title, end = p.text(), k+1
			if end < len(ps) && centred(ps[end]) && titleLike(ps[end]) && !strings.HasSuffix(ps[end].text(), ":") {
				title += ": " + strings.Trim(ps[end].text(), `"“”`)
				end++
			}
			return title, joinParas(ps[from:k]), end, true
		}
		words += p.words()
	}
	return "", "", from, false
}

// capsTitle reports whether a paragraph is one line in capitals that can
// be a title set off after a preface ("THE LONG WINTER" under the author's
// notes), not a heading ("PROLOGUE", "PART ONE") or a notice.
func capsTitle(p para) bool {
	if len(p.lines) != 1 || headingPara(p) {
		return false
	}
	t := strings.TrimSpace(p.lines[0])
	if strings.ToUpper(t) != t || strings.IndexFunc(t, unicode.IsLetter) < 0 || len(strings.Fields(t)) > 10 {
		return false
	}
	if _, isPart := FindPartMarker(t); isPart {
		return false
	}
	return !noticeHeading.MatchString(t)
}

// noticeHeading is a heading of the front matter, never a title.
var noticeHeading = regexp.MustCompile(`(?i)^\W*(?:disclaimer|contents|table\s+of\s+contents|index|teaser|fade\s+in|cold\s+open|act\s+\w+|warning|note|notes|author'?s?\s+notes?|a/n|summary|rating|spoilers?|feedback|dedication|acknowledge?ments?|prologue|epilogue|introduction|foreword|preface|the\s+end|end|fin|continued)\b`)

// capsTitleAndName reads a title in capitals with its author's name under
// it and no "by", at the top of a text: "THE LAMP" / "Wren Halloway", on
// two lines of one paragraph or in two paragraphs before the story. The
// name must read as one person's name written in mixed case, which a
// subtitle rarely does; the guess is reviewed.
func capsTitleAndName(ps []para, from int) (title string, names []string, end int, ok bool) {
	if from >= len(ps) {
		return "", nil, from, false
	}
	var titleLine, nameLine string
	switch p := ps[from]; {
	case len(p.lines) == 2:
		titleLine, nameLine, end = p.lines[0], p.lines[1], from+1
	case len(p.lines) == 1 && from+2 < len(ps) && len(ps[from+1].lines) == 1:
		titleLine, nameLine, end = p.lines[0], ps[from+1].lines[0], from+2
	default:
		return "", nil, from, false
	}
	titleLine, nameLine = strings.TrimSpace(titleLine), strings.TrimSpace(nameLine)
	if strings.ToUpper(titleLine) != titleLine || !titleLike(para{lines: []string{titleLine}}) || strings.IndexFunc(titleLine, unicode.IsLetter) < 0 {
		return "", nil, from, false
	}
	if !personName(nameLine) {
		return "", nil, from, false
	}
	return titleLine, []string{nameLine}, end, true
}

// personName reports whether a line is one person's name as people write
// it: two to four words, each capitalised and none all in capitals (save
// initials), no digits, read as one name by authorNames.
func personName(l string) bool {
	f := strings.Fields(l)
	if len(f) < 2 || len(f) > 4 || strings.ContainsAny(l, "0123456789:,;!?\"") {
		return false
	}
	for _, w := range f {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) || (len(w) > 2 && strings.ToUpper(w) == w) {
			return false
		}
	}
	names, _ := authorNames(l)
	return len(names) == 1 && names[0] == l
}

// sameWriter reports whether a name found in a post's text may be its
// poster's: there is no From name, or the two share a word. A name under a
// title that the poster does not share is more likely a subtitle.
func sameWriter(name, fromName string) bool {
	if strings.TrimSpace(fromName) == "" {
		return true
	}
	from := strings.Fields(strings.ToLower(fromName))
	for _, w := range strings.Fields(strings.ToLower(name)) {
		if slices.Contains(from, strings.Trim(w, ".")) {
			return true
		}
	}
	return false
}

// centred reports whether every line of p is indented as a centred line is
// (twelve columns or more).
func centred(p para) bool {
	for _, l := range p.lines {
		if indent(l) < 12 {
			return false
		}
	}
	return true
}

// copyrightLine is a copyright notice that names the author:
// "Copyright (c) 1993 by Ann Lee", "(c) 1991 Ann Lee", "Copywrite Ann Lee
// 1991", and "1994 Ann Lee" (a © lost to a wrong code page).
var copyrightLine = regexp.MustCompile(`(?i)^\W{0,3}(?:(?:copyright(?:ed)?|copywrite|copr\.?|\(c\)|©)\s*(?:\(c\)|©)?\s*(?:\d{4}[,\s]+)?|\d{4}\s+)(?:by\s+)?([A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})\s*,?\s*(?:\d{4})?\W*$`)

// rightsReserved is the sentence a copyright line may end with.
var rightsReserved = regexp.MustCompile(`(?i)[.,;]?\s*all\s+rights\s+reserved\.?\s*$`)

// copyrightAuthor reads the author from a paragraph of up to five lines
// whose last line is a copyright notice (or is followed only by remarks
// and other notices), and the title from the line above the notice (or
// above a line that just repeats the name).
func copyrightAuthor(p para) (names []string, contact, title string, ok bool) {
	n := len(p.lines)
	if n > 5 {
		return nil, "", "", false
	}
	// The notice is the last line, or a line followed only by remarks
	// and other notices ("{Append standard disclaimers}").
	at := n - 1
	for at >= 0 && !copyrightLine.MatchString(rightsReserved.ReplaceAllString(strings.TrimSpace(p.lines[at]), "")) {
		if l := strings.TrimSpace(p.lines[at]); !legalNotice.MatchString(l) && !bracketed(l) {
			return nil, "", "", false
		}
		at--
	}
	if at < 0 {
		return nil, "", "", false
	}
	m := copyrightLine.FindStringSubmatch(rightsReserved.ReplaceAllString(strings.TrimSpace(p.lines[at]), ""))
	names, contact = authorNames(m[1])
	if len(names) == 0 || strings.EqualFold(names[0], "paramount") {
		return nil, "", "", false
	}
	above := at - 1
	if above >= 0 && titleKey(p.lines[above]) == titleKey(names[0]) {
		above--
	}
	if above >= 1 && descriptorOnly.MatchString(strings.TrimSpace(p.lines[above])) {
		above-- // "Q and A" / "The new Star Trek : The Next Generation Novel" / "Copyright …"
	}
	if above >= 0 && titleLike(para{lines: p.lines[above : above+1]}) {
		title = strings.TrimSpace(p.lines[above])
	}
	return names, contact, title, true
}

// mostlyRule reports whether a line is a long rule with a few words or
// marks in it: "---8<------", "-PART-1-OF-2----CUT-HERE----".
func mostlyRule(l string) bool {
	t := strings.TrimSpace(l)
	if len(t) < 20 {
		return false
	}
	rule := 0
	for i := 0; i < len(t); i++ {
		if strings.IndexByte("-=_~*+#", t[i]) >= 0 {
			rule++
		}
	}
	return rule*4 >= len(t)*3
}

// bracketed reports whether a line is a remark in brackets or braces.
func bracketed(l string) bool {
	if len(l) < 2 {
		return false
	}
	switch l[0] {
	case '{':
		return l[len(l)-1] == '}'
	case '[':
		return l[len(l)-1] == ']'
	case '(':
		return l[len(l)-1] == ')'
	}
	return false
}

// storyCopyrightRe is a sentence that says whose the story is, anywhere in a
// paragraph of notices: "This story is copyright @1994 by Jennifer Shipp",
// "The story is (c) 1993 Ann Lee". It names the story itself, so a notice
// about characters ("All characters copyrighted by Paramount") is not one.
var storyCopyrightRe = regexp.MustCompile(`(?i)\b(?:this|the)\s+(?:story|work|piece|tale|text|file|fic)\s+(?:is\s+)?(?:copyright(?:ed)?|copywrite|\(c\)|©)\s*(?:\(c\)|©|@)?\s*(?:(?:19|20)\d\d[,\s]+)?(?:by\s+)?([A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})`)

// storyCopyrightOn is the same said of the story among other things:
// "copyright on original characters and story, Brenda S. Antrim, 1995",
// "Copyright on characters by Paramount, on story by Brenda Antrim", "All
// original characters and situations (c) 1995 by Wren Halloway".
var storyCopyrightOn = regexp.MustCompile(`(?i)\boriginal\s+(?:characters|story|situations|plot)[\w\s,]{0,40}?\s(?:\(c\)|©|copyright(?:ed)?)\s*(?:(?:19|20)\d\d\s*)?(?:by\s+)?([A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})|\bcopyright(?:ed)?\s+(?:on|of|for)\s+(?:[\w\s,]{0,40}?\s)?(?:the\s+)?(?:story|plot)(?:\s+and\s+[\w\s]{0,30}?)?(?:\s*,\s*|\s+by\s+)([A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})|\bon\s+(?:the\s+)?story\s+by\s+([A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})`)

// storyCopyright reads the author from a story copyright sentence in the
// first four lines of a paragraph.
func storyCopyright(p para) (names []string, ok bool) {
	head := p.lines[0]
	for _, l := range p.lines[1:min(len(p.lines), 4)] {
		head += " " + strings.TrimSpace(l)
	}
	m := storyCopyrightRe.FindStringSubmatch(head)
	if m == nil {
		if on := storyCopyrightOn.FindStringSubmatch(head); on != nil {
			m = []string{on[0], on[1] + on[2] + on[3]}
		}
	}
	if m == nil {
		return nil, false
	}
	// The name ends at a sentence's full stop ("Shipp.  All rights…"); an
	// initial's ("J. Shipp") does not end it.
	f := strings.Fields(m[1])
	for i, w := range f {
		if strings.HasSuffix(w, ".") && len(w) > 2 {
			f = f[:i+1]
			break
		}
	}
	names, _ = authorNames(strings.TrimRight(strings.Join(f, " "), "."))
	if len(names) == 0 || strings.EqualFold(names[0], "paramount") {
		return nil, false
	}
	return names, true
}

// isDedication reports whether a short paragraph dedicates the story:
// "for Randy's Eleventh Birthday", "to my sister".
func isDedication(p para) bool {
	t := strings.ToLower(strings.TrimSpace(p.text()))
	return len(p.lines) <= 3 && (strings.HasPrefix(t, "for ") || strings.HasPrefix(t, "to ") || strings.HasPrefix(t, "dedicated"))
}

// isBareBy reports whether a paragraph is the word "by" alone.
func isBareBy(p para) bool {
	return len(p.lines) == 1 && strings.EqualFold(strings.Trim(p.text(), " -~*_"), "by")
}

// inlineTitle reports whether the text before "by" on a line can be a
// title: at most eight words with a letter, not starting in lower case
// ("…spirit of Amber as set by Roger Zelazny" is prose).
func inlineTitle(t string) bool {
	f := strings.Fields(t)
	if len(f) == 0 || len(f) > 8 || strings.IndexFunc(t, unicode.IsLetter) < 0 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(t, "\"'“_*-~ "))
	return !unicode.IsLower(r)
}

// initialledName is a name written with initials: "A. Rex", "R.L. Nichol",
// "Corinne C. Hawkins".
var initialledName = regexp.MustCompile(`^(?:[A-Z]\.\s*){1,3}[A-Z][a-z'-]+$|^[A-Z][a-z'-]+\s+[A-Z]\.\s+[A-Z][a-z'-]+$`)

// titleBlock reads a story's title block without "by": two to four short
// lines — a title, perhaps a series line or a date — over a line that is
// surely a name, because it carries an e-mail address or initials:
//
//	Mithrais Takes a Q          Star Trek: The Next Generation
//	     (July 10, 1994)        "The Valentine's Day Party"
//	     A. Rex                 Benjamin Hoppe (usr1322a@tso.uc.edu)
//
// The title is the quoted line, or else the one line left once dates are
// set aside.
func titleBlock(p para) (title string, names []string, contact string, ok bool) {
	if len(p.lines) < 2 || len(p.lines) > 4 {
		return "", nil, "", false
	}
	for _, l := range p.lines {
		if len(strings.TrimSpace(l)) > 70 {
			return "", nil, "", false
		}
	}
	last := strings.TrimSpace(p.lines[len(p.lines)-1])
	if !strings.ContainsAny(last, "@.") && !strings.Contains(last, " at ") {
		return "", nil, "", false // neither an address nor initials
	}
	names, contact = authorNames(last)
	if len(names) != 1 || (contact == "" && !initialledName.MatchString(names[0])) {
		return "", nil, "", false
	}
	var rest []string
	for _, l := range p.lines[:len(p.lines)-1] {
		if l = strings.TrimSpace(l); !dateOnly.MatchString(l) {
			rest = append(rest, l)
		}
	}
	for _, l := range rest {
		if q := quotedTitle.FindStringSubmatch(l); q != nil && strings.HasPrefix(l, q[0]) && len(strings.TrimSpace(l[len(q[0]):])) == 0 {
			return strings.TrimSpace(q[1]), names, contact, true
		}
	}
	if len(rest) != 1 || !inlineTitle(rest[0]) || !titleLike(para{lines: rest}) {
		return "", nil, "", false
	}
	return strings.Trim(rest[0], titleDecorTrim), names, contact, true
}

// splitInlineByline reads "TITLE by NAME" on one line: the part before
// "by" (descriptions such as "A Deep Space Nine story" removed, a quoted
// title taken from among other words) and the names after it. found is
// false when the line has no such byline.
func splitInlineByline(l string) (title string, names []string, contact string, found bool) {
	l = gluedBy.ReplaceAllString(strings.TrimSpace(l), "$1 $2")
	m := inlineByline.FindStringSubmatch(l)
	if m == nil || len(l) > 120 || notByline.MatchString(m[1]) {
		return "", nil, "", false
	}
	names, contact = authorNames(m[2])
	title = strings.TrimSpace(storyDescriptor.ReplaceAllString(m[1], ""))
	if q := quotedTitle.FindStringSubmatch(title); q != nil && seriesLead(title[:strings.IndexAny(title, "\"`“")]) {
		// The quoted words are the title; the rest a series name, a date
		// or a version.
		title = q[1]
	}
	return title, names, contact, true
}

// copyrightTail is a copyright mark and what follows it on a title line.
var copyrightTail = regexp.MustCompile(`(?i)[,;:\s-]*(?:copyright|copywrite|\(c\)|©).*$`)

// noticeWords are words of a legal notice rather than a title.
var noticeWords = regexp.MustCompile(`(?i)\b(?:characters?|situations?|original|rights|belongs?|property|trademarks?)\b`)

// inlineTitleBy reports whether what splitInlineByline read is a title and
// its authors, returning the title without decoration.
func inlineTitleBy(t string, names []string) (string, bool) {
	if loc := copyrightTail.FindStringIndex(t); loc != nil {
		// "Grey Stars, copyright 1992 by X" names a title; "All original
		// characters (c) 1995 by X" is a notice.
		if t = t[:loc[0]]; noticeWords.MatchString(t) {
			return "", false
		}
	}
	if len(names) == 0 || !titleLike(para{lines: []string{t}}) || bylineLead.MatchString(t) || !inlineTitle(t) {
		return "", false
	}
	return strings.Trim(t, titleDecorTrim), true
}

// seriesLead reports whether the words before a quoted title are a label,
// a series name or a date rather than part of the title: nothing, or words
// ending in a colon, comma or dash, or words with a digit.
func seriesLead(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || strings.ContainsAny(s[len(s)-1:], ",:;-") || strings.ContainsAny(s, "0123456789")
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
