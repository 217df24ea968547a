package efiction

import (
	"fmt"
	"slices"
	"strings"

	"fanarchive"
)

// tags maps a story's categories, characters and classes onto tags:
// a category, with its parents, is a fandom ("Parent > Child"); a
// character a character; a class of a warning type an archive warning when
// it names one (archiveWarning) and a freeform tag otherwise; a class of a
// pairing type a relationship; any other class (genres…) a freeform tag.
func (b *builder) tags(w *fanarchive.Work, r *Row, keep func(...*Row)) {
	add := func(kind fanarchive.TagKind, name string) {
		name = strings.TrimSpace(name)
		if name == "" || len(name) > fanarchive.MaxTagNameLen {
			return
		}
		if !slices.ContainsFunc(w.Tags, func(t fanarchive.Tag) bool { return t.Kind == kind && t.Name == name }) {
			w.Tags = append(w.Tags, fanarchive.Tag{Kind: kind, Name: name})
		}
	}
	for _, catid := range ids(r, "catid") {
		if p := b.categoryPath(catid, keep); p != "" {
			add(fanarchive.TagFandom, p)
		}
	}
	if len(w.TagsOf(fanarchive.TagFandom)) > 0 {
		w.Evidence[fanarchive.FieldFandoms] = sure("categories.category")
	} else {
		w.Problems = append(w.Problems, "no fandom found")
	}
	for _, charid := range ids(r, "charid") {
		if c, ok := b.characters[charid]; ok {
			keep(c)
			add(fanarchive.TagCharacter, text(c, "charname"))
		}
	}
	for _, cid := range ids(r, "classes") {
		c, ok := b.classes[cid]
		if !ok {
			continue
		}
		keep(c)
		name := text(c, "class_name")
		typ := ""
		if tid, ok := id(c, "class_type"); ok {
			if ct, ok := b.classtypes[tid]; ok {
				keep(ct)
				typ = strings.ToLower(text(ct, "classtype_name") + " " + text(ct, "classtype_title"))
			}
		}
		switch {
		case strings.Contains(typ, "warn"):
			if aw, ok := archiveWarning(name); ok {
				add(fanarchive.TagWarning, aw)
			} else {
				add(fanarchive.TagFreeform, name)
			}
		case strings.Contains(typ, "pair") || strings.Contains(typ, "ship"):
			add(fanarchive.TagRelationship, name)
		default:
			add(fanarchive.TagFreeform, name)
		}
	}
}

// categoryPath returns a category's name after its parents'
// ("Harry Potter > Marauders Era"); "" for an unknown category.
func (b *builder) categoryPath(catid int64, keep func(...*Row)) string {
	var names []string
	seen := map[int64]bool{}
	for catid > 0 && !seen[catid] && len(names) < 32 {
		seen[catid] = true
		c, ok := b.categories[catid]
		if !ok {
			break
		}
		keep(c)
		if n := text(c, "category"); n != "" {
			names = append(names, n)
		}
		catid, _ = id(c, "parentcatid")
	}
	slices.Reverse(names)
	return strings.Join(names, " > ")
}

// archiveWarning reads an eFiction warning class as one of the archive's
// warnings (fanarchive.ArchiveWarnings), when it names one.
func archiveWarning(name string) (string, bool) {
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "death"):
		return "Major Character Death", true
	case strings.Contains(n, "rape") || strings.Contains(n, "non-con") || strings.Contains(n, "noncon") || strings.Contains(n, "non con"):
		return "Rape/Non-Con", true
	case strings.Contains(n, "underage") || strings.Contains(n, "under age"):
		return "Underage Sex", true
	case strings.Contains(n, "violence") || strings.Contains(n, "gore"):
		return "Graphic Depictions Of Violence", true
	case n == "none" || strings.Contains(n, "no warning"):
		return "No Archive Warnings Apply", true
	}
	return "", false
}

// seriesNotes records the story's places in series as a note ("Series":
// "Title, part 2"): the store lets only posted works start a series, so an
// imported series is kept as text and in the source until it can be made.
func (b *builder) seriesNotes(w *fanarchive.Work, sid int64, keep func(...*Row)) {
	var parts []string
	for _, in := range b.inseries[sid] {
		keep(in)
		seriesID, _ := id(in, "seriesid")
		s, ok := b.series[seriesID]
		if !ok {
			continue
		}
		keep(s)
		title := text(s, "title")
		if title == "" {
			continue
		}
		if pos, ok := id(in, "inorder"); ok && pos > 0 {
			title = fmt.Sprintf("%s, part %d", title, pos)
		}
		parts = append(parts, title)
		b.out.SeriesPlaces++
	}
	if len(parts) > 0 {
		w.Notes = append(w.Notes, fanarchive.Note{Label: "Series", Text: strings.Join(parts, "; ")})
	}
}
