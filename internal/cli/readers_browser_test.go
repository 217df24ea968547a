package cli

import (
	"context"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"fanarchive/internal/web/webtest"
)

// TestBrowserReaders is a reader's bookmark and mute, end to end: `import`
// stores three stories of one fandom written for this test, two tagged
// "Shipwreck Grief"; `user add` makes an account. Headless Chromium logs
// in, leaves kudos on a work (the page then names the reader), bookmarks
// it with a note, tags and the rec flag (markup typed in stays inert),
// finds the bookmark on the reader's page; then searches the
// fandom (three works, the tag among the facets), mutes the tag on the
// mutes page, and searches again: one work, and the tag gone from the
// facets.
func TestBrowserReaders(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	browser := webtest.Browser(t)
	data := t.TempDir()
	if _, err := runIn(t, "", "import", "--data", data, "testdata/readers/calm-water.txt", "testdata/readers/wreck-night.txt",
		"testdata/readers/after-the-wreck.txt"); err != nil {
		t.Fatal(err)
	}
	if _, err := runIn(t, "a reader's long password\n", "user", "add", "Nessa Reed", "--email", "nessa@example.net",
		"--password-stdin", "--data", data); err != nil {
		t.Fatal(err)
	}
	base := serveForTest(t, "--data", data)
	steps := webtest.NewSteps(t, browser)
	do, text := steps.Do, steps.Text
	var dialogs atomic.Int32
	if err := chromedp.Listen(browser, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
		}
	}); err != nil {
		t.Fatal(err)
	}

	_, home, _ := get(t, base+"/")
	m := regexp.MustCompile(`href="(/works/\d+)"[^>]*>Calm Water<`).FindStringSubmatch(home)
	if m == nil {
		t.Fatal("no link to Calm Water on the home page")
	}
	do("log in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#login"), "Nessa Reed"),
		chromedp.SendKeys(chromedp.CSS("#password"), "a reader's long password"),
		webtest.Submit(`form[action="/login"] button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".viewer-name")))
	do("leave kudos on the work",
		chromedp.Navigate(base+m[1]),
		chromedp.WaitVisible(chromedp.CSS(".kudos-form button")),
		webtest.Submit(".kudos-form button"),
		chromedp.WaitVisible(chromedp.CSS(".kudos-from")))
	if s := text(".kudos-from"); !strings.Contains(s, "Nessa Reed") {
		t.Errorf("after kudos the work says %q, not who left them", s)
	}
	do("open the work and its bookmark form",
		chromedp.Navigate(base+m[1]),
		chromedp.WaitVisible(chromedp.CSS("a.bookmark-link")),
		chromedp.Click(chromedp.CSS("a.bookmark-link")),
		chromedp.WaitVisible(chromedp.CSS("#bm-note")))
	do("bookmark it",
		chromedp.SendKeys(chromedp.CSS("#bm-note"), "The *quietest* ending. <img src=x onerror=alert(1)><script>alert(2)</script>"),
		chromedp.SendKeys(chromedp.CSS("#bm-tags"), `comfort, <b onmouseover=alert(3)>tide</b>`),
		chromedp.Click(chromedp.CSS(`input[name="rec"]`)),
		webtest.Submit(`.bookmark-form button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".bookmark")))
	if s := text(".bookmark"); !strings.Contains(s, "Calm Water") || !strings.Contains(s, "quietest") ||
		!strings.Contains(s, "comfort") || !strings.Contains(s, "Rec") {
		t.Errorf("the bookmark shows:\n%s", s)
	}
	func() {
		ctx, cancel := context.WithTimeout(browser, 30*time.Second)
		defer cancel()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("main img, main script, main [onmouseover], main [onerror]").length`))
		if err != nil || n != 0 {
			t.Errorf("markup in the bookmark became %d elements (%v)", n, err)
		}
		em, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".bookmark-note em").length`))
		if err != nil || em != 1 {
			t.Errorf("the note's Markdown gave %d <em> (%v)", em, err)
		}
	}()

	search := base + "/search?include=fandom:Lantern+Coast"
	do("search the fandom", chromedp.Navigate(search), chromedp.WaitVisible(chromedp.CSS("#result-count")))
	if s := text("#result-count"); !strings.HasPrefix(s, "3 works") {
		t.Fatalf("before muting: %q", s)
	}
	if s := text(".facets"); !strings.Contains(s, "Shipwreck Grief (2)") {
		t.Fatalf("the facets before muting:\n%s", s)
	}
	do("mute the tag",
		chromedp.Navigate(base+"/account/mutes"),
		chromedp.WaitVisible(chromedp.CSS("#mute-tag")),
		chromedp.SetValue(chromedp.CSS("#mute-kind"), "freeform"),
		chromedp.SendKeys(chromedp.CSS("#mute-tag"), "shipwreck grief"),
		webtest.Submit(`form[action="/account/mutes/tags"] button`),
		chromedp.WaitVisible(chromedp.CSS(".muted-tag")))
	do("search again", chromedp.Navigate(search), chromedp.WaitVisible(chromedp.CSS("#result-count")))
	if s := text("#result-count"); !strings.HasPrefix(s, "1 work") {
		t.Errorf("after muting: %q", s)
	}
	if s := text("main"); strings.Contains(s, "Shipwreck Grief") || strings.Contains(s, "Wreck Night") || !strings.Contains(s, "Calm Water") {
		t.Errorf("after muting the page shows:\n%s", s)
	}
	if n := dialogs.Load(); n != 0 {
		t.Errorf("%d script dialogs opened", n)
	}
	// A guest's search is untouched.
	if _, body, _ := get(t, search); !strings.Contains(body, "Shipwreck Grief") {
		t.Error("a guest's search lost the muted tag")
	}
}
