package ingest

import (
	"strconv"
	"strings"
	"time"
)

// mailZones are the zone abbreviations seen in 1980s–90s mail and news
// dates, with their offsets from UTC in minutes. Ambiguous ones (IST, and
// EST for Australia) take their most common meaning in that traffic.
var mailZones = map[string]int{
	"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0,
	"BST": 60, "CET": 60, "MET": 60, "MEZ": 60, "WAT": 60,
	"CEST": 120, "MEST": 120, "MESZ": 120, "EET": 120, "SAST": 120,
	"EEST": 180, "MSK": 180, "MSD": 240, "IST": 330,
	"HKT": 480, "SGT": 480, "AWST": 480, "JST": 540, "KST": 540,
	"ACST": 570, "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
	"NST": -210, "NDT": -150, "AST": -240, "ADT": -180,
	"EST": -300, "EDT": -240, "CST": -360, "CDT": -300,
	"MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
	"AKST": -540, "AKDT": -480, "YST": -540, "YDT": -480, "HST": -600, "HDT": -540,
}

// mailMonths are month names by their first three letters.
var mailMonths = map[string]time.Month{
	"jan": time.January, "feb": time.February, "mar": time.March, "apr": time.April,
	"may": time.May, "jun": time.June, "jul": time.July, "aug": time.August,
	"sep": time.September, "oct": time.October, "nov": time.November, "dec": time.December,
}

// parseMailDate reads the many date forms of old mail and news leniently:
// RFC 822/5322 ("Tue, 31 Aug 1993 12:41:30 -0500 (CDT)"), asctime and mbox
// envelopes ("Fri Jan 15 14:30:20 PST 1988"), "6 Apr 92 03:32:27 GMT",
// "6-Apr-92", "12/15/93", ISO "1993-08-31", with or without seconds, with a
// numeric zone or a US, European or Asian abbreviation, two-digit years
// (70–99 are 19xx, 00–69 are 20xx) and any weekday word, misspelt or not.
// With needTime it also requires a time of day, which is what tells a mail
// date from a date a story's header gives.
func parseMailDate(s string, needTime bool) (time.Time, bool) {
	year, day, hour, minute, sec := -1, -1, -1, 0, 0
	var month time.Month
	offset, zoned := 0, false
	tokens := strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == ',' || r == '(' || r == ')' || r == '\r' || r == '\n'
	})
	if len(tokens) > 12 {
		return time.Time{}, false
	}
	for _, tok := range tokens {
		switch {
		case len(tok) == 5 && (tok[0] == '+' || tok[0] == '-') && mailDigits(tok[1:]):
			if !zoned {
				h, _ := strconv.Atoi(tok[1:3])
				m, _ := strconv.Atoi(tok[3:])
				offset, zoned = h*60+m, true
				if tok[0] == '-' {
					offset = -offset
				}
			}
		case strings.Contains(tok, ":"):
			if hour >= 0 {
				return time.Time{}, false
			}
			var ok bool
			if hour, minute, sec, ok = mailClock(tok); !ok {
				return time.Time{}, false
			}
		case strings.Count(tok, "-") == 2 && len(tok) == 10 && mailDigits(tok[:4]):
			y, m, d := tok[:4], tok[5:7], tok[8:]
			if !mailDigits(m) || !mailDigits(d) || year >= 0 || month != 0 {
				return time.Time{}, false
			}
			year, _ = strconv.Atoi(y)
			mo, _ := strconv.Atoi(m)
			month = time.Month(mo)
			day, _ = strconv.Atoi(d)
		case strings.ContainsAny(tok, "-/") && len(tok) <= 11:
			if !mailDateParts(tok, &year, &month, &day) {
				return time.Time{}, false
			}
		case mailDigits(tok):
			if !mailNumber(tok, &year, &day) {
				return time.Time{}, false
			}
		default:
			up := strings.ToUpper(tok)
			if off, ok := mailZones[up]; ok {
				if !zoned {
					offset, zoned = off, true
				}
				continue
			}
			if up == "PM" && hour >= 0 && hour < 12 {
				hour += 12
				continue
			}
			if len(tok) >= 3 {
				if m, ok := mailMonths[strings.ToLower(tok[:3])]; ok && month == 0 && mailLetters(tok) {
					month = m
					continue
				}
			}
			// weekday, "AM", "remote", or noise: ignored, but not digits
			if !mailLetters(strings.TrimSuffix(tok, ".")) {
				return time.Time{}, false
			}
		}
	}
	if year < 0 || month < time.January || month > time.December || day < 1 || (needTime && hour < 0) {
		return time.Time{}, false
	}
	if year < 100 {
		year += 1900
		if year < 1970 {
			year += 100
		}
	}
	if hour < 0 {
		hour = 0
	}
	if year < 1900 || year > 2200 || hour > 23 || minute > 59 || sec > 60 {
		return time.Time{}, false
	}
	sec = min(sec, 59)
	loc := time.UTC
	if offset != 0 {
		loc = time.FixedZone("", offset*60)
	}
	t := time.Date(year, month, day, hour, minute, sec, 0, loc)
	if t.Day() != day {
		return time.Time{}, false // 31 Feb
	}
	return t, true
}

// mailClock reads "hh:mm" or "hh:mm:ss", ignoring a fraction of a second.
func mailClock(tok string) (h, m, s int, ok bool) {
	parts := strings.Split(tok, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, 0, 0, false
	}
	if len(parts) == 3 {
		parts[2], _, _ = strings.Cut(parts[2], ".")
	}
	var n [3]int
	for i, p := range parts {
		if p == "" || len(p) > 2 || !mailDigits(p) {
			return 0, 0, 0, false
		}
		n[i], _ = strconv.Atoi(p)
	}
	return n[0], n[1], n[2], true
}

// mailDateParts reads "6-Apr-92", "12/15/93" (American order) and
// "15/12/93" (when the first number cannot be a month).
func mailDateParts(tok string, year *int, month *time.Month, day *int) bool {
	parts := strings.FieldsFunc(tok, func(r rune) bool { return r == '-' || r == '/' })
	if len(parts) != 3 || *year >= 0 || *day >= 0 || *month != 0 {
		return false
	}
	if m, ok := mailMonths[strings.ToLower(parts[1][:min(3, len(parts[1]))])]; ok && mailLetters(parts[1]) {
		*month = m
		if !mailDigits(parts[0]) || !mailDigits(parts[2]) {
			return false
		}
		*day, _ = strconv.Atoi(parts[0])
		*year, _ = strconv.Atoi(parts[2])
		return true
	}
	for _, p := range parts {
		if !mailDigits(p) || len(p) > 4 {
			return false
		}
	}
	a, _ := strconv.Atoi(parts[0])
	b, _ := strconv.Atoi(parts[1])
	*year, _ = strconv.Atoi(parts[2])
	if a > 12 {
		a, b = b, a
	}
	*month, *day = time.Month(a), b
	return true
}

// mailNumber places a bare number: four digits are the year, the first
// small number is the day, the next is a two-digit year.
func mailNumber(tok string, year, day *int) bool {
	if len(tok) > 4 {
		return false
	}
	n, _ := strconv.Atoi(tok)
	switch {
	case len(tok) == 4 && *year < 0:
		*year = n
	case *day < 0 && n >= 1 && n <= 31:
		*day = n
	case *year < 0 && len(tok) <= 2:
		*year = n
	default:
		return false
	}
	return true
}

// parseMailEnvelope reads an mbox envelope line, "From sender date", where
// the date must be complete with a time of day; a trailing "remote from
// host" (UUCP) is allowed.
func parseMailEnvelope(l string) (sender string, date time.Time, ok bool) {
	rest, found := strings.CutPrefix(l, "From ")
	if !found {
		return "", time.Time{}, false
	}
	rest = strings.TrimLeft(rest, " ")
	sender, rest, _ = strings.Cut(rest, " ")
	if host, after, ok := strings.Cut(strings.TrimPrefix(rest, "at "), " "); ok && strings.HasPrefix(rest, "at ") {
		// Pipermail's "From wren at example.org  Sun Mar  2 21:14:00 1997".
		if a := unobscureAddr(sender + " at " + host); strings.Contains(a, "@") {
			sender, rest = a, after
		}
	}
	if sender == "" || len(rest) > 80 {
		return "", time.Time{}, false
	}
	if i := strings.Index(rest, " remote from "); i >= 0 {
		rest = rest[:i]
	}
	date, ok = parseMailDate(rest, true)
	return sender, date, ok
}

func mailDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func mailLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}
