package web

import (
	"html/template"
	"net/url"
	"slices"
	"strconv"

	"fanarchive"
)

// searchPage is the data of the search template.
type searchPage struct {
	page
	Heading string
	Action  string          // where the form submits: /search or the tag page
	Fixed   *fanarchive.Tag // the tag page's own tag
	Form    *searchForm     // as submitted, to fill the form again
	Problem string          // why the search could not run, for the reader
	Ran     bool            // a search ran (and Total is meaningful)
	Notices []string        // how the query was read
	Total   int
	Blurbs  []template.HTML // rendered, from the blurb cache
	Facets  []facetView
	Active  []activeFilter // tags and ratings in force, each removable
	Pager   pager
	Sorts   []sortOption
	Ratings []ratingOption
}

// facetView is one facet with its links.
type facetView struct {
	Label  string
	Counts []facetCount
}

type facetCount struct {
	Name    string
	Works   int
	Include string // URL that adds this tag to the search
	Exclude string // URL that leaves out the works with it
}

// activeFilter is an included or excluded tag or rating, with the URL that
// drops it.
type activeFilter struct {
	Label  string
	Remove string
}

type sortOption struct {
	Value, Label string
	Selected     bool
}

type ratingOption struct {
	Value              string
	Include, Exclude   bool
	IncludeID, ExcluID string
}

// sortLabels names the sorts in the form.
var sortLabels = map[fanarchive.SearchSort]string{
	fanarchive.SortRelevance: "Best match", fanarchive.SortUpdated: "Recently updated",
	fanarchive.SortPublished: "Recently published", fanarchive.SortWords: "Longest", fanarchive.SortTitle: "Title",
}

// facetLabels names the facets.
var facetLabels = map[fanarchive.TagKind]string{
	fanarchive.TagFandom: "Fandoms", fanarchive.TagRelationship: "Relationships", fanarchive.TagCharacter: "Characters",
	fanarchive.TagFreeform: "Additional tags", fanarchive.TagWarning: "Archive warnings", fanarchive.TagCategory: "Categories",
	fanarchive.FacetRating: "Ratings",
}

// fill puts a search's result on the page.
func (p *searchPage) fill(s *Server, f *searchForm, base string, res *fanarchive.SearchResult) error {
	p.Ran, p.Total, p.Notices = true, res.Total, res.Notices
	for _, w := range res.Works {
		b, err := s.blurbHTML("search", w)
		if err != nil {
			return err
		}
		p.Blurbs = append(p.Blurbs, b)
	}
	for _, fc := range res.Facets {
		if len(fc.Counts) == 0 {
			continue
		}
		fv := facetView{Label: facetLabels[fc.Kind]}
		for _, c := range fc.Counts {
			tag := c.Tag
			inc := func(v url.Values) { v.Add("include", tagParam(tag)) }
			exc := func(v url.Values) { v.Add("exclude", tagParam(tag)) }
			if fc.Kind == fanarchive.FacetRating {
				inc = func(v url.Values) { v.Add("rating", tag.Name) }
				exc = func(v url.Values) { v.Add("xrating", tag.Name) }
			}
			fv.Counts = append(fv.Counts, facetCount{Name: tag.Name, Works: c.Works,
				Include: f.link(base, inc), Exclude: f.link(base, exc)})
		}
		p.Facets = append(p.Facets, fv)
	}
	for i, t := range f.Include {
		p.Active = append(p.Active, activeFilter{Label: "With " + tagLabel(t),
			Remove: f.link(base, func(v url.Values) { v["include"] = slices.Delete(slices.Clone(v["include"]), i, i+1) })})
	}
	for i, t := range f.Exclude {
		p.Active = append(p.Active, activeFilter{Label: "Without " + tagLabel(t),
			Remove: f.link(base, func(v url.Values) { v["exclude"] = slices.Delete(slices.Clone(v["exclude"]), i, i+1) })})
	}
	pages := max(1, (res.Total+worksPerPage-1)/worksPerPage)
	p.Pager = pager{Page: min(f.Page, pages), Pages: pages}
	if res.Prev != "" {
		p.Pager.Prev = f.link(base, func(v url.Values) {
			v.Set("before", res.Prev)
			v.Set("page", strconv.Itoa(max(1, f.Page-1)))
		})
	}
	if res.Next != "" {
		p.Pager.Next = f.link(base, func(v url.Values) {
			v.Set("after", res.Next)
			v.Set("page", strconv.Itoa(f.Page+1))
		})
	}
	return nil
}

// newSearchOptions fills the form's choices.
func (p *searchPage) options() {
	sel := p.Form.Sort
	for _, s := range fanarchive.SearchSorts {
		p.Sorts = append(p.Sorts, sortOption{Value: string(s), Label: sortLabels[s], Selected: sel == string(s)})
	}
	for i, r := range fanarchive.Ratings {
		p.Ratings = append(p.Ratings, ratingOption{Value: string(r),
			Include: slices.Contains(p.Form.Ratings, r), Exclude: slices.Contains(p.Form.XRatings, r),
			IncludeID: "rating-" + strconv.Itoa(i), ExcluID: "xrating-" + strconv.Itoa(i)})
	}
}

// tagLabel names a tag in a filter: its kind and name.
func tagLabel(t fanarchive.Tag) string {
	if t.Kind == "" {
		return "tag “" + t.Name + "”"
	}
	return tagKindLabel(t.Kind) + " “" + t.Name + "”"
}
