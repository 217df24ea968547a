package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"fanarchive"
	"fanarchive/internal/web"
	"fanarchive/internal/web/webtest"
)

// TestBrowserNarrow opens the home page, the search page (its filter form
// and excerpts) and work pages at a phone's width, 390 CSS pixels, with a
// work full of 300-character strings that do not break — a rule of "=", a
// URL, a word — and checks that none of them scrolls sideways; and the
// mailing lists' pages, with such a message.
func TestBrowserNarrow(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping browser test in -short mode")
	}
	browser := webtest.Browser(t)
	f := newFixture(t, web.Options{})
	rule := strings.Repeat("=", 300)
	link := "http://www.example.edu/~fan/" + strings.Repeat("stories", 40) + ".html"
	word := strings.Repeat("Longword", 38)
	long := f.create(context.Background(), &fanarchive.Work{
		Kind:    fanarchive.KindFiction,
		Title:   "Unbroken " + word[:120],
		Authors: []fanarchive.Author{{Name: "Wide " + word[:60]}},
		Rating:  fanarchive.RatingGeneral,
		Tags:    []fanarchive.Tag{{Kind: fanarchive.TagFreeform, Name: word[:200]}},
		Words:   30,
		Notes:   []fanarchive.Note{{Label: "Archive:", Text: "At " + link}},
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>" + rule + "</p><p>Saltmarsh begins at " + link +
			" and " + word + ".</p><pre>" + rule + "</pre>"}},
		Begins:    rule + " Saltmarsh begins at " + link,
		Published: day(2002, 2, 2),
	})

	// A list whose message is as unbroken, for the list pages.
	l := f.makeList("narrow")
	msg := f.postMessage(l, &fanarchive.ListMessage{Subject: "Unbroken " + word[:150], FromName: "Wide " + word[:60],
		FromAddress: "wide@example.net", Text: rule + "\n" + link + "\n\n" + word, Date: day(2002, 2, 2)})
	pages := []string{"/", "/search", "/search?q=saltmarsh", workPath(long), workPath(long) + "?view=full",
		workPath(f.multi), workPath(f.quiet), "/settings", "/lists", "/lists/" + l.Name, "/lists/" + l.Name + "/archive",
		"/lists/" + l.Name + "/archive/2002-02", "/lists/" + l.Name + "/threads/" + strconv.FormatInt(msg.ThreadID, 10),
		"/lists/" + l.Name + "/messages/" + strconv.FormatInt(msg.ID, 10)}
	for _, path := range pages {
		ctx, cancel := context.WithTimeout(browser, 30*time.Second)
		err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(f.url(path)),
			chromedp.WaitReady(chromedp.CSS("footer.site-footer")))
		if err != nil {
			cancel()
			t.Fatalf("open %s: %v", path, err)
		}
		width, err := chromedp.Run(ctx, chromedp.Evaluate[int]("document.documentElement.scrollWidth"))
		if err != nil {
			cancel()
			t.Fatalf("%s: scrollWidth: %v", path, err)
		}
		if width > 390 {
			// Name the widest elements, to say what to fix.
			culprits, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("body *"))
				.filter(e => e.getBoundingClientRect().right > 391)
				.slice(-5).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)).join("; ")`))
			t.Errorf("%s scrolls sideways at 390 px: scrollWidth %d (%s)", path, width, culprits)
		}
		cancel()
	}
}

// TestBrowserReading follows the reading settings in Chromium: colours
// follow prefers-color-scheme until the reader chooses, the form (no
// script) saves a choice that every page then wears, and the print
// stylesheet gives black serif text on white without the site's chrome,
// each chapter of the entire work on a new page.
func TestBrowserReading(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping browser test in -short mode")
	}
	browser := webtest.Browser(t)
	f := newFixture(t, web.Options{})
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(js string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, 30*time.Second)
		defer cancel()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return v
	}
	media := func(typ, scheme string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: typ,
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
			return err
		})
	}
	const bodyBG = `getComputedStyle(document.body).backgroundColor`
	open := func(path string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.Navigate(f.url(path)), chromedp.WaitReady(chromedp.CSS("footer.site-footer")))
	}

	run("a dark system", media("", "dark"), open(workPath(f.quiet)))
	if bg := eval(bodyBG); bg != "rgb(26, 25, 23)" {
		t.Errorf("with no choice and a dark system the page is %s", bg)
	}
	if open := eval(`String(document.querySelector("details.note").open)`); open != "true" {
		t.Errorf("the author's note is collapsed")
	}
	run("a light system", media("", "light"), open(workPath(f.quiet)))
	if bg := eval(bodyBG); bg != "rgb(253, 252, 248)" {
		t.Errorf("with no choice and a light system the page is %s", bg)
	}
	proseSize := func() float64 {
		t.Helper()
		v, err := strconv.ParseFloat(eval(`String(parseFloat(getComputedStyle(document.querySelector(".prose")).fontSize))`), 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := proseSize()

	run("choose sepia, large, sans", media("", "dark"), open("/settings"),
		chromedp.Click(chromedp.CSS(`input[name="theme"][value="sepia"]`)),
		chromedp.Click(chromedp.CSS(`input[name="size"][value="large"]`)),
		chromedp.Click(chromedp.CSS(`input[name="font"][value="sans"]`)),
		webtest.Submit(`.reading-settings button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".form-done")),
		open(workPath(f.quiet)))
	if bg := eval(bodyBG); bg != "rgb(244, 236, 216)" {
		t.Errorf("with sepia chosen on a dark system the page is %s", bg)
	}
	if after := proseSize(); after < before*1.1 {
		t.Errorf("large text: the story's size went from %gpx to %gpx", before, after)
	}
	if font := eval(`getComputedStyle(document.querySelector(".prose")).fontFamily`); !strings.Contains(font, "sans-serif") {
		t.Errorf("sans chosen, the story is in %s", font)
	}

	run("print the entire work", media("print", "dark"), open(workPath(f.multi)+"?view=full"))
	checks := map[string]string{
		bodyBG: "rgb(255, 255, 255)",
		`getComputedStyle(document.querySelector(".prose")).color`:                    "rgb(0, 0, 0)",
		`getComputedStyle(document.querySelector(".site-header")).display`:            "none",
		`getComputedStyle(document.querySelector("nav.chapter-nav")).display`:         "none",
		`getComputedStyle(document.querySelector(".chapter + .chapter")).breakBefore`: "page",
		`String(/serif/.test(getComputedStyle(document.querySelector(".prose")).fontFamily) && !/sans-serif/.test(getComputedStyle(document.querySelector(".prose")).fontFamily))`: "true",
	}
	for js, want := range checks {
		if got := eval(js); got != want {
			t.Errorf("printed: %s = %q, want %q", js, got, want)
		}
	}
}
