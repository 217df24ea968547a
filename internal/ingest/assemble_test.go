package ingest

import (
	"fmt"
	"strings"
	"testing"

	"fanarchive"
)

// storyText returns n paragraphs of distinct prose for part p of a story,
// written for these tests.
func storyText(seed string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "\"%s %d,\" she said, and the lamp on the north tower burned while the boats came home "+
			"across the harbour, one by one, counted by the keeper who had counted them for forty years %s.\n\n", seed, i, seed)
	}
	return b.String()
}

func post(subject, from, body string) string {
	return fmt.Sprintf("From: %s\nNewsgroups: alt.startrek.creative\nSubject: %s\nDate: Mon, 3 May 1993 10:00:00 GMT\n\n%s\n", from, subject, body)
}

// assemble parses files (name → content) in name order and assembles them.
func assemble(t *testing.T, files ...[2]string) []*Assembled {
	t.Helper()
	var pieces []*Piece
	for i, f := range files {
		ps, err := ParseFile(f[0], []byte(f[1]), Options{})
		if err != nil {
			t.Fatalf("%s: %v", f[0], err)
		}
		for _, p := range ps {
			p.File = i
			pieces = append(pieces, p)
		}
	}
	return Assemble(pieces)
}

func listed(works []*Assembled) []*Assembled {
	var out []*Assembled
	for _, a := range works {
		if a.DuplicateOf < 0 && a.Work.Kind == fanarchive.KindFiction {
			out = append(out, a)
		}
	}
	return out
}

func chapterTitles(w *fanarchive.Work) string {
	var ts []string
	for _, c := range w.Chapters {
		ts = append(ts, c.Title)
	}
	return strings.Join(ts, "|")
}

func TestAssembleParts(t *testing.T) {
	ann := "ann@example.net (Ann Lee)"
	disclaimer := "Disclaimer: The harbour and its keepers are mine; the boats belong to the sea.\n\n"
	t.Run("out of order in one file, repeated disclaimer kept once", func(t *testing.T) {
		var b strings.Builder
		for _, n := range []int{1, 3, 2} {
			b.WriteString(post(fmt.Sprintf("Harbour Saga (%d/3)", n), ann, disclaimer+storyText(fmt.Sprint("part", n), 4)))
		}
		works := listed(assemble(t, [2]string{"saga.news", b.String()}))
		if len(works) != 1 {
			t.Fatalf("%d works, want 1", len(works))
		}
		w := works[0].Work
		if w.Title != "Harbour Saga" || chapterTitles(w) != "Part 1|Part 2|Part 3" || !w.Complete {
			t.Errorf("title %q, chapters %q, complete %v", w.Title, chapterTitles(w), w.Complete)
		}
		if len(w.Notes) != 1 || w.Notes[0].Label != "Disclaimer" {
			t.Errorf("notes = %+v, want the disclaimer once", w.Notes)
		}
		if !strings.Contains(w.Chapters[1].Body, "part2 0") {
			t.Errorf("chapter 2 is not part 2: %.80s", w.Chapters[1].Body)
		}
	})
	t.Run("a repost of the first chapters, then new parts", func(t *testing.T) {
		var repost strings.Builder
		for n := 1; n <= 3; n++ {
			fmt.Fprintf(&repost, "=====================\nChapter %d.\n=====================\n\n%s", n, storyText(fmt.Sprint("chapter", n), 3))
		}
		var b strings.Builder
		b.WriteString(post("Harbour Saga", ann, repost.String()))
		b.WriteString(post("Harbour Saga - Chapter 4", ann, storyText("chapter4", 4)))
		works := listed(assemble(t, [2]string{"saga.news", b.String()}))
		if len(works) != 1 {
			t.Fatalf("%d works, want 1", len(works))
		}
		w := works[0].Work
		if chapterTitles(w) != "Chapter 1|Chapter 2|Chapter 3|Chapter 4" || !w.Complete {
			t.Errorf("chapters %q, complete %v", chapterTitles(w), w.Complete)
		}
		if strings.Contains(strings.Join(w.Problems, "|"), ProblemPartMissing) {
			t.Errorf("problems %v: parts 1-3 are the repost's chapters", w.Problems)
		}
	})
	t.Run("a story posted as a reply, and the author's next part", func(t *testing.T) {
		b := "Subject: Re: could someone repost Harbour Lights?\n\n\n          HARBOUR LIGHTS\n               by\n            Ann Lee\n\n" + storyText("first", 4)
		b += post("Re: FROM THE ARCHIVES: sea/HarbourLights.zip (part 02/02)", ann, storyText("second", 4))
		works := listed(assemble(t, [2]string{"lights.news", b}))
		if len(works) != 1 {
			t.Fatalf("%d works, want 1", len(works))
		}
		if w := works[0].Work; len(w.Chapters) != 2 || titleKey(w.Title) != "harbour lights" {
			t.Errorf("title %q, %d chapters", w.Title, len(w.Chapters))
		}
	})
	t.Run("an untitled first part, then parts around someone else's post", func(t *testing.T) {
		b := "HARBOUR LIGHTS\n\nPart One:\n\n" + storyText("first", 10) // long enough not to be a preamble
		b += post("Harbour Lights (Part 2)", ann, storyText("second", 4))
		b += post("Harbour Lights (Part 3)", ann, storyText("third", 4))
		b += post("AUTOPOST: Tidewater.zip (part 01/02)", "archive@example.org (Archive Robot)", storyText("other", 4))
		b += post("Harbour Lights (Part 4)", ann, storyText("fourth", 4))
		var got []string
		for _, a := range listed(assemble(t, [2]string{"lights.news", b})) {
			got = append(got, fmt.Sprintf("%s:%d", a.Work.Title, len(a.Work.Chapters)))
		}
		if strings.Join(got, " ") != "Harbour Lights:4 Tidewater:1" {
			t.Errorf("works %v, want Harbour Lights in 4 chapters and Tidewater", got)
		}
	})
	t.Run("plain text parts headed title, byline, part number", func(t *testing.T) {
		part := func(n int) [2]string {
			return [2]string{fmt.Sprintf("still%d.txt", n), fmt.Sprintf("Stillwater\nby Dana Morrow\nPart %d/3\n\n", n) + storyText(fmt.Sprint("part", n), 4)}
		}
		works := listed(assemble(t, part(1), part(2), part(3)))
		if len(works) != 1 {
			t.Fatalf("%d works, want 1", len(works))
		}
		w := works[0].Work
		if w.Title != "Stillwater" || len(w.Authors) != 1 || w.Authors[0].Name != "Dana Morrow" || len(w.Chapters) != 3 || !w.Complete {
			t.Errorf("title %q, authors %v, chapters %q, complete %v", w.Title, w.Authors, chapterTitles(w), w.Complete)
		}
		if !strings.HasPrefix(w.Chapters[1].Text, "\"part2 0") {
			t.Errorf("chapter 2 starts %.60q, want the story's first words", w.Chapters[1].Text)
		}
	})
	t.Run("titles and parts read from headings when subjects say nothing", func(t *testing.T) {
		b := post("MY NEW STORY", ann, "HARBOUR LIGHTS, chapter 1 of 2\n\n"+storyText("first", 4))
		b += post("MY NEW STORY", ann, "Here's Section Two of \"Harbour Lights\"!\n\n"+storyText("second", 4))
		works := listed(assemble(t, [2]string{"lights.news", b}))
		if len(works) != 1 {
			t.Fatalf("%d works, want 1", len(works))
		}
		w := works[0].Work
		if titleKey(w.Title) != "harbour lights" || chapterTitles(w) != "Chapter 1|Chapter 2" || !w.Complete {
			t.Errorf("title %q, chapters %q, complete %v", w.Title, chapterTitles(w), w.Complete)
		}
		if ev := w.Evidence[fanarchive.FieldTitle]; ev.Via != guessViaPartHeading {
			t.Errorf("title evidence %+v", ev)
		}
		if strings.Contains(w.Chapters[0].Body, "chapter 1 of 2") {
			t.Errorf("the heading stayed in the story: %.80s", w.Chapters[0].Body)
		}
	})
	t.Run("across files, a part missing", func(t *testing.T) {
		works := listed(assemble(t,
			[2]string{"a.part1", post("Split Tale, Part 1 of 4", ann, storyText("one", 4))},
			[2]string{"b.part2", post("Split Tale, Part 2 of 4", ann, storyText("two", 4))},
			[2]string{"c.part4", post("Split Tale, Part 4 of 4", ann, storyText("four", 4))},
		))
		if len(works) != 1 {
			t.Fatalf("%d works, want 1", len(works))
		}
		w := works[0].Work
		if len(w.Sources) != 3 || w.Complete || !strings.Contains(strings.Join(w.Problems, "|"), "part missing: 3 of 4") {
			t.Errorf("sources %d, complete %v, problems %v", len(w.Sources), w.Complete, w.Problems)
		}
		for i, c := range w.Chapters {
			if c.SourceID != -int64(i+1) {
				t.Errorf("chapter %d source %d, want %d", i+1, c.SourceID, -(i + 1))
			}
		}
	})
	t.Run("a repeated part is used once", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(post("Echo (1/2)", ann, storyText("first", 4)))
		b.WriteString(post("Echo (2/2)", ann, storyText("second", 4)))
		b.WriteString(post("Echo (2/2)", ann, storyText("second", 4)))
		works := listed(assemble(t, [2]string{"echo.news", b.String()}))
		if len(works) != 1 || len(works[0].Work.Chapters) != 2 || len(works[0].Dropped) != 1 {
			t.Fatalf("works %d, chapters %d, dropped %d", len(works), len(works[0].Work.Chapters), len(works[0].Dropped))
		}
	})
	t.Run("whole story and its parts: the parts' copy is a duplicate or the whole is", func(t *testing.T) {
		parts := post("Tide Table (1/2)", ann, storyText("alpha", 5)) + post("Tide Table (2/2)", ann, storyText("beta", 5))
		whole := "Title: Tide Table\nAuthor: Ann Lee\n\n" + storyText("alpha", 5) + storyText("beta", 5)
		all := assemble(t, [2]string{"parts.news", parts}, [2]string{"whole.txt", whole})
		if len(all) != 2 || len(listed(all)) != 1 {
			t.Fatalf("%d works, %d listed; want 2 works, 1 listed", len(all), len(listed(all)))
		}
		dup := all[0]
		if dup.DuplicateOf < 0 {
			dup = all[1]
		}
		if !strings.Contains(strings.Join(dup.Work.Problems, "|"), ProblemDuplicateWork) {
			t.Errorf("duplicate's problems: %v", dup.Work.Problems)
		}
	})
	t.Run("a lone later part: the work is incomplete and says which part is missing", func(t *testing.T) {
		works := listed(assemble(t, [2]string{"echo2.news", post("Echo (2/3)", ann, storyText("second", 4))}))
		if len(works) != 1 {
			t.Fatalf("%d works listed", len(works))
		}
		w := works[0].Work
		if w.Complete || !contains(w.Problems, ProblemPartMissing+": 1, 3 of 3") {
			t.Errorf("complete %v, problems %v", w.Complete, w.Problems)
		}
	})
	t.Run("a digest's table of contents is not part 1 of the story after it", func(t *testing.T) {
		toc := "From: harbour-request@example.org\nSubject: Harbour Digest V1 #13\nDate: Tue, 4 Mar 1997 10:00:00 -0500\n\n" +
			"Harbour Digest             Tuesday, 4 March 1997       Volume 01 : Issue 013\n\nToday's Topics:\n    Echo (2/2)\n\n" +
			"----------------------------------------------------------------------\n\n"
		works := assemble(t, [2]string{"digest.txt", toc + post("Echo (2/2)", ann, storyText("second", 4))})
		if len(works) != 2 || works[0].Work.Kind != fanarchive.KindOther || works[1].Work.Title != "Echo" || works[1].Work.Complete {
			t.Fatalf("%d works: first %s %q; want the contents kept aside and the story alone", len(works), works[0].Work.Kind, works[0].Work.Title)
		}
	})
	t.Run("a site's chapter pages: the <title> says which chapter", func(t *testing.T) {
		page := func(n int, seed string) [2]string {
			return [2]string{fmt.Sprintf("lamp%d.html", n), fmt.Sprintf("<html><head><title>Lamplight - Chapter %d</title></head><body>"+
				"<center><h2>Lamplight</h2>by <a href=\"mailto:wren@example.org\">Wren Halloway</a></center><hr><p>%s</p><hr>"+
				"<center><a href=\"lamp%d.html\">Next Chapter</a> | <a href=\"index.html\">Back to the archive</a></center></body></html>",
				n, strings.ReplaceAll(storyText(seed, 4), "\n\n", "</p><p>"), n+1)}
		}
		works := listed(assemble(t, page(3, "third"), page(1, "first"), page(2, "second")))
		if len(works) != 1 {
			t.Fatalf("%d works listed, want 1", len(works))
		}
		w := works[0].Work
		if w.Title != "Lamplight" || chapterTitles(w) != "Chapter 1|Chapter 2|Chapter 3" || !w.Complete || len(w.Sources) != 3 {
			t.Errorf("title %q, chapters %q, complete %v, %d sources", w.Title, chapterTitles(w), w.Complete, len(w.Sources))
		}
		if !strings.Contains(w.Chapters[0].Body, "first 0") || strings.Contains(w.Chapters[0].Body, "Next Chapter") {
			t.Errorf("chapter 1: %s", w.Chapters[0].Body)
		}
	})
	t.Run("a header's Part field places each file", func(t *testing.T) {
		file := func(name, part, seed string) [2]string {
			return [2]string{name, "Title: Tide Table\nAuthor: Ann Lee\nPart: " + part + "\nRating: R\n\n" + storyText(seed, 4)}
		}
		works := listed(assemble(t, file("tide-b.txt", "II", "second"), file("tide-a.txt", "I", "first"), file("tide-c.txt", "3 of 3", "third")))
		if len(works) != 1 {
			t.Fatalf("%d works listed, want 1", len(works))
		}
		w := works[0].Work
		if chapterTitles(w) != "Part 1|Part 2|Part 3" || !w.Complete || len(w.Notes) != 0 || !strings.Contains(w.Chapters[0].Body, "first 0") {
			t.Errorf("chapters %q, complete %v, notes %v", chapterTitles(w), w.Complete, w.Notes)
		}
	})
	t.Run("numbered files of one story", func(t *testing.T) {
		file := func(name, seed string) [2]string {
			return [2]string{name, "Title: Tide Table\nAuthor: Ann Lee\nRating: R\n\n" + storyText(seed, 4)}
		}
		works := listed(assemble(t, file("tide2.txt", "second"), file("tide1.txt", "first"), file("tide3.txt", "third")))
		if len(works) != 1 || chapterTitles(works[0].Work) != "Part 1|Part 2|Part 3" || !strings.Contains(works[0].Work.Chapters[0].Body, "first 0") {
			t.Fatalf("%d works; want one of three parts in file order by number", len(works))
		}
		// Years number a series; copies are reposts; other names are other
		// stories; one file alone is no part.
		for _, set := range [][][2]string{
			{file("review88.txt", "a"), file("review89.txt", "b")},
			{file("tide1.txt", "same"), file("tide2.txt", "same")},
			{file("tide1.txt", "a"), file("lamp2.txt", "b")},
			{file("voyager2.txt", "a")},
		} {
			for _, a := range assemble(t, set...) {
				if len(a.Work.Chapters) != 1 || a.Work.Complete == false {
					t.Errorf("%s: %d chapters, complete %v; want each file its own work", a.Work.Sources[0].Name, len(a.Work.Chapters), a.Work.Complete)
				}
			}
		}
	})
	t.Run("a line under a post's title that is not its poster's name is no author", func(t *testing.T) {
		works := listed(assemble(t, [2]string{"rain.news", post("Rain", "bo@example.net (Bo Tern)", "RAIN\n\nDark Harbour\n\n"+storyText("rain", 4))}))
		if len(works) != 1 || works[0].Work.Authors[0].Name != "Bo Tern" {
			t.Fatalf("authors %v; want the poster", works[0].Work.Authors)
		}
	})
	t.Run("one writer signs a copyright line and posts under a fuller name", func(t *testing.T) {
		first := "Harbour Lights (first third)\ncopyright W. A. Lee 1991, all rights reserved.\n\n" + storyText("first", 4)
		b := post("Harbour Lights (1/3)", "lee@example.org (Dr. Wren A. Lee)", first) +
			post("Part 2 of Harbour Lights", "lee@example.org (Dr. Wren A. Lee)", storyText("second", 4)) +
			post("Harbour Lights (3/3)", "lee@example.org (Dr. Wren A. Lee)", storyText("third", 4))
		works := listed(assemble(t, [2]string{"lights.news", b}))
		if len(works) != 1 || len(works[0].Work.Chapters) != 3 {
			t.Fatalf("%d works; want one in three parts", len(works))
		}
	})
	t.Run("one writer's names agree across files too", func(t *testing.T) {
		a := post("Harbour Lights (1/2)", ann, "Harbour Lights\ncopyright A. Lee 1991, all rights reserved.\n\n"+storyText("first", 4))
		b := post("Harbour Lights (2/2)", "ann@example.net (Dr. Ann B. Lee)", storyText("second", 4))
		works := listed(assemble(t, [2]string{"lights1.news", a}, [2]string{"lights2.news", b}))
		if len(works) != 1 || len(works[0].Work.Chapters) != 2 {
			t.Fatalf("%d works; want one in two parts", len(works))
		}
	})
	t.Run("a post that calls itself a document is not the next part", func(t *testing.T) {
		b := post("Harbour Lights (1/2)", ann, storyText("first", 4)) + post("Harbour Lights (2/2)", ann, storyText("second", 4)) +
			post("Harbour Lights reference list", ann, "- The keeper: an old man.\n- Ann: his niece.\n- The lamp: at the pier's end.\n")
		works := assemble(t, [2]string{"lights.news", b})
		if len(works) != 2 || len(works[0].Work.Chapters) != 2 {
			t.Fatalf("%d works (first with %d chapters); want the story and the list apart", len(works), len(works[0].Work.Chapters))
		}
	})
	t.Run("different stories in one file stay apart", func(t *testing.T) {
		f := post("The Lighthouse", ann, storyText("light", 4)) + post("A Review of the Season", "critic@example.net (A Critic)",
			"I thought this episode was good. Plot: 7. Characterization: 8. Overall rating: 7/10. The writers did well this season.\n")
		works := assemble(t, [2]string{"mixed.news", f})
		if len(works) != 2 || works[1].Work.Kind != fanarchive.KindOther {
			t.Fatalf("%d works; second kind %v", len(works), works[len(works)-1].Work.Kind)
		}
	})
}

// TestRepeatedOpenings: an unlabelled disclaimer that opens every part is
// kept once, as a note, and taken out of the chapters.
func TestRepeatedOpenings(t *testing.T) {
	ann := "ann@example.net (Ann Lee)"
	note := "The harbour and its keepers belong to nobody but the sea, and this story to me.\n\n"
	var b strings.Builder
	for n := 1; n <= 3; n++ {
		b.WriteString(post(fmt.Sprintf("Keeper's Log (%d/3)", n), ann, note+storyText(fmt.Sprint("log", n), 4)))
	}
	works := listed(assemble(t, [2]string{"log.news", b.String()}))
	if len(works) != 1 {
		t.Fatalf("%d works", len(works))
	}
	w := works[0].Work
	if len(w.Notes) != 1 || !strings.HasPrefix(w.Notes[0].Text, "The harbour and its keepers") {
		t.Errorf("notes = %+v", w.Notes)
	}
	total := 0
	for _, c := range w.Chapters {
		if strings.Contains(c.Body, "belong to nobody") {
			t.Errorf("chapter %d still opens with the note", c.Number)
		}
		total += c.Words
	}
	if total != w.Words {
		t.Errorf("chapter words %d, work words %d", total, w.Words)
	}
}

// TestManyReposts: one story posted many times is one listed work; every
// other copy points at it (the same root, not a chain).
func TestManyReposts(t *testing.T) {
	text := "Title: Echoes\nAuthor: Ann Lee\n\n" + storyText("echo", 8)
	var files [][2]string
	for i := 0; i < 60; i++ {
		files = append(files, [2]string{fmt.Sprintf("copy%02d.txt", i), text + fmt.Sprintf("\n\nReposted %d.\n", i)})
	}
	works := assemble(t, files...)
	root := -1
	for i, a := range works {
		if a.DuplicateOf < 0 {
			if root >= 0 {
				t.Fatalf("works %d and %d are both listed", root, i)
			}
			root = i
		}
	}
	for i, a := range works {
		if i != root && a.DuplicateOf != root {
			t.Errorf("work %d is a duplicate of %d, want %d", i, a.DuplicateOf, root)
		}
	}
}
