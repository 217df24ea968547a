package sqlite

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fanarchive"
	"fanarchive/internal/privacy"
)

// oldWork is a work as the importer stored it before it masked addresses:
// every derived field holds one, in one form or another.
func oldWork() *fanarchive.Work {
	raw := []byte("Title: Tide Tables\nAuthor: Rowan Ash <rowan@tide.example.org>\n\nThe sea went out.\n-- \nrowan@tidevax\n")
	return &fanarchive.Work{
		Kind:    fanarchive.KindFiction,
		Title:   "Reply to rowan@tidevax",
		Authors: []fanarchive.Author{{Name: "Rowan Ash"}, {Name: "<kelp@shore.example.com>"}},
		Summary: "Summary for kelpvax!shorenet!rowan.",
		Notes:   []fanarchive.Note{{Label: "Mail rowan@tidevax", Text: "or rowan (at) tide (dot) org"}},
		Rating:  fanarchive.RatingGeneral,
		Tags: []fanarchive.Tag{
			{Kind: fanarchive.TagFreeform, Name: "rowan@tide.example.org"},
			{Kind: fanarchive.TagFreeform, Name: "Tides of rowan@tidevax"},
			{Kind: fanarchive.TagFandom, Name: "Original Work"},
		},
		Chapters: []*fanarchive.Chapter{{Number: 1, Title: "Part 1, for rowan@tidevax",
			Body: "<p>The sea went out. Write <em>rowan@tidevax</em>.</p>", Words: 6}},
		Words:           6,
		Begins:          "The sea went out. Write rowan@tidevax.",
		FeedbackContact: "rowan@tide.example.org",
		Evidence: map[string]fanarchive.Evidence{
			fanarchive.FieldTitle:    {Confidence: 0.5, Via: "guess", Detail: "Reply to rowan@tidevax"},
			fanarchive.FieldFeedback: {Confidence: 0.85, Via: "header:Author", Detail: "rowan@tide.example.org"},
		},
		Problems: []string{`duplicate of another work: 90% of its text is in "Reply to rowan@tidevax"`},
		Sources: []*fanarchive.Source{{Name: "tide.txt", Raw: raw, SHA256: fanarchive.SumSHA256(raw), Size: int64(len(raw)),
			List: "tide-l", Archive: "The Shore Archive, kelp@shore.example.com", FeedbackContact: "rowan@tide.example.org"}},
	}
}

// TestMaskStoredAddresses builds an archive as it was before migration
// 0008, with addresses in every derived field, and opens it: they must be
// masked, in the full-text index too, once, and nothing private lost.
func TestMaskStoredAddresses(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s := openAt(t, path)
	w := oldWork()
	if err := s.CreateWork(ctx, w); err != nil { // CreateWork stores what it is given
		t.Fatal(err)
	}
	plain := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "Salt", Authors: []fanarchive.Author{{Name: "Rowan Ash"}},
		Rating: fanarchive.RatingGeneral, Tags: []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Original Work"}},
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>No address here!</p>", Words: 3}}, Words: 3}
	if err := s.CreateWork(ctx, plain); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s, `SELECT count(*) FROM work_text WHERE work_text MATCH 'tidevax'`); n != 1 {
		t.Fatalf("before: %d works indexed under tidevax, want 1", n)
	}
	// Back to the archive's state before migration 0008.
	undoMaskMigration(t, s)
	plainBefore, err := s.FindWorkByID(ctx, plain.ID)
	if err != nil {
		t.Fatal(err)
	}
	changesBefore := countRows(t, s, `SELECT count(*) FROM search_changes`)
	s.Close()

	s = openAt(t, path)
	defer s.Close()
	got, err := s.FindWorkByID(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Reply to [address hidden]" || got.Summary != "Summary for [address hidden]." ||
		got.Chapters[0].Title != "Part 1, for [address hidden]" ||
		got.Chapters[0].Body != "<p>The sea went out. Write <em>[address hidden]</em>.</p>" {
		t.Errorf("masked work: %q, %q, %q, %q", got.Title, got.Summary, got.Chapters[0].Title, got.Chapters[0].Body)
	}
	if names := got.AuthorNames(); !slices.Equal(names, []string{"Rowan Ash"}) || !slices.Contains(got.Problems, privacy.ProblemAuthorAddress) {
		t.Errorf("byline %q, problems %q: the address-only author should be gone, with a problem", names, got.Problems)
	}
	if tags := got.TagsOf(fanarchive.TagFreeform); !slices.Equal(tags, []string{"Tides of [address hidden]"}) {
		t.Errorf("freeform tags %q", tags)
	}
	shown := *got // all but the private feedback contact (not in JSON) and its evidence
	shown.Evidence = maps.Clone(got.Evidence)
	delete(shown.Evidence, fanarchive.FieldFeedback)
	public, _ := json.Marshal(struct {
		W    *fanarchive.Work
		Body string
	}{&shown, got.Chapters[0].Body})
	if found := privacy.Find(string(public)); len(found) > 0 || bytes.Contains(public, []byte("rowan@")) {
		t.Errorf("stored work still shows an address: %s", public)
	}

	// Private fields keep the address; the original is byte for byte.
	if got.FeedbackContact != "rowan@tide.example.org" || got.Evidence[fanarchive.FieldFeedback].Detail != "rowan@tide.example.org" {
		t.Errorf("feedback contact %q, evidence %q: they must stay as written", got.FeedbackContact, got.Evidence[fanarchive.FieldFeedback].Detail)
	}
	src, err := s.FindSourceByID(ctx, got.Sources[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(src.Raw, w.Sources[0].Raw) || src.FeedbackContact != "rowan@tide.example.org" {
		t.Errorf("source changed: %q, contact %q", src.Raw, src.FeedbackContact)
	}
	if src.Archive != "The Shore Archive, [address hidden]" || src.List != "tide-l" {
		t.Errorf("source names %q, %q", src.Archive, src.List)
	}

	// The old names lead nowhere; the full-text index forgot the addresses.
	if _, err := s.FindAuthorByName(ctx, "<kelp@shore.example.com>"); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		t.Errorf("author by the address: %v, want not found", err)
	}
	for _, name := range []string{"rowan@tide.example.org", "Tides of rowan@tidevax"} {
		if _, err := s.FindTag(ctx, fanarchive.TagFreeform, name); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
			t.Errorf("tag %q: %v, want not found", name, err)
		}
	}
	if n := countRows(t, s, `SELECT count(*) FROM authors WHERE name LIKE '%@%'`) +
		countRows(t, s, `SELECT count(*) FROM tags WHERE name LIKE '%@%'`); n != 0 {
		t.Errorf("%d authors or tags still named by an address", n)
	}
	for _, q := range []string{"tidevax", "kelpvax", "shorenet", "kelp", "hidden"} {
		if n := countRows(t, s, `SELECT count(*) FROM work_text WHERE work_text MATCH ?`, q); n != 0 {
			t.Errorf("%d works indexed under %q", n, q)
		}
	}
	if n := countRows(t, s, `SELECT count(*) FROM work_text WHERE work_text MATCH 'sea'`); n != 1 {
		t.Errorf("%d works indexed under sea, want 1", n)
	}
	if n := countRows(t, s, `SELECT count(*) FROM search_changes WHERE work_id = ? AND op = 'put'`, w.ID); n != 2 {
		t.Errorf("%d puts logged for the masked work, want 2 (created, masked)", n)
	}

	// A work without addresses is not touched, and it all runs once.
	if again, _ := s.FindWorkByID(ctx, plain.ID); !again.UpdatedAt.Equal(plainBefore.UpdatedAt) {
		t.Error("a work without addresses was rewritten")
	}
	if n := countRows(t, s, `SELECT count(*) FROM pending_data_migrations`); n != 0 {
		t.Errorf("%d data migrations still pending", n)
	}
	changes := countRows(t, s, `SELECT count(*) FROM search_changes`)
	s.Close()
	s = openAt(t, path)
	if n := countRows(t, s, `SELECT count(*) FROM search_changes`); n != changes || changes <= changesBefore {
		t.Errorf("search changes: %d before, %d after masking, %d after opening again", changesBefore, changes, n)
	}
}

// TestDataMigrationUnknown refuses to open an archive that asks for a data
// migration this version does not know, rather than skipping it.
func TestDataMigrationUnknown(t *testing.T) {
	path := filepath.Join(t.TempDir(), "archive.db")
	s := openAt(t, path)
	if _, err := s.db.Exec(`INSERT INTO pending_data_migrations (name) VALUES ('from-the-future')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err := Open(context.Background(), path, nil); err == nil || !strings.Contains(err.Error(), "from-the-future") {
		if s != nil {
			s.Close()
		}
		t.Errorf("Open = %v, want an error naming the unknown migration", err)
	}
}

func countRows(t *testing.T, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestMaskStoredAddressesInPages: a long chapter, stored in pages, is
// masked in its pages and stays in pages that make up its masked body.
func TestMaskStoredAddressesInPages(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s := openAt(t, path)
	para := "<p>The tide went out and came in again, and the keeper counted it.</p>\n"
	body := strings.Repeat(para, 3*fanarchive.ChapterPageBytes/len(para)) + "<p>Write to gull@tide.example.org.</p>\n" + strings.Repeat(para, 100)
	w := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "Long Tide", Rating: fanarchive.RatingGeneral,
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: body}}}
	if err := s.CreateWork(ctx, w); err != nil {
		t.Fatal(err)
	}
	undoMaskMigration(t, s)
	s.Close()
	s = openAt(t, path)
	defer s.Close()
	got, err := s.FindWorkByID(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(body, "gull@tide.example.org", "[address hidden]", 1)
	if got.Chapters[0].Body != want {
		t.Errorf("the long chapter was not masked in place (%d bytes, want %d)", len(got.Chapters[0].Body), len(want))
	}
	ch := got.Chapters[0]
	if ch.Pages < 2 {
		t.Fatalf("the long chapter is in %d pages", ch.Pages)
	}
	var joined strings.Builder
	for n := 1; n <= ch.Pages; n++ {
		p, err := s.FindChapterPage(ctx, ch.ID, n)
		if err != nil {
			t.Fatal(err)
		}
		joined.WriteString(p.Body)
	}
	if joined.String() != want {
		t.Error("its pages do not make up the masked body")
	}
	if n := countRows(t, s, `SELECT count(*) FROM chapters WHERE id = `+strconv.FormatInt(ch.ID, 10)+` AND body <> ''`); n != 0 {
		t.Error("the paged chapter's own body column is not empty")
	}
}

// undoMaskMigration takes an archive back to its state before migration
// 0008, so that opening it again masks what it stores.
func undoMaskMigration(t *testing.T, s *Store) {
	t.Helper()
	for _, q := range []string{`DROP TABLE pending_data_migrations`, `DELETE FROM migrations WHERE name = '0008_mask_addresses.sql'`} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}
