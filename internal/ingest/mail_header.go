package ingest

import (
	"bytes"
	"io"
	"mime"
	"net/textproto"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding/charmap"
)

// mailField is one header field: canonical name, unfolded value as written.
type mailField struct{ name, value string }

// parseMailHeader reads a header block into fields in order. Folded lines
// are joined (the line break removed, the white space kept), names are
// canonicalised ("MESSAGE-ID" → "Message-Id", ">From" → "From") and values
// that are not UTF-8 are read as the 8-bit encoding Decode picks.
func parseMailHeader(block []byte) []mailField {
	var fields []mailField
	var value []byte
	flush := func() {
		if len(fields) > 0 {
			fields[len(fields)-1].value = mailHeaderText([]byte(strings.TrimSpace(string(value))))
		}
	}
	for len(block) > 0 {
		i := bytes.IndexAny(block, "\r\n")
		line := block
		if i >= 0 {
			line = block[:i]
			if block[i] == '\r' && i+1 < len(block) && block[i+1] == '\n' {
				i++
			}
			block = block[i+1:]
		} else {
			block = nil
		}
		if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
			value = append(value, line...)
			continue
		}
		name, v, ok := mailHeaderName(line)
		if !ok {
			continue
		}
		flush()
		fields = append(fields, mailField{name: textproto.CanonicalMIMEHeaderKey(string(name))})
		value = append(value[:0], v...)
	}
	flush()
	return fields
}

// applyHeaders fills the decoded header fields of p from p.Header.
func (p *Post) applyHeaders() {
	get := func(k string) string {
		if v := p.Header[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	p.From = parseMailAddress(get("From"))
	if p.From == (Address{}) {
		p.From = parseMailAddress(get("Sender"))
	}
	p.ReplyTo = parseMailAddress(get("Reply-To"))
	p.Subject = collapseMailSpace(decodeMailWords(get("Subject")))
	p.Organization = collapseMailSpace(decodeMailWords(get("Organization")))
	p.Date, _ = parseMailDate(get("Date"), false)
	p.MessageID = strings.TrimSpace(get("Message-Id"))
	for _, g := range strings.FieldsFunc(get("Newsgroups"), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		p.Newsgroups = append(p.Newsgroups, g)
	}
	refs := get("References")
	p.References = messageIDs.FindAllString(refs, -1)
	if p.References == nil && strings.TrimSpace(refs) != "" {
		p.References = strings.Fields(refs)
	}
}

// messageIDs finds the <id@host> items of a References header.
var messageIDs = regexp.MustCompile(`<[^<>\s]+>`)

// parseMailAddress reads the first person of an address header leniently:
// "Name <addr>", "\"Name\" <addr>", "addr (Name)", a bare "addr", a UUCP
// bang path "uunet!host!user", and a bare name. Encoded-words in the name
// are decoded.
func parseMailAddress(v string) Address {
	v = strings.TrimSpace(v)
	if v == "" {
		return Address{}
	}
	// Several addresses: keep the first, but only cut at a comma that
	// follows an address, so "Berry, Kirsten <k@host>" stays whole.
	if i := strings.IndexByte(v, ','); i > 0 && !strings.ContainsAny(v[:i], "<(\"") && strings.ContainsAny(v[:i], "@!") {
		v = strings.TrimSpace(v[:i])
	}
	var name, addr string
	if lt := strings.LastIndexByte(v, '<'); lt >= 0 && strings.IndexByte(v[lt:], '>') > 0 {
		gt := lt + strings.IndexByte(v[lt:], '>')
		addr, name = v[lt+1:gt], v[:lt]
		if strings.TrimSpace(name) == "" {
			name = mailComment(v[gt+1:])
		}
	} else if open := strings.IndexByte(v, '('); open >= 0 {
		addr, name = v[:open], mailComment(v[open:])
		if c := strings.LastIndexByte(v, ')'); c > open {
			addr += " " + v[c+1:]
		}
	} else {
		addr = v
	}
	addr = unobscureAddr(strings.Trim(strings.TrimSpace(addr), "<>"))
	if strings.ContainsAny(addr, " \t") {
		// "Kirsten Berry kberry@host": the token with an address is the address.
		var rest []string
		found := ""
		for _, f := range strings.Fields(addr) {
			if found == "" && strings.ContainsAny(f, "@!") {
				found = f
			} else {
				rest = append(rest, f)
			}
		}
		if found == "" || strings.TrimSpace(name) == "" {
			// No address at all ("Klingon Empire (Austin, Texas)"): the
			// words outside the comment are the name.
			name = strings.Join(rest, " ")
		}
		addr = found
	} else if !strings.ContainsAny(addr, "@!") && strings.TrimSpace(name) == "" && !strings.Contains(addr, ".") {
		// A bare word with no address in it is a name ("Titania").
		name, addr = addr, ""
	}
	name = strings.TrimSpace(name)
	if len(name) >= 2 && name[0] == '"' && name[len(name)-1] == '"' {
		name = strings.ReplaceAll(name[1:len(name)-1], `\"`, `"`)
	}
	name = collapseMailSpace(decodeMailWords(name))
	if strings.EqualFold(name, addr) {
		name = ""
	}
	return Address{Name: name, Addr: addr}
}

// mailComment returns the text of the first parenthesised comment in s,
// nested parentheses included, or "" if there is none.
func mailComment(s string) string {
	open := strings.IndexByte(s, '(')
	if open < 0 {
		return ""
	}
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return s[open+1 : i]
			}
		}
	}
	return s[open+1:] // unclosed: the rest
}

// decodeMailWords decodes RFC 2047 encoded-words ("=?iso-8859-1?q?…?=")
// with go-message's charsets. Text it cannot decode is kept as written.
func decodeMailWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	dec := mime.WordDecoder{CharsetReader: func(label string, r io.Reader) (io.Reader, error) {
		return charset.Reader(label, r)
	}}
	out, err := dec.DecodeHeader(s)
	if err != nil {
		return s
	}
	return strings.ToValidUTF8(fixC1(out), "\uFFFD")
}

// mailHeaderText turns raw header bytes into a string: UTF-8 as it is,
// anything else read as the 8-bit encoding Decode picks.
func mailHeaderText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return decode8bit(b)
}

// decode8bit decodes bytes that are not UTF-8 with Decode, or as
// windows-1252 when Decode takes them for binary data; either way the
// result is valid UTF-8.
func decode8bit(b []byte) string {
	if text, _, err := Decode(b); err == nil {
		return strings.ToValidUTF8(text, "\uFFFD")
	}
	out, _ := charmap.Windows1252.NewDecoder().Bytes(b)
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// fixC1 reads C1 control characters (U+0080–U+009F) as the windows-1252
// punctuation they almost always were: text labelled ISO-8859-1 that was
// really written on Windows, with its curly quotes and dashes.
func fixC1(s string) string {
	// In UTF-8 every C1 character starts with the byte 0xC2.
	if !strings.Contains(s, "\xc2") || !strings.ContainsFunc(s, isC1) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isC1(r) {
			if d := charmap.Windows1252.DecodeByte(byte(r)); d != utf8.RuneError {
				return d
			}
		}
		return r
	}, s)
}

func isC1(r rune) bool { return r >= 0x80 && r <= 0x9f }

// collapseMailSpace trims s and turns each run of white space into a space.
func collapseMailSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// obscuredAddr is an address as Mailman's archives (pipermail) print it, to
// keep it from harvesters: "wren at example.org".
var obscuredAddr = regexp.MustCompile(`^([A-Za-z0-9._%+\-]+) at ([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)$`)

// unobscureAddr turns "wren at example.org" back into "wren@example.org";
// anything else is returned as it is.
func unobscureAddr(s string) string {
	if m := obscuredAddr.FindStringSubmatch(s); m != nil {
		return m[1] + "@" + m[2]
	}
	return s
}
