package records

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/prose"
	"fanarchive/internal/search"
	"fanarchive/internal/store/sqlite"
)

// openRoom returns a room on a new archive in a temporary directory, and
// the archive's path (for a search engine of its own).
func openRoom(t *testing.T) (*Room, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "archive.db")
	s, err := sqlite.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &Room{Store: s, Now: func() time.Time { return time.Date(2026, time.December, 7, 12, 0, 0, 0, time.UTC) }}, path
}

// fixture reads testdata/name.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// post is the fixture name as posted to Level Three, received on day d of
// December 2026.
func post(t *testing.T, name string, d int) Post {
	t.Helper()
	return Post{ListID: 1, ListName: "level3", ListTitle: "Level Three", Fandoms: []string{"Smallville"},
		Raw: fixture(t, name), ReceivedAt: time.Date(2026, time.December, d, 19, 1, 0, 0, time.UTC)}
}

// work reads a filed work.
func work(t *testing.T, r *Room, id int64) *fanarchive.Work {
	t.Helper()
	w, err := r.Store.FindWorkByID(context.Background(), id)
	if err != nil {
		t.Fatalf("FindWorkByID(%d): %v", id, err)
	}
	return w
}

// sourcesHold reports whether the work's sources hold raw byte for byte.
func sourcesHold(t *testing.T, r *Room, w *fanarchive.Work, raw []byte) bool {
	t.Helper()
	for _, s := range w.Sources {
		src, err := r.Store.FindSourceByID(context.Background(), s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(src.Raw, raw) {
			return true
		}
	}
	return false
}

func noteText(w *fanarchive.Work, label string) string {
	for _, n := range w.Notes {
		if n.Label == label {
			return n.Text
		}
	}
	return ""
}

func TestFileOnePost(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name    string
		fiction bool
		title   string
		rating  fanarchive.Rating
		fandoms string
	}{
		{"oneshot.eml", true, "Lamplight", fanarchive.RatingTeen, "Harbour Lights"},
		{"reply.eml", false, "", "", ""},
		{"unknown-charset.eml", true, "Harbour Song", fanarchive.RatingNotRated, "Smallville"},
		{"malformed-mime.eml", true, "Broken Bell", fanarchive.RatingNotRated, "Smallville"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, path := openRoom(t)
			p := post(t, tt.name, 1)
			f, err := r.File(ctx, p)
			if err != nil {
				t.Fatalf("File: %v (%+v)", err, f)
			}
			if f.Fiction != tt.fiction || (f.WorkID != 0) != tt.fiction {
				t.Fatalf("filed = %+v, want fiction %v", f, tt.fiction)
			}
			if !tt.fiction {
				if f.Reason == "" {
					t.Error("no reason given for a post not filed")
				}
				works, _, err := r.Store.FindWorks(ctx, fanarchive.WorkFilter{})
				if err != nil || len(works) != 0 {
					t.Errorf("FindWorks = %d works, %v; want none", len(works), err)
				}
				return
			}
			if !f.New || f.Chapter != 1 {
				t.Errorf("filed = %+v, want a new work at chapter 1", f)
			}
			w := work(t, r, f.WorkID)
			if w.Title != tt.title || w.Rating != tt.rating || strings.Join(w.TagsOf(fanarchive.TagFandom), ",") != tt.fandoms {
				t.Errorf("work = %q, %s, fandoms %v", w.Title, w.Rating, w.TagsOf(fanarchive.TagFandom))
			}
			if tt.name == "oneshot.eml" && (w.Summary != "The keeper's daughter keeps the lamp burning through the storm." ||
				strings.Join(w.TagsOf(fanarchive.TagRelationship), ",") != "Wren/Ash" || w.RatingOriginal != "PG-13") {
				t.Errorf("header fields: summary %q, relationships %v, rating %q", w.Summary, w.TagsOf(fanarchive.TagRelationship), w.RatingOriginal)
			}
			if tt.fandoms == "Smallville" && (!slices.ContainsFunc(w.Tags, func(tg fanarchive.Tag) bool { return tg.Inferred }) ||
				w.Evidence[fanarchive.FieldFandoms].Via != "inferred:list-fandoms") {
				t.Errorf("list fandom not marked inferred: %+v %+v", w.Tags, w.Evidence[fanarchive.FieldFandoms])
			}
			if got := noteText(w, "Posted to"); !strings.Contains(got, "Level Three") || !strings.Contains(got, "2026") {
				t.Errorf("provenance note = %q", got)
			}
			if !sourcesHold(t, r, w, p.Raw) || w.Sources[0].List != "Level Three" ||
				!w.Sources[0].ImportedAt.Equal(p.ReceivedAt) || !strings.HasPrefix(w.Sources[0].Name, "list/level3/") {
				t.Errorf("source = %+v; want the post byte for byte", w.Sources[0])
			}
			if len(w.Authors) != 1 || w.Authors[0].Name != "Wren Halloway" || w.Authors[0].UserID != 0 {
				t.Errorf("authors = %+v, want the legacy author Wren Halloway", w.Authors)
			}
			// The address is the private feedback contact, nowhere a reader
			// sees it.
			if !strings.Contains(w.FeedbackContact, "wren@tide.example.org") {
				t.Errorf("feedback contact = %q", w.FeedbackContact)
			}
			for _, n := range w.Notes {
				if strings.Contains(n.Text, "@") {
					t.Errorf("note %q shows an address: %q", n.Label, n.Text)
				}
			}
			for _, ch := range w.Chapters {
				if strings.Contains(ch.Body, "tide.example.org") {
					t.Errorf("chapter shows the address")
				}
			}
			// Listed and found by search at once.
			works, _, err := r.Store.FindWorks(ctx, fanarchive.WorkFilter{})
			if err != nil || len(works) != 1 || works[0].ID != w.ID {
				t.Errorf("FindWorks = %d works, %v", len(works), err)
			}
			found := searchTitle(t, path, tt.title)
			if !slices.Contains(found, w.ID) {
				t.Errorf("search for %q found %v, want work %d", tt.title, found, w.ID)
			}
			// The same post again adds nothing.
			again, err := r.File(ctx, p)
			if err != nil || again.WorkID != w.ID || again.New || !again.Repeat {
				t.Errorf("filed again = %+v, %v; want a repeat of work %d", again, err, w.ID)
			}
			if n := len(work(t, r, w.ID).Sources); n != 1 {
				t.Errorf("filed again: %d sources, want 1", n)
			}
		})
	}
}

// searchTitle returns the IDs of the works a search of the archive at path
// for title finds, from a search engine of its own (another process's).
func searchTitle(t *testing.T, path, title string) []int64 {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e, err := search.New(ctx, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Search(ctx, fanarchive.SearchQuery{Text: title})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, w := range res.Works {
		ids = append(ids, w.ID)
	}
	return ids
}

func TestPartsOverDays(t *testing.T) {
	ctx := context.Background()
	r, path := openRoom(t)
	var first *Filed
	for _, tt := range []struct {
		name    string
		day     int
		chapter int
		new     bool
		repeat  bool
	}{
		{"tide-1.eml", 1, 1, true, false},
		{"tide-3.eml", 2, 2, false, false},
		{"tide-2.eml", 3, 2, false, false},
		{"tide-2-repost.eml", 4, 2, false, true},
	} {
		f, err := r.File(ctx, post(t, tt.name, tt.day))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if first == nil {
			first = f
		}
		if !f.Fiction || f.WorkID != first.WorkID || f.Chapter != tt.chapter || f.New != tt.new || f.Repeat != tt.repeat {
			t.Errorf("%s: filed %+v, want work %d chapter %d new %v repeat %v", tt.name, f, first.WorkID, tt.chapter, tt.new, tt.repeat)
		}
	}
	w := work(t, r, first.WorkID)
	if len(w.Chapters) != 3 {
		t.Fatalf("%d chapters, want 3", len(w.Chapters))
	}
	for i, begins := range []string{"The first tide turned", "The harbour master did not", "The Curlew came in"} {
		if got := prosePlain(w.Chapters[i].Body); !strings.HasPrefix(got, begins) {
			t.Errorf("chapter %d begins %.40q, want %q", i+1, got, begins)
		}
	}
	if w.Title != "Tide Table" || !w.Complete || len(w.Sources) != 4 || w.Rating != fanarchive.RatingGeneral {
		t.Errorf("work %q, complete %v, %d sources, rating %s", w.Title, w.Complete, len(w.Sources), w.Rating)
	}
	if slices.ContainsFunc(w.Problems, func(p string) bool { return strings.HasPrefix(p, "part missing") }) {
		t.Errorf("problems = %q", w.Problems)
	}
	if !sourcesHold(t, r, w, fixture(t, "tide-2-repost.eml")) {
		t.Error("the repost's bytes are not kept")
	}
	if got := strings.Count(noteText(w, "Posted to"), "Level Three"); got != 1 {
		t.Errorf("provenance notes = %v", w.Notes)
	}
	if !w.Published.Equal(time.Date(2026, time.December, 1, 19, 0, 0, 0, time.UTC)) {
		t.Errorf("published %v, want part 1's date", w.Published)
	}
	if ids := searchTitle(t, path, "Curlew"); !slices.Contains(ids, w.ID) {
		t.Errorf("search for a word of part 3 found %v", ids)
	}

	// The same title from someone else is another story.
	f, err := r.File(ctx, post(t, "tide-other-poster.eml", 5))
	if err != nil || !f.New || f.WorkID == first.WorkID {
		t.Errorf("another poster's part 1 = %+v, %v; want a new work", f, err)
	}
}

func TestOwnedByAccount(t *testing.T) {
	ctx := context.Background()
	r, _ := openRoom(t)
	u := &fanarchive.User{Name: "Wren", Email: "wren@tide.example.org", EmailConfirmed: true, PasswordHash: "$argon2id$x"}
	if err := r.Store.CreateUser(ctx, u, nil, nil); err != nil {
		t.Fatal(err)
	}
	pseuds, err := r.Store.FindPseuds(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	p := post(t, "tide-1.eml", 1)
	p.UserID = u.ID
	f, err := r.File(ctx, p)
	if err != nil || !f.New {
		t.Fatalf("File = %+v, %v", f, err)
	}
	p = post(t, "tide-2.eml", 2)
	p.UserID = u.ID
	if f2, err := r.File(ctx, p); err != nil || f2.WorkID != f.WorkID || f2.Chapter != 2 {
		t.Fatalf("part 2 = %+v, %v", f2, err)
	}
	w := work(t, r, f.WorkID)
	if len(w.Authors) != 1 || w.Authors[0].ID != pseuds[0].ID || w.Authors[0].UserID != u.ID {
		t.Errorf("authors = %+v, want pseud %d", w.Authors, pseuds[0].ID)
	}
	if w.PostedBy != u.ID || !slices.Equal(w.Owners, []int64{u.ID}) || w.Draft {
		t.Errorf("posted by %d, owners %v, draft %v; want owned by %d and listed", w.PostedBy, w.Owners, w.Draft, u.ID)
	}
	if w.FeedbackContact != "" {
		t.Errorf("an owned work keeps the feedback contact %q", w.FeedbackContact)
	}
	works, _, err := r.Store.FindWorks(ctx, fanarchive.WorkFilter{OwnedBy: u.ID})
	if err != nil || len(works) != 1 {
		t.Errorf("the user's works = %d, %v", len(works), err)
	}
	// A legacy author of the same name is another author.
	if a, err := r.Store.FindAuthorsByName(ctx, "Wren Halloway"); err == nil {
		t.Errorf("a legacy author was made: %+v", a)
	}
}

func TestHTMLSanitised(t *testing.T) {
	ctx := context.Background()
	r, _ := openRoom(t)
	p := post(t, "html-script.eml", 4)
	f, err := r.File(ctx, p)
	if err != nil || f.WorkID == 0 {
		t.Fatalf("File = %+v, %v", f, err)
	}
	w := work(t, r, f.WorkID)
	var body strings.Builder
	for _, ch := range w.Chapters {
		body.WriteString(ch.Body)
	}
	for _, bad := range []string{"<script", "alert", "onload", "onclick", "javascript:", "document.cookie", "<style"} {
		if strings.Contains(strings.ToLower(body.String()+w.Summary+w.Title), bad) {
			t.Errorf("work keeps %q:\n%s", bad, body.String())
		}
	}
	// A message is read as a message, not as a page: its headers give
	// the title and the poster, its HTML gives the text.
	if w.Title != "Salt Glass" || !strings.Contains(body.String(), "Sea glass, her grandmother") ||
		strings.Contains(body.String(), "Message-ID") {
		t.Errorf("work %q:\n%s", w.Title, body.String())
	}
	if !sourcesHold(t, r, w, p.Raw) {
		t.Error("the HTML post's bytes are not kept")
	}
}

func TestRefused(t *testing.T) {
	ctx := context.Background()
	r, _ := openRoom(t)
	for name, p := range map[string]Post{
		"empty":     {ListID: 1, ListName: "level3", Raw: nil},
		"blank":     {ListID: 1, ListName: "level3", Raw: []byte("\r\n\r\n  \r\n")},
		"binary":    {ListID: 1, ListName: "level3", Raw: append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0, 1, 2, 3}, 300)...)},
		"no list":   {Raw: fixture(t, "oneshot.eml")},
		"no body":   {ListID: 1, ListName: "level3", Raw: []byte("From: a@b.example\r\nSubject: Empty\r\n\r\n")},
		"too large": {ListID: 1, ListName: "level3", Raw: bytes.Repeat([]byte("x"), maxPostBytes+1)},
	} {
		f, err := r.File(ctx, p)
		if c := fanarchive.ErrorCode(err); c != fanarchive.EUNREADABLE && c != fanarchive.EINVALID {
			t.Errorf("%s: %v, want a refusal", name, err)
			continue
		}
		if f == nil || f.WorkID != 0 || f.Err == nil || !strings.HasPrefix(f.Reason, "refused") {
			t.Errorf("%s: filed %+v", name, f)
		}
	}
}

func TestFileAllMbox(t *testing.T) {
	ctx := context.Background()
	r, _ := openRoom(t)
	raw := fixture(t, "oldlist.mbox")
	var posts []Post
	for _, m := range splitMbox(raw) {
		posts = append(posts, Post{ListID: 7, ListName: "harbour-fic", ListTitle: "Harbour Fic", Fandoms: []string{"Harbour Lights"},
			Raw: m, ReceivedAt: time.Date(1997, time.March, 3, 0, 0, 0, 0, time.UTC)})
	}
	if len(posts) != 4 {
		t.Fatalf("%d posts in the mbox, want 4", len(posts))
	}
	out, err := r.FileAll(ctx, posts)
	if err != nil {
		t.Fatal(err)
	}
	if !out[0].Fiction || !out[0].New || out[0].Chapter != 1 {
		t.Errorf("part 1: %+v", out[0])
	}
	if out[1].Fiction || out[1].WorkID != 0 || out[1].Reason == "" {
		t.Errorf("reply: %+v", out[1])
	}
	if !out[2].Fiction || out[2].New || out[2].WorkID != out[0].WorkID || out[2].Chapter != 2 {
		t.Errorf("part 2: %+v", out[2])
	}
	if out[3].Fiction || out[3].WorkID != 0 || !strings.HasPrefix(out[3].Reason, "not a story") {
		t.Errorf("FAQ: %+v", out[3])
	}
	w := work(t, r, out[0].WorkID)
	if w.Title != "Ferry Crossing" || len(w.Chapters) != 2 || !w.Complete || len(w.Sources) != 2 {
		t.Errorf("work %q, %d chapters, complete %v, %d sources", w.Title, len(w.Chapters), w.Complete, len(w.Sources))
	}
	if !w.Published.Equal(time.Date(1997, time.March, 3, 10, 0, 0, 0, time.UTC)) ||
		!w.Updated.Equal(time.Date(1997, time.March, 5, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("published %v, updated %v", w.Published, w.Updated)
	}
	if got := noteText(w, "Posted to"); !strings.Contains(got, "Harbour Fic (harbour-fic)") || !strings.Contains(got, "1997") {
		t.Errorf("provenance = %q", got)
	}
	// Filing the same mbox again adds nothing.
	again, err := r.FileAll(ctx, posts)
	if err != nil {
		t.Fatal(err)
	}
	if again[0].WorkID != w.ID || again[0].New || !again[0].Repeat || again[2].WorkID != w.ID || !again[2].Repeat {
		t.Errorf("again: %+v %+v", again[0], again[2])
	}
	works, _, err := r.Store.FindWorks(ctx, fanarchive.WorkFilter{})
	if err != nil || len(works) != 1 {
		t.Errorf("FindWorks = %d, %v", len(works), err)
	}
}

// splitMbox cuts an mbox at its "From " lines, each message with its
// envelope line, as a list's archive hands them over.
func splitMbox(raw []byte) [][]byte {
	var out [][]byte
	start := 0
	for i := 0; i < len(raw); {
		end := bytes.IndexByte(raw[i:], '\n')
		if end < 0 {
			break
		}
		next := i + end + 1
		if next < len(raw) && bytes.HasPrefix(raw[next:], []byte("From ")) {
			out = append(out, raw[start:next])
			start = next
		}
		i = next
	}
	return append(out, raw[start:])
}

func prosePlain(body string) string { return strings.TrimSpace(prose.PlainText(body)) }

func TestStoryKey(t *testing.T) {
	for _, tt := range []struct{ a, b string }{
		{"The Tide Table", "tide table"},
		{"Tide  Table!", "TIDE-TABLE"},
		{"A Lamp", "lamp"},
		{"Ähnlich Groß", "ähnlich groß"},
	} {
		if ka, kb := storyKey(tt.a, "p", nil), storyKey(tt.b, "p", nil); ka != kb {
			t.Errorf("keys of %q and %q differ: %q, %q", tt.a, tt.b, ka, kb)
		}
	}
	if storyKey("Lamp", "p1", nil) == storyKey("Lamp", "p2", nil) {
		t.Error("two posters share a key")
	}
	if storyKey("", "p", []byte("a")) == storyKey("", "p", []byte("b")) {
		t.Error("two untitled posts share a key")
	}
	if got := posterKey(Post{Raw: []byte("From: Wren <wren@tide.example.org>\r\nSubject: x\r\n\r\ny\r\n")}); strings.Contains(got, "wren") {
		t.Errorf("poster key %q holds the address", got)
	}
}

// TestWholeThenPart: a story posted whole, then a "(2/2)" of it, is one
// work of two chapters, complete.
func TestWholeThenPart(t *testing.T) {
	ctx := context.Background()
	r, _ := openRoom(t)
	first, err := r.File(ctx, post(t, "oneshot.eml", 1))
	if err != nil {
		t.Fatal(err)
	}
	second, err := r.File(ctx, post(t, "lamplight-2.eml", 2))
	if err != nil || second.WorkID != first.WorkID || second.Chapter != 2 || second.New {
		t.Fatalf("part 2 = %+v, %v; want chapter 2 of work %d", second, err, first.WorkID)
	}
	w := work(t, r, first.WorkID)
	if len(w.Chapters) != 2 || !w.Complete || len(w.Problems) != 0 || w.Rating != fanarchive.RatingTeen {
		t.Errorf("%d chapters, complete %v, problems %q, rating %s", len(w.Chapters), w.Complete, w.Problems, w.Rating)
	}
}
