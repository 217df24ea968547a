package ingest

import (
	"strings"

	"fanarchive"
	"fanarchive/internal/prose"
)

// Repeated openings: a disclaimer or note that is not labelled ("Star Trek
// belongs to Paramount; this story to me.") but opens every part of a
// story is kept once, as a note, instead of opening every chapter.

// blockTags are the top-level blocks of a body written by prose.HTML; each
// begins a line.
var blockTags = []string{"p", "hr", "pre", "h3"}

// blockStarts returns the offsets of the top-level blocks in body: lines
// that begin with one of blockTags. (A scan: this ran a regular expression
// over every chapter of every multi-part story.)
func blockStarts(body string) []int {
	var idx []int
	for i := 0; i < len(body); {
		if body[i] == '<' {
			for _, t := range blockTags {
				if rest := body[i+1:]; strings.HasPrefix(rest, t) && (len(rest) == len(t) || !isWordByte(rest[len(t)])) {
					idx = append(idx, i)
					break
				}
			}
		}
		j := strings.IndexByte(body[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return idx
}

// maxOpeningBlocks is how many blocks at the top of a chapter are compared.
const maxOpeningBlocks = 3

// splitBlocks cuts a chapter into its blocks' HTML and its paragraphs'
// text, or reports false when the two do not line up (a body that did not
// come from prose.HTML, such as an HTML page's).
func splitBlocks(c *fanarchive.Chapter) (html, text []string, ok bool) {
	if c.Text == "" {
		return nil, nil, false
	}
	idx := blockStarts(c.Body)
	if len(idx) == 0 || idx[0] != 0 {
		return nil, nil, false
	}
	for i, start := range idx {
		end := len(c.Body)
		if i+1 < len(idx) {
			end = idx[i+1]
		}
		html = append(html, c.Body[start:end])
	}
	text = strings.Split(c.Text, "\n\n")
	return html, text, len(html) == len(text)
}

// dropRepeatedOpenings removes from every chapter the opening paragraphs
// that open at least two chapters and more than half of them, and returns
// them, once each, as notes.
func dropRepeatedOpenings(w *fanarchive.Work) []fanarchive.Note {
	if len(w.Chapters) < 2 {
		return nil
	}
	type split struct {
		html, text []string
	}
	splits := make([]split, len(w.Chapters))
	count := map[string]int{}
	for i, c := range w.Chapters {
		h, t, ok := splitBlocks(c)
		if !ok {
			return nil
		}
		splits[i] = split{h, t}
		seen := map[string]bool{}
		for _, p := range t[:min(len(t), maxOpeningBlocks)] {
			if k := openingKey(p); k != "" && !seen[k] {
				seen[k] = true
				count[k]++
			}
		}
	}
	repeated := func(p string) bool {
		n := count[openingKey(p)]
		return n >= 2 && n*2 > len(w.Chapters)
	}
	var notes []fanarchive.Note
	noted := map[string]bool{}
	for i, c := range w.Chapters {
		s := splits[i]
		cut := 0
		for cut < len(s.text) && cut < maxOpeningBlocks && repeated(s.text[cut]) {
			if k := openingKey(s.text[cut]); !noted[k] {
				noted[k] = true
				notes = append(notes, fanarchive.Note{Label: "Note", Text: s.text[cut]})
			}
			cut++
		}
		if cut == 0 || cut == len(s.text) {
			continue // nothing repeated, or nothing would be left
		}
		c.Body = strings.Join(s.html[cut:], "")
		c.Text = strings.Join(s.text[cut:], "\n\n")
		words := 0
		for _, p := range s.text[cut:] {
			words += prose.CountWords(p)
		}
		w.Words += words - c.Words
		c.Words = words
	}
	return notes
}

// openingKey is a paragraph's text for comparison: lower case, single
// spaces; "" for a paragraph too short to be a note (a scene break, "Part
// 2").
func openingKey(p string) string {
	k := strings.ToLower(strings.Join(strings.Fields(p), " "))
	if len(strings.Fields(k)) < 6 {
		return ""
	}
	return k
}
