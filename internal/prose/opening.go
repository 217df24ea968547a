package prose

import (
	"regexp"
	"strings"
	"unicode"
)

// Opening returns the first n words of a story's text as a listing shows
// them when the work has no summary: its first words after whatever old
// files put before a story — mail and news header lines ("From:",
// "Origin:", "Newsgroups:", mbox "From " lines, relay stamps), address
// placeholders, rules of "=====", part and chapter markers ("Part 1 of
// 3"), credits ("Teleplay by") and disclaimers or copyright notices. text
// is plain text with blocks separated by blank lines (PlainText,
// BlockText). Only the leading blocks are looked at; when every block
// looks like such matter, the text's plain first words are returned.
func Opening(text string, n int) string {
	blocks := strings.Split(strings.TrimSpace(text), "\n\n")
	const lookAt = 15 // blocks; past them a story's own text has begun
	start := -1
	for i, b := range blocks {
		if i == lookAt {
			break
		}
		if !frontMatterBlock(b) {
			start = i
			break
		}
	}
	if start < 0 {
		return FirstWords(text, n)
	}
	rest := blocks[start]
	// Within the first kept block, drop leading lines that are front
	// matter, and a rule run onto the text ("----- [Opening scene").
	lines := strings.Split(rest, "\n")
	for len(lines) > 1 && frontMatterLine(lines[0]) {
		lines = lines[1:]
	}
	lines[0] = trimLeadingRule(lines[0])
	blocks[start] = strings.Join(lines, "\n")
	return FirstWords(strings.Join(blocks[start:], "\n\n"), n)
}

var (
	// headerLabel is a mail or news header field at the start of a line.
	headerLabel = regexp.MustCompile(`(?i)^(from|origin|subject|newsgroups|path|date|message-id|organi[sz]ation|lines|keywords|sender|reply-to|references|distribution|followup-to|received|article|nntp-posting-host|approved|expires|to|cc|mime-version|content-type|content-transfer-encoding|status|return-path|in-reply-to|xref|apparently-to|resent-[a-z]+|x-[a-z-]+|posted|posting-date|summary)\s*:`)
	// anyHeaderLabel finds header fields run together on one line.
	anyHeaderLabel = regexp.MustCompile(`(?i)\b(newsgroups|organi[sz]ation|keywords|message-id|subject|path|lines|references|nntp-posting-host|sender)\s*:`)
	// mboxFrom is the "From address date" line that starts a message.
	mboxFrom = regexp.MustCompile(`^From \S+ .*\d{4}\s*$`)
	// relayStamp is a relay's time stamp ("id AA09618; Wed, 30 May 90
	// 12:34:08 CDT").
	relayStamp = regexp.MustCompile(`(?i)(\bid [A-Z]{1,3}\d+;|\b(mon|tue|wed|thu|fri|sat|sun), \d{1,2} [a-z]{3} \d{2,4} \d{1,2}:\d{2})`)
	// partMarker is a line that is only a part, chapter or section
	// number, perhaps after a title ("ENTERPRISE vs GALACTICA, chapter 1
	// of 6"), or a heading such as "Prologue".
	partMarker = regexp.MustCompile(`(?i)^(.{0,80}[\s,:(-])?(part|chapter|section|book|episode|story)\s*#?\s*([0-9]+|[ivxlc]+|one|two|three|four|five|six|seven|eight|nine|ten)(\s*(of|/)\s*([0-9]+|[a-z]+))?\s*[).:]?$|^(prologue|prolog|teaser|epilogue)[.:]?$`)
	// credit is a short line of credits rather than text.
	credit = regexp.MustCompile(`(?i)^((written|teleplay|story|script|screenplay|based on a story)\s+)?by\b`)
	// disclaimer are the words of notices of rights and permissions.
	disclaimer = regexp.MustCompile(`(?i)(disclaimer|copyright|\(c\)|©|all rights reserved|registered trademark|trademarks? of|property of|public domain|permission (is )?(given|granted)|feel free to (download|distribute|archive|repost)|no (copyright )?infringement|not intended to infringe|resemblance to (any )?(real )?(persons|people)|belong(s)? to paramount|owned by paramount)`)
)

// frontMatterBlock reports whether a block (lines of one paragraph) is
// matter before a story: every line is, or it is a short notice of rights
// or credits.
func frontMatterBlock(b string) bool {
	b = strings.TrimSpace(b)
	if b == "" {
		return true
	}
	words := CountWords(b)
	if words <= 80 && disclaimer.MatchString(firstLine(b)) {
		return true
	}
	if words <= 12 && credit.MatchString(b) {
		return true
	}
	for _, l := range strings.Split(b, "\n") {
		if !frontMatterLine(l) {
			return false
		}
	}
	return true
}

// frontMatterLine reports whether one line is a header field, an address
// placeholder, a rule, a relay stamp or a part marker.
func frontMatterLine(l string) bool {
	l = strings.TrimSpace(l)
	switch {
	case l == "" || !strings.ContainsFunc(l, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }):
		return true // a rule, "[]", "* * *"
	case headerLabel.MatchString(l) || mboxFrom.MatchString(l) || len(anyHeaderLabel.FindAllString(l, 2)) == 2:
		return true
	case relayStamp.MatchString(l) && CountWords(l) <= 40:
		return true
	case strings.Contains(l, "[address hidden]") && CountWords(l) <= 8:
		return true
	case partMarker.MatchString(strings.TrimFunc(l, isRuleRune)) && CountWords(l) <= 12:
		return true
	}
	return false
}

// isRuleRune reports whether r is neither letter, digit nor space: what
// rules and the frames around headings ("*** Prologue ***") are made of.
func isRuleRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

func firstLine(b string) string {
	if i := strings.IndexByte(b, '\n'); i >= 0 {
		return b[:i]
	}
	return b
}

// trimLeadingRule drops words at the start of a line that hold no letter
// or digit and are at least three characters long: a rule run onto the
// text.
func trimLeadingRule(l string) string {
	for {
		t := strings.TrimLeft(l, " \t")
		end := strings.IndexFunc(t, unicode.IsSpace)
		if end < 0 {
			return l
		}
		w := t[:end]
		if len(w) < 3 || strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			return l
		}
		l = t[end:]
	}
}
