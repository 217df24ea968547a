package search

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"fanarchive"
)

// request is a validated SearchQuery with its parsed text.
type request struct {
	fanarchive.SearchQuery
	q      *Query
	sort   fanarchive.SearchSort
	cursor *cursor
	before bool
}

// validate checks a query and fills in its defaults.
func validate(sq fanarchive.SearchQuery) (*request, error) {
	q, err := Parse(sq.Text)
	if err != nil {
		return nil, err
	}
	r := &request{SearchQuery: sq, q: q, sort: sq.Sort}
	switch {
	case r.sort == "" && len(q.Must) > 0:
		r.sort = fanarchive.SortRelevance
	case r.sort == "", r.sort == fanarchive.SortRelevance && len(q.Must) == 0:
		r.sort = fanarchive.SortUpdated
	case !r.sort.Valid():
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "Sort %q is not one of %v.", sq.Sort, fanarchive.SearchSorts)
	}
	if r.Limit <= 0 {
		r.Limit = fanarchive.DefaultSearchPage
	}
	r.Limit = min(r.Limit, fanarchive.MaxSearchPage)
	if r.FacetLimit <= 0 {
		r.FacetLimit = fanarchive.DefaultFacetLimit
	}
	r.FacetLimit = min(r.FacetLimit, fanarchive.MaxFacetLimit)
	if n := len(sq.Include) + len(sq.Exclude) + len(q.IncludeTags) + len(q.ExcludeTags); n > fanarchive.MaxSearchTags {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "A search can use at most %d tags; this one has %d.", fanarchive.MaxSearchTags, n)
	}
	for _, t := range append(slices.Clone(sq.Include), sq.Exclude...) {
		if t.Kind != "" && !t.Kind.Valid() {
			return nil, fanarchive.Errorf(fanarchive.EINVALID, "Tag kind %q is not one of %v.", t.Kind, fanarchive.TagKinds)
		}
	}
	for _, rt := range append(slices.Clone(sq.Ratings), sq.ExcludeRatings...) {
		if !rt.Valid() {
			return nil, fanarchive.Errorf(fanarchive.EINVALID, "Rating %q is not one of %v.", rt, fanarchive.Ratings)
		}
	}
	if sq.WordsMin < 0 || sq.WordsMax < 0 {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "Word counts cannot be negative.")
	}
	if sq.WordsMax > 0 && sq.WordsMin > sq.WordsMax {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "The smallest word count (%d) is larger than the largest (%d).", sq.WordsMin, sq.WordsMax)
	}
	if !sq.UpdatedFrom.IsZero() && !sq.UpdatedTo.IsZero() && sq.UpdatedFrom.After(sq.UpdatedTo) {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "The first date is after the last one.")
	}
	if len(sq.Language) > 35 {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "Language %q is not a language tag.", sq.Language)
	}
	if m := sq.Muted; m != nil && (len(m.Tags) > fanarchive.MaxMutedTags || len(m.Authors) > fanarchive.MaxMutedAuthors) {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "A search can leave out at most %d muted tags and %d authors.",
			fanarchive.MaxMutedTags, fanarchive.MaxMutedAuthors)
	}
	if sq.After != "" && sq.Before != "" {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "A page link cannot go both after and before.")
	}
	if c := sq.After + sq.Before; c != "" {
		if r.cursor, err = parseCursor(c, r.sort); err != nil {
			return nil, err
		}
		r.before = sq.Before != ""
	}
	return r, nil
}

// Search implements fanarchive.SearchService.
func (e *Engine) Search(ctx context.Context, sq fanarchive.SearchQuery) (*fanarchive.SearchResult, error) {
	r, err := validate(sq)
	if err != nil {
		return nil, err
	}
	select {
	case e.running <- struct{}{}:
		defer func() { <-e.running }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if err := e.catchUp(ctx); err != nil {
		return nil, err
	}
	res := &fanarchive.SearchResult{Sort: r.sort, Notices: slices.Clone(r.q.Notices)}

	// Full text first, outside the lock: it is the slow part, and the
	// database answers it from its own snapshot.
	match, negative, err := e.text(ctx, r)
	if err != nil {
		return nil, err
	}
	var hits *roaring.Bitmap
	if match != nil {
		hits = match.hits
	}

	// A search whose asker has gone stops between its stages: each is
	// short, and the database's own work stops with ctx.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var pageIDs []uint32
	e.mu.RLock()
	set, notices := e.ix.filter(r, hits, negative)
	res.Notices = append(res.Notices, notices...)
	res.Total = int(set.GetCardinality())
	res.Facets = e.ix.facets(set, r.FacetLimit, e.ix.mutedCanons(r.Muted))
	relevance := r.sort == fanarchive.SortRelevance && hits != nil
	if !relevance {
		pageIDs, res.Next, res.Prev = e.ix.page(r, set, nil)
	}
	e.mu.RUnlock()
	if relevance {
		// The best-scoring works of a common word decide most pages
		// (top.go); otherwise every match is scored.
		ok := false
		if match.top != nil {
			pageIDs, res.Next, res.Prev, ok = pageTop(r, set, match.top)
		}
		if !ok {
			scored, err := e.scores(ctx, r, set, match)
			if err != nil {
				return nil, err
			}
			pageIDs, res.Next, res.Prev = pageRelevance(r, set, scored)
		}
	}

	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ids := make([]int64, len(pageIDs))
	for i, id := range pageIDs {
		ids[i] = int64(id)
	}
	if len(ids) > 0 {
		if res.Works, err = e.findWorks(ctx, ids); err != nil {
			return nil, fmt.Errorf("search: load works: %w", err)
		}
	}
	return res, nil
}

// text asks the database for the works the text matches, or for those to
// leave out when the text has only exclusions, through the cache.
func (e *Engine) text(ctx context.Context, r *request) (match *textEntry, negative []*roaring.Bitmap, err error) {
	if len(r.q.Must) > 0 {
		if r.sort == fanarchive.SortRelevance && oneWord(r.q.Must) {
			// A common word's best-scoring works come with its matches.
			c, err := e.best(ctx, r.q.Must, r.q.MustNot)
			return c, nil, err
		}
		// Without other filters every match is a result: score them all
		// at once rather than match first and score after, except for the
		// first page, which needs only the best few (scores).
		rank := r.sort == fanarchive.SortRelevance && !r.filtered() && r.cursor != nil
		c, err := e.matches(ctx, r.q.Must, r.q.MustNot, rank)
		if err != nil {
			return nil, nil, err
		}
		return c, nil, nil
	}
	// Only exclusions: each is looked up and taken away.
	for _, cl := range r.q.MustNot {
		c, err := e.matches(ctx, []Clause{cl}, nil, false)
		if err != nil {
			return nil, nil, err
		}
		negative = append(negative, c.hits)
	}
	return nil, negative, nil
}

// filtered reports whether anything but the text narrows the search.
func (r *request) filtered() bool {
	return len(r.Include)+len(r.Exclude)+len(r.q.IncludeTags)+len(r.q.ExcludeTags)+len(r.Ratings)+len(r.ExcludeRatings) > 0 ||
		!r.Muted.Empty() || r.Complete || r.Language != "" || r.WordsMin > 0 || r.WordsMax > 0 || !r.UpdatedFrom.IsZero() || !r.UpdatedTo.IsZero()
}

// scores returns the relevance of the works in set, which the text
// matched (match).
func (e *Engine) scores(ctx context.Context, r *request, set *roaring.Bitmap, match *textEntry) ([]Scored, error) {
	if match.scored != nil {
		return match.scored, nil // every match is scored already
	}
	// Every page of one search scores the same way (the database's own
	// scores, of the best few, of every match or of the results alone), so
	// cursors fall where they should: all three give the same float64.
	if !r.filtered() && r.cursor == nil {
		// The first page: the best few, with a margin for matches that
		// are not listed (duplicates, other documents). If too many of
		// them are not, every match is scored after all.
		k := 2*r.Limit + 10
		top, err := e.src.TopText(ctx, r.q.Must, r.q.MustNot, k)
		if err != nil {
			return nil, fmt.Errorf("search: top text: %w", err)
		}
		listed := 0
		for _, s := range top {
			if set.Contains(s.ID) {
				listed++
			}
		}
		if listed > r.Limit || len(top) < k {
			return top, nil
		}
	}
	if r.filtered() && 2*set.GetCardinality() <= match.hits.GetCardinality() {
		// The filters leave at most half the matches: score those alone.
		// The database still walks every match, but scores only these,
		// from its index (never from the works' text, however long).
		return e.scoreResults(ctx, r, set)
	}
	c, err := e.matches(ctx, r.q.Must, r.q.MustNot, true)
	if err != nil {
		return nil, err
	}
	return c.scored, nil
}

// scoreResults scores the results of a filtered text search
// (Source.ScoreText), through the cache: the next page of the same search
// finds them there.
func (e *Engine) scoreResults(ctx context.Context, r *request, set *roaring.Bitmap) ([]Scored, error) {
	e.mu.RLock()
	seq := e.seq
	e.mu.RUnlock()
	key := "results\x00" + r.filterKey()
	if c := e.cache.get(seq, key, wantScored); c != nil {
		return c.scored, nil
	}
	scored, err := e.src.ScoreText(ctx, r.q.Must, r.q.MustNot, set.ToArray())
	if err != nil {
		return nil, fmt.Errorf("search: score text: %w", err)
	}
	e.cache.put(seq, key, &textEntry{hits: set, scored: scored})
	return scored, nil
}

// filterKey identifies what decides the results of r — its text and every
// filter, not the sort, the page or its size — for the cache.
func (r *request) filterKey() string {
	q := r.SearchQuery
	tags := func(ts []fanarchive.Tag) []string {
		out := make([]string, len(ts))
		for i, t := range ts {
			out[i] = string(t.Kind) + ":" + t.Name
		}
		return out
	}
	return fmt.Sprintf("%s\x00%q\x00%q\x00%q\x00%q\x00%q\x00%q\x00%t\x00%q\x00%d-%d\x00%d-%d\x00%t\x00%s",
		r.q.String(), tags(q.Include), tags(q.Exclude), r.q.IncludeTags, r.q.ExcludeTags, q.Ratings, q.ExcludeRatings,
		q.Complete, q.Language, q.WordsMin, q.WordsMax, q.UpdatedFrom.Unix(), q.UpdatedTo.Unix(), q.IncludeRestricted, muteKey(q.Muted))
}

// matches returns the works the clauses match, scored when rank is set,
// from the cache or the database.
func (e *Engine) matches(ctx context.Context, must, mustNot []Clause, rank bool) (*textEntry, error) {
	e.mu.RLock()
	seq := e.seq
	e.mu.RUnlock()
	key := (&Query{Must: must, MustNot: mustNot}).String()
	want := wantHits
	if rank {
		want = wantScored
	}
	if c := e.cache.get(seq, key, want); c != nil {
		return c, nil
	}
	c := &textEntry{}
	var err error
	if rank {
		if c.scored, err = e.src.RankText(ctx, must, mustNot); err != nil {
			return nil, fmt.Errorf("search: rank text: %w", err)
		}
		ids := make([]uint32, len(c.scored))
		for i, s := range c.scored {
			ids[i] = s.ID
		}
		if !slices.IsSorted(ids) { // they come in rowid order
			slices.Sort(ids)
		}
		c.hits = roaring.BitmapOf(ids...)
	} else {
		ids, err := e.src.MatchText(ctx, must, mustNot)
		if err != nil {
			return nil, fmt.Errorf("search: match text: %w", err)
		}
		c.hits = roaring.BitmapOf(ids...)
	}
	e.cache.put(seq, key, c)
	return c, nil
}

// oneWord reports whether must is a single word to be found anywhere: the
// texts whose best-scoring works the database may know (Source.BestText).
func oneWord(must []Clause) bool {
	return len(must) == 1 && must[0].Field == FieldAny && !strings.Contains(must[0].Text, " ")
}

// best returns the works the clauses match with their best-scoring works
// when the database knows them (Source.BestText), from the cache or the
// database. An entry scoring every match serves as well.
func (e *Engine) best(ctx context.Context, must, mustNot []Clause) (*textEntry, error) {
	e.mu.RLock()
	seq := e.seq
	e.mu.RUnlock()
	key := (&Query{Must: must, MustNot: mustNot}).String()
	if c := e.cache.get(seq, key, wantBest); c != nil {
		return c, nil
	}
	ids, top, err := e.src.BestText(ctx, must, mustNot)
	if err != nil {
		return nil, fmt.Errorf("search: best text: %w", err)
	}
	c := &textEntry{hits: roaring.BitmapOf(ids...), top: top, best: true}
	e.cache.put(seq, key, c)
	return c, nil
}

// filter returns the listed works that pass every filter of r, given the
// works the text matched (nil when there was no text to match) and the
// works to leave out for text exclusions.
func (ix *index) filter(r *request, hits *roaring.Bitmap, negative []*roaring.Bitmap) (*roaring.Bitmap, []string) {
	var notices []string
	sets := []*roaring.Bitmap{ix.live}
	if hits != nil {
		sets = append(sets, hits)
	}
	var excl []*roaring.Bitmap
	includes := slices.Clone(r.Include)
	for _, name := range r.q.IncludeTags {
		includes = append(includes, fanarchive.Tag{Name: name})
	}
	for _, t := range includes {
		b := ix.tagSet(t)
		if b == nil {
			notices = append(notices, fmt.Sprintf("No tag is called %q, so nothing can have it.", t.Name))
			b = roaring.New()
		}
		sets = append(sets, b)
	}
	excludes := slices.Clone(r.Exclude)
	for _, name := range r.q.ExcludeTags {
		excludes = append(excludes, fanarchive.Tag{Name: name})
	}
	for _, t := range excludes {
		if b := ix.tagSet(t); b != nil {
			excl = append(excl, b)
		}
	}
	if len(r.Ratings) > 0 {
		var rs []*roaring.Bitmap
		for _, rt := range r.Ratings {
			rs = append(rs, ix.ratings[rt])
		}
		sets = append(sets, roaring.FastOr(rs...))
	}
	for _, rt := range r.ExcludeRatings {
		excl = append(excl, ix.ratings[rt])
	}
	if r.Complete {
		sets = append(sets, ix.complete)
	}
	if r.Language != "" {
		b := ix.langs[strings.ToLower(strings.TrimSpace(r.Language))]
		if b == nil {
			b = roaring.New()
		}
		sets = append(sets, b)
	}
	excl = append(excl, negative...)
	if !r.IncludeRestricted && !ix.restricted.IsEmpty() {
		excl = append(excl, ix.restricted) // a guest's search
	}

	// Intersect smallest first: each step can only shrink the result.
	slices.SortFunc(sets, func(a, b *roaring.Bitmap) int {
		return int(a.GetCardinality()) - int(b.GetCardinality())
	})
	set := sets[0].Clone()
	for _, b := range sets[1:] {
		if set.IsEmpty() {
			break
		}
		set.And(b)
	}
	for _, b := range excl {
		set.AndNot(b)
	}
	ix.takeMuted(set, r.Muted)
	return ix.filterFields(r, set), notices
}

// filterFields applies the range filters, which have no bitmaps, by
// looking at each remaining work.
func (ix *index) filterFields(r *request, set *roaring.Bitmap) *roaring.Bitmap {
	from, to := int64(-1<<63), int64(1<<63-1)
	if !r.UpdatedFrom.IsZero() {
		from = r.UpdatedFrom.Unix()
	}
	if !r.UpdatedTo.IsZero() {
		to = r.UpdatedTo.Unix()
	}
	wmin, wmax := uint32(r.WordsMin), uint32(1<<32-1)
	if r.WordsMax > 0 {
		wmax = uint32(min(r.WordsMax, 1<<32-1))
	}
	if wmin == 0 && wmax == 1<<32-1 && r.UpdatedFrom.IsZero() && r.UpdatedTo.IsZero() {
		return set
	}
	out := roaring.New()
	buf := make([]uint32, 4096)
	keep := make([]uint32, 0, 4096)
	it := set.ManyIterator()
	for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
		keep = keep[:0]
		for _, id := range buf[:n] {
			d := &ix.docs[id]
			if d.words >= wmin && d.words <= wmax && d.updated >= from && d.updated <= to {
				keep = append(keep, id)
			}
		}
		out.AddMany(keep)
	}
	return out
}

// tagSet returns the listed works with the tag (its canonical, so any of
// its synonyms), or nil when no tag has that name. A tag without a kind
// matches that name in every kind. Names are compared as tags.Norm does.
func (ix *index) tagSet(t fanarchive.Tag) *roaring.Bitmap {
	kinds := []fanarchive.TagKind{t.Kind}
	if t.Kind == "" {
		kinds = fanarchive.TagKinds
	}
	var canons []uint32
	for _, k := range kinds {
		for _, id := range ix.byNorm[normKey(k, t.Name)] {
			if c := ix.canonOf(id); !slices.Contains(canons, c) {
				canons = append(canons, c)
			}
		}
	}
	if len(canons) == 0 {
		return nil
	}
	var bs []*roaring.Bitmap
	for _, c := range canons {
		if b := ix.canonBitmap(c); b != nil {
			bs = append(bs, b)
		}
	}
	if len(bs) == 0 {
		return roaring.New()
	}
	if len(bs) == 1 {
		return bs[0]
	}
	return roaring.FastOr(bs...)
}
