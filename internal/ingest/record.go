package ingest

import (
	"strings"

	"fanarchive"
	"fanarchive/internal/prose"
)

// Record is the one-line JSON summary of a parsed work that
// `fanarchive import --dry-run --json` prints: enough for an archivist to
// check, at a glance, what the importer made of each file.
type Record struct {
	Files          []string        `json:"files"`
	Kind           fanarchive.Kind `json:"kind"`
	Title          string          `json:"title"`
	Authors        []string        `json:"authors"`
	Rating         string          `json:"rating"`
	RatingOriginal string          `json:"rating_original"`
	Fandoms        []string        `json:"fandoms"`
	FandomInferred bool            `json:"fandom_inferred"`
	Relationships  []string        `json:"relationships"`
	Characters     []string        `json:"characters"`
	Warnings       []string        `json:"warnings"`
	Categories     []string        `json:"categories"`
	Tags           []string        `json:"tags"`
	Summary        string          `json:"summary"`
	Notes          []NoteRecord    `json:"notes"`
	Feedback       string          `json:"feedback"`
	List           string          `json:"list"`
	Archive        string          `json:"archive"`
	Encoding       string          `json:"encoding"`
	Chapters       []ChapterRecord `json:"chapters"`
	Words          int             `json:"words"`
	Complete       bool            `json:"complete"`
	Begins         string          `json:"begins"`
	Ends           string          `json:"ends"`
	Problems       []string        `json:"problems"`

	Evidence map[string]fanarchive.Evidence `json:"evidence"`
}

// NoteRecord is a labelled note in a Record.
type NoteRecord struct {
	Label string `json:"label"`
	Text  string `json:"text"`
}

// ChapterRecord is one chapter in a Record.
type ChapterRecord struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
	Words  int    `json:"words"`
}

// recordEdgeWords is how many words Begins and Ends quote.
const recordEdgeWords = 12

// NewRecord summarises a parsed work. Slices are never nil, so the JSON
// always has arrays where the contract says arrays.
func NewRecord(w *fanarchive.Work) Record {
	r := Record{
		Files:          []string{},
		Kind:           w.Kind,
		Title:          w.Title,
		Authors:        nonNil(w.AuthorNames()),
		Rating:         string(w.Rating),
		RatingOriginal: w.RatingOriginal,
		Fandoms:        nonNil(w.TagsOf(fanarchive.TagFandom)),
		Relationships:  nonNil(w.TagsOf(fanarchive.TagRelationship)),
		Characters:     nonNil(w.TagsOf(fanarchive.TagCharacter)),
		Warnings:       nonNil(w.TagsOf(fanarchive.TagWarning)),
		Categories:     nonNil(w.TagsOf(fanarchive.TagCategory)),
		Tags:           nonNil(w.TagsOf(fanarchive.TagFreeform)),
		Summary:        w.Summary,
		Notes:          []NoteRecord{},
		Chapters:       []ChapterRecord{},
		Words:          w.Words,
		Complete:       w.Complete,
		Problems:       nonNil(w.Problems),
		Evidence:       w.Evidence,
	}
	for _, t := range w.Tags {
		r.FandomInferred = r.FandomInferred || (t.Kind == fanarchive.TagFandom && t.Inferred)
	}
	for _, n := range w.Notes {
		r.Notes = append(r.Notes, NoteRecord{Label: n.Label, Text: n.Text})
	}
	for _, s := range w.Sources {
		r.Files = append(r.Files, s.Name)
	}
	if len(w.Sources) > 0 {
		s := w.Sources[0]
		r.Feedback, r.List, r.Archive, r.Encoding = s.FeedbackContact, s.List, s.Archive, s.Encoding
	}
	if w.FeedbackContact != "" {
		r.Feedback = w.FeedbackContact
	}
	var text []string
	for _, c := range w.Chapters {
		r.Chapters = append(r.Chapters, ChapterRecord{Number: c.Number, Title: c.Title, Words: c.Words})
		text = append(text, prose.PlainText(c.Body))
	}
	all := strings.Join(text, "\n\n")
	r.Begins = prose.FirstWords(all, recordEdgeWords)
	r.Ends = prose.LastWords(all, recordEdgeWords)
	return r
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
