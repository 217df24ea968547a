package records

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"fanarchive"
	"fanarchive/internal/ingest"
	"fanarchive/internal/prose"
)

// beginsWords is how many words a work's Begins holds, as the importer
// makes it.
const beginsWords = 40

// storyPart is one post's share of an assembled story: its bytes and the
// chapters made from them.
type storyPart struct {
	post     int
	piece    *ingest.Piece
	src      *fanarchive.Source
	chapters []*fanarchive.Chapter
	repeat   bool // a part Assemble left out as posted twice
}

// fileStory files the posts of one assembled story, post by post in part
// order, as if they had arrived one after another.
func (r *Room) fileStory(ctx context.Context, posts []Post, posters []string, a *ingest.Assembled, out []*Filed) error {
	w := a.Work
	var parts []storyPart
	for i, src := range w.Sources {
		var chs []*fanarchive.Chapter
		for _, ch := range w.Chapters {
			if ch.SourceID == -int64(i+1) || (ch.SourceID == 0 && i == 0) {
				chs = append(chs, ch)
			}
		}
		at := slices.IndexFunc(a.Pieces, func(p *ingest.Piece) bool { return p.Work.Sources[0] == src })
		if at < 0 || len(chs) == 0 {
			continue
		}
		parts = append(parts, storyPart{post: a.Pieces[at].File, piece: a.Pieces[at], src: src, chapters: chs})
	}
	for _, d := range a.Dropped {
		if slices.ContainsFunc(parts, func(p storyPart) bool { return p.src == d.Work.Sources[0] }) || len(d.Work.Chapters) == 0 {
			continue // the same post as a part that is filed
		}
		parts = append(parts, storyPart{post: d.File, piece: d, src: d.Work.Sources[0], chapters: d.Work.Chapters, repeat: true})
	}
	prev := 0.0
	for _, sp := range parts {
		part := listPart(sp.piece, prev)
		if !sp.repeat {
			// A message that holds several parts (a digest) holds them
			// all: its first part's place, up to its last's number.
			for _, p := range a.Pieces {
				if p.Work.Sources[0] == sp.src && p.HasPart && p.Part.N > max(part.First, part.Last) {
					part.Last = p.Part.N
				}
			}
		}
		if !sp.repeat {
			prev = part.Order
		}
		if err := r.filePart(ctx, posts[sp.post], posters[sp.post], a, sp, part, out[sp.post]); err != nil {
			return err
		}
	}
	return nil
}

// listPart is where a piece goes in its story: its part marker's place;
// for a post without one, just after the part before it (prev), or, when
// it comes first, part 1 (a story posted whole, which a later "(2/2)"
// continues).
func listPart(p *ingest.Piece, prev float64) fanarchive.ListStoryPart {
	switch {
	case !p.HasPart && prev == 0:
		return fanarchive.ListStoryPart{Order: 1, First: 1}
	case !p.HasPart:
		return fanarchive.ListStoryPart{Order: prev + 0.001}
	}
	m := p.Part
	return fanarchive.ListStoryPart{Order: m.Order(), First: m.N, Last: m.Last, Label: m.Text,
		Final: m.Role == ingest.RoleFinal || m.Role == ingest.RoleEpilogue}
}

// filePart files one post of a story and records what became of it in f.
func (r *Room) filePart(ctx context.Context, p Post, poster string, a *ingest.Assembled, sp storyPart, part fanarchive.ListStoryPart, f *Filed) error {
	key := storyKey(a.Work.Title, poster, p.Raw)
	_, err := r.Store.FindListStory(ctx, p.ListID, key)
	known := err == nil
	if err != nil && fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
		return fmt.Errorf("records: %w", err)
	}
	w := partWork(a, sp)
	var doubts []string
	if !known {
		addListFandoms(w, p)
		w.Notes = append([]fanarchive.Note{postedTo(p, w)}, w.Notes...)
		if p.UserID != 0 {
			d, err := r.ownedBy(ctx, w, p.UserID)
			if err != nil {
				return err
			}
			doubts = append(doubts, d...)
		}
	} else {
		// What this part alone did not find ("no fandom found") the work
		// has, or lacks already; the importer's assembly drops these too.
		w.Problems = slices.DeleteFunc(w.Problems, func(s string) bool { return strings.HasPrefix(s, "no ") })
		if p.UserID != 0 {
			w.FeedbackContact = "" // the owner's account takes the feedback
		}
	}
	if e := a.Work.Evidence[fanarchive.FieldKind]; e.Confidence < fanarchive.ReviewThreshold {
		doubts = append(doubts, "the classifier was unsure: "+kindDetail(a.Work))
	}
	of := 0
	if sp.piece.HasPart {
		of = sp.piece.Part.Of
	}
	filing, err := r.Store.FileListPost(ctx, &fanarchive.ListPost{ListID: p.ListID, Key: key, Part: part, Of: of, Work: w})
	f.Fiction = true
	if refusal(err) {
		if f.WorkID == 0 {
			f.Err, f.Reason = err, "refused: "+fanarchive.ErrorMessage(err)
		}
		r.logger().Info("records room refused a post", "list", p.ListName, "err", err)
		return nil
	} else if err != nil {
		return fmt.Errorf("records: file post to %s: %w", p.ListName, err)
	}
	if f.WorkID != 0 {
		// A message that held several stories (a digest): the first is
		// reported, the others only logged.
		f.Reason = strings.TrimPrefix(f.Reason+"; the message held more than one story", "; ")
	} else {
		f.WorkID, f.Chapter, f.New, f.Repeat, f.Err = filing.WorkID, filing.Chapter, filing.New, filing.Repeat, nil
		if filing.Repeat {
			doubts = append(doubts, fmt.Sprintf("a repost of chapter %d: kept as a source, no chapter added", filing.Chapter))
		}
		f.Reason = strings.Join(doubts, "; ")
	}
	r.logger().Info("records room filed a post", "list", p.ListName, "work", filing.WorkID, "chapter", filing.Chapter,
		"new", filing.New, "repeat", filing.Repeat)
	return nil
}

// partWork is one post's share of an assembled story as a work of its
// own: the story's fields, the post's chapters and bytes, the post's dates
// (the story's for its first post).
func partWork(a *ingest.Assembled, sp storyPart) *fanarchive.Work {
	src := *a.Work
	w := &src
	w.ID, w.DuplicateOf, w.Origin = 0, 0, ""
	w.Tags = slices.Clone(a.Work.Tags)
	w.Notes = slices.Clone(a.Work.Notes)
	w.Authors = slices.Clone(a.Work.Authors)
	w.Problems = slices.Clone(a.Work.Problems)
	w.Evidence = maps.Clone(a.Work.Evidence)
	w.Sources = []*fanarchive.Source{sp.src}
	if !sp.piece.Whole {
		// Part of a file of several posts: known by its bytes' range.
		w.Origin = fmt.Sprintf("%s@%d-%d", sp.src.SHA256, sp.piece.Start, sp.piece.End)
	}
	w.Chapters, w.Words = nil, 0
	for _, ch := range sp.chapters {
		c := *ch
		c.Number, c.SourceID, c.ID = len(w.Chapters)+1, 0, 0
		w.Chapters = append(w.Chapters, &c)
		w.Words += c.Words
	}
	text := w.Chapters[0].Text
	if text == "" {
		text = prose.PlainText(w.Chapters[0].Body)
	}
	w.Begins = prose.Opening(text, beginsWords)
	if pw := sp.piece.Work; len(a.Pieces) > 1 && !pw.Published.IsZero() {
		w.Published, w.Updated, w.PublishedFrom = pw.Published, pw.Updated, pw.PublishedFrom
	}
	return w
}

// addListFandoms gives a story that names no fandom the list's, marked
// inferred (confidence 0.5, reviewed), as the importer infers fandoms from
// the newsgroups a post went to.
func addListFandoms(w *fanarchive.Work, p Post) {
	if len(w.TagsOf(fanarchive.TagFandom)) > 0 || len(p.Fandoms) == 0 {
		return
	}
	for _, f := range p.Fandoms {
		if f = strings.TrimSpace(f); f != "" {
			w.Tags = append(w.Tags, fanarchive.Tag{Kind: fanarchive.TagFandom, Name: f, Inferred: true})
		}
	}
	if w.Evidence == nil {
		w.Evidence = map[string]fanarchive.Evidence{}
	}
	w.Evidence[fanarchive.FieldFandoms] = fanarchive.Evidence{Confidence: 0.5, Via: "inferred:list-fandoms",
		Detail: strings.Join(p.Fandoms, ", ")}
	w.Problems = slices.DeleteFunc(w.Problems, func(s string) bool { return s == ingest.ProblemNoFandom })
}

// postedTo is the note that says where and when the story was posted.
func postedTo(p Post, w *fanarchive.Work) fanarchive.Note {
	list := p.ListTitle
	if list == "" {
		list = p.ListName
	} else if p.ListName != "" && !strings.EqualFold(p.ListName, list) {
		list += " (" + p.ListName + ")"
	}
	when := w.Published
	if when.IsZero() {
		when = p.ReceivedAt
	}
	text := "Posted to the " + list + " mailing list"
	if !when.IsZero() {
		text += " on " + when.UTC().Format("2 January 2006")
	}
	return fanarchive.Note{Label: "Posted to", Text: text + "."}
}
