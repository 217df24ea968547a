package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/search"
)

// The query mix. Each class has perClass queries, drawn from the seed; the
// classes are interleaved so that noise from the machine falls on all of
// them alike. Every query is a full Search as the /search page makes it:
// the matching set, its exact total, facet counts (top 10 of six tag kinds,
// and ratings) and one page of 20 works loaded from the database.
//
//   - text: one or two words, each drawn uniformly from the vocabulary ranks
//     100–3,000 (below the 100 stop words: words people search for, from
//     ones in a quarter of the works to ones in a few hundred), relevance
//     order (BM25).
//   - text_tags: one such word, two included tags (a top-20 fandom and a
//     top-30 character or freeform tag) and two excluded ones (a top-100
//     freeform tag and an archive warning), relevance order.
//   - tag_text: a tag page with words, as /tags/fandom/X?q=… asks: a
//     top-50 fandom included and one or two words, relevance order.
//   - text_rating: one or two words and one or two ratings allowed (a
//     large filter: a rating holds a fifth to a half of the works), as
//     /search?q=…&rating=… asks, relevance order.
//   - text_fields: one or two words with the filters that have no
//     bitmaps: complete only, a word-count range and an updated-date
//     range, relevance order.
//   - text_page2: the second page of a text_tags or tag_text search,
//     reached with the cursor its first page's Next link carries.
//   - tags: no text; a top-50 fandom and a top-50 freeform tag included, a
//     top-100 freeform tag excluded, two ratings allowed; newest first.
//   - facets: no text; the whole archive, complete works, one rating or one
//     language: the largest results, where counting facets costs most.
//   - deep: a page in the middle of a large result (all works, or a top-5
//     fandom), newest or longest first, reached with a cursor as the Next
//     link would carry it.
//   - mute50_text, mute50_tags, mute50_facets: a text, tags or facets
//     query as above by a reader who muted 50 tags (SearchQuery.Muted),
//     drawn from the 300 most used relationships, characters and
//     freeform tags (muting popular tags is the costly case: their
//     bitmaps are the largest). Their p95 less their base class's is what
//     muting adds.
var classes = []string{"text", "text_tags", "tag_text", "text_rating", "text_fields", "text_page2", "tags", "facets", "deep",
	"mute50_text", "mute50_tags", "mute50_facets"}

// mutedTags is how many tags the mute50 classes mute.
const mutedTags = 50

// tagIDFunc returns a tag's ID, 0 for none: the mute50 classes' tags are
// muted by ID, as the store's MuteSet names them.
type tagIDFunc func(ctx context.Context, kind fanarchive.TagKind, name string) (int64, error)

func runMix(ctx context.Context, engine *search.Engine, tagID tagIDFunc, seed uint64, perClass int) (map[string]*latency, error) {
	rng := rand.New(rand.NewPCG(seed, 0x9e))
	vocab, tags := vocabulary(), tagNames()
	word := func() string { return vocab[100+rng.IntN(2900)] }
	tag := func(kind fanarchive.TagKind, top int) fanarchive.Tag {
		names := tags[kind]
		return fanarchive.Tag{Kind: kind, Name: names[rng.IntN(min(top, len(names)))]}
	}
	words := func() string {
		if rng.IntN(2) == 0 {
			return word() + " " + word()
		}
		return word()
	}
	ids := map[fanarchive.Tag]int64{}
	muteKinds := []fanarchive.TagKind{fanarchive.TagRelationship, fanarchive.TagCharacter, fanarchive.TagFreeform}
	mute := func() (*fanarchive.MuteSet, error) {
		m := &fanarchive.MuteSet{}
		for len(m.Tags) < mutedTags {
			t := tag(muteKinds[rng.IntN(len(muteKinds))], 300)
			id, ok := ids[t]
			if !ok {
				var err error
				if id, err = tagID(ctx, t.Kind, t.Name); err != nil {
					return nil, err
				}
				ids[t] = id
			}
			if id != 0 && !slices.Contains(m.Tags, id) {
				m.Tags = append(m.Tags, id)
			}
		}
		return m, nil
	}
	var make1 func(class string) fanarchive.SearchQuery
	make1 = func(class string) fanarchive.SearchQuery {
		switch class {
		case "text":
			q := fanarchive.SearchQuery{Text: word()}
			if rng.IntN(2) == 0 {
				q.Text += " " + word()
			}
			return q
		case "text_tags":
			other := fanarchive.TagCharacter
			if rng.IntN(2) == 0 {
				other = fanarchive.TagFreeform
			}
			return fanarchive.SearchQuery{Text: word(),
				Include: []fanarchive.Tag{tag(fanarchive.TagFandom, 20), tag(other, 30)},
				Exclude: []fanarchive.Tag{tag(fanarchive.TagFreeform, 100), tag(fanarchive.TagWarning, 6)}}
		case "tag_text":
			return fanarchive.SearchQuery{Text: words(), Include: []fanarchive.Tag{tag(fanarchive.TagFandom, 50)}}
		case "text_rating":
			q := fanarchive.SearchQuery{Text: words(), Ratings: []fanarchive.Rating{fanarchive.Ratings[rng.IntN(4)]}}
			if rng.IntN(2) == 0 {
				q.Ratings = append(q.Ratings, fanarchive.Ratings[rng.IntN(4)])
			}
			return q
		case "text_fields":
			from := time.Date(1996+rng.IntN(20), 1, 1, 0, 0, 0, 0, time.UTC)
			return fanarchive.SearchQuery{Text: words(), Complete: true, WordsMin: 1000, WordsMax: 1000 + rng.IntN(50000),
				UpdatedFrom: from, UpdatedTo: from.AddDate(2+rng.IntN(8), 0, 0)}
		case "tags":
			return fanarchive.SearchQuery{Sort: fanarchive.SortUpdated,
				Include: []fanarchive.Tag{tag(fanarchive.TagFandom, 50), tag(fanarchive.TagFreeform, 50)},
				Exclude: []fanarchive.Tag{tag(fanarchive.TagFreeform, 100)},
				Ratings: []fanarchive.Rating{fanarchive.RatingGeneral, fanarchive.RatingTeen}}
		case "facets":
			switch rng.IntN(4) {
			case 0:
				return fanarchive.SearchQuery{}
			case 1:
				return fanarchive.SearchQuery{Complete: true}
			case 2:
				return fanarchive.SearchQuery{Ratings: []fanarchive.Rating{fanarchive.Ratings[rng.IntN(4)]}}
			default:
				return fanarchive.SearchQuery{Language: "en"}
			}
		default: // deep
			q := fanarchive.SearchQuery{}
			if rng.IntN(2) == 0 {
				q.Include = []fanarchive.Tag{tag(fanarchive.TagFandom, 5)}
			}
			// A cursor names a place in the order: "<key>_<work ID>".
			if rng.IntN(2) == 0 {
				q.Sort = fanarchive.SortUpdated
				at := time.Date(1996+rng.IntN(28), time.Month(1+rng.IntN(12)), 1, 0, 0, 0, 0, time.UTC)
				q.After = strconv.FormatInt(at.Unix(), 10) + "_4294967295"
			} else {
				q.Sort = fanarchive.SortWords
				q.After = strconv.Itoa(int(math.Exp(8+1.3*rng.NormFloat64()))) + "_4294967295"
			}
			return q
		}
	}
	// query makes a query of a class. A second page's is made by asking
	// for a first page, untimed, until one has a next page.
	query := func(class string) (fanarchive.SearchQuery, error) {
		if base, ok := strings.CutPrefix(class, "mute50_"); ok {
			q := make1(base)
			var err error
			q.Muted, err = mute()
			return q, err
		}
		if class != "text_page2" {
			return make1(class), nil
		}
		var q fanarchive.SearchQuery
		for range 20 {
			q = make1([]string{"text_tags", "tag_text"}[rng.IntN(2)])
			res, err := engine.Search(ctx, q)
			if err != nil {
				return q, err
			}
			if res.Next != "" {
				q.After = res.Next
				break
			}
		}
		return q, nil
	}
	// Warm up the database's cache and the engine's pools, untimed.
	for range 10 {
		for _, c := range classes {
			q, err := query(c)
			if err != nil {
				return nil, err
			}
			if _, err := engine.Search(ctx, q); err != nil {
				return nil, err
			}
		}
	}
	times := map[string][]float64{}
	small := map[string][]float64{} // queries matching at most 50,000 works
	totals := map[string]int{}
	for range perClass {
		for _, c := range classes {
			q, err := query(c)
			if err != nil {
				return nil, err
			}
			start := time.Now()
			res, err := engine.Search(ctx, q)
			if err != nil {
				return nil, fmt.Errorf("%s query %+v: %w", c, q, err)
			}
			ms := float64(time.Since(start).Microseconds()) / 1000
			times[c] = append(times[c], ms)
			if res.Total <= 50000 {
				small[c] = append(small[c], ms)
			}
			totals[c] += res.Total
		}
	}
	out := map[string]*latency{}
	for _, c := range classes {
		t := times[c]
		slices.Sort(t)
		pct := func(p float64) float64 { return round(t[min(len(t)-1, int(math.Ceil(p*float64(len(t))))-1)], 1) }
		out[c] = &latency{N: len(t), P50: pct(0.50), P95: pct(0.95), P99: pct(0.99), Max: round(t[len(t)-1], 1),
			AvgHit: round(float64(totals[c])/float64(len(t)), 0)}
		if sm := small[c]; len(sm) < len(t) && len(sm) > 0 {
			slices.Sort(sm)
			out[c].Over50k = len(t) - len(sm)
			out[c].P95Small = round(sm[min(len(sm)-1, int(math.Ceil(0.95*float64(len(sm))))-1)], 1)
		}
	}
	return out, nil
}
