package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"fanarchive/internal/web"
	"fanarchive/internal/web/webtest"
)

// TestBrowserDownloads clicks each download link of a work page in
// headless Chromium and checks the file the browser saved: its name from
// Content-Disposition, and an EPUB that is a zip with the EPUB mimetype
// first, an HTML file and a text file that hold the story.
func TestBrowserDownloads(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping browser test in -short mode")
	}
	ctx := webtest.Browser(t)
	f := newFixture(t, web.Options{})
	dir := t.TempDir()
	steps := webtest.NewSteps(t, ctx)
	steps.Do("allow downloads", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		events := false
		return chromedp.FromContext(ctx).Browser.Call(ctx, browser.CommandSetDownloadBehavior,
			browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
				EventsEnabled: &events}, nil)
	}))
	steps.Do("open a work", chromedp.Navigate(f.url(workPath(f.quiet))), chromedp.WaitVisible(chromedp.CSS("nav.downloads")))
	tests := []struct {
		format, file string
		check        func(b []byte) bool
	}{
		{"epub", "A Quiet Evening.epub", func(b []byte) bool {
			z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			return err == nil && len(z.File) > 0 && z.File[0].Name == "mimetype"
		}},
		{"html", "A Quiet Evening.html", func(b []byte) bool { return bytes.Contains(b, []byte("and the kettle sang")) }},
		{"txt", "A Quiet Evening.txt", func(b []byte) bool { return bytes.Contains(b, []byte("and the kettle sang")) }},
	}
	for _, tt := range tests {
		steps.Do("download "+tt.format, chromedp.Click(chromedp.CSS(`nav.downloads a[href$="/download/`+tt.format+`"]`)))
		path := filepath.Join(dir, tt.file)
		var b []byte
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if got, err := os.ReadFile(path); err == nil && len(got) > 0 {
				if _, err := os.Stat(path + ".crdownload"); err != nil {
					b = got
					break
				}
			}
		}
		if b == nil {
			entries, _ := os.ReadDir(dir)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Errorf("%s: no %q saved; the download folder holds %s", tt.format, tt.file, strings.Join(names, ", "))
			continue
		}
		if !tt.check(b) {
			t.Errorf("%s: the saved file is not what it should be (%d bytes)", tt.format, len(b))
		}
	}
}
