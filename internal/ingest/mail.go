package ingest

import (
	"bytes"
	"regexp"
	"time"

	"fanarchive"
)

// Post is one message found in a news or mail file: a Usenet article, a
// mailing-list message, one message of an mbox. Header values are decoded
// (RFC 2047 encoded-words, 8-bit bytes, folding) and the body is reduced to
// what its author wrote: UTF-8 text without the quoted lines of the message
// it answers and without its trailing signature, which is kept apart.
//
// A Post with an empty Header and Envelope holds text found before the first
// message of a file (an archivist's note, a first part whose headers were
// cut off). Posts never overlap and appear in file order.
type Post struct {
	// From is the author: the From header, else the Sender header, else
	// the mbox envelope's sender.
	From    Address
	ReplyTo Address
	Subject string    // decoded, unfolded, white space collapsed
	Date    time.Time // zero if absent or unparseable; the envelope date if no Date header
	// Newsgroups, MessageID and References are as written ("<id@host>").
	Newsgroups   []string
	MessageID    string
	References   []string
	Organization string

	// Header holds every header field as written, unfolded, under its
	// canonical key ("Message-Id"), for provenance. Bytes that are not
	// UTF-8 are read as the 8-bit encoding Decode picks; nothing else is
	// decoded.
	Header map[string][]string
	// Envelope is the line that introduced the message in an mbox or a
	// saved news file ("From user@host Sun Dec 12 01:28:05 1993",
	// "Article 6956 of rec.arts.startrek:"), if any.
	Envelope string

	// Text is the body as UTF-8 plain text with "\n" line ends: the
	// text/plain parts of a MIME message (several parts of a multipart/mixed
	// message are joined with a blank line), or the plain text of its HTML
	// when it has no text/plain part. Quoted replies and the signature are
	// removed (see Quoted and Signature) and mbox ">From " escapes undone;
	// everything else is kept as written, leading blank lines and trailing
	// white space aside.
	Text string
	// HTML is set only when the message had no text/plain part: its
	// text/html part, sanitised with prose.Sanitize.
	HTML string
	// Signature is the trailing signature block removed from Text (after a
	// "-- " line), kept because authors' names and addresses often live there.
	Signature string
	// Quoted counts the lines removed from Text as quotation: runs of '>'
	// or '|' lines under an attribution ("In article <…>, x writes:", "On
	// …, X wrote:", removed too), and, in a reply ("Re:" subject,
	// References, In-Reply-To), runs of two or more '>' lines with words in
	// them. A single unattributed '>' line, decoration (">>> PART ONE <<<")
	// and any unattributed '>' line of a post that is not a reply are kept:
	// stories use them.
	Quoted int
	// Encoding is the charset the body was decoded from, e.g. "utf-8",
	// "windows-1252" or a declared MIME charset such as "iso-8859-15".
	Encoding string
	// MIME reports whether the body was decoded as a MIME entity (it had a
	// Content-Type or a transfer encoding other than 7bit/8bit/binary).
	MIME bool

	// Start and End are the byte range of the post in the raw file,
	// envelope line and headers included.
	Start, End int
}

// Address is a person as a From or Reply-To header names them. Either part
// may be empty.
type Address struct {
	Name string // display name, decoded: "Kirsten Berry"
	Addr string // as written, without angle brackets: "kberry@host", "uunet!host!user"
}

// SplitPosts finds the posts in raw, a news or mail file, and decodes each.
// ok is false when raw is not mail or news at all (a plain text file, a
// UTF-16 file): the caller then parses it as text. The only error is an
// EUNREADABLE one for binary data.
//
// A post starts at
//   - an mbox envelope line ("From " sender and a full date with a time)
//     directly followed by a header line, or at the start of the file even
//     without headers; a "From " line in a story has no date, and one in a
//     body followed by a blank line does not split;
//   - a saved-article line ("Article 123 of group:") directly followed by a
//     header line;
//   - a header block: consecutive "Name: value" lines (with folded
//     continuations) up to a blank line or other text, with no more unknown
//     names ("Title", "Rating") than real mail and news header names.
//     After a blank line, a rule line ("-----") or at the start of the file
//     it needs two real names, one of them with a value only mail has (a
//     From or Path address, Newsgroups, a Message-ID, a Date with a time of
//     day, Received, Xref…); right after other text it needs three, two of
//     them such. At the very start of a file, a block of only real names
//     that includes a Subject, or such a value, is enough ("Subject: …"
//     over a story). Names that are also story labels (Summary, Keywords,
//     Status, Comments, Posted, a Date without a time) count for nothing,
//     so a story's own "Title:/Author:/Rating:" block never qualifies.
//     Header lines escaped as ">From:" or "~From:" count as "From:".
//
// Inside the body of a multipart message, up to its closing boundary, and
// of a message/rfc822 one, header blocks are its parts' headers and start
// nothing; only an envelope line does. The exception is a multipart/digest
// (a list's digest, at the top or inside a multipart/mixed): each of its
// parts that holds a message starts a post at the part's delimiter, and the
// last one's body ends at the digest's closing delimiter. Everything from one start to the
// next is one post; text before the first start, if not blank, is a post
// without headers. The scan is linear in the size of raw, and so is the
// decoding of each post.
func SplitPosts(raw []byte) (posts []Post, ok bool, err error) {
	if len(bytes.TrimSpace(raw)) == 0 ||
		bytes.HasPrefix(raw, []byte("\xff\xfe")) || bytes.HasPrefix(raw, []byte("\xfe\xff")) {
		return nil, false, nil
	}
	if what := sniffBinary(raw); what != "" {
		return nil, false, fanarchive.Errorf(fanarchive.EUNREADABLE, "The file is %s, not mail or news.", what)
	}
	spans := splitMailSpans(raw)
	mail := false
	for _, s := range spans {
		if s.envStart >= 0 || s.hdrEnd > s.hdrStart {
			mail = true
			break
		}
	}
	if !mail {
		return nil, false, nil
	}
	posts = make([]Post, 0, len(spans))
	for _, s := range spans {
		posts = append(posts, decodeMailPost(raw, s))
	}
	return posts, true, nil
}

// decodeMailPost reads the post at s in raw: its envelope, headers and body.
func decodeMailPost(raw []byte, s mailSpan) Post {
	p := Post{Start: s.start, End: s.end}
	var fields []mailField
	if s.hdrEnd > s.hdrStart {
		fields = parseMailHeader(raw[s.hdrStart:s.hdrEnd])
		p.Header = make(map[string][]string, len(fields))
		for _, f := range fields {
			p.Header[f.name] = append(p.Header[f.name], f.value)
		}
	}
	p.applyHeaders()
	if s.envStart >= 0 {
		env := trimMailLineEnd(raw[s.envStart:s.envEnd])
		p.Envelope = mailHeaderText(env)
		if sender, date, ok := parseMailEnvelope(p.Envelope); ok {
			if p.From == (Address{}) {
				p.From = parseMailAddress(sender)
			}
			if p.Date.IsZero() {
				p.Date = date
			}
		}
	}
	b := decodeMailBody(fields, s.body(raw))
	p.Encoding, p.MIME, p.HTML = b.enc, b.mime, b.html
	p.Text, p.Signature, p.Quoted = cleanMailText(b.text, p.isReply())
	return p
}

// isReply reports whether p answers another post: a "Re:" subject, or
// References or In-Reply-To headers.
func (p *Post) isReply() bool {
	return len(p.References) > 0 || len(p.Header["In-Reply-To"]) > 0 || replySubject.MatchString(p.Subject)
}

// replySubject matches "Re:", "RE:", "Re[2]:", "Re^2:", "Sv:", "Aw:", after an optional "[tag]".
var replySubject = regexp.MustCompile(`(?i)^\s*(\[[^\]]*\]\s*)?(re|sv|aw)(\[\d+\]|\^\d+)?\s*:`)

// trimMailLineEnd drops a trailing line feed and carriage return.
func trimMailLineEnd(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}
