package fanarchive

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// languageTag is the shape of a BCP 47 tag, checked loosely: a language
// and optional subtags ("en", "pt-BR", "zh-Hant-TW").
var languageTag = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$`)

// SetField sets one of EditableFields of w from an archivist's text and
// returns the old and new values as text, for the edit record. The field's
// evidence becomes the archivist's (confidence 1) and the problems it
// settles are cleared (see ProblemField). Values are read as follows, with
// surrounding space trimmed:
//
//   - title, summary: as given; empty is allowed (no title, no summary).
//   - authors: names separated by "," or "&"; empty leaves no author.
//   - fandoms, relationships, characters, freeform, warnings, categories:
//     tags separated by ","; they replace the work's tags of that kind and
//     are not inferred. Empty removes them.
//   - rating: General, Teen, Mature, Explicit or Not Rated, in any case,
//     with or without the space. RatingOriginal (the source's words) stays.
//   - language: a BCP 47 tag such as "en" or "pt-BR", or empty.
//   - complete: true or false (also yes/no, 1/0).
//   - kind: fiction or other.
//   - duplicate_of: the ID of the work this one repeats, or 0 for none.
//     That the work exists is for the store to check.
//
// Returns EINVALID for an unknown field or a value that does not fit it.
func (w *Work) SetField(field, value, by string) (old, new string, err error) {
	value = strings.TrimSpace(value)
	if !utf8.ValidString(value) {
		return "", "", Errorf(EINVALID, "The value for %s is not valid UTF-8.", field)
	}
	if kind, ok := tagFields[field]; ok {
		old, new, err = w.setTags(kind, value)
	} else {
		old, new, err = w.setScalar(field, value)
	}
	if err != nil {
		return "", "", err
	}
	if w.Evidence == nil {
		w.Evidence = map[string]Evidence{}
	}
	w.Evidence[field] = archivistEvidence(by)
	w.clearProblems(field)
	return old, new, nil
}

// setScalar sets a field that is not a list of tags.
func (w *Work) setScalar(field, value string) (old, new string, err error) {
	switch field {
	case FieldTitle:
		if len(value) > MaxTitleLen {
			return "", "", Errorf(EINVALID, "The title is longer than %d bytes.", MaxTitleLen)
		}
		old, w.Title = w.Title, value
		return old, value, nil
	case FieldSummary:
		if len(value) > MaxSummaryLen {
			return "", "", Errorf(EINVALID, "The summary is longer than %d bytes.", MaxSummaryLen)
		}
		old, w.Summary = w.Summary, value
		return old, value, nil
	case FieldAuthors:
		return w.setAuthors(value)
	case FieldRating:
		r, err := ParseRating(value)
		if err != nil {
			return "", "", err
		}
		old, w.Rating = string(w.Rating), r
		return old, string(r), nil
	case FieldLanguage:
		if value != "" && (len(value) > 35 || !languageTag.MatchString(value)) {
			return "", "", Errorf(EINVALID, "%q is not a language tag such as en or pt-BR.", value)
		}
		old, w.Language = w.Language, value
		return old, value, nil
	case FieldComplete:
		b, err := parseBool(value)
		if err != nil {
			return "", "", err
		}
		old, w.Complete = strconv.FormatBool(w.Complete), b
		return old, strconv.FormatBool(b), nil
	case FieldKind:
		k := Kind(strings.ToLower(value))
		if !k.Valid() {
			return "", "", Errorf(EINVALID, "Kind %q is not fiction or other.", value)
		}
		old, w.Kind = string(w.Kind), k
		return old, string(k), nil
	case FieldDuplicateOf:
		id, err := strconv.ParseInt(value, 10, 64)
		if err != nil || id < 0 {
			return "", "", Errorf(EINVALID, "duplicate_of must be a work ID, or 0 for none; got %q.", value)
		}
		if id != 0 && id == w.ID {
			return "", "", Errorf(EINVALID, "Work %d cannot be a duplicate of itself.", id)
		}
		old, w.DuplicateOf = strconv.FormatInt(w.DuplicateOf, 10), id
		return old, strconv.FormatInt(id, 10), nil
	}
	return "", "", Errorf(EINVALID, "Unknown field %q; fields that can be set are: %s.", field, strings.Join(EditableFields, ", "))
}

// setAuthors replaces the byline.
func (w *Work) setAuthors(value string) (old, new string, err error) {
	names := SplitList(value, ",&")
	if len(names) > MaxAuthors {
		return "", "", Errorf(EINVALID, "A work has at most %d authors.", MaxAuthors)
	}
	authors := make([]Author, 0, len(names))
	for _, n := range names {
		a := Author{Name: n}
		if err := a.Validate(); err != nil {
			return "", "", err
		}
		authors = append(authors, a)
	}
	old = strings.Join(w.AuthorNames(), ", ")
	w.Authors = authors
	return old, strings.Join(names, ", "), nil
}

// setTags replaces the work's tags of one kind, keeping the others.
func (w *Work) setTags(kind TagKind, value string) (old, new string, err error) {
	names := SplitList(value, ",")
	var tags []Tag
	for _, t := range w.Tags {
		if t.Kind != kind {
			tags = append(tags, t)
		}
	}
	for _, n := range names {
		t := Tag{Kind: kind, Name: n}
		if err := t.Validate(); err != nil {
			return "", "", err
		}
		tags = append(tags, t)
	}
	old = strings.Join(w.TagsOf(kind), ", ")
	w.Tags = tags
	return old, strings.Join(names, ", "), nil
}

// SplitList splits an archivist's list at any of the separator characters,
// trims each item and drops empty and repeated ones.
func SplitList(value, separators string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(value, func(r rune) bool { return strings.ContainsRune(separators, r) }) {
		if f = strings.Join(strings.Fields(f), " "); f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// ParseRating reads one of Ratings by name, ignoring case, spaces, hyphens
// and underscores ("teen", "NOT RATED", "not-rated"). Returns EINVALID for
// anything else: ratings as sources write them ("PG-13") are the importer's
// to map.
func ParseRating(s string) (Rating, error) {
	key := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' || r == '_' {
				return -1
			}
			return r
		}, strings.ToLower(s))
	}
	for _, r := range Ratings {
		if key(s) == key(string(r)) {
			return r, nil
		}
	}
	return "", Errorf(EINVALID, "Rating %q is not one of %v.", s, Ratings)
}

// parseBool reads true/false, yes/no, 1/0 in any case.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "true", "yes", "y", "1", "t":
		return true, nil
	case "false", "no", "n", "0", "f":
		return false, nil
	}
	return false, Errorf(EINVALID, "complete must be true or false; got %q.", s)
}
