package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/web"
)

// TestPublishedSources: a work page says where a guessed date came from
// and shows none for an undated work, which "Newest works" lists after
// every dated one.
func TestPublishedSources(t *testing.T) {
	f := newFixture(t, web.Options{})
	ctx := context.Background()
	mk := func(title string, published time.Time, from fanarchive.DateSource) *fanarchive.Work {
		return f.create(ctx, &fanarchive.Work{Kind: fanarchive.KindFiction, Title: title, Authors: []fanarchive.Author{{Name: "Pat Quill"}},
			Rating: fanarchive.RatingGeneral, Words: 4, Chapters: []*fanarchive.Chapter{{Number: 1, Body: "<p>The tide came in.</p>"}},
			Published: published, PublishedFrom: from})
	}
	tests := []struct {
		work *fanarchive.Work
		want []string
		not  []string
	}{
		{mk("Header Tide", day(1995, 3, 12), fanarchive.DateHeader), []string{`<time datetime="1995-03-12">1995-03-12</time></dd>`}, nil},
		{mk("Copyright Tide", time.Date(1996, 1, 1, 0, 0, 0, 0, time.UTC), fanarchive.DateYear),
			[]string{`<time datetime="1996">1996</time> <span class="as-written">(from a copyright notice)</span>`}, nil},
		{mk("File Tide", day(1997, 4, 2), fanarchive.DateFile),
			[]string{`<time datetime="1997-04-02">1997-04-02</time> <span class="as-written">(from the file date)</span>`}, nil},
		{mk("Undated Tide", time.Time{}, fanarchive.DateUnknown), nil, []string{"Published:", "Updated:"}},
	}
	for _, tt := range tests {
		body := f.get(workPath(tt.work), false).body
		for _, s := range tt.want {
			if !strings.Contains(body, s) {
				t.Errorf("%s: the page lacks %q", tt.work.Title, s)
			}
		}
		for _, s := range tt.not {
			if strings.Contains(body, s) {
				t.Errorf("%s: the page shows %q", tt.work.Title, s)
			}
		}
	}
	home := f.get("/", false).body
	if strings.Contains(home, "Undated Tide") {
		t.Error("an undated work is on the first page of newest works")
	}
	if !strings.Contains(home, "Header Tide") {
		t.Error("a dated work is missing from newest works")
	}
}
