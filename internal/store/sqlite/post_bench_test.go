package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/prose"
	"fanarchive/internal/prose/prosetest"
)

// BenchmarkPostWork measures posting a 10,000-word work written in
// Markdown, as the posting form will (less HTTP): the body converted and
// sanitised (prose.Render), counted, and stored by CreateWork with its text
// index and change log; then a chapter edit (a paragraph added) converted
// and stored by UpdateChapter. It reports the p50, p95 and worst times of
// each (post includes render, the conversion alone), over every iteration,
// in an archive that holds 1,000 works already:
//
//	go test ./internal/store/sqlite -run '^$' -bench PostWork -benchtime 300x
func BenchmarkPostWork(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var filler []*fanarchive.Work
	for i := range 1000 {
		body, err := prose.Render(prose.FormatMarkdown, prosetest.MarkdownStory(uint64(1000+i), 1500))
		if err != nil {
			b.Fatal(err)
		}
		w := benchPosted(fmt.Sprintf("Filler %d", i), body)
		filler = append(filler, w)
	}
	if err := s.CreateWorks(ctx, filler); err != nil {
		b.Fatal(err)
	}
	src := prosetest.MarkdownStory(1, 10000)
	edited := src + "\n\nA new paragraph, added in an edit, with *emphasis* and a \"quote.\"\n"
	b.SetBytes(int64(len(src)))
	var render, post, edit []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		body, err := prose.Render(prose.FormatMarkdown, src)
		if err != nil {
			b.Fatal(err)
		}
		rendered := time.Now()
		w := benchPosted(fmt.Sprintf("Posted %d", i), body)
		if err := s.CreateWork(ctx, w); err != nil {
			b.Fatal(err)
		}
		posted := time.Now()
		body, err = prose.Render(prose.FormatMarkdown, edited)
		if err != nil {
			b.Fatal(err)
		}
		ch := &fanarchive.Chapter{ID: w.Chapters[0].ID, Title: "Part One", Body: body}
		if err := s.UpdateChapter(ctx, w.ID, ch, 1); err != nil {
			b.Fatal(err)
		}
		render = append(render, rendered.Sub(start))
		post, edit = append(post, posted.Sub(start)), append(edit, time.Since(posted))
	}
	b.StopTimer()
	for _, m := range []struct {
		name string
		d    []time.Duration
	}{{"render", render}, {"post", post}, {"edit", edit}} {
		slices.Sort(m.d)
		at := func(q float64) float64 { return float64(m.d[int(q*float64(len(m.d)-1))].Microseconds()) / 1000 }
		b.ReportMetric(at(0.50), m.name+"-p50-ms")
		b.ReportMetric(at(0.95), m.name+"-p95-ms")
		b.ReportMetric(at(1), m.name+"-max-ms")
	}
}

// benchPosted returns a posted work of one chapter with body, its words
// and plain text counted as the posting form does.
func benchPosted(title, body string) *fanarchive.Work {
	text := prose.PlainText(body)
	words := prose.CountWords(text)
	return &fanarchive.Work{
		Kind: fanarchive.KindFiction, Title: title, PostedBy: 1,
		Authors: []fanarchive.Author{{Name: "Bench Pseud"}}, Rating: fanarchive.RatingTeen, Language: "en",
		Tags: []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Original Work"},
			{Kind: fanarchive.TagWarning, Name: "No Archive Warnings Apply"}, {Kind: fanarchive.TagFreeform, Name: "Lighthouses"}},
		Words: words, Begins: prose.FirstWords(text, 40),
		Chapters: []*fanarchive.Chapter{{Number: 1, Title: "Part One", Body: body, Text: text, Words: words}},
	}
}
