package ingest

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"fanarchive"
)

// declaredScan is how much of a page is searched for a charset declaration.
// The HTML standard looks at 1024 bytes; old pages often put long comments
// or scripts before their <meta>, so a little more is read.
const declaredScan = 8 << 10

// metaCharset finds the charset in a Content-Type value or an XML
// declaration: `text/html; charset=iso-8859-1`, `encoding="utf-8"`.
var metaCharset = regexp.MustCompile(`(?i)(?:charset|encoding)\s*=\s*["']?\s*([a-z0-9_.:\-]+)`)

// decodeHTML turns a page's bytes into UTF-8 text and names the charset it
// read them as (an IANA/WHATWG name, for Source.Encoding). The order is:
//
//  1. a byte-order mark (UTF-8, UTF-16) settles it;
//  2. bytes that are valid UTF-8 are UTF-8, whatever the page declares:
//     legacy 8-bit text with more than a handful of accented letters is
//     practically never valid UTF-8, while pages re-saved as UTF-8 by an
//     editor that kept their old `charset=iso-8859-1` are common;
//  3. otherwise the declared charset (<meta charset>, http-equiv
//     Content-Type, <?xml encoding?>), looked up as browsers do: latin-1 and
//     ASCII labels mean windows-1252, so 0x80–0x9F bytes in a page "in
//     iso-8859-1" read as the curly quotes and dashes the author typed;
//  4. with no usable declaration, or a UTF-8 declaration the bytes break,
//     the text sniffing Decode does (windows-1252, CP437, Mac Roman).
//
// Empty files and binary data are EUNREADABLE, as in Decode.
func decodeHTML(raw []byte) (text, enc string, err error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return "", "", fanarchive.Errorf(fanarchive.EUNREADABLE, "The file is empty.")
	}
	if bytes.HasPrefix(raw, []byte("\xef\xbb\xbf")) || bytes.HasPrefix(raw, []byte("\xff\xfe")) || bytes.HasPrefix(raw, []byte("\xfe\xff")) {
		return Decode(raw)
	}
	if what := sniffBinary(raw); what != "" {
		return "", "", fanarchive.Errorf(fanarchive.EUNREADABLE, "The file is %s, not a web page.", what)
	}
	if utf8.Valid(raw) {
		return string(raw), EncUTF8, nil
	}
	if label := declaredCharset(raw); label != "" {
		e, name := charset.Lookup(label)
		// "replacement" and "x-user-defined" are the standard's way of
		// refusing a label; UTF-8 and UTF-16 have been ruled out above.
		if e != nil && name != "utf-8" && name != "replacement" && name != "x-user-defined" && !strings.HasPrefix(name, "utf-16") {
			if out, err := e.NewDecoder().Bytes(raw); err == nil {
				return string(out), name, nil
			}
		}
	}
	return Decode(raw)
}

// declaredCharset returns the charset label the page declares near its
// start, or "". It reads raw bytes, which is safe for the ASCII-compatible
// charsets a declaration can name.
func declaredCharset(raw []byte) string {
	z := html.NewTokenizer(bytes.NewReader(raw[:min(len(raw), declaredScan)]))
	for first := true; ; first = false {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.CommentToken:
			// The tokenizer reads <?xml …?> as a comment.
			if t := z.Raw(); first && bytes.HasPrefix(t, []byte("<?xml")) {
				if m := metaCharset.FindSubmatch(t); m != nil {
					return string(m[1])
				}
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "body":
				return ""
			case "meta":
				if label := metaLabel(z, hasAttr); label != "" {
					return label
				}
			}
		}
	}
}

// metaLabel reads the charset a <meta> tag declares, if any.
func metaLabel(z *html.Tokenizer, hasAttr bool) string {
	var content string
	httpEquiv := false
	for hasAttr {
		var k, v []byte
		k, v, hasAttr = z.TagAttr()
		switch strings.ToLower(string(k)) {
		case "charset":
			return strings.TrimSpace(string(v))
		case "http-equiv":
			httpEquiv = strings.EqualFold(strings.TrimSpace(string(v)), "content-type")
		case "content":
			content = string(v)
		}
	}
	if httpEquiv {
		if m := metaCharset.FindStringSubmatch(content); m != nil {
			return m[1]
		}
	}
	return ""
}
