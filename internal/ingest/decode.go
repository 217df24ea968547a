package ingest

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"

	"fanarchive"
)

// Encoding names reported in Source.Encoding. They are IANA charset names, so
// the raw original can be served with a correct Content-Type.
const (
	EncUTF8        = "utf-8"
	EncUTF16LE     = "utf-16le"
	EncUTF16BE     = "utf-16be"
	EncWindows1252 = "windows-1252"
	EncCP437       = "ibm437"
	EncMacintosh   = "macintosh"
)

// singleByte are the 8-bit encodings tried, in order of preference, when a
// file is not valid UTF-8. windows-1252 is a superset of the printable part
// of latin-1, so it stands for both.
var singleByte = []struct {
	name string
	enc  encoding.Encoding
}{
	{EncWindows1252, charmap.Windows1252},
	{EncCP437, charmap.CodePage437},
	{EncMacintosh, charmap.Macintosh},
}

// binaryMagic are the signatures of common binary formats that end up in
// story folders, so the error can say what the file is.
var binaryMagic = []struct {
	prefix string
	what   string
}{
	{"PK\x03\x04", "a ZIP archive"},
	{"\x1f\x8b", "a gzip file"},
	{"%PDF-", "a PDF document"},
	{"\x89PNG", "a PNG image"},
	{"\xff\xd8\xff", "a JPEG image"},
	{"GIF8", "a GIF image"},
	{"\xd0\xcf\x11\xe0", "a Microsoft Office (OLE) document"},
	{"{\\rtf", "an RTF document"},
	{"\x7fELF", "an executable"},
	{"MZ", "a DOS/Windows executable"},
	{"BZh", "a bzip2 file"},
	{"7z\xbc\xaf", "a 7-Zip archive"},
	{"Rar!", "a RAR archive"},
}

// Decode turns the raw bytes of a text file into UTF-8 text and names the
// encoding it read them as. A byte-order mark selects UTF-8 or UTF-16; valid
// UTF-8 is taken as such; anything else is decoded with whichever of
// windows-1252, CP437 and Mac Roman reads most like text (see scoreDecoding).
// Line endings and control characters are left for the caller.
//
// Decode returns an EUNREADABLE error for an empty file and for binary data.
func Decode(raw []byte) (text, enc string, err error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return "", "", fanarchive.Errorf(fanarchive.EUNREADABLE, "The file is empty.")
	}
	switch {
	case bytes.HasPrefix(raw, []byte("\xef\xbb\xbf")):
		raw = raw[3:]
	case bytes.HasPrefix(raw, []byte("\xff\xfe")), bytes.HasPrefix(raw, []byte("\xfe\xff")):
		e, name := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM), EncUTF16LE
		if raw[0] == 0xfe {
			e, name = xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM), EncUTF16BE
		}
		out, err := e.NewDecoder().Bytes(raw)
		if err != nil {
			return "", "", fanarchive.Errorf(fanarchive.EUNREADABLE, "The file starts with a UTF-16 byte-order mark but is not valid UTF-16.")
		}
		return string(out), name, nil
	}
	if what := sniffBinary(raw); what != "" {
		return "", "", fanarchive.Errorf(fanarchive.EUNREADABLE, "The file is %s, not text.", what)
	}
	if utf8.Valid(raw) {
		return string(raw), EncUTF8, nil
	}
	// Single-byte decoders map every byte, so they cannot fail.
	bestScore := 0.0
	for i, sb := range singleByte {
		out, _ := sb.enc.NewDecoder().Bytes(raw)
		if s := scoreDecoding(string(out)); i == 0 || s > bestScore {
			text, enc, bestScore = string(out), sb.name, s
		}
	}
	return text, enc, nil
}

// sniffBinary names the kind of binary data raw holds, or returns "" if it
// looks like text: no known binary signature, and few control bytes other
// than the white space and DOS end-of-file markers old text files carry.
func sniffBinary(raw []byte) string {
	for _, m := range binaryMagic {
		if bytes.HasPrefix(raw, []byte(m.prefix)) {
			// "MZ" and "BZh" are also how a text can begin; require more evidence.
			if len(m.prefix) >= 3 || controlRatio(raw) > 0.01 {
				return m.what
			}
		}
	}
	if r := controlRatio(raw); r > 0.02 {
		return fmt.Sprintf("binary data (%.0f%% control bytes)", r*100)
	}
	return ""
}

// controlRatio is the share of control bytes in (the first MiB of) raw, not
// counting tab, newline, vertical tab, form feed, carriage return, DOS EOF
// (0x1a) and ANSI escape (0x1b).
func controlRatio(raw []byte) float64 {
	sample := raw[:min(len(raw), 1<<20)]
	n := 0
	for _, c := range sample {
		if c < 0x20 || c == 0x7f {
			switch c {
			case '\t', '\n', '\v', '\f', '\r', 0x1a, 0x1b:
			default:
				n++
			}
		}
	}
	return float64(n) / float64(len(sample))
}

// scoreDecoding rates how much a decoded text reads like prose, judging only
// the non-ASCII characters by their neighbours: letters inside words and
// typographic punctuation score up, box-drawing characters score up only
// among themselves or white space, and C1 controls and stray symbols score
// down. The same text decoded three ways gives three scores; the highest
// wins.
func scoreDecoding(s string) float64 {
	score := 0.0
	var prev rune = ' '
	for i, r := range s {
		if r < 0x80 {
			prev = r
			continue
		}
		next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
		if next == utf8.RuneError {
			next = ' '
		}
		around := func(f func(rune) bool) bool { return f(prev) || f(next) }
		switch {
		case r >= 0x80 && r <= 0x9f:
			score -= 5
		case unicode.IsLetter(r):
			if around(isASCIILetter) {
				score += 2
			} else {
				score -= 0.5
			}
		case strings.ContainsRune("‘’“”–—…", r):
			score += 1.5
		case r >= 0x2500 && r <= 0x259f: // box drawing and blocks
			if around(isASCIILetter) {
				score -= 2
			} else {
				score += 1.5
			}
		case r == 0xa0:
			score += 0.5
		default:
			score--
		}
		prev = r
	}
	return score
}

func isASCIILetter(r rune) bool { return r < 0x80 && unicode.IsLetter(r) }
