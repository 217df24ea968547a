package privacy

import (
	"regexp"
	"strings"
)

// This file holds the rules Find applies, one function per form. Each scans
// from the character that marks its form ('@', '!', ':', ',' or the words
// "at" and "dot"), so text without those costs one pass of IndexByte.

// lookBack bounds how far back a rule looks for the label or header name
// that gives a number or a path its context, so that scanning stays linear.
const lookBack = 200

// mailSpans finds local@domain addresses (package comment).
func mailSpans(s string, spans []Span) []Span {
	for i := 0; ; {
		k := strings.IndexByte(s[i:], '@')
		if k < 0 {
			return spans
		}
		at := i + k
		i = at + 1
		end, dotted := domainEnd(s, at+1)
		if end < 0 {
			continue
		}
		start, n := localStart(s, at)
		if start < 0 || !dotted && n < 2 {
			continue
		}
		spans = append(spans, Span{start, end, FormMail})
	}
}

// domainEnd returns where the domain starting at s[j] ends and whether it
// is certainly one (dotted, a literal or a FidoNet node), or -1.
func domainEnd(s string, j int) (int, bool) {
	if j >= len(s) {
		return -1, false
	}
	if s[j] == '[' {
		for k := j + 1; k < len(s) && k < j+64; k++ {
			c := s[k]
			if c == ']' {
				if k > j+1 && strings.ContainsAny(s[j+1:k], ".:") {
					return k + 1, true
				}
				break
			}
			if !isAlnum(c) && c != '.' && c != ':' {
				break
			}
		}
		return -1, false
	}
	if e := fidoNodeEnd(s, j); e > 0 {
		return e, true
	}
	k := j
	for k < len(s) && (isAlnum(s[k]) || s[k] == '.' || s[k] == '-' || s[k] == '_') {
		k++
	}
	host := s[j:k]
	if d := strings.Index(host, ".."); d >= 0 {
		host = host[:d]
	}
	host = strings.TrimRight(host, ".-_")
	if host == "" || !isAlnum(host[0]) {
		return -1, false
	}
	if strings.IndexByte(host, '.') >= 0 {
		return j + len(host), true
	}
	// A host without a dot: BITNET and UUCP names, written in one case. One
	// that runs into another '@' is the local part of the next address, and
	// goes with it ("a@b@host"): judged alone, it would be judged again
	// once the next address is masked, and again for the one before.
	if len(host) < 3 || allDigits(host) || capitalised(host) {
		if j+len(host) < len(s) && s[j+len(host)] == '@' && len(host) > 0 {
			return j + len(host), false
		}
		return -1, false
	}
	return j + len(host), false
}

// localStart returns where the local part before s[at] == '@' starts and
// how many letters and digits it has, or -1.
func localStart(s string, at int) (int, int) {
	if at == 0 {
		return -1, 0
	}
	switch s[at-1] {
	case '"': // "j doe"@host
		for k := at - 2; k >= 0 && k >= at-66; k-- {
			c := s[k]
			if c == '"' {
				if n := countAlnum(s[k+1 : at-1]); n > 0 {
					return k, n
				}
				break
			}
			if c == '\n' || c == '<' || c == '>' || c == '&' {
				break
			}
		}
		return -1, 0
	case ')': // (ID123)@HOST
		for k := at - 2; k >= 0 && k >= at-34; k-- {
			c := s[k]
			if c == '(' {
				if n := countAlnum(s[k+1 : at-1]); n > 0 {
					return k, n
				}
				break
			}
			if !isAlnum(c) && c != '.' && c != '-' && c != '_' {
				break
			}
		}
		return -1, 0
	}
	k := at
	for k > 0 && isLocalChar(s[k-1]) {
		k--
	}
	for k < at && !isAlnum(s[k]) {
		k++
	}
	if k == at {
		return -1, 0
	}
	return k, countAlnum(s[k:at])
}

// isLocalChar reports whether c may be part of a local part: RFC 5322's
// atext and the dot, without '&' (which starts an HTML entity).
func isLocalChar(c byte) bool {
	return isAlnum(c) || strings.IndexByte(".!#$%'*+-/=?^_`{|}~", c) >= 0
}

// bangSpans finds UUCP bang paths (package comment).
func bangSpans(s string, spans []Span) []Span {
	for i := 0; ; {
		k := strings.IndexByte(s[i:], '!')
		if k < 0 {
			return spans
		}
		b := i + k
		start := b
		for start > 0 && isPathChar(s[start-1]) {
			start--
		}
		end := b + 1
		for end < len(s) && isPathChar(s[end]) {
			end++
		}
		i = end // the token's other bangs are read with it
		spans = bangToken(s, start, end, spans)
	}
}

// isPathChar reports whether c may be part of a bang path token.
func isPathChar(c byte) bool {
	return isAlnum(c) || c == '!' || c == '.' || c == '%' || c == '_' || c == '-' || c == '+'
}

// part is one element of a bang path: s[start:end], trimmed of punctuation.
type part struct{ start, end int }

// bangToken reads the token s[start:end], which holds at least one '!', as
// bang paths: runs of parts between bangs, each run judged on its own.
// Punctuation around a part inside the token ("Help...!now") breaks the run.
func bangToken(s string, start, end int, spans []Span) []Span {
	var seg []part
	prefix := -1 // where a "...!" or "{a,b}!" before the first part starts
	flush := func() {
		if sp, ok := judgePath(s, seg, prefix); ok {
			spans = append(spans, sp)
		}
		seg, prefix = seg[:0], -1
	}
	for p := start; p <= end; {
		q := strings.IndexByte(s[p:end], '!')
		if q < 0 {
			q = end
		} else {
			q += p
		}
		a, b := p, q
		for a < b && !isAlnum(s[a]) {
			a++
		}
		for b > a && !isAlnum(s[b-1]) {
			b--
		}
		switch {
		case p == start && q < end && q-p >= 2 && strings.Trim(s[p:q], ".") == "":
			prefix = p // ...!site!user
		case p == start && q == p && p > 0 && s[p-1] == '}':
			prefix = braceList(s, p-1) // {a,b,c}!site!user
		case a == b:
			flush()
		default:
			if a > p && len(seg) > 0 {
				flush()
			}
			seg = append(seg, part{a, b})
			if b < q && q < end {
				flush()
			}
		}
		p = q + 1
	}
	flush()
	return spans
}

// braceList returns where the "{a,b,c}" ending at s[close] == '}' starts,
// or -1: a UUCP list of sites, lower case names and commas.
func braceList(s string, close int) int {
	for k := close - 1; k >= 0 && k >= close-lookBack; k-- {
		c := s[k]
		switch {
		case c == '{':
			if k < close-1 {
				return k
			}
			return -1
		case isAlnum(c) || c == ',' || c == '.' || c == '-' || c == '_' || c == ' ':
		default:
			return -1
		}
	}
	return -1
}

// judgePath decides whether the parts of one run of a bang path make an
// address (package comment), and returns its span.
func judgePath(s string, seg []part, prefix int) (Span, bool) {
	if len(seg) == 0 {
		return Span{}, false
	}
	start, end := seg[0].start, seg[len(seg)-1].end
	if prefix >= 0 {
		start = prefix
	}
	hosts := map[string]bool{}
	allHosts, strong := true, false
	for _, p := range seg {
		t := s[p.start:p.end]
		if hostLike(t) {
			hosts[strings.ToLower(t)] = true
		} else {
			allHosts = false
		}
		strong = strong || strings.ContainsAny(t, ".%_0123456789")
	}
	switch {
	case prefix >= 0:
		return Span{start, end, FormBang}, allHosts
	case len(seg) >= 3:
		if len(hosts) >= 2 && (strong || allHosts) {
			return Span{start, end, FormBang}, true
		}
	case len(seg) == 2:
		if allHosts && strong {
			return Span{start, end, FormBang}, true
		}
	default:
		return Span{}, false
	}
	return Span{start, end, FormBang}, headerLine(s, start)
}

// hostLike reports whether t reads as a host or user name rather than a
// word: lower case, or dotted (not only capitalised words), or with digits
// and a letter, or %-routed.
func hostLike(t string) bool {
	letter, upper, digit := false, false, false
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= 'a' && c <= 'z':
			letter = true
		case c >= 'A' && c <= 'Z':
			letter, upper = true, true
		case isDigit(c):
			digit = true
		}
	}
	switch {
	case !letter:
		return false
	case !upper || digit || strings.IndexByte(t, '%') >= 0:
		return true
	case strings.IndexByte(t, '.') >= 0:
		for _, label := range strings.Split(t, ".") {
			if !capitalised(label) {
				return true
			}
		}
	}
	return false
}

// headerLine reports whether s[i] is on a line that names addresses: a mail
// or news header (Path, From, Reply-To, Sender, Return-Path), possibly
// quoted, or a line with a UUCP label before s[i].
func headerLine(s string, i int) bool {
	ls := i
	for ls > 0 && s[ls-1] != '\n' && ls > i-lookBack {
		ls--
	}
	if ls > 0 && s[ls-1] != '\n' {
		return false // too far from the line's start to tell
	}
	line := s[ls:i]
	if hasFold(line, "uucp") || strings.HasPrefix(line, "From ") {
		return true // a UUCP label, or an mbox envelope line
	}
	line = strings.TrimLeft(line, " \t>|")
	for _, h := range []string{"path:", "from:", "reply-to:", "sender:", "return-path:"} {
		if len(line) >= len(h) && strings.EqualFold(line[:len(h)], h) {
			return true
		}
	}
	return false
}

// spelledDomain reads the domain after a spelled-out "at": labels joined
// by dots or by "dot" in brackets, dashes or spaces. spelledSpans decides
// which count.
var spelledDomain = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*(?:(?:\s*[(\[{<]\s*(?i:dot)\s*[)\]}>]\s*|\s*-(?i:dot)-\s*|[ \t]+(?i:dot)[ \t]+|\.)[A-Za-z0-9][A-Za-z0-9-]*)+`)

// spelledDot splits a spelled-out domain into its labels.
var spelledDot = regexp.MustCompile(`\s*[(\[{<]\s*(?i:dot)\s*[)\]}>]\s*|\s*-(?i:dot)-\s*|[ \t]+(?i:dot)[ \t]+|\.`)

// genericTLD are the top-level domains a plain "at … dot …" must end in:
// prose has "stared at the dot on the screen", addresses end in ".com".
var genericTLD = map[string]bool{"com": true, "org": true, "net": true, "edu": true, "gov": true,
	"mil": true, "int": true, "arpa": true, "uucp": true, "bitnet": true, "info": true, "biz": true}

// spelledWindow bounds how far after "at" a spelled-out domain may reach.
const spelledWindow = 160

// spelledSpans finds spelled-out addresses (package comment): at each word
// "at", the local part before it and the domain after it.
func spelledSpans(s string, spans []Span) []Span {
	for i := 0; ; {
		k := indexFold(s[i:], "at")
		if k < 0 {
			return spans
		}
		j := i + k
		i = j + 2
		if j > 0 && isAlnum(s[j-1]) || j+2 < len(s) && isAlnum(s[j+2]) {
			continue // inside a word
		}
		sepStart, sepEnd, plain := atSeparator(s, j)
		if sepStart < 0 {
			continue
		}
		if plain && !hasFold(s[sepEnd:min(len(s), sepEnd+spelledWindow)], "dot") {
			continue
		}
		start := sepStart
		for start > 0 && (isAlnum(s[start-1]) || strings.IndexByte("._%+-", s[start-1]) >= 0) {
			start--
		}
		for start < sepStart && !isAlnum(s[start]) {
			start++
		}
		if start == sepStart {
			continue
		}
		m := spelledDomain.FindStringIndex(s[sepEnd:min(len(s), sepEnd+spelledWindow)])
		if m == nil || !spelledOK(plain, s[sepEnd:sepEnd+m[1]]) {
			continue
		}
		spans = append(spans, Span{start, sepEnd + m[1], FormSpelled})
		i = sepEnd + m[1]
	}
}

// atSeparator reads the "at" at s[j:j+2] with what surrounds it: a bracket
// on each side ("(at)", "[ at ]"), a dash on each side ("-at-"), or white
// space on each side (plain). It returns where the separator starts and
// ends, or -1.
func atSeparator(s string, j int) (start, end int, plain bool) {
	a := j
	for a > 0 && (s[a-1] == ' ' || s[a-1] == '\t') {
		a--
	}
	e := j + 2
	for e < len(s) && (s[e] == ' ' || s[e] == '\t') {
		e++
	}
	if a > 0 && e < len(s) {
		open, close := s[a-1], s[e]
		if open == '(' && close == ')' || open == '[' && close == ']' || open == '{' && close == '}' ||
			open == '<' && close == '>' || open == '-' && close == '-' && a == j && e == j+2 {
			a--
			e++
			for a > 0 && (s[a-1] == ' ' || s[a-1] == '\t') {
				a--
			}
			for e < len(s) && (s[e] == ' ' || s[e] == '\t') {
				e++
			}
			return a, e, false
		}
	}
	if a < j && e > j+2 {
		return a, e, true
	}
	return -1, -1, false
}

// spelledOK decides a spelled-out domain. Brackets or dashes around "at"
// are never prose; a plain "at" needs a spelled "dot" and a domain that
// ends as addresses do.
func spelledOK(plain bool, domain string) bool {
	seps := spelledDot.FindAllStringIndex(domain, -1)
	last := domain[seps[len(seps)-1][1]:]
	if !allLetters(last) || len(last) < 2 {
		return false
	}
	if !plain {
		return true
	}
	spelled := false
	for _, m := range seps {
		spelled = spelled || domain[m[0]:m[1]] != "."
	}
	tld := strings.ToLower(last)
	return spelled && (genericTLD[tld] || len(seps) >= 2 && len(tld) == 2)
}

// headerAtPattern finds "user at host.domain", the way Mailman's archives
// write addresses on their From lines.
var headerAtPattern = regexp.MustCompile(`[A-Za-z0-9][A-Za-z0-9._%+-]*[ \t]+at[ \t]+[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9][A-Za-z0-9-]*)+`)

// headerAtSpans finds "user at host.domain" on mail header lines.
func headerAtSpans(s string, spans []Span) []Span {
	if !strings.Contains(s, " at ") {
		return spans
	}
	for ls := 0; ls < len(s); {
		le := strings.IndexByte(s[ls:], '\n')
		if le < 0 {
			le = len(s)
		} else {
			le += ls
		}
		if line := s[ls:le]; mailHeaderLine(line) && strings.Contains(line, " at ") {
			for _, m := range headerAtPattern.FindAllStringIndex(line, -1) {
				spans = append(spans, Span{ls + m[0], ls + m[1], FormSpelled})
			}
		}
		ls = le + 1
	}
	return spans
}

// mailHeaderLine reports whether line is a mail header that holds
// addresses, or an mbox envelope line ("From wren at example.org  Sun…").
func mailHeaderLine(line string) bool {
	if strings.HasPrefix(line, "From ") {
		return true
	}
	line = strings.TrimLeft(line, " \t>")
	for _, h := range []string{"from:", "reply-to:", "sender:", "to:", "cc:"} {
		if len(line) >= len(h) && strings.EqualFold(line[:len(h)], h) {
			return true
		}
	}
	return false
}

// fidoSpans finds FidoNet node addresses (zone:net/node.point) beside an
// '@' or after a FidoNet label on the line.
func fidoSpans(s string, spans []Span) []Span {
	for i := 0; ; {
		k := strings.IndexByte(s[i:], ':')
		if k < 0 {
			return spans
		}
		c := i + k
		i = c + 1
		z := c
		for z > 0 && c-z < 5 && isDigit(s[z-1]) {
			z--
		}
		if z == c || z > 0 && (isAlnum(s[z-1]) || s[z-1] == '.' || s[z-1] == ':' || s[z-1] == '/') {
			continue
		}
		end := fidoNodeEnd(s, z)
		if end < 0 {
			continue
		}
		if end < len(s) && s[end] == '@' || z > 0 && s[z-1] == '@' || fidoLabel(s, z) {
			spans = append(spans, Span{z, end, FormFidoNet})
		}
	}
}

// fidoNodeEnd returns where the FidoNet node address starting at s[j] ends
// (zone:net/node with an optional .point), or -1.
func fidoNodeEnd(s string, j int) int {
	k := digits(s, j)
	if k == j || k >= len(s) || s[k] != ':' {
		return -1
	}
	n := digits(s, k+1)
	if n == k+1 || n >= len(s) || s[n] != '/' {
		return -1
	}
	e := digits(s, n+1)
	if e == n+1 {
		return -1
	}
	if e+1 < len(s) && s[e] == '.' && isDigit(s[e+1]) {
		e = digits(s, e+1)
	}
	if e < len(s) && (isAlnum(s[e]) || s[e] == '/' || s[e] == ':') {
		return -1
	}
	return e
}

// digits returns the end of the run of at most five digits at s[j].
func digits(s string, j int) int {
	k := j
	for k < len(s) && k-j < 5 && isDigit(s[k]) {
		k++
	}
	if k < len(s) && isDigit(s[k]) {
		return j // too long for a FidoNet number
	}
	return k
}

// fidoLabel reports whether the line before s[i] names FidoNet.
func fidoLabel(s string, i int) bool {
	line := lineBefore(s, i)
	return hasFold(line, "fido") || hasFold(line, "netmail") || hasFold(line, "origin:")
}

// compuServeSpans finds CompuServe user IDs (71234,567) in parentheses or
// brackets or after a CompuServe label on the line.
func compuServeSpans(s string, spans []Span) []Span {
	for i := 0; ; {
		k := strings.IndexByte(s[i:], ',')
		if k < 0 {
			return spans
		}
		c := i + k
		i = c + 1
		a := c
		for a > 0 && c-a < 7 && isDigit(s[a-1]) {
			a--
		}
		if c-a < 5 || c-a > 6 || a > 0 && (isAlnum(s[a-1]) || s[a-1] == ',' || s[a-1] == '.') {
			continue
		}
		e := c + 1
		for e < len(s) && e-c <= 6 && isDigit(s[e]) {
			e++
		}
		if e-c-1 < 2 || e-c-1 > 5 || e < len(s) && (isAlnum(s[e]) || s[e] == ',') {
			continue
		}
		if enclosed(s, a, e) || compuServeLabel(s, a) {
			spans = append(spans, Span{a, e, FormCompuServe})
		}
	}
}

// enclosed reports whether s[a:e] stands alone in parentheses or brackets.
func enclosed(s string, a, e int) bool {
	for a > 0 && s[a-1] == ' ' {
		a--
	}
	for e < len(s) && s[e] == ' ' {
		e++
	}
	return a > 0 && e < len(s) && (s[a-1] == '(' && s[e] == ')' || s[a-1] == '[' && s[e] == ']')
}

// compuServeLabel reports whether a CompuServe label comes shortly before
// s[i] on its line.
func compuServeLabel(s string, i int) bool {
	line := lineBefore(s, i)
	if len(line) > 40 {
		line = line[len(line)-40:]
	}
	if hasFold(line, "compuserve") || hasFold(line, "cserve") {
		return true
	}
	for j := 0; ; {
		k := indexFold(line[j:], "cis")
		if k < 0 {
			return false
		}
		k += j
		if (k == 0 || !isAlnum(line[k-1])) && (k+3 == len(line) || !isAlnum(line[k+3])) {
			return true
		}
		j = k + 3
	}
}

// lineBefore returns the text from the start of s[i]'s line to s[i], at
// most lookBack bytes of it.
func lineBefore(s string, i int) string {
	ls := i
	for ls > 0 && s[ls-1] != '\n' && ls > i-lookBack {
		ls--
	}
	return s[ls:i]
}

// hasFold reports whether s contains the lower-case ASCII word w in any case.
func hasFold(s, w string) bool { return indexFold(s, w) >= 0 }

// indexFold returns the index of the lower-case ASCII w in s in any case,
// or -1.
func indexFold(s, w string) int {
	lo, up := w[0], w[0]-'a'+'A'
	for i := 0; i+len(w) <= len(s); i++ {
		if c := s[i]; c != lo && c != up {
			k := strings.IndexAny(s[i:], string([]byte{lo, up}))
			if k < 0 {
				return -1
			}
			i += k
			if i+len(w) > len(s) {
				return -1
			}
		}
		if strings.EqualFold(s[i:i+len(w)], w) {
			return i
		}
	}
	return -1
}

func isAlnum(c byte) bool { return isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'z' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func countAlnum(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isAlnum(s[i]) {
			n++
		}
	}
	return n
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func allLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) || isDigit(s[i]) {
			return false
		}
	}
	return true
}

// capitalised reports whether s is a word with a capital and then only
// lower-case letters ("Harbourside"), as prose writes and host names are not.
func capitalised(s string) bool {
	if len(s) < 2 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}
