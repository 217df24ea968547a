package ingest

import (
	"math"
	"slices"
	"testing"
)

// TestTitleModel checks that the shipped model fits the features the
// importer computes (a refit after changing TitleFeatures is not
// forgotten) and that the rules' weights do too.
func TestTitleModel(t *testing.T) {
	if err := titleModel().Check(TitleFeatures); err != nil {
		t.Fatal(err)
	}
	if n := len(RulesTitleWeights()); n != len(TitleFeatures) {
		t.Fatalf("RulesTitleWeights has %d weights for %d features", n, len(TitleFeatures))
	}
	if i := slices.Index(TitleFeatures, "prior"); i < 0 || RulesTitleWeights()[i] <= 0 {
		t.Fatalf("the rules' weights must choose by the prior feature")
	}
}

func TestTitleCandidates(t *testing.T) {
	tests := []struct {
		name      string
		raw       string
		wantTitle string
		wantVia   string
		// sources are the Via of every candidate, in order.
		sources []string
	}{
		{
			name: "label and subject agree",
			raw: "From: wren@example.net\nSubject: Harbour Lights (1/1)\nNewsgroups: rec.arts.startrek.creative\n\n" +
				"Title: Harbour Lights\nAuthor: Wren Whistler\n\nThe lamps came on one by one along the quay, and nobody\nwatched them but the cat.\n",
			wantTitle: "Harbour Lights",
			wantVia:   "header:Title",
			sources:   []string{"header:Title", "subject"},
		},
		{
			name: "the label beats a different subject",
			raw: "From: wren@example.net\nSubject: new story for the list\nNewsgroups: rec.arts.startrek.creative\n\n" +
				"Title: Low Tide\nAuthor: Wren Whistler\n\nThe water went out further than anyone remembered, and the\nboats lay on their sides like sleeping dogs.\n",
			wantTitle: "Low Tide",
			wantVia:   "header:Title",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pieces, err := ParseFile("post.txt", []byte(tt.raw), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(pieces) != 1 {
				t.Fatalf("%d pieces", len(pieces))
			}
			p := pieces[0]
			if p.Work.Title != tt.wantTitle {
				t.Errorf("title %q, want %q (candidates %+v)", p.Work.Title, tt.wantTitle, p.Titles)
			}
			if via := p.Work.Evidence["title"].Via; via != tt.wantVia {
				t.Errorf("title via %q, want %q", via, tt.wantVia)
			}
			var sum float64
			var vias []string
			for _, c := range p.Titles {
				if len(c.Features) != len(TitleFeatures) {
					t.Errorf("candidate %q has %d features", c.Title, len(c.Features))
				}
				sum += c.Score
				vias = append(vias, c.Via)
			}
			if math.Abs(sum-1) > 0.01 {
				t.Errorf("candidate scores sum to %v, want 1: %+v", sum, p.Titles)
			}
			if tt.sources != nil && !slices.Equal(vias, tt.sources) {
				t.Errorf("candidates from %v, want %v", vias, tt.sources)
			}
		})
	}
}
