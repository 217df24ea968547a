package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"fanarchive"
	"fanarchive/internal/search"
)

// TestFilteredSearchOverHugeWork: a text search with a filter ranks its
// results from the index, never from the works' text read again. With a
// work of 24 MB among the results, a filtered search (tag page with words,
// rating filter, two words, an exclusion) allocates a small fraction of
// that work, and ranks it exactly as the unfiltered search does. Re-reading
// the text to score it (as ScoreText once did) allocated several times the
// work's size per search.
func TestFilteredSearchOverHugeWork(t *testing.T) {
	if testing.Short() {
		t.Skip("stores a 24 MB work")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "archive.db")
	w := openAt(t, path)
	defer w.Close()
	fandom := fanarchive.Tag{Kind: fanarchive.TagFandom, Name: "Harbour Lights"}
	for i := range 40 {
		work := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: fmt.Sprintf("Small %d", i), Rating: fanarchive.RatingGeneral,
			Authors:  []fanarchive.Author{{Name: "Ada Quill"}},
			Chapters: []*fanarchive.Chapter{{Number: 1, Body: fmt.Sprintf("<p>The captain walked the quay %d times, then slept.</p>", i%7+1)}}}
		// A third of the works in the fandom (its searches score their
		// results alone), half of them Teen (scored with every match).
		if i%3 == 0 {
			work.Tags = []fanarchive.Tag{fandom}
		}
		if i%2 == 0 {
			work.Rating = fanarchive.RatingTeen
		}
		if err := w.CreateWork(ctx, work); err != nil {
			t.Fatal(err)
		}
	}
	const hugeBytes = 24 << 20
	para := "<p>The captain of the harbour counted the lamps along the quay, one by one, until the tide came in.</p>\n"
	huge := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: "The Long Harbour", Rating: fanarchive.RatingTeen,
		Tags:     []fanarchive.Tag{fandom},
		Chapters: []*fanarchive.Chapter{{Number: 1, Body: strings.Repeat(para, hugeBytes/len(para))}}}
	if err := w.CreateWork(ctx, huge); err != nil {
		t.Fatal(err)
	}

	r := openAt(t, path)
	defer r.Close()
	engine, err := search.New(ctx, r, nil)
	if err != nil {
		t.Fatal(err)
	}
	engine.SetTextCacheBytes(0) // every search is scored afresh
	unfiltered := map[string]float64{}
	for _, q := range []string{"captain", "captain quay"} {
		scored, err := r.RankText(ctx, mustOf(q), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range scored {
			if s.ID == uint32(huge.ID) {
				unfiltered[q] = s.Score
			}
		}
	}
	for _, sq := range []fanarchive.SearchQuery{
		{Text: "captain", Include: []fanarchive.Tag{fandom}},
		{Text: "captain", Ratings: []fanarchive.Rating{fanarchive.RatingTeen}},
		{Text: "captain quay", Include: []fanarchive.Tag{fandom}},
		{Text: "captain -slept", Include: []fanarchive.Tag{fandom}},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		res, err := engine.Search(ctx, sq)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatalf("%q: %v", sq.Text, err)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > hugeBytes/8 {
			t.Errorf("%q: the search allocated %.1f MB with a %d MB work among its results", sq.Text, float64(alloc)/(1<<20), hugeBytes>>20)
		}
		if len(res.Works) == 0 || res.Works[0].ID != huge.ID {
			t.Errorf("%q: the huge work (all captain) does not rank first: %d results", sq.Text, res.Total)
		}
		want := 15 // 14 small works and the huge one
		if len(sq.Ratings) > 0 {
			want = 21
		} else if strings.Contains(sq.Text, "-slept") {
			want = 1
		}
		if res.Total != want {
			t.Errorf("%q: %d results, want %d", sq.Text, res.Total, want)
		}
	}
	// The huge work's filtered score is its unfiltered score, bit for bit.
	for q, want := range unfiltered {
		got, err := r.ScoreText(ctx, mustOf(q), nil, []uint32{uint32(huge.ID)})
		if err != nil || len(got) != 1 || got[0].Score != want {
			t.Errorf("%q: ScoreText = %v, %v; RankText gave %.17g", q, got, err, want)
		}
	}
}

// mustOf is the clauses of plain words.
func mustOf(words string) []search.Clause {
	var out []search.Clause
	for _, w := range strings.Fields(words) {
		out = append(out, search.Clause{Text: w})
	}
	return out
}
