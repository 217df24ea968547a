package web

import (
	"net/http"

	"fanarchive"
)

// handleTag lists the works with a tag.
func (s *Server) handleTag(w http.ResponseWriter, r *http.Request) {
	kind := fanarchive.TagKind(r.PathValue("kind"))
	if !kind.Valid() {
		s.notFound(w, r, "tag")
		return
	}
	tag, err := s.store.FindTag(r.Context(), kind, r.PathValue("name"))
	if err != nil {
		s.fail(w, r, err, "tag")
		return
	}
	if tag.Canonical != "" {
		// A synonym's page is its canonical's, which lists its works too.
		target := tagURL(tag.Kind, tag.Canonical)
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return
	}
	if s.opts.Search != nil {
		// The tag page is a search fixed to its tag, with the same filters.
		s.runSearch(w, r, tagURL(tag.Kind, tag.Name), &fanarchive.Tag{Kind: tag.Kind, Name: tag.Name})
		return
	}
	label := tagKindLabel(tag.Kind) + ": " + tag.Name
	s.listWorks(w, r, fanarchive.WorkFilter{Tag: &fanarchive.Tag{Kind: tag.Kind, Name: tag.Name}},
		label, "Works tagged "+label)
}

// tagKindLabel names a tag kind for headings.
func tagKindLabel(k fanarchive.TagKind) string {
	switch k {
	case fanarchive.TagFandom:
		return "Fandom"
	case fanarchive.TagRelationship:
		return "Relationship"
	case fanarchive.TagCharacter:
		return "Character"
	case fanarchive.TagWarning:
		return "Archive warning"
	case fanarchive.TagCategory:
		return "Category"
	case fanarchive.TagFreeform:
		return "Additional tag"
	}
	return string(k)
}
