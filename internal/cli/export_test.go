package cli

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readExport returns every file of an export folder by path.
func readExport(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files[p], err = os.ReadFile(filepath.Join(dir, p))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sameExport(t *testing.T, what, a, b string) {
	t.Helper()
	fa, fb := readExport(t, a), readExport(t, b)
	if len(fa) != len(fb) {
		t.Errorf("%s: %d files, want %d", what, len(fb), len(fa))
	}
	for p, x := range fa {
		if !bytes.Equal(x, fb[p]) {
			t.Errorf("%s: %s differs", what, p)
		}
	}
}

// TestExportImport: export → import into a fresh archive → export, and
// backup → restore → export, are byte-identical to the first export;
// importing the folder twice adds nothing; a damaged folder is refused
// and adds nothing.
func TestExportImport(t *testing.T) {
	data := t.TempDir()
	if _, err := runIn(t, "", "import", "--data", data, "../demo/stories", "testdata/review", "testdata/claim/ledger.txt"); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	first := filepath.Join(out, "first")
	msg, err := runIn(t, "", "export", "--data", data, "--out", first, "--time", "2026-01-02T03:04:05Z")
	if err != nil || !strings.Contains(msg, "Exported ") {
		t.Fatalf("export: %v\n%s", err, msg)
	}
	if man, _ := os.ReadFile(filepath.Join(first, "manifest.json")); !bytes.Contains(man, []byte(`"exported_at": "2026-01-02T03:04:05Z"`)) {
		t.Errorf("manifest without the --time given:\n%.300s", man)
	}
	if _, err := runIn(t, "", "export", "--data", data, "--out", first); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("export into a full folder: %v", err)
	}

	fresh := t.TempDir()
	m, _, errOut := testMain(nil)
	if err := m.Run(t.Context(), []string{"import", "--data", fresh, first}); err != nil || !strings.Contains(errOut.String(), "0 already present") {
		t.Fatalf("import the export: %v\n%s", err, errOut)
	}
	again := filepath.Join(out, "again")
	if _, err := runIn(t, "", "export", "--data", fresh, "--out", again, "--time", "2026-01-02T03:04:05Z"); err != nil {
		t.Fatal(err)
	}
	sameExport(t, "export → import → export", first, again)

	m, _, errOut = testMain(nil)
	if err := m.Run(t.Context(), []string{"import", "--data", fresh, first}); err != nil || !strings.Contains(errOut.String(), ": 0 created") {
		t.Errorf("importing the export twice: %v\n%s", err, errOut)
	}
	twice := filepath.Join(out, "twice")
	if _, err := runIn(t, "", "export", "--data", fresh, "--out", twice, "--time", "2026-01-02T03:04:05Z"); err != nil {
		t.Fatal(err)
	}
	sameExport(t, "export after importing twice", first, twice)

	backup := filepath.Join(out, "archive.backup")
	if _, err := runIn(t, "", "backup", "--data", data, "--out", backup); err != nil {
		t.Fatal(err)
	}
	restored := t.TempDir()
	if _, err := runIn(t, "", "restore", "--data", restored, backup); err != nil {
		t.Fatal(err)
	}
	fromBackup := filepath.Join(out, "from-backup")
	if _, err := runIn(t, "", "export", "--data", restored, "--out", fromBackup, "--time", "2026-01-02T03:04:05Z"); err != nil {
		t.Fatal(err)
	}
	sameExport(t, "backup → restore → export", first, fromBackup)

	// A damaged folder: one original's byte changed.
	bad := filepath.Join(out, "bad")
	if err := os.CopyFS(bad, os.DirFS(first)); err != nil {
		t.Fatal(err)
	}
	sources, _ := filepath.Glob(filepath.Join(bad, "sources", "*"))
	b, _ := os.ReadFile(sources[0])
	b[len(b)/2] ^= 0x20
	os.WriteFile(sources[0], b, 0o644)
	empty := t.TempDir()
	if _, err := runIn(t, "", "import", "--data", empty, bad); err == nil || !strings.Contains(err.Error(), "SHA-256 does not match") {
		t.Errorf("a damaged export: %v", err)
	}
	if _, err := os.Stat(filepath.Join(empty, databaseFile)); err == nil {
		t.Error("importing a damaged export made an archive")
	}
	if _, err := runIn(t, "", "import", "--data", empty, bad, "testdata/claim/ledger.txt"); err == nil || !strings.Contains(err.Error(), "on its own") {
		t.Errorf("an export with other files: %v", err)
	}
}
