package fanarchive_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/ingest"
)

// TestProblemFieldsMatchIngest keeps the domain's map of problems to fields
// in step with the problems the importer reports.
func TestProblemFieldsMatchIngest(t *testing.T) {
	for problem, field := range map[string]string{
		ingest.ProblemNoTitle:       fanarchive.FieldTitle,
		ingest.ProblemTitleTooLong:  fanarchive.FieldTitle,
		ingest.ProblemNoAuthor:      fanarchive.FieldAuthors,
		ingest.ProblemNoFandom:      fanarchive.FieldFandoms,
		ingest.ProblemRatingName:    fanarchive.FieldRating,
		ingest.ProblemPartMissing:   fanarchive.FieldChapters,
		ingest.ProblemPartRepeated:  fanarchive.FieldChapters,
		ingest.ProblemPartOrder:     fanarchive.FieldChapters,
		ingest.ProblemDuplicateWork: fanarchive.FieldDuplicateOf,
	} {
		if got := fanarchive.ProblemField(problem + ": details"); got != field {
			t.Errorf("ProblemField(%q) = %q, want %q", problem, got, field)
		}
	}
	if got := fanarchive.ProblemField("something else"); got != "" {
		t.Errorf("ProblemField of an unknown problem = %q", got)
	}
}

func TestSetField(t *testing.T) {
	tests := []struct {
		field, value string
		old, new     string
		check        func(w *fanarchive.Work) bool
		err          string // substring of the message; "" means valid
	}{
		{"title", " New ", "Old", "New", func(w *fanarchive.Work) bool { return w.Title == "New" }, ""},
		{"title", "", "Old", "", func(w *fanarchive.Work) bool { return w.Title == "" }, ""},
		{"title", strings.Repeat("x", fanarchive.MaxTitleLen+1), "", "", nil, "title"},
		{"summary", "S", "", "S", func(w *fanarchive.Work) bool { return w.Summary == "S" }, ""},
		{"authors", "A & B,C, ,A", "Ann", "A, B, C", func(w *fanarchive.Work) bool { return len(w.Authors) == 3 }, ""},
		{"authors", "", "Ann", "", func(w *fanarchive.Work) bool { return len(w.Authors) == 0 }, ""},
		{"authors", manyNames(fanarchive.MaxAuthors + 1), "", "", nil, "authors"},
		{"rating", "not-rated", "General", "Not Rated", func(w *fanarchive.Work) bool { return w.Rating == fanarchive.RatingNotRated }, ""},
		{"rating", "EXPLICIT", "General", "Explicit", nil, ""},
		{"rating", "NC-17", "", "", nil, "Rating"},
		{"fandoms", "X, Y & Z", "Harbour Lights", "X, Y & Z", func(w *fanarchive.Work) bool {
			return slices.Equal(w.TagsOf(fanarchive.TagFandom), []string{"X", "Y & Z"}) && len(w.TagsOf(fanarchive.TagCharacter)) == 1
		}, ""},
		{"characters", "", "Ann Lee", "", func(w *fanarchive.Work) bool { return len(w.TagsOf(fanarchive.TagCharacter)) == 0 }, ""},
		{"language", "zh-Hant-TW", "en", "zh-Hant-TW", nil, ""},
		{"language", "", "en", "", nil, ""},
		{"language", "english!", "", "", nil, "language"},
		{"complete", "No", "true", "false", func(w *fanarchive.Work) bool { return !w.Complete }, ""},
		{"complete", "perhaps", "", "", nil, "complete"},
		{"kind", "OTHER", "fiction", "other", func(w *fanarchive.Work) bool { return w.Kind == fanarchive.KindOther }, ""},
		{"kind", "poem", "", "", nil, "Kind"},
		{"duplicate_of", "12", "0", "12", func(w *fanarchive.Work) bool { return w.DuplicateOf == 12 }, ""},
		{"duplicate_of", "7", "", "", nil, "itself"},
		{"duplicate_of", "x", "", "", nil, "duplicate_of"},
		{"chapters", "2", "", "", nil, "Unknown field"},
		{"title", "\xff", "", "", nil, "UTF-8"},
	}
	for _, tt := range tests {
		w := &fanarchive.Work{ID: 7, Kind: fanarchive.KindFiction, Title: "Old", Rating: fanarchive.RatingGeneral, Language: "en", Complete: true,
			Authors:  []fanarchive.Author{{Name: "Ann"}},
			Tags:     []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Harbour Lights", Inferred: true}, {Kind: fanarchive.TagCharacter, Name: "Ann Lee"}},
			Problems: []string{"no title found", "no author found", "part missing: 2 of 3"}}
		old, new, err := w.SetField(tt.field, tt.value, "ed")
		if tt.err != "" {
			if fanarchive.ErrorCode(err) != fanarchive.EINVALID || !strings.Contains(fanarchive.ErrorMessage(err), tt.err) {
				t.Errorf("SetField(%s, %.20q) = %v, want EINVALID about %q", tt.field, tt.value, err, tt.err)
			}
			if w.Title != "Old" || len(w.Problems) != 3 || w.Evidence != nil {
				t.Errorf("SetField(%s, %.20q) failed but changed the work", tt.field, tt.value)
			}
			continue
		}
		if err != nil || old != tt.old || new != tt.new {
			t.Errorf("SetField(%s, %q) = %q, %q, %v; want %q, %q", tt.field, tt.value, old, new, err, tt.old, tt.new)
			continue
		}
		if tt.check != nil && !tt.check(w) {
			t.Errorf("SetField(%s, %q) left %+v", tt.field, tt.value, w)
		}
		if e := w.Evidence[tt.field]; e != (fanarchive.Evidence{Confidence: 1, Via: fanarchive.ViaArchivist, Detail: "ed"}) {
			t.Errorf("SetField(%s): evidence %+v", tt.field, e)
		}
		if w.Validate() != nil && tt.field != "duplicate_of" && len(w.Chapters) > 0 {
			t.Errorf("SetField(%s) made an invalid work: %v", tt.field, w.Validate())
		}
		for _, p := range w.Problems {
			if fanarchive.ProblemField(p) == tt.field {
				t.Errorf("SetField(%s) left the problem %q", tt.field, p)
			}
		}
		if len(w.Problems) == 0 || w.Problems[len(w.Problems)-1] != "part missing: 2 of 3" {
			t.Errorf("SetField(%s) cleared an unrelated problem: %q", tt.field, w.Problems)
		}
	}
}

func TestReviewConfidence(t *testing.T) {
	w := &fanarchive.Work{}
	if w.ReviewConfidence() != 1 || w.NeedsReview() || w.LowConfidence() != nil {
		t.Errorf("no evidence: %v %v %v", w.ReviewConfidence(), w.NeedsReview(), w.LowConfidence())
	}
	w.Evidence = map[string]fanarchive.Evidence{"title": {Confidence: 0.6}, "fandoms": {Confidence: 0.5}, "kind": {Confidence: 0.6}, "rating": {Confidence: 0.8}}
	if w.ReviewConfidence() != 0.5 || !w.NeedsReview() || !slices.Equal(w.LowConfidence(), []string{"fandoms", "kind", "title"}) {
		t.Errorf("evidence: %v %v %v", w.ReviewConfidence(), w.NeedsReview(), w.LowConfidence())
	}
}

func TestConfirm(t *testing.T) {
	w := &fanarchive.Work{
		Evidence: map[string]fanarchive.Evidence{"fandoms": {Confidence: 0.5, Via: "inferred"}, "chapters": {Confidence: 0.6, Via: "parts"}, "rating": {Confidence: 0.8, Via: "default"}},
		Tags:     []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "F", Inferred: true}, {Kind: fanarchive.TagCharacter, Name: "C", Inferred: true}},
		Problems: []string{"part order inferred: 1 of 2", "odd"},
	}
	if _, err := w.Confirm([]string{"mood"}, "ed"); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		t.Errorf("unknown field: %v", err)
	}
	edits, err := w.Confirm([]string{"fandoms", "list"}, "ed")
	if err != nil || len(edits) != 2 || edits[1].Old != "none" || w.Tags[0].Inferred || !w.Tags[1].Inferred || len(w.Problems) != 2 {
		t.Errorf("confirm fandoms, list: %+v %v; work %+v", edits, err, w)
	}
	edits, err = w.Confirm(nil, "ed")
	if err != nil || w.NeedsReview() || w.Evidence["rating"].Confidence != 0.8 || len(edits) != 3 {
		t.Errorf("confirm all: %+v %v; work %+v", edits, err, w)
	}
}

func TestAbsorb(t *testing.T) {
	w := &fanarchive.Work{Rating: fanarchive.RatingNotRated, Authors: []fanarchive.Author{{Name: "A"}}, Words: 10,
		Published: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), Updated: time.Date(2001, 2, 1, 0, 0, 0, 0, time.UTC),
		Evidence: map[string]fanarchive.Evidence{"title": {Confidence: 0}, "rating": {Confidence: 0.8}},
		Problems: []string{"no title found", "no fandom found"}}
	from := &fanarchive.Work{Title: "T", Rating: fanarchive.RatingTeen, RatingOriginal: "PG-13", Authors: []fanarchive.Author{{Name: "B"}, {Name: "A"}},
		Tags: []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "F"}}, Notes: []fanarchive.Note{{Label: "N", Text: "x"}}, Words: 5,
		Published: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), Updated: time.Date(2000, 2, 1, 0, 0, 0, 0, time.UTC),
		Evidence: map[string]fanarchive.Evidence{"title": {Confidence: 1}, "fandoms": {Confidence: 1}, "list": {Confidence: 0.85}}}
	if err := w.Absorb(from); err != nil {
		t.Fatal(err)
	}
	if w.Title != "T" || w.Rating != fanarchive.RatingTeen || w.RatingOriginal != "PG-13" || !slices.Equal(w.AuthorNames(), []string{"A", "B"}) ||
		w.Words != 15 || w.Published.Year() != 2000 || w.Updated.Month() != 2 || w.Updated.Year() != 2001 || len(w.Problems) != 0 ||
		w.Evidence["title"].Confidence != 1 || w.Evidence["list"].Confidence != 0.85 || len(w.Notes) != 1 {
		t.Errorf("absorbed: %+v", w)
	}
	many := &fanarchive.Work{}
	for range fanarchive.MaxNotes + 1 {
		many.Notes = append(many.Notes, fanarchive.Note{Label: "n", Text: strings.Repeat("x", len(many.Notes))})
	}
	if err := (&fanarchive.Work{}).Absorb(many); fanarchive.ErrorCode(err) != fanarchive.EINVALID {
		t.Errorf("too many notes: %v", err)
	}
}

func TestSplitOff(t *testing.T) {
	w := &fanarchive.Work{ID: 3, Kind: fanarchive.KindOther, Title: strings.Repeat("é", fanarchive.MaxTitleLen/2), Summary: "S",
		Authors:  []fanarchive.Author{{ID: 9, Name: "A"}},
		Evidence: map[string]fanarchive.Evidence{"title": {Confidence: 1}, "chapters": {Confidence: 0.6}, "authors": {Confidence: 0.9}},
		Problems: []string{"no title found", "part missing: 2 of 3", "no fandom found"}}
	n := w.SplitOff()
	if len(n.Title) > fanarchive.MaxTitleLen {
		t.Errorf("title of %d bytes", len(n.Title))
	}
	if n.Kind != fanarchive.KindOther || n.Summary != "" || n.Authors[0].ID != 0 || w.Authors[0].ID != 9 ||
		!slices.Equal(n.Problems, []string{"no fandom found"}) || n.Evidence["chapters"] != (fanarchive.Evidence{}) ||
		n.Evidence["authors"].Confidence != 0.9 || !n.NeedsReview() || !strings.Contains(n.Evidence["title"].Detail, "work 3") {
		t.Errorf("split off: %+v", n)
	}
	if got := (&fanarchive.Work{}).SplitOff().Title; got != "Untitled (part 2)" {
		t.Errorf("untitled split: %q", got)
	}
}

func TestParseRatingAndSplitList(t *testing.T) {
	for in, want := range map[string]fanarchive.Rating{"general": "General", "Not Rated": "Not Rated", "not_rated": "Not Rated", " teen": "Teen", "PG": ""} {
		got, err := fanarchive.ParseRating(in)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("ParseRating(%q) = %q, %v", in, got, err)
		}
	}
	if got := fanarchive.SplitList(" a  b ,, c&d ,a b", ",&"); !slices.Equal(got, []string{"a b", "c", "d"}) {
		t.Errorf("SplitList = %q", got)
	}
	if err := (fanarchive.ReviewFilter{Field: "chapters", Kind: "other", Problem: "x"}).Validate(); err != nil {
		t.Errorf("valid filter: %v", err)
	}
}

// manyNames returns n distinct names separated by commas.
func manyNames(n int) string {
	names := make([]string, n)
	for i := range names {
		names[i] = "Name " + strings.Repeat("x", i)
	}
	return strings.Join(names, ",")
}
