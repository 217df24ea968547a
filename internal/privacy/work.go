package privacy

import (
	"strings"

	"fanarchive"
)

// ProblemAuthorAddress is the problem recorded when an author's name was
// nothing but an address and was taken off the byline.
const ProblemAuthorAddress = "author name was an e-mail address (hidden)"

// MaskWork masks the addresses in every field of w derived from its files
// — everything readers see or search, and what archivists review — and
// reports whether it changed anything. It masks the title, summary, notes
// (labels and text), Begins, the original rating, chapter titles, bodies
// (MaskHTML) and plain text, tag names, the sources' list and archive names,
// the problems and the evidence's details.
//
// An author or a tag whose name is nothing but an address is removed (an
// author with a problem, so an archivist names the writer), since a name
// "[address hidden]" would gather unrelated works on one page.
//
// The private fields are left as they are: w.FeedbackContact and the
// sources' FeedbackContact keep the address as written, for relaying
// feedback and verifying claims, and so does the feedback's evidence, which
// quotes it. So are the sources' raw bytes (MaskRaw masks the download)
// and names (the paths the archivist imported).
func MaskWork(w *fanarchive.Work) bool {
	changed := false
	mask := func(p *string) {
		if m := Mask(*p); m != *p {
			*p, changed = m, true
		}
	}
	mask(&w.Title)
	mask(&w.Summary)
	mask(&w.Begins)
	mask(&w.RatingOriginal)
	for i := range w.Notes {
		mask(&w.Notes[i].Label)
		mask(&w.Notes[i].Text)
	}
	authors := w.Authors[:0:0]
	for _, a := range w.Authors {
		mask(&a.Name)
		if onlyHidden(a.Name) {
			changed = true
			continue
		}
		authors = append(authors, a)
	}
	if len(authors) < len(w.Authors) {
		w.Problems = append(w.Problems, ProblemAuthorAddress)
	}
	if len(w.Authors) > 0 {
		w.Authors = authors // a copy: works may share their slices
	}
	tags := w.Tags[:0:0]
	for _, t := range w.Tags {
		mask(&t.Name)
		if !onlyHidden(t.Name) {
			tags = append(tags, t)
		}
	}
	if len(w.Tags) > 0 {
		w.Tags = tags
	}
	for _, c := range w.Chapters {
		if c == nil {
			continue
		}
		mask(&c.Title)
		if m := MaskHTML(c.Body); m != c.Body {
			c.Body, changed = m, true
		}
		mask(&c.Text)
	}
	for _, s := range w.Sources {
		if s == nil {
			continue
		}
		mask(&s.List)
		mask(&s.Archive)
	}
	for i := range w.Problems {
		mask(&w.Problems[i])
	}
	for field, e := range w.Evidence {
		if field == fanarchive.FieldFeedback {
			continue // private, as the contact it explains
		}
		if m := Mask(e.Detail); m != e.Detail {
			e.Detail, changed = m, true
			w.Evidence[field] = e
		}
	}
	return changed
}

// onlyHidden reports whether a masked name holds nothing but hidden
// addresses and punctuation.
func onlyHidden(name string) bool {
	if !strings.Contains(name, Hidden) {
		return false
	}
	rest := strings.ReplaceAll(name, Hidden, "")
	return countAlnum(rest) == 0
}
