package listmail

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
)

// rawField is one header field of a received message, kept as written.
type rawField struct {
	key   string // canonical name: "Message-Id"
	value string // unfolded, trimmed, as written (not decoded)
	raw   []byte // the whole field, folded as written, each line ending CRLF
}

// splitMessage cuts raw into its header fields and its body (the bytes
// after the blank line). Line ends become CRLF, header and body alike:
// mail from a file or a pipe may have LF ones, and SMTP needs CRLF.
// Lines before the first field that are not fields ("From " envelopes) are
// dropped, as are stray lines inside the header. ok is false when raw has
// no header field at all.
func splitMessage(raw []byte) (fields []rawField, body []byte, ok bool) {
	pos := 0
	for pos < len(raw) {
		end := bytes.IndexByte(raw[pos:], '\n')
		var line []byte
		next := len(raw)
		if end >= 0 {
			next = pos + end + 1
			line = raw[pos : pos+end]
		} else {
			line = raw[pos:]
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if bytes.ContainsAny(line, "\r\x00") {
			// A lone CR could end the field for a reader: never pass it on.
			line = append([]byte(nil), line...)
			for i, c := range line {
				if c == '\r' || c == 0 {
					line[i] = ' '
				}
			}
		}
		if len(line) == 0 {
			pos = next
			break
		}
		pos = next
		if line[0] == ' ' || line[0] == '\t' {
			if len(fields) > 0 {
				f := &fields[len(fields)-1]
				f.raw = append(append(f.raw, line...), '\r', '\n')
				f.value += " " + strings.TrimSpace(string(line))
			}
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !isFieldName(line[:colon]) {
			continue // an envelope line, or garbage: not a field
		}
		fields = append(fields, rawField{
			key:   textproto.CanonicalMIMEHeaderKey(string(line[:colon])),
			value: strings.TrimSpace(string(line[colon+1:])),
			raw:   append(append([]byte(nil), line...), '\r', '\n'),
		})
	}
	for i := range fields {
		fields[i].value = strings.TrimSpace(fields[i].value)
	}
	return fields, crlf(raw[pos:]), len(fields) > 0
}

// isFieldName reports whether b is a header field name: printable ASCII
// without spaces or colons.
func isFieldName(b []byte) bool {
	for _, c := range b {
		if c <= ' ' || c > '~' || c == ':' {
			return false
		}
	}
	return len(b) > 0
}

// crlf returns b with every line ending CRLF: bare LFs and CRs become CRLF,
// nothing else changes (so a received SMTP message's body is kept byte for
// byte).
func crlf(b []byte) []byte {
	if !bytes.ContainsAny(b, "\r\n") {
		return b
	}
	bare := false
	for i := 0; i < len(b); i++ {
		if b[i] == '\n' && (i == 0 || b[i-1] != '\r') || b[i] == '\r' && (i+1 == len(b) || b[i+1] != '\n') {
			bare = true
			break
		}
	}
	if !bare {
		return b
	}
	out := make([]byte, 0, len(b)+len(b)/40)
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '\r':
			out = append(out, '\r', '\n')
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
		case c == '\n':
			out = append(out, '\r', '\n')
		default:
			out = append(out, c)
		}
	}
	return out
}

// headerMap returns the fields as a header map under canonical keys.
func headerMap(fields []rawField) netmail.Header {
	h := make(netmail.Header, len(fields))
	for _, f := range fields {
		h[f.key] = append(h[f.key], f.value)
	}
	return h
}

// ParseHeader reads the header of a raw message into a map under canonical
// keys, values unfolded and not decoded: what IsLoop and IsAutoReply read
// (ingest.Post.Header is the same).
func ParseHeader(raw []byte) netmail.Header {
	fields, _, _ := splitMessage(raw)
	return headerMap(fields)
}

// wordDecoder decodes RFC 2047 encoded words in any charset go-message
// knows.
var wordDecoder = mime.WordDecoder{CharsetReader: func(label string, r io.Reader) (io.Reader, error) {
	return charset.Reader(label, r)
}}

// decodeText decodes an unstructured field's value: encoded words, and
// 8-bit bytes that are not UTF-8 as Latin-1. The result is valid UTF-8.
func decodeText(v string) string {
	if !utf8.ValidString(v) {
		var b strings.Builder
		for i := 0; i < len(v); i++ {
			b.WriteRune(rune(v[i]))
		}
		v = b.String()
	}
	if strings.Contains(v, "=?") {
		if d, err := wordDecoder.DecodeHeader(v); err == nil {
			v = d
		}
	}
	return strings.ToValidUTF8(v, "\uFFFD")
}

// parseFrom reads the first address of a From-like field, names decoded.
func parseFrom(v string) (*netmail.Address, bool) {
	p := netmail.AddressParser{WordDecoder: &wordDecoder}
	list, err := p.ParseList(v)
	if err != nil || len(list) == 0 {
		a, err := p.Parse(v)
		if err != nil {
			return nil, false
		}
		return a, true
	}
	return list[0], true
}

// foldField writes "Key: value" as header lines of at most 78 characters
// where the value has spaces to fold at, ending in CRLF. value must be one
// line of checked, encoded text.
func foldField(key, value string) []byte {
	var b []byte
	line := key + ":"
	for _, w := range strings.Split(value, " ") {
		if w == "" {
			continue
		}
		if len(line)+1+len(w) > 78 && len(line) > len(key)+1 {
			b = append(append(b, line...), '\r', '\n')
			line = ""
		}
		line += " " + w
	}
	return append(append(b, line...), '\r', '\n')
}

// encodePhrase returns text as a phrase (a display name, a List-Id
// description): as it is when it is plain ASCII words, quoted when it has
// specials, encoded words when it is not ASCII or holds "=?".
func encodePhrase(s string) string {
	if isASCII(s) && !strings.Contains(s, "=?") {
		if !strings.ContainsAny(s, "()<>[]:;@\\,.\"") {
			return s
		}
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
	}
	return encodeWords(s)
}

// encodeUnstructured returns text for an unstructured field (a subject):
// ASCII as it is, encoded words otherwise.
func encodeUnstructured(s string) string {
	if isASCII(s) && !strings.Contains(s, "=?") {
		return s
	}
	return encodeWords(s)
}

// encodeWords returns s as base64 encoded words (RFC 2047) of at most 45
// bytes (75 characters) each, split between runes, separated by spaces
// (where foldField folds). mime's encoder leaves ASCII with "=?" as it is.
func encodeWords(s string) string {
	var words []string
	for len(s) > 0 {
		n := min(len(s), 45)
		for n < len(s) && n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		if n == 0 {
			n = min(len(s), 45)
		}
		words = append(words, "=?utf-8?b?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, " ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// formatAddress writes a mailbox with an optional display name.
func formatAddress(name, addr string) string {
	if name == "" {
		return "<" + addr + ">"
	}
	return encodePhrase(name) + " <" + addr + ">"
}
