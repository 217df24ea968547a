package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fanarchive"
	"fanarchive/internal/store/sqlite"
)

// reviewFixtures holds small stories written for these tests: one without a
// title or fandom, two halves of one story imported as two works, and a
// file whose last part is another story.
const reviewFixtures = "testdata/review"

// reviewEnv imports the fixtures into a new data directory and returns the
// environment that points commands at it.
func reviewEnv(t *testing.T) map[string]string {
	t.Helper()
	env := map[string]string{"FANARCHIVE_DATA": t.TempDir(), "FANARCHIVE_LOG": "error", "USER": "tester"}
	if _, errOut, err := runCLI(t, env, "import", reviewFixtures); err != nil {
		t.Fatalf("import: %v\n%s", err, errOut)
	}
	return env
}

// runCLI runs the program with args and returns what it printed.
func runCLI(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	m, out, errOut := testMain(env)
	err := m.Run(context.Background(), args)
	return out.String(), errOut.String(), err
}

// mustRun runs the program and fails the test on an error.
func mustRun(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	out, errOut, err := runCLI(t, env, args...)
	if err != nil {
		t.Fatalf("%v: %v\n%s%s", args, err, out, errOut)
	}
	return out
}

// exitCode is the status main would exit with for err.
func exitCode(err error) int {
	var exit *ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.Code
	}
	return ExitFailure
}

// openReviewStore opens the data directory's store for checks.
func openReviewStore(t *testing.T, env map[string]string) *sqlite.Store {
	t.Helper()
	s, err := openDatabase(context.Background(), "", env["FANARCHIVE_DATA"], nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// workTitled finds the work with a title among all works of both kinds.
func workTitled(t *testing.T, s *sqlite.Store, title string) *fanarchive.Work {
	t.Helper()
	for _, kind := range []fanarchive.Kind{fanarchive.KindFiction, fanarchive.KindOther} {
		works, _, err := s.FindWorks(context.Background(), fanarchive.WorkFilter{Kind: kind, IncludeDuplicates: true, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range works {
			if w.Title == title {
				full, err := s.FindWorkByID(context.Background(), w.ID)
				if err != nil {
					t.Fatal(err)
				}
				return full
			}
		}
	}
	t.Fatalf("no work titled %q", title)
	return nil
}

// queueJSON runs `review --json` with flags and decodes its lines.
func queueJSON(t *testing.T, env map[string]string, flags ...string) []reviewItem {
	t.Helper()
	out := mustRun(t, env, append([]string{"review", "--json"}, flags...)...)
	var items []reviewItem
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var it reviewItem
		if err := json.Unmarshal([]byte(line), &it); err != nil {
			t.Fatalf("bad JSON line %q: %v", line, err)
		}
		items = append(items, it)
	}
	return items
}

func TestReviewQueueListing(t *testing.T) {
	env := reviewEnv(t)
	// Both are at confidence 0 (nothing found), so in ID order, which is
	// the order of the file names.
	items := queueJSON(t, env)
	if len(items) != 2 || items[0].Title != "Home Along the Salt Road" || items[1].Title != "" {
		t.Fatalf("queue = %+v, want the story without a fandom, then the untitled one", items)
	}
	home, first := items[0], items[1]
	if home.Confidence != 0 || len(home.Fields) != 1 || home.Fields[0].Field != "fandoms" || home.Fields[0].Via != "none" {
		t.Errorf("story without a fandom in the queue: %+v", home)
	}
	var fields []string
	for _, f := range first.Fields {
		fields = append(fields, f.Field)
		if f.Via == "" || f.Confidence >= fanarchive.ReviewThreshold {
			t.Errorf("field %+v: want its evidence, below the threshold", f)
		}
	}
	if !slices.Equal(fields, []string{"fandoms", "title"}) || first.Confidence != 0 || first.Chapters != 1 ||
		!slices.Equal(first.Problems, []string{"no title found", "no fandom found"}) || !slices.Equal(first.Authors, []string{"Wren Halloway"}) {
		t.Errorf("untitled story in the queue: %+v", first)
	}

	text := mustRun(t, env, "review")
	for _, want := range []string{
		fmt.Sprintf("work %d  \"Untitled\"  (fiction; 1 chapter;", first.ID),
		"  title         0.00  none\n",
		"  problem       no title found\n",
		"  fandoms       0.00  none\n",
		"2 works need review.",
		"fanarchive review set WORK FIELD VALUE",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("review output lacks %q:\n%s", want, text)
		}
	}
	for _, tt := range []struct {
		flags []string
		want  []int64
	}{
		{[]string{"--field", "title"}, []int64{first.ID}},
		{[]string{"--field", "fandoms"}, []int64{home.ID, first.ID}},
		{[]string{"--problem", "NO TITLE"}, []int64{first.ID}},
		{[]string{"--problem", "fandom"}, []int64{home.ID, first.ID}},
		{[]string{"--kind", "other"}, nil},
		{[]string{"--limit", "1"}, []int64{home.ID}},
		{[]string{"--offset", "1"}, []int64{first.ID}},
	} {
		var got []int64
		for _, it := range queueJSON(t, env, tt.flags...) {
			got = append(got, it.ID)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("review %v = %v, want %v", tt.flags, got, tt.want)
		}
	}
	if out := mustRun(t, env, "review", "--kind", "other"); !strings.Contains(out, "No works need review.") {
		t.Errorf("empty queue:\n%s", out)
	}
}

func TestReviewFixes(t *testing.T) {
	env := reviewEnv(t)
	s := openReviewStore(t, env)
	ctx := context.Background()
	untitled := workTitled(t, s, "").ID
	id := fmt.Sprint(untitled)

	out := mustRun(t, env, "review", "set", id, "title", "The Honest Compass")
	if !strings.Contains(out, `set title          "" → "The Honest Compass"  (by tester)`) {
		t.Errorf("set prints:\n%s", out)
	}
	mustRun(t, env, "review", "set", "--by", "Maple", id, "fandoms", "Harbour Lights, Lighthouse AU")
	w, err := s.FindWorkByID(ctx, untitled)
	if err != nil {
		t.Fatal(err)
	}
	if w.Title != "The Honest Compass" || !slices.Equal(w.TagsOf(fanarchive.TagFandom), []string{"Harbour Lights", "Lighthouse AU"}) ||
		w.NeedsReview() || w.Evidence["title"].Via != fanarchive.ViaArchivist || w.Evidence["fandoms"].Detail != "Maple" {
		t.Errorf("after set: %+v", w)
	}
	if items := queueJSON(t, env); len(items) != 1 || items[0].ID == untitled {
		t.Errorf("fixed work still in the queue: %+v", items)
	}

	// Two halves of one story, imported as two works: merge them.
	road, home := workTitled(t, s, "The Salt Road"), workTitled(t, s, "Home Along the Salt Road")
	out = mustRun(t, env, "review", "merge", fmt.Sprint(road.ID), fmt.Sprint(home.ID))
	if !strings.Contains(out, "merge chapters") || !strings.Contains(out, "Home Along the Salt Road") {
		t.Errorf("merge prints:\n%s", out)
	}
	merged := workTitled(t, s, "The Salt Road")
	if len(merged.Chapters) != 2 || len(merged.Sources) != 2 || merged.Words != road.Words+home.Words {
		t.Errorf("merged work: %d chapters, %d sources, %d words", len(merged.Chapters), len(merged.Sources), merged.Words)
	}
	if _, err := s.FindWorkByID(ctx, home.ID); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		t.Errorf("merged-away work: %v", err)
	}

	// A file whose last part is another story: split it off and name it.
	glued := workTitled(t, s, "Two Winters")
	out = mustRun(t, env, "review", "split", fmt.Sprint(glued.ID), "3")
	var newID int64
	if _, err := fmt.Sscanf(out[strings.Index(out, "now work ")+len("now work "):], "%d", &newID); err != nil {
		t.Fatalf("split prints:\n%s", out)
	}
	mustRun(t, env, "review", "set", fmt.Sprint(newID), "title", "Letters from the Lighthouse")
	letters := workTitled(t, s, "Letters from the Lighthouse")
	if letters.ID != newID || len(letters.Chapters) != 1 || !strings.Contains(letters.Chapters[0].Body, "The keeper wrote to") ||
		len(workTitled(t, s, "Two Winters").Chapters) != 2 {
		t.Errorf("split: new work %+v", letters)
	}
	mustRun(t, env, "review", "mark-other", fmt.Sprint(newID))
	listed, _, err := s.FindWorks(ctx, fanarchive.WorkFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(listed, func(w *fanarchive.Work) bool { return w.ID == newID }) || len(listed) != 3 {
		t.Errorf("after mark-other the listing has %d works", len(listed))
	}
	mustRun(t, env, "review", "mark-fiction", fmt.Sprint(newID))

	// Importing the same files again finds every work; nothing is made twice.
	if _, errOut, err := runCLI(t, env, "import", reviewFixtures); err != nil || !strings.Contains(errOut, "0 created, 4 already present, 0 failed") {
		t.Errorf("re-import: %v\n%s", err, errOut)
	}
	if _, n, _ := s.FindWorks(ctx, fanarchive.WorkFilter{}); n != 4 {
		t.Errorf("%d works listed after the re-import, want 4", n)
	}

	// The history, as text and JSON.
	hist := mustRun(t, env, "review", "history", fmt.Sprint(newID))
	for _, want := range []string{"split chapters", `set title          "Two Winters (part 2)" → "Letters from the Lighthouse"`, "mark kind", "(by tester)"} {
		if !strings.Contains(hist, want) {
			t.Errorf("history lacks %q:\n%s", want, hist)
		}
	}
	var edits []fanarchive.WorkEdit
	for _, line := range strings.Split(strings.TrimSpace(mustRun(t, env, "review", "history", "--json", id)), "\n") {
		var e fanarchive.WorkEdit
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("history --json line %q: %v", line, err)
		}
		edits = append(edits, e)
	}
	if len(edits) != 2 || edits[0].By != "tester" || edits[1].By != "Maple" || edits[1].Field != "fandoms" {
		t.Errorf("history --json = %+v", edits)
	}

	// The original files are as they were.
	for _, w := range []*fanarchive.Work{merged, letters, w} {
		for _, src := range w.Sources {
			got, err := s.FindSourceByID(ctx, src.ID)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join(reviewFixtures, filepath.Base(got.Name)))
			if err != nil || string(got.Raw) != string(want) {
				t.Errorf("source %s differs from its file: %v", got.Name, err)
			}
		}
	}
}

func TestReviewErrors(t *testing.T) {
	env := reviewEnv(t)
	s := openReviewStore(t, env)
	glued := fmt.Sprint(workTitled(t, s, "Two Winters").ID)
	tests := []struct {
		args []string
		code int
		msg  string // in the error
	}{
		{[]string{"review", "bogus"}, ExitUsage, "unknown review subcommand"},
		{[]string{"review", "extra", "args"}, ExitUsage, "unknown review subcommand"},
		{[]string{"review", "--limit", "0"}, ExitUsage, "--limit"},
		{[]string{"review", "--field", "mood"}, ExitUsage, "Unknown field"},
		{[]string{"review", "--kind", "poem"}, ExitUsage, "kind"},
		{[]string{"review", "--no-such-flag"}, ExitUsage, ""},
		{[]string{"review", "set", "abc", "title", "x"}, ExitUsage, "WORK must be a work ID"},
		{[]string{"review", "set", "0", "title", "x"}, ExitUsage, "WORK must be a work ID"},
		{[]string{"review", "set", glued, "mood", "x"}, ExitUsage, "unknown field"},
		{[]string{"review", "set", glued, "title"}, ExitUsage, "needs WORK FIELD VALUE"},
		{[]string{"review", "set", glued, "title", "x", "--by", "me"}, ExitUsage, "flags go before"},
		{[]string{"review", "set", "--by", " ", glued, "title", "x"}, ExitUsage, "--by"},
		{[]string{"review", "set", "999", "title", "x"}, ExitFailure, "Work 999 not found."},
		{[]string{"review", "set", glued, "rating", "PG-13"}, ExitFailure, "Rating"},
		{[]string{"review", "set", glued, "duplicate_of", glued}, ExitFailure, "itself"},
		{[]string{"review", "confirm", glued, "mood"}, ExitUsage, "unknown field"},
		{[]string{"review", "confirm"}, ExitUsage, "needs WORK"},
		{[]string{"review", "merge", glued}, ExitUsage, "needs INTO FROM"},
		{[]string{"review", "merge", glued, "x"}, ExitUsage, "FROM must be a work ID"},
		{[]string{"review", "merge", glued, glued}, ExitFailure, "cannot be merged into itself"},
		{[]string{"review", "merge", glued, "999"}, ExitFailure, "not found"},
		{[]string{"review", "split", glued, "1"}, ExitUsage, "CHAPTER"},
		{[]string{"review", "split", glued, "9"}, ExitFailure, "has 3 chapters"},
		{[]string{"review", "mark-other"}, ExitUsage, "needs WORK"},
		{[]string{"review", "mark-fiction", "999"}, ExitFailure, "not found"},
		{[]string{"review", "history", "999"}, ExitFailure, "not found"},
	}
	for _, tt := range tests {
		_, _, err := runCLI(t, env, tt.args...)
		if code := exitCode(err); code != tt.code {
			t.Errorf("%v: exit %d (%v), want %d", tt.args, code, err, tt.code)
			continue
		}
		if msg := fanarchive.ErrorMessage(err); tt.msg != "" && !strings.Contains(msg, tt.msg) && !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%v: error %q does not say %q", tt.args, err, tt.msg)
		}
	}
	if h := mustRun(t, env, "review", "history", glued); !strings.Contains(h, "has not been edited") {
		t.Errorf("failed edits were recorded:\n%s", h)
	}
	// Every subcommand explains itself.
	for _, args := range [][]string{{"review", "--help"}, {"help", "review"}, {"review", "set", "--help"}, {"review", "confirm", "-h"},
		{"review", "merge", "--help"}, {"review", "split", "--help"}, {"review", "mark-fiction", "--help"},
		{"review", "mark-other", "--help"}, {"review", "history", "--help"}} {
		out, _, err := runCLI(t, env, args...)
		if err != nil || !strings.Contains(out, "Usage: fanarchive review") {
			t.Errorf("%v: %v\n%s", args, err, out)
		}
	}
}
