package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fanarchive/internal/web"
	"fanarchive/internal/web/webtest"
)

// TestBrowserSearch uses the search form in headless Chromium: the box in
// the site header, then the filter form, then a facet's link, each a plain
// GET with no script.
func TestBrowserSearch(t *testing.T) {
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
	location := func() string {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, 30*time.Second)
		defer cancel()
		u, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return u
	}

	run("search from the header",
		chromedp.Navigate(f.url("/")),
		chromedp.SendKeys(chromedp.CSS("#header-q"), "kettle"),
		webtest.Submit(`.header-search button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS("#result-count")))
	if s := text("header search", "#result-count"); s != "1 work found" {
		t.Errorf("result count = %q", s)
	}
	if s := text("header search", "ol.works"); !strings.Contains(s, "A Quiet Evening") {
		t.Errorf("results: %q", s)
	}
	if u := location(); !strings.Contains(u, "/search?q=kettle") {
		t.Errorf("the search is not a shareable URL: %s", u)
	}

	run("filter by rating in the form",
		chromedp.Navigate(f.url("/search")),
		chromedp.WaitVisible(chromedp.CSS("#result-count")),
		chromedp.Click(chromedp.CSS(`input[name="rating"][value="Teen"]`)),
		webtest.Submit(`.search-form fieldset button[type="submit"]`))
	// The old page has a result count too: wait for the new URL.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(location(), "rating=Teen") {
		if time.Now().After(deadline) {
			t.Fatalf("the form did not submit the rating: %s", location())
		}
		time.Sleep(50 * time.Millisecond)
	}
	run("wait for the filtered results", chromedp.WaitVisible(chromedp.CSS(`input[name="rating"][value="Teen"][checked]`)))
	if s := text("rating filter", "ol.works"); !strings.Contains(s, "Lighthouse Keeping") || strings.Contains(s, "A Quiet Evening") {
		t.Errorf("Teen results: %q", s)
	}

	run("exclude a fandom with its facet link",
		chromedp.Navigate(f.url("/search")),
		chromedp.WaitVisible(chromedp.CSS(".facets")),
		chromedp.Click(chromedp.CSS(`a.facet-exclude[aria-label="Leave out Harbor Lights"]`)),
		chromedp.WaitVisible(chromedp.CSS(".active-filters")))
	if s := text("facet exclude", "#result-count"); s != "22 works found" {
		t.Errorf("after excluding Harbor Lights: %q", s)
	}
	if s := text("facet exclude", ".active-filters"); !strings.Contains(s, "Without Fandom “Harbor Lights”") {
		t.Errorf("active filters: %q", s)
	}

	run("an odd query is explained, not an error",
		chromedp.Navigate(f.url("/search")),
		chromedp.SendKeys(chromedp.CSS("#search-q"), `"unclosed NEAR(`),
		webtest.Submit(`.search-box button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".notice")))
	if s := text("odd query", ".search-results"); !strings.Contains(s, "closing quote was missing") {
		t.Errorf("no notice: %q", s)
	}
}
