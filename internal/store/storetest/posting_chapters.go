package storetest

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fanarchive"
)

// chapterShape returns a work's chapters as "number:title:words" items,
// checking that numbers run 1..n and that the work's words are their sum.
func chapterShape(t *testing.T, s fanarchive.Store, id int64) string {
	t.Helper()
	w := find(t, s, id)
	var parts []string
	sum := 0
	for i, ch := range w.Chapters {
		if ch.Number != i+1 {
			t.Errorf("work %d: chapter %d is numbered %d", id, i+1, ch.Number)
		}
		sum += ch.Words
		parts = append(parts, fmtChapter(ch))
	}
	if sum != w.Words {
		t.Errorf("work %d: %d words, its chapters have %d", id, w.Words, sum)
	}
	return strings.Join(parts, " ")
}

func fmtChapter(ch *fanarchive.Chapter) string {
	return strconv.Itoa(ch.Number) + ":" + ch.Title + ":" + strconv.Itoa(ch.Words)
}

func testPostChapters(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	w := create(t, s, postedWork("Chaptered", poster))
	if got := chapterShape(t, s, w.ID); got != "1:Beginnings:5" {
		t.Fatalf("created: %s", got)
	}
	created := find(t, s, w.ID)

	// Added at the end, then at the front: the store counts the words.
	end := &fanarchive.Chapter{Title: " Endings ", Body: "<p>Three words here.</p>", Words: 999}
	must(t, s.AddChapter(ctx, w.ID, end, poster))
	if end.ID == 0 || end.Number != 2 || end.Words != 3 || end.Title != "Endings" || end.WorkID != w.ID || end.Pages != 1 {
		t.Errorf("AddChapter set %+v", end)
	}
	front := &fanarchive.Chapter{Number: 1, Title: "Prologue", Body: "<p>Once upon a time.</p>"}
	must(t, s.AddChapter(ctx, w.ID, front, poster))
	if got := chapterShape(t, s, w.ID); got != "1:Prologue:4 2:Beginnings:5 3:Endings:3" {
		t.Errorf("after adding: %s", got)
	}
	got := find(t, s, w.ID)
	if !got.Updated.After(created.Updated) || got.Begins != "Once upon a time." {
		t.Errorf("after adding at the front: updated %v (was %v), begins %q", got.Updated, created.Updated, got.Begins)
	}

	// Edited: title and text.
	edit := &fanarchive.Chapter{ID: end.ID, Title: "The End", Body: "<p>Four words are here.</p>"}
	must(t, s.UpdateChapter(ctx, w.ID, edit, poster))
	if edit.Number != 3 || edit.Words != 4 {
		t.Errorf("UpdateChapter set %+v", edit)
	}
	if got := chapterShape(t, s, w.ID); got != "1:Prologue:4 2:Beginnings:5 3:The End:4" {
		t.Errorf("after editing: %s", got)
	}
	ch, err := s.FindChapter(ctx, w.ID, 3)
	must(t, err)
	if ch.Body != "<p>Four words are here.</p>" || ch.ID != end.ID {
		t.Errorf("edited chapter: %+v", ch)
	}
	n := len(revisionOps(t, s, w.ID))
	must(t, s.UpdateChapter(ctx, w.ID, edit, poster)) // the same again
	if len(revisionOps(t, s, w.ID)) != n {
		t.Error("an edit that changes nothing recorded a revision")
	}

	// Reordered, then one deleted: numbers stay 1..n.
	must(t, s.ReorderChapters(ctx, w.ID, []int64{end.ID, front.ID, w.Chapters[0].ID}, poster))
	if got := chapterShape(t, s, w.ID); got != "1:The End:4 2:Prologue:4 3:Beginnings:5" {
		t.Errorf("after reordering: %s", got)
	}
	if got := find(t, s, w.ID); got.Begins != "Four words are here." {
		t.Errorf("begins after reordering: %q", got.Begins)
	}
	must(t, s.DeleteChapter(ctx, w.ID, front.ID, poster))
	if got := chapterShape(t, s, w.ID); got != "1:The End:4 2:Beginnings:5" {
		t.Errorf("after deleting: %s", got)
	}
	wantCode(t, errOf(s.FindChapter(ctx, w.ID, 3)), fanarchive.ENOTFOUND)

	// Every change is a revision; a body change is a summary, not a copy.
	ops := revisionOps(t, s, w.ID)
	want := []string{"create 101 ", "add-chapter 101 chapter 2", "add-chapter 101 chapter 1",
		"edit-chapter 101 chapter 3 title,chapter 3", "reorder-chapters 101 chapters", "delete-chapter 101 chapter 2"}
	if !slices.Equal(ops, want) {
		t.Errorf("revisions:\n%q\nwant\n%q", ops, want)
	}
	revs, err := s.FindWorkRevisions(ctx, w.ID)
	must(t, err)
	for _, r := range revs {
		for _, c := range r.Changes {
			for _, text := range []string{c.Old, c.New} {
				if strings.Contains(text, "words are here") || strings.Contains(text, "<p>") {
					t.Errorf("revision %s keeps chapter text: %q", r.Op, text)
				}
			}
		}
	}
	if c := revs[3].Changes[1]; !strings.HasPrefix(c.Old, strconv.Itoa(len(end.Body))+" bytes, 3 words, sha256 ") ||
		!strings.HasPrefix(c.New, strconv.Itoa(len(edit.Body))+" bytes, 4 words, sha256 ") {
		t.Errorf("body change recorded as %+v", c)
	}
}

func testPostChaptersInvalid(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	w := create(t, s, postedWork("Guarded", poster))
	other := create(t, s, postedWork("Other", poster))
	only := w.Chapters[0].ID
	for _, tt := range []struct {
		name string
		err  error
		code string
	}{
		{"add past the end", s.AddChapter(ctx, w.ID, &fanarchive.Chapter{Number: 3, Body: "<p>x</p>"}, poster), fanarchive.EINVALID},
		{"add with a title of two lines", s.AddChapter(ctx, w.ID, &fanarchive.Chapter{Title: "a\nb", Body: "<p>x</p>"}, poster), fanarchive.EINVALID},
		{"add a body too long", s.AddChapter(ctx, w.ID, &fanarchive.Chapter{Body: strings.Repeat("x", fanarchive.MaxChapterBody+1)}, poster), fanarchive.EINVALID},
		{"add by nobody", s.AddChapter(ctx, w.ID, &fanarchive.Chapter{Body: "<p>x</p>"}, 0), fanarchive.EINVALID},
		{"add to no work", s.AddChapter(ctx, 99999, &fanarchive.Chapter{Body: "<p>x</p>"}, poster), fanarchive.ENOTFOUND},
		{"edit another work's chapter", s.UpdateChapter(ctx, w.ID, &fanarchive.Chapter{ID: other.Chapters[0].ID, Body: "<p>x</p>"}, poster), fanarchive.ENOTFOUND},
		{"edit no chapter", s.UpdateChapter(ctx, w.ID, &fanarchive.Chapter{ID: 99999, Body: "<p>x</p>"}, poster), fanarchive.ENOTFOUND},
		{"reorder with a chapter missing", s.ReorderChapters(ctx, w.ID, nil, poster), fanarchive.EINVALID},
		{"reorder with another work's chapter", s.ReorderChapters(ctx, w.ID, []int64{other.Chapters[0].ID}, poster), fanarchive.EINVALID},
		{"reorder with a chapter twice", s.ReorderChapters(ctx, w.ID, []int64{only, only}, poster), fanarchive.EINVALID},
		{"delete the only chapter", s.DeleteChapter(ctx, w.ID, only, poster), fanarchive.EINVALID},
		{"delete another work's chapter", s.DeleteChapter(ctx, w.ID, other.Chapters[0].ID, poster), fanarchive.ENOTFOUND},
	} {
		if code := fanarchive.ErrorCode(tt.err); code != tt.code {
			t.Errorf("%s: %v (code %q), want %q", tt.name, tt.err, code, tt.code)
		}
	}
	if got := chapterShape(t, s, w.ID); got != "1:Beginnings:5" {
		t.Errorf("refused changes changed the chapters: %s", got)
	}
	if got := chapterShape(t, s, other.ID); got != "1:Beginnings:5" {
		t.Errorf("refused changes changed another work: %s", got)
	}
}

// testPostLongChapters checks that a long chapter added or edited is
// stored in pages, and that shortening it leaves one page.
func testPostLongChapters(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	w := create(t, s, postedWork("Novel", poster))
	body, _ := longBody("novel", 3*fanarchive.ChapterPageBytes)
	long := &fanarchive.Chapter{Title: "Everything", Body: body}
	must(t, s.AddChapter(ctx, w.ID, long, poster))
	if long.Pages < 3 {
		t.Fatalf("a chapter of %d bytes in %d pages", len(body), long.Pages)
	}
	var joined strings.Builder
	for _, pg := range readPages(t, s, long) {
		joined.WriteString(pg.Body)
	}
	if joined.String() != body {
		t.Error("the pages of an added chapter do not make up its body")
	}
	short := &fanarchive.Chapter{ID: long.ID, Title: "Less", Body: "<p>Cut down.</p>"}
	must(t, s.UpdateChapter(ctx, w.ID, short, poster))
	if short.Pages != 1 {
		t.Errorf("shortened chapter in %d pages", short.Pages)
	}
	pg, err := s.FindChapterPage(ctx, long.ID, 1)
	must(t, err)
	if pg.Pages != 1 || pg.Body != "<p>Cut down.</p>" {
		t.Errorf("page 1 of the shortened chapter: %+v", pg)
	}
	wantCode(t, errOf(s.FindChapterPage(ctx, long.ID, 2)), fanarchive.ENOTFOUND)
	longer := &fanarchive.Chapter{ID: long.ID, Title: "More", Body: body}
	must(t, s.UpdateChapter(ctx, w.ID, longer, poster))
	if ch, err := s.FindChapter(ctx, w.ID, 2); err != nil || ch.Body != body || ch.Pages != long.Pages {
		t.Errorf("lengthened chapter: %d pages, same body %t, %v", ch.Pages, ch.Body == body, err)
	}
}

// testPostSanitised checks that a body is stored sanitised whichever
// method writes it, and that what sanitising takes out is not searchable.
func testPostSanitised(t *testing.T, s fanarchive.Store, searcher func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	ss := searcher(t)
	dirty := `<p onclick="steal()">Kept words.</p><script>var hidden = "bandersnatch";</script><style>p{}</style>` +
		`<iframe src="//evil.example">jabberwock</iframe><a href="javascript:x()">link text</a>`
	clean := "<p>Kept words.</p>link text"

	w := postedWork("Dirty post", poster)
	w.Chapters[0].Body = dirty
	create(t, s, w)
	if w.Chapters[0].Body != clean {
		t.Errorf("CreateWork left the chapter holding %q, want the stored %q", w.Chapters[0].Body, clean)
	}
	imp := newWork("Dirty import")
	imp.Chapters[0].Body = dirty
	imp.Chapters[0].Text = "bandersnatch" // the caller's text, now wrong
	if _, err := s.ImportWorks(ctx, []*fanarchive.Work{imp}); err != nil {
		t.Fatal(err)
	}
	added := &fanarchive.Chapter{Body: dirty}
	must(t, s.AddChapter(ctx, w.ID, added, poster))
	edited := &fanarchive.Chapter{ID: w.Chapters[0].ID, Title: "Edited", Body: dirty + "<p>more</p>"}
	must(t, s.UpdateChapter(ctx, w.ID, edited, poster))

	for _, c := range []struct {
		work int64
		n    int
		want string
	}{{w.ID, 1, clean + "<p>more</p>"}, {w.ID, 2, clean}, {imp.ID, 1, clean}} {
		ch, err := s.FindChapter(ctx, c.work, c.n)
		must(t, err)
		if ch.Body != c.want {
			t.Errorf("work %d chapter %d stored as %q, want %q", c.work, c.n, ch.Body, c.want)
		}
		pg, err := s.FindChapterPage(ctx, ch.ID, 1)
		must(t, err)
		if pg.Body != c.want {
			t.Errorf("work %d chapter %d page 1 is %q", c.work, c.n, pg.Body)
		}
	}
	if added.Words != 4 {
		t.Errorf("added chapter counted %d words; sanitised, it has 4", added.Words)
	}
	for _, word := range []string{"bandersnatch", "jabberwock", "steal"} {
		expectIDs(t, "search for "+word, searchIDs(t, ss, fanarchive.SearchQuery{Text: word}))
	}
	expectIDs(t, "search for kept words", searchIDs(t, ss, fanarchive.SearchQuery{Text: `"kept words"`}), w.ID, imp.ID)
}

// testPostChapterInput checks that a chapter keeps what its author wrote,
// for the edit form, beside the body pages show.
func testPostChapterInput(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	w := postedWork("Written in Markdown", poster)
	w.Chapters[0].InputFormat, w.Chapters[0].Input = "markdown", "The lamp *burned* all night."
	create(t, s, w)
	input := func(n int) string {
		t.Helper()
		ch, err := s.FindChapter(ctx, w.ID, n)
		must(t, err)
		return ch.InputFormat + ":" + ch.Input
	}
	if got := input(1); got != "markdown:The lamp *burned* all night." {
		t.Errorf("created chapter's input: %q", got)
	}
	if got := find(t, s, w.ID).Chapters[0]; got.Input != "" || got.InputFormat != "" {
		t.Errorf("FindWorkByID returned the input: %+v", got)
	}
	ch := &fanarchive.Chapter{Body: "<p>Plain.</p>", InputFormat: "text", Input: "Plain."}
	must(t, s.AddChapter(ctx, w.ID, ch, poster))
	if got := input(2); got != "text:Plain." {
		t.Errorf("added chapter's input: %q", got)
	}
	n := len(revisionOps(t, s, w.ID))
	ch.Input = "Plain.\n" // renders the same: stored, but no revision
	must(t, s.UpdateChapter(ctx, w.ID, ch, poster))
	if got := input(2); got != "text:Plain.\n" || len(revisionOps(t, s, w.ID)) != n {
		t.Errorf("input-only edit: %q, %d revisions (was %d)", got, len(revisionOps(t, s, w.ID)), n)
	}
	ch.InputFormat, ch.Input, ch.Body = "", "", "<p>Edited as HTML.</p>"
	must(t, s.UpdateChapter(ctx, w.ID, ch, poster))
	if got := input(2); got != ":" {
		t.Errorf("input after an edit without one: %q", got)
	}
	for _, bad := range []*fanarchive.Chapter{
		{Body: "<p>x</p>", InputFormat: "rtf", Input: "x"},
		{Body: "<p>x</p>", Input: "no format"},
		{Body: "<p>x</p>", InputFormat: "text", Input: "\xff"},
	} {
		wantCode(t, s.AddChapter(ctx, w.ID, bad, poster), fanarchive.EINVALID)
	}
	bad := postedWork("Bad input", poster)
	bad.Chapters[0].InputFormat = "docx"
	wantCode(t, s.CreateWork(ctx, bad), fanarchive.EINVALID)
}
