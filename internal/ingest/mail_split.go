package ingest

import (
	"bytes"
	"mime"
	"regexp"
	"strings"
)

// mailSpan is where one post lies in a raw file. envStart is -1 when the
// post has no envelope line; hdrStart == hdrEnd when it has no header block.
type mailSpan struct {
	start, end       int
	envStart, envEnd int
	hdrStart, hdrEnd int
	bodyStart        int
	// bodyEnd is where the body ends when that is before end: the last
	// message of a MIME digest ends at the digest's closing delimiter, and
	// what follows (the digest's trailer) is no part of it. 0 means end.
	bodyEnd int
}

// body returns the bytes of the span's body in raw.
func (s mailSpan) body(raw []byte) []byte {
	if s.bodyEnd > 0 {
		return raw[s.bodyStart:s.bodyEnd]
	}
	return raw[s.bodyStart:s.end]
}

// mailLines reads the lines of a raw file by offset. A file without any line
// feed (an old Macintosh file) is split at carriage returns instead.
type mailLines struct {
	raw []byte
	nl  byte
}

func newMailLines(raw []byte) mailLines {
	nl := byte('\n')
	if bytes.IndexByte(raw, '\n') < 0 {
		nl = '\r'
	}
	return mailLines{raw: raw, nl: nl}
}

// at returns the line that starts at pos, without its line end, and the
// offset of the next line.
func (r mailLines) at(pos int) (line []byte, next int) {
	i := bytes.IndexByte(r.raw[pos:], r.nl)
	if i < 0 {
		return bytes.TrimSuffix(r.raw[pos:], []byte("\r")), len(r.raw)
	}
	return bytes.TrimSuffix(r.raw[pos:pos+i], []byte("\r")), pos + i + 1
}

// blockContext is what precedes a candidate header block; the less it looks
// like the start of a message, the more evidence the block must carry.
type blockContext int

const (
	afterEnvelope blockContext = iota // an mbox "From " or "Article N of group:" line
	atFileStart                       // nothing but blank lines
	afterBlank                        // a blank line
	afterText                         // any other line, e.g. the previous post's last line
)

// headerBlock is what scanHeaderBlock learnt about a run of header lines.
type headerBlock struct {
	end       int  // offset of the first line after the header lines
	bodyStart int  // after the blank line that ends the block, else end
	endsBlank bool // the block ends at a blank line (not at text or the end of the file)
	known     int  // fields with real mail or news header names
	strong    int  // of those, fields whose value only mail has (see classify)
	unknown   int  // fields with other names ("Title", "Author", "Rating")
	subject   bool // a Subject field
	// ctFrom and ctTo are the bytes of the first Content-Type field,
	// continuation lines included; ctFrom is -1 if there is none.
	ctFrom, ctTo int
}

// accept decides whether the block starts a post, given what precedes it.
func (b headerBlock) accept(ctx blockContext) bool {
	if b.unknown > b.known {
		return false
	}
	switch ctx {
	case afterEnvelope:
		return b.known >= 1
	case atFileStart:
		if b.known >= 2 && b.strong >= 1 {
			return true
		}
		return b.known >= 1 && b.unknown == 0 && b.endsBlank && (b.subject || b.strong >= 1)
	case afterBlank:
		return b.known >= 2 && b.strong >= 1
	default:
		return b.known >= 3 && b.strong >= 2
	}
}

// utf8BOM is skipped at the start of a file.
var utf8BOM = []byte("\xef\xbb\xbf")

// splitMailSpans finds where posts start in raw (see SplitPosts for the
// rules) and returns their spans, with a headerless span for non-blank text
// before the first post. It returns nil when no post starts anywhere.
//
// Every line is looked at a bounded number of times: a rejected run of
// header lines is skipped whole, since any later start inside it would have
// a subset of its fields and a stricter context.
func splitMailSpans(raw []byte) []mailSpan {
	s := mailSplitter{r: newMailLines(raw), ctx: atFileStart}
	pos := 0
	if bytes.HasPrefix(raw, utf8BOM) {
		pos = len(utf8BOM)
	}
	for pos < len(raw) {
		line, next := s.r.at(pos)
		if blankLine(line) || ruleLine(line) {
			if s.ctx != atFileStart {
				s.ctx = afterBlank
			}
			pos = next
			continue
		}
		if envelopeLine(line) {
			if next < len(raw) {
				if nl, _ := s.r.at(next); isMailHeaderLine(nl) {
					if b := scanHeaderBlock(s.r, next); b.accept(afterEnvelope) {
						pos = s.begin(pos, pos, next, b)
						continue
					}
				}
			}
			if s.ctx == atFileStart && bytes.HasPrefix(line, []byte("From ")) {
				// An mbox of one message whose headers were stripped.
				pos = s.begin(pos, pos, next, headerBlock{end: next, bodyStart: next, ctFrom: -1})
				continue
			}
		}
		if s.mime {
			// Inside a MIME body, header blocks are its parts' headers,
			// except that each part of a digest is a message of its own.
			if s.digest != nil && bytes.HasPrefix(line, s.digest) {
				if rest := line[len(s.digest):]; bytes.HasPrefix(rest, []byte("--")) {
					s.starts[len(s.starts)-1].bodyEnd = pos
					s.digest = nil
				} else if blankLine(rest) {
					if body, ok := s.digestMessage(pos, next); ok {
						pos = body
						continue
					}
				}
			} else if s.digest == nil && len(line) > 13 && bytes.EqualFold(line[:13], []byte("content-type:")) {
				// A multipart/digest nested in the message ("multipart/mixed"
				// with the digest's table of contents first, as Mailman
				// sends them). The part's header lines are read once.
				b := scanHeaderBlock(s.r, pos)
				s.digest = b.digestDelimiter(s.r.raw)
				pos, s.ctx = max(next, b.end), afterText
				continue
			}
			if s.closing != nil && bytes.HasPrefix(line, s.closing) {
				s.mime, s.digest = false, nil
			}
			pos, s.ctx = next, afterText
			continue
		}
		if isMailHeaderLine(line) {
			b := scanHeaderBlock(s.r, pos)
			if b.accept(s.ctx) {
				pos = s.begin(pos, -1, pos, b)
				continue
			}
			pos, s.ctx = b.end, afterText
			continue
		}
		pos, s.ctx = next, afterText
	}
	starts := s.starts
	if len(starts) == 0 {
		return nil
	}
	spans := make([]mailSpan, 0, len(starts)+1)
	if pre := raw[:starts[0].start]; len(bytes.TrimSpace(bytes.TrimPrefix(pre, utf8BOM))) > 0 {
		spans = append(spans, mailSpan{start: 0, end: starts[0].start, envStart: -1, bodyStart: 0})
	}
	for i, s := range starts {
		s.end = len(raw)
		if i+1 < len(starts) {
			s.end = starts[i+1].start
		}
		spans = append(spans, s)
	}
	return spans
}

// mailSplitter is the state of splitMailSpans.
type mailSplitter struct {
	r       mailLines
	starts  []mailSpan
	ctx     blockContext
	mime    bool   // inside a multipart or message/* body
	closing []byte // the delimiter that ends the multipart body, if any
	digest  []byte // inside a multipart/digest: its delimiter ("--boundary")
}

// digestMessage begins a post at a digest's delimiter line at delim: the
// message its part holds, after the part's own headers if it has any (a
// digest's parts are message/rfc822 unless they say otherwise). It returns
// where the message's body starts, and false when the part is not a
// message (a text part, or no headers).
func (s *mailSplitter) digestMessage(delim, next int) (int, bool) {
	pos := next
	if pos >= len(s.r.raw) {
		return 0, false
	}
	if line, after := s.r.at(pos); blankLine(line) {
		pos = after // no part headers: a message/rfc822 part
	} else if isMailHeaderLine(line) {
		part := scanHeaderBlock(s.r, pos)
		if mt, _ := part.contentType(s.r.raw); (mt != "" && mt != "message/rfc822") || !part.endsBlank {
			return 0, false
		}
		pos = part.bodyStart
	} else {
		return 0, false
	}
	if pos >= len(s.r.raw) {
		return 0, false
	}
	if line, _ := s.r.at(pos); !isMailHeaderLine(line) {
		return 0, false
	}
	b := scanHeaderBlock(s.r, pos)
	if !b.accept(afterEnvelope) {
		return 0, false
	}
	s.starts = append(s.starts, mailSpan{start: delim, envStart: -1, hdrStart: pos, hdrEnd: b.end, bodyStart: b.bodyStart})
	s.ctx = afterBlank
	return b.bodyStart, true
}

// begin records a post starting at start, with an envelope line at env
// (-1 if none) and the header block b at hdr, and returns where its body
// starts.
func (s *mailSplitter) begin(start, env, hdr int, b headerBlock) int {
	s.starts = append(s.starts, mailSpan{start: start, envStart: env, envEnd: hdr, hdrStart: hdr, hdrEnd: b.end, bodyStart: b.bodyStart})
	s.ctx = afterText
	if b.endsBlank {
		s.ctx = afterBlank
	}
	s.mime, s.closing = b.mimeBody(s.r.raw)
	s.digest = b.digestDelimiter(s.r.raw)
	return b.bodyStart
}

// digestDelimiter returns the delimiter line ("--boundary") of the block's
// multipart/digest body, or nil when it is no digest.
func (b headerBlock) digestDelimiter(raw []byte) []byte {
	if mt, params := b.contentType(raw); mt == "multipart/digest" && params["boundary"] != "" {
		return []byte("--" + params["boundary"])
	}
	return nil
}

// mimeBody reports whether the block's Content-Type makes its body a
// container of other header blocks (multipart/*, message/*), and for a
// multipart the closing delimiter line ("--boundary--") that ends it.
func (b headerBlock) mimeBody(raw []byte) (bool, []byte) {
	mt, params := b.contentType(raw)
	switch {
	case mt == "":
		return false, nil
	case strings.HasPrefix(mt, "message/"):
		return true, nil
	case strings.HasPrefix(mt, "multipart/") && params["boundary"] != "":
		return true, []byte("--" + params["boundary"] + "--")
	}
	return false, nil
}

// contentType reads the block's Content-Type field: the media type, lower
// case, and its parameters; "" when there is none or it cannot be read.
func (b headerBlock) contentType(raw []byte) (string, map[string]string) {
	if b.ctFrom < 0 {
		return "", nil
	}
	v := bytes.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, raw[b.ctFrom:b.ctTo])
	_, v, _ = bytes.Cut(v, []byte(":"))
	mt, params, err := mime.ParseMediaType(string(v))
	if err != nil && mt == "" {
		return "", nil
	}
	return mt, params
}

// scanHeaderBlock reads the run of header lines (and their folded
// continuations) starting at pos, which must be a header line.
func scanHeaderBlock(r mailLines, pos int) headerBlock {
	b := headerBlock{ctFrom: -1}
	first, inCT := true, false
	for pos < len(r.raw) {
		line, next := r.at(pos)
		if blankLine(line) {
			b.end, b.bodyStart, b.endsBlank = pos, next, true
			return b
		}
		if line[0] == ' ' || line[0] == '\t' {
			if first {
				break
			}
			if inCT {
				b.ctTo = next
			}
			pos = next
			continue
		}
		name, value, ok := mailHeaderName(line)
		if !ok {
			break
		}
		b.classify(name, value)
		inCT = b.ctFrom < 0 && bytes.EqualFold(name, []byte("Content-Type"))
		if inCT {
			b.ctFrom, b.ctTo = pos, next
		}
		first = false
		pos = next
	}
	b.end, b.bodyStart = pos, pos
	return b
}

// blankLine reports whether l holds only white space.
func blankLine(l []byte) bool {
	for _, c := range l {
		switch c {
		case ' ', '\t', '\r', '\f', '\v':
		default:
			return false
		}
	}
	return true
}

// ruleLine reports whether l is a horizontal rule ("-----", "=====",
// "+====+"), which digests and archives put between posts: it separates
// like a blank line.
func ruleLine(l []byte) bool {
	t := bytes.TrimSpace(l)
	if len(t) < 3 {
		return false
	}
	for _, c := range t {
		switch c {
		case '-', '=', '*', '_', '~', '+', '#':
		default:
			return false
		}
	}
	return true
}

// articleLine is how rn and trn began a saved article.
var articleLine = regexp.MustCompile(`^Article \d+ of [^\s:]+:?\s*$`)

// envelopeLine reports whether l introduces a message: an mbox "From "
// line with a sender and a full date, or a saved-article line.
func envelopeLine(l []byte) bool {
	switch {
	case bytes.HasPrefix(l, []byte("From ")):
		_, _, ok := parseMailEnvelope(string(l))
		return ok
	case bytes.HasPrefix(l, []byte("Article ")):
		return articleLine.Match(l)
	}
	return false
}

// isMailHeaderLine reports whether l has the shape of a header field.
func isMailHeaderLine(l []byte) bool {
	_, _, ok := mailHeaderName(l)
	return ok
}

// mailHeaderName splits a "Name: value" line. A name is a letter followed by
// up to 63 letters, digits, hyphens, underscores or dots. A single leading
// '>' or '~' is allowed and dropped: mbox tools escaped "From:" as
// ">From:", and one news archive marked reposted headers as "~From:".
func mailHeaderName(l []byte) (name, value []byte, ok bool) {
	i := 0
	if len(l) > 1 && (l[0] == '>' || l[0] == '~') {
		i = 1
	}
	start := i
	for ; i < len(l) && i-start < 64; i++ {
		c := l[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > start && (c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'):
		case c == ':' && i > start:
			return l[start:i], l[i+1:], true
		default:
			return nil, nil, false
		}
	}
	return nil, nil, false
}

// mailHeaderKind says how a header name counts as evidence of mail.
type mailHeaderKind int

const (
	mhWeak    mailHeaderKind = iota + 1 // a mail header name whose value proves nothing
	mhStrong                            // only mail has it (Received, Xref…)
	mhAddress                           // strong if the value has an address in it
	mhPath                              // strong if the value is a bang path or host name
	mhGroups                            // strong if the value is dotted group names
	mhID                                // strong if the value looks like <id@host>
	mhDate                              // known and strong only if it is a date with a time
	mhNeutral                           // also a story label ("Summary", "Keywords"): not counted
)

// mailHeaderKinds are the header names of Usenet articles and mail of the
// 1980s–2000s, lower-cased. Names starting with "x-" count as mhWeak.
var mailHeaderKinds = map[string]mailHeaderKind{
	"from": mhAddress, "sender": mhAddress, "reply-to": mhAddress, "to": mhAddress, "cc": mhAddress,
	"bcc": mhAddress, "return-path": mhAddress, "apparently-to": mhAddress, "errors-to": mhAddress,
	"resent-from": mhAddress, "resent-to": mhAddress, "delivered-to": mhAddress, "return-receipt-to": mhAddress,
	"path": mhPath, "newsgroups": mhGroups, "followup-to": mhGroups,
	"message-id": mhID, "in-reply-to": mhID, "references": mhID, "supersedes": mhID, "resent-message-id": mhID,
	"date": mhDate, "resent-date": mhDate, "date-received": mhDate, "nntp-posting-date": mhDate,
	"received": mhStrong, "xref": mhStrong, "relay-version": mhStrong, "posting-version": mhStrong,
	"nntp-posting-host": mhStrong, "mime-version": mhStrong, "content-type": mhStrong,
	"content-transfer-encoding": mhStrong, "article-i.d.": mhStrong, "nf-id": mhStrong, "nf-from": mhStrong,
	"subject": mhWeak, "organization": mhWeak, "organisation": mhWeak, "lines": mhWeak, "distribution": mhWeak,
	"approved": mhWeak, "expires": mhWeak, "originator": mhWeak, "precedence": mhWeak, "control": mhWeak,
	"content-length": mhWeak, "content-disposition": mhWeak, "content-description": mhWeak, "user-agent": mhWeak,
	"mail-system-version": mhWeak, "message": mhWeak, "encoding": mhWeak, "priority": mhWeak, "importance": mhWeak,
	"summary": mhNeutral, "keywords": mhNeutral, "status": mhNeutral, "comments": mhNeutral, "posted": mhNeutral,
}

// classify counts one header field as evidence.
func (b *headerBlock) classify(name, value []byte) {
	var buf [64]byte
	lower := buf[:0]
	for _, c := range name {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower = append(lower, c)
	}
	kind, ok := mailHeaderKinds[string(lower)]
	if !ok && bytes.HasPrefix(lower, []byte("x-")) {
		kind, ok = mhWeak, true
	}
	if !ok {
		b.unknown++
		return
	}
	v := strings.TrimSpace(string(value))
	strong := false
	switch kind {
	case mhNeutral:
		return
	case mhStrong:
		strong = true
	case mhAddress:
		strong = strings.ContainsAny(v, "@!")
	case mhPath:
		strong = v != "" && !strings.ContainsAny(v, " \t") && strings.ContainsAny(v, "!.")
	case mhGroups:
		strong = newsgroupsValue.MatchString(v)
	case mhID:
		strong = strings.Contains(v, "@") || strings.Contains(v, "<") && strings.Contains(v, ">")
	case mhDate:
		if _, ok := parseMailDate(v, true); !ok {
			return
		}
		strong = true
	}
	b.known++
	if strong {
		b.strong++
	}
	if string(lower) == "subject" {
		b.subject = true
	}
}

// newsgroupsValue matches a list of dotted newsgroup names.
var newsgroupsValue = regexp.MustCompile(`^[A-Za-z0-9+_-]+(\.[A-Za-z0-9+_-]+)+(\s*,\s*[A-Za-z0-9+_.-]+)*,?$`)
