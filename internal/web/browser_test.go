package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fanarchive"
	"fanarchive/internal/web"
	"fanarchive/internal/web/webtest"
)

// TestBrowser reads the site in headless Chromium: a work's text is
// visible, an Explicit work first shows only the adult notice, and the
// notice's "Yes, continue" button (a plain form, no script) leads to the
// story; a long chapter's pages are read with links and a form.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping browser test in -short mode")
	}
	browser := webtest.Browser(t)
	f := newFixture(t, web.Options{})

	// Each step gets its own deadline; the browser outlives them.
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(what, sel string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, 30*time.Second)
		defer cancel()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: read text of %s: %v", what, sel, err)
		}
		return s
	}

	run("open a work", chromedp.Navigate(f.url(workPath(f.quiet))), chromedp.WaitVisible(chromedp.CSS("article")))
	if s := text("work page", "article"); !strings.Contains(s, "and the kettle sang") {
		t.Errorf("the story is not visible; article text:\n%s", s)
	}
	if s := text("work page", "h1"); s != "A Quiet Evening" {
		t.Errorf("h1 = %q", s)
	}

	run("open an Explicit work", chromedp.Navigate(f.url(workPath(f.adult))), chromedp.WaitVisible(chromedp.CSS("main")))
	main := text("adult notice", "main")
	if !strings.Contains(main, "This work could have adult content") {
		t.Errorf("no adult notice; main text:\n%s", main)
	}
	if strings.Contains(main, adultStory) {
		t.Error("the notice shows the story")
	}

	run("click Yes, continue",
		webtest.Submit(`form[action="/adult-consent"] button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS("article .prose")))
	if s := text("adult work after consent", "article"); !strings.Contains(s, adultStory) {
		t.Errorf("the story is not visible after consenting; article text:\n%s", s)
	}

	// The cookie now lets the reader straight into the second chapter.
	run("open chapter 2", chromedp.Navigate(f.url(workPath(f.adult)+"/chapters/2")), chromedp.WaitVisible(chromedp.CSS("article .prose")))
	if s := text("chapter 2", "article"); !strings.Contains(s, "Apples fell on the tin roof") {
		t.Errorf("chapter 2 not visible; article text:\n%s", s)
	}

	// A long chapter is read a page at a time: a link to the next page, and
	// a form that goes to any page, both without script.
	var long strings.Builder
	for i := 0; long.Len() < 2*fanarchive.ChapterPageBytes+1000; i++ {
		fmt.Fprintf(&long, "<p>Paragraph %d of the long night, and the boats still out.</p>\n", i)
	}
	paged := f.create(context.Background(), &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "The Long Night",
		Rating: fanarchive.RatingGeneral, Chapters: []*fanarchive.Chapter{{Number: 1, Body: long.String()}}})
	run("open a long work", chromedp.Navigate(f.url(workPath(paged))), chromedp.WaitVisible(chromedp.CSS(".page-nav")))
	if s := text("long work", ".page-count"); s != "Page 1 of 3" {
		t.Errorf("page count = %q", s)
	}
	run("follow Next page",
		chromedp.Click(chromedp.CSS(`.page-nav a[rel="next"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.page-nav a[rel="prev"]`)))
	if s := text("page 2", ".page-count"); s != "Page 2 of 3" {
		t.Errorf("after Next page: %q", s)
	}
	if s := text("page 2", ".prose"); strings.Contains(s, "Paragraph 0 of") {
		t.Error("page 2 shows the first paragraph")
	}
	run("go to page 3 with the form",
		chromedp.SetValue(chromedp.CSS("#page-top"), "3"),
		webtest.Submit(`.page-nav .page-jump button[type="submit"]`),
		chromedp.WaitNotPresent(chromedp.CSS(`.page-nav a[rel="next"]`)))
	if s := text("page 3", ".page-count"); s != "Page 3 of 3" {
		t.Errorf("after the form: %q", s)
	}
}
