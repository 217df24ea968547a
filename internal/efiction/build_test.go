package efiction

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"fanarchive"
)

func readFixture(t *testing.T, name string, opts Options) *Import {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	imp, err := Read(context.Background(), f, opts)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return imp
}

func TestReadArchive(t *testing.T) {
	imp := readFixture(t, "archive.sql", Options{Stories: os.DirFS("testdata/stories"), StoriesName: "stories"})
	if imp.Prefix != "fanfiction_" {
		t.Errorf("prefix = %q", imp.Prefix)
	}
	var titles []string
	for _, w := range imp.Works {
		titles = append(titles, w.Title)
		if err := w.Validate(); err != nil {
			t.Errorf("%s: %v", w.Title, err)
		}
	}
	if want := []string{"Salt Lines", "The Lamp Room", "Café Noël"}; !slices.Equal(titles, want) {
		t.Fatalf("titles = %q, want %q", titles, want)
	}
	if len(imp.Skipped) != 1 || imp.Skipped[0].SID != 3 {
		t.Errorf("skipped = %+v, want story 3 (not validated)", imp.Skipped)
	}
	if len(imp.BadRows) != 1 || imp.BadRows[0].Table != "fanfiction_stories" || imp.BadRows[0].Line != 116 {
		t.Errorf("bad rows = %v, want the short stories row at line 116", imp.BadRows)
	}
	if imp.Reviews != 2 || imp.OtherReviews != 1 || imp.SeriesPlaces != 2 {
		t.Errorf("reviews %d, other %d, series places %d; want 2, 1, 2", imp.Reviews, imp.OtherReviews, imp.SeriesPlaces)
	}

	salt := imp.Works[0]
	check := func(what string, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("authors", salt.AuthorNames(), []string{"Wren Halloway", "Ohm Kessler"})
	check("contact", salt.FeedbackContact, "wren@tide.example.org")
	check("source contact", salt.Sources[0].FeedbackContact, "wren@tide.example.org")
	check("rating", salt.Rating, fanarchive.RatingTeen)
	check("rating original", salt.RatingOriginal, "PG-13")
	check("fandoms", salt.TagsOf(fanarchive.TagFandom), []string{"Harbour Lights > Lighthouse Era"})
	check("warnings", salt.TagsOf(fanarchive.TagWarning), []string{"Major Character Death"})
	check("relationships", salt.TagsOf(fanarchive.TagRelationship), []string{"Mara/Tomas"})
	check("characters", salt.TagsOf(fanarchive.TagCharacter), []string{"Mara Quill", "Tomas Reed"})
	check("freeform", salt.TagsOf(fanarchive.TagFreeform), []string{"Angst"})
	check("complete", salt.Complete, true)
	check("published", salt.Published.Format("2006-01-02 15:04"), "2004-07-01 12:00")
	check("updated", salt.Updated.Format("2006-01-02 15:04"), "2004-08-15 09:30")
	check("chapters", len(salt.Chapters), 2)
	check("chapter order", salt.Chapters[0].Title+" / "+salt.Chapters[1].Title, "High Water / Low Tide")
	check("summary", salt.Summary, "Mara keeps the light; Tomas keeps count.")
	if slices.ContainsFunc(salt.Chapters, func(c *fanarchive.Chapter) bool {
		return strings.Contains(c.Body, "script") || strings.Contains(c.Body, "steal")
	}) {
		t.Errorf("a script survived: %q", salt.Chapters[1].Body)
	}
	if !strings.Contains(salt.Chapters[0].Body, "<b>ninety</b>") && !strings.Contains(salt.Chapters[0].Body, "<strong>ninety</strong>") {
		t.Errorf("chapter 1 lost its emphasis: %q", salt.Chapters[0].Body)
	}
	words := 0
	for _, c := range salt.Chapters {
		words += c.Words
	}
	check("words (recomputed, not the dump's 999)", salt.Words, words)
	if !slices.ContainsFunc(salt.Notes, func(n fanarchive.Note) bool { return n.Label == "Series" && n.Text == "Harbour Tales, part 1" }) {
		t.Errorf("notes = %+v, want the series", salt.Notes)
	}
	src := string(salt.Sources[0].Raw)
	for _, want := range []string{
		"INSERT INTO `fanfiction_stories` (`sid`, `title`,",
		`(1,'Salt Lines','Mara keeps the light; Tomas keeps <i>count</i>.'`,
		`<script>alert("steal")</script>`, // the original, not the shown body
		"'Loved the lamp!'",               // its reviews
		"INSERT INTO `fanfiction_coauthors` (`sid`, `uid`) VALUES (1,2);",
		"'Harbour Tales'",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("source lacks %q:\n%s", want, src)
		}
	}
	if strings.Contains(src, "5f4dcc3b5aa765d61d8327deb882cf99") || strings.Contains(src, "Wren H.") {
		t.Errorf("an author's password hash or real name is in a source:\n%s", src)
	}
	if !strings.Contains(src, "(1,'Wren Halloway','','wren@tide.example.org','','Writes about lighthouses.','','2004-05-01 10:00:00','0','')") {
		t.Errorf("the author's row is not kept (without its private columns):\n%s", src)
	}
	if strings.Contains(src, "Whole series is great") {
		t.Errorf("a series review is in a story's source")
	}

	lamp := imp.Works[1]
	check("lamp rating", lamp.Rating, fanarchive.RatingExplicit)
	check("lamp sources", len(lamp.Sources), 2)
	check("lamp file", lamp.Sources[1].Name, "stories/2/3.txt")
	check("lamp chapter source", lamp.Chapters[0].SourceID, -2)
	if !strings.Contains(lamp.Chapters[0].Body, "The lamp room was warm.") {
		t.Errorf("lamp chapter = %q, want the file's text", lamp.Chapters[0].Body)
	}
	check("lamp tags", lamp.TagsOf(fanarchive.TagFreeform), []string{"Romance", "Language"})

	cafe := imp.Works[2]
	check("latin-1 summary", cafe.Summary, "Un récit d’hiver.")
	if !strings.Contains(cafe.Chapters[0].Body, "Noël était là.") {
		t.Errorf("latin-1 chapter = %q", cafe.Chapters[0].Body)
	}
	if !strings.Contains(string(cafe.Sources[0].Raw), "caf\xe9") {
		t.Errorf("the latin-1 bytes are not kept as they were")
	}
}

// TestReadWithoutStories checks that a chapter whose text is in a file
// that was not given is a problem of its work, not a failure.
func TestReadWithoutStories(t *testing.T) {
	imp := readFixture(t, "archive.sql", Options{})
	lamp := imp.Works[1]
	if len(lamp.Problems) == 0 || !strings.Contains(lamp.Problems[0], "--stories") {
		t.Errorf("problems = %q", lamp.Problems)
	}
}

func TestReadPrefixed(t *testing.T) {
	imp := readFixture(t, "prefixed.sql", Options{})
	if imp.Prefix != "ef_" || len(imp.Works) != 1 {
		t.Fatalf("prefix %q, %d works", imp.Prefix, len(imp.Works))
	}
	w := imp.Works[0]
	if w.Title != "Dune Road" || w.Rating != fanarchive.RatingMature || w.FeedbackContact != "rowan@shore.example.com" ||
		w.Published.Year() != 2005 || !w.Complete || w.Words != 6 || len(w.Problems) != 0 {
		t.Errorf("work = %+v", w)
	}
}

// TestReadDeterministic checks that the same dump gives the same sources,
// which is what makes a second import add nothing.
func TestReadDeterministic(t *testing.T) {
	a := readFixture(t, "archive.sql", Options{})
	b := readFixture(t, "archive.sql", Options{})
	for i := range a.Works {
		if a.Works[i].Sources[0].SHA256 != b.Works[i].Sources[0].SHA256 {
			t.Errorf("work %d: sources differ between reads", i)
		}
	}
}

// FuzzRead checks that any dump maps without a panic to works that
// validate, each with its story's rows as its first source.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"archive.sql", "prefixed.sql"} {
		raw, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte("INSERT INTO `x_stories` (`sid`,`title`,`uid`,`rid`,`catid`,`validated`) VALUES (1,'T',1,1,'1,1,-1','1');\n" +
		"INSERT INTO `x_chapters` (`chapid`,`sid`,`inorder`,`storytext`) VALUES (1,1,1,'<p>a</p>'),(2,1,1,'');\n" +
		"INSERT INTO `x_categories` (`catid`,`parentcatid`,`category`) VALUES (1,1,'Loop');"))
	f.Fuzz(func(t *testing.T, in []byte) {
		imp, err := Read(context.Background(), bytes.NewReader(in), Options{})
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		for _, w := range imp.Works {
			if err := w.Validate(); err != nil {
				t.Fatalf("work %q does not validate: %v", w.Title, err)
			}
			if len(w.Sources) == 0 || !strings.HasPrefix(string(w.Sources[0].Raw), "-- eFiction story") {
				t.Fatalf("work %q has no source of its rows", w.Title)
			}
		}
	})
}
