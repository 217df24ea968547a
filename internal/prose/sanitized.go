package prose

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// IsSanitized reports, quickly, whether body is already as Sanitize leaves
// it: Sanitize(body) == body whenever it returns true (FuzzIsSanitized holds
// it to that). It is conservative: false means "not sure", and Sanitize
// must then be run.
//
// Sanitising costs about 50 ns a byte (3.8 ms for a 70 KB chapter, more
// than storing the work does), and every body a store writes must be
// sanitised (fanarchive.WorkService); almost all of them come from this
// package already sanitised. This check reads each byte once, at several
// hundred MB/s, and accepts exactly the shape Sanitize writes: the policy's
// elements, lower case, each attribute allowed on its element, with a value
// its pattern matches, written ` name="value"`; text with no `<`, `>`, `'`
// or `"`, and `&` only in &amp; &lt; &gt; &#39; and &#34;; no comments,
// doctypes or carriage returns; valid UTF-8.
func IsSanitized(body string) bool {
	if !utf8.ValidString(body) {
		return false
	}
	for i := 0; i < len(body); {
		switch c := body[i]; c {
		case '<':
			n := tagLen(body[i:])
			if n == 0 {
				return false
			}
			i += n
		case '&':
			n := entityLen(body[i:])
			if n == 0 {
				return false
			}
			i += n
		case '>', '"', '\'', '\r', 0:
			return false
		default:
			i++
			for i < len(body) && !textStop[body[i]] {
				i++
			}
		}
	}
	return true
}

// textStop marks the bytes IsSanitized must look at: the others are text
// that Sanitize writes as it is.
var textStop = [256]bool{'<': true, '&': true, '>': true, '"': true, '\'': true, '\r': true, 0: true}

// Clean returns body as Sanitize leaves it, without the cost of sanitising
// a body that already is (IsSanitized). Stores pass every body they write
// through it.
func Clean(body string) string {
	if IsSanitized(body) {
		return body
	}
	return Sanitize(body)
}

// entityLen returns the length of the character reference at the start of
// s if it is one Sanitize writes, else 0.
func entityLen(s string) int {
	for _, e := range [...]string{"&amp;", "&lt;", "&gt;", "&#39;", "&#34;"} {
		if strings.HasPrefix(s, e) {
			return len(e)
		}
	}
	return 0
}

// tagLen returns the length of the tag at the start of s (s[0] is '<') if
// Sanitize would write it as it is, else 0.
func tagLen(s string) int {
	i := 1
	end := i < len(s) && s[i] == '/'
	if end {
		i++
	}
	name, n := tagName(s[i:])
	rule, ok := bodyRules()[name]
	if n == 0 || !ok {
		return 0
	}
	i += n
	if end {
		if i < len(s) && s[i] == '>' {
			return i + 1
		}
		return 0
	}
	var seen [4]string // attribute names so far: an element has few
	attrs := 0
	for {
		switch {
		case i < len(s) && s[i] == '>':
			i++
		case i+1 < len(s) && s[i] == '/' && s[i+1] == '>':
			i += 2
		case i < len(s) && s[i] == ' ':
			key, n := attrName(s[i+1:])
			if n == 0 || attrs == len(seen) {
				return 0
			}
			for _, k := range seen[:attrs] {
				if k == key {
					return 0 // repeated: kept twice, but not worth modelling
				}
			}
			seen[attrs] = key
			attrs++
			i += 1 + n
			if !strings.HasPrefix(s[i:], `="`) {
				return 0
			}
			i += 2
			j := strings.IndexByte(s[i:], '"')
			if j < 0 || !rule.allows(key, s[i:i+j]) {
				return 0
			}
			i += j + 1
			continue
		default:
			return 0
		}
		if attrs == 0 && !rule.bare {
			return 0 // Sanitize drops this element when it has no attributes
		}
		return i
	}
}

// tagName returns the lower-case tag name at the start of s and its
// length: a letter, then letters and digits.
func tagName(s string) (string, int) {
	n := 0
	for n < len(s) && ('a' <= s[n] && s[n] <= 'z' || n > 0 && '0' <= s[n] && s[n] <= '9') {
		n++
	}
	return s[:n], n
}

// attrName returns the lower-case attribute name at the start of s and its
// length.
func attrName(s string) (string, int) {
	n := 0
	for n < len(s) && 'a' <= s[n] && s[n] <= 'z' {
		n++
	}
	return s[:n], n
}

// elementRule is what IsSanitized allows of one element.
type elementRule struct {
	bare bool // Sanitize keeps it without attributes
	name string
}

// allows reports whether the element may carry attribute key with value
// val, written as it is (no character that Sanitize would escape).
func (r elementRule) allows(key, val string) bool {
	if strings.ContainsAny(val, "&<>'\r\x00") {
		return false
	}
	switch key {
	case "class":
		return classValue.MatchString(val)
	case "dir":
		return dirValue.MatchString(val)
	case "lang":
		return langValue.MatchString(val)
	case "title":
		return r.name == "abbr" && titleValue.MatchString(val)
	case "colspan", "rowspan":
		return (r.name == "td" || r.name == "th") && integerValue.MatchString(val)
	}
	return false
}

// bodyRules maps each element of the policy to its rule. Which elements
// Sanitize keeps without attributes is bluemonday's own list; it is read
// from Sanitize itself rather than copied, so the two cannot drift apart.
var bodyRules = sync.OnceValue(func() map[string]elementRule {
	rules := make(map[string]elementRule, len(bodyElements))
	for _, e := range bodyElements {
		tag := "<" + e + ">"
		rules[e] = elementRule{name: e, bare: Sanitize(tag+"x") == tag+"x"}
	}
	return rules
})
