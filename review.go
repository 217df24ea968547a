package fanarchive

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The review queue puts an importer's guesses in front of an archivist: the
// works with a field below ReviewThreshold or a problem the importer could
// not settle. Archivists fix them field by field, merge works that are parts
// of one story, split works that are several, and confirm what the importer
// got right. Every such edit is recorded; the original files never change.
// See docs/review.md.

// Fields an archivist can set besides those in work.go. Like every Field*
// constant they are also keys of Work.Evidence once set.
const (
	FieldRelationships = "relationships"
	FieldCharacters    = "characters"
	FieldFreeform      = "freeform"
	FieldWarnings      = "warnings"
	FieldCategories    = "categories"
	FieldLanguage      = "language"
	FieldComplete      = "complete"
	FieldDuplicateOf   = "duplicate_of"
)

// EditableFields lists the fields ReviewService.UpdateWorkField sets, in the
// order help texts show them.
var EditableFields = []string{
	FieldTitle, FieldAuthors, FieldRating, FieldSummary,
	FieldFandoms, FieldRelationships, FieldCharacters, FieldFreeform, FieldWarnings, FieldCategories,
	FieldLanguage, FieldComplete, FieldKind, FieldDuplicateOf,
}

// ReviewFields lists every field that evidence is recorded for: the editable
// ones, and those only the importer sets (chapter order, where the file says
// it came from), which an archivist can confirm but not set.
var ReviewFields = append(slices.Clone(EditableFields), FieldChapters, FieldFeedback, FieldList, FieldArchive)

// tagFields maps the editable fields that are lists of tags to their kind.
var tagFields = map[string]TagKind{
	FieldFandoms:       TagFandom,
	FieldRelationships: TagRelationship,
	FieldCharacters:    TagCharacter,
	FieldFreeform:      TagFreeform,
	FieldWarnings:      TagWarning,
	FieldCategories:    TagCategory,
}

// TagKindOfField returns the tag kind a field lists ("fandoms" → fandom),
// and false for a field that is not a list of tags.
func TagKindOfField(field string) (TagKind, bool) {
	k, ok := tagFields[field]
	return k, ok
}

// Edit operations, as WorkEdit.Op records them.
const (
	EditSet     = "set"     // a field was given a value
	EditMark    = "mark"    // the work was marked fiction or other
	EditConfirm = "confirm" // a field's value, or a problem, was accepted as it is
	EditMerge   = "merge"   // another work's chapters were appended to this one
	EditSplit   = "split"   // chapters were moved out to a new work, or in from the work split
)

// ViaArchivist is the Evidence.Via of a value an archivist set or confirmed;
// its confidence is 1 and its Detail names the archivist.
const ViaArchivist = "archivist"

// Review page sizes.
const (
	DefaultReviewPage = 20
	MaxReviewPage     = 1000
)

// WorkEdit is one recorded change an archivist made to a work. Old and New
// are the values as text: a list is joined with ", ", a work is named by its
// ID and title.
type WorkEdit struct {
	ID     int64     `json:"id"`
	WorkID int64     `json:"work_id"`
	Op     string    `json:"op"`
	Field  string    `json:"field,omitempty"`
	Old    string    `json:"old"`
	New    string    `json:"new"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// ReviewFilter selects works of the review queue. Zero fields do not filter.
type ReviewFilter struct {
	// Field keeps works whose evidence for this field (one of ReviewFields)
	// is below ReviewThreshold.
	Field string
	// Problem keeps works with a problem containing this text, ignoring
	// ASCII case, e.g. "part order" or "no title".
	Problem string
	// Kind keeps works of one kind; both kinds are listed when it is empty.
	Kind Kind

	Offset int
	Limit  int // defaults to DefaultReviewPage, at most MaxReviewPage
}

// Validate returns EINVALID for an unknown field or kind, or a negative
// offset or limit.
func (f ReviewFilter) Validate() error {
	switch {
	case f.Field != "" && !slices.Contains(ReviewFields, f.Field):
		return Errorf(EINVALID, "Unknown field %q; fields are: %s.", f.Field, strings.Join(ReviewFields, ", "))
	case f.Kind != "" && !f.Kind.Valid():
		return Errorf(EINVALID, "Work kind %q is not fiction or other.", f.Kind)
	case f.Offset < 0 || f.Limit < 0:
		return Errorf(EINVALID, "Offset and limit must not be negative.")
	case len(f.Problem) > MaxTagNameLen:
		return Errorf(EINVALID, "The problem to look for is longer than %d bytes.", MaxTagNameLen)
	}
	return nil
}

// ReviewService is the archivist's review queue and the edits made from it.
// Every edit is one transaction that also records itself (FindWorkEdits)
// and updates search: a work marked other, or as a duplicate, leaves
// listings and searches at once; a new title is found at once. Sources and
// their bytes are never changed. by names the archivist; it is required.
type ReviewService interface {
	// FindReviewQueue returns a page of the works that NeedsReview, with
	// authors, tags and chapters (without bodies), lowest confidence first
	// (see Work.ReviewConfidence), then by ID; and how many works match,
	// ignoring Offset and Limit. Returns EINVALID for a bad filter.
	FindReviewQueue(ctx context.Context, filter ReviewFilter) ([]*Work, int, error)

	// UpdateWorkField sets one of EditableFields from text, as Work.SetField
	// reads it, and records the edit (a change of kind as EditMark). Returns
	// ENOTFOUND for no such work, EINVALID for an unknown field, a bad
	// value, a duplicate_of naming a missing work, the work itself or a
	// work that is itself a duplicate.
	UpdateWorkField(ctx context.Context, workID int64, field, value, by string) error

	// ConfirmWork accepts fields as they are (see Work.Confirm): their
	// confidence becomes 1, their problems are cleared, and inferred tags of
	// a confirmed tag field become the archivist's. No fields confirms every
	// field below ReviewThreshold and clears every problem. Returns
	// ENOTFOUND or EINVALID (an unknown field).
	ConfirmWork(ctx context.Context, workID int64, fields []string, by string) error

	// MergeWorks appends from's chapters, renumbered, to into, links
	// from's sources to into, adds from's authors, tags and notes that into
	// lacks, fills into's empty title, summary and language from from, and
	// deletes from. Works that were duplicates of from become duplicates of
	// into. from's origin is remembered as merged into into: creating a
	// work with that origin again is ECONFLICT with Work.ID set to into, so
	// re-importing the files reports them as present. from's edit history
	// moves to into. Returns ENOTFOUND, or EINVALID when into and from are
	// the same work or the result would have too many chapters.
	MergeWorks(ctx context.Context, into, from int64, by string) error

	// SplitWork moves chapters atChapter..n of a work into a new work,
	// renumbered from 1, and returns its ID. The new work has the same
	// authors, tags, notes, kind, rating, language and dates, the title
	// "<title> (part 2)" at low confidence (so it is reviewed), no summary
	// and no origin (importing the files again finds the original work);
	// it is linked to the sources its chapters came from, which the
	// original work keeps only if its own chapters still use them. Returns
	// ENOTFOUND, or EINVALID unless 2 <= atChapter <= the chapter count.
	SplitWork(ctx context.Context, workID int64, atChapter int, by string) (int64, error)

	// FindWorkEdits returns the edits of a work, oldest first, including
	// those of works merged into it. Returns ENOTFOUND.
	FindWorkEdits(ctx context.Context, workID int64) ([]*WorkEdit, error)
}

// ReviewConfidence is the lowest confidence of the work's evidence, 1 when
// it has none: the review queue lists the least certain works first.
func (w *Work) ReviewConfidence() float64 {
	c := 1.0
	for _, e := range w.Evidence {
		c = min(c, e.Confidence)
	}
	return c
}

// LowConfidence returns the fields whose evidence is below ReviewThreshold,
// the least certain first, then by name.
func (w *Work) LowConfidence() []string {
	var fields []string
	for f, e := range w.Evidence {
		if e.Confidence < ReviewThreshold {
			fields = append(fields, f)
		}
	}
	slices.SortFunc(fields, func(a, b string) int {
		if ca, cb := w.Evidence[a].Confidence, w.Evidence[b].Confidence; ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	return fields
}

// problemFields says which field settles each problem the importer reports
// (the Problem* constants of internal/ingest, matched by prefix;
// review_test.go keeps the two in step). Setting or confirming the field
// clears the problem.
var problemFields = []struct{ prefix, field string }{
	{"no title found", FieldTitle},
	{"title too long", FieldTitle},
	{"no author found", FieldAuthors},
	{"no fandom found", FieldFandoms},
	{"rating not recognised", FieldRating},
	{"part order inferred", FieldChapters},
	{"part missing", FieldChapters},
	{"part repeated", FieldChapters},
	{"duplicate of another work", FieldDuplicateOf},
}

// ProblemField returns the field that settles a problem, or "" for a
// problem that only confirming the whole work clears.
func ProblemField(problem string) string {
	for _, p := range problemFields {
		if strings.HasPrefix(problem, p.prefix) {
			return p.field
		}
	}
	return ""
}

// clearProblems removes the problems field settles and returns them.
func (w *Work) clearProblems(field string) (removed []string) {
	kept := w.Problems[:0:0]
	for _, p := range w.Problems {
		if ProblemField(p) == field {
			removed = append(removed, p)
		} else {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 {
		kept = nil
	}
	w.Problems = kept
	return removed
}

// archivistEvidence is the evidence of a value an archivist set or checked.
func archivistEvidence(by string) Evidence {
	return Evidence{Confidence: 1, Via: ViaArchivist, Detail: by}
}

// CheckEditor returns EINVALID unless by names who makes an edit.
func CheckEditor(by string) error {
	if strings.TrimSpace(by) == "" {
		return Errorf(EINVALID, "Who makes the edit is required.")
	} else if len(by) > MaxTagNameLen {
		return Errorf(EINVALID, "The editor's name is longer than %d bytes.", MaxTagNameLen)
	}
	return nil
}

// Confirm accepts fields of w as they are: each gets confidence 1 with Via
// ViaArchivist (a field without evidence gets it too), the problems it
// settles are cleared, and inferred tags of a confirmed tag field are no
// longer inferred. With no fields, every field below ReviewThreshold is
// confirmed and every problem is cleared. It returns the edits to record
// (without WorkID, By and At): one per field, its old evidence in Old, and
// one per cleared problem, the problem in Old. Returns EINVALID for a field
// not in ReviewFields.
func (w *Work) Confirm(fields []string, by string) ([]WorkEdit, error) {
	for _, f := range fields {
		if !slices.Contains(ReviewFields, f) {
			return nil, Errorf(EINVALID, "Unknown field %q; fields are: %s.", f, strings.Join(ReviewFields, ", "))
		}
	}
	all := len(fields) == 0
	if all {
		fields = w.LowConfidence()
	}
	if w.Evidence == nil {
		w.Evidence = map[string]Evidence{}
	}
	var edits []WorkEdit
	var cleared []string
	for _, f := range fields {
		old, had := w.Evidence[f]
		w.Evidence[f] = archivistEvidence(by)
		oldText := "none"
		if had {
			oldText = old.String()
		}
		edits = append(edits, WorkEdit{Op: EditConfirm, Field: f, Old: oldText, New: w.Evidence[f].String()})
		cleared = append(cleared, w.clearProblems(f)...)
		if kind, ok := tagFields[f]; ok {
			for i := range w.Tags {
				if w.Tags[i].Kind == kind {
					w.Tags[i].Inferred = false
				}
			}
		}
	}
	if all {
		cleared, w.Problems = append(cleared, w.Problems...), nil
	}
	for _, p := range cleared {
		edits = append(edits, WorkEdit{Op: EditConfirm, Field: "problem", Old: p})
	}
	return edits, nil
}

// String renders evidence for edit records and terminals:
// "0.50 inferred:list-description (Level Three)".
func (e Evidence) String() string {
	s := fmt.Sprintf("%.2f %s", e.Confidence, e.Via)
	if e.Detail != "" {
		s += " (" + truncate(e.Detail, 80) + ")"
	}
	return s
}
