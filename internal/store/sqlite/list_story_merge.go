package sqlite

import (
	"math"
	"slices"
	"strings"

	"fanarchive"
)

// mergeListPart gives a list story's work w what a new part of it says and
// w lacks (see fanarchive.ListStoryService.FileListPost), and reports
// whether w's tags changed. Only metadata changes here; chapters, sources
// and the parts' state are the caller's.
func mergeListPart(w, part *fanarchive.Work) (tagsChanged bool) {
	if strings.TrimSpace(w.Title) == "" && part.Title != "" {
		w.Title = part.Title
	}
	if strings.TrimSpace(w.Summary) == "" && part.Summary != "" {
		w.Summary = part.Summary
	}
	if ratingRank(part.Rating) > ratingRank(w.Rating) {
		w.Rating, w.RatingOriginal = part.Rating, part.RatingOriginal
	}
	maxNotes, maxTags := fanarchive.MaxNotes, math.MaxInt
	if w.PostedBy != 0 {
		maxNotes, maxTags = fanarchive.MaxPostedNotes, fanarchive.MaxPostedTags
	}
	w.Notes = mergeNotes(w.Notes, part.Notes, maxNotes)
	w.EndNotes = mergeNotes(w.EndNotes, part.EndNotes, maxNotes)
	if w.Language == "" {
		w.Language = part.Language
	}

	// A fandom the text names replaces fandoms that were only inferred
	// (from the list's fandoms).
	given := slices.ContainsFunc(part.Tags, func(t fanarchive.Tag) bool { return t.Kind == fanarchive.TagFandom && !t.Inferred })
	onlyInferred := !slices.ContainsFunc(w.Tags, func(t fanarchive.Tag) bool { return t.Kind == fanarchive.TagFandom && !t.Inferred })
	if given && onlyInferred {
		n := len(w.Tags)
		w.Tags = slices.DeleteFunc(w.Tags, func(t fanarchive.Tag) bool { return t.Kind == fanarchive.TagFandom })
		tagsChanged = len(w.Tags) != n
	}
	for _, t := range part.Tags {
		if len(w.Tags) >= maxTags {
			break
		}
		if t.Kind == fanarchive.TagFandom && t.Inferred && !onlyInferred {
			continue
		}
		if !slices.ContainsFunc(w.Tags, func(o fanarchive.Tag) bool { return o.Kind == t.Kind && strings.EqualFold(o.Name, t.Name) }) {
			w.Tags = append(w.Tags, fanarchive.Tag{Kind: t.Kind, Name: t.Name, Inferred: t.Inferred})
			tagsChanged = true
		}
	}

	if !part.Published.IsZero() && (w.Published.IsZero() || part.Published.Before(w.Published)) {
		w.Published, w.PublishedFrom = part.Published, part.PublishedFrom
	}
	latest := part.Updated
	if part.Published.After(latest) {
		latest = part.Published
	}
	if latest.After(w.Updated) {
		w.Updated = latest
	}
	for _, p := range part.Problems {
		if !strings.HasPrefix(p, problemPartMissing) && !slices.Contains(w.Problems, p) {
			w.Problems = append(w.Problems, p)
		}
	}
	return tagsChanged
}

// mergeNotes appends the notes of more that have is missing (the same
// label and text), up to limit notes.
func mergeNotes(have, more []fanarchive.Note, limit int) []fanarchive.Note {
	for _, n := range more {
		if len(have) >= limit {
			break
		}
		if !slices.ContainsFunc(have, func(o fanarchive.Note) bool {
			return strings.EqualFold(o.Label, n.Label) && strings.TrimSpace(o.Text) == strings.TrimSpace(n.Text)
		}) {
			have = append(have, n)
		}
	}
	return have
}

// ratingRank orders ratings from none (Not Rated) to the most restricted.
func ratingRank(r fanarchive.Rating) int {
	switch r {
	case fanarchive.RatingGeneral:
		return 1
	case fanarchive.RatingTeen:
		return 2
	case fanarchive.RatingMature:
		return 3
	case fanarchive.RatingExplicit:
		return 4
	}
	return 0
}
