// Package privacy finds the e-mail addresses in legacy text and masks them.
// Legacy stories are full of them — in bylines, signatures, footers, quoted
// headers — and the archive keeps them private: the raw address is stored only
// as a work's feedback contact (for relaying feedback and verifying claims),
// never in what readers see or search.
//
// One rule set (Find) serves every use: Mask for derived text, MaskHTML for
// sanitised chapter bodies, MaskRaw for the original files offered for
// download (byte positions kept) and MaskWork for a whole work before it is
// stored. So the page text and the source download hide the same addresses.
//
// The forms found, and the rules that keep prose out (decided on a corpus of
// 1990s Usenet posts; docs/importer.md, "Addresses"):
//
//   - Mail addresses (RFC 5322 addr-spec): local@host.domain, with %-routing
//     (user%host@relay), bang-routed local parts (a!b!user@relay), quoted
//     local parts ("j doe"@host), domain literals (user@[10.1.2.3]), a
//     parenthesised ID before the sign ((ID123)@HOST), a FidoNet node after
//     it (Name@1:203/1701). A host without a dot (BITNET's USER@VMHOST,
//     UUCP's user@site) counts when it has three or more characters, is not
//     a capitalised word and not all digits, and the local part has two or
//     more: "Met@Harbourside" and "sh@t" stay.
//   - UUCP bang paths: ...!site!user, {a,b}!site!user, host!host!user (two or
//     more bangs and at least two different host-like parts: lower case,
//     dotted, or with digits), host!user with one bang only when both parts
//     are host-like and one has a dot, digit, '%' or '_' ("tidevax2!rowan"),
//     and any bang path on a Path:, From:, Reply-To:, Sender: or UUCP line.
//     Shouted dialogue ("No!No!No!", "Wow!that") and alien names ("Vr!ka")
//     are not host-like, so they stay.
//   - Spelled-out addresses: kirk (at) starfleet (dot) org, kirk [at]
//     starfleet.org, kirk at starfleet dot org (plain "at" needs a spelled
//     "dot" and a generic top-level domain), and "user at host.org" on mail
//     header lines, as Mailman's archives write them.
//   - FidoNet nodes (2:255/76.5) next to an '@' or after a FidoNet, Netmail
//     or Origin label on the line.
//   - CompuServe IDs (71234,567) in parentheses or brackets, or after a
//     CompuServe, CIS or CServe label on the line.
package privacy

import (
	"bytes"
	"cmp"
	"html"
	"slices"
	"strings"
)

// Hidden is what an address becomes in derived text.
const Hidden = "[address hidden]"

// Form names the way an address was written.
type Form string

// Forms of address.
const (
	FormMail       Form = "mail"       // RFC 5322, %-routed, quoted, domain literal
	FormBang       Form = "bang"       // UUCP bang path
	FormSpelled    Form = "spelled"    // kirk (at) starfleet (dot) org
	FormFidoNet    Form = "fidonet"    // 1:203/1701
	FormCompuServe Form = "compuserve" // 71234,567
)

// Span is one address in a text: the bytes s[Start:End], and its form.
type Span struct {
	Start, End int
	Form       Form
}

// Find returns the addresses in s, in order and not overlapping (spans that
// overlap or touch are joined). s may be any ASCII-compatible encoding: only
// ASCII bytes can be part of an address.
func Find(s string) []Span {
	var spans []Span
	spans = mailSpans(s, spans)
	spans = bangSpans(s, spans)
	spans = spelledSpans(s, spans)
	spans = headerAtSpans(s, spans)
	spans = fidoSpans(s, spans)
	spans = compuServeSpans(s, spans)
	return merge(spans)
}

// Mask returns s with every address replaced by Hidden. It is safe on
// sanitised HTML too, where '<' only opens a tag, '&' an entity and quotes
// in text are entities: no rule reads across a tag's '<' or '>' or into an
// entity, so markup is never cut (MaskHTML also finds addresses written
// with entities).
func Mask(s string) string {
	// Hiding an address changes what its neighbours read as ("0@0@0a" has
	// one address, "0@[address hidden]" another), so masking goes on until
	// nothing is found; it rarely takes a second pass.
	for range maxPasses {
		spans := Find(s)
		if len(spans) == 0 {
			break
		}
		s = replace(s, spans)
	}
	return s
}

// maxPasses bounds the passes Mask and MaskRaw make.
const maxPasses = 8

// replace returns s with each span replaced by Hidden.
func replace(s string, spans []Span) string {
	var b strings.Builder
	b.Grow(len(s) + len(spans)*len(Hidden))
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp.Start])
		b.WriteString(Hidden)
		last = sp.End
	}
	b.WriteString(s[last:])
	return b.String()
}

// MaskHTML masks the addresses in the text of a sanitised HTML fragment (a
// chapter body) and in the one attribute bodies may show (title), leaving
// the markup as it is. Text that holds entities is decoded before it is
// searched, so "&#34;j doe&#34;@host" is found; text without an address is
// left byte for byte.
func MaskHTML(s string) string {
	var b strings.Builder
	changed := false
	for i := 0; i < len(s); {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			lt = len(s) - i
		}
		text := s[i : i+lt]
		masked := maskHTMLText(text)
		if masked != text {
			changed = true
		}
		b.WriteString(masked)
		i += lt
		if i >= len(s) {
			break
		}
		gt := tagEnd(s, i)
		tag := s[i:gt]
		if m := maskTitleAttr(tag); m != tag {
			changed = true
			tag = m
		}
		b.WriteString(tag)
		i = gt
	}
	if !changed {
		return s
	}
	return b.String()
}

// maskHTMLText masks one run of HTML text (between tags).
func maskHTMLText(text string) string {
	if !strings.Contains(text, "&") {
		return Mask(text)
	}
	plain := html.UnescapeString(text)
	if len(Find(plain)) == 0 {
		return text
	}
	return html.EscapeString(Mask(plain))
}

// tagEnd returns the index just after the tag starting at s[i] == '<': after
// its '>', skipping quoted attribute values, or len(s).
func tagEnd(s string, i int) int {
	var quote byte
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return j + 1
		}
	}
	return len(s)
}

// maskTitleAttr masks addresses in a tag's title="…" attribute, the only
// attribute of a sanitised body that holds free text.
func maskTitleAttr(tag string) string {
	k := strings.Index(tag, ` title="`)
	if k < 0 {
		return tag
	}
	start := k + len(` title="`)
	end := strings.IndexByte(tag[start:], '"')
	if end < 0 {
		return tag
	}
	val := tag[start : start+end]
	m := maskHTMLText(val)
	if m == val {
		return tag
	}
	return tag[:start] + m + tag[start+end:]
}

// MaskRaw returns raw with the ASCII letters and digits of every address
// replaced by 'x' — "rowan@tide.example.edu" reads "xxxxx@xxxx.xxxxxxx.xxx" — and every
// other byte in its place, and how many addresses it masked. It is for an
// original file in any ASCII-compatible encoding, or UTF-16 with a byte order
// mark (as the importer reads it). raw itself is never changed; a file
// without addresses is returned as it is.
func MaskRaw(raw []byte) ([]byte, int) {
	step, off, narrow := 1, 0, raw
	if order, ok := utf16Order(raw); ok {
		step, off, narrow = 2, order, narrowUTF16(raw, order)
	}
	out, masked := raw, 0
	// As in Mask, a masked address can make its neighbours read as one
	// ("000@000@00A"); the passes stop when no address has a letter or
	// digit left to hide.
	for range maxPasses {
		changed := false
		for _, sp := range Find(string(narrow)) {
			if !hasVisible(narrow[sp.Start:sp.End]) {
				continue
			}
			if !changed && &out[0] == &raw[0] {
				out = bytes.Clone(raw)
				if step == 1 {
					narrow = out
				}
			}
			changed = true
			masked++
			xOut(narrow[sp.Start:sp.End], 1, 0)
			if step == 2 {
				xOut(out[2*sp.Start:2*sp.End], 2, off)
			}
		}
		if !changed {
			break
		}
	}
	return out, masked
}

// hasVisible reports whether b has an ASCII letter or digit other than 'x'.
func hasVisible(b []byte) bool {
	for _, c := range b {
		if isAlnum(c) && c != 'x' {
			return true
		}
	}
	return false
}

// xOut replaces the ASCII letters and digits of b by 'x', looking at one
// byte in every step bytes, from off.
func xOut(b []byte, step, off int) {
	for i := off; i < len(b); i += step {
		if isAlnum(b[i]) {
			b[i] = 'x'
		}
	}
}

// utf16Order reports whether raw starts with a UTF-16 byte order mark, and
// which byte of each code unit is the low one (0 little-endian, 1 big).
func utf16Order(raw []byte) (low int, ok bool) {
	if len(raw) < 2 || len(raw)%2 != 0 {
		return 0, false
	}
	switch {
	case raw[0] == 0xFF && raw[1] == 0xFE:
		return 0, true
	case raw[0] == 0xFE && raw[1] == 0xFF:
		return 1, true
	}
	return 0, false
}

// narrowUTF16 returns a UTF-16 file's code units as one byte each: ASCII as
// itself, anything else as a byte no rule matches. A span of units maps
// back to twice as many bytes.
func narrowUTF16(raw []byte, low int) []byte {
	narrow := make([]byte, len(raw)/2)
	for i := range narrow {
		lo, hi := raw[2*i+low], raw[2*i+1-low]
		if hi == 0 && lo < 0x80 {
			narrow[i] = lo
		} else {
			narrow[i] = 0x80
		}
	}
	return narrow
}

// merge sorts spans and joins those that overlap or touch.
func merge(spans []Span) []Span {
	if len(spans) < 2 {
		return spans
	}
	slices.SortFunc(spans, func(a, b Span) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(b.End, a.End))
	})
	out := spans[:1]
	for _, sp := range spans[1:] {
		last := &out[len(out)-1]
		if sp.Start <= last.End {
			last.End = max(last.End, sp.End)
			continue
		}
		out = append(out, sp)
	}
	return out
}
