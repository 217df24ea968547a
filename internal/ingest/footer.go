package ingest

import (
	"regexp"
	"strings"
)

// Footer patterns. They are matched against a whole paragraph (lines joined
// by spaces) at the end of a file, never inside the story.
var (
	// feedbackTarget patterns capture whom feedback goes to.
	feedbackTarget = []*regexp.Regexp{
		regexp.MustCompile(`(?i)\b(?:send|e-?mail|write|mail|direct|address)\s+(?:your\s+|any\s+|all\s+|some\s+)?(?:feedback|comments?|criticism|c\s*&\s*c|c/c|reviews?|thoughts|flames|questions)\s+(?:\w+\s+){0,2}?(?:to|at)\s+(.+?)\s*[.!?)]*$`),
		regexp.MustCompile(`(?i)\bfeedback\s+(?:is\s+|would\s+be\s+)?(?:always\s+|very\s+|much\s+|greatly\s+)*(?:welcome[d]?|appreciated|craved|adored|loved|cherished|treasured|desired|wanted|nice|great|lovely)?\s*(?:to|at|:|-|—|–)\s*(.+?)\s*[.!?)]*$`),
		regexp.MustCompile(`(?i)\b(?:e-?mail|write(?:\s+to)?|contact|reach)\s+me\s+(?:at|on|via)\s+(.+?)\s*[.!?)]*$`),
		regexp.MustCompile(`(?i)\b(?:comments?|c\s*&\s*c|criticism|reviews?|feedback)\s+(?:(?:are|is)\s+)?(?:always\s+|very\s+|much\s+)*(?:welcome[d]?|appreciated|wanted)\s+(?:at|to)\s+(.+?)\s*[.!?)]*$`),
		// "Comments? Flames? Write me: wren@example.org": an address after
		// words that ask for mail.
		regexp.MustCompile(`(?i)\b(?:comments?|flames?|feedback|criticism|c\s*&\s*c|questions?|write|mail)\b[^@]{0,60}?\b([a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,})`),
	}
	// feedbackPlea matches a request for feedback that names no address.
	feedbackPlea = regexp.MustCompile(`(?i)\b(?:let\s+me\s+know\s+what\s+you\s+(?:think|thought)|(?:feedback|comments?|c\s*&\s*c|criticism|reviews?)\s+(?:are|is|would\s+be)\s+(?:always\s+|very\s+|much\s+|greatly\s+)*(?:welcome[d]?|appreciated|wanted|lovely|nice|great)|please\s+(?:send\s+)?(?:feedback|review|comment)|feedback\s+(?:please|welcome|appreciated))`)
	// listPromo matches "join Level Three, the Smallville all-fic list".
	listPromo = regexp.MustCompile(`(?i)\bjoin\s+(?:us\s+(?:at|on)\s+)?(.+?),\s+the\s+(.+?)\s+(?:mailing\s+|e-?mail\s+)?list\b`)
	// listSubscribe matches "subscribe to X" without the descriptive part.
	listSubscribe = regexp.MustCompile(`(?i)\b(?:join|subscribe\s+to)\s+(?:the\s+)?(.+?)\s+(?:mailing\s+)?list\b`)
	// listServer is the boilerplate a list server appends to every message:
	// Mailman's "harbour-fic mailing list / address / listinfo URL", and the
	// unsubscribe lines and sponsor blocks of eGroups, ONElist and Yahoo!
	// Groups.
	listServer = regexp.MustCompile(`(?i)mailman/listinfo|\bmailing\s+list\s*$|unsubscribe|yahoo!?\s*groups|\begroups\b|\bonelist\b|\blistserv\b|\bmajordomo\b`)
	// listServerName is where such boilerplate names the list: a line
	// "harbour-fic mailing list", or an address "harbour-fic-unsubscribe@…".
	listServerName = regexp.MustCompile(`(?i)^\s*([\w.+-][\w .+-]{0,60}?)\s+mailing\s+list\s*$|\b([\w.+]+(?:-[\w.+]+)*?)-unsubscribe@`)
	// archivedAt matches "archived at X", "find more of my stories at X".
	archivedAt = regexp.MustCompile(`(?i)\b(?:archived|posted|found|available|stories)\s+(?:at|on)\s+(.+?)\s*[.!]*$`)
	// endMarker matches the lines that close a story.
	endMarker = regexp.MustCompile(`(?i)^\W*(?:the\s+end|end|fin|finis|finito|owari|-30-|end\s+of\s+(?:story|file|fic)|eof)\W*$`)
	// archiveWords mark a short closing line as the name of an archive or site.
	archiveWords = regexp.MustCompile(`(?i)\b(?:archives?|records\s+room|library|vault|collection|fics?|fiction|fanfic|fanfiction|stories|site|web\s*page|home\s*page)\b|https?://|www\.|\.(?:com|net|org|edu)\b`)
	// genericListWords are the words that describe a list rather than name
	// its fandom: "the Smallville all-fic list" → Smallville.
	genericListWords = regexp.MustCompile(`(?i)\s*\b(?:all[- ]?fic|all[- ]?fiction|fanfic(?:tion)?|fic|fiction|slash|het|gen|adult|nc-?17|mailing|discussion|rpg|story|stories|writers?|writing|archive|announcement|announce|new|only|the|official|general)\b\s*`)
)

// nameFiller is what follows a name at the end of a request.
var nameFiller = regexp.MustCompile(`(?i)[\s,]+(?:please|thanks|thank you|if you (?:like|want|would)|too)\b.*$`)

// footer is what the end of a file says about the story: where feedback
// goes, which list it was posted to, where it was archived. The story ends
// where the footer begins.
type footer struct {
	feedback, feedbackVia string
	list, listVia         string
	listFandom            string // fandom named in the list's description
	archive, archiveVia   string
	fields                []headerField // labelled lines at the end, kept as notes
}

// footerClass says how sure we are that a closing paragraph is not story.
type footerClass int

const (
	notFooter   footerClass = iota
	maybeFooter             // a short closing line: an archive name, a sign-off, or the story's last words
	isFooter
)

// parseFooter finds the footer among ps[start:] and returns it with the
// index where it begins (len(ps) when there is none). It walks up from the
// end while paragraphs look like footer, then gives back to the story any
// uncertain paragraphs above the first certain one.
func parseFooter(ps []para, start int) (f footer, end int) {
	classes := map[int]footerClass{}
	end = len(ps)
	for i := len(ps) - 1; i >= start && len(ps)-i <= 15; i-- {
		c := f.classify(ps[i])
		if c == notFooter {
			break
		}
		classes[i] = c
		end = i
	}
	// Uncertain paragraphs at the top of the footer belong to the story
	// unless they name an archive.
	for end < len(ps) && classes[end] == maybeFooter && !f.namesArchive(ps[end]) {
		end++
	}
	// Closing lines that name an archive, below everything else.
	for i := len(ps) - 1; i >= end; i-- {
		if classes[i] == maybeFooter && f.archive == "" && f.namesArchive(ps[i]) {
			f.archive, f.archiveVia = strings.TrimSpace(ps[i].text()), "footer:closing-line"
		}
	}
	// A footer made only of uncertain lines is no footer: without a feedback
	// request, list or end marker, those lines are the story's.
	sure := false
	for i := end; i < len(ps); i++ {
		sure = sure || classes[i] == isFooter || f.namesArchive(ps[i])
	}
	if !sure {
		return footer{}, len(ps)
	}
	return f, end
}

// classify decides whether p is footer, recording what it says in f.
func (f *footer) classify(p para) footerClass {
	text := p.text()
	if isSeparator(p) || (len(text) < 40 && endMarker.MatchString(text)) {
		return isFooter
	}
	if fields, ok := labelledParagraph(p); ok && p.words() <= 120 {
		for _, hf := range fields {
			switch hf.field {
			case fieldFeedback:
				f.setFeedback(hf.value, "footer:"+hf.label)
			case fieldList:
				f.list, f.listVia = hf.value, "footer:"+hf.label
			case fieldArchiveName:
				f.archive, f.archiveVia = hf.value, "footer:"+hf.label
			}
		}
		f.fields = append(fields, f.fields...)
		return isFooter
	}
	if f.listServer(p) {
		return isFooter
	}
	if p.words() > 80 || len(p.lines) > 6 {
		return notFooter
	}
	found := false
	for _, re := range feedbackTarget {
		if m := re.FindStringSubmatch(text); m != nil {
			f.setFeedback(m[1], "footer:feedback-request")
			found = true
			break
		}
	}
	if !found && feedbackPlea.MatchString(text) {
		found = true
		if addr := findEmail(text); addr != "" {
			f.setFeedback(addr, "footer:feedback-request")
		}
	}
	if m := listPromo.FindStringSubmatch(text); m != nil {
		f.list, f.listVia = cleanName(m[1]), "footer:list-promotion"
		f.listFandom = strings.TrimSpace(genericListWords.ReplaceAllString(m[2], " "))
		found = true
	} else if m := listSubscribe.FindStringSubmatch(text); m != nil {
		f.list, f.listVia = cleanName(m[1]), "footer:list-promotion"
		found = true
	}
	if m := archivedAt.FindStringSubmatch(text); m != nil && archiveWords.MatchString(m[1]) {
		f.archive, f.archiveVia = cleanName(m[1]), "footer:archived-at"
		found = true
	}
	switch {
	case found:
		return isFooter
	case len(p.lines) <= 2 && p.words() <= 8 && !endsSentence(text):
		return maybeFooter
	}
	return notFooter
}

// listServer reports whether p is a list server's boilerplate (listServer),
// recording the list's name when it gives one. Sponsor blocks run to a
// dozen lines, so a paragraph may be longer than other footers when a rule
// line opens it.
func (f *footer) listServer(p para) bool {
	ruled := len(p.lines) > 1 && (headingRule(p.lines[0]) || mostlyRule(p.lines[0]))
	if p.words() > 80 || len(p.lines) > 6 && !(ruled && len(p.lines) <= 15) {
		return false
	}
	found := false
	for _, l := range p.lines {
		if !listServer.MatchString(l) {
			continue
		}
		found = true
		if m := listServerName.FindStringSubmatch(l); m != nil && f.list == "" {
			f.list, f.listVia = m[1]+m[2], "footer:list-server"
		}
	}
	return found
}

// namesArchive reports whether a short closing line names an archive: it
// has a word like "archive" or an address, or begins with the list's name
// ("Level Three Records Room" after "join Level Three").
func (f *footer) namesArchive(p para) bool {
	text := p.text()
	if len(p.lines) > 2 || p.words() > 8 {
		return false
	}
	if f.list != "" && strings.HasPrefix(strings.ToLower(text), strings.ToLower(f.list)) && !strings.EqualFold(text, f.list) {
		return true
	}
	return archiveWords.MatchString(text) && !feedbackPlea.MatchString(text)
}

func (f *footer) setFeedback(target, via string) {
	if addr := findEmail(target); addr != "" {
		target = addr
	}
	if t := cleanName(target); t != "" && f.feedback == "" {
		f.feedback, f.feedbackVia = t, via
	}
}

// cleanName trims the punctuation and filler that surround a name in a
// sentence: quotes, brackets, a trailing "please".
func cleanName(s string) string {
	s = strings.TrimSpace(s)
	s = nameFiller.ReplaceAllString(s, "")
	return strings.Trim(s, " \t\"'“”‘’()[]<>*_~:,;.!?")
}

// endsSentence reports whether text ends like a sentence (or a line of
// dialogue) rather than like a name or a heading.
func endsSentence(text string) bool {
	text = strings.TrimRight(text, " \"'”’)*_")
	return strings.HasSuffix(text, ".") || strings.HasSuffix(text, "!") || strings.HasSuffix(text, "?") ||
		strings.HasSuffix(text, "…")
}
