package search

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"fanarchive"
)

// ParseParams reads a search from URL query parameters, the ones the search
// page, tag pages, feeds and the read API all take (docs/search.md):
//
//	q          the query box
//	include    a tag works must have, "kind:name" or "name" (any kind); repeated
//	exclude    a tag works must not have; repeated
//	tags_in    comma-separated tag names of any kind to include
//	tags_out   comma-separated tag names to exclude
//	rating     an allowed rating; repeated.  xrating: an excluded rating
//	words_min, words_max, complete=1, lang, from, to (YYYY-MM-DD)
//	sort       relevance, updated, published, words or title
//	after, before   a page's cursor
//
// Limit is left for the caller. Returns EINVALID, with a message for the
// reader, for a number or date that cannot be read; everything else is
// checked by the engine's Search.
func ParseParams(v url.Values) (fanarchive.SearchQuery, error) {
	q := fanarchive.SearchQuery{
		Text: v.Get("q"), Complete: v.Get("complete") != "", Language: strings.TrimSpace(v.Get("lang")),
		Sort: fanarchive.SearchSort(v.Get("sort")), After: v.Get("after"), Before: v.Get("before"),
	}
	for _, s := range v["include"] {
		q.Include = append(q.Include, ParseTagParam(s))
	}
	for _, s := range v["exclude"] {
		q.Exclude = append(q.Exclude, ParseTagParam(s))
	}
	for _, name := range SplitTags(v.Get("tags_in")) {
		q.Include = append(q.Include, fanarchive.Tag{Name: name})
	}
	for _, name := range SplitTags(v.Get("tags_out")) {
		q.Exclude = append(q.Exclude, fanarchive.Tag{Name: name})
	}
	for _, s := range v["rating"] {
		q.Ratings = append(q.Ratings, fanarchive.Rating(s))
	}
	for _, s := range v["xrating"] {
		q.ExcludeRatings = append(q.ExcludeRatings, fanarchive.Rating(s))
	}
	var err error
	if q.WordsMin, err = paramInt(v.Get("words_min")); err != nil {
		return q, fanarchive.Errorf(fanarchive.EINVALID, "The smallest word count must be a whole number.")
	}
	if q.WordsMax, err = paramInt(v.Get("words_max")); err != nil {
		return q, fanarchive.Errorf(fanarchive.EINVALID, "The largest word count must be a whole number.")
	}
	if q.UpdatedFrom, err = paramDate(v.Get("from"), false); err != nil {
		return q, fanarchive.Errorf(fanarchive.EINVALID, "Dates are written like 2001-09-30.")
	}
	if q.UpdatedTo, err = paramDate(v.Get("to"), true); err != nil {
		return q, fanarchive.Errorf(fanarchive.EINVALID, "Dates are written like 2001-09-30.")
	}
	return q, nil
}

// ParseTagParam reads "kind:name", or a bare name of any kind.
func ParseTagParam(s string) fanarchive.Tag {
	if kind, name, ok := strings.Cut(s, ":"); ok && fanarchive.TagKind(kind).Valid() {
		return fanarchive.Tag{Kind: fanarchive.TagKind(kind), Name: name}
	}
	return fanarchive.Tag{Name: s}
}

// TagParam writes a tag as ParseTagParam reads it.
func TagParam(t fanarchive.Tag) string {
	if t.Kind == "" {
		return t.Name
	}
	return string(t.Kind) + ":" + t.Name
}

// SplitTags splits a comma-separated list of tag names.
func SplitTags(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func paramInt(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	if err != nil || n < 0 || n > 1<<31-1 {
		return 0, strconv.ErrSyntax
	}
	return n, nil
}

// paramDate reads a YYYY-MM-DD date; an end date covers its whole day.
func paramDate(s string, end bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, err
	}
	if end {
		t = t.Add(24*time.Hour - time.Nanosecond)
	}
	return t, nil
}
