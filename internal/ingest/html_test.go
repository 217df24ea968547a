package ingest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fanarchive"
	"fanarchive/internal/prose"
)

// htmlGolden is what a .golden.json beside an HTML fixture holds: the
// dry-run record, and the first chapter's body exactly as it is stored.
type htmlGolden struct {
	Record Record `json:"record"`
	Body   string `json:"body"`
}

// TestGoldenHTML parses every fixture in testdata/html and compares its
// record and first chapter with the .golden.json beside it. Run with
// -update after a deliberate change, and read the diff.
func TestGoldenHTML(t *testing.T) {
	runGolden(t, "testdata/html/*.html", func(t *testing.T, name string, raw []byte) any {
		w, err := ParseHTML(name, raw, Options{})
		if err != nil {
			t.Fatalf("ParseHTML: %v", err)
		}
		if err := w.Validate(); err != nil {
			t.Fatalf("parsed work does not validate: %v", err)
		}
		return htmlGolden{Record: NewRecord(w), Body: w.Chapters[0].Body}
	})
}

// parseFixture parses one file of testdata/html.
func parseFixture(t *testing.T, name string) *fanarchive.Work {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "html", name))
	if err != nil {
		t.Fatal(err)
	}
	w, err := ParseHTML(name, raw, Options{})
	if err != nil {
		t.Fatalf("ParseHTML(%s): %v", name, err)
	}
	return w
}

// TestAO3Download checks the AO3 mapping field by field: the golden file
// shows it too, but a mistake there is easy to accept with -update.
func TestAO3Download(t *testing.T) {
	w := parseFixture(t, "ao3-two-chapters.html")
	r := NewRecord(w)
	eq := func(what string, got, want any) {
		t.Helper()
		g, _ := json.Marshal(got)
		x, _ := json.Marshal(want)
		if !bytes.Equal(g, x) {
			t.Errorf("%s = %s, want %s", what, g, x)
		}
	}
	eq("title", r.Title, "The Tide Clock")
	eq("authors", r.Authors, []string{"quillfeather"})
	eq("rating", r.Rating, "Teen")
	eq("rating original", r.RatingOriginal, "Teen And Up Audiences")
	eq("warnings", r.Warnings, []string{"No Archive Warnings Apply"})
	eq("categories", r.Categories, []string{"F/M", "Gen"})
	eq("fandoms", r.Fandoms, []string{"Harbour Lights", "Tidewater Chronicles"})
	eq("relationships", r.Relationships, []string{"Mara/Tobias"})
	eq("characters", r.Characters, []string{"Mara", "Tobias Wren", "The Harbourmaster"})
	eq("tags", r.Tags, []string{"Clocks", "Found Family", "Mild Peril"})
	eq("language", w.Language, "en")
	eq("summary", r.Summary, "The harbour clock runs on the tide. When it stops, Mara has until the next high water to find out why.")
	eq("notes", r.Notes, []NoteRecord{
		{"Series", "Part 2 of Lamps and Ledgers"},
		{"Notes", "Written for a prompt about clocks.\n\n(See the end of the work for more notes.)"},
		{"Chapter 1 Notes", "This chapter is short on purpose."},
		{"Chapter 1 End Notes", "Slack water is the still point between tides."},
		{"End Notes", "Thank you for reading!"},
	})
	eq("chapters", r.Chapters, []ChapterRecord{{1, "Slack Water", 57}, {2, "", 39}})
	eq("archive", r.Archive, "Archive of Our Own")
	eq("complete", r.Complete, true)
	eq("published", w.Published.Format("2006-01-02"), "2019-03-02")
	eq("updated", w.Updated.Format("2006-01-02"), "2019-04-14")
	eq("problems", r.Problems, []string{})
	if !strings.Contains(w.Chapters[0].Body, "<em>dry</em>") || !strings.Contains(w.Chapters[0].Body, `<hr class="scene-break">`) {
		t.Errorf("chapter 1 lost its emphasis or scene break:\n%s", w.Chapters[0].Body)
	}
	if strings.Contains(w.Chapters[1].Body, "drop by the archive") || strings.Contains(w.Chapters[0].Body, "Chapter Notes") {
		t.Errorf("notes or messages leaked into the text:\n%s\n%s", w.Chapters[0].Body, w.Chapters[1].Body)
	}
}

// TestHTMLRules checks one rule at a time on small pages.
func TestHTMLRules(t *testing.T) {
	story := "<p>The rain came down on the harbour all night long, and the boats stayed in.</p>\n<p>In the morning the sea was flat as a plate.</p>"
	page := func(head, body string) string {
		return "<!DOCTYPE html><html><head>" + head + "</head><body>" + body + "</body></html>"
	}
	tests := []struct {
		name  string
		page  string
		check func(w *fanarchive.Work, r Record) bool
	}{
		{"title from <title> alone", page("<title>Rain</title>", story), func(w *fanarchive.Work, r Record) bool {
			return r.Title == "Rain" && w.Evidence["title"].Via == "html:title"
		}},
		{"decorated title agrees with h1", page("<title>Harbour Archive :: Rain</title>", "<h1>Rain</h1>"+story), func(w *fanarchive.Work, r Record) bool {
			return r.Title == "Rain" && w.Evidence["title"].Confidence == confAgreed && !strings.Contains(w.Chapters[0].Body, "<h3>Rain")
		}},
		{"site suffix", page("<title>Rain - Harbour Archive</title>", "<h2>Rain</h2>"+story), func(w *fanarchive.Work, r Record) bool { return r.Title == "Rain" }},
		{"decorated title without heading is a guess", page("<title>Harbour Archive :: Rain</title>", story), func(w *fanarchive.Work, r Record) bool {
			return r.Title == "Harbour Archive :: Rain" && w.Evidence["title"].Confidence < fanarchive.ReviewThreshold
		}},
		{"h1 without title", page("", "<h1>Rain</h1>"+story), func(w *fanarchive.Work, r Record) bool {
			return r.Title == "Rain" && w.Evidence["title"].Via == "html:heading"
		}},
		{"h1 and title disagree: reviewed", page("<title>My Fanfic Page</title>", "<h1>Rain</h1>"+story), func(w *fanarchive.Work, r Record) bool {
			ev := w.Evidence["title"]
			return r.Title == "Rain" && ev.Confidence < fanarchive.ReviewThreshold && strings.Contains(ev.Detail, "My Fanfic Page")
		}},
		{"a story page is classified, as a text is", page("<title>Rain</title>", story), func(w *fanarchive.Work, r Record) bool {
			return r.Kind == "fiction" && w.Evidence["kind"].Via == "classifier"
		}},
		{"an author's index of stories is a document", page("<title>Ann's Corner</title>", "<h1>Ann's Corner</h1><p>All my stories, newest first.</p><ul>"+
			"<li><a href='rain.html'>Rain</a> (PG): the boats stay in.</li><li><a href='tide.html'>Tide</a> (G): the tide turns.</li>"+
			"<li><a href='gull.html'>Gull</a> (R): one gull too many.</li></ul>"), func(w *fanarchive.Work, r Record) bool {
			return r.Kind == "other" && strings.Contains(w.Evidence["kind"].Detail, "an index")
		}},
		{"title by author", page("<title>Rain by Ann Lee</title>", story), func(w *fanarchive.Work, r Record) bool {
			return r.Title == "Rain" && len(r.Authors) == 1 && r.Authors[0] == "Ann Lee"
		}},
		{"byline with link", page("<title>Rain</title>", "<h1>Rain</h1><p>by <a href='ann.html'>Ann Lee</a></p>"+story), func(w *fanarchive.Work, r Record) bool {
			return r.Title == "Rain" && r.Authors[0] == "Ann Lee" && w.Evidence["authors"].Via == "byline" && w.Evidence["title"].Confidence == confAgreed
		}},
		{"byline mailto is private feedback", page("", "<h1>Rain</h1><p>by <a href='mailto:ann@example.com'>Ann Lee</a></p>"+story), func(w *fanarchive.Work, r Record) bool {
			return r.Authors[0] == "Ann Lee" && r.Feedback == "ann@example.com" && !strings.Contains(w.Chapters[0].Body, "example.com")
		}},
		{"meta author", page(`<meta name="author" content="Ann Lee">`, story), func(w *fanarchive.Work, r Record) bool {
			return r.Authors[0] == "Ann Lee" && w.Evidence["authors"].Via == "html:meta-author"
		}},
		{"labelled fields with br", page("", "<p><b>Title:</b> Rain<br><b>Author:</b> Ann<br><b>Rating:</b> R</p>"+story), func(w *fanarchive.Work, r Record) bool {
			return r.Title == "Rain" && r.Authors[0] == "Ann" && r.Rating == "Mature" && !strings.Contains(w.Chapters[0].Body, "Title")
		}},
		{"header after site banner", page("", "<p>Welcome to the Harbour Archive!</p><p>Title: Rain<br>Author: Ann</p>"+story), func(w *fanarchive.Work, r Record) bool {
			return r.Title == "Rain" && strings.HasPrefix(r.Begins, "The rain came down")
		}},
		{"header in dl", page("", "<dl><dt>Title:</dt><dd>Rain</dd><dt>Author:</dt><dd>Ann</dd></dl>"+story), func(w *fanarchive.Work, r Record) bool {
			return r.Title == "Rain" && r.Authors[0] == "Ann"
		}},
		{"storyinfo comment", page("<!-- STORYINFO\nTitle: Rain\nAuthor: Ann\n-->", story), func(w *fanarchive.Work, r Record) bool {
			return r.Title == "Rain" && r.Authors[0] == "Ann" && w.Evidence["title"].Via == "comment:Title"
		}},
		{"attribute comment", page(`<!-- storyinfo title="Rain" author="Ann" rating="PG" -->`, story), func(w *fanarchive.Work, r Record) bool {
			return r.Title == "Rain" && r.Authors[0] == "Ann" && r.Rating == "General"
		}},
		{"comment with one label and no marker is ignored", page("<!-- Source: FrontPage -->", story), func(w *fanarchive.Work, r Record) bool {
			return len(r.Fandoms) == 0
		}},
		{"emphasis kept", page("", "<p><i>a</i> <em>b</em> <b>c</b> <strong>d</strong> <u>e</u> <s>f</s> <strike>g</strike></p>"), func(w *fanarchive.Work, r Record) bool {
			return w.Chapters[0].Body == "<p><em>a</em> <em>b</em> <strong>c</strong> <strong>d</strong> <u>e</u> <s>f</s> <s>g</s></p>\n"
		}},
		{"css emphasis", page("", `<p><span style="font-style: italic">a</span> <span style="font-weight:700">b</span></p>`), func(w *fanarchive.Work, r Record) bool {
			return w.Chapters[0].Body == "<p><em>a</em> <strong>b</strong></p>\n"
		}},
		{"emphasis across br br", page("", "<p><i>one<br><br>two</i></p>"), func(w *fanarchive.Work, r Record) bool {
			return w.Chapters[0].Body == "<p><em>one</em></p>\n<p><em>two</em></p>\n"
		}},
		{"hr is a scene break", page("", "<p>One.</p><hr><p>Two.</p>"), func(w *fanarchive.Work, r Record) bool {
			return w.Chapters[0].Body == "<p>One.</p>\n<hr class=\"scene-break\">\n<p>Two.</p>\n" && r.Words == 2
		}},
		{"centred asterisks", page("", "<p>One.</p><center>* * *</center><p>Two.</p><p align=center>o0o</p><p>Three.</p>"), func(w *fanarchive.Work, r Record) bool {
			return strings.Count(w.Chapters[0].Body, "scene-break") == 2
		}},
		{"divider image", page("", "<p>One.</p><p><img src=line.gif></p><p>Two.</p>"), func(w *fanarchive.Work, r Record) bool {
			return strings.Count(w.Chapters[0].Body, "scene-break") == 1
		}},
		{"breaks at the ends are dropped", page("", "<hr><p>One.</p><hr><hr><p>Two.</p><hr>"), func(w *fanarchive.Work, r Record) bool {
			return strings.Count(w.Chapters[0].Body, "scene-break") == 1
		}},
		{"br br paragraphs", page("", "One line here.<br><br>Another line here.<br>\n<br>A third."), func(w *fanarchive.Work, r Record) bool {
			return strings.Count(w.Chapters[0].Body, "<p>") == 3
		}},
		{"single br kept as verse", page("", "<p>Roses are red,<br>the sea is grey.</p>"), func(w *fanarchive.Work, r Record) bool {
			return w.Chapters[0].Body == "<p class=\"verse\">Roses are red,<br>\nthe sea is grey.</p>\n"
		}},
		{"single br between long paragraphs", page("", "<p>&nbsp;&nbsp;&nbsp;"+strings.Repeat("The lamp burned on the north tower. ", 5)+"<br>&nbsp;&nbsp;&nbsp;<i>"+strings.Repeat("The boats came home one by one. ", 4)+"<br>"+strings.Repeat("She counted them in aloud. ", 6)+"</i></p>"), func(w *fanarchive.Work, r Record) bool {
			b := w.Chapters[0].Body
			return strings.Count(b, "<p>") == 3 && strings.Count(b, "<em>") == 2 && !strings.Contains(b, "<br>")
		}},
		{"navigation removed", page("", `<p><a href="/">Home</a> | <a href="i.html">Index</a></p>`+story+`<p><a href="2.html">Next chapter</a></p><ul><li><a href="a">Stories</a></li><li><a href="b">Links</a></li></ul><p>Return to the archive</p>`), func(w *fanarchive.Work, r Record) bool {
			b := w.Chapters[0].Body
			return !strings.Contains(b, "Home") && !strings.Contains(b, "Next") && !strings.Contains(b, "Links") && !strings.Contains(b, "Return") && strings.HasPrefix(r.Begins, "The rain")
		}},
		{"nav element and chrome classes", page("", `<nav>Menu things</nav><div id="sidebar">Side</div>`+story+`<div class="footer">x</div>`), func(w *fanarchive.Work, r Record) bool {
			b := w.Chapters[0].Body
			return !strings.Contains(b, "Menu") && !strings.Contains(b, "Side")
		}},
		{"link inside prose stays as text", page("", `<p>She read <a href="x.html">the letter</a> twice.</p>`), func(w *fanarchive.Work, r Record) bool {
			return w.Chapters[0].Body == "<p>She read the letter twice.</p>\n"
		}},
		{"layout blockquote unwrapped", page("", "<blockquote>"+story+"</blockquote>"), func(w *fanarchive.Work, r Record) bool {
			return !strings.Contains(w.Chapters[0].Body, "blockquote")
		}},
		{"quoted letter kept", page("", story+"<blockquote><p>Dear Ann, come home.</p></blockquote>"+story), func(w *fanarchive.Work, r Record) bool {
			return strings.Contains(w.Chapters[0].Body, "<blockquote>\n<p>Dear Ann, come home.</p>\n</blockquote>")
		}},
		{"chapters from headings", page("<title>Rain</title>", "<h2>Chapter 1</h2>"+story+"<h2>Chapter 2: Dawn</h2>"+story), func(w *fanarchive.Work, r Record) bool {
			return len(w.Chapters) == 2 && w.Chapters[1].Title == "Chapter 2: Dawn" && r.Title == "Rain"
		}},
		{"footer feedback", page("", story+"<p>Feedback: <a href='mailto:ann@example.com'>Ann</a></p>"), func(w *fanarchive.Work, r Record) bool {
			return r.Feedback == "ann@example.com" && !strings.Contains(w.Chapters[0].Body, "Feedback")
		}},
		{"layout table", page("", "<table><tr><td><p>Menu</p></td><td>"+story+"</td></tr></table>"), func(w *fanarchive.Work, r Record) bool {
			return strings.Count(w.Chapters[0].Body, "<p>") == 3
		}},
		{"plain text in html", "<html><body>\nTitle: Rain\nAuthor: Ann\n\nThe rain came down.\n\nIt stopped.\n</body></html>", func(w *fanarchive.Work, r Record) bool {
			return r.Title == "Rain" && r.Authors[0] == "Ann" && strings.Count(w.Chapters[0].Body, "<p>") == 2
		}},
		{"entities", page("", "<p>Caf&eacute; &amp; &#8220;tea&#8221; &lt;3 &#150;</p>"), func(w *fanarchive.Work, r Record) bool {
			return w.Chapters[0].Body == "<p>Café &amp; “tea” &lt;3 –</p>\n"
		}},
		{"utf-8 page labelled latin-1", "<meta charset=iso-8859-1><p>Café “tea”</p>", func(w *fanarchive.Work, r Record) bool {
			return r.Encoding == "utf-8" && strings.Contains(w.Chapters[0].Body, "Café “tea”")
		}},
		{"latin-1 page labelled utf-8", "<meta charset=utf-8><p>Caf\xe9 au lait, na\xefve Ren\xe9e.</p>", func(w *fanarchive.Work, r Record) bool {
			return r.Encoding == "windows-1252" && strings.Contains(w.Chapters[0].Body, "Café au lait, naïve Renée")
		}},
		{"declared koi8-r", "<meta http-equiv=Content-Type content='text/html; charset=koi8-r'><p>\xf0\xd2\xc9\xd7\xc5\xd4</p>", func(w *fanarchive.Work, r Record) bool {
			return r.Encoding == "koi8-r" && strings.Contains(w.Chapters[0].Body, "Привет")
		}},
		{"truncated mid-tag keeps the text", "<html><body><p>The rain came down.</p><p>More <b>rain</b><i cla", func(w *fanarchive.Work, r Record) bool {
			return w.Chapters[0].Body == "<p>The rain came down.</p>\n<p>More <strong>rain</strong></p>\n"
		}},
		{"html lang", `<html lang="de-AT"><p>Es regnete die ganze Nacht.</p>`, func(w *fanarchive.Work, r Record) bool { return w.Language == "de" }},
		{"language field beats html lang", `<html lang="de"><p>Language: French</p><p>Title: Pluie</p><p>Il pleuvait.</p>`, func(w *fanarchive.Work, r Record) bool {
			return w.Language == "fr"
		}},
		{"utf-16 with bom", "\xff\xfe<\x00p\x00>\x00H\x00i\x00.\x00", func(w *fanarchive.Work, r Record) bool {
			return r.Encoding == EncUTF16LE && w.Chapters[0].Body == "<p>Hi.</p>\n"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := ParseHTML("t.html", []byte(tt.page), Options{})
			if err != nil {
				t.Fatalf("ParseHTML: %v", err)
			}
			if err := w.Validate(); err != nil {
				t.Fatalf("invalid work: %v", err)
			}
			r := NewRecord(w)
			if !tt.check(w, r) {
				b, _ := json.MarshalIndent(r, "", " ")
				t.Errorf("unexpected result:\n%s\nbody:\n%s", b, w.Chapters[0].Body)
			}
			if body := w.Chapters[0].Body; prose.Sanitize(body) != body {
				t.Errorf("body is not stable under Sanitize:\n%s", body)
			}
		})
	}
}

// TestBadHTML: every bad page gives a clear EUNREADABLE error.
func TestBadHTML(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want string // in the message
	}{
		{"empty", "", "empty"},
		{"blank", " \r\n\t", "empty"},
		{"zip", "PK\x03\x04\x14\x00\x00\x00\x08\x00junk", "ZIP"},
		{"binary", strings.Repeat("\x00\x01\x02<p>", 100), "binary"},
		{"markup only", "<html><head><title>x</title></head><body><p></p><div><br></div></body></html>", "No story text"},
		{"navigation only", `<p><a href="a">Home</a> | <a href="b">Next</a></p>`, "No story text"},
		{"truncated mid-tag", "<html><body><p", "No story text"},
		{"frameset", "<html><frameset><frame src=a.html></frameset></html>", "frameset"},
		{"too many elements", strings.Repeat("<i>", maxHTMLElements+1), "elements"},
		{"too big", "<p>" + strings.Repeat("word ", 300), "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{}
			if tt.name == "too big" {
				opts.MaxBytes = 1000
			}
			w, err := ParseHTML("bad.html", []byte(tt.raw), opts)
			if err == nil {
				t.Fatalf("no error; work %+v", NewRecord(w))
			}
			if fanarchive.ErrorCode(err) != fanarchive.EUNREADABLE {
				t.Errorf("code = %q, want %q (%v)", fanarchive.ErrorCode(err), fanarchive.EUNREADABLE, err)
			}
			if msg := fanarchive.ErrorMessage(err); !strings.Contains(msg, tt.want) {
				t.Errorf("message %q does not mention %q", msg, tt.want)
			}
		})
	}
}

func TestLooksLikeHTML(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want bool
	}{
		{"doctype", "<!DOCTYPE html>\n<html>", true},
		{"html after bom and space", "\xef\xbb\xbf\n  <HTML><BODY>", true},
		{"comment then html", "<!-- saved from url -->\n<html>", true},
		{"long comment then html", "<!--\n  Story archive\n  generated page\n-->\n<head><title>x</title>", true},
		{"xml declaration", "<?xml version=\"1.0\"?>\n<!DOCTYPE html PUBLIC>", true},
		{"body only", "<body bgcolor=white>", true},
		{"fragment of paragraphs", "<p>One.</p>\n<p>Two.</p>\n<p>Three.</p>", true},
		{"br separated", "Title: x<br>\nAuthor: y<br>\n<br>\nStory <i>here</i>.", true},
		{"utf-16", "\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00", true},
		{"plain text", "Title: Rain\nAuthor: Ann\n\nThe rain came down.", false},
		{"text with address", "by Ann <ann@example.com>\n\nThe rain came down.", false},
		{"text with grin", "She laughed. <g> Then she left. <vbg>\n\n<g>", false},
		{"text with a few italics", "It was <i>very</i> cold. She was <i>not</i> amused, <b>not</b> at all.", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LooksLikeHTML([]byte(tt.raw)); got != tt.want {
				t.Errorf("LooksLikeHTML(%q) = %v, want %v", tt.raw, got, tt.want)
			}
		})
	}
}

// TestPreIsText checks that a text story wrapped in <pre> is shaped as
// ParseText shapes the same text: same chapters, bodies and header.
func TestPreIsText(t *testing.T) {
	text := "Title: Rain\nAuthor: Ann Lee\n\n    The rain came down on the harbour all night long, and the boats\nstayed in.  Nobody went out.\n\n* * *\n\nIn the morning the sea was flat.\n\n    Roses are red,\n    the sea is grey.\n\nPart 2\n\nThe end of it.\n\nPart 3\n\nAfter.\n"
	tw, err := ParseText("rain.txt", []byte(text), Options{})
	if err != nil {
		t.Fatal(err)
	}
	hw, err := ParseHTML("rain.html", []byte("<html><head><title>Rain</title></head><body><pre>"+text+"</pre></body></html>"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if hw.Title != tw.Title || len(hw.Authors) != 1 || hw.Authors[0] != tw.Authors[0] || len(hw.Chapters) != len(tw.Chapters) {
		t.Fatalf("html %q %v %d chapters, text %q %v %d chapters", hw.Title, hw.Authors, len(hw.Chapters), tw.Title, tw.Authors, len(tw.Chapters))
	}
	for i := range tw.Chapters {
		if h, x := hw.Chapters[i], tw.Chapters[i]; h.Body != x.Body || h.Title != x.Title || h.Words != x.Words {
			t.Errorf("chapter %d differs:\nhtml %q %d\n%s\ntext %q %d\n%s", i+1, h.Title, h.Words, h.Body, x.Title, x.Words, x.Body)
		}
	}
}

// TestLooksLikeHTMLFixtures: no text fixture is taken for HTML, and every
// HTML fixture is.
func TestLooksLikeHTMLFixtures(t *testing.T) {
	texts, _ := filepath.Glob("testdata/text/*.txt")
	pages, _ := filepath.Glob("testdata/html/*.html")
	for _, list := range [][]string{texts, pages} {
		for _, f := range list {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := LooksLikeHTML(raw), strings.HasSuffix(f, ".html"); got != want {
				t.Errorf("LooksLikeHTML(%s) = %v", f, got)
			}
		}
	}
}
