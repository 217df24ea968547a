package storetest

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"fanarchive"
	"fanarchive/internal/search"
)

// SearchOpener returns a new, empty store, and a function that opens a
// search service over the same database through a handle of its own, as a
// separate `fanarchive serve` process would.
type SearchOpener func(t *testing.T) (fanarchive.Store, func(t *testing.T) fanarchive.SearchService)

// RunSearch runs the search suite: include and exclude semantics checked
// against a model of the corpus, synonyms, facet counts equal to the real
// counts, pagination that returns every work exactly once, consistency
// between handles, and bad input.
func RunSearch(t *testing.T, open SearchOpener) {
	t.Helper()
	runSearchSuites(t, "Search/", open, []searchSuite{
		{"Filters", testSearchFilters},
		{"Text", testSearchText},
		{"Pagination", testSearchPagination},
		{"Facets", testSearchFacets},
		{"Synonyms", testSearchSynonyms},
		{"RenameAndMerge", testSearchRenameMerge},
		{"Consistency", testSearchConsistency},
		{"BadInput", testSearchBadInput},
		{"TagCounts", testSearchTagCounts},
	})
}

// searchSuite is one test of a suite that needs a search service.
type searchSuite struct {
	name string
	fn   func(t *testing.T, s fanarchive.Store, searcher func(t *testing.T) fanarchive.SearchService)
}

// runSearchSuites runs each suite in parallel on a store of its own,
// named prefix+name, and closes the store after it.
func runSearchSuites(t *testing.T, prefix string, open SearchOpener, suites []searchSuite) {
	t.Helper()
	for _, st := range suites {
		t.Run(prefix+st.name, func(t *testing.T) {
			t.Parallel()
			s, searcher := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			st.fn(t, s, searcher)
		})
	}
}

// corpusWork is a work of the search corpus with what the model needs.
type corpusWork struct {
	*fanarchive.Work
	body string
}

// canonicalOf is the corpus's wrangling: the tags that mean the same.
// "Lex/Clark" becomes a synonym of "Clark/Lex" by itself when stored (same
// names, other order); "Clark Kent/Lex Luthor" is made one by the test.
var canonicalOf = map[string]string{
	"relationship:Lex/Clark":             "Clark/Lex",
	"relationship:Clark Kent/Lex Luthor": "Clark/Lex",
}

// corpus stores n works, deterministic for a seed, and returns them in ID
// order. The first work holds "Clark/Lex" so that it is the canonical.
func corpus(t *testing.T, s fanarchive.Store, n int) []*corpusWork {
	t.Helper()
	rng := rand.New(rand.NewPCG(4, 2))
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	fandoms := []string{"The X-Files", "Smallville", "Buffy the Vampire Slayer"}
	rels := []string{"Clark/Lex", "Lex/Clark", "Clark Kent/Lex Luthor", "Clark & Lex", "Fox Mulder/Dana Scully", "Buffy/Spike"}
	chars := []string{"Clark Kent", "Lex Luthor", "Dana Scully", "Fox Mulder", "Spike"}
	free := []string{"Angst", "Fluff", "Hurt/Comfort", "Alternate Universe", "Rain"}
	warnings := []string{"No Archive Warnings Apply", "Major Character Death"}
	vocab := strings.Fields("kettle rain lighthouse tide salt static lamp watch storm harbour letter winter quiet evening")
	var out []*corpusWork
	for i := range n {
		w := newWork(fmt.Sprintf("Story %02d %s", i, pick(vocab)))
		w.Authors = []fanarchive.Author{{Name: pick([]string{"Maple Stone", "Jo March", "Sam Vimes"})}}
		w.Rating = fanarchive.Ratings[rng.IntN(len(fanarchive.Ratings))]
		w.Words = 100 + rng.IntN(5000)
		w.Complete = rng.IntN(3) > 0
		w.Language = pick([]string{"en", "en", "fr"})
		w.Published = day(rng.IntN(100))
		w.Updated = w.Published.AddDate(0, 0, rng.IntN(30))
		if i%7 == 3 {
			w.Updated = day(50) // ties, broken by ID
		}
		w.Tags = []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: pick(fandoms)}}
		rel := pick(rels)
		if i == 0 {
			rel = "Clark/Lex"
		}
		w.Tags = append(w.Tags,
			fanarchive.Tag{Kind: fanarchive.TagRelationship, Name: rel},
			fanarchive.Tag{Kind: fanarchive.TagCharacter, Name: pick(chars)},
			fanarchive.Tag{Kind: fanarchive.TagCharacter, Name: pick(chars)}, // may repeat: stored once
			fanarchive.Tag{Kind: fanarchive.TagWarning, Name: pick(warnings)},
			fanarchive.Tag{Kind: fanarchive.TagFreeform, Name: pick(free)})
		if i%5 == 0 {
			w.Tags = append(w.Tags, fanarchive.Tag{Kind: fanarchive.TagFreeform, Name: pick(free)})
		}
		words := make([]string, 12)
		for j := range words {
			words[j] = pick(vocab)
		}
		body := strings.Join(words, " ")
		w.Chapters = []*fanarchive.Chapter{{Number: 1, Body: "<p>" + body + "</p>\n", Words: len(words)}}
		create(t, s, w)
		out = append(out, &corpusWork{Work: w, body: body})
	}
	must(t, s.SetTagSynonym(context.Background(), fanarchive.TagRelationship, "Clark Kent/Lex Luthor", "Clark/Lex"))
	return out
}

// canon returns the canonical name of a tag in the corpus.
func canon(t fanarchive.Tag) string {
	if c, ok := canonicalOf[string(t.Kind)+":"+t.Name]; ok {
		return c
	}
	return t.Name
}

// hasTag reports whether a work has the tag (kind and canonical name).
func (w *corpusWork) hasTag(kind fanarchive.TagKind, name string) bool {
	for _, t := range w.Tags {
		if t.Kind == kind && canon(t) == canon(fanarchive.Tag{Kind: kind, Name: name}) {
			return true
		}
	}
	return false
}

// hasWord reports whether the work's text (title, authors, summary, body)
// holds the word.
func (w *corpusWork) hasWord(word string) bool {
	all := search.IndexWords(strings.Join([]string{w.Title, strings.Join(w.AuthorNames(), " "), w.Summary, w.body}, " "))
	return slices.Contains(all, word)
}

// searchAll walks every page of q forward and returns the IDs in order.
func searchAll(t *testing.T, ss fanarchive.SearchService, q fanarchive.SearchQuery) ([]int64, *fanarchive.SearchResult) {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	var first *fanarchive.SearchResult
	for range 1000 {
		res, err := ss.Search(ctx, q)
		if err != nil {
			t.Fatalf("Search(%+v): %v", q, err)
		}
		if first == nil {
			first = res
		}
		if res.Total != first.Total {
			t.Fatalf("total changed between pages: %d then %d", first.Total, res.Total)
		}
		for _, w := range res.Works {
			ids = append(ids, w.ID)
		}
		if res.Next == "" {
			return ids, first
		}
		q.After, q.Before = res.Next, ""
	}
	t.Fatal("more than 1000 pages")
	return nil, nil
}

// expected returns the IDs of the listed corpus works that keep says
// match, in the order of sort.
func expected(works []*corpusWork, sort fanarchive.SearchSort, keep func(*corpusWork) bool) []int64 {
	var sel []*corpusWork
	for _, w := range works {
		if w.DuplicateOf == 0 && keep(w) {
			sel = append(sel, w)
		}
	}
	slices.SortFunc(sel, func(a, b *corpusWork) int {
		var c int
		switch sort {
		case fanarchive.SortPublished:
			c = b.Published.Compare(a.Published)
		case fanarchive.SortWords:
			c = cmp.Compare(b.Words, a.Words)
		case fanarchive.SortTitle:
			c = cmp.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title))
		default:
			c = b.Updated.Compare(a.Updated)
		}
		return cmp.Or(c, cmp.Compare(b.ID, a.ID))
	})
	ids := make([]int64, len(sel))
	for i, w := range sel {
		ids[i] = w.ID
	}
	return ids
}

// sameIDs fails the test unless got and want hold the same IDs, in order
// when ordered is true, each exactly once.
func sameIDs(t *testing.T, what string, got, want []int64, ordered bool) {
	t.Helper()
	seen := map[int64]bool{}
	for _, id := range got {
		if seen[id] {
			t.Errorf("%s: work %d returned twice", what, id)
		}
		seen[id] = true
	}
	if !ordered {
		got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %v\nwant %v", what, got, want)
	}
}
