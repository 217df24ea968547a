package ingest

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	// bylineRe matches "by Michelle", "Written by: A & B", "by / X" (the
	// slash of a centred byline), and "-by- X".
	bylineRe = regexp.MustCompile(`(?i)^\W{0,4}(?:written\s+|a\s+story\s+|story\s+)?by\W{0,3}(?:\s+|$)(.*)$`)
	// wroteLine is "X wrote:" on a line of its own.
	wroteLine = regexp.MustCompile(`^([A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})\s+(?:wrote|writes)\s*:\s*$`)
	// notByline are phrases that end in "by" without naming the author.
	notByline = regexp.MustCompile(`(?i)\b(?:inspired|suggested|requested|dedicated|based|influenced|prompted|edited|beta(?:'?d|-read)?|proofread|typed|posted|forwarded|reposted|sent|illustrated|produced|directed|created|conceived|developed|owned|copyrighted|trademarked)\s*$`)
	// emailRe finds an e-mail address, also in the "name at host dot com"
	// style some authors used against harvesters.
	// Mailman's archives print "wren at example.org"; the host must end in
	// a common or a two-letter domain for that form, so prose ("at
	// ease.Then") is not taken for it.
	emailRe = regexp.MustCompile(`(?i)[a-z0-9._%+\-!]+@[a-z0-9.\-]+\.[a-z]{2,}|[a-z0-9._%+\-]+\s+(?:at|\(at\)|\[at\])\s+[a-z0-9\-]+(?:\s+(?:dot|\(dot\)|\[dot\])\s+[a-z]{2,})+|[a-z0-9._%+\-]+\s+at\s+[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.(?:com|net|org|edu|gov|mil|info|[a-z]{2})\b`)
	// nameNoise is what bylines carry besides names: copyright notices,
	// years and dates, "(c)", e-mail brackets, and a parenthesis never
	// closed ("Jamie Holt (all comments CC to the list").
	nameNoise = regexp.MustCompile(`(?i),?\s*\(?\b(?:19|20)\d\d\b.*$|,?\s+an?\s+[^,]{0,60}\b(?:story|tale|fic|fanfic|novel|novella|parody|crossover|vignette)\b.*$|\s*(?:[-–—,;(]\s*)?(?:copyright|\(c\)|©|copr\.?)\s*.*$|\s*[(,]?\s*\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?:\d{1,2},?\s+)?'?\d{2,4}\)?\s*$|\s*[,(\[-]?\s*\(?\b(?:19|20)\d\d\b\)?\.?\s*$|\s*<[^>]*>|\s*\([^)]*@[^)]*\)|\s*\[[^\]]*@[^\]]*\]|\s+#\d{1,4}\s*$|\s*[,(]?\s*\d{1,2}/\d{1,2}/(?:19|20)?\d\d\)?\s*$|\s+\([^()]*$`)
	// decoratedWord is a heading in underscores or asterisks run onto a name
	// line: "B.J. Henry _Synopsis_".
	decoratedWord = regexp.MustCompile(`\s+[_*]\w[\w ]*[_*]\s*$`)
	// legalNotice is a copyright or trademark line under a byline.
	legalNotice = regexp.MustCompile(`(?i)copyright|\(c\)|©|\(tm\)|™|trademark|rights\s+reserved|paramount|owned\s+by|property\s+of`)
	// coAuthorSep splits "A and B", "A & B", "A, B and C".
	coAuthorSep = regexp.MustCompile(`\s*(?:,\s*(?:and\s+|&\s*)?|\s+and\s+|\s*&\s*|\s+with\s+)\s*`)
)

// notNames are words that follow "by" in prose but do not begin a name:
// "by the time", "by his side", "by now".
var notNames = map[string]bool{
	"the": true, "a": true, "an": true, "his": true, "her": true, "their": true, "my": true, "your": true,
	"our": true, "its": true, "this": true, "that": true, "these": true, "those": true, "then": true,
	"now": true, "way": true, "far": true, "all": true, "which": true, "whom": true, "who": true, "me": true,
	"him": true, "them": true, "us": true, "it": true, "no": true, "means": true, "accident": true,
	"chance": true, "night": true, "day": true, "morning": true, "one": true, "some": true, "any": true,
	"default": true, "hand": true, "himself": true, "herself": true, "itself": true, "myself": true,
	"yourself": true, "themselves": true, "nature": true, "design": true, "god": true, "heart": true,
	"name": true, "email": true, "e-mail": true, "mail": true, "post": true, "request": true,
}

// byline reads a byline paragraph ("by Michelle", "by / Kirsten Berry") and
// returns the author names and any e-mail address written beside them.
func byline(p para) (names []string, contact string, ok bool) {
	if len(p.lines) > 2 {
		return nil, "", false
	}
	if m := wroteLine.FindStringSubmatch(strings.TrimSpace(p.lines[0])); m != nil && len(p.lines) == 1 {
		// "Kirsten Berry wrote:" alone above the story.
		if names, contact := authorNames(m[1]); len(names) > 0 {
			return names, contact, true
		}
	}
	m := bylineRe.FindStringSubmatch(strings.TrimSpace(p.lines[0]))
	if m == nil {
		return nil, "", false
	}
	rest := strings.TrimSpace(m[1])
	if rest == "" || rest == "/" {
		if len(p.lines) != 2 {
			return nil, "", false
		}
		rest = strings.TrimSpace(p.lines[1])
	} else if len(p.lines) == 2 {
		// A second line may be the address ("by Michelle\n<m@example.com>")
		// or a copyright or trademark notice.
		switch {
		case emailRe.MatchString(p.lines[1]):
			rest += " " + strings.TrimSpace(p.lines[1])
		case !legalNotice.MatchString(p.lines[1]):
			return nil, "", false
		}
	}
	names, contact = authorNames(rest)
	return names, contact, len(names) > 0
}

// findEmail returns the first e-mail address in s, "wren at example.org"
// written back as "wren@example.org"; "" if there is none.
func findEmail(s string) string {
	return unobscureAddr(emailRe.FindString(s))
}

// maxAuthorField is the longest author field or byline read as names; a
// longer one is prose that happens to start with "by".
const maxAuthorField = 300

// authorNames splits an author field or byline into names, removing
// copyright notices, years and e-mail addresses; the first address found is
// returned as the contact. It returns no names when the text does not look
// like a list of names (too long, or a word that does not begin one).
func authorNames(s string) (names []string, contact string) {
	if len(s) > maxAuthorField {
		return nil, findEmail(s[:maxAuthorField])
	}
	contact = findEmail(s)
	s = emailRe.ReplaceAllString(s, "")
	// Noise can nest ("Ann (c) 1993, 1994"); a few passes remove it all.
	for range 4 {
		s = nameNoise.ReplaceAllString(s, "")
	}
	s = decoratedWord.ReplaceAllString(s, "")
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "-–—:,;.()[]<>\"*_~"))
	if s == "" {
		return nil, contact
	}
	for _, n := range coAuthorSep.Split(s, -1) {
		n = strings.Trim(strings.TrimSpace(n), "-–—:,;.()[]<>\"*_~")
		if n == "" {
			continue
		}
		if !looksLikeName(n) {
			return nil, contact
		}
		names = append(names, n)
	}
	return names, contact
}

// looksLikeName accepts up to six words with a letter, the first of which is
// not a word that follows "by" in prose.
func looksLikeName(n string) bool {
	f := strings.Fields(n)
	if len(f) == 0 || len(f) > 6 || len(n) > 60 {
		return false
	}
	if notNames[strings.ToLower(f[0])] || strings.ContainsAny(n, "[]{}<>") || strings.Contains(strings.ToLower(n), "paramount") {
		return false
	}
	// Prose, not a name: a sentence's small words, or a sentence break.
	for i, w := range f {
		if nameStopwords[w] || (i < len(f)-1 && strings.HasSuffix(w, ".") && len(w) > 4 && strings.IndexFunc(w, unicode.IsLower) >= 0) {
			return false
		}
	}
	// A name begins with a letter: "345.8 by 764.3.  Warp 4." is a
	// heading, not a byline.
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(n, "'\"‘“(["))
	return unicode.IsLetter(r)
}

// nameStopwords are lower-case words that occur in sentences but not in
// names ("von", "de" and "van" do; they are not here).
var nameStopwords = map[string]bool{
	"and": true, "for": true, "is": true, "was": true, "there": true, "this": true, "that": true, "to": true,
	"of": true, "in": true, "on": true, "with": true, "at": true, "it": true, "are": true, "be": true,
	"not": true, "but": true, "so": true, "as": true, "or": true, "if": true, "we": true, "you": true,
	"i": true, "my": true, "me": true, "has": true, "have": true, "had": true, "will": true, "would": true,
	"the": true, "a": true, "an": true, "pictures": true, "inc": true, "inc.": true,
}
