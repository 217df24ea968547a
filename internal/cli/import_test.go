package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportReportHygiene runs `import a-folder good.txt /nonexistent` as
// an archivist would: what exists is imported, the missing path and the
// links skipped inside the folder are reported, and the exit status says
// something failed. A file name carrying a terminal escape sequence (an OSC
// that would set the window title, a CSI that clears the screen) is
// printed escaped, never raw.
func TestImportReportHygiene(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "folder")
	evil := "bad\x1b]0;owned\x07\x1b[2J\u202e.txt"
	for name, text := range map[string]string{
		"folder/one.txt": "Title: One\nAuthor: Ann Reed\n\nThe first story begins on a quiet road.\n",
		"folder/" + evil: "", // empty: it fails, so its name is in the report
		"good.txt":       "Title: Two\nAuthor: Bo Lane\n\nThe second story begins by the sea.\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("loop", filepath.Join(folder, "loop")); err != nil {
		t.Fatal(err)
	}
	m, _, stderr := testMain(map[string]string{"FANARCHIVE_DATA": t.TempDir()})
	err := m.Run(context.Background(), []string{"import", folder, filepath.Join(dir, "good.txt"), "/nonexistent-fanarchive"})
	var exit *ExitError
	if !errors.As(err, &exit) || exit.Code != ExitFailure {
		t.Errorf("err = %v, want exit status %d", err, ExitFailure)
	}
	report := stderr.String()
	for _, want := range []string{
		"3 files read: 2 created, 0 already present, 2 failed",
		"/nonexistent-fanarchive: no such file or folder",
		`bad\x1b]0;owned\a\x1b[2J\u202e.txt: The file is empty.`,
		"1 folder entry skipped",
		"loop: symbolic link that loops (loop), not followed",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if strings.ContainsAny(report, "\x1b\x07\u202e") {
		t.Errorf("report has raw control characters: %q", report)
	}
}

func TestTerminalSafe(t *testing.T) {
	for in, want := range map[string]string{
		"plain.txt":             "plain.txt",
		"Renée — café.txt":      "Renée — café.txt",
		"a\x1b[31mred":          `a\x1b[31mred`,
		"bell\x07":              `bell\a`,
		"cr\rlf\n":              `cr\rlf\n`,
		"tab\there":             `tab\there`,
		"del\x7f":               `del\x7f`,
		"c1\u009b2J":            `c1\u009b2J`,
		"rtl\u202eexe.txt":      `rtl\u202eexe.txt`,
		"bad\xffbyte":           `bad\xffbyte`,
		"replacement \uFFFD ok": "replacement \uFFFD ok",
	} {
		if got := terminalSafe(in); got != want {
			t.Errorf("terminalSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
