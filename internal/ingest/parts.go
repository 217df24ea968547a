package ingest

import (
	"regexp"
	"strconv"
	"strings"
)

// PartMarker is what a subject, title or heading says about which part of a
// story a text is: "(3/7)", "Part II", "ch. 3 of 15", "1a/7", "Prologue",
// "final".
type PartMarker struct {
	N     int    // 1-based part number; 0 when the marker names none (a prologue, "final")
	Last  int    // the last part a range holds ("1-10/20": 10); 0 when it is one part
	Sub   string // a sub-part letter: "a" in "1a/7"
	Of    int    // the total number of parts, 0 when not given
	Role  Role   // prologue, epilogue or final; RoleNone for a numbered part
	Text  string // the marker as written
	Start int    // byte offsets of the marker in the parsed string
	End   int
}

// Role places unnumbered parts in a story.
type Role int

// Roles. A prologue comes before part 1; an epilogue or a part marked final
// comes after every numbered part.
const (
	RoleNone Role = iota
	RolePrologue
	RoleEpilogue
	RoleFinal
)

// Order returns a sort key: prologue, then numbered parts by number and
// sub-part, then final parts and epilogues.
func (m PartMarker) Order() float64 {
	switch m.Role {
	case RolePrologue:
		return -1
	case RoleFinal:
		if m.N > 0 {
			return float64(m.N)
		}
		return 1e6
	case RoleEpilogue:
		return 1e6 + 1
	}
	sub := 0.0
	if m.Sub != "" {
		sub = float64(m.Sub[0]-'a'+1) / 100
	}
	return float64(m.N) + sub
}

// IsZero reports whether no marker was found.
func (m PartMarker) IsZero() bool { return m.N == 0 && m.Role == RoleNone }

const numberWord = `\d{1,3}|[ivxlc]{1,7}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth`

// spelledNumber is a number or ordinal written as a word.
const spelledNumber = `one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth`

var (
	// partOf matches "n/m" forms: "(1/7)", "[2/4]", "Pt. 1/10", "ch. 3 of
	// 15", "7 out of 15", "1a/7", "part (1/8?)", "(1 of 7 parts)".
	partOf = regexp.MustCompile(`(?i)(?:\b(?:part|pt|chapter|chap|ch|section|sect|episode|ep|book)\.?\s*)?[(\[{]?\s*\b(\d{1,3})([a-z])?\s*(?:/|\bof\b|\bout\s+of\b)\s*(\d{1,3})\b\??\s*(?:parts?\b|chapters?\b)?\s*[)\]}]?`)
	// partWord matches "Part 2", "PART II", "(Part VI)", "Chapter Three",
	// "ch. 3", "Pt 4", "part 07", "Book 2".
	partWord = regexp.MustCompile(`(?i)[(\[{]?\s*\b(?:part|pt|chapter|chap|ch|section|sect|episode|book|act)\b\.?\s*#?\s*(` + numberWord + `)\b([a-z]\b)?\s*[)\]}]?`)
	// partRange matches several parts in one post: "1-10/20", "(11-20 of 20)".
	partRange = regexp.MustCompile(`(?i)(?:\b(?:parts?|pts?|chapters?)\.?\s*)?[(\[{]?\s*\b(\d{1,3}|` + spelledNumber + `)\s*(?:-|\bthrough\b|\bthru\b|\bto\b)\s*(\d{1,3}|` + spelledNumber + `)\s*(?:/|\bof\b)\s*(\d{1,3}|` + spelledNumber + `)\b\s*[)\]}]?`)
	// partFinalOf matches "the last and final part of …".
	partFinalOf = regexp.MustCompile(`(?i)^\W*(?:the\s+)?(?:last\s+and\s+final|final|last|concluding)\s+(?:part|chapter|installment|instalment)\s+of\s+`)
	// partOfWords matches parts counted in words: "Fourth of Eight",
	// "Part Five of Eight", "EIGHT OF EIGHT".
	partOfWords = regexp.MustCompile(`(?i)[(\[{]?\s*(?:\bpart\s+)?\b(` + spelledNumber + `|\d{1,3})\s+(?:of|out\s+of)\s+(` + spelledNumber + `|\d{1,3})\b\s*[)\]}]?`)
	// partRole matches prologues and epilogues anywhere, and "final",
	// "conclusion", "the end" only as a segment of their own at the end
	// ("Belly of the Whale - final", "Part 6 (THE END!!!)"), so that titles
	// such as "The Final Frontier" keep their words.
	partRole = regexp.MustCompile(`(?i)[(\[{]?\s*\b(prologue|epilogue|afterword)\b\s*[)\]}]?|(?:[,;:(\[{]|\s[-–—]|^)\s*(final(?:\s+part|\s+chapter)?|last\s+part|conclusion|finale|the\s+end)\b[\s!.1]*[)\]}]?[\s!.1]*$`)
	// partFile matches a part number in a posted file name: "no-escape.p01".
	partFile = regexp.MustCompile(`(?i)[(\[]?[\w-]*\.p(\d{1,3})\b[)\]]?`)
	// partDashRoman matches a roman numeral standing alone after a dash at
	// the end: "World of Two Moons - II".
	partDashRoman = regexp.MustCompile(`(?i)\s[-–—:]\s*([ivx]{1,5})\s*$`)
	// dateLike rejects "12/12/93" and "3/4/1993" as part markers.
	dateLike = regexp.MustCompile(`\d{1,4}/\d{1,2}/\d{1,4}`)
)

// FindPartMarker finds the part marker in s, trying the most specific forms
// first. It returns false when s names no part.
func FindPartMarker(s string) (PartMarker, bool) {
	if loc := partRange.FindStringSubmatchIndex(s); loc != nil {
		n, last, of := parseNumber(s[loc[2]:loc[3]]), parseNumber(s[loc[4]:loc[5]]), parseNumber(s[loc[6]:loc[7]])
		if n >= 1 && last > n && of >= last && of <= 500 {
			return PartMarker{N: n, Last: last, Of: of, Text: s[loc[0]:loc[1]], Start: loc[0], End: loc[1]}, true
		}
	}
	if loc := partFinalOf.FindStringIndex(s); loc != nil {
		return PartMarker{Role: RoleFinal, Text: s[loc[0]:loc[1]], Start: loc[0], End: loc[1]}, true
	}
	if loc := partOf.FindStringSubmatchIndex(s); loc != nil && !dateLike.MatchString(s[max(0, loc[0]-6):min(len(s), loc[1]+6)]) {
		n, _ := strconv.Atoi(s[loc[2]:loc[3]])
		of, _ := strconv.Atoi(s[loc[6]:loc[7]])
		if n >= 1 && of >= n && of <= 500 {
			m := PartMarker{N: n, Of: of, Text: s[loc[0]:loc[1]], Start: loc[0], End: loc[1]}
			if loc[4] >= 0 {
				m.Sub = strings.ToLower(s[loc[4]:loc[5]])
			}
			return m, true
		}
	}
	if loc := partOfWords.FindStringSubmatchIndex(s); loc != nil {
		n, of := parseNumber(s[loc[2]:loc[3]]), parseNumber(s[loc[4]:loc[5]])
		if n >= 1 && of >= n && of <= 500 {
			return PartMarker{N: n, Of: of, Text: s[loc[0]:loc[1]], Start: loc[0], End: loc[1]}, true
		}
	}
	if loc := partWord.FindStringSubmatchIndex(s); loc != nil {
		if n := parseNumber(s[loc[2]:loc[3]]); n > 0 && n <= 500 && !strings.EqualFold(s[loc[2]:loc[3]], "c") && !strings.EqualFold(s[loc[2]:loc[3]], "l") {
			m := PartMarker{N: n, Text: s[loc[0]:loc[1]], Start: loc[0], End: loc[1]}
			if loc[4] >= 0 {
				m.Sub = strings.ToLower(s[loc[4]:loc[5]])
			}
			// "Part 15 (that's all folks!)" and "part 4, the conclusion" are
			// numbered and final.
			if r := partRole.FindStringSubmatch(s[loc[1]:]); r != nil && r[2] != "" {
				m.Role = RoleFinal
			}
			return m, true
		}
	}
	if loc := partRole.FindStringSubmatchIndex(s); loc != nil {
		var word string
		if loc[2] >= 0 {
			word = s[loc[2]:loc[3]]
		} else {
			word = s[loc[4]:loc[5]]
		}
		return PartMarker{Role: roleOf(word), Text: s[loc[0]:loc[1]], Start: loc[0], End: loc[1]}, true
	}
	if loc := partFile.FindStringSubmatchIndex(s); loc != nil {
		n, _ := strconv.Atoi(s[loc[2]:loc[3]])
		if n > 0 {
			return PartMarker{N: n, Text: s[loc[0]:loc[1]], Start: loc[0], End: loc[1]}, true
		}
	}
	if loc := partDashRoman.FindStringSubmatchIndex(s); loc != nil {
		if n := romanValue(strings.ToLower(s[loc[2]:loc[3]])); n > 0 {
			return PartMarker{N: n, Text: s[loc[0]:loc[1]], Start: loc[0], End: loc[1]}, true
		}
	}
	return PartMarker{}, false
}

func roleOf(word string) Role {
	switch strings.Join(strings.Fields(strings.ToLower(word)), " ") {
	case "prologue":
		return RolePrologue
	case "epilogue", "afterword":
		return RoleEpilogue
	}
	return RoleFinal
}

// SplitAtPartMarker splits a subject at its part marker: the title before
// it, and what follows it, which is the part's own title or a remark
// ("Part Five of Eight - Prepare for assimilation"). When nothing precedes
// the marker, the text after it is the title.
func SplitAtPartMarker(s string) (title, partTitle string, m PartMarker, ok bool) {
	m, ok = FindPartMarker(s)
	if !ok {
		return strings.TrimSpace(s), "", m, false
	}
	head := strings.TrimRight(s[:m.Start], " \t,;:-–—([{")
	tail := strings.Trim(s[m.End:], " \t,;:-–—)]}")
	if strings.TrimSpace(head) == "" {
		return strings.TrimSpace(tail), "", m, true
	}
	return strings.TrimSpace(head), strings.TrimSpace(tail), m, true
}

// StripPartMarker returns s without its part marker and the punctuation
// that joined the marker to the rest: "Atax, ch. 3 of 15" → "Atax",
// "GRADUATION (Pt. 1/10) by X" → "GRADUATION by X".
func StripPartMarker(s string) string {
	m, ok := FindPartMarker(s)
	if !ok {
		return strings.TrimSpace(s)
	}
	head := strings.TrimRight(s[:m.Start], " \t,;:-–—([{")
	tail := strings.TrimLeft(s[m.End:], " \t,;:-–—)]}")
	switch {
	case head == "":
		return strings.TrimSpace(tail)
	case tail == "":
		return strings.TrimSpace(head)
	}
	return strings.TrimSpace(head + " " + tail)
}
