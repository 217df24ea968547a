package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"fanarchive"
)

// testReviewSearch checks that searches on another handle, and listings,
// follow every kind of edit at once.
func testReviewSearch(t *testing.T, s fanarchive.Store, searcher func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	ss := searcher(t)
	found := func(q fanarchive.SearchQuery) []int64 {
		t.Helper()
		res, err := ss.Search(ctx, q)
		must(t, err)
		if res.Total != len(res.Works) {
			t.Fatalf("Search(%+v): %d works on the page of %d", q, len(res.Works), res.Total)
		}
		return idsOf(res.Works)
	}
	text := func(words string) []int64 { return found(fanarchive.SearchQuery{Text: words}) }
	listed := func(kind fanarchive.Kind) []int64 {
		t.Helper()
		works, _, err := s.FindWorks(ctx, fanarchive.WorkFilter{Kind: kind})
		must(t, err)
		return idsOf(works)
	}
	expect := func(what string, got []int64, want ...int64) { // in any order
		t.Helper()
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", what, got, want)
		}
	}

	w := create(t, s, newWorkWithWord("Zebracorn Dreams", "kettle"))
	expect("title word before the edit", text("zebracorn"), w.ID)
	must(t, s.UpdateWorkField(ctx, w.ID, fanarchive.FieldTitle, "Okapi Nights", editor))
	expect("new title", text("title:okapi"), w.ID)
	expect("old title", text("title:zebracorn"))
	expect("body still indexed", text("kettle"), w.ID)
	must(t, s.UpdateWorkField(ctx, w.ID, fanarchive.FieldAuthors, "Quagga Writer", editor))
	expect("new author", text("author:quagga"), w.ID)
	must(t, s.UpdateWorkField(ctx, w.ID, fanarchive.FieldSummary, "A lemur appears.", editor))
	expect("new summary", text("lemur"), w.ID)
	must(t, s.UpdateWorkField(ctx, w.ID, fanarchive.FieldFandoms, "Narnia", editor))
	expect("new fandom", found(fanarchive.SearchQuery{Include: []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "Narnia"}}}), w.ID)
	expect("old fandom", found(fanarchive.SearchQuery{Include: []fanarchive.Tag{{Kind: fanarchive.TagFandom, Name: "The X-Files"}}}))
	must(t, s.UpdateWorkField(ctx, w.ID, fanarchive.FieldRating, "explicit", editor))
	expect("new rating", found(fanarchive.SearchQuery{Ratings: []fanarchive.Rating{fanarchive.RatingExplicit}}), w.ID)

	// mark-other takes the work out of listings and searches; mark-fiction
	// brings it back.
	must(t, s.UpdateWorkField(ctx, w.ID, fanarchive.FieldKind, "other", editor))
	expect("search after mark-other", text("okapi"))
	expect("fiction listing after mark-other", listed(fanarchive.KindFiction))
	expect("other listing after mark-other", listed(fanarchive.KindOther), w.ID)
	must(t, s.UpdateWorkField(ctx, w.ID, fanarchive.FieldKind, "fiction", editor))
	expect("search after mark-fiction", text("okapi"), w.ID)
	expect("listing after mark-fiction", listed(fanarchive.KindFiction), w.ID)

	// So does a duplicate mark.
	orig := create(t, s, newWorkWithWord("The original", "walrus"))
	must(t, s.UpdateWorkField(ctx, w.ID, fanarchive.FieldDuplicateOf, fmt.Sprint(orig.ID), editor))
	expect("search for a duplicate", text("okapi"))
	expect("listing with a duplicate", listed(fanarchive.KindFiction), orig.ID)
	must(t, s.UpdateWorkField(ctx, w.ID, fanarchive.FieldDuplicateOf, "0", editor))
	expect("search after unmarking", text("okapi"), w.ID)

	// A merged work's text is found in the work it went into, and a split
	// work's moved chapters in the new work.
	part := create(t, s, newWorkWithWord("Part two", "narwhal"))
	expect("before merge", text("narwhal"), part.ID)
	must(t, s.MergeWorks(ctx, w.ID, part.ID, editor))
	expect("after merge", text("narwhal"), w.ID)
	expect("merged title", text(`title:"part two"`))
	newID, err := s.SplitWork(ctx, w.ID, 3, editor)
	must(t, err)
	expect("after split", text("narwhal"), newID)
	expect("split work keeps its own text", text("kettle"), w.ID)
	expect("split-off title", text("title:okapi"), newID, w.ID)
	expect("listing after split", listed(fanarchive.KindFiction), newID, orig.ID, w.ID)

	// Confirming changes nothing search shows, and is seen all the same.
	must(t, s.ConfirmWork(ctx, newID, nil, editor))
	expect("after confirm", text("narwhal"), newID)
}
