package ingest

import (
	"strings"
	"unicode/utf8"

	"fanarchive"
)

// A file may hold several stories that are not posts: a fanzine issue, a
// collection of drabbles, a list's stories saved as plain text. Each story
// begins with a header block of its own ("Title: …" / "Author: …"), set off
// by a blank line or a rule. Such a file is cut before each block, and each
// story is read as a text of its own, as the posts of a mail file are.

// storyFields are the fields that mark a block as a story's header.
var storyFields = map[field]bool{
	fieldTitle: true, fieldAuthor: true, fieldRating: true, fieldFandom: true, fieldRelationship: true,
	fieldCharacter: true, fieldWarning: true, fieldCategory: true, fieldFreeform: true, fieldSummary: true,
	fieldClassification: true,
}

// maxHeaderLines is how many lines a story's header block may run to.
const maxHeaderLines = 20

// storyStarts returns the byte offsets in text where stories begin, each
// before the blank and rule lines that set its header off; nil when the
// text holds fewer than two stories. A header block is consecutive label
// lines with a Title, and an Author that names someone or two more story
// fields.
func storyStarts(text string) []int {
	var starts []int
	lineStart, prevSep, cut := 0, true, 0 // cut: where the run of separators before this line began
	for lineStart < len(text) {
		end := strings.IndexByte(text[lineStart:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += lineStart
		}
		line := strings.TrimRight(text[lineStart:end], "\r")
		t := strings.TrimSpace(line)
		sep := t == "" || sceneBreakLine(t) || headingRule(t) || strings.IndexByte("-=_~*+#", t[0]) >= 0 && mostlyRule(t)
		if !sep && prevSep && headerBlockAt(text, lineStart) {
			starts = append(starts, cut)
		}
		if sep && !prevSep {
			cut = lineStart
		}
		if !sep {
			cut = end + 1
		}
		prevSep = sep
		lineStart = end + 1
	}
	if len(starts) < 2 {
		return nil
	}
	if starts[0] > 0 && strings.TrimSpace(text[:starts[0]]) == "" {
		starts[0] = 0
	}
	return starts
}

// headerBlockAt reports whether a story's header block begins at offset
// pos of text.
func headerBlockAt(text string, pos int) bool {
	title, author, fields := false, false, 0
	for n := 0; n < maxHeaderLines && pos < len(text); n++ {
		end := strings.IndexByte(text[pos:], '\n')
		if end < 0 {
			end = len(text) - pos
		}
		f, _, value, ok := parseLabel(strings.TrimRight(text[pos:pos+end], "\r"))
		if !ok {
			break
		}
		if storyFields[f] {
			fields++
		}
		title = title || f == fieldTitle && value != ""
		if f == fieldAuthor {
			names, _ := authorNames(value)
			author = author || len(names) > 0
		}
		pos += end + 1
	}
	return title && (author || fields >= 3)
}

// rawOffset maps an offset in the decoded text to one in the raw bytes, for
// the encodings whose mapping is plain: UTF-8 (after a byte-order mark)
// and the single-byte encodings (a character a byte). ok is false for
// UTF-16.
func rawOffset(raw []byte, text string, enc string, off int) (int, bool) {
	switch enc {
	case EncUTF8, "us-ascii", "":
		if strings.HasPrefix(string(raw[:min(3, len(raw))]), "\xef\xbb\xbf") {
			off += 3
		}
		return off, true
	case EncWindows1252, EncCP437, EncMacintosh:
		return utf8.RuneCountInString(text[:off]), true
	}
	return 0, false
}

// anthologyPieces cuts a text file that holds several stories into one
// piece per story, with a short text before the first (an issue's
// masthead, a contents line) kept as a note on it. It returns nil when the
// file is one story.
func anthologyPieces(name string, raw []byte, text, enc string, opts Options) ([]*Piece, error) {
	starts := storyStarts(text)
	if starts == nil {
		return nil, nil
	}
	if _, ok := rawOffset(raw, text, enc, 0); !ok {
		return nil, nil
	}
	src := fanarchive.NewSource(name, raw)
	src.Encoding = enc
	preamble := starts[0] > 0 // text before the first story
	if preamble {
		starts = append([]int{0}, starts...)
	}
	var pieces []*Piece
	var firstErr error
	for i, s := range starts {
		e := len(text)
		if i+1 < len(starts) {
			e = starts[i+1]
		}
		w, titles, err := parseBody(text[s:e], src, opts, envelope{})
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		rs, _ := rawOffset(raw, text, enc, s)
		re, _ := rawOffset(raw, text, enc, e)
		if i+1 == len(starts) {
			re = len(raw)
		}
		pieces = append(pieces, &Piece{Work: w, Start: rs, End: re, Seq: len(pieces), Titles: titles})
	}
	if len(pieces) == 0 {
		return nil, firstErr
	}
	if preamble && len(pieces) > 1 && pieces[0].Start == 0 && pieces[0].Work.Words <= preambleWords {
		pieces = notePreamble(pieces)
	}
	for _, p := range pieces {
		p.Part, p.HasPart = piecePart("", p.Work)
	}
	numberedParts(pieces)
	for _, p := range pieces {
		p.fp = fingerprint(p.Work)
	}
	return pieces, nil
}
