package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/demo"
	"fanarchive/internal/export"
	"fanarchive/internal/importer"
	"fanarchive/internal/store/sqlite"
)

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "fanarchive.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// archive returns a store holding the demo stories and works the importer
// does not make: one with no original file (as a posted work has none), a
// restricted one whose chapters come from two files, with notes, evidence
// and problems, and a duplicate of it.
func archive(t *testing.T) *sqlite.Store {
	t.Helper()
	ctx := context.Background()
	s := openStore(t)
	fsys, names := demo.Stories()
	im := &importer.Importer{Works: s, Runs: s}
	if rep, err := im.Run(ctx, importer.Source{FS: fsys, Names: names}, "import demo", nil); err != nil || rep.Created == 0 {
		t.Fatalf("import demo: %+v %v", rep, err)
	}
	plain := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "Written Here", Rating: fanarchive.RatingGeneral,
		Authors:   []fanarchive.Author{{Name: "Ada Quill"}},
		Published: time.Date(2020, 5, 6, 7, 8, 9, 0, time.UTC),
		Chapters: []*fanarchive.Chapter{{Number: 1, Title: "One", Body: "<p>Words &amp; more words.</p>", Words: 3},
			{Number: 2, Title: "Long", Body: strings.Repeat("<p>A paragraph of a chapter long enough to be paged.</p>\n", 8000), Words: 80000}}}
	if err := s.CreateWork(ctx, plain); err != nil {
		t.Fatal(err)
	}
	two := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "Two Files <b>", Rating: fanarchive.RatingMature,
		RatingOriginal: "R", Authors: []fanarchive.Author{{Name: "Bo"}, {Name: "Cy"}}, Summary: "A & B.",
		Notes:    []fanarchive.Note{{Label: "Disclaimer", Text: "Not mine."}},
		EndNotes: []fanarchive.Note{{Label: "Thanks", Text: "To the list."}},
		Tags:     []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Tides"}, {Kind: fanarchive.TagFreeform, Name: "Salt", Inferred: true}},
		Language: "en", Words: 4, Complete: true, Restricted: true, PublishedFrom: fanarchive.DateUnknown,
		Evidence: map[string]fanarchive.Evidence{fanarchive.FieldTitle: {Confidence: 0.5, Via: "byline", Detail: "x"}, fanarchive.FieldAuthors: {Confidence: 1, Via: "header:From"}},
		Problems: []string{"no rating found"},
		Sources: []*fanarchive.Source{fanarchive.NewSource("in/one.txt", []byte("one\r\n\xe9\x00")),
			fanarchive.NewSource("in/two two.txt", []byte("two"))},
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>one two</p>", Words: 2, SourceID: -1},
			{Number: 2, Body: "<p>three four</p>", Words: 2, SourceID: -2}}}
	for _, src := range two.Sources {
		src.Archive, src.List, src.Encoding = "Records", "L3", "windows-1252"
	}
	if err := s.CreateWork(ctx, two); err != nil {
		t.Fatal(err)
	}
	dup := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "Two Files again", Rating: fanarchive.RatingMature,
		Authors: []fanarchive.Author{{Name: "Bo"}}, DuplicateOf: two.ID,
		Sources:  []*fanarchive.Source{fanarchive.NewSource("repost.txt", []byte("one two three four"))},
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>one two three four</p>", Words: 4}}}
	if err := s.CreateWork(ctx, dup); err != nil {
		t.Fatal(err)
	}
	// A posted work is exported under its pseud's name; a draft is not
	// exported at all.
	for _, draft := range []bool{false, true} {
		posted := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "Posted", Rating: fanarchive.RatingTeen,
			Authors: []fanarchive.Author{{Name: "Pseud Posted"}}, Language: "en", Words: 2, PostedBy: 101, Draft: draft,
			Tags: []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Original Work"}, {Kind: fanarchive.TagWarning, Name: "No Archive Warnings Apply"}},
			Chapters: []*fanarchive.Chapter{{Number: 1, Title: "Start", Body: "<p>Posted <em>here</em>.</p>\n", Words: 2,
				InputFormat: "markdown", Input: "Posted *here*."}}}
		if err := s.CreateWork(ctx, posted); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func write(t *testing.T, s export.Store) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "export")
	if _, err := export.Write(context.Background(), s, dir, export.Options{}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// readTree returns every file under dir by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sameTree(t *testing.T, what, a, b string) {
	t.Helper()
	ta, tb := readTree(t, a), readTree(t, b)
	for p, x := range ta {
		if y, ok := tb[p]; !ok {
			t.Errorf("%s: %s is missing", what, p)
		} else if !bytes.Equal(x, y) {
			t.Errorf("%s: %s differs:\n%s\n----\n%s", what, p, x, y)
		}
	}
	for p := range tb {
		if _, ok := ta[p]; !ok {
			t.Errorf("%s: %s is new", what, p)
		}
	}
}

// TestRoundTrip: export → import into a fresh archive → export is
// byte-identical, the originals come back byte for byte, and importing
// the folder again adds nothing.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	a := archive(t)
	first := write(t, a)
	sameTree(t, "export twice", first, write(t, a))

	folder, err := export.Open(first)
	if err != nil {
		t.Fatal(err)
	}
	m := folder.Manifest
	if m.Works != 9 || m.Sources < 8 || m.ExportedAt != "" {
		t.Errorf("manifest: %d works, %d sources, exported_at %q", m.Works, m.Sources, m.ExportedAt)
	}
	b := openStore(t)
	rep, err := folder.Import(ctx, b, "import test")
	if err != nil || rep.Created != m.Works || rep.Present != 0 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	sameTree(t, "export of the import", first, write(t, b))

	rep, err = folder.Import(ctx, b, "import test again")
	if err != nil || rep.Created != 0 || rep.Present != m.Works {
		t.Errorf("second import: %+v %v", rep, err)
	}
	all := fanarchive.WorkFilter{IncludeDuplicates: true, IncludeRestricted: true}
	_, want, _ := a.FindWorks(ctx, all)
	if _, n, _ := b.FindWorks(ctx, all); n != want {
		t.Errorf("%d works of fiction after importing twice, want %d", n, want)
	}
	sameTree(t, "export after importing twice", first, write(t, b))
	if !bytes.Contains(readTree(t, first)["works/"+posted(t, first)], []byte(`"input": "Posted *here*."`)) {
		t.Error("the posted chapter's text as written is not in the export")
	}

	// Every original, byte for byte, and no private contact.
	for _, f := range m.Files {
		if !strings.HasPrefix(f.Path, "sources/") {
			continue
		}
		src, err := b.FindSourceBySHA256(ctx, f.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		full, err := b.FindSourceByID(ctx, src.ID)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := os.ReadFile(filepath.Join(first, f.Path))
		if !bytes.Equal(full.Raw, want) {
			t.Errorf("%s: the imported original differs", f.Path)
		}
	}
	for p, data := range readTree(t, first) {
		if strings.HasPrefix(p, "works/") && bytes.Contains(data, []byte("@")) {
			t.Errorf("%s holds an address:\n%s", p, data)
		}
	}
}

// posted returns the file name of the export's posted work: the one with
// an export: origin (as "Written Here" has too) and the title "Posted".
func posted(t *testing.T, dir string) string {
	t.Helper()
	for p, b := range readTree(t, dir) {
		if strings.HasPrefix(p, "works/") && bytes.Contains(b, []byte(`"origin": "export:`)) &&
			bytes.Contains(b, []byte(`"title": "Posted"`)) {
			return strings.TrimPrefix(p, "works/")
		}
	}
	t.Fatal(`no work titled "Posted" with an export: origin`)
	return ""
}

// TestOpenRefuses: a damaged folder is refused, with the reason, before
// anything is stored.
func TestOpenRefuses(t *testing.T) {
	first := write(t, archive(t))
	folder, err := export.Open(first)
	if err != nil {
		t.Fatal(err)
	}
	var work, source string
	for _, f := range folder.Manifest.Files {
		if strings.HasPrefix(f.Path, "works/") && work == "" {
			work = f.Path
		} else if strings.HasPrefix(f.Path, "sources/") && source == "" {
			source = f.Path
		}
	}
	// rehash makes the manifest agree with a changed file, so that what
	// refuses it is the file's content.
	rehash := func(t *testing.T, dir, p string) {
		var m map[string]any
		mb, _ := os.ReadFile(filepath.Join(dir, export.ManifestName))
		if err := json.Unmarshal(mb, &m); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(dir, p))
		for _, f := range m["files"].([]any) {
			if f := f.(map[string]any); f["path"] == p {
				f["sha256"], f["size"] = fanarchive.SumSHA256(b), len(b)
			}
		}
		mb, _ = json.Marshal(m)
		os.WriteFile(filepath.Join(dir, export.ManifestName), mb, 0o644)
	}
	editManifest := func(old, new string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, export.ManifestName)
			b, _ := os.ReadFile(p)
			if !bytes.Contains(b, []byte(old)) {
				t.Fatalf("manifest has no %q", old)
			}
			os.WriteFile(p, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644)
		}
	}
	truncate := func(p string, keep float64) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			b, _ := os.ReadFile(filepath.Join(dir, p))
			os.WriteFile(filepath.Join(dir, p), b[:int(float64(len(b))*keep)], 0o644)
		}
	}
	for _, tt := range []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   string
	}{
		{"corrupted original", func(t *testing.T, dir string) {
			p := filepath.Join(dir, source)
			b, _ := os.ReadFile(p)
			b[0] ^= 1
			os.WriteFile(p, b, 0o644)
		}, "SHA-256 does not match"},
		{"truncated work", truncate(work, 0.5), "truncated or changed"},
		{"truncated work, manifest agreeing", func(t *testing.T, dir string) {
			truncate(work, 0.5)(t, dir)
			rehash(t, dir, work)
		}, "truncated or damaged"},
		{"truncated manifest", truncate(export.ManifestName, 0.5), "not valid JSON"},
		{"unknown version", editManifest(`"version": 1`, `"version": 2`), "version 2"},
		{"another format", editManifest(`"format": "fanarchive-export"`, `"format": "other"`), "not a fanarchive export"},
		{"missing file", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, source)) }, "cannot be read"},
		{"path outside", editManifest(`"path": "`+source, `"path": "../`+source), "not a works/*.json"},
		{"unknown field", func(t *testing.T, dir string) {
			p := filepath.Join(dir, work)
			b, _ := os.ReadFile(p)
			os.WriteFile(p, bytes.Replace(b, []byte(`"kind"`), []byte(`"kinds"`), 1), 0o644)
			rehash(t, dir, work)
		}, "unknown field"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "copy")
			os.CopyFS(dir, os.DirFS(first))
			tt.damage(t, dir)
			_, err := export.Open(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open: %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

// TestSeriesNotMadeAgain: a work's place in a series is exported, and the
// import, which cannot make a series without its account, says so and
// still imports the work.
func TestSeriesNotMadeAgain(t *testing.T) {
	ctx := context.Background()
	a := openStore(t)
	w := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "Part One", Rating: fanarchive.RatingTeen,
		Authors: []fanarchive.Author{{Name: "Pseud"}}, Language: "en", Words: 1, PostedBy: 101,
		Series:   []fanarchive.SeriesPart{{Title: "The Watch"}},
		Tags:     []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Original Work"}, {Kind: fanarchive.TagWarning, Name: "No Archive Warnings Apply"}},
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>One.</p>\n", Words: 1}}}
	if err := a.CreateWork(ctx, w); err != nil {
		t.Fatal(err)
	}
	dir := write(t, a)
	files, _ := filepath.Glob(filepath.Join(dir, "works", "*.json"))
	if len(files) != 1 {
		t.Fatalf("%d work files", len(files))
	}
	if b, _ := os.ReadFile(files[0]); !bytes.Contains(b, []byte(`"title": "The Watch"`)) {
		t.Errorf("the series is not in the export:\n%s", b)
	}
	folder, err := export.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := folder.Import(ctx, openStore(t), "import")
	if err != nil || rep.Created != 1 || rep.SeriesDropped != 1 {
		t.Errorf("import: %+v %v", rep, err)
	}
}
