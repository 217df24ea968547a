package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed/atom"

	"fanarchive"
)

// TestSeriesPage: a series' page lists its works in order and names its
// Atom feed, which a feed parser reads with one entry per work.
func TestSeriesPage(t *testing.T) {
	f := newAccountFixture(t)
	ctx := context.Background()
	u := f.makeUser(uniqueName("Series Maker"))
	series := &fanarchive.Series{Title: "Harbor Cycle", CreatedBy: u.ID}
	if err := f.store.CreateSeries(ctx, series); err != nil {
		t.Fatal(err)
	}
	for _, w := range []*fanarchive.Work{f.multi, f.quiet} {
		if err := f.store.AddWorkToSeries(ctx, series.ID, w.ID, 0, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	page := f.get(fmt.Sprintf("/series/%d", series.ID), false)
	if page.status != http.StatusOK || !strings.Contains(page.body, "Series: Harbor Cycle") {
		t.Fatalf("series page: %d\n%s", page.status, page.body)
	}
	first, second := strings.Index(page.body, "Lighthouse Keeping"), strings.Index(page.body, "A Quiet Evening")
	if first < 0 || second < first {
		t.Errorf("the works are not listed in the series' order (%d, %d)", first, second)
	}
	if work := f.get(workPath(f.quiet), false); !strings.Contains(work.body,
		fmt.Sprintf(`Part 2 of <a href="/series/%d">Harbor Cycle</a>`, series.ID)) {
		t.Errorf("the work page does not link to its series:\n%s", mainText(work.body))
	}
	feedURL := fmt.Sprintf("/feeds/series/%d", series.ID)
	if !strings.Contains(page.body, `<link rel="alternate" type="application/atom+xml" href="`+feedURL+`"`) {
		t.Errorf("the page does not name its feed")
	}
	feed := f.get(feedURL, false)
	parsed, err := (&atom.Parser{}).Parse(strings.NewReader(feed.body))
	if err != nil || feed.status != http.StatusOK {
		t.Fatalf("feed: %d %v\n%s", feed.status, err, feed.body)
	}
	if parsed.Title != "Series: Harbor Cycle - fanarchive" || len(parsed.Entries) != 2 {
		t.Errorf("feed %q with %d entries", parsed.Title, len(parsed.Entries))
	}
	for _, path := range []string{"/series/99999", "/series/abc", "/feeds/series/0"} {
		if r := f.get(path, false); r.status != http.StatusNotFound {
			t.Errorf("%s: %d", path, r.status)
		}
	}
}
