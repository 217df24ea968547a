package ingest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"fanarchive"
	"fanarchive/internal/prose"
)

// Problems about parts.
const (
	ProblemPartMissing   = "part missing"
	ProblemPartRepeated  = "part repeated"
	ProblemPartOrder     = "part order inferred"
	ProblemDuplicateWork = "duplicate of another work"
)

// confParts are the confidences of a work's chapter order.
const (
	confPartsMarked   = 0.95 // every part says which it is
	confPartsInferred = 0.6  // some parts' places were taken from file order
)

// build makes one work of a group: chapters in part order, fields from the
// most confident piece, notes said in every part kept once.
func build(g *group) *Assembled {
	ordered, dropped := orderParts(g.pieces)
	for _, p := range ordered {
		datePublished(p.Work)
	}
	a := &Assembled{Pieces: ordered, Dropped: dropped, DuplicateOf: -1}
	if len(ordered) == 1 && len(dropped) == 0 {
		a.Work = ordered[0].Work
		if !ordered[0].Whole {
			a.Work.Origin = pieceOrigin(ordered)
		}
		if ordered[0].HasPart && !ordered[0].Reply {
			// "Lamplight (2/2)" alone: part 1 is not in the archive.
			markMissingParts(a)
		}
		return a
	}
	w := &fanarchive.Work{Evidence: map[string]fanarchive.Evidence{}, Complete: true}
	a.Work = w
	first := ordered[0].Work
	w.Kind, w.Language, w.Rating, w.RatingOriginal = kindOf(ordered), first.Language, fanarchive.RatingNotRated, ""

	// Fields: the most confident value wins; on a tie, the earliest part's.
	pick := func(field string, has func(*fanarchive.Work) bool) *fanarchive.Work {
		var best *fanarchive.Work
		for _, p := range ordered {
			if has(p.Work) && (best == nil || p.Work.Evidence[field].Confidence > best.Evidence[field].Confidence) {
				best = p.Work
			}
		}
		return best
	}
	if b := pick(fanarchive.FieldTitle, func(w *fanarchive.Work) bool { return w.Title != "" }); b != nil {
		w.Title, w.Evidence[fanarchive.FieldTitle] = b.Title, b.Evidence[fanarchive.FieldTitle]
	}
	if b := pick(fanarchive.FieldAuthors, func(w *fanarchive.Work) bool { return len(w.Authors) > 0 }); b != nil {
		w.Authors, w.Evidence[fanarchive.FieldAuthors] = b.Authors, b.Evidence[fanarchive.FieldAuthors]
	}
	if b := pick(fanarchive.FieldSummary, func(w *fanarchive.Work) bool { return w.Summary != "" }); b != nil {
		w.Summary = b.Summary
	}
	for _, p := range ordered {
		pw := p.Work
		if ratingRank(pw.Rating) > ratingRank(w.Rating) {
			w.Rating, w.RatingOriginal, w.Evidence[fanarchive.FieldRating] = pw.Rating, pw.RatingOriginal, pw.Evidence[fanarchive.FieldRating]
		}
		for _, t := range pw.Tags {
			w.Tags = appendTag(w.Tags, t)
		}
		for _, n := range pw.Notes {
			w.Notes = appendNote(w.Notes, n)
		}
		for _, pr := range pw.Problems {
			if !strings.HasPrefix(pr, "no ") && !contains(w.Problems, pr) {
				w.Problems = append(w.Problems, pr)
			}
		}
		for _, f := range []string{fanarchive.FieldFandoms, fanarchive.FieldFeedback, fanarchive.FieldList, fanarchive.FieldArchive} {
			if e, ok := pw.Evidence[f]; ok && e.Confidence > w.Evidence[f].Confidence {
				w.Evidence[f] = e
			}
		}
		if pw.FeedbackContact != "" && (w.FeedbackContact == "" || (!strings.Contains(w.FeedbackContact, "@") && strings.Contains(pw.FeedbackContact, "@"))) {
			w.FeedbackContact = pw.FeedbackContact
		}
		if !pw.Published.IsZero() && (w.Published.IsZero() || pw.Published.Before(w.Published)) {
			w.Published, w.PublishedFrom = pw.Published, pw.PublishedFrom
		}
		if pw.Updated.After(w.Updated) {
			w.Updated = pw.Updated
		}
	}
	if w.Published.IsZero() {
		w.PublishedFrom = fanarchive.DateUnknown
	}
	if w.Rating == fanarchive.RatingNotRated {
		w.Evidence[fanarchive.FieldRating] = fanarchive.Evidence{Confidence: confDefault, Via: "default:no-rating-given"}
	}
	largest := ordered[0].Work
	for _, p := range ordered {
		if p.Work.Words > largest.Words {
			largest = p.Work
		}
	}
	w.Evidence[fanarchive.FieldKind] = largest.Evidence[fanarchive.FieldKind]

	// Sources in order of first use; chapters point at theirs, named as
	// the story names its parts.
	word := partsCalled(ordered)
	index := map[*fanarchive.Source]int{}
	for _, p := range ordered {
		src := p.Work.Sources[0]
		if _, ok := index[src]; !ok {
			index[src] = len(w.Sources)
			w.Sources = append(w.Sources, src)
		}
		for _, c := range p.Work.Chapters {
			ch := *c
			ch.Number = len(w.Chapters) + 1
			ch.SourceID = -int64(index[src] + 1)
			if ch.Title == "" && len(p.Work.Chapters) == 1 {
				ch.Title = partTitle(p, word)
			}
			w.Chapters = append(w.Chapters, &ch)
			w.Words += ch.Words
		}
	}
	for _, n := range dropRepeatedOpenings(w) {
		w.Notes = appendNote(w.Notes, n)
	}
	w.Begins = prose.Opening(w.Chapters[0].Text, 40)
	if w.Begins == "" {
		w.Begins = first.Begins
	}
	w.Origin = pieceOrigin(ordered)
	checkParts(a)
	settleProblems(w)
	fitLimits(w)
	return a
}

// orderParts sorts pieces by part number. A piece without a marker keeps
// its place after the piece before it in its file. A part that appears
// again (the same number) is dropped, keeping the longer text.
func orderParts(pieces []*Piece) (ordered, dropped []*Piece) {
	type keyed struct {
		p   *Piece
		key float64
	}
	ks := make([]keyed, len(pieces))
	prev := 0.0
	for i, p := range pieces {
		k := prev + 0.001
		if p.HasPart {
			k = p.Part.Order()
		}
		ks[i], prev = keyed{p, k}, k
	}
	sort.SliceStable(ks, func(i, j int) bool { return ks[i].key < ks[j].key })
	seen := map[string]int{} // part → index in ordered
	for _, k := range ks {
		if k.p.HasPart {
			id := partID(k.p.Part)
			if at, ok := seen[id]; ok {
				if k.p.Work.Words > ordered[at].Work.Words {
					dropped = append(dropped, ordered[at])
					ordered[at] = k.p
				} else {
					dropped = append(dropped, k.p)
				}
				continue
			}
			seen[id] = len(ordered)
		}
		ordered = append(ordered, k.p)
	}
	return ordered, dropped
}

// checkParts records missing and repeated parts, and how sure the chapter
// order is.
func checkParts(a *Assembled) {
	w := a.Work
	marked, unmarked := markMissingParts(a)
	for _, d := range a.Dropped {
		w.Problems = append(w.Problems, fmt.Sprintf("%s: %s (bytes %d–%d of %s not used)", ProblemPartRepeated, d.Part.Text, d.Start, d.End, d.Work.Sources[0].Name))
	}
	e := fanarchive.Evidence{Confidence: confPartsMarked, Via: fmt.Sprintf("parts:%d marked of %d", marked, len(a.Pieces))}
	if unmarked > 0 && len(a.Pieces) > 1 {
		e.Confidence = confPartsInferred
		w.Problems = append(w.Problems, fmt.Sprintf("%s: %d of %d parts have no part number", ProblemPartOrder, unmarked, len(a.Pieces)))
	}
	w.Evidence[fanarchive.FieldChapters] = e
}

// markMissingParts lists the parts that the work's pieces say exist but
// none of them is ("part missing: 1, 3 of 4"), and marks the work
// incomplete then, or when its last part is not there. It returns how many
// pieces have a part marker and how many do not.
func markMissingParts(a *Assembled) (marked, unmarked int) {
	w := a.Work
	have := map[int]bool{}
	maxN, of, final := 0, 0, false
	// An unmarked piece is taken to be the parts that come after the piece
	// before it, one per chapter: a first part posted without a subject,
	// a part whose subject lost its marker, or a repost of parts 1-5 as one
	// post with a heading per chapter.
	at := 0
	for _, p := range a.Pieces {
		if !p.HasPart {
			unmarked++
			for range len(p.Work.Chapters) {
				at++
				have[at] = true
			}
			continue
		}
		marked++
		for n := p.Part.N; n <= max(p.Part.N, p.Part.Last); n++ {
			have[n] = true
		}
		at = max(p.Part.N, p.Part.Last)
		maxN, of = max(maxN, p.Part.N, p.Part.Last), max(of, p.Part.Of)
		final = final || p.Part.Role == RoleFinal || p.Part.Role == RoleEpilogue
	}
	last := max(maxN, of)
	var missing []string
	for n := 1; n <= last && n <= fanarchive.MaxChapters; n++ {
		if !have[n] {
			missing = append(missing, strconv.Itoa(n))
		}
	}
	if len(missing) > 0 {
		w.Complete = false
		w.Problems = append(w.Problems, fmt.Sprintf("%s: %s of %d", ProblemPartMissing, strings.Join(missing, ", "), last))
	} else if of > 0 && maxN < of && !final {
		w.Complete = false
	}
	return marked, unmarked
}

// settleProblems lists the "nothing found" problems of a work's fields:
// for a parsed text, and again for a work assembled from parts.
func settleProblems(w *fanarchive.Work) {
	if w.Title == "" {
		w.Problems = append(w.Problems, ProblemNoTitle)
		w.Evidence[fanarchive.FieldTitle] = fanarchive.Evidence{Confidence: confNone, Via: "none"}
	}
	if len(w.Authors) == 0 {
		w.Problems = append(w.Problems, ProblemNoAuthor)
		w.Evidence[fanarchive.FieldAuthors] = fanarchive.Evidence{Confidence: confNone, Via: "none"}
	}
	if len(w.TagsOf(fanarchive.TagFandom)) == 0 {
		w.Problems = append(w.Problems, ProblemNoFandom)
		w.Evidence[fanarchive.FieldFandoms] = fanarchive.Evidence{Confidence: confNone, Via: "none"}
	}
}

// partTitle names a chapter from its part marker and the title its
// subject gives it: "Part 3", "Prologue", "Part 5: Prepare for
// assimilation".
func partTitle(p *Piece, word string) string {
	if !p.HasPart {
		return p.PartTitle
	}
	if name := partName(p, word); p.PartTitle != "" {
		return name + ": " + p.PartTitle
	}
	return partName(p, word)
}

// partsCalled is what a story calls its parts: "Chapter" when a marker says
// chapter and none says part, else "Part".
func partsCalled(pieces []*Piece) string {
	chapter := false
	for _, p := range pieces {
		t := strings.ToLower(p.Part.Text)
		if strings.Contains(t, "part") {
			return "Part"
		}
		chapter = chapter || strings.Contains(t, "chapter") || strings.Contains(t, "ch.")
	}
	if chapter {
		return "Chapter"
	}
	return "Part"
}

// partName names a part from its marker alone, with the story's word for
// its parts.
func partName(p *Piece, word string) string {
	switch p.Part.Role {
	case RolePrologue:
		return "Prologue"
	case RoleEpilogue:
		return "Epilogue"
	}
	if p.Part.Last > 0 {
		return word + "s " + strconv.Itoa(p.Part.N) + "–" + strconv.Itoa(p.Part.Last)
	}
	if p.Part.N > 0 {
		return word + " " + strconv.Itoa(p.Part.N) + p.Part.Sub
	}
	return "Final " + strings.ToLower(word)
}

// kindOf is the kind of most of the pieces' words.
func kindOf(pieces []*Piece) fanarchive.Kind {
	fiction, other := 0, 0
	for _, p := range pieces {
		if p.Work.Kind == fanarchive.KindFiction {
			fiction += p.Work.Words + 1
		} else {
			other += p.Work.Words + 1
		}
	}
	if fiction >= other {
		return fanarchive.KindFiction
	}
	return fanarchive.KindOther
}

// pieceOrigin identifies a work made of pieces: each piece's file and byte
// range. A work of one whole file is identified by the file alone (the
// store's default).
func pieceOrigin(pieces []*Piece) string {
	parts := make([]string, len(pieces))
	for i, p := range pieces {
		if p.Whole {
			parts[i] = p.Work.Sources[0].SHA256
		} else {
			parts[i] = fmt.Sprintf("%s@%d-%d", p.Work.Sources[0].SHA256, p.Start, p.End)
		}
	}
	return strings.Join(parts, "+")
}

// appendNote adds n unless a note with the same label and text (ignoring
// case and spacing) is there: a disclaimer repeated atop every part is
// kept once.
func appendNote(notes []fanarchive.Note, n fanarchive.Note) []fanarchive.Note {
	key := func(n fanarchive.Note) string {
		return strings.ToLower(n.Label) + "\x00" + strings.ToLower(strings.Join(strings.Fields(prose.FirstWords(n.Text, 200)), " "))
	}
	k := key(n)
	for _, have := range notes {
		if key(have) == k {
			return notes
		}
	}
	return append(notes, n)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
