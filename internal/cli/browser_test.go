package cli

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"fanarchive/internal/web/webtest"
)

// TestBrowserDemo runs `serve --demo` and reads it in real headless
// Chromium, as a reader would: the front page lists the demo works, a work
// shows its story, and the Explicit demo work shows the adult notice first.
func TestBrowserDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	browser := webtest.Browser(t)
	base := serveForTest(t, "--data", t.TempDir(), "--demo")

	steps := webtest.NewSteps(t, browser)
	do, text := steps.Do, steps.Text

	do("open the front page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("main")))
	if s := text("main"); !strings.Contains(s, "The Lamplighter's Apprentice") || !strings.Contains(s, "Undertow") {
		t.Fatalf("front page does not list the demo works:\n%s", s)
	}

	do("follow a work's link",
		chromedp.Click(chromedp.CSS(`a[href="/works/1"]`)),
		chromedp.WaitVisible(chromedp.CSS("article")))
	if s := text("article"); !strings.Contains(s, "The lamps along the harbour wall went out") {
		t.Errorf("story text not visible:\n%s", s)
	}

	do("open the Explicit demo work", chromedp.Navigate(base+"/works/3"), chromedp.WaitVisible(chromedp.CSS("main")))
	notice := text("main")
	if !strings.Contains(notice, "adult content") {
		t.Errorf("no adult notice for the Explicit work:\n%s", notice)
	}
	if strings.Contains(notice, "The storm came in off the point") {
		t.Errorf("the adult notice shows the story")
	}
	do("continue past the notice",
		chromedp.Click(chromedp.CSS(`form[action="/adult-consent"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("article")))
	if s := text("article"); !strings.Contains(s, "The storm came in off the point") {
		t.Errorf("story not visible after consenting:\n%s", s)
	}
}
