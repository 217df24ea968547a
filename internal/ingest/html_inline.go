package ingest

// The block walker's text side: words, white space, line breaks and the
// inline elements open around them.

import (
	"strings"
	"unicode/utf8"
)

// push opens an inline element (lazily: see openInline).
func (w *blockWalker) push(tag string) {
	for _, t := range w.inline {
		if t == tag {
			tag = "" // already open: nesting it again adds nothing
			break
		}
	}
	w.inline = append(w.inline, tag)
}

// pop closes the innermost inline element, in the HTML if it was opened.
func (w *blockWalker) pop() {
	top := len(w.inline) - 1
	if w.opened > top {
		if t := w.inline[top]; t != "" {
			w.html.WriteString("</" + t + ">")
		}
		w.opened = top
	}
	w.inline = w.inline[:top]
}

// openInline writes the start tags of open inline elements not yet open in
// the current block.
func (w *blockWalker) openInline() {
	for ; w.opened < len(w.inline); w.opened++ {
		if t := w.inline[w.opened]; t != "" {
			w.html.WriteString("<" + t + ">")
		}
	}
}

func (w *blockWalker) wrapCopy() []wrapper {
	if len(w.wrap) == 0 {
		return nil
	}
	return append([]wrapper(nil), w.wrap...)
}

// text adds a text node: white space collapsed, or kept inside <pre>.
func (w *blockWalker) text(s string) {
	if w.pre > 0 || w.raw {
		w.preText(s)
		return
	}
	for len(s) > 0 {
		if n := spacePrefix(s); n > 0 {
			w.space = true
			s = s[n:]
			continue
		}
		end := len(s)
		for i := 0; i < len(s); i++ {
			if spacePrefix(s[i:]) > 0 {
				end = i
				break
			}
		}
		w.word(s[:end])
		s = s[end:]
	}
}

// spacePrefix returns the length of the HTML white space or no-break space
// that s starts with, if any.
func spacePrefix(s string) int {
	switch {
	case s == "":
		return 0
	case s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' || s[0] == '\f':
		return 1
	case strings.HasPrefix(s, "\u00a0"):
		return 2
	}
	return 0
}

// word adds one word, after the space or line break due before it.
func (w *blockWalker) word(s string) {
	s = cleanText(s, false)
	if s == "" {
		return
	}
	if w.brDue {
		w.html.WriteString(brMark)
		w.brDue = false
	} else if w.space && w.line.Len() > 0 {
		w.html.WriteByte(' ')
		w.line.WriteByte(' ')
	}
	w.space = false
	w.openInline()
	escapeTo(&w.html, s)
	w.line.WriteString(s)
	w.count(s)
}

// preText adds text whose spacing is kept.
func (w *blockWalker) preText(s string) {
	s = cleanText(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"), true)
	if s == "" {
		return
	}
	if strings.TrimSpace(s) != "" {
		w.openInline()
	}
	escapeTo(&w.html, s)
	w.line.WriteString(s)
	w.count(s)
}

// br ends a line; a second <br> with nothing between ends the paragraph.
func (w *blockWalker) br() {
	if w.pre > 0 || w.raw {
		w.html.WriteString("\n")
		w.line.WriteByte('\n')
		return
	}
	if w.line.Len() == 0 {
		if len(w.lines) > 0 {
			w.flush()
		}
		return
	}
	w.lines = append(w.lines, w.line.String())
	w.line.Reset()
	w.brDue = true
	w.space = false
}

// flush ends the block being built, if it has anything in it.
func (w *blockWalker) flush() {
	if w.line.Len() > 0 {
		w.lines = append(w.lines, w.line.String())
	}
	b := w.cur
	b.wrap = w.wrapCopy()
	b.rows = w.row > 0
	switch {
	case w.pre > 0 || w.raw:
		b.kind = blockPre
		if w.pre == 0 {
			b.kind = blockText // a paragraph of a plain-text page, lines as written
		}
		b.lines = strings.Split(strings.Join(w.lines, "\n"), "\n")
		for len(b.lines) > 0 && strings.TrimSpace(b.lines[len(b.lines)-1]) == "" {
			b.lines = b.lines[:len(b.lines)-1]
		}
		for len(b.lines) > 0 && strings.TrimSpace(b.lines[0]) == "" {
			b.lines = b.lines[1:]
		}
	case w.heading > 0:
		b.kind, b.level, b.lines = blockHeading, w.heading, w.lines
	default:
		b.kind, b.lines = blockText, w.lines
	}
	for i := w.opened - 1; i >= 0; i-- {
		if t := w.inline[i]; t != "" {
			w.html.WriteString("</" + t + ">")
		}
	}
	switch {
	case len(b.lines) > 0:
		b.html = w.html.String()
		if b.kind == blockPre {
			b.html = strings.Trim(b.html, "\n")
		}
		w.blocks = append(w.blocks, b)
	case w.images > 0:
		w.blocks = append(w.blocks, hblock{kind: blockImage, wrap: b.wrap, links: b.links})
	}
	w.html.Reset()
	w.line.Reset()
	w.lines = nil
	w.cur = hblock{}
	w.space, w.brDue, w.images, w.opened = false, false, 0, 0
}

// cleanText removes control characters (keeping newlines and tabs when
// asked), byte-order marks and replacement characters.
func cleanText(s string, keepLines bool) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case keepLines && (r == '\n' || r == '\t'):
		case r < 0x20, r >= 0x7f && r <= 0x9f, r == '\ufeff', r == utf8.RuneError:
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// escapeTo writes s to b with the five HTML-special characters escaped.
func escapeTo(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '&':
			esc = "&amp;"
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}
