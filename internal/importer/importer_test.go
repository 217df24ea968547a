package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fanarchive"
	"fanarchive/internal/ingest"
	"fanarchive/internal/store/sqlite"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCollect(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"b.txt": "x", "a/c.txt": "x", "a/.hidden": "x", ".git/config": "x", "d/e/f.txt": "x",
	})
	src, err := Collect([]string{dir, filepath.Join(dir, "b.txt")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range src.Names {
		got = append(got, strings.TrimPrefix(src.Display(n), dir+"/"))
	}
	want := []string{"a/c.txt", "b.txt", "d/e/f.txt"} // b.txt named twice, collected once
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Collect = %v, want %v", got, want)
	}
	if _, err := Collect([]string{filepath.Join(dir, "missing")}); err == nil {
		t.Error("Collect of a missing path: no error")
	}
}

// TestRun imports a folder with good and bad files into a real SQLite
// store: bad files are reported and do not stop the batch, and a second
// run finds everything already present.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"1-good.txt":  "Title: One\nAuthor: Ann\n\nThe first story has a beginning.\n",
		"2-empty.txt": "",
		"3-good.txt":  "Title: Two\nAuthor: Bo\n\nThe second story has a middle.\n",
		"4-junk.bin":  "\x00\x01\x02\x03\x04\x05\x06\x07",
		"5-big.txt":   "Title: Big\n\n" + strings.Repeat("word ", 1000),
	})
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	src, err := Collect([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	im := &Importer{Works: store, Runs: store, Options: ingest.Options{MaxBytes: 2000}}
	var failed []string
	rep, err := im.Run(context.Background(), src, "test", func(r Result) {
		if r.Status == StatusFailed {
			failed = append(failed, filepath.Base(r.Files[0])+": "+fanarchive.ErrorMessage(r.Err))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 2 || rep.Failed != 3 || rep.Present != 0 {
		t.Errorf("report = %+v, want 2 created, 3 failed", rep)
	}
	want := []string{"2-empty.txt: The file is empty.", "4-junk.bin: The file is binary data", "5-big.txt: The file is 0.0 MB; the import limit is 0.0 MB per file."}
	for i, w := range want {
		if i >= len(failed) || !strings.HasPrefix(failed[i], strings.SplitN(w, ";", 2)[0]) {
			t.Errorf("failure %d = %q, want %q", i, failed, w)
		}
	}
	rep, err = im.Run(context.Background(), src, "test again", nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 0 || rep.Present != 2 {
		t.Errorf("second run = %+v, want 2 already present", rep)
	}
	works, total, err := store.FindWorks(context.Background(), fanarchive.WorkFilter{})
	if err != nil || total != 2 || len(works) != 2 {
		t.Errorf("FindWorks = %d works, total %d, err %v", len(works), total, err)
	}
}

// TestDryRunStoresNothing: a dry run needs no store at all.
func TestDryRunStoresNothing(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.txt": "Title: A\n\nSome story text here.\n"})
	src, _ := Collect([]string{dir})
	im := &Importer{DryRun: true}
	rep, err := im.Run(context.Background(), src, "", nil)
	if err != nil || rep.Planned != 1 {
		t.Fatalf("dry run: %+v, %v", rep, err)
	}
}

// TestCancel stops between files when the context ends.
func TestCancel(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.txt": "Title: A\n\nText.\n"})
	src, _ := Collect([]string{dir})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (&Importer{DryRun: true}).Run(ctx, src, "", nil); err != context.Canceled {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestRunMasksAddresses: what the importer reports and stores hides every
// address, in whatever field the parser put it, while the feedback contact
// keeps it.
func TestRunMasksAddresses(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"tide.txt": "Title: Reply to rowan@tidevax\n" +
		"Author: Rowan Ash <rowan@tide.example.org>\n" +
		"Disclaimer: Mail kelpvax!shorenet!rowan with comments.\n\n" +
		"The sea went out at dawn and the boats lay on their sides in the mud. " +
		"Someone had chalked QX12@TIDEVM1 on the harbour wall.\n\n" +
		"The End\n\nArchived at the Shore Archive, kelp@shore.example.com\n"})
	src, _ := Collect([]string{dir})
	var works []*fanarchive.Work
	im := &Importer{DryRun: true}
	if _, err := im.Run(context.Background(), src, "", func(r Result) { works = append(works, r.Work) }); err != nil {
		t.Fatal(err)
	}
	if len(works) != 1 {
		t.Fatalf("%d works, want 1", len(works))
	}
	w := works[0]
	rec := ingest.NewRecord(w)
	shown := fmt.Sprintf("%q %q %q %q %q %q %q", rec.Title, rec.Authors, rec.Notes, rec.Begins, rec.Ends, rec.Archive, w.Chapters[0].Body)
	for _, leak := range []string{"rowan@", "!rowan", "QX12", "kelp@"} {
		if strings.Contains(shown, leak) {
			t.Errorf("the work shows %q: %s", leak, shown)
		}
	}
	if !strings.Contains(rec.Title, "[address hidden]") || !strings.Contains(w.Chapters[0].Body, "[address hidden]") {
		t.Errorf("title %q, body %q: addresses should be hidden, not dropped", rec.Title, w.Chapters[0].Body)
	}
	if rec.Feedback != "rowan@tide.example.org" {
		t.Errorf("feedback contact %q, want the address as written", rec.Feedback)
	}
}
