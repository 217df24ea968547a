package storetest

import (
	"context"
	"testing"
	"time"

	"fanarchive"
)

// farFuture is a time after every deletion a test makes.
var farFuture = time.Now().AddDate(100, 0, 0)

// testPostSearch checks that searches on another handle, listings and tag
// pages show every posting write at once: no write waits for a rebuild.
func testPostSearch(t *testing.T, s fanarchive.Store, searcher func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	ss := searcher(t)
	text := func(q string) []int64 {
		return searchIDs(t, ss, fanarchive.SearchQuery{Text: q, IncludeRestricted: true})
	}
	tagged := func(kind fanarchive.TagKind, name string) []int64 {
		return searchIDs(t, ss, fanarchive.SearchQuery{Include: []fanarchive.Tag{{Kind: kind, Name: name}}, IncludeRestricted: true})
	}
	tagPage := func(kind fanarchive.TagKind, name string) []int64 {
		return listedIDs(t, s, fanarchive.WorkFilter{Tag: &fanarchive.Tag{Kind: kind, Name: name}, IncludeRestricted: true})
	}

	w := withWord("Capybara Nights", poster, "capybara")
	w.Draft = true
	create(t, s, w)
	expectIDs(t, "a draft", text("capybara"))
	must(t, s.PublishWork(ctx, w.ID, poster))
	expectIDs(t, "published", text("capybara"), w.ID)
	expectIDs(t, "published, listed", listedIDs(t, s, fanarchive.WorkFilter{}), w.ID)

	e := find(t, s, w.ID)
	e.Title = "Tapir Mornings"
	e.Summary = "An okapi appears."
	e.Tags = append(e.Tags, fanarchive.Tag{Kind: fanarchive.TagCharacter, Name: "Kit"})
	e.Rating = fanarchive.RatingExplicit
	must(t, s.UpdateWork(ctx, e, poster))
	expectIDs(t, "new title", text("title:tapir"), w.ID)
	expectIDs(t, "old title", text("title:capybara"))
	expectIDs(t, "new summary", text("okapi"), w.ID)
	expectIDs(t, "new character", tagged(fanarchive.TagCharacter, "Kit"), w.ID)
	expectIDs(t, "new character's page", tagPage(fanarchive.TagCharacter, "Kit"), w.ID)
	expectIDs(t, "new rating", searchIDs(t, ss, fanarchive.SearchQuery{Ratings: []fanarchive.Rating{fanarchive.RatingExplicit}}), w.ID)

	ch := &fanarchive.Chapter{Title: "Quokka", Body: "<p>A wallaby hops.</p>"}
	must(t, s.AddChapter(ctx, w.ID, ch, poster))
	expectIDs(t, "added chapter's text", text("wallaby"), w.ID)
	res, err := ss.Search(ctx, fanarchive.SearchQuery{Text: "wallaby"})
	must(t, err)
	if len(res.Works) != 1 || len(res.Works[0].Chapters) != 2 || res.Works[0].Words != e.Words+3 {
		t.Errorf("result after adding a chapter: %+v", res.Works)
	}
	ch.Body = "<p>A kangaroo hops.</p>"
	must(t, s.UpdateChapter(ctx, w.ID, ch, poster))
	expectIDs(t, "edited chapter's new text", text("kangaroo"), w.ID)
	expectIDs(t, "edited chapter's old text", text("wallaby"))
	must(t, s.ReorderChapters(ctx, w.ID, []int64{ch.ID, e.Chapters[0].ID}, poster))
	expectIDs(t, "after reordering", text("kangaroo capybara"), w.ID)
	must(t, s.DeleteChapter(ctx, w.ID, ch.ID, poster))
	expectIDs(t, "deleted chapter's text", text("kangaroo"))
	expectIDs(t, "the other chapter's text", text("capybara"), w.ID)

	// A result page shows the series a work is in as soon as it is.
	sr := &fanarchive.Series{Title: "Marsupials", CreatedBy: poster}
	must(t, s.CreateSeries(ctx, sr))
	must(t, s.AddWorkToSeries(ctx, sr.ID, w.ID, 0, poster))
	res, err = ss.Search(ctx, fanarchive.SearchQuery{Text: "capybara"})
	must(t, err)
	if len(res.Works) != 1 || len(res.Works[0].Series) != 1 || res.Works[0].Series[0].Title != "Marsupials" {
		t.Errorf("result's series after adding it: %+v", res.Works)
	}
	sr.Title = "Rodents"
	must(t, s.UpdateSeries(ctx, sr, poster))
	res, err = ss.Search(ctx, fanarchive.SearchQuery{Text: "capybara"})
	must(t, err)
	if len(res.Works) != 1 || len(res.Works[0].Series) != 1 || res.Works[0].Series[0].Title != "Rodents" {
		t.Errorf("result's series after renaming it: %+v", res.Works)
	}

	e = find(t, s, w.ID)
	e.Restricted = true
	must(t, s.UpdateWork(ctx, e, poster))
	expectIDs(t, "restricted, for a guest", searchIDs(t, ss, fanarchive.SearchQuery{Text: "capybara"}))
	expectIDs(t, "restricted, for a reader", text("capybara"), w.ID)

	must(t, s.TrashWork(ctx, w.ID, poster))
	expectIDs(t, "deleted", text("capybara"))
	expectIDs(t, "deleted, tag page", tagPage(fanarchive.TagCharacter, "Kit"))
	must(t, s.RestoreWork(ctx, w.ID, admin))
	expectIDs(t, "restored", text("capybara"), w.ID)
	if _, err := s.PurgeWorks(ctx, farFuture); err != nil {
		t.Fatal(err)
	}
	expectIDs(t, "purged while restored: still there", text("capybara"), w.ID)
	must(t, s.TrashWork(ctx, w.ID, poster))
	if n, err := s.PurgeWorks(ctx, farFuture); err != nil || n != 1 {
		t.Fatalf("PurgeWorks: %d, %v", n, err)
	}
	expectIDs(t, "purged", text("capybara"))
}
