package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// siteCases are the site pages of testdata/sites, each a page of our own
// written in the shape its site gives a story (entry, byline, header block,
// comments, sidebars, menus): what the importer must read from it.
var siteCases = []struct {
	file   string
	title  string
	author string
	rating string
	// starts is how the story's text begins; absent are strings of the
	// page's chrome and comments that must not be in any chapter.
	starts string
	absent []string
	// notes are texts of the entry's preface that must be kept as notes.
	notes []string
}{
	{
		file: "livejournal-s2.html", title: "The Lamplighter's Daughter", author: "Wren Whistler", rating: "Teen",
		starts: "The lamps came on one by one",
		absent: []string{"ribbon! I love this", "Part two is with my beta", "Author of 3 Stories", "Please post a comment",
			"Deutsch", "Current Mood", "Leave a comment", "LiveJournal, Inc", "Wren's scribbles", "Title:", "Summary:"},
		notes: []string{"Thanks to my beta"},
	},
	{
		file: "dreamwidth.html", title: "Salt and Iron", author: "tidewatcher", rating: "General",
		starts: "Nobody on the island owned a clock",
		absent: []string{"read this on the ferry", "Author of 12 works", "Recent Entries", "Powered by Dreamwidth", "Tide's end", "2 comments"},
		notes:  []string{"Written for the summer exchange"},
	},
	{
		file: "fanfiction-net.html", title: "The Cartographer's Apprentice", author: "Ione Carver", rating: "Teen",
		starts: "The map had a hole in it",
		absent: []string{"Follow/Fav", "Type your review", "Terms of Service", "Chapter Navigation", "Sign Up", "Rated:"},
	},
	{
		file: "deviantart.html", title: "Glass Harbour", author: "quillandcompass",
		starts: "The glassblowers of the harbour",
		absent: []string{"Chills", "More from quillandcompass", "Favourites", "Privacy Policy", "Log In"},
	},
	{
		file: "efiction-printable.html", title: "Winter Crossing", author: "Maren Holt", rating: "General",
		starts: "The river froze from the banks inward",
		absent: []string{"Read Count", "Powered by eFiction", "Back to story", "Categories:"},
	},
	{
		file: "wattpad.html", title: "The Quiet Light", author: "nightferry",
		starts: "The lighthouse had been dark",
		absent: []string{"update soon", "Continue to next part", "1.2K Reads", "Sign up", "Vote"},
	},
	{
		file: "ao3-work-page.html", title: "The Ferryman's Almanac", author: "marram_grass, dunelight", rating: "Mature",
		starts: "In January the river keeps its own counsel",
		absent: []string{"Chapter Text", "January is the short one", "February next week", "Leave Kudos", "sleeping animal",
			"About the Archive", "Bookmark", "Hits:", "Fandoms"},
		notes: []string{"For the almanac challenge", "January is the short one", "February next week"},
	},
	{
		file: "livejournal-new.html", title: "Lantern Hours", author: "gorsebloom", rating: "Mature",
		starts: "The lantern hours began at dusk",
		absent: []string{"Current Music", "the kettle", "So the marsh would know", "Log in", "All rights reserved", "Share", "Pairing"},
		notes:  []string{"harefield"},
	},
	{
		file: "blogger.html", title: "The Heron's Bargain", author: "Edda Marsh",
		starts: "The heron stood in the shallows",
		absent: []string{"Email This", "Posted by", "Herons never pay", "Newer Post", "About Me", "Powered by Blogger", "Labels:", "Reed and Rush"},
	},
	{
		file: "blog-generic.html", title: "Harbour Nights", author: "Jonah Vale",
		starts: "The night boats went out at ten",
		absent: []string{"Naming the moorings", "Leave a Reply", "Author of 3 Stories", "July 2011", "Proudly powered", "Bookmark the"},
	},
}

var tagRe = regexp.MustCompile(`<[^>]*>`)

// TestSitePages reads each site page: title, author, rating, where the
// story starts and that no chrome or comment is left in it.
func TestSitePages(t *testing.T) {
	for _, tc := range siteCases {
		t.Run(tc.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "sites", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			w, err := ParseHTML(tc.file, raw, Options{})
			if err != nil {
				t.Fatalf("ParseHTML: %v", err)
			}
			if err := w.Validate(); err != nil {
				t.Fatalf("the work does not validate: %v", err)
			}
			if !bytes.Equal(w.Sources[0].Raw, raw) {
				t.Errorf("the source does not keep the page's bytes")
			}
			if w.Title != tc.title {
				t.Errorf("title %q, want %q (%+v)", w.Title, tc.title, w.Evidence["title"])
			}
			var names []string
			for _, a := range w.Authors {
				names = append(names, a.Name)
			}
			if got := strings.Join(names, ", "); got != tc.author {
				t.Errorf("author %q, want %q (%+v)", got, tc.author, w.Evidence["authors"])
			}
			if tc.rating != "" && string(w.Rating) != tc.rating {
				t.Errorf("rating %q, want %q", w.Rating, tc.rating)
			}
			var text strings.Builder
			for _, c := range w.Chapters {
				text.WriteString(tagRe.ReplaceAllString(c.Body, " "))
				text.WriteString("\n")
			}
			body := strings.Join(strings.Fields(text.String()), " ")
			if !strings.HasPrefix(body, tc.starts) {
				t.Errorf("the story starts %.120q, want %q", body, tc.starts)
			}
			for _, a := range tc.absent {
				if strings.Contains(body, a) {
					t.Errorf("the story holds %q", a)
				}
			}
			var notes []string
			for _, n := range w.Notes {
				notes = append(notes, n.Label+": "+n.Text)
			}
			for _, n := range tc.notes {
				if !strings.Contains(strings.Join(notes, "\n"), n) {
					t.Errorf("no note holds %q (notes %q)", n, notes)
				}
			}
		})
	}
}

// TestCleanSiteTitle takes the site's decorations off titles.
func TestCleanSiteTitle(t *testing.T) {
	tests := []struct {
		in           string
		sites, users []string
		page         bool
		want         string
	}{
		{in: "[FIC] The Lamplighter's Daughter (1/2)", want: "The Lamplighter's Daughter (1/2)"},
		{in: "[Fic: Smallville, PG] [1/1] Rain", want: "Rain"},
		{in: "Fic: Lantern Hours", want: "Lantern Hours"},
		{in: "(drabble) Sea Glass", want: "Sea Glass"},
		{in: "[Untitled]", want: "[Untitled]"},
		{in: "Story of My Life", want: "Story of My Life"},
		{in: "wrenwhistler: [FIC] The Lamplighter's Daughter", users: []string{"wrenwhistler"}, page: true, want: "The Lamplighter's Daughter"},
		{in: "wrenwhistler: [FIC] The Lamplighter's Daughter", users: []string{"wrenwhistler"}, want: "wrenwhistler: [FIC] The Lamplighter's Daughter"},
		{in: "Pen and Tide | Harbour Nights", sites: []string{"Pen and Tide"}, want: "Harbour Nights"},
		{in: "Harbour Nights | Pen and Tide", sites: []string{"Pen and Tide"}, want: "Harbour Nights"},
		{in: "Pen and Tide", sites: []string{"Pen and Tide"}, want: "Pen and Tide"},
		{in: "The Quiet Light - Chapter One - Wattpad", sites: []string{"Wattpad"}, page: true, want: "The Quiet Light"},
		{in: "The Quiet Light - Chapter One - Wattpad", sites: []string{"Wattpad"}, want: "The Quiet Light - Chapter One"},
		{in: "Glass Harbour by quillandcompass on DeviantArt", sites: []string{"DeviantArt"}, users: []string{"quillandcompass"}, page: true, want: "Glass Harbour"},
		{in: "The Cartographer's Apprentice Chapter 1: The Empty Quarter, a harry potter fanfic | FanFiction", sites: []string{"FanFiction"}, page: true, want: "The Cartographer's Apprentice"},
		{in: "Baptism by Fire", users: []string{"Fire"}, page: true, want: "Baptism by Fire"},
		{in: "Tidewater - Baptism by Fire", sites: []string{"Tidewater"}, page: true, want: "Baptism by Fire"},
		{in: "  ", want: ""},
	}
	for _, tt := range tests {
		if got := cleanSiteTitle(tt.in, tt.sites, tt.users, tt.page); got != tt.want {
			t.Errorf("cleanSiteTitle(%q, %q, %q, %v) = %q, want %q", tt.in, tt.sites, tt.users, tt.page, got, tt.want)
		}
	}
}

// TestLoadSiteRules checks the embedded layouts and the errors of broken
// ones.
func TestLoadSiteRules(t *testing.T) {
	if _, err := loadSiteRules(sitesJSON); err != nil {
		t.Fatalf("sites.json: %v", err)
	}
	tests := []struct {
		name, json, want string
	}{
		{"not JSON", `{`, "reading site layouts"},
		{"no name", `{"sites":[{"detect":["p"]}]}`, "has no name"},
		{"twice", `{"sites":[{"name":"a","detect":["p"]},{"name":"a","detect":["p"]}]}`, "described twice"},
		{"unknown like", `{"sites":[{"name":"a","like":"b","detect":["p"]}]}`, "is not a layout"},
		{"no detect", `{"sites":[{"name":"a"}]}`, "no detect selectors"},
		{"bad selector", `{"sites":[{"name":"a","detect":["p"],"body":["p[["]}]}`, `selector "p[["`},
		{"bad generic selector", `{"generic":{"entry":[">>"]}}`, "generic layout"},
		{"bad pattern", `{"generic":{"chrome_text":["("]}}`, "chrome_text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadSiteRules([]byte(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

// TestSiteChromeLimits: the generic rules narrow and drop only where that
// leaves the story.
func TestSiteChromeLimits(t *testing.T) {
	story := "<p>The tide came in over the flats faster than a horse could run, and the village rang its bell.</p>"
	tests := []struct {
		name, page string
		has        []string // in the text
		absent     []string
	}{
		{
			name: "a story in a comment section is read",
			page: `<html><body><div id="comments">` + story + `</div></body></html>`,
			has:  []string{"The tide came in"},
		},
		{
			name: "a blog's index of two entries is not narrowed to the first",
			page: `<html><body><div class="entry-content">` + story + `</div><div class="entry-content"><p>Second entry: the bell rang again at noon, and nobody came to the door of the church.</p></div></body></html>`,
			has:  []string{"The tide came in", "Second entry"},
		},
		{
			name: "a widget holding most of the page is kept",
			page: `<html><body><div class="widget">` + story + story + `</div><p>Home.</p></body></html>`,
			has:  []string{"The tide came in"},
		},
		{
			name:   "a mood line is dropped, with its value",
			page:   `<html><body>` + story + `<p><b>Current mood:</b> soggy<br>She went home dry.</p></body></html>`,
			has:    []string{"The tide came in", "She went home dry."},
			absent: []string{"Current mood", "soggy"},
		},
		{
			name:   "a stats line is dropped",
			page:   `<html><body><div>1.2K Reads · 88 Votes</div>` + story + `</body></html>`,
			has:    []string{"The tide came in"},
			absent: []string{"Reads"},
		},
		{
			name: "a cut with nothing after it is no preface",
			page: `<html><body><div class="entry-content">` + story + `<a name="cutid1"></a></div></body></html>`,
			has:  []string{"The tide came in"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := ParseHTML("page.html", []byte(tt.page), Options{})
			if err != nil {
				t.Fatalf("ParseHTML: %v", err)
			}
			var text strings.Builder
			for _, c := range w.Chapters {
				text.WriteString(tagRe.ReplaceAllString(c.Body, " "))
			}
			body := strings.Join(strings.Fields(text.String()), " ")
			for _, h := range tt.has {
				if !strings.Contains(body, h) {
					t.Errorf("the story lacks %q: %q", h, body)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(body, a) {
					t.Errorf("the story holds %q: %q", a, body)
				}
			}
		})
	}
}
