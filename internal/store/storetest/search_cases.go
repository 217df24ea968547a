package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fanarchive"
)

func rel(name string) fanarchive.Tag {
	return fanarchive.Tag{Kind: fanarchive.TagRelationship, Name: name}
}

func testSearchFilters(t *testing.T, s fanarchive.Store, searcher func(t *testing.T) fanarchive.SearchService) {
	ss := searcher(t) // opened on the empty archive: everything below arrives through the change log
	works := corpus(t, s, 60)
	tests := []struct {
		name string
		q    fanarchive.SearchQuery
		keep func(w *corpusWork) bool
	}{
		{"everything", fanarchive.SearchQuery{}, func(*corpusWork) bool { return true }},
		{"canonical finds synonyms", fanarchive.SearchQuery{Include: []fanarchive.Tag{rel("Clark/Lex")}},
			func(w *corpusWork) bool { return w.hasTag(fanarchive.TagRelationship, "Clark/Lex") }},
		{"synonym finds canonical", fanarchive.SearchQuery{Include: []fanarchive.Tag{rel("Lex/Clark")}},
			func(w *corpusWork) bool { return w.hasTag(fanarchive.TagRelationship, "Clark/Lex") }},
		{"friendship is not romance", fanarchive.SearchQuery{Include: []fanarchive.Tag{rel("Clark & Lex")}},
			func(w *corpusWork) bool { return w.hasTag(fanarchive.TagRelationship, "Clark & Lex") }},
		{"include two, exclude two", fanarchive.SearchQuery{
			Include: []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Smallville"}, {Kind: fanarchive.TagCharacter, Name: "Clark Kent"}},
			Exclude: []fanarchive.Tag{{Kind: fanarchive.TagFreeform, Name: "Angst"}, {Kind: fanarchive.TagWarning, Name: "Major Character Death"}}},
			func(w *corpusWork) bool {
				return w.hasTag(fanarchive.TagFandom, "Smallville") && w.hasTag(fanarchive.TagCharacter, "Clark Kent") &&
					!w.hasTag(fanarchive.TagFreeform, "Angst") && !w.hasTag(fanarchive.TagWarning, "Major Character Death")
			}},
		{"exclude a synonym excludes its canonical", fanarchive.SearchQuery{Exclude: []fanarchive.Tag{rel("Clark Kent/Lex Luthor")}},
			func(w *corpusWork) bool { return !w.hasTag(fanarchive.TagRelationship, "Clark/Lex") }},
		{"tag name in any kind", fanarchive.SearchQuery{Include: []fanarchive.Tag{{Name: "rain"}}},
			func(w *corpusWork) bool { return w.hasTag(fanarchive.TagFreeform, "Rain") }},
		{"unknown tag finds nothing", fanarchive.SearchQuery{Include: []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Highlander"}}},
			func(*corpusWork) bool { return false }},
		{"unknown excluded tag excludes nothing", fanarchive.SearchQuery{Exclude: []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Highlander"}}},
			func(*corpusWork) bool { return true }},
		{"ratings", fanarchive.SearchQuery{Ratings: []fanarchive.Rating{fanarchive.RatingGeneral, fanarchive.RatingTeen}},
			func(w *corpusWork) bool {
				return w.Rating == fanarchive.RatingGeneral || w.Rating == fanarchive.RatingTeen
			}},
		{"exclude a rating", fanarchive.SearchQuery{ExcludeRatings: []fanarchive.Rating{fanarchive.RatingExplicit}},
			func(w *corpusWork) bool { return w.Rating != fanarchive.RatingExplicit }},
		{"word range", fanarchive.SearchQuery{WordsMin: 1000, WordsMax: 3000},
			func(w *corpusWork) bool { return w.Words >= 1000 && w.Words <= 3000 }},
		{"complete in French", fanarchive.SearchQuery{Complete: true, Language: "FR"},
			func(w *corpusWork) bool { return w.Complete && w.Language == "fr" }},
		{"updated between", fanarchive.SearchQuery{UpdatedFrom: day(40), UpdatedTo: day(60)},
			func(w *corpusWork) bool { return !w.Updated.Before(day(40)) && !w.Updated.After(day(60)) }},
		{"tag operators in the text", fanarchive.SearchQuery{Text: `tag:"Smallville" -tag:"fluff"`},
			func(w *corpusWork) bool {
				return w.hasTag(fanarchive.TagFandom, "Smallville") && !w.hasTag(fanarchive.TagFreeform, "Fluff")
			}},
	}
	for _, tt := range tests {
		for _, sort := range []fanarchive.SearchSort{fanarchive.SortUpdated, fanarchive.SortPublished, fanarchive.SortWords, fanarchive.SortTitle} {
			q := tt.q
			q.Sort, q.Limit = sort, 7
			got, res := searchAll(t, ss, q)
			want := expected(works, sort, tt.keep)
			sameIDs(t, tt.name+" by "+string(sort), got, want, true)
			if res.Total != len(want) {
				t.Errorf("%s: Total = %d, want %d", tt.name, res.Total, len(want))
			}
		}
	}
}

func testSearchText(t *testing.T, s fanarchive.Store, searcher func(t *testing.T) fanarchive.SearchService) {
	works := corpus(t, s, 40)
	special := newWork("The Lighthouse Keeper")
	special.Authors = []fanarchive.Author{{Name: "Ada Quill"}}
	special.Summary = "A storm, and a letter."
	special.Chapters[0].Body = "<p>The salt wind came off the harbour.</p>"
	create(t, s, special)
	works = append(works, &corpusWork{Work: special, body: "The girl is dead. Or is she? The salt wind came off the harbour."})
	ss := searcher(t)

	has := func(w *corpusWork, word string) bool { return w.hasWord(word) }
	tests := []struct {
		text string
		keep func(w *corpusWork) bool
	}{
		{"kettle", func(w *corpusWork) bool { return has(w, "kettle") }},
		{"KETTLE Rain", func(w *corpusWork) bool { return has(w, "kettle") && has(w, "rain") }},
		{"kettle -rain", func(w *corpusWork) bool { return has(w, "kettle") && !has(w, "rain") }},
		{"-kettle", func(w *corpusWork) bool { return !has(w, "kettle") }},
		{`"salt wind came"`, func(w *corpusWork) bool { return w.ID == special.ID }},
		{`"came salt"`, func(*corpusWork) bool { return false }},
		{"title:lighthouse", func(w *corpusWork) bool { return strings.Contains(strings.ToLower(w.Title), "lighthouse") }},
		{`author:"ada quill"`, func(w *corpusWork) bool { return w.ID == special.ID }},
		{"author:quill storm", func(w *corpusWork) bool { return w.ID == special.ID }},
		{`tag:"Smallville" kettle`, func(w *corpusWork) bool { return has(w, "kettle") && w.hasTag(fanarchive.TagFandom, "Smallville") }},
		{"nosuchword", func(*corpusWork) bool { return false }},
	}
	for _, tt := range tests {
		for _, sort := range []fanarchive.SearchSort{fanarchive.SortRelevance, fanarchive.SortUpdated} {
			got, res := searchAll(t, ss, fanarchive.SearchQuery{Text: tt.text, Sort: sort, Limit: 5})
			want := expected(works, sort, tt.keep)
			sameIDs(t, tt.text+" by "+string(sort), got, want, sort != fanarchive.SortRelevance)
			if res.Total != len(want) {
				t.Errorf("%q: Total = %d, want %d", tt.text, res.Total, len(want))
			}
		}
	}
	// Relevance puts the title match first: the title weighs most.
	res, err := ss.Search(context.Background(), fanarchive.SearchQuery{Text: "lighthouse"})
	must(t, err)
	if res.Sort != fanarchive.SortRelevance || len(res.Works) == 0 || res.Works[0].ID != special.ID {
		t.Errorf("relevance: sort %q, first %v; want the work titled Lighthouse first", res.Sort, res.Works)
	}
}

func testSearchPagination(t *testing.T, s fanarchive.Store, searcher func(t *testing.T) fanarchive.SearchService) {
	works := corpus(t, s, 53)
	ss := searcher(t)
	ctx := context.Background()
	for _, sort := range []fanarchive.SearchSort{fanarchive.SortUpdated, fanarchive.SortTitle, fanarchive.SortRelevance} {
		q := fanarchive.SearchQuery{Sort: sort, Limit: 10}
		if sort == fanarchive.SortRelevance {
			q.Text = "story" // every title has it
		}
		forward, _ := searchAll(t, ss, q)
		sameIDs(t, "forward by "+string(sort), forward, expected(works, fanarchive.SortUpdated, func(*corpusWork) bool { return true }), false)
		// Walk back from the last page with Prev: the same pages, reversed.
		res, err := ss.Search(ctx, q)
		must(t, err)
		for res.Next != "" {
			q.After = res.Next
			res, err = ss.Search(ctx, q)
			must(t, err)
		}
		var backward []int64
		for {
			backward = append(slices.Clone(idsOf(res.Works)), backward...)
			if res.Prev == "" {
				break
			}
			q.After, q.Before = "", res.Prev
			res, err = ss.Search(ctx, q)
			must(t, err)
		}
		sameIDs(t, "backward by "+string(sort), backward, forward, true)
	}
	// A cursor survives the deletion of the work it names.
	res, err := ss.Search(ctx, fanarchive.SearchQuery{Sort: fanarchive.SortTitle, Limit: 10})
	must(t, err)
	last := res.Works[len(res.Works)-1]
	must(t, s.DeleteWork(ctx, last.ID))
	next, err := ss.Search(ctx, fanarchive.SearchQuery{Sort: fanarchive.SortTitle, Limit: 10, After: res.Next})
	must(t, err)
	all, _ := searchAll(t, ss, fanarchive.SearchQuery{Sort: fanarchive.SortTitle, Limit: 100})
	if i := slices.Index(all, next.Works[0].ID); i != 9 {
		t.Errorf("after deleting the cursor's work, the next page starts at %d, want 9", i)
	}
	for _, bad := range []string{"x", "_", "12_abc", "_0", strings.Repeat("9", 80) + "_1"} {
		_, err := ss.Search(ctx, fanarchive.SearchQuery{Sort: fanarchive.SortUpdated, After: bad})
		wantCode(t, err, fanarchive.EINVALID)
	}
}

func idsOf(works []*fanarchive.Work) []int64 {
	ids := make([]int64, len(works))
	for i, w := range works {
		ids[i] = w.ID
	}
	return ids
}
