package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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
	src, err = Collect([]string{filepath.Join(dir, "missing"), dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(src.Names) != 3 || len(src.Unreadable) != 1 || src.Unreadable[0].Reason != "no such file or folder" {
		t.Errorf("a missing path among good ones: %d names, unreadable %+v", len(src.Names), src.Unreadable)
	}
}

// TestCollectSkipsLinks: inside a folder only regular files are read.
// Symbolic links (to a file, to a folder above, dangling, looping) and a
// named pipe are skipped and listed with a reason, never followed, and the
// walk ends; a link named by the archivist is read.
func TestCollectSkipsLinks(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"story.txt": "x", "sub/other.txt": "x"})
	for link, target := range map[string]string{
		"to-story":      "story.txt",
		"sub/up":        "..", // a loop through the walk, if followed
		"dangling":      "nowhere.txt",
		"loop-a":        "loop-b",
		"loop-b":        "loop-a",
		"sub/self-loop": "self-loop",
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := Collect([]string{dir, filepath.Join(dir, "to-story")})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range src.Names {
		names = append(names, strings.TrimPrefix(src.Display(n), dir+"/"))
	}
	want := []string{"story.txt", "sub/other.txt", "to-story"}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("names = %v, want %v", names, want)
	}
	reasons := map[string]string{}
	for _, sk := range src.Skipped {
		reasons[strings.TrimPrefix(sk.Path, dir+"/")] = sk.Reason
	}
	for path, want := range map[string]string{
		"to-story":      "symbolic link to story.txt, not followed",
		"sub/up":        "symbolic link to .., not followed",
		"dangling":      "symbolic link to nowhere.txt, which cannot be read (no such file or folder)",
		"loop-a":        "symbolic link that loops (loop-b), not followed",
		"loop-b":        "symbolic link that loops (loop-a), not followed",
		"sub/self-loop": "symbolic link that loops (self-loop), not followed",
		"pipe":          "not a regular file (a named pipe)",
	} {
		if got, ok := reasons[path]; !ok || !strings.HasPrefix(got, want) {
			t.Errorf("skipped %s: reason %q, want %q", path, got, want)
		}
	}
	if len(src.Skipped) != 7 || len(src.Unreadable) != 0 {
		t.Errorf("skipped %d (want 7), unreadable %+v", len(src.Skipped), src.Unreadable)
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

// TestRunReportsUnreadablePaths: a path that does not exist is reported
// as a failed file, after everything that does exist was imported.
func TestRunReportsUnreadablePaths(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"folder/a.txt": "Title: A\nAuthor: Ann\n\nThe first story has a beginning.\n",
		"good.txt":     "Title: B\nAuthor: Bo\n\nThe second story has a middle.\n",
	})
	src, err := Collect([]string{filepath.Join(dir, "folder"), filepath.Join(dir, "good.txt"), "/nonexistent-fanarchive-path"})
	if err != nil {
		t.Fatal(err)
	}
	var failed []Result
	rep, err := (&Importer{DryRun: true}).Run(context.Background(), src, "", func(r Result) {
		if r.Status == StatusFailed {
			failed = append(failed, r)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Planned != 2 || rep.Failed != 1 {
		t.Errorf("report %+v, want 2 planned and 1 failed", rep)
	}
	if len(failed) != 1 || failed[0].Files[0] != "/nonexistent-fanarchive-path" ||
		fanarchive.ErrorMessage(failed[0].Err) != "no such file or folder" {
		t.Errorf("failures = %+v", failed)
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
