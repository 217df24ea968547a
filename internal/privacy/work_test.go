package privacy

import (
	"slices"
	"testing"

	"fanarchive"
)

func TestMaskWork(t *testing.T) {
	w := &fanarchive.Work{
		Title:   "Respond to kelp@shore.example.com",
		Authors: []fanarchive.Author{{Name: "Rowan Ash"}, {Name: "<rowan@tidevax>"}},
		Summary: "via ...!kelpvax!rowan",
		Notes:   []fanarchive.Note{{Label: "To rowan@tidevax", Text: "Originally archived at the Shore, kelp@shore.example.com"}},
		Tags: []fanarchive.Tag{{Kind: fanarchive.TagFreeform, Name: "rowan@tidevax"},
			{Kind: fanarchive.TagFreeform, Name: "Tides"}},
		Chapters: []*fanarchive.Chapter{{Number: 1, Title: "for QX12@TIDEVM1",
			Body: "<p>Write &lt;rowan@tidevax&gt;</p>", Text: "Write <rowan@tidevax>"}},
		Begins:          "Write rowan@tidevax",
		FeedbackContact: "rowan@tidevax",
		Evidence: map[string]fanarchive.Evidence{
			fanarchive.FieldTitle:    {Via: "guess", Detail: "Respond to kelp@shore.example.com"},
			fanarchive.FieldFeedback: {Via: "footer", Detail: "rowan@tidevax"},
		},
		Problems: []string{`duplicate of another work: 90% of its text is in "Respond to kelp@shore.example.com"`},
		Sources:  []*fanarchive.Source{{Archive: "the Shore, kelp@shore.example.com", List: "tide-l", FeedbackContact: "rowan@tidevax"}},
	}
	shared := w.Authors
	if !MaskWork(w) {
		t.Fatal("MaskWork reported no change")
	}
	c := w.Chapters[0]
	for _, got := range []struct{ got, want string }{
		{w.Title, "Respond to [address hidden]"},
		{w.Summary, "via [address hidden]"},
		{w.Notes[0].Label, "To [address hidden]"},
		{w.Notes[0].Text, "Originally archived at the Shore, [address hidden]"},
		{c.Title, "for [address hidden]"},
		{c.Body, "<p>Write &lt;[address hidden]&gt;</p>"},
		{c.Text, "Write <[address hidden]>"},
		{w.Begins, "Write [address hidden]"},
		{w.Evidence[fanarchive.FieldTitle].Detail, "Respond to [address hidden]"},
		{w.Sources[0].Archive, "the Shore, [address hidden]"},
		{w.Sources[0].List, "tide-l"},
		// Private: as written.
		{w.FeedbackContact, "rowan@tidevax"},
		{w.Sources[0].FeedbackContact, "rowan@tidevax"},
		{w.Evidence[fanarchive.FieldFeedback].Detail, "rowan@tidevax"},
	} {
		if got.got != got.want {
			t.Errorf("got %q, want %q", got.got, got.want)
		}
	}
	if names := w.AuthorNames(); !slices.Equal(names, []string{"Rowan Ash"}) {
		t.Errorf("authors %q: the address-only author should be gone", names)
	}
	if shared[1].Name != "<rowan@tidevax>" {
		t.Error("MaskWork wrote into a slice the work may share")
	}
	if tags := w.TagsOf(fanarchive.TagFreeform); !slices.Equal(tags, []string{"Tides"}) {
		t.Errorf("tags %q", tags)
	}
	if want := []string{`duplicate of another work: 90% of its text is in "Respond to [address hidden]"`, ProblemAuthorAddress}; !slices.Equal(w.Problems, want) {
		t.Errorf("problems %q, want %q", w.Problems, want)
	}
	if MaskWork(w) {
		t.Error("masking a masked work changed it")
	}
}
