package cli

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fanarchive"
)

// TestImportEfiction imports the eFiction fixture dump into a new archive
// with the import command, checks the works, tags, sources and claim
// contacts as stored, and imports it again: nothing is added.
func TestImportEfiction(t *testing.T) {
	data := t.TempDir()
	dump := filepath.Join("..", "efiction", "testdata", "archive.sql")
	stories := filepath.Join("..", "efiction", "testdata", "stories")
	run := func(args ...string) (string, string) {
		t.Helper()
		m, out, errOut := testMain(nil)
		err := m.Run(context.Background(), append([]string{"import", "efiction"}, args...))
		var exit *ExitError
		if !errors.As(err, &exit) || exit.Code != ExitFailure { // the fixture's bad row
			t.Fatalf("import efiction %v: err = %v, want exit status 1 for the bad row\n%s", args, err, errOut)
		}
		return out.String(), errOut.String()
	}

	out, report := run(dump, "--stories", stories, "--dry-run", "--json")
	var titles []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var rec struct {
			Title    string `json:"title"`
			Feedback string `json:"feedback"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("dry-run JSON %q: %v", line, err)
		}
		titles = append(titles, rec.Title)
	}
	if want := []string{"Salt Lines", "The Lamp Room", "Café Noël"}; !slices.Equal(titles, want) {
		t.Errorf("dry run titles = %q, want %q", titles, want)
	}
	for _, want := range []string{
		"dry run: 1 files read, 3 works would be imported; nothing was changed",
		`story 3 "Unfinished Draft": not validated on the old archive`,
		"2 reviews kept, not shown: comments arrive with issue 10",
		"2 places in series kept as notes",
		"table fanfiction_stories, line 116: 3 values for 21 columns",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("dry-run report lacks %q:\n%s", want, report)
		}
	}

	_, report = run("--data", data, dump, "--stories", stories)
	if !strings.Contains(report, "1 files read: 3 created, 0 already present, 0 failed") {
		t.Errorf("import report:\n%s", report)
	}
	_, report = run("--data", data, dump, "--stories", stories)
	if !strings.Contains(report, "1 files read: 0 created, 3 already present, 0 failed") {
		t.Errorf("second import report:\n%s", report)
	}

	ctx := context.Background()
	store, err := openDatabase(ctx, "", data, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	works, total, err := store.FindWorks(ctx, fanarchive.WorkFilter{})
	if err != nil || total != 3 {
		t.Fatalf("FindWorks: %d works, %v", total, err)
	}
	byTitle := map[string]*fanarchive.Work{}
	for _, w := range works {
		full, err := store.FindWorkByID(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		byTitle[w.Title] = full
	}
	salt, lamp := byTitle["Salt Lines"], byTitle["The Lamp Room"]
	if salt == nil || lamp == nil {
		t.Fatalf("works = %v", byTitle)
	}
	if got := salt.AuthorNames(); !slices.Equal(got, []string{"Wren Halloway", "Ohm Kessler"}) {
		t.Errorf("Salt Lines authors = %q", got)
	}
	if got := salt.TagsOf(fanarchive.TagFandom); !slices.Equal(got, []string{"Harbour Lights > Lighthouse Era"}) {
		t.Errorf("Salt Lines fandoms = %q", got)
	}
	if salt.Rating != fanarchive.RatingTeen || lamp.Rating != fanarchive.RatingExplicit || len(salt.Chapters) != 2 {
		t.Errorf("ratings %s, %s; %d chapters", salt.Rating, lamp.Rating, len(salt.Chapters))
	}
	if strings.Contains(salt.Chapters[1].Body, "script") {
		t.Errorf("stored body keeps a script: %q", salt.Chapters[1].Body)
	}
	if len(lamp.Sources) != 2 || lamp.Sources[1].Name != "stories/2/3.txt" {
		t.Errorf("Lamp Room sources = %+v", lamp.Sources)
	}
	// The author's address is where claims read it, and never on the work.
	target, err := store.FindClaimTarget(ctx, lamp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !target.HasAddress || target.SameAddress != 2 {
		t.Errorf("claim target = %+v, want an address shared by Ohm Kessler's two works", target)
	}
	for _, w := range byTitle {
		if s, _ := json.Marshal(w); strings.Contains(string(s), "@lab7.example.net") || strings.Contains(string(s), "@tide.example.org") {
			t.Errorf("%s shows an author's address: %s", w.Title, s)
		}
	}

	// Another prefix, no bad rows: exit status 0.
	m, _, errOut := testMain(nil)
	if err := m.Run(ctx, []string{"import", "efiction", "--data", data, filepath.Join("..", "efiction", "testdata", "prefixed.sql")}); err != nil {
		t.Fatalf("prefixed dump: %v\n%s", err, errOut)
	}
	if !strings.Contains(errOut.String(), "1 created") || !strings.Contains(errOut.String(), "eFiction tables ef_*") {
		t.Errorf("prefixed report:\n%s", errOut)
	}
}
