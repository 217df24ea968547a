package ingest

import (
	"strings"
	"testing"
)

func TestAnthology(t *testing.T) {
	story := func(title, author, extra, seed string) string {
		return "Title: " + title + "\nAuthor: " + author + "\n" + extra + "Rating: PG\n\n" + storyText(seed, 3)
	}
	rule := strings.Repeat("=", 60) + "\n\n"
	t.Run("a zine issue: a masthead and three stories", func(t *testing.T) {
		zine := "HARBOUR ZINE, ISSUE 3\n\n" + rule + story("Lamplight", "Wren Halloway", "", "lamp") + rule +
			story("Gull Song", "Marta Quill", "", "gull") + rule + story("Tide Table", "Bo Tern", "", "tide")
		pieces, err := ParseFile("zine3.txt", []byte(zine), Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range pieces {
			got = append(got, p.Work.Title+" by "+p.Work.Authors[0].Name)
		}
		if strings.Join(got, "; ") != "Lamplight by Wren Halloway; Gull Song by Marta Quill; Tide Table by Bo Tern" {
			t.Fatalf("pieces %q", got)
		}
		if n := pieces[0].Work.Notes; len(n) == 0 || n[0].Text != "HARBOUR ZINE, ISSUE 3" {
			t.Errorf("masthead note %v", n)
		}
		if body := pieces[0].Work.Chapters[0].Body; strings.Contains(body, "Gull") || strings.Contains(body, "=====") {
			t.Errorf("the first story runs into the next: %s", body)
		}
		for i, p := range pieces {
			if seg := zine[p.Start:p.End]; !strings.Contains(seg, "Title: "+p.Work.Title) {
				t.Errorf("piece %d: bytes %d-%d do not hold its header", i, p.Start, p.End)
			}
		}
		if pieces[0].Start != 0 || pieces[len(pieces)-1].End != len(zine) {
			t.Errorf("pieces cover %d-%d of %d bytes", pieces[0].Start, pieces[len(pieces)-1].End, len(zine))
		}
	})
	t.Run("parts with a header each make one work", func(t *testing.T) {
		f := story("Lamplight", "Wren Halloway", "Part: 1 of 2\n", "first") + rule + story("Lamplight", "Wren Halloway", "Part: 2 of 2\n", "second")
		works := listed(assemble(t, [2]string{"lamp.txt", f}))
		if len(works) != 1 || chapterTitles(works[0].Work) != "Part 1|Part 2" {
			t.Fatalf("%d works; want one in two parts", len(works))
		}
	})
	t.Run("one story, one header", func(t *testing.T) {
		f := story("Lamplight", "Wren Halloway", "", "only") + "She wrote on the slate:\n\nTitle: the lamp book\nAuthor: the keeper\n\n" + storyText("more", 2)
		pieces, err := ParseFile("lamp.txt", []byte(f), Options{})
		if err != nil || len(pieces) != 1 {
			t.Fatalf("%d pieces, %v; a header block alone does not begin a second story unless it has a title and an author", len(pieces), err)
		}
	})
	t.Run("windows-1252 offsets", func(t *testing.T) {
		zine := "Caf\xe9 zine\n\n" + rule + story("Caf\xe9 Lights", "Wren Halloway", "", "a") + rule + story("Gull Song", "Marta Quill", "", "b")
		pieces, err := ParseFile("zine.txt", []byte(zine), Options{})
		if err != nil || len(pieces) != 2 {
			t.Fatalf("%d pieces, %v", len(pieces), err)
		}
		if seg := zine[pieces[1].Start:pieces[1].End]; !strings.HasPrefix(strings.TrimLeft(seg, "=\n"), "Title: Gull Song") {
			t.Errorf("second piece's bytes begin %q", seg[:min(40, len(seg))])
		}
	})
}
