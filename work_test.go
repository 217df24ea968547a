package fanarchive_test

import (
	"errors"
	"strings"
	"testing"

	"fanarchive"
)

func validWork() *fanarchive.Work {
	return &fanarchive.Work{
		Kind:     fanarchive.KindFiction,
		Rating:   fanarchive.RatingGeneral,
		Authors:  []fanarchive.Author{{Name: "Ann"}},
		Tags:     []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Harbour Lights"}},
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>x</p>"}},
		Sources:  []*fanarchive.Source{fanarchive.NewSource("a.txt", []byte("x"))},
	}
}

func TestWorkValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(w *fanarchive.Work)
		want   string // substring of the message; "" means valid
	}{
		{"valid", func(w *fanarchive.Work) {}, ""},
		{"empty title is allowed", func(w *fanarchive.Work) { w.Title = "" }, ""},
		{"bad kind", func(w *fanarchive.Work) { w.Kind = "poem" }, "kind"},
		{"bad rating", func(w *fanarchive.Work) { w.Rating = "NC-17" }, "rating"},
		{"long title", func(w *fanarchive.Work) { w.Title = strings.Repeat("x", fanarchive.MaxTitleLen+1) }, "title"},
		{"invalid utf-8", func(w *fanarchive.Work) { w.Title = "\xff" }, "UTF-8"},
		{"no chapters", func(w *fanarchive.Work) { w.Chapters = nil }, "no chapters"},
		{"nil chapter", func(w *fanarchive.Work) { w.Chapters = []*fanarchive.Chapter{nil} }, "missing"},
		{"chapter numbering", func(w *fanarchive.Work) { w.Chapters[0].Number = 2 }, "numbered"},
		{"empty author", func(w *fanarchive.Work) { w.Authors = []fanarchive.Author{{Name: ""}} }, "Author"},
		{"bad tag kind", func(w *fanarchive.Work) { w.Tags = []fanarchive.Tag{{Kind: "mood", Name: "x"}} }, "Tag kind"},
		{"blank tag", func(w *fanarchive.Work) { w.Tags = []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: " "}} }, "Tag name"},
		{"nil source", func(w *fanarchive.Work) { w.Sources = []*fanarchive.Source{nil} }, "missing"},
		{"bad checksum", func(w *fanarchive.Work) { w.Sources[0].SHA256 = strings.Repeat("0", 64) }, "SHA-256"},
		{"bad size", func(w *fanarchive.Work) { w.Sources[0].Size = 9 }, "size"},
		{"negative words", func(w *fanarchive.Work) { w.Words = -1 }, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := validWork()
			tt.change(w)
			err := w.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.want != "" && fanarchive.ErrorCode(err) != fanarchive.EINVALID:
				t.Errorf("err = %v, want EINVALID", err)
			case tt.want != "" && !strings.Contains(fanarchive.ErrorMessage(err), tt.want):
				t.Errorf("message %q lacks %q", fanarchive.ErrorMessage(err), tt.want)
			}
		})
	}
}

func TestWorkHelpers(t *testing.T) {
	w := validWork()
	if w.DisplayTitle() != "Untitled" {
		t.Errorf("DisplayTitle of empty title = %q", w.DisplayTitle())
	}
	if got := w.TagsOf(fanarchive.TagFandom); len(got) != 1 || got[0] != "Harbour Lights" {
		t.Errorf("TagsOf = %v", got)
	}
	if w.IsAdult() {
		t.Error("General work is adult")
	}
	w.Rating = fanarchive.RatingExplicit
	if !w.IsAdult() {
		t.Error("Explicit work is not adult")
	}
	if w.NeedsReview() {
		t.Error("work with no evidence or problems needs review")
	}
	w.Evidence = map[string]fanarchive.Evidence{fanarchive.FieldTitle: {Confidence: 0.5}}
	if !w.NeedsReview() {
		t.Error("low-confidence title does not need review")
	}
}

func TestErrorCodes(t *testing.T) {
	err := fanarchive.Errorf(fanarchive.ENOTFOUND, "No work %d.", 7)
	wrapped := errors.Join(errors.New("context"), err)
	if fanarchive.ErrorCode(wrapped) != fanarchive.ENOTFOUND || fanarchive.ErrorMessage(wrapped) != "No work 7." {
		t.Errorf("wrapped: code %q message %q", fanarchive.ErrorCode(wrapped), fanarchive.ErrorMessage(wrapped))
	}
	plain := errors.New("disk on fire")
	if fanarchive.ErrorCode(plain) != fanarchive.EINTERNAL || fanarchive.ErrorMessage(plain) != "Internal error." {
		t.Error("plain errors must be internal and hidden")
	}
	if fanarchive.ErrorCode(nil) != "" {
		t.Error("nil error has a code")
	}
}
