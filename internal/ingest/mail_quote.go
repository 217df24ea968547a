package ingest

import (
	"regexp"
	"strings"
)

// maxSignatureLines is the longest block after a "-- " line taken for a
// signature, counting lines with text; a longer one is part of the story.
const maxSignatureLines = 10

// cleanMailText prepares a decoded body: line ends become "\n", mbox
// ">From " escapes are undone, the trailing signature is cut off and
// returned, and quoted replies are removed and counted (see quotedLines;
// reply says the post answers another). Leading blank lines and trailing
// white space are trimmed.
func cleanMailText(text string, reply bool) (body, signature string, quoted int) {
	if text == "" {
		return "", "", 0
	}
	if strings.Contains(text, "\r") {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	lines := strings.Split(text, "\n")
	unescapeFrom(lines)
	lines, signature = cutSignature(lines)
	drop := quotedLines(lines, reply)
	var b strings.Builder
	b.Grow(len(text))
	skipBlank := true // at the start, and after removed lines that followed a blank
	for i, l := range lines {
		if drop[i] {
			quoted++
			skipBlank = skipBlank || i == 0 || strings.TrimSpace(lines[i-1]) == ""
			continue
		}
		if skipBlank && strings.TrimSpace(l) == "" {
			continue
		}
		skipBlank = false
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), " \t\n"), signature, quoted
}

// unescapeFrom undoes the mbox escaping of a body line "From …" as
// ">From …" where the line stands alone, not inside a block of quoted lines.
func unescapeFrom(lines []string) {
	for i, l := range lines {
		if !strings.HasPrefix(l, ">From ") {
			continue
		}
		if (i > 0 && quoteLine(lines[i-1])) || (i+1 < len(lines) && quoteLine(lines[i+1])) {
			continue
		}
		lines[i] = l[1:]
	}
}

// cutSignature removes the last "-- " line and what follows it when that is
// at most maxSignatureLines lines of text. A bare "--" (editors stripped the
// space) counts only when an address follows it.
func cutSignature(lines []string) ([]string, string) {
	end := len(lines)
	for end > 0 && strings.TrimSpace(lines[end-1]) == "" {
		end--
	}
	for i := end - 1; i >= 0 && end-i <= 3*maxSignatureLines; i-- {
		l := lines[i]
		if l != "-- " && l != "--" {
			continue
		}
		sig := strings.Join(lines[i+1:end], "\n")
		n := 0
		for _, s := range lines[i+1 : end] {
			if strings.TrimSpace(s) != "" {
				n++
			}
		}
		if n == 0 || n > maxSignatureLines || (l == "--" && !strings.ContainsAny(sig, "@!")) {
			return lines, ""
		}
		return lines[:i], strings.Trim(sig, "\n")
	}
	return cutRuledSignature(lines, end)
}

// cutRuledSignature removes a signature set off by a rule of dashes or
// underscores instead of "-- ": "-----" / "Katriena Knights" / a quip. The
// first line after the rule must read as a person's name (signatureName),
// and at most maxSignatureLines lines may follow the rule: a story's last
// scene after a rule begins otherwise.
func cutRuledSignature(lines []string, end int) ([]string, string) {
	for i := end - 1; i >= 0 && end-i <= maxSignatureLines+1; i-- {
		t := strings.TrimSpace(lines[i])
		if len(t) < 3 || strings.Trim(t, "-_=") != "" {
			continue
		}
		first := i + 1
		for first < end && strings.TrimSpace(lines[first]) == "" {
			first++
		}
		if first == end || signatureName(lines[first]) == "" || end-first > maxSignatureLines {
			return lines, ""
		}
		return lines[:i], strings.Trim(strings.Join(lines[first:end], "\n"), "\n")
	}
	return lines, ""
}

// quotedLines marks the lines that quote another message. The rule is
// conservative, because stories use '>' too (scene headings like ">Bridge",
// banners like ">>> SEASON ONE <<<", a wrapped ">of", a parody of a flame
// war, a book's blurb quoted in a review):
//
//   - a run of consecutive lines starting with '>' (after at most three
//     spaces) or '|' is quotation when an attribution line stands directly
//     above it (a blank line between is allowed);
//   - in a reply (reply is true: a "Re:" subject, References or
//     In-Reply-To), a run of '>' lines is quotation without attribution too,
//     when it has two or more lines and some of them hold words, or when
//     only blank lines separate it from a run that was quotation;
//   - the attribution ("In article <…>, x@y (Name) writes:", "On …, X
//     wrote:", "X wrote:"), on one line or two, is removed with its quote.
//
// So a post that is not a reply keeps every unattributed '>' line, and a
// single '>' line with no attribution is always kept.
func quotedLines(lines []string, reply bool) []bool {
	drop := make([]bool, len(lines))
	afterQuote := false // only blank lines since the last run taken as quotation
	for i := 0; i < len(lines); {
		bar := barLine(lines[i])
		if !quoteLine(lines[i]) && !bar {
			if strings.TrimSpace(lines[i]) != "" {
				afterQuote = false
			}
			i++
			continue
		}
		j := i + 1
		for j < len(lines) && (bar && barLine(lines[j]) || !bar && quoteLine(lines[j])) {
			j++
		}
		attr := attributionAbove(lines, i)
		words := false
		for _, l := range lines[i:j] {
			if !decorativeQuote(l) {
				words = true
			}
		}
		take := attr >= 0
		if reply && !bar && words && !take {
			take = j-i >= 2 || afterQuote
		}
		if take {
			for k := i; k < j; k++ {
				drop[k] = true
			}
			for k := max(attr, 0); attr >= 0 && k < i; k++ {
				if strings.TrimSpace(lines[k]) != "" {
					drop[k] = true
				}
			}
		}
		afterQuote = take
		i = j
	}
	return drop
}

// quoteLine reports whether l starts with '>' after at most three spaces.
func quoteLine(l string) bool {
	t := strings.TrimLeft(l, " ")
	return len(l)-len(t) <= 3 && strings.HasPrefix(t, ">")
}

// barLine reports whether l starts with '|', the quote mark of some readers.
func barLine(l string) bool {
	t := strings.TrimLeft(l, " ")
	return len(l)-len(t) <= 3 && strings.HasPrefix(t, "|")
}

// decorativeQuote reports whether a '>' line is decoration rather than a
// quoted line: nothing but marks and punctuation, or a banner that closes
// with '<' (">>> S E A S O N <<<", ">KERTHRAM!<").
func decorativeQuote(l string) bool {
	t := strings.TrimSpace(l)
	if strings.HasSuffix(t, "<") {
		return true
	}
	return !strings.ContainsFunc(t, func(r rune) bool {
		return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7f
	})
}

// Attribution lines: "In article <id@host>, user@host (Name) writes:",
// "On Tue, 3 May 1994, Name wrote:", "Name <addr> writes:", "Quoth Name:".
var (
	attributionInArticle = regexp.MustCompile(`(?i)^\s*in (article|message|<)\s*<?[^\s>]*>?`)
	attributionWrote     = regexp.MustCompile(`(?i)\b(wrote|writes|said|says|write|quoth|schrieb|a écrit)\b[^:]{0,40}:\s*$|^\s*quoth\b.*:\s*$`)
)

// attributionAbove returns the index of the first line of the attribution
// directly above line i (a blank line between is allowed), or -1.
func attributionAbove(lines []string, i int) int {
	k := i - 1
	if k >= 0 && strings.TrimSpace(lines[k]) == "" {
		k--
	}
	if k < 0 || len(lines[k]) > 200 || quoteLine(lines[k]) {
		return -1
	}
	if attributionInArticle.MatchString(lines[k]) {
		return k
	}
	if !attributionWrote.MatchString(lines[k]) {
		return -1
	}
	// "In article <…>, x@y (Name)" wrapped before "writes:".
	if k > 0 && attributionInArticle.MatchString(lines[k-1]) && len(lines[k-1]) <= 200 {
		return k - 1
	}
	return k
}
