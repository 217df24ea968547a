// Package prose turns story text into the archive's body format and back,
// and measures it. A chapter body is sanitised HTML built from a few block
// kinds (see Block); every importer produces it and every reader (web pages,
// downloads, search) consumes it, so the rules for what a word is and which
// markup is allowed live here once.
package prose

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CountWords counts the words in text.
//
// A word is a maximal run of letters, digits and combining marks, which may
// contain an apostrophe (' or ’) or a hyphen (- ‐ ‑) between two such
// characters: "it's", "well-known" and "2nd" are one word each, "rock-" and
// "'tis" count their letters only. Anything else separates words, so tokens
// made only of punctuation, such as ". . ." or "--", are not words, and an
// em dash between two words ("yes—no") separates them.
func CountWords(text string) int {
	n := 0
	forEachWord(text, func(int, int) bool { n++; return true })
	return n
}

// forEachWord calls fn with the byte offsets [start, end) of each word in
// text, in order, until fn returns false.
func forEachWord(text string, fn func(start, end int) bool) {
	start := -1 // start of the current word, or -1 outside a word
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		switch {
		case isWordRune(r):
			if start < 0 {
				start = i
			}
		case start >= 0 && isJoiner(r) && i+size < len(text):
			next, _ := utf8.DecodeRuneInString(text[i+size:])
			if !isWordRune(next) {
				if !fn(start, i) {
					return
				}
				start = -1
			}
		case start >= 0:
			if !fn(start, i) {
				return
			}
			start = -1
		}
		i += size
	}
	if start >= 0 {
		end := len(text)
		// A word may not end in a joiner ("rock-" at the end of the text).
		for end > start {
			r, size := utf8.DecodeLastRuneInString(text[start:end])
			if !isJoiner(r) {
				break
			}
			end -= size
		}
		fn(start, end)
	}
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

func isJoiner(r rune) bool {
	switch r {
	case '\'', '’', '-', '‐', '‑':
		return true
	}
	return false
}

// FirstWords returns the start of text up to and including its n-th word and
// the punctuation that closes it (". or ?!"), with runs of white space
// collapsed to one space. It returns all of text, collapsed, when it has n
// words or fewer.
func FirstWords(text string, n int) string {
	if n <= 0 {
		return ""
	}
	end, count := len(text), 0
	forEachWord(text, func(_, e int) bool {
		count++
		if count == n {
			end = e
			return false
		}
		return true
	})
	for end < len(text) {
		r, size := utf8.DecodeRuneInString(text[end:])
		if unicode.IsSpace(r) || isWordRune(r) {
			break
		}
		end += size
	}
	return collapseSpace(text[:end])
}

// LastWords returns the end of text from its n-th last word (and any
// punctuation that opens it, such as a quotation mark), with white space
// collapsed to one space.
func LastWords(text string, n int) string {
	if n <= 0 {
		return ""
	}
	var starts []int
	forEachWord(text, func(s, _ int) bool { starts = append(starts, s); return true })
	start := 0
	if len(starts) > n {
		start = starts[len(starts)-n]
		for start > 0 {
			r, size := utf8.DecodeLastRuneInString(text[:start])
			if unicode.IsSpace(r) || isWordRune(r) {
				break
			}
			start -= size
		}
	}
	return collapseSpace(text[start:])
}

func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
