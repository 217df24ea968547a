package fanarchive

import (
	"strings"
	"unicode/utf8"
)

// TagKind is the kind of a tag. Kinds follow AO3's: a work has fandoms,
// relationships, characters, archive warnings, categories and freeform tags.
// The rating is a field of the work, not a tag.
type TagKind string

// Tag kinds.
const (
	TagFandom       TagKind = "fandom"
	TagRelationship TagKind = "relationship"
	TagCharacter    TagKind = "character"
	TagWarning      TagKind = "warning"
	TagCategory     TagKind = "category"
	TagFreeform     TagKind = "freeform"
)

// TagKinds lists every tag kind in the order pages show them.
var TagKinds = []TagKind{TagFandom, TagWarning, TagCategory, TagRelationship, TagCharacter, TagFreeform}

// Valid reports whether k is one of TagKinds.
func (k TagKind) Valid() bool {
	for _, v := range TagKinds {
		if k == v {
			return true
		}
	}
	return false
}

// Tag is a label on a work. Inferred tags were not written by the author but
// deduced by the importer (e.g. the fandom from the name of a mailing list)
// and are shown as such until an archivist confirms them.
type Tag struct {
	ID       int64   `json:"id,omitempty"`
	Kind     TagKind `json:"kind"`
	Name     string  `json:"name"`
	Inferred bool    `json:"inferred,omitempty"`
	// Canonical names the tag of the same kind this one is a synonym of;
	// empty for a canonical tag. Only FindTag sets it.
	Canonical string `json:"canonical,omitempty"`
}

// Validate returns an EINVALID error for an unknown kind or an empty,
// over-long or invalid name.
func (t Tag) Validate() error {
	switch {
	case !t.Kind.Valid():
		return Errorf(EINVALID, "Tag kind %q is not one of %v.", t.Kind, TagKinds)
	case strings.TrimSpace(t.Name) == "":
		return Errorf(EINVALID, "Tag name is required.")
	case len(t.Name) > MaxTagNameLen || !utf8.ValidString(t.Name):
		return Errorf(EINVALID, "Tag name is too long or not valid UTF-8.")
	}
	return nil
}
