package ingest

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// textStats are the counts the classifier's text features are made of,
// measured in one pass over the words and one over the lines (a regular
// expression per feature over the whole text was most of an import's time).
type textStats struct {
	words, quotes, said, third, opinion    int
	speech                                 int // closing quotes after a sentence's punctuation: `."` `,"` `?"`
	past, present                          int // was/were/had against is/are/has
	nonBlank, listLines, questions, rating int
	speakers                               int
	fieldLines                             int // speaker-like lines with a short value and no sentence: "Class: Apollo"
	capsNames                              int // lines that are a name in capitals: a screenplay's speakers
	speakerNames                           map[string]bool
	verse                                  int // lines in runs of three or more short lines
	filk                                   bool
	compiled                               bool // "compiled by", "last updated", "version 1.4" near the top: a reference
	drink                                  int
}

var (
	saidSet = wordSet("said asked replied answered whispered shouted muttered nodded smiled looked turned walked sighed frowned grinned laughed stared")
	// thirdSet are third-person pronouns: narration's, not a review's "I".
	thirdSet = wordSet("he she his her him they their")
	// Narration is mostly in the past tense; reviews, synopses and
	// references in the present.
	pastSet    = wordSet("was were had did")
	presentSet = wordSet("is are has does")
	// opinionSingles and opinionPairs are a reviewer's words.
	opinionSingles = wordSet("imho imo season overall rating")
	opinionPairs   = wordSet("i_thought i_think i_liked i_loved i_hated this_episode the_episode this_week's the_show the_series the_writers the_actor the_actors the_script the_plot my_opinion")
	drinkPairs     = wordSet("a_drink a_shot a_sip your_drink drink_once drink_twice")
	// pairFirst are the words that begin a pair above.
	pairFirst = wordSet("i this the my a your drink")

	// referenceMark is how lists and FAQs introduce themselves.
	referenceMark = regexp.MustCompile(`\bcompiled\b|\blast\s+(?:updated|revised|modified)\b|\bversion\s+\d+(?:\.\d+)+\b|\brevision\s+\d|\bupdated\s+(?:through|to|on|as\s+of)\b`)
	speakerPrefix = regexp.MustCompile(`^([A-Z][A-Za-z.'-]{1,20}(?: [A-Z][A-Za-z.'-]{1,20})?)\s*:\s+\S`)
	ratingOnLine  = regexp.MustCompile(`(?i)^\s*(?:plot|plot handling|characterization|technical|acting|total|overall|rating)\s*:\s*\d|\b\d+(?:\.\d+)?\s*/\s*(?:10|5|4)\b(?:\s*[^/\d]|$)|\b\d\s+(?:out\s+of|of)\s+(?:10|5|4)\b`)
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// measureText counts what the classifier needs.
func measureText(text string) textStats {
	st := textStats{speakerNames: map[string]bool{}}
	st.countWords(text)
	run := 0
	flush := func() {
		if run >= 3 {
			st.verse += run
		}
		run = 0
	}
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if t == "" {
			flush()
			continue
		}
		st.nonBlank++
		if len(t) < 55 {
			run++
		} else {
			flush()
		}
		st.countLine(t, line)
	}
	flush()
	lower := strings.ToLower(text)
	st.filk = strings.Contains(lower, "to the tune of") || strings.Contains(lower, "(tune:") || strings.Contains(lower, " filk")
	st.compiled = referenceMark.MatchString(lower[:min(len(lower), 800)])
	return st
}

// countWords walks the words once, counting the word-level features.
func (st *textStats) countWords(text string) {
	var prev string // the word before, when it can begin a pair
	var buf, pair []byte
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if c == '"' {
				st.quotes++
				if i > 0 && strings.IndexByte(".,!?-", text[i-1]) >= 0 {
					st.speech++
				}
			}
			if !asciiWord[c] {
				i++
				continue
			}
		} else {
			r, size := utf8.DecodeRuneInString(text[i:])
			if r == '“' || r == '”' {
				st.quotes++
				if r == '”' && i > 0 && strings.IndexByte(".,!?-", text[i-1]) >= 0 {
					st.speech++
				}
			}
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				i += size
				continue
			}
		}
		// A word: letters and digits, with inner apostrophes, lower-cased.
		buf = buf[:0]
		j := i
		for j < len(text) {
			if c := text[j]; c < utf8.RuneSelf {
				switch {
				case asciiWord[c]:
					if 'A' <= c && c <= 'Z' {
						c += 'a' - 'A'
					}
					buf = append(buf, c)
					j++
					continue
				case c == '\'' && j+1 < len(text) && asciiWord[text[j+1]]:
					buf = append(buf, '\'')
					j++
					continue
				}
				break
			}
			r, size := utf8.DecodeRuneInString(text[j:])
			if r == '’' && j+size < len(text) && text[j+size] < utf8.RuneSelf && asciiWord[text[j+size]] {
				buf = append(buf, '\'')
			} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
				buf = utf8.AppendRune(buf, unicode.ToLower(r))
			} else {
				break
			}
			j += size
		}
		if j == i {
			j++ // never stall on a byte the loops disagree about
		}
		st.words++
		if len(buf) > maxClassWord {
			prev = ""
			i = j
			continue // no class word or pair is this long
		}
		// One map lookup per word; indexing with string(buf) does not allocate.
		switch wordClass[string(buf)] {
		case classSaid:
			st.said++
		case classThird:
			st.third++
		case classOpinion:
			st.opinion++
		case classPast:
			st.past++
		case classPresent:
			st.present++
		case classChug:
			st.drink++
		}
		if prev != "" {
			pair = append(append(append(pair[:0], prev...), '_'), buf...)
			if drinkPairs[string(pair)] {
				st.drink++
			} else if opinionPairs[string(pair)] {
				st.opinion++
			}
		}
		prev = ""
		if pairFirst[string(buf)] {
			prev = string(buf)
		}
		i = j
	}
}

// Word classes for the classifier's counts.
const (
	classNone byte = iota
	classSaid
	classThird
	classOpinion
	classPast
	classPresent
	classChug
)

// maxClassWord is the length of the longest word in any class or pair.
const maxClassWord = 9

// wordClass maps a lower-cased word to its class.
var wordClass = func() map[string]byte {
	m := map[string]byte{"chug": classChug}
	for class, set := range map[byte]map[string]bool{classSaid: saidSet, classThird: thirdSet,
		classOpinion: opinionSingles, classPast: pastSet, classPresent: presentSet} {
		for w := range set {
			m[w] = class
		}
	}
	return m
}()

// asciiWord marks the ASCII bytes words are made of.
var asciiWord = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	return t
}()

// countLine counts the line-level features of one non-blank line (t is
// the line trimmed).
func (st *textStats) countLine(t, line string) {
	if isListLine(t, line) {
		st.listLines++
	}
	lt := strings.ToLower(t[:min(len(t), 8)]) // enough for the prefixes below
	if strings.HasPrefix(lt, "q.") || strings.HasPrefix(lt, "q:") || strings.HasPrefix(lt, "q)") || strings.HasPrefix(lt, "question") ||
		(startsNumbered(t) && strings.HasSuffix(t, "?")) {
		st.questions++
	}
	// The regular expressions see short lines, or a line's first bytes:
	// rating marks stand on short lines, a speaker's name starts one.
	if len(t) <= 120 && strings.ContainsAny(t, "0123456789") && (strings.ContainsAny(t, ":/") || strings.Contains(t, " of ")) && ratingOnLine.MatchString(t) {
		st.rating++
	}
	if name := capsSpeaker(t); name != "" {
		st.capsNames++
		st.speakerNames[strings.ToLower(name)] = true
	}
	if c := t[0]; c >= 'A' && c <= 'Z' && strings.IndexByte(t[:min(len(t), 48)], ':') > 0 {
		if m := speakerPrefix.FindStringSubmatch(t[:min(len(t), 50)]); m != nil {
			st.speakers++
			st.speakerNames[strings.ToLower(m[1])] = true
			if recordValue(t[strings.IndexByte(t, ':')+1:]) {
				st.fieldLines++
			}
		}
	}
}

// recordValue reports whether what follows a label's colon is a record's
// value ("NCC-11574", "Apollo", "The First Duty (TNG)") rather than a line
// of speech, which is a sentence: no sentence's punctuation, and at most
// three words or words mostly capitalised, as a title is.
func recordValue(v string) bool {
	v = strings.TrimSpace(v)
	if strings.ContainsAny(v, ".!?\"“”") || strings.HasSuffix(v, ",") {
		return false
	}
	f := strings.Fields(v)
	if len(f) <= 3 {
		return true
	}
	upper := 0
	for _, w := range f {
		if r, _ := utf8.DecodeRuneInString(strings.TrimLeft(w, "(['")); unicode.IsUpper(r) || unicode.IsDigit(r) {
			upper++
		}
	}
	return upper*10 >= len(f)*6
}

// capsSpeaker returns the speaker's name a script line gives in capitals:
// a line that is only the name ("GEORGE"), or the name set in a column of
// its own before the speech ("TUUD            Actually, George…",
// "GARIBALDRIC(VO) Space."). It returns "" for any other line.
func capsSpeaker(t string) string {
	name := t
	if i := strings.Index(t[:min(len(t), 30)], "    "); i > 0 {
		name = t[:i] // a column of names
	} else if i := strings.Index(t[:min(len(t), 30)], ") "); i > 0 && strings.Contains(t[:i], "(") {
		name = t[:strings.Index(t, "(")] // a name and a direction: "GARIBALDRIC(VO)"
	}
	name = strings.TrimSpace(name)
	if len(name) > 24 || strings.ToUpper(name) != name || strings.IndexFunc(name, unicode.IsLetter) < 0 || len(strings.Fields(name)) > 3 ||
		strings.Trim(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ .'-") != "" {
		return ""
	}
	return name
}

// isListLine reports whether a line is laid out as a list item or a table
// row: a bullet, a number or letter with a stop, or columns.
func isListLine(t, line string) bool {
	switch t[0] {
	case '-', '*', '+', 'o':
		if len(t) > 2 && t[1] == ' ' && t[2] != ' ' {
			return true
		}
	}
	if strings.HasPrefix(t, "• ") || startsNumbered(t) {
		return true
	}
	if len(t) > 3 && t[0] >= 'a' && t[0] <= 'z' && (t[1] == '.' || t[1] == ')') && t[2] == ' ' {
		return true
	}
	// Columns: two inner runs of three or more spaces.
	inner := strings.TrimSpace(line)
	if i := strings.Index(inner, "   "); i > 0 {
		rest := strings.TrimLeft(inner[i:], " ")
		return strings.Contains(rest, "   ")
	}
	return false
}

// startsNumbered reports whether t starts "12. ", "3) ", "1994 - " or "7: ".
func startsNumbered(t string) bool {
	n := 0
	for n < len(t) && n < 4 && t[n] >= '0' && t[n] <= '9' {
		n++
	}
	if n == 0 || n >= len(t) {
		return false
	}
	rest := t[n:]
	switch {
	case n <= 3 && (rest[0] == '.' || rest[0] == ')') && len(rest) > 1 && rest[1] == ' ':
		return true
	case strings.HasPrefix(strings.TrimLeft(rest, " "), "- "), strings.HasPrefix(strings.TrimLeft(rest, " "), ": "):
		return true
	}
	return false
}
