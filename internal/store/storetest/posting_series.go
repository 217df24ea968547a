package storetest

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fanarchive"
)

// seriesTitles returns a series' works' titles in order, checking that
// each work says where it is.
func seriesTitles(t *testing.T, s fanarchive.Store, id int64, includeRestricted bool) string {
	t.Helper()
	sr, err := s.FindSeriesByID(context.Background(), id, includeRestricted)
	must(t, err)
	var names []string
	for _, w := range sr.Works {
		i := slices.IndexFunc(w.Series, func(p fanarchive.SeriesPart) bool { return p.SeriesID == id })
		if i < 0 || w.Series[i].Title != sr.Title {
			t.Errorf("%s is listed in series %d but says it is in %+v", describe(w), id, w.Series)
			continue
		}
		names = append(names, w.Title+"#"+strconv.Itoa(w.Series[i].Position))
	}
	return strings.Join(names, " ")
}

func testPostSeries(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	sr := &fanarchive.Series{Title: " Tides ", Summary: "Stories of the harbour.", CreatedBy: poster}
	must(t, s.CreateSeries(ctx, sr))
	if sr.ID == 0 || sr.CreatedAt.IsZero() {
		t.Fatalf("CreateSeries set %+v", sr)
	}
	a := create(t, s, postedWork("A", poster))
	b := create(t, s, postedWork("B", poster))
	c := create(t, s, postedWork("C", poster))
	must(t, s.AddWorkToSeries(ctx, sr.ID, a.ID, 0, poster))
	must(t, s.AddWorkToSeries(ctx, sr.ID, c.ID, 0, poster))
	must(t, s.AddWorkToSeries(ctx, sr.ID, b.ID, 2, poster))
	if got := seriesTitles(t, s, sr.ID, true); got != "A#1 B#2 C#3" {
		t.Errorf("series: %s", got)
	}
	must(t, s.AddWorkToSeries(ctx, sr.ID, c.ID, 1, poster)) // moves
	if got := seriesTitles(t, s, sr.ID, true); got != "C#1 A#2 B#3" {
		t.Errorf("after moving C first: %s", got)
	}
	must(t, s.RemoveWorkFromSeries(ctx, sr.ID, a.ID, poster))
	if got := seriesTitles(t, s, sr.ID, true); got != "C#1 B#2" {
		t.Errorf("after taking A out: %s", got)
	}
	wantCode(t, s.RemoveWorkFromSeries(ctx, sr.ID, a.ID, poster), fanarchive.ENOTFOUND)
	if ops := revisionOps(t, s, c.ID); !slices.Equal(ops, []string{"create 101 ", "series 101 series", "series 101 series"}) {
		t.Errorf("revisions of C: %q", ops)
	}

	// A work in two series.
	other := &fanarchive.Series{Title: "Crossovers", CreatedBy: coWriter}
	must(t, s.CreateSeries(ctx, other))
	must(t, s.AddWorkToSeries(ctx, other.ID, b.ID, 0, coWriter))
	if got := find(t, s, b.ID).Series; len(got) != 2 || got[0].Title != "Crossovers" || got[1].Title != "Tides" || got[1].Position != 2 {
		t.Errorf("B's series: %+v", got)
	}

	// Drafts are left out; restricted works unless asked for.
	d := postedWork("Draft", poster)
	d.Draft = true
	d.Series = []fanarchive.SeriesPart{{SeriesID: sr.ID}}
	create(t, s, d)
	r := postedWork("Restricted", poster)
	r.Restricted = true
	r.Series = []fanarchive.SeriesPart{{SeriesID: sr.ID}}
	create(t, s, r)
	if got := seriesTitles(t, s, sr.ID, false); got != "C#1 B#2" {
		t.Errorf("a guest's series: %s", got)
	}
	if got := seriesTitles(t, s, sr.ID, true); got != "C#1 B#2 Restricted#4" {
		t.Errorf("a reader's series: %s", got)
	}

	// Renamed and marked complete; deleted, its works stay.
	sr.Title, sr.Complete = "Tides and Currents", true
	must(t, s.UpdateSeries(ctx, sr, poster))
	got, err := s.FindSeriesByID(ctx, sr.ID, false)
	must(t, err)
	if got.Title != "Tides and Currents" || !got.Complete || got.Summary != "Stories of the harbour." || got.CreatedBy != poster {
		t.Errorf("updated series: %+v", got)
	}
	if p := find(t, s, c.ID).Series; len(p) != 1 || p[0].Title != "Tides and Currents" {
		t.Errorf("C's series after renaming: %+v", p)
	}
	must(t, s.DeleteSeries(ctx, sr.ID, poster))
	wantCode(t, errOf(s.FindSeriesByID(ctx, sr.ID, true)), fanarchive.ENOTFOUND)
	if p := find(t, s, c.ID).Series; len(p) != 0 {
		t.Errorf("C's series after deleting it: %+v", p)
	}

	for name, err := range map[string]error{
		"create without a title":   s.CreateSeries(ctx, &fanarchive.Series{CreatedBy: poster}),
		"create by nobody":         s.CreateSeries(ctx, &fanarchive.Series{Title: "x"}),
		"create a long title":      s.CreateSeries(ctx, &fanarchive.Series{Title: strings.Repeat("t", fanarchive.MaxSeriesTitleLen+1), CreatedBy: poster}),
		"update to an empty title": s.UpdateSeries(ctx, &fanarchive.Series{ID: other.ID}, poster),
		"add past the end":         s.AddWorkToSeries(ctx, other.ID, a.ID, 3, poster),
		"add to no series":         s.AddWorkToSeries(ctx, 9999, a.ID, 0, poster),
		"add no work":              s.AddWorkToSeries(ctx, other.ID, 9999, 0, poster),
		"update no series":         s.UpdateSeries(ctx, &fanarchive.Series{ID: 9999, Title: "x"}, poster),
		"delete no series":         s.DeleteSeries(ctx, 9999, poster),
		"remove from no series":    s.RemoveWorkFromSeries(ctx, 9999, a.ID, poster),
		"add by nobody":            s.AddWorkToSeries(ctx, other.ID, a.ID, 0, 0),
	} {
		want := fanarchive.EINVALID
		if strings.Contains(name, " no ") {
			want = fanarchive.ENOTFOUND
		}
		if code := fanarchive.ErrorCode(err); code != want {
			t.Errorf("%s: %v (code %q), want %q", name, err, code, want)
		}
	}
}

// testPostSeriesInWork checks series given with the work: a new series
// made by CreateWork, an existing one at a position, and UpdateWork
// moving and leaving them.
func testPostSeriesInWork(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	first := postedWork("First", poster)
	first.Series = []fanarchive.SeriesPart{{Title: "Made With Its First Work"}}
	create(t, s, first)
	if len(first.Series) != 1 || first.Series[0].SeriesID == 0 || first.Series[0].Position != 1 {
		t.Fatalf("CreateWork's series: %+v", first.Series)
	}
	id := first.Series[0].SeriesID
	sr, err := s.FindSeriesByID(ctx, id, true)
	must(t, err)
	if sr.Title != "Made With Its First Work" || sr.CreatedBy != poster {
		t.Errorf("new series: %+v", sr)
	}
	second := postedWork("Second", poster)
	second.Series = []fanarchive.SeriesPart{{SeriesID: id, Position: 1}}
	create(t, s, second)
	if got := seriesTitles(t, s, id, true); got != "Second#1 First#2" {
		t.Errorf("after CreateWork at position 1: %s", got)
	}

	e := find(t, s, second.ID)
	e.Series = []fanarchive.SeriesPart{{SeriesID: id, Position: 2}, {Title: "Another"}}
	must(t, s.UpdateWork(ctx, e, poster))
	if got := seriesTitles(t, s, id, true); got != "First#1 Second#2" {
		t.Errorf("after UpdateWork moved it: %s", got)
	}
	if got := find(t, s, second.ID).Series; len(got) != 2 {
		t.Errorf("second's series: %+v", got)
	}
	e = find(t, s, second.ID)
	e.Series = nil
	must(t, s.UpdateWork(ctx, e, poster))
	if got := seriesTitles(t, s, id, true); got != "First#1" {
		t.Errorf("after UpdateWork left it: %s", got)
	}
	revs, err := s.FindWorkRevisions(ctx, second.ID)
	must(t, err)
	last := revs[len(revs)-1].Changes
	if len(last) != 1 || last[0].Field != "series" || last[0].New != "" || !strings.Contains(last[0].Old, "Another") {
		t.Errorf("last revision: %+v", last)
	}
}

func testPostCoAuthors(t *testing.T, s fanarchive.Store, searcher func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	ss := searcher(t)
	w := create(t, s, postedWork("Together", poster))
	alone := create(t, s, postedWork("Alone", coWriter))
	pseud, err := s.FindAuthorByName(ctx, "Pseud Alone")
	must(t, err)
	byline := func() []string { return find(t, s, w.ID).AuthorNames() }

	must(t, s.InviteCoAuthor(ctx, w.ID, pseud.ID, poster))
	wantCode(t, s.InviteCoAuthor(ctx, w.ID, pseud.ID, poster), fanarchive.ECONFLICT) // pending already
	wantCode(t, s.InviteCoAuthor(ctx, w.ID, w.Authors[0].ID, poster), fanarchive.ECONFLICT)
	wantCode(t, s.InviteCoAuthor(ctx, w.ID, 99999, poster), fanarchive.ENOTFOUND)
	wantCode(t, s.InviteCoAuthor(ctx, 99999, pseud.ID, poster), fanarchive.ENOTFOUND)
	if got := byline(); !slices.Equal(got, []string{"Pseud Together"}) {
		t.Errorf("byline with an invitation pending: %q", got)
	}
	expectIDs(t, "author search while pending", searchIDs(t, ss, fanarchive.SearchQuery{Text: `author:"pseud alone"`}), alone.ID)
	invites, err := s.FindCoAuthors(ctx, fanarchive.CoAuthorFilter{AuthorIDs: []int64{pseud.ID}, State: fanarchive.InvitePending})
	must(t, err)
	if len(invites) != 1 || invites[0].WorkID != w.ID || invites[0].WorkTitle != "Together" || invites[0].Name != "Pseud Alone" ||
		invites[0].InvitedBy != poster || invites[0].InvitedAt.IsZero() || invites[0].AnsweredBy != 0 {
		t.Errorf("pending invitations: %+v", invites)
	}

	// Declined, invited again, accepted.
	must(t, s.AnswerCoAuthor(ctx, w.ID, pseud.ID, false, coWriter))
	wantCode(t, s.AnswerCoAuthor(ctx, w.ID, pseud.ID, true, coWriter), fanarchive.ENOTFOUND) // nothing pending
	if got := byline(); len(got) != 1 {
		t.Errorf("byline after declining: %q", got)
	}
	must(t, s.InviteCoAuthor(ctx, w.ID, pseud.ID, poster))
	must(t, s.AnswerCoAuthor(ctx, w.ID, pseud.ID, true, coWriter))
	if got := byline(); !slices.Equal(got, []string{"Pseud Together", "Pseud Alone"}) {
		t.Errorf("byline after accepting: %q", got)
	}
	if got := find(t, s, w.ID); !slices.Equal(got.Owners, []int64{poster, coWriter}) {
		t.Errorf("owners after accepting: %v", got.Owners)
	}
	expectIDs(t, "author search after accepting", searchIDs(t, ss, fanarchive.SearchQuery{Text: `author:"pseud alone"`}),
		w.ID, alone.ID)
	all, err := s.FindCoAuthors(ctx, fanarchive.CoAuthorFilter{WorkID: w.ID})
	must(t, err)
	if len(all) != 1 || all[0].State != fanarchive.InviteAccepted || all[0].AnsweredBy != coWriter || all[0].AnsweredAt.IsZero() {
		t.Errorf("invitations of the work: %+v", all)
	}
	ops := revisionOps(t, s, w.ID)
	if want := []string{"create 101 ", "invite 101 co-authors", "decline 102 co-authors", "invite 101 co-authors", "accept 102 authors"}; !slices.Equal(ops, want) {
		t.Errorf("revisions %q, want %q", ops, want)
	}

	// Taken off the byline, the co-author owns the work no more.
	e := find(t, s, w.ID)
	e.Authors = e.Authors[:1]
	must(t, s.UpdateWork(ctx, e, poster))
	if got := find(t, s, w.ID); !slices.Equal(got.Owners, []int64{poster}) {
		t.Errorf("owners after the co-author left the byline: %v", got.Owners)
	}
	must(t, s.TrashWork(ctx, w.ID, poster))
	if got, err := s.FindCoAuthors(ctx, fanarchive.CoAuthorFilter{AuthorIDs: []int64{pseud.ID}}); err != nil || len(got) != 0 {
		t.Errorf("invitations to a deleted work: %+v, %v", got, err)
	}
}

func testPostTagPrefix(t *testing.T, s fanarchive.Store, _ func(t *testing.T) fanarchive.SearchService) {
	ctx := context.Background()
	w := postedWork("Tagged", poster)
	w.Tags = append(w.Tags,
		fanarchive.Tag{Kind: fanarchive.TagRelationship, Name: "Clark Kent/Lex Luthor"},
		fanarchive.Tag{Kind: fanarchive.TagRelationship, Name: "Clark/Lex"},
		fanarchive.Tag{Kind: fanarchive.TagRelationship, Name: "Chloe/Lois"},
		fanarchive.Tag{Kind: fanarchive.TagFreeform, Name: "Angst"},
		fanarchive.Tag{Kind: fanarchive.TagFreeform, Name: "angst with a happy ending"},
		fanarchive.Tag{Kind: fanarchive.TagFreeform, Name: "Éowyn"},
	)
	create(t, s, w)
	// "Lex/Clark" becomes a synonym of "Clark/Lex" when stored: typing it
	// suggests the canonical.
	syn := newWork("Synonym")
	syn.Tags = append(syn.Tags, fanarchive.Tag{Kind: fanarchive.TagRelationship, Name: "Lex/Clark"})
	create(t, s, syn)
	names := func(kind fanarchive.TagKind, prefix string, limit int) string {
		t.Helper()
		tags, err := s.FindTagsByPrefix(ctx, kind, prefix, limit)
		must(t, err)
		var out []string
		for _, tg := range tags {
			if tg.ID == 0 || tg.Kind != kind {
				t.Errorf("suggestion %+v", tg)
			}
			out = append(out, tg.Name)
		}
		return strings.Join(out, "|")
	}
	for _, tt := range []struct {
		kind   fanarchive.TagKind
		prefix string
		limit  int
		want   string
	}{
		{fanarchive.TagRelationship, "cl", 0, "Clark Kent/Lex Luthor|Clark/Lex"},
		{fanarchive.TagRelationship, "  CLARK /", 0, "Clark/Lex"},
		{fanarchive.TagRelationship, "lex", 0, "Clark/Lex"},
		{fanarchive.TagRelationship, "c", 1, "Chloe/Lois"},
		{fanarchive.TagFreeform, "angst", 0, "Angst|angst with a happy ending"},
		{fanarchive.TagFreeform, "angst ", 0, "angst with a happy ending"},
		{fanarchive.TagFreeform, "Éo", 0, "Éowyn"},
		{fanarchive.TagFreeform, "light", 0, "Lighthouses"},
		{fanarchive.TagFandom, "lighthouse", 0, ""},
		{fanarchive.TagFreeform, "", 0, ""},
		{fanarchive.TagFreeform, "%", 0, ""},
	} {
		if got := names(tt.kind, tt.prefix, tt.limit); got != tt.want {
			t.Errorf("FindTagsByPrefix(%s, %q, %d) = %q, want %q", tt.kind, tt.prefix, tt.limit, got, tt.want)
		}
	}
	wantCode(t, errOf(s.FindTagsByPrefix(ctx, "mood", "x", 0)), fanarchive.EINVALID)
	wantCode(t, errOf(s.FindTagsByPrefix(ctx, fanarchive.TagFreeform, strings.Repeat("x", fanarchive.MaxTagNameLen+1), 0)), fanarchive.EINVALID)

	// Tags only a deleted work has are not suggested.
	must(t, s.TrashWork(ctx, w.ID, poster))
	if got := names(fanarchive.TagFreeform, "angst", 0); got != "" {
		t.Errorf("tags of a deleted work suggested: %q", got)
	}
	if got := names(fanarchive.TagRelationship, "lex", 0); got != "Clark/Lex" {
		t.Errorf("a canonical whose synonym a work uses: %q", got)
	}
}
