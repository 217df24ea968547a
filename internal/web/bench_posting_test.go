package web_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/prose"
	"fanarchive/internal/prose/prosetest"
)

// BenchmarkPostWorkHTTP posts a 10,000-word work written in Markdown
// through the form, end to end: a real server (httptest) over SQLite with
// its search engine, in an archive of 1,000 works; a logged-in client
// whose form carries its CSRF token; POST /works/new (the guard, reading
// the 60 KB form, checking every field, prose.Render, CreateWork with its
// text index and change log), then the redirect followed to the work
// page. It reports p50 and p95 of the post, of the page, and of both:
//
//	go test ./internal/web -run '^$' -bench PostWorkHTTP -benchtime 200x
func BenchmarkPostWorkHTTP(b *testing.B) {
	f := newFixture(b, accountOptions())
	u := f.makeUser("Bench Poster")
	var filler []*fanarchive.Work
	for i := range 1000 {
		body, err := prose.Render(prose.FormatMarkdown, prosetest.MarkdownStory(uint64(1000+i), 1500))
		if err != nil {
			b.Fatal(err)
		}
		text := prose.PlainText(body)
		filler = append(filler, &fanarchive.Work{Kind: fanarchive.KindFiction, Title: fmt.Sprintf("Filler %d", i), PostedBy: u.ID,
			Authors: []fanarchive.Author{{ID: f.defaultPseud(u)}}, Rating: fanarchive.RatingTeen, Language: "en",
			Tags: []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Original Work"},
				{Kind: fanarchive.TagWarning, Name: "No Archive Warnings Apply"}, {Kind: fanarchive.TagFreeform, Name: "Lighthouses"}},
			Words: prose.CountWords(text), Chapters: []*fanarchive.Chapter{{Number: 1, Body: body, Text: text, Words: prose.CountWords(text)}}})
	}
	if err := f.store.CreateWorks(context.Background(), filler); err != nil {
		b.Fatal(err)
	}
	c := f.loginAs(u)
	src := prosetest.MarkdownStory(1, 10000)
	b.SetBytes(int64(len(src)))
	var post, page, total []time.Duration
	for i := 0; b.Loop(); i++ {
		form := f.newWorkForm(u, fmt.Sprintf("Posted %d", i), "post")
		form.Set("body", src)
		start := time.Now()
		id := f.postWork(c, form)
		posted := time.Now()
		resp := c.get(fmt.Sprintf("/works/%d", id))
		if resp.status != http.StatusOK {
			b.Fatalf("work page: %d", resp.status)
		}
		post, page, total = append(post, posted.Sub(start)), append(page, time.Since(posted)), append(total, time.Since(start))
	}
	for _, m := range []struct {
		name string
		d    []time.Duration
	}{{"post", post}, {"page", page}, {"total", total}} {
		slices.Sort(m.d)
		at := func(q float64) float64 { return float64(m.d[int(q*float64(len(m.d)-1))].Microseconds()) / 1000 }
		b.ReportMetric(at(0.50), m.name+"-p50-ms")
		b.ReportMetric(at(0.95), m.name+"-p95-ms")
	}
}
