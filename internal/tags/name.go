// Package tags holds the rules for tag names: how a name as typed is tidied,
// which spellings are the same tag (Norm), and which tags are probably
// synonyms that an archivist should look at (ProposeSynonyms). It knows
// nothing about storage; the stores call it when they write tags.
package tags

import (
	"slices"
	"strings"
	"unicode"

	"fanarchive"
)

// Clean tidies a tag name as typed: surrounding space is trimmed, runs of
// white space become one space, and a relationship's separators lose the
// spaces around them ("Clark / Lex" becomes "Clark/Lex"). Case and the order
// of names are kept: that is how the author wrote it.
func Clean(kind fanarchive.TagKind, name string) string {
	name = strings.Join(strings.FieldsFunc(name, unicode.IsSpace), " ")
	if kind == fanarchive.TagRelationship {
		for _, sep := range []string{"/", "&"} {
			parts := strings.Split(name, sep)
			if len(parts) < 2 {
				continue
			}
			for i, p := range parts {
				parts[i] = strings.TrimSpace(p)
			}
			name = strings.Join(parts, sep)
		}
		name = strings.ReplaceAll(name, "&", " & ")
		name = strings.Join(strings.Fields(name), " ")
	}
	return name
}

// Norm returns the key under which spellings of one tag are the same: the
// cleaned name in lower case and, for a relationship, with the names on
// either side of its separator in alphabetical order. "Lex/Clark",
// "clark / lex" and "Clark/Lex" share a key; "Clark & Lex" (friendship) does
// not share it with "Clark/Lex" (romance). A relationship mixing both
// separators ("A/B & C") keeps its order, since it is not clear what pairs
// with what.
func Norm(kind fanarchive.TagKind, name string) string {
	key := strings.ToLower(Clean(kind, name))
	if kind != fanarchive.TagRelationship {
		return key
	}
	slash, amp := strings.Contains(key, "/"), strings.Contains(key, "&")
	if slash == amp { // neither, or both
		return key
	}
	sep := "/"
	if amp {
		sep = "&"
	}
	parts := strings.Split(key, sep)
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	slices.Sort(parts)
	if sep == "&" {
		return strings.Join(parts, " & ")
	}
	return strings.Join(parts, "/")
}

// loose is a key looser than Norm, for proposals only: punctuation counts as
// space and a leading article is dropped, so "The X-Files" and "X Files"
// share it.
func loose(kind fanarchive.TagKind, name string) string {
	key := Norm(kind, name)
	var b strings.Builder
	for _, r := range key {
		switch {
		case r == '/' || r == '&':
			b.WriteRune(r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	if len(words) > 1 && (words[0] == "the" || words[0] == "a" || words[0] == "an") {
		words = words[1:]
	}
	return strings.Join(words, " ")
}

// words returns the lower-case words of a name, punctuation dropped.
func words(name string) []string {
	return strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
}
