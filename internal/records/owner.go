package records

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"fanarchive"
)

// ownedBy makes a new story w the work of user userID: by their default
// pseud, and posted by them (Work.PostedBy: they own it and may edit it as
// a work posted on the site) when it fits the posting rules once tidied;
// when it does not (no fandom, an over-long summary), it is by the pseud
// without being theirs to edit, and the doubts say why.
func (r *Room) ownedBy(ctx context.Context, w *fanarchive.Work, userID int64) ([]string, error) {
	pseuds, err := r.Store.FindPseuds(ctx, userID)
	if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND || (err == nil && len(pseuds) == 0) {
		return []string{fmt.Sprintf("account %d not found: filed under the byline", userID)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("records: pseuds of user %d: %w", userID, err)
	}
	pseud := pseuds[0]
	for _, p := range pseuds {
		if p.Default {
			pseud = p
		}
	}
	w.Authors = []fanarchive.Author{{ID: pseud.ID, Name: pseud.Name, UserID: userID}}
	w.Problems = slices.DeleteFunc(w.Problems, func(p string) bool { return strings.HasPrefix(p, "no author") })
	// The account takes the feedback; the address stays in the source.
	w.FeedbackContact = ""
	posted := *w
	posted.PostedBy = userID
	fitPosted(&posted)
	if err := posted.Validate(); err != nil {
		return []string{"by the poster's pseud but not owned: " + fanarchive.ErrorMessage(err)}, nil
	}
	*w = posted
	return nil, nil
}

// fitPosted tidies a story read from a post into what the posting rules
// allow, without losing what it says: a warning is added when none is
// given (the author chose none), tags that are no warning or category of
// the archive's become freeform tags, notes past the limit are joined into
// the last, and over-long one-line fields are cut.
func fitPosted(w *fanarchive.Work) {
	w.Title = cut(strings.Join(strings.Fields(w.Title), " "), fanarchive.MaxPostedTitleLen)
	var tags []fanarchive.Tag
	warned := false
	for _, t := range w.Tags {
		t.Name = strings.Join(strings.Fields(t.Name), " ")
		switch {
		case t.Name == "" || utf8.RuneCountInString(t.Name) > fanarchive.MaxPostedTagLen:
			continue
		case t.Kind == fanarchive.TagWarning && !slices.Contains(fanarchive.ArchiveWarnings, t.Name),
			t.Kind == fanarchive.TagCategory && !slices.Contains(fanarchive.Categories, t.Name):
			t.Kind = fanarchive.TagFreeform
		}
		warned = warned || t.Kind == fanarchive.TagWarning
		tags = append(tags, t)
	}
	if !warned {
		tags = append(tags, fanarchive.Tag{Kind: fanarchive.TagWarning, Name: "Creator Chose Not To Use Archive Warnings"})
	}
	if len(tags) > fanarchive.MaxPostedTags {
		// Keep fandoms and warnings, which a posted work needs.
		keep := tags[:0:0]
		for _, t := range tags {
			if t.Kind == fanarchive.TagFandom || t.Kind == fanarchive.TagWarning || len(keep) < fanarchive.MaxPostedTags-2 {
				keep = append(keep, t)
			}
		}
		tags = keep[:min(len(keep), fanarchive.MaxPostedTags)]
	}
	w.Tags = tags
	w.Notes, w.EndNotes = fitNotes(w.Notes), fitNotes(w.EndNotes)
	for _, ch := range w.Chapters {
		ch.Title = cut(strings.Join(strings.Fields(ch.Title), " "), fanarchive.MaxPostedTitleLen)
	}
}

// fitNotes joins the notes past MaxPostedNotes into the last one.
func fitNotes(notes []fanarchive.Note) []fanarchive.Note {
	for i := range notes {
		notes[i].Label = cut(strings.Join(strings.Fields(notes[i].Label), " "), fanarchive.MaxPostedTitleLen)
	}
	if len(notes) <= fanarchive.MaxPostedNotes {
		return notes
	}
	out := slices.Clone(notes[:fanarchive.MaxPostedNotes-1])
	var rest []string
	for _, n := range notes[fanarchive.MaxPostedNotes-1:] {
		rest = append(rest, n.Label+": "+n.Text)
	}
	return append(out, fanarchive.Note{Label: "Notes", Text: strings.Join(rest, "\n\n")})
}

// cut shortens s to at most n characters.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
