package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
)

// label is what the index says a file is.
type label int

const (
	labelUnknown    label = iota // the index does not say; not scored
	labelFiction                 // "Fan Fiction: …"
	labelNonFiction              // reviews, lists, FAQs, guides…
)

// entry is one line of the index.
type entry struct {
	desc          string
	label         label
	title, author string
	multiPart     bool // the file holds several posts
	posts         int
}

var (
	fictionPrefix = regexp.MustCompile(`(?i)^\s*(?:fan\s*fi\w*ction|fanfiction)\s*:?\s*`)
	// nonFiction words in a description mark reviews, references and games;
	// a description with none of them and no fiction prefix is unlabelled.
	nonFiction   = regexp.MustCompile(`(?i)\b(?:review|reviews|listing|list|lists|faq|guide|encyclopedia|timeline|chronology|drinking|interview|information|info|technical|manual|discussion|bible|quiz|index|biographies|program notes|ascii art|locations|novels|episodes?|compendium|comendium|symposium|how to|explain\w*|rules|comments|letter|peoples|ships|sjhips|worlds|personnel|adaptations|music|trivia|language|dateline|promo|speculative|effects|song|rationalization|inclusionary|dicsussions|treknology|super-physics|appearances|frequently asked)\b`)
	trailingDate = regexp.MustCompile(`\s*\((?:[A-Za-z]+\.?\s+)?(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?\d{4}\)?\s*$|\s*\([A-Za-z]+\s+\d{1,2}(?:st|nd|rd|th)?\)\s*$`)
	trailingYear = regexp.MustCompile(`,?\s*\(?\d{4}\)?\s*$`)
	titlePart    = regexp.MustCompile(`(?i),?\s*\b(?:part|chapter)\s+[0-9ivx]+\s*$`)
	subjectLine  = regexp.MustCompile(`(?m)^Subject:`)
)

// readIndex reads a .descs file and labels its entries; it also counts the
// posts in each indexed file, to know which hold multi-part stories.
func readIndex(path string) (map[string]entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	defer f.Close()
	dir := filepath.Dir(path)
	index := map[string]entry{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, desc, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if !ok {
			continue
		}
		e := entry{desc: strings.TrimSpace(desc)}
		switch {
		case fictionPrefix.MatchString(e.desc):
			e.label = labelFiction
			e.title, e.author = titleAuthor(fictionPrefix.ReplaceAllString(e.desc, ""))
		case nonFiction.MatchString(e.desc):
			e.label = labelNonFiction
		}
		if raw, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			e.posts = len(subjectLine.FindAllIndex(bytes.ReplaceAll(raw, []byte("\r"), nil), -1))
			e.multiPart = e.label == labelFiction && e.posts >= 2
		}
		index[name] = e
	}
	return index, sc.Err()
}

// titleAuthor splits "Title, by Author (1993)" into its title and author.
func titleAuthor(s string) (title, author string) {
	s = trailingDate.ReplaceAllString(strings.TrimSpace(s), "")
	for _, sep := range []string{", by ", " by ", ", from ", " from "} {
		if i := strings.LastIndex(s, sep); i > 0 {
			title, author = s[:i], s[i+len(sep):]
			break
		}
	}
	if title == "" {
		title = s
	}
	author = strings.TrimRight(trailingYear.ReplaceAllString(strings.TrimSpace(author), ""), ",.) ")
	title = titlePart.ReplaceAllString(strings.TrimSpace(title), "")
	return strings.Trim(title, ` ,"`), author
}

// norm normalises a title or name for comparison: lower case, letters and
// digits only, single spaces, and no leading "the".
func norm(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return unicode.ToLower(r)
		case r == '\'' || r == '’':
			return -1
		}
		return ' '
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	return strings.TrimPrefix(s, "the ")
}

// authorMatch reports whether the work's authors are the index's: the same
// set of normalised names. An index entry without an author matches any.
func authorMatch(got []string, want string) bool {
	if want == "" {
		return true
	}
	wantSet := map[string]bool{}
	for _, n := range regexp.MustCompile(`\s+&\s+|\s+and\s+`).Split(want, -1) {
		wantSet[norm(n)] = true
	}
	if len(got) != len(wantSet) {
		return false
	}
	for _, n := range got {
		if !wantSet[norm(n)] {
			return false
		}
	}
	return true
}

// lenientTitle is a diagnostic, not the target: it also accepts a title
// that the index's title contains or that contains it (the index often adds
// a series prefix, "Star Trek: …", or a subtitle, "(DS9)"), and titles one
// letter apart (the index's typos: "Gratitutde").
func lenientTitle(got, want string) bool {
	g, w := norm(got), norm(want)
	if g == "" {
		return false
	}
	return g == w || strings.Contains(w, g) || strings.Contains(g, w) || editDistance(g, w) <= 1
}

// lenientAuthor accepts the same surname (last word), or names one letter
// apart: "MR RL NICOL" and "R. L. Nichol", "David Mears" and "David B. Mears".
func lenientAuthor(got []string, want string) bool {
	if want == "" {
		return true
	}
	if len(got) == 0 {
		return false
	}
	gw, ww := strings.Fields(norm(got[0])), strings.Fields(norm(regexp.MustCompile(`\s+&\s+|\s+and\s+`).Split(want, 2)[0]))
	if len(gw) == 0 || len(ww) == 0 {
		return false
	}
	a, b := gw[len(gw)-1], ww[len(ww)-1]
	return editDistance(a, b) <= 1 || editDistance(norm(got[0]), norm(want)) <= 1
}

// editDistance is the Levenshtein distance between two strings.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}
