package ingest

import (
	"strings"
	"testing"

	"fanarchive"
)

func TestSubjectTitle(t *testing.T) {
	tests := []struct {
		subject, title, author string
		reply                  bool
		part                   int
	}{
		{"(TNG) Silence, A Novel by Kellie Matthews-Simmons, Part 3", "Silence", "Kellie Matthews-Simmons", false, 3},
		{"REPOST: No Escape (no-escape.p01)", "No Escape", "", false, 1},
		{"Atax, ch. 3 of 15", "Atax", "", false, 3},
		{"GRADUATION (Pt. 1/10) by MELISSA WILSON", "GRADUATION", "MELISSA WILSON", false, 1},
		{"TNG _Enterprized_ part 1", "Enterprized", "", false, 1},
		{"Harbour Lights: The whole story :)", "Harbour Lights", "", false, 0},
		{"Space Harbour - *NEW POST*", "Space Harbour", "", false, 0},
		{`HarbourTrek:"Lamp, Any Lamp"`, `HarbourTrek:"Lamp, Any Lamp"`, "", false, 0},
		{`"Lamplight"`, "Lamplight", "", false, 0},
		{"Lamp's Valentine-Short Story. One part.", "Lamp's Valentine", "", false, 0},
		{"Lamplight, complete in one part", "Lamplight", "", false, 0},
		{"AUTOPOST: Harbour.zip (part 02/02)", "Harbour", "", false, 2},
		{"Re: FROM THE ARCHIVES: crossover/Sea/TheLongWatch.zip (part 01/02)", "The Long Watch", "", true, 1},
		{"story/tng/Cruel_Mercy.txt", "Cruel Mercy", "", false, 0},
		{"New story: More Than... [2 of 2]", "More Than", "", false, 2},
		{"REPOST FOR WANG: Julia pt.1", "Julia", "", false, 1},
		{"A'la Q, Part 1, by Kellie Matthews-Simmons & Julia Kosatka", "A'la Q", "Kellie Matthews-Simmons & Julia Kosatka", false, 1},
		{"Re: Trek Wars Part II", "Trek Wars", "", true, 2},
		{"Story - A Cruel Universe", "A Cruel Universe", "", false, 0},
		{"REAL : DELPHI : Chapter 10", "DELPHI", "", false, 10},
		{"[FIC] Salt and Static", "Salt and Static", "", false, 0},
		{"Baptism by Fire", "Baptism by Fire", "", false, 0},
		{"A meets D (Repost, ask and ye shall get)", "A meets D", "", false, 0},
		{"Submission to archive: Cadet Cruise", "Cadet Cruise", "", false, 0},
		{"DSN Story:_Flashback_ (revised)", "Flashback", "", false, 0},
		{`SCRIPT: "Inheritance" - Teaser`, "Inheritance", "", false, 0},
		{"CORRECTED REPOST; _T'Selar_", "T'Selar", "", false, 0},
		{"Heritage - teaser", "Heritage", "", false, 0},
		{"Grey Stars, copyright 1992", "Grey Stars", "", false, 0},
		{"atax, part 15 (that's all folks!)*grin*", "atax", "", false, 15},
		{"GhostsFromThePast.1", "Ghosts From The Past 1", "", false, 0},
		{"Generations 2: Generations Ahead", "Generations 2: Generations Ahead", "", false, 0},
		{"Fools in hell: Emergency", "Fools in hell: Emergency", "", false, 0},
		{"T H E   R E T U R N", "THE RETURN", "", false, 0},
		{"T  R  E  K  L  A  N  D  E  R", "TREKLANDER", "", false, 0},
		{"The Great American Star Trek Novel, Ch. 1", "The Great American Star Trek Novel", "", false, 1},
		{"Silence, A Novel", "Silence", "", false, 0},
	}
	for _, tt := range tests {
		title, author, reply, part, _, _ := subjectParts(tt.subject)
		if title != tt.title || author != tt.author || reply != tt.reply || part.N != tt.part {
			t.Errorf("subjectParts(%q) = %q, %q, %v, part %d; want %q, %q, %v, %d",
				tt.subject, title, author, reply, part.N, tt.title, tt.author, tt.reply, tt.part)
		}
	}
}

func TestFromNames(t *testing.T) {
	tests := []struct {
		display string
		want    string
	}{
		{"Ann Lee", "Ann Lee"},
		{"Wren Halloway, Keeper of the Harbour Light", "Wren Halloway"},
		{"Wren Halloway (at home on the coast)", "Wren Halloway"},
		{"Halloway, Wren", "Halloway & Wren"}, // two names, as an author field would read them
		{"the one who writes at night", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(fromNames(tt.display), " & "); got != tt.want {
			t.Errorf("fromNames(%q) = %q, want %q", tt.display, got, tt.want)
		}
	}
}

func TestExpandAcronym(t *testing.T) {
	body := func(opening string) string {
		return "From: ann@example.net (Ann Lee)\nSubject: SHL 1/2\n\n" + opening + "\n\n" +
			"The rain came down on the harbour all night long, and the keeper counted the boats as they came in.\n"
	}
	tests := []struct {
		name, opening, want string
	}{
		{"series line, then the title", "  - SEA            -------------\n  - HARBOUR LIGHTS -------------", "HARBOUR LIGHTS"},
		{"one line", "Salt Harbour Lights", "Salt Harbour Lights"},
		{"no line spells it", "Chapter One", "SHL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := ParseFile("shl.news", []byte(body(tt.opening)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := ps[0].Work.Title; got != tt.want {
				t.Errorf("title %q, want %q", got, tt.want)
			}
		})
	}
}

func TestInferGroupFandom(t *testing.T) {
	tests := []struct {
		groups []string
		want   string
	}{
		{[]string{"alt.startrek.creative"}, "Star Trek"},
		{[]string{"rec.arts.startrek.fandom", "rec.arts.startrek.misc"}, "Star Trek"},
		{[]string{"alt.tv.x-files.creative"}, "The X-Files"},
		{[]string{"rec.arts.drwho", "alt.startrek.creative"}, "Doctor Who|Star Trek"},
		{[]string{"rec.arts.sf.written"}, ""},
		{[]string{"alt.trekkie-jokes"}, ""},
	}
	for _, tt := range tests {
		w := &fanarchive.Work{Evidence: map[string]fanarchive.Evidence{}}
		inferGroupFandom(w, tt.groups)
		var got []string
		for _, tag := range w.Tags {
			if !tag.Inferred || tag.Kind != fanarchive.TagFandom {
				t.Errorf("%v: %+v is not an inferred fandom", tt.groups, tag)
			}
			got = append(got, tag.Name)
		}
		if strings.Join(got, "|") != tt.want {
			t.Errorf("%v: fandoms %q, want %q", tt.groups, got, tt.want)
		}
	}
	// A fandom the text names wins.
	w := &fanarchive.Work{Evidence: map[string]fanarchive.Evidence{}, Tags: []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Blake's 7"}}}
	inferGroupFandom(w, []string{"alt.startrek.creative"})
	if len(w.TagsOf(fanarchive.TagFandom)) != 1 {
		t.Errorf("a named fandom was added to: %v", w.Tags)
	}
}
