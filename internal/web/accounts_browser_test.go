package web_test

import (
	"context"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"fanarchive/internal/web/webtest"
)

// TestBrowserMarkupInert types markup and script into every field of the
// sign-up and log-in forms in headless Chromium, and opens a legacy author
// whose name is markup: the page shows it all as text, no element is made
// of it, and no script runs (no dialog opens, the title stays).
func TestBrowserMarkupInert(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping browser test in -short mode")
	}
	browser := webtest.Browser(t)
	f := newAccountFixture(t)
	var dialogs atomic.Int32
	if err := chromedp.Listen(browser, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
		}
	}); err != nil {
		t.Fatal(err)
	}
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	value := func(sel string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, 30*time.Second)
		defer cancel()
		v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("value of %s: %v", sel, err)
		}
		return v
	}
	count := func(expr string) int {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, 30*time.Second)
		defer cancel()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return n
	}
	title := func() string {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, 30*time.Second)
		defer cancel()
		s, err := chromedp.Run(ctx, chromedp.Title())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	const name = `<img src=x onerror=alert(1)>`
	const email = `"><img src=x onerror=alert(2)>@x.org`
	const pw = `"><script>alert(3)</script>`
	run("fill the sign-up form with markup",
		chromedp.Navigate(f.url("/signup")),
		chromedp.WaitVisible(chromedp.CSS("#name")),
		// Let the server, not the browser's own checks, judge the fields.
		chromedp.RemoveAttribute(chromedp.CSS("#email"), "type"),
		chromedp.SendKeys(chromedp.CSS("#name"), name),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), pw),
		chromedp.SendKeys(chromedp.CSS("#password2"), pw),
		webtest.Submit(`form[action="/signup"] button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".form-error")))
	if got := value("#email"); got != email {
		t.Errorf("the address field holds %q after the refusal, want %q", got, email)
	}
	if got := value("#name"); got != name {
		t.Errorf("the name field holds %q, want %q", got, name)
	}
	if n := count(`document.querySelectorAll("main img, main script").length`); n != 0 {
		t.Errorf("%d img or script elements made of the typed markup", n)
	}
	if tt := title(); tt != "Sign up - fanarchive" {
		t.Errorf("title = %q", tt)
	}

	run("log in with markup",
		chromedp.Navigate(f.url("/login")),
		chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#login"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), pw),
		webtest.Submit(`form[action="/login"] button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".form-error")))
	if got := value("#login"); got != email {
		t.Errorf("the login field holds %q, want %q", got, email)
	}
	if n := count(`document.querySelectorAll("main img, main script").length`); n != 0 {
		t.Errorf("%d img or script elements on the log-in page", n)
	}

	run("open an author named with markup",
		chromedp.Navigate(f.url("/authors/"+url.PathEscape("Mallory <b>Bold</b>"))),
		chromedp.WaitVisible(chromedp.CSS("h1")))
	ctx, cancel := context.WithTimeout(browser, 30*time.Second)
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	cancel()
	if err != nil || !strings.Contains(h1, "Mallory <b>Bold</b>") {
		t.Errorf("author heading %q, %v", h1, err)
	}
	if n := count(`document.querySelectorAll("main b, main script").length`); n != 0 {
		t.Errorf("%d elements made of the author's name", n)
	}
	if d := dialogs.Load(); d != 0 {
		t.Errorf("%d script dialogs opened", d)
	}
}
