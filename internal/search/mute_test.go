package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"fanarchive"
)

// memSource is a Source over works held in memory, with no text: enough to
// exercise the engine's filters, facets and muting without a database.
type memSource struct {
	tags []TagRow
	docs []Doc
}

func (m *memSource) SearchSnapshot(ctx context.Context, tagsFn func([]TagRow) error, docFn func(Doc) error) (int64, error) {
	if err := tagsFn(m.tags); err != nil {
		return 0, err
	}
	for _, d := range m.docs {
		if err := docFn(d); err != nil {
			return 0, err
		}
	}
	return 1, nil
}
func (m *memSource) SearchSeq(ctx context.Context) (int64, int64, error) { return 1, 0, nil }
func (m *memSource) SearchChanges(ctx context.Context, after int64, limit int) ([]Change, error) {
	return nil, nil
}
func (m *memSource) SearchDocs(ctx context.Context, ids []int64) ([]Doc, []TagRow, error) {
	return nil, nil, nil
}
func (m *memSource) SearchTags(ctx context.Context) ([]TagRow, error) { return m.tags, nil }
func (m *memSource) MatchText(ctx context.Context, must, mustNot []Clause) ([]uint32, error) {
	return nil, nil
}
func (m *memSource) RankText(ctx context.Context, must, mustNot []Clause) ([]Scored, error) {
	return nil, nil
}
func (m *memSource) TopText(ctx context.Context, must, mustNot []Clause, k int) ([]Scored, error) {
	return nil, nil
}
func (m *memSource) ScoreText(ctx context.Context, must, mustNot []Clause, ids []uint32) ([]Scored, error) {
	return nil, nil
}
func (m *memSource) BestText(ctx context.Context, must, mustNot []Clause) ([]uint32, *TopScores, error) {
	return nil, nil, nil
}
func (m *memSource) FindWorksByIDs(ctx context.Context, ids []int64) ([]*fanarchive.Work, error) {
	out := make([]*fanarchive.Work, len(ids))
	for i, id := range ids {
		out[i] = &fanarchive.Work{ID: id, Title: fmt.Sprint("Work ", id)}
	}
	return out, nil
}

// smallSource is six works: tag 1 (Angst) on 1–3, tag 2 (a synonym of 1,
// "angst!") on 4, tag 3 (Fluff) on 4–6.
func smallSource() *memSource {
	m := &memSource{tags: []TagRow{
		{ID: 1, Kind: fanarchive.TagFreeform, Name: "Angst"},
		{ID: 2, Kind: fanarchive.TagFreeform, Name: "Angst!", Canonical: 1},
		{ID: 3, Kind: fanarchive.TagFreeform, Name: "Fluff"},
		{ID: 4, Kind: fanarchive.TagFandom, Name: "Smallville"},
	}}
	tagsOf := map[int64][]int64{1: {1, 4}, 2: {1, 4}, 3: {1, 4}, 4: {2, 3, 4}, 5: {3, 4}, 6: {3, 4}}
	for id := int64(1); id <= 6; id++ {
		m.docs = append(m.docs, Doc{ID: id, Listed: true, Title: fmt.Sprint("w", id), Rating: fanarchive.RatingGeneral,
			Updated: time.Unix(id*1000, 0), Published: time.Unix(id*1000, 0), Tags: tagsOf[id]})
	}
	return m
}

// facetCount returns the count of a tag in a facet of res, 0 if absent.
func facetCount(res *fanarchive.SearchResult, kind fanarchive.TagKind, name string) int {
	for _, f := range res.Facets {
		if f.Kind != kind {
			continue
		}
		for _, c := range f.Counts {
			if c.Tag.Name == name {
				return c.Works
			}
		}
	}
	return 0
}

// TestMuted checks that muted tags (and their synonyms) and muted works
// leave the results, the total and the facet counts, down both of the
// engine's ways of counting.
func TestMuted(t *testing.T) {
	for _, limits := range []int{-1, 0} {
		e, err := New(context.Background(), smallSource(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if limits >= 0 {
			e.SetLimits(limits, limits)
		}
		for _, tt := range []struct {
			name       string
			muted      *fanarchive.MuteSet
			q          fanarchive.SearchQuery
			ids        []int64
			angst, fan int // facet counts of Angst and Smallville
		}{
			{"nothing", nil, fanarchive.SearchQuery{}, []int64{6, 5, 4, 3, 2, 1}, 4, 6},
			{"a tag and its synonym", &fanarchive.MuteSet{Tags: []int64{1}}, fanarchive.SearchQuery{}, []int64{6, 5}, 0, 2},
			{"by the synonym", &fanarchive.MuteSet{Tags: []int64{2}}, fanarchive.SearchQuery{}, []int64{6, 5}, 0, 2},
			{"works", &fanarchive.MuteSet{Works: []int64{1, 6}}, fanarchive.SearchQuery{}, []int64{5, 4, 3, 2}, 3, 4},
			{"with a filter", &fanarchive.MuteSet{Tags: []int64{3}},
				fanarchive.SearchQuery{Include: []fanarchive.Tag{{Name: "Smallville"}}}, []int64{3, 2, 1}, 3, 3},
			{"unknown tag", &fanarchive.MuteSet{Tags: []int64{99, 1 << 40}}, fanarchive.SearchQuery{}, []int64{6, 5, 4, 3, 2, 1}, 4, 6},
		} {
			t.Run(fmt.Sprint(tt.name, "/", limits), func(t *testing.T) {
				q := tt.q
				q.Muted = tt.muted
				res, err := e.Search(context.Background(), q)
				if err != nil {
					t.Fatal(err)
				}
				var ids []int64
				for _, w := range res.Works {
					ids = append(ids, w.ID)
				}
				if !slices.Equal(ids, tt.ids) || res.Total != len(tt.ids) {
					t.Errorf("works %v (total %d), want %v", ids, res.Total, tt.ids)
				}
				if got := facetCount(res, fanarchive.TagFreeform, "Angst"); got != tt.angst {
					t.Errorf("Angst facet %d, want %d", got, tt.angst)
				}
				if got := facetCount(res, fanarchive.TagFandom, "Smallville"); got != tt.fan {
					t.Errorf("Smallville facet %d, want %d", got, tt.fan)
				}
			})
		}
	}
}

// TestMuteKey checks that the cache key tells mute sets apart and ignores
// their order.
func TestMuteKey(t *testing.T) {
	a := muteKey(&fanarchive.MuteSet{Tags: []int64{1, 2}})
	if a != muteKey(&fanarchive.MuteSet{Tags: []int64{2, 1}}) || a == muteKey(&fanarchive.MuteSet{Tags: []int64{1}}) ||
		a == muteKey(&fanarchive.MuteSet{Works: []int64{1, 2}}) || muteKey(nil) != "" {
		t.Error("mute keys do not tell sets apart")
	}
}

// benchSources are archives of n works shaped like cmd/benchsearch's
// (gen.go): Zipf-distributed tags (s 1.1, v 4) of the facet kinds, 5–40
// tags a work, 70% complete, 80% English; built once per size.
var benchSources sync.Map

func benchEngine(b *testing.B, n int) (*Engine, [][]int64) {
	v, ok := benchSources.Load(n)
	if !ok {
		rng := rand.New(rand.NewPCG(1, 2))
		m := &memSource{}
		kinds := []struct {
			kind fanarchive.TagKind
			n    int
		}{{fanarchive.TagFandom, 2000}, {fanarchive.TagCharacter, 14000}, {fanarchive.TagRelationship, 12000},
			{fanarchive.TagFreeform, 21988}, {fanarchive.TagWarning, 6}, {fanarchive.TagCategory, 6}}
		type span struct{ first, n int64 }
		spans := map[fanarchive.TagKind]span{}
		zipf := map[fanarchive.TagKind]*rand.Zipf{}
		id := int64(1)
		for _, k := range kinds {
			spans[k.kind] = span{id, int64(k.n)}
			zipf[k.kind] = rand.NewZipf(rng, 1.1, 4, uint64(k.n-1))
			for i := range k.n {
				m.tags = append(m.tags, TagRow{ID: id, Kind: k.kind, Name: fmt.Sprint(k.kind, " ", i)})
				id++
			}
		}
		pick := func(k fanarchive.TagKind) int64 { return spans[k].first + int64(zipf[k].Uint64()) }
		for w := int64(1); w <= int64(n); w++ {
			tags := []int64{pick(fanarchive.TagFandom), pick(fanarchive.TagWarning), pick(fanarchive.TagCategory)}
			if rng.IntN(4) == 0 {
				tags = append(tags, pick(fanarchive.TagFandom))
			}
			for want := 5 + rng.IntN(36); len(tags) < want; {
				switch k := rng.IntN(10); {
				case k < 3:
					tags = append(tags, pick(fanarchive.TagCharacter))
				case k < 5:
					tags = append(tags, pick(fanarchive.TagRelationship))
				default:
					tags = append(tags, pick(fanarchive.TagFreeform))
				}
			}
			slices.Sort(tags)
			m.docs = append(m.docs, Doc{ID: w, Listed: true, Title: "t", Rating: fanarchive.Ratings[rng.IntN(4)], Words: rng.IntN(100000),
				Complete: rng.IntN(10) < 7, Language: []string{"en", "en", "en", "en", "en", "en", "en", "en", "es", "fr"}[rng.IntN(10)],
				Updated: time.Unix(int64(rng.IntN(1e9)), 0), Published: time.Unix(int64(rng.IntN(1e9)), 0), Tags: slices.Compact(tags)})
		}
		e, err := New(context.Background(), m, nil)
		if err != nil {
			b.Fatal(err)
		}
		words := 0
		for _, d := range e.ix.dense {
			words += len(d)
		}
		b.Logf("%d works: %d dense tag copies, %.1f MB", n, len(e.ix.dense), float64(words*8)/(1<<20))
		// Mute sets of 50 of the 300 most used relationships, characters
		// and freeform tags, as cmd/benchsearch mutes: a new one for each
		// search, since each reader has their own.
		sets := make([][]int64, 64)
		for i := range sets {
			for len(sets[i]) < 50 {
				k := []fanarchive.TagKind{fanarchive.TagRelationship, fanarchive.TagCharacter, fanarchive.TagFreeform}[rng.IntN(3)]
				t := spans[k].first + int64(rng.IntN(300))
				if !slices.Contains(sets[i], t) {
					sets[i] = append(sets[i], t)
				}
			}
		}
		v = [2]any{e, sets}
		benchSources.Store(n, v)
	}
	p := v.([2]any)
	return p[0].(*Engine), p[1].([][]int64)
}

// BenchmarkMuted runs the same tag searches with and without 50 muted
// tags, over 1M works (-short: 100k): the difference is what muting adds
// to a search (docs/benchmarks.md, "Muting").
func BenchmarkMuted(b *testing.B) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	e, sets := benchEngine(b, n)
	for _, q := range []struct {
		name string
		q    fanarchive.SearchQuery
	}{
		{"all", fanarchive.SearchQuery{}},
		{"complete", fanarchive.SearchQuery{Complete: true}},
		{"rating", fanarchive.SearchQuery{Ratings: []fanarchive.Rating{fanarchive.RatingTeen}}},
		{"language", fanarchive.SearchQuery{Language: "en"}},
		{"fandom", fanarchive.SearchQuery{Include: []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "fandom 3"}}}},
		{"rare", fanarchive.SearchQuery{Include: []fanarchive.Tag{{Kind: fanarchive.TagFreeform, Name: "freeform 900"}}}},
	} {
		for _, withMutes := range []bool{false, true} {
			name := q.name + "/plain"
			if withMutes {
				name = q.name + "/mute50"
			}
			b.Run(name, func(b *testing.B) {
				i := 0
				for b.Loop() {
					query := q.q
					if withMutes {
						query.Muted = &fanarchive.MuteSet{Tags: sets[i%len(sets)]}
						i++
					}
					if _, err := e.Search(context.Background(), query); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
