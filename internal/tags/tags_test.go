package tags

import (
	"testing"

	"fanarchive"
)

const (
	rel  = fanarchive.TagRelationship
	char = fanarchive.TagCharacter
	fan  = fanarchive.TagFandom
	free = fanarchive.TagFreeform
)

func TestClean(t *testing.T) {
	tests := []struct {
		kind     fanarchive.TagKind
		in, want string
	}{
		{free, "  Hurt\t \n Comfort ", "Hurt Comfort"},
		{rel, "Clark / Lex", "Clark/Lex"},
		{rel, "Clark&Lex", "Clark & Lex"},
		{rel, "Clark Kent  &  Lex Luthor", "Clark Kent & Lex Luthor"},
		{free, "Hurt / Comfort", "Hurt / Comfort"}, // only relationships are reshaped
		{rel, "Lex/Clark", "Lex/Clark"},            // the author's order is kept
	}
	for _, tt := range tests {
		if got := Clean(tt.kind, tt.in); got != tt.want {
			t.Errorf("Clean(%s, %q) = %q, want %q", tt.kind, tt.in, got, tt.want)
		}
	}
}

func TestNorm(t *testing.T) {
	same := [][]string{
		{"Clark/Lex", "Lex/Clark", "clark / lex", " LEX/clark "},
		{"Clark & Lex", "Lex & Clark", "lex&clark"},
		{"A/B/C", "C/A/B"},
	}
	for _, group := range same {
		for _, name := range group[1:] {
			if Norm(rel, name) != Norm(rel, group[0]) {
				t.Errorf("Norm(%q) = %q, Norm(%q) = %q; want equal", name, Norm(rel, name), group[0], Norm(rel, group[0]))
			}
		}
	}
	different := [][2]string{
		{"Clark/Lex", "Clark & Lex"}, // romance is not friendship
		{"Clark/Lex", "Clark Kent/Lex Luthor"},
		{"A/B & C", "C & A/B"}, // mixed: order kept
	}
	for _, d := range different {
		if Norm(rel, d[0]) == Norm(rel, d[1]) {
			t.Errorf("Norm(%q) == Norm(%q) = %q; want different", d[0], d[1], Norm(rel, d[0]))
		}
	}
	if Norm(free, "Lex/Clark") == Norm(free, "Clark/Lex") {
		t.Error("freeform tags are not relationships: order matters")
	}
	if Norm(char, "Clark  KENT") != Norm(char, "clark kent") {
		t.Error("case and spacing should not matter")
	}
}

func usage(kind fanarchive.TagKind, name, canonical string, works int, fandoms ...string) fanarchive.TagUsage {
	return fanarchive.TagUsage{Tag: fanarchive.Tag{Kind: kind, Name: name}, Canonical: canonical, Works: works, Fandoms: fandoms}
}

func TestProposeSynonyms(t *testing.T) {
	usages := []fanarchive.TagUsage{
		usage(fan, "The X-Files", "", 40),
		usage(fan, "X Files", "", 3),
		usage(fan, "x-files", "", 1),
		usage(char, "Clark Kent", "", 30, "Smallville"),
		usage(char, "Clark", "", 4, "Smallville"),
		usage(char, "Lex", "", 2, "Smallville"),
		usage(char, "Lex Luthor", "", 20, "Smallville"),
		usage(char, "Lex Luthor (Alternate)", "", 1, "Smallville"), // makes "Lex" ambiguous
		usage(char, "Dana", "", 2, "The X-Files"),
		usage(char, "Dana Scully", "", 9, "Other Fandom"), // no shared fandom
		usage(rel, "Clark Kent/Lex Luthor", "", 12, "Smallville"),
		usage(rel, "Clark/Lex", "", 5, "Smallville"),
		usage(rel, "Lex/Clark", "Clark/Lex", 2, "Smallville"), // wrangled already
		usage(rel, "Clark & Lex", "", 2, "Smallville"),        // friendship: not the romance
		usage(rel, "clark/lex", "", 1, "Smallville"),          // same norm, not wrangled (stored before)
		usage(free, "Angst", "", 9),
		usage(free, "angst", "", 1),
	}
	got := ProposeSynonyms(usages)
	want := []Proposal{
		{Kind: char, Name: "Clark", Canonical: "Clark Kent", Works: 4},
		{Kind: fan, Name: "X Files", Canonical: "The X-Files", Works: 3},
		{Kind: fan, Name: "x-files", Canonical: "The X-Files", Works: 1},
		{Kind: free, Name: "angst", Canonical: "Angst", Works: 1},
		{Kind: rel, Name: "Clark/Lex", Canonical: "Clark Kent/Lex Luthor", Works: 5},
		{Kind: rel, Name: "clark/lex", Canonical: "Clark/Lex", Works: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d proposals, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range want {
		g := got[i]
		if g.Kind != want[i].Kind || g.Name != want[i].Name || g.Canonical != want[i].Canonical || g.Works != want[i].Works {
			t.Errorf("proposal %d = %+v, want %+v", i, g, want[i])
		}
		if g.Reason == "" {
			t.Errorf("proposal %d has no reason", i)
		}
	}
}
