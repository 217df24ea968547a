package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/pgtest"
	"fanarchive/internal/store/sqlite"
)

// TestMain lets a test run this package's program as a child process:
// with FANARCHIVE_TEST_MAIN=1 the test binary is fanarchive itself.
func TestMain(m *testing.M) {
	if os.Getenv("FANARCHIVE_TEST_MAIN") == "1" {
		err := New().Run(context.Background(), os.Args[1:])
		if err != nil {
			fmt.Fprintln(os.Stderr, "fanarchive:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(pgtest.Main(m))
}

// fanarchiveCommand returns a command that runs fanarchive with args.
func fanarchiveCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "FANARCHIVE_TEST_MAIN=1", "FANARCHIVE_LOG=error")
	return cmd
}

// TestImportCrashSafety kills an import with SIGKILL partway through, runs
// it again, and checks that the archive is exactly what one clean run
// makes: every work, chapter, tag, author and source, nothing twice.
func TestImportCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped with -short")
	}
	corpus := t.TempDir()
	writeRescueCorpus(t, corpus, 240)

	clean := t.TempDir()
	if out, err := fanarchiveCommand(t, "import", "--data", clean, corpus).CombinedOutput(); err != nil {
		t.Fatalf("clean import: %v\n%s", err, out)
	}
	want := dumpArchive(t, clean)
	if len(want) < 100 {
		t.Fatalf("clean import made only %d works", len(want))
	}

	crashed := t.TempDir()
	for attempt := 0; ; attempt++ {
		cmd := fanarchiveCommand(t, "import", "--data", crashed, corpus)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if waitAndKill(t, cmd, filepath.Join(crashed, databaseFile), len(want)/3) {
			break
		}
		if attempt == 3 {
			t.Fatal("the import finished before it could be killed, four times")
		}
		crashed = t.TempDir()
	}
	partial := countWorks(t, crashed)
	if partial == 0 || partial >= len(want) {
		t.Fatalf("killed import left %d of %d works; want a partial import", partial, len(want))
	}
	out, err := fanarchiveCommand(t, "import", "--data", crashed, corpus).CombinedOutput()
	if err != nil {
		t.Fatalf("import after the crash: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), fmt.Sprintf("%d already present", partial)) {
		t.Errorf("re-run report does not count the %d works stored before the crash:\n%s", partial, out)
	}
	got := dumpArchive(t, crashed)
	if len(got) != len(want) {
		t.Fatalf("after crash and re-run: %d works, clean run: %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("work %d differs after crash and re-run:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
	t.Logf("killed after %d of %d works; re-run completed the archive identically", partial, len(want))
}

// waitAndKill waits for cmd (already started) to store at least n works in
// the archive at db, kills it with SIGKILL, and waits for it to die. It
// reports false if the command ended by itself first.
func waitAndKill(t *testing.T, cmd *exec.Cmd, db string, n int) bool {
	t.Helper()
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	deadline := time.After(2 * time.Minute)
	for {
		select {
		case <-exited:
			return false
		case <-deadline:
			t.Fatal("timed out waiting for the import to store works")
		case <-time.After(2 * time.Millisecond):
		}
		if countWorksFile(db) >= n {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				<-exited
				return false
			}
			<-exited
			return true
		}
	}
}

// countWorksFile counts works in the SQLite file with a plain read-only
// connection, so as not to disturb the importer (no migrations, no
// writes); 0 while the file or table does not exist yet.
func countWorksFile(db string) int {
	if _, err := os.Stat(db); err != nil {
		return 0
	}
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return 0
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(`SELECT count(*) FROM works`).Scan(&n); err != nil {
		return 0
	}
	return n
}

func countWorks(t *testing.T, data string) int {
	t.Helper()
	return len(dumpArchive(t, data))
}

// dumpArchive renders every work of the archive, with everything stored
// about it except IDs, timestamps and import runs, one JSON line per work,
// sorted.
func dumpArchive(t *testing.T, data string) []string {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(data, databaseFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out []string
	originOf := map[int64]string{}
	var all []*fanarchive.Work
	for _, kind := range []fanarchive.Kind{fanarchive.KindFiction, fanarchive.KindOther} {
		for offset := 0; ; offset += 100 {
			works, _, err := s.FindWorks(ctx, fanarchive.WorkFilter{Kind: kind, IncludeDuplicates: true, Offset: offset, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range works {
				full, err := s.FindWorkByID(ctx, w.ID)
				if err != nil {
					t.Fatal(err)
				}
				originOf[full.ID] = full.Origin
				all = append(all, full)
			}
			if len(works) < 100 {
				break
			}
		}
	}
	for _, w := range all {
		type chapter struct {
			Number       int
			Title, Body  string
			Words        int
			SourceSHA256 string
		}
		type source struct{ Name, SHA256, Encoding string }
		d := struct {
			Origin, Title, Kind, Rating, Summary string
			Authors                              []string
			Tags                                 []fanarchive.Tag
			Notes                                []fanarchive.Note
			Words                                int
			Complete                             bool
			DuplicateOf                          string
			Chapters                             []chapter
			Sources                              []source
			Problems                             []string
		}{Origin: w.Origin, Title: w.Title, Kind: string(w.Kind), Rating: string(w.Rating), Summary: w.Summary,
			Authors: w.AuthorNames(), Notes: w.Notes, Words: w.Words, Complete: w.Complete,
			DuplicateOf: originOf[w.DuplicateOf], Problems: w.Problems}
		shaOf := map[int64]string{}
		for _, src := range w.Sources {
			shaOf[src.ID] = src.SHA256
			d.Sources = append(d.Sources, source{src.Name, src.SHA256, src.Encoding})
			raw, err := s.FindSourceByID(ctx, src.ID)
			if err != nil || fanarchive.SumSHA256(raw.Raw) != src.SHA256 {
				t.Fatalf("source %s of %q: bytes do not match their SHA-256 (%v)", src.Name, w.Title, err)
			}
		}
		for _, tg := range w.Tags {
			d.Tags = append(d.Tags, fanarchive.Tag{Kind: tg.Kind, Name: tg.Name, Inferred: tg.Inferred})
		}
		for _, c := range w.Chapters {
			d.Chapters = append(d.Chapters, chapter{c.Number, c.Title, c.Body, c.Words, shaOf[c.SourceID]})
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	sort.Strings(out)
	return out
}

// writeRescueCorpus writes n files shaped like a legacy archive, written
// for this test: single stories with headers, files of several posts that
// are the parts of one story, stories whose parts are in separate files,
// reposts, and reviews.
func writeRescueCorpus(t *testing.T, dir string, n int) {
	t.Helper()
	r := rand.New(rand.NewPCG(7, 7))
	words := strings.Fields("the lamp burned on the north tower while the boats came home and Abel counted " +
		"the stairs again she said nothing he looked at the harbour wall where the tide was turning grey " +
		"and cold they walked down to the water Tamsin asked whether the light would hold tonight")
	story := func(paras int) string {
		var b strings.Builder
		for p := 0; p < paras; p++ {
			b.WriteString(`"`)
			for i := 0; i < 40+r.IntN(60); i++ {
				if i > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(words[r.IntN(len(words))])
			}
			b.WriteString(`," she said.` + "\n\n")
		}
		return b.String()
	}
	post := func(from, subject, date, body string) string {
		return fmt.Sprintf("From: %s\nNewsgroups: alt.startrek.creative\nSubject: %s\nDate: %s\nMessage-ID: <%d@example.net>\n\n%s\n",
			from, subject, date, r.Int64(), body)
	}
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < n; i++ {
		author := fmt.Sprintf("Writer %c. Number%d", 'A'+rune(i%26), i)
		switch i % 6 {
		case 0, 1: // a single story with a labelled header
			write(fmt.Sprintf("story%03d.txt", i), fmt.Sprintf("Title: Tide Story %d\nAuthor: %s\nRating: PG\n\n%s", i, author, story(8)))
		case 2: // a file of four posts, the parts of one story
			var b strings.Builder
			for p := 1; p <= 4; p++ {
				b.WriteString(post("w"+fmt.Sprint(i)+"@example.net ("+author+")", fmt.Sprintf("Harbour Saga %d (%d/4)", i, p),
					"Mon, 3 May 1993 10:00:00 GMT", story(5)))
			}
			write(fmt.Sprintf("saga%03d.news", i), b.String())
		case 3: // a story whose two parts are in two files
			for p := 1; p <= 2; p++ {
				write(fmt.Sprintf("split%03d.part%d", i, p), post("s"+fmt.Sprint(i)+"@example.net ("+author+")",
					fmt.Sprintf("Split Tale %d, Part %d of 2", i, p), "Tue, 4 May 1993 11:00:00 GMT", story(6)))
			}
		case 4: // a story and its repost under another name
			text := fmt.Sprintf("Title: Echo %d\nAuthor: %s\n\n%s", i, author, story(7))
			write(fmt.Sprintf("echo%03d.txt", i), text)
			write(fmt.Sprintf("echo%03d-repost.txt", i), "Reposted by request.\n\n"+text)
		case 5: // a review
			write(fmt.Sprintf("ep%03d.rev", i), post("critic@example.net (A Critic)", fmt.Sprintf("REVIEW: Episode %d (TNG)", i),
				"Wed, 5 May 1993 12:00:00 GMT", "I thought this episode was good. Plot: 7. Characterization: 8. Overall rating: 7/10.\n\n"+
					"The show has its moments; the writers and the actors did well this season, in my opinion.\n"))
		}
	}
}
