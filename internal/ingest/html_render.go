package ingest

import (
	"strings"

	"fanarchive/internal/prose"
)

// keptBlocks returns the blocks that are not navigation, linked images
// (buttons, banners) or empty, in order.
func keptBlocks(bs []hblock) []hblock {
	out := bs[:0]
	for _, b := range bs {
		switch {
		case b.navigation():
		case b.kind == blockImage && b.links > 0:
		case b.kind != blockRule && b.kind != blockImage && len(b.para(0).lines) == 0:
		default:
			out = append(out, b)
		}
	}
	return out
}

// isBreak reports whether a block separates scenes: a rule, a lone image,
// or a paragraph that is a single line of asterisks, tildes or "o0o".
func (b *hblock) isBreak() bool {
	switch b.kind {
	case blockRule, blockImage:
		return true
	case blockText:
		return len(b.lines) == 1 && sceneBreakLine(b.lines[0])
	}
	return false
}

// blockWords counts the words of a block as the body counts them.
func (b *hblock) blockWords() int {
	if b.isBreak() {
		return 0
	}
	n := 0
	for _, l := range b.lines {
		n += prose.CountWords(l)
	}
	return n
}

// layoutQuotes returns the blockquotes that hold most of a body's words:
// old pages indent the whole story with one, which is layout, not a
// quotation, and is dropped from the body.
func layoutQuotes(bs []hblock) map[int]bool {
	total := 0
	inQuote := map[int]int{}
	for i := range bs {
		n := bs[i].blockWords()
		total += n
		for _, wr := range bs[i].wrap {
			if wr.tag == "blockquote" {
				inQuote[wr.id] += n
			}
		}
	}
	out := map[int]bool{}
	for id, n := range inQuote {
		if n*10 >= total*6 {
			out[id] = true
		}
	}
	return out
}

// renderBlocks renders blocks as a chapter body. Breaks at the start or
// end, and runs of breaks, become nothing and one break; lines a <br>
// ended are joined when the page was hard-wrapped prose and kept (as
// verse when short) otherwise.
func renderBlocks(bs []hblock, lay layout, unwrap map[int]bool) string {
	var b strings.Builder
	var open []wrapper
	setWrap := func(ws []wrapper) {
		var want []wrapper
		for _, wr := range ws {
			if !unwrap[wr.id] {
				want = append(want, wr)
			}
		}
		common := 0
		for common < len(open) && common < len(want) && open[common] == want[common] {
			common++
		}
		for i := len(open) - 1; i >= common; i-- {
			b.WriteString("</" + open[i].tag + ">\n")
		}
		for _, wr := range want[common:] {
			b.WriteString("<" + wr.tag + ">\n")
		}
		open = want
	}
	wrote, pendingBreak := false, false
	for i := range bs {
		bl := &bs[i]
		if bl.isBreak() {
			pendingBreak = wrote
			continue
		}
		inner := blockHTML(bl, lay)
		if inner == "" {
			continue
		}
		setWrap(bl.wrap)
		if pendingBreak {
			b.WriteString("<hr class=\"scene-break\">\n")
			pendingBreak = false
		}
		b.WriteString(inner)
		wrote = true
	}
	setWrap(nil)
	return b.String()
}

// blockHTML renders one block, or returns "" when it shows nothing.
func blockHTML(bl *hblock, lay layout) string {
	h := bl.html
	if strings.TrimSpace(strings.ReplaceAll(h, brMark, "")) == "" {
		return ""
	}
	switch bl.kind {
	case blockHeading:
		return "<h3>" + strings.ReplaceAll(h, brMark, "<br>") + "</h3>\n"
	case blockPre:
		return "<pre>" + h + "</pre>\n"
	}
	if !strings.Contains(h, brMark) {
		return "<p>" + h + "</p>\n"
	}
	p := bl.para(0)
	switch {
	case bl.rows || lay.preformatted(p):
	case lay.verse(p):
		return "<p class=\"verse\">" + strings.ReplaceAll(h, brMark, "<br>\n") + "</p>\n"
	case lay.hardWrapped:
		return "<p>" + strings.ReplaceAll(h, brMark, " ") + "</p>\n"
	case proseLines(p):
		var b strings.Builder
		for _, part := range splitBalanced(h) {
			b.WriteString("<p>" + part + "</p>\n")
		}
		return b.String()
	}
	return "<p>" + strings.ReplaceAll(h, brMark, "<br>\n") + "</p>\n"
}

// proseLines reports whether most lines of a paragraph are long enough to
// be paragraphs themselves: pages that separate paragraphs with a single
// <br> (and an indent of no-break spaces).
func proseLines(p para) bool {
	long := 0
	for _, l := range p.lines {
		if len(l) >= 150 {
			long++
		}
	}
	return long*2 >= len(p.lines)
}

// splitBalanced splits a block's inline HTML at its line breaks, closing
// the inline elements open at each break and opening them again after it.
// It reads only the markup the block walker writes: bare start and end
// tags, and escaped text.
func splitBalanced(h string) []string {
	var out []string
	var open []string
	var b strings.Builder
	for i := 0; i < len(h); {
		switch {
		case strings.HasPrefix(h[i:], brMark):
			for j := len(open) - 1; j >= 0; j-- {
				b.WriteString("</" + open[j] + ">")
			}
			out = append(out, b.String())
			b.Reset()
			for _, t := range open {
				b.WriteString("<" + t + ">")
			}
			i += len(brMark)
		case h[i] == '<':
			end := strings.IndexByte(h[i:], '>')
			if end < 0 {
				b.WriteString(h[i:])
				i = len(h)
				continue
			}
			tag := h[i+1 : i+end]
			if name, ok := strings.CutPrefix(tag, "/"); ok {
				if n := len(open); n > 0 && open[n-1] == name {
					open = open[:n-1]
				}
			} else {
				open = append(open, tag)
			}
			b.WriteString(h[i : i+end+1])
			i += end + 1
		default:
			b.WriteByte(h[i])
			i++
		}
	}
	return append(out, b.String())
}

// sanitizeBody passes a rendered body through the body policy until it is
// stable, so that sanitising the stored body again changes nothing.
func sanitizeBody(body string) string {
	for range 3 {
		clean := prose.Sanitize(body)
		if clean == body {
			break
		}
		body = clean
	}
	return body
}
