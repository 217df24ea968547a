package cli

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupRestore: a backup made while serve runs restores into another
// data directory with the same works, accounts and original bytes; it never
// overwrites a file; restore keeps what it replaces; a damaged or truncated
// backup is refused with the reason and nothing is replaced.
func TestBackupRestore(t *testing.T) {
	data := t.TempDir()
	if _, err := runIn(t, "", "import", "--data", data, "testdata/claim/ledger.txt"); err != nil {
		t.Fatal(err)
	}
	if _, err := runIn(t, "a long enough password\n", "user", "add", "Bea Backup", "--email", "bea@example.org",
		"--password-stdin", "--data", data); err != nil {
		t.Fatal(err)
	}
	base := serveForTest(t, "--data", data) // the backup is taken from a serving archive
	original, err := runIn(t, "", "source", "--data", data, "1")
	if err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "archive.backup")
	msg, err := runIn(t, "", "backup", "--data", data, "--out", out)
	if err != nil || !strings.Contains(msg, "Backed up 1 works, 1 original files and 1 accounts") {
		t.Fatalf("backup: %v\n%s", err, msg)
	}
	if _, err := runIn(t, "", "backup", "--data", data, "--out", out); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("a second backup onto the same file: %v", err)
	}
	if code, _, _ := get(t, base+"/works/1"); code != 200 {
		t.Errorf("serve after the backup: %d", code)
	}

	restored := t.TempDir()
	if msg, err := runIn(t, "", "restore", "--data", restored, out); err != nil || !strings.Contains(msg, "Restored 1 works") {
		t.Fatalf("restore: %v\n%s", err, msg)
	}
	if got, err := runIn(t, "", "source", "--data", restored, "1"); err != nil || got != original {
		t.Errorf("the restored original differs (%v): %d bytes, want %d", err, len(got), len(original))
	}
	if list, err := runIn(t, "", "user", "list", "--data", restored); err != nil || !strings.Contains(list, "Bea Backup") {
		t.Errorf("the restored accounts: %v\n%s", err, list)
	}
	if _, err := runIn(t, "", "restore", "--data", restored, out); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("restore over an archive without --force: %v", err)
	}
	if msg, err := runIn(t, "", "restore", "--force", "--data", restored, out); err != nil || !strings.Contains(msg, "kept as") {
		t.Errorf("restore --force: %v\n%s", err, msg)
	}
	if aside, _ := filepath.Glob(filepath.Join(restored, databaseFile+".before-restore-*")); len(aside) == 0 {
		t.Error("the replaced archive was not kept")
	}

	// Damaged backups: an original whose bytes changed, and a truncated file.
	bad := filepath.Join(t.TempDir(), "bad.backup")
	copyFile(t, out, bad)
	db, err := sql.Open("sqlite", bad)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE source_blobs SET raw = CAST('tampered' AS BLOB)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	truncated := filepath.Join(t.TempDir(), "truncated.backup")
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(truncated, b[:len(b)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{bad: "does not match its SHA-256", truncated: "", filepath.Join(data, "nothing"): "no such file"} {
		fresh := t.TempDir()
		_, err := runIn(t, "", "restore", "--data", fresh, file)
		if err == nil || (want != "" && !strings.Contains(err.Error(), want)) {
			t.Errorf("restore %s: %v, want an error saying %q", filepath.Base(file), err, want)
		}
		if _, err := os.Stat(filepath.Join(fresh, databaseFile)); err == nil {
			t.Errorf("restore %s left a database", filepath.Base(file))
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
