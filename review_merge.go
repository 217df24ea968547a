package fanarchive

import (
	"slices"
	"strconv"
)

// Absorb takes into w what a merge brings from another work, apart from
// chapters and sources, which the store moves: from's authors, tags and
// notes that w lacks (a tag on both stays inferred only if it is inferred
// on both), its words, the earlier Published and later Updated date, and
// evidence for fields w has none for. A field w lacks (title, summary,
// language, authors, fandoms, or a rating other than Not Rated) is taken
// from from with its evidence, and the problems it settled on w are
// cleared. Everything else w has stays as it is. Returns EINVALID if w
// would have more authors or notes than a work may.
func (w *Work) Absorb(from *Work) error {
	filled := func(field string) {
		if e, ok := from.Evidence[field]; ok {
			w.Evidence[field] = e
		} else {
			delete(w.Evidence, field)
		}
		w.clearProblems(field)
	}
	if w.Evidence == nil {
		w.Evidence = map[string]Evidence{}
	}
	if w.Title == "" && from.Title != "" {
		w.Title = from.Title
		filled(FieldTitle)
	}
	if w.Summary == "" && from.Summary != "" {
		w.Summary = from.Summary
		filled(FieldSummary)
	}
	if w.Language == "" && from.Language != "" {
		w.Language = from.Language
		filled(FieldLanguage)
	}
	if w.Rating == RatingNotRated && from.Rating != RatingNotRated && from.Rating != "" {
		w.Rating, w.RatingOriginal = from.Rating, from.RatingOriginal
		filled(FieldRating)
	}
	if len(w.Authors) == 0 && len(from.Authors) > 0 {
		filled(FieldAuthors)
	}
	if len(w.TagsOf(TagFandom)) == 0 && len(from.TagsOf(TagFandom)) > 0 {
		filled(FieldFandoms)
	}
	for f, e := range from.Evidence {
		if _, ok := w.Evidence[f]; !ok {
			w.Evidence[f] = e
		}
	}

	for _, a := range from.Authors {
		if !slices.ContainsFunc(w.Authors, func(b Author) bool { return b.Name == a.Name }) {
			w.Authors = append(w.Authors, a)
		}
	}
	for _, t := range from.Tags {
		i := slices.IndexFunc(w.Tags, func(u Tag) bool { return u.Kind == t.Kind && u.Name == t.Name })
		if i < 0 {
			w.Tags = append(w.Tags, t)
		} else {
			w.Tags[i].Inferred = w.Tags[i].Inferred && t.Inferred
		}
	}
	for _, n := range from.Notes {
		if !slices.Contains(w.Notes, n) {
			w.Notes = append(w.Notes, n)
		}
	}
	for _, n := range from.EndNotes {
		if !slices.Contains(w.EndNotes, n) {
			w.EndNotes = append(w.EndNotes, n)
		}
	}
	// What only logged-in readers may see stays so in the merged work.
	w.Restricted = w.Restricted || from.Restricted
	if len(w.Authors) > MaxAuthors {
		return Errorf(EINVALID, "The merged work would have more than %d authors.", MaxAuthors)
	}
	if len(w.Notes) > MaxNotes || len(w.EndNotes) > MaxNotes {
		return Errorf(EINVALID, "The merged work would have more than %d notes.", MaxNotes)
	}

	w.Words += from.Words
	if !from.Published.IsZero() && (w.Published.IsZero() || from.Published.Before(w.Published)) {
		w.Published = from.Published
	}
	if from.Updated.After(w.Updated) {
		w.Updated = from.Updated
	}
	return nil
}

// splitTitleConfidence is the confidence of the title SplitOff makes up: low
// enough that the new work is reviewed until an archivist names it.
const splitTitleConfidence = 0.5

// SplitOff returns the work that the chapters split off w will make up,
// without chapters: w's kind, authors, tags, notes, rating, language,
// completeness, dates, duplicate mark and what posting set (who posted it,
// draft, restricted), and the title "<title> (part 2)"
// with low-confidence evidence saying where it came from. Evidence and
// problems of the fields it copies are copied too; those of the title,
// summary and chapter order are not (they were about w). It has no summary
// and no origin.
func (w *Work) SplitOff() *Work {
	n := &Work{
		Kind:           w.Kind,
		Title:          truncateTitle(w.DisplayTitle() + " (part 2)"),
		Authors:        slices.Clone(w.Authors),
		Notes:          slices.Clone(w.Notes),
		Rating:         w.Rating,
		RatingOriginal: w.RatingOriginal,
		Tags:           slices.Clone(w.Tags),
		Language:       w.Language,
		Complete:       w.Complete,
		Published:      w.Published,
		Updated:        w.Updated,
		DuplicateOf:    w.DuplicateOf,
		EndNotes:       slices.Clone(w.EndNotes),
		PostedBy:       w.PostedBy,
		Draft:          w.Draft,
		Restricted:     w.Restricted,
		Evidence:       map[string]Evidence{},
	}
	for i := range n.Authors {
		n.Authors[i].ID = 0
	}
	for f, e := range w.Evidence {
		switch f {
		case FieldTitle, FieldSummary, FieldChapters:
		default:
			n.Evidence[f] = e
		}
	}
	n.Evidence[FieldTitle] = Evidence{Confidence: splitTitleConfidence, Via: "split", Detail: "split from work " + strconv.FormatInt(w.ID, 10)}
	for _, p := range w.Problems {
		switch ProblemField(p) {
		case FieldTitle, FieldSummary, FieldChapters:
		default:
			n.Problems = append(n.Problems, p)
		}
	}
	return n
}

// truncateTitle shortens a title to MaxTitleLen bytes on a rune boundary.
func truncateTitle(s string) string {
	if len(s) <= MaxTitleLen {
		return s
	}
	return truncate(s, MaxTitleLen-len("…"))
}
