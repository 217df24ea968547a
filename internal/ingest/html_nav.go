package ingest

import (
	"regexp"
	"strings"
)

// navigation reports whether a block is site navigation: links and nothing
// but separators and words such as "next", "back", "chapter 3 of 7"; or a
// short "Return to the archive" line.
func (b *hblock) navigation() bool {
	switch {
	case b.mail || (b.kind != blockText && b.kind != blockHeading):
		return false
	case b.links > 0 && !b.other:
		return b.kind == blockText || !b.linkOther
	case b.kind == blockText && len(b.lines) == 1 && b.words <= 12:
		return returnLine.MatchString(b.lines[0])
	}
	return false
}

// returnLine matches a line that sends the reader elsewhere on the site.
var returnLine = regexp.MustCompile(`(?i)^\W*(?:back|return|go back|go|up)\s+to\s+(?:the\s+|my\s+|our\s+)?(?:top|index|archive|main\s+page|home\s*page|home|stories|story\s+index|fics?|fiction|library|contents|chapter\s+(?:index|list)|author'?s?\s+page|[\w' ]{1,30}\s+(?:archive|index|page))\b[^.!?]{0,30}\W*$`)

// navFiller are the words navigation bars use besides their links.
var navFiller = map[string]bool{
	"next": true, "previous": true, "prev": true, "back": true, "home": true, "index": true, "top": true,
	"main": true, "page": true, "chapter": true, "part": true, "of": true, "or": true, "to": true,
	"the": true, "return": true, "go": true, "up": true, "contents": true, "menu": true, "toc": true,
	"first": true, "last": true, "more": true, "site": true, "here": true, "click": true, "story": true,
}

// count adds the words of s to the navigation counts of the block.
func (w *blockWalker) count(s string) {
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isWordByte(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start < 0 {
			continue
		}
		word := s[start:i]
		start = -1
		w.cur.words++
		// Filler is looked up only while it can still matter.
		switch {
		case w.link > 0:
			w.cur.linkOther = w.cur.linkOther || !isFiller(word)
		default:
			w.cur.other = w.cur.other || !isFiller(word)
		}
	}
}

// isWordByte reports whether c belongs to a word for navigation counts:
// ASCII letters, digits, apostrophes and any byte of a non-ASCII rune.
func isWordByte(c byte) bool {
	return c >= 0x80 || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '\''
}

// isFiller reports whether a word is one navigation bars use besides
// their links: a navFiller word, a number or a roman numeral. It is called
// for every word of a page, so it does not allocate.
func isFiller(word string) bool {
	if len(word) > 8 {
		return false
	}
	var buf [8]byte
	lower := buf[:len(word)]
	digits, roman := true, true
	for i := 0; i < len(word); i++ {
		c := word[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
		digits = digits && '0' <= c && c <= '9'
		roman = roman && strings.IndexByte("ivxlc", c) >= 0
	}
	return digits || navFiller[string(lower)] || (roman && romanValue(string(lower)) > 0)
}
