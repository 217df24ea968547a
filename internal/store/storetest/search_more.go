package storetest

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"testing"

	"fanarchive"
)

func testSearchFacets(t *testing.T, s fanarchive.Store, searcher func(t *testing.T) fanarchive.SearchService) {
	works := corpus(t, s, 60)
	ss := searcher(t)
	for _, q := range []fanarchive.SearchQuery{
		{},
		{Text: "kettle"},
		{Include: []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Smallville"}}},
		{Exclude: []fanarchive.Tag{rel("Clark/Lex")}, Ratings: []fanarchive.Rating{fanarchive.RatingTeen, fanarchive.RatingMature}},
	} {
		q.FacetLimit = 3
		ids, res := searchAll(t, ss, q)
		in := map[int64]bool{}
		for _, id := range ids {
			in[id] = true
		}
		// The real counts, by canonical tag, each work once.
		real := map[fanarchive.TagKind]map[string]int{}
		for _, w := range works {
			if !in[w.ID] {
				continue
			}
			seen := map[string]bool{}
			for _, tg := range w.Tags {
				key := string(tg.Kind) + ":" + canon(tg)
				if seen[key] {
					continue
				}
				seen[key] = true
				if real[tg.Kind] == nil {
					real[tg.Kind] = map[string]int{}
				}
				real[tg.Kind][canon(tg)]++
			}
			if real[fanarchive.FacetRating] == nil {
				real[fanarchive.FacetRating] = map[string]int{}
			}
			real[fanarchive.FacetRating][string(w.Rating)]++
		}
		if len(res.Facets) == 0 {
			t.Fatalf("%+v: no facets", q)
		}
		for _, f := range res.Facets {
			type kv struct {
				name string
				n    int
			}
			var want []kv
			for name, n := range real[f.Kind] {
				want = append(want, kv{name, n})
			}
			slices.SortFunc(want, func(a, b kv) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.name, b.name)) })
			if f.Kind != fanarchive.FacetRating {
				want = want[:min(3, len(want))]
			} else {
				slices.SortFunc(want, func(a, b kv) int {
					return cmp.Compare(slices.Index(fanarchive.Ratings, fanarchive.Rating(a.name)), slices.Index(fanarchive.Ratings, fanarchive.Rating(b.name)))
				})
			}
			var got []kv
			for _, c := range f.Counts {
				got = append(got, kv{c.Tag.Name, c.Works})
			}
			if !slices.Equal(got, want) {
				t.Errorf("%+v: facet %s = %v, want %v", q, f.Kind, got, want)
			}
		}
	}
}

func testSearchSynonyms(t *testing.T, s fanarchive.Store, searcher func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	add := func(title string, tags ...fanarchive.Tag) *fanarchive.Work {
		w := newWork(title)
		w.Tags = tags
		return create(t, s, w)
	}
	a := add("A", rel("Clark/Lex"))
	b := add("B", rel("Lex / Clark")) // same names, other order, odd spacing
	c := add("C", rel("clark/lex"))   // case
	d := add("D", rel("Clark & Lex")) // friendship: another tag
	e := add("E", rel("Clark Kent/Lex Luthor"))
	ss := searcher(t)

	tag, err := s.FindTag(ctx, fanarchive.TagRelationship, "Lex/Clark")
	must(t, err)
	if tag.Canonical != "Clark/Lex" {
		t.Errorf("FindTag(Lex/Clark).Canonical = %q, want Clark/Lex", tag.Canonical)
	}
	if tag, err := s.FindTag(ctx, fanarchive.TagRelationship, "Clark/Lex"); err != nil || tag.Canonical != "" {
		t.Errorf("FindTag(Clark/Lex) = %+v, %v; want a canonical tag", tag, err)
	}
	find := func(name string) []int64 {
		t.Helper()
		ids, _ := searchAll(t, ss, fanarchive.SearchQuery{Include: []fanarchive.Tag{rel(name)}})
		return ids
	}
	sameIDs(t, "Clark/Lex", find("Clark/Lex"), []int64{a.ID, b.ID, c.ID}, false)
	sameIDs(t, "Lex/Clark", find("Lex/Clark"), []int64{a.ID, b.ID, c.ID}, false)
	sameIDs(t, "Clark & Lex", find("Clark & Lex"), []int64{d.ID}, false)
	sameIDs(t, "Clark Kent/Lex Luthor before wrangling", find("Clark Kent/Lex Luthor"), []int64{e.ID}, false)

	must(t, s.SetTagSynonym(ctx, fanarchive.TagRelationship, "Clark Kent/Lex Luthor", "Lex/Clark"))
	sameIDs(t, "Clark/Lex after wrangling", find("Clark/Lex"), []int64{a.ID, b.ID, c.ID, e.ID}, false)
	if tag, _ := s.FindTag(ctx, fanarchive.TagRelationship, "Clark Kent/Lex Luthor"); tag == nil || tag.Canonical != "Clark/Lex" {
		t.Errorf("synonym of a synonym should point at the canonical; got %+v", tag)
	}
	for _, name := range []string{"Clark/Lex", "Lex/Clark"} {
		syn, err := s.FindTagSynonyms(ctx, fanarchive.TagRelationship, name)
		if err != nil || strings.Join(syn, "|") != "Clark Kent/Lex Luthor|Lex/Clark|clark/lex" {
			t.Errorf("FindTagSynonyms(%s) = %q, %v", name, syn, err)
		}
	}
	if _, err := s.FindTagSynonyms(ctx, fanarchive.TagRelationship, "Nobody/Nobody"); fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		t.Errorf("FindTagSynonyms of no tag: %v", err)
	}
	// The filter of the listings agrees with search.
	listed, n, err := s.FindWorks(ctx, fanarchive.WorkFilter{Tag: &fanarchive.Tag{Kind: fanarchive.TagRelationship, Name: "Lex/Clark"}})
	must(t, err)
	if n != 4 {
		t.Errorf("FindWorks by a synonym: %d works (%s), want 4", n, titles(listed))
	}

	wantCode(t, s.SetTagSynonym(ctx, fanarchive.TagRelationship, "Clark/Lex", "Clark Kent/Lex Luthor"), fanarchive.EINVALID)
	wantCode(t, s.SetTagSynonym(ctx, fanarchive.TagRelationship, "Clark/Lex", "Clark/Lex"), fanarchive.EINVALID)
	wantCode(t, s.SetTagSynonym(ctx, fanarchive.TagRelationship, "Nobody/Else", "Clark/Lex"), fanarchive.ENOTFOUND)
	wantCode(t, s.SetTagSynonym(ctx, "pairing", "Clark/Lex", "Clark/Lex"), fanarchive.EINVALID)
}

func testSearchRenameMerge(t *testing.T, s fanarchive.Store, searcher func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	ss := searcher(t)
	free := func(name string) fanarchive.Tag { return fanarchive.Tag{Kind: fanarchive.TagFreeform, Name: name} }
	w1 := newWork("One")
	w1.Tags = []fanarchive.Tag{free("hurt comfort")}
	w2 := newWork("Two")
	w2.Tags = []fanarchive.Tag{free("Hurt/Comfort"), free("hurt comfort")}
	w3 := newWork("Three")
	w3.Tags = []fanarchive.Tag{free("Hurt/Comfort")}
	for _, w := range []*fanarchive.Work{w1, w2, w3} {
		create(t, s, w)
	}
	find := func(name string) []int64 {
		t.Helper()
		ids, _ := searchAll(t, ss, fanarchive.SearchQuery{Include: []fanarchive.Tag{free(name)}})
		return ids
	}
	must(t, s.RenameTag(ctx, fanarchive.TagFreeform, "hurt comfort", "Hurt and Comfort"))
	sameIDs(t, "renamed", find("Hurt and Comfort"), []int64{w1.ID, w2.ID}, false)
	sameIDs(t, "old name", find("hurt comfort"), nil, false)
	wantCode(t, s.RenameTag(ctx, fanarchive.TagFreeform, "Hurt and Comfort", "Hurt/Comfort"), fanarchive.ECONFLICT)
	wantCode(t, s.RenameTag(ctx, fanarchive.TagFreeform, "Nope", "Other"), fanarchive.ENOTFOUND)
	wantCode(t, s.RenameTag(ctx, fanarchive.TagFreeform, "Hurt/Comfort", "  "), fanarchive.EINVALID)

	must(t, s.MergeTags(ctx, fanarchive.TagFreeform, "Hurt and Comfort", "Hurt/Comfort"))
	sameIDs(t, "merged", find("Hurt/Comfort"), []int64{w1.ID, w2.ID, w3.ID}, false)
	sameIDs(t, "merged-away name resolves", find("Hurt and Comfort"), []int64{w1.ID, w2.ID, w3.ID}, false)
	got, err := s.FindWorkByID(ctx, w2.ID)
	must(t, err)
	if names := got.TagsOf(fanarchive.TagFreeform); !slices.Equal(names, []string{"Hurt/Comfort"}) {
		t.Errorf("work with both tags after merge has %v, want one Hurt/Comfort", names)
	}
	wantCode(t, s.MergeTags(ctx, fanarchive.TagFreeform, "Hurt/Comfort", "Hurt/Comfort"), fanarchive.EINVALID)
}

func testSearchConsistency(t *testing.T, s fanarchive.Store, searcher func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	ss := searcher(t) // another handle: another process, as far as it knows
	count := func(text string) int {
		t.Helper()
		res, err := ss.Search(ctx, fanarchive.SearchQuery{Text: text})
		must(t, err)
		return res.Total
	}
	for i := range 3 {
		w := newWork("Fresh " + strings.Repeat("x", i))
		w.Chapters[0].Body = "<p>A zebracorn walked in.</p>"
		create(t, s, w)
		if n := count("zebracorn"); n != i+1 {
			t.Fatalf("after commit %d, search finds %d works, want %d", i+1, n, i+1)
		}
		if err := s.DeleteWork(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		if n := count("zebracorn"); n != i {
			t.Fatalf("after delete, search finds %d works, want %d", n, i)
		}
		create(t, s, newWorkWithWord("Again "+strings.Repeat("y", i), "zebracorn"))
	}
	// Deleting a work lists its duplicate, in search too.
	orig := create(t, s, newWorkWithWord("Original", "okapi"))
	dup := newWorkWithWord("Repost", "okapi")
	dup.DuplicateOf = orig.ID
	create(t, s, dup)
	if n := count("okapi"); n != 1 {
		t.Errorf("duplicate listed: %d works, want 1", n)
	}
	must(t, s.DeleteWork(ctx, orig.ID))
	if n := count("okapi"); n != 1 {
		t.Errorf("after deleting the original, %d works, want its duplicate", n)
	}
}

// newWorkWithWord returns newWork(name) whose text holds word.
func newWorkWithWord(name, word string) *fanarchive.Work {
	w := newWork(name)
	w.Chapters[0].Body = "<p>Something about a " + word + ".</p>"
	return w
}

func testSearchBadInput(t *testing.T, s fanarchive.Store, searcher func(t *testing.T) fanarchive.SearchService) {
	corpus(t, s, 10)
	ss := searcher(t)
	ctx := context.Background()
	for _, text := range []string{
		`"*`, `NEAR(`, `NEAR(a b, 3)`, `'; DROP TABLE works; --`, `"unbalanced`, `a AND OR NOT b`, `*`, `^kettle`,
		`title:`, `tag:`, `-`, `--`, `-"`, `""`, `"" ""`, `foo:bar`, `{title}: x`, `title:"`, `kettle*`, `a"b"c`,
		"\x00", `\"`, `rowid:1`, `(((`, `)))`, `"a" OR "b"`, `tag:"unclosed`, `-tag:""`, strings.Repeat("a ", 30),
	} {
		res, err := ss.Search(ctx, fanarchive.SearchQuery{Text: text})
		if code := fanarchive.ErrorCode(err); code != "" && code != fanarchive.EINVALID {
			t.Errorf("Search(%q): %v", text, err)
		} else if err == nil && res == nil {
			t.Errorf("Search(%q): no result", text)
		}
	}
	for _, q := range []fanarchive.SearchQuery{
		{Text: strings.Repeat("x", fanarchive.MaxSearchTextLen+1)},
		{Text: strings.Repeat("a ", fanarchive.MaxSearchTerms+1)},
		{Text: "\xff\xfe"},
		{Sort: "sideways"},
		{WordsMin: 10, WordsMax: 5},
		{WordsMin: -1},
		{UpdatedFrom: day(5), UpdatedTo: day(1)},
		{Include: []fanarchive.Tag{{Kind: "pairing", Name: "x"}}},
		{Ratings: []fanarchive.Rating{"PG-13"}},
		{After: "1_1", Before: "1_1"},
	} {
		_, err := ss.Search(ctx, q)
		wantCode(t, err, fanarchive.EINVALID)
	}
	res, err := ss.Search(ctx, fanarchive.SearchQuery{Text: `"unbalanced`})
	must(t, err)
	if len(res.Notices) == 0 {
		t.Error("an unbalanced quote gives no notice")
	}
}

func testSearchTagCounts(t *testing.T, s fanarchive.Store, searcher func(t *testing.T) fanarchive.SearchService) {
	works := corpus(t, s, 30)
	dup := newWork("Repost")
	dup.DuplicateOf = works[0].ID
	dup.Tags = []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Only In A Duplicate"}}
	create(t, s, dup)
	ss := searcher(t)
	got, err := ss.TagCounts(context.Background(), fanarchive.TagRelationship)
	must(t, err)
	real := map[string]int{}
	for _, w := range works {
		for _, name := range []string{"Clark/Lex", "Clark & Lex", "Fox Mulder/Dana Scully", "Buffy/Spike"} {
			if w.hasTag(fanarchive.TagRelationship, name) {
				real[name]++
			}
		}
	}
	for _, c := range got {
		if c.Works != real[c.Tag.Name] {
			t.Errorf("%s: %d works, want %d", c.Tag.Name, c.Works, real[c.Tag.Name])
		}
		delete(real, c.Tag.Name)
	}
	for name, n := range real {
		if n > 0 {
			t.Errorf("%s (%d works) missing from TagCounts", name, n)
		}
	}
	fandoms, err := ss.TagCounts(context.Background(), fanarchive.TagFandom)
	must(t, err)
	for _, c := range fandoms {
		if c.Tag.Name == "Only In A Duplicate" {
			t.Error("a fandom used only by a duplicate is counted")
		}
	}
	_, err = ss.TagCounts(context.Background(), "pairing")
	wantCode(t, err, fanarchive.EINVALID)
}
