package ingest

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"fanarchive"
)

// copyrightYear finds the year of a notice of rights: "(c) 1996",
// "Copyright 1995 by X", "© 1994", "copyright (C) 1993".
var copyrightYear = regexp.MustCompile(`(?i)(?:\(c\)|©|copyright)\s*(?:\(c\)\s*|©\s*)?(?:by\s+)?(19[6-9]\d|20[0-4]\d)\b`)

// dateLabel is the label of a note that dates the story.
var dateLabel = regexp.MustCompile(`(?i)^\s*(date|dated|posted|written|first posted|originally posted|completed|finished)\s*:?\s*$`)

// datePublished gives a work without a Published date one from its text,
// saying where it came from: a whole date in a note labelled as one
// ("Date: 12 Mar 1995"), else the earliest year of a copyright notice
// near either end of the text or in the notes ("(c) 1996"), else none
// (fanarchive.DateUnknown; the importer may still use the file's date). A
// date from the post's header (envelope) or an exact source is kept. Years
// run from 1960 to 2049 (copyrightYear), so a number is not taken for one.
func datePublished(w *fanarchive.Work) {
	if !w.Published.IsZero() {
		return
	}
	for _, n := range append(append([]fanarchive.Note(nil), w.Notes...), w.EndNotes...) {
		if !dateLabel.MatchString(n.Label) {
			continue
		}
		if t, ok := parseMailDate(n.Text, false); ok && t.Year() >= 1960 {
			w.Published, w.Updated, w.PublishedFrom = t, t, fanarchive.DateText
			return
		}
	}
	var places []string
	for _, n := range w.Notes {
		places = append(places, n.Label+" "+n.Text)
	}
	for _, n := range w.EndNotes {
		places = append(places, n.Label+" "+n.Text)
	}
	if len(w.Chapters) > 0 {
		first, last := w.Chapters[0].Text, w.Chapters[len(w.Chapters)-1].Text
		places = append(places, head(first, 3000), tail(last, 2000))
	}
	year := 0
	for _, p := range places {
		for _, m := range copyrightYear.FindAllStringSubmatch(p, -1) {
			if y, err := strconv.Atoi(m[1]); err == nil && (year == 0 || y < year) {
				year = y
			}
		}
	}
	if year > 0 {
		t := time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC)
		w.Published, w.Updated, w.PublishedFrom = t, t, fanarchive.DateYear
		return
	}
	w.PublishedFrom = fanarchive.DateUnknown
}

// head and tail are at most n bytes of either end of s, cut at a space.
func head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if i := strings.LastIndexByte(s[:n], ' '); i > 0 {
		return s[:i]
	}
	return s[:n]
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if i := strings.IndexByte(s[len(s)-n:], ' '); i >= 0 {
		return s[len(s)-n+i:]
	}
	return s[len(s)-n:]
}
