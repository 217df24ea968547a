package fanarchive

import (
	"context"
	"time"
)

// SearchService finds works: full-text search over titles, authors,
// summaries and chapter text, combined with tag, rating, length, language
// and date filters, with facet counts and stable pagination. See
// docs/search.md for the query syntax and how the engine works.
//
// A search sees every change committed before it starts, by this process or
// any other sharing the database: a work is found the moment its import
// commits and never after it is deleted.
type SearchService interface {
	// Search returns one page of the works q selects, the exact number of
	// them, and facet counts over all of them. Returns EINVALID for a query
	// that cannot be run (too long, an unknown sort, a malformed cursor);
	// a query that is merely odd (an unbalanced quote, stray operators) is
	// read as plain words and explained in SearchResult.Notices.
	Search(ctx context.Context, q SearchQuery) (*SearchResult, error)

	// TagCounts returns every canonical tag of a kind that at least one
	// listed work uses (directly or through a synonym), with the number of
	// such works, most used first, then by name. Restricted works are not
	// counted: the counts are a guest's.
	TagCounts(ctx context.Context, kind TagKind) ([]TagCount, error)
}

// SearchSort orders search results.
type SearchSort string

// Search orders. Relevance is BM25 over the query's words (and falls back
// to Updated when there are none); the others are newest, longest or A–Z
// first. Ties are broken by work ID, highest first, so the order is total
// and pagination stable.
const (
	SortRelevance SearchSort = "relevance"
	SortUpdated   SearchSort = "updated"
	SortPublished SearchSort = "published"
	SortWords     SearchSort = "words"
	SortTitle     SearchSort = "title"
)

// SearchSorts lists the sorts in the order forms offer them.
var SearchSorts = []SearchSort{SortRelevance, SortUpdated, SortPublished, SortWords, SortTitle}

// Valid reports whether s is one of SearchSorts.
func (s SearchSort) Valid() bool {
	for _, v := range SearchSorts {
		if s == v {
			return true
		}
	}
	return false
}

// Limits on a search, so one request cannot ask for unbounded work.
const (
	MaxSearchTextLen  = 1000 // bytes of query text
	MaxSearchTerms    = 32   // words, phrases and operators in the text
	MaxSearchTags     = 32   // included plus excluded tags
	DefaultSearchPage = 20
	MaxSearchPage     = 100
	DefaultFacetLimit = 10
	MaxFacetLimit     = 50
)

// SearchQuery is one search. Zero fields do not filter. Tags are given by
// kind and name; a tag's synonyms match too, and an empty Kind matches a tag
// of that name of any kind.
type SearchQuery struct {
	// Text is the query box, in the syntax of docs/search.md: words,
	// "quoted phrases", -word, title:, author:, tag:"…" and -tag:"…".
	Text string

	Include []Tag // works must have every one of these
	Exclude []Tag // works must have none of these

	Ratings        []Rating // works must have one of these
	ExcludeRatings []Rating // works must have none of these

	WordsMin, WordsMax int // inclusive; 0 is no bound
	Complete           bool
	Language           string // BCP 47, compared case-insensitively

	// UpdatedFrom and UpdatedTo bound Work.Updated, inclusive; the zero
	// time is no bound.
	UpdatedFrom, UpdatedTo time.Time

	Sort SearchSort // defaults to relevance with words, updated without

	// IncludeRestricted finds restricted works (Work.Restricted) too: for
	// a logged-in reader. Guests leave it false.
	IncludeRestricted bool

	// Muted leaves out what the reader muted (docs/readers.md): works
	// with a muted tag or by a muted author are gone before Total and
	// the facets are counted, as if they were not in the archive. It is
	// not counted against MaxSearchTags.
	Muted *MuteSet

	// After and Before are cursors from a previous SearchResult (Next and
	// Prev); at most one may be set. A cursor stays valid while works are
	// added and deleted: the page after it starts after the work it names.
	After, Before string

	Limit      int // works per page; defaults to DefaultSearchPage
	FacetLimit int // tags per facet; defaults to DefaultFacetLimit
}

// SearchResult is one page of a search.
type SearchResult struct {
	Works []*Work // without chapter bodies or sources; shared with other searches: read them, never change them
	Total int     // every matching work, exactly

	// Next and Prev are cursors for the pages after and before this one,
	// empty at either end.
	Next, Prev string

	// Facets counts, over all Total works, the most used canonical tags of
	// the kinds that narrow a search (fandoms, relationships, characters,
	// freeform tags, warnings, categories), and the ratings.
	Facets []Facet

	// Sort is the order actually used.
	Sort SearchSort

	// Notices explain how an odd query was read ("the closing quote was
	// missing"), for the reader.
	Notices []string
}

// Facet is the most frequent values of one kind among a search's results.
type Facet struct {
	Kind   TagKind    // FacetRating for ratings
	Counts []TagCount // most frequent first
}

// FacetRating is the Facet.Kind of rating counts. Ratings are a field of
// the work, not tags, but they are filtered and counted like a tag kind.
const FacetRating TagKind = "rating"

// TagCount is a tag and how many works have it.
type TagCount struct {
	Tag   Tag
	Works int
}

// TagUsage is a tag with how it is used, for tag wrangling.
type TagUsage struct {
	Tag
	// Canonical is the tag this one is a synonym of, or "" when it is
	// canonical.
	Canonical string
	// Works is how many works use this exact tag.
	Works int
	// Fandoms are the fandoms of the works that use it, most common first
	// (at most a few).
	Fandoms []string
}
