package efiction

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/ingest"
	"fanarchive/internal/prose"
)

// Import is what Read made of a dump.
type Import struct {
	// Prefix is the archive's table prefix, as found in the dump.
	Prefix string
	// Works are the validated stories, one work each, in order of sid.
	Works []*fanarchive.Work
	// Skipped are stories not imported: not validated on the old archive,
	// or without a chapter that is.
	Skipped []Skipped
	// BadRows are rows (or statements) that could not be read or used,
	// with their table and line; the rest of the dump is imported.
	BadRows []*RowError
	// Reviews counts the reviews of imported stories: their rows are kept
	// in each work's source, not shown (the archive has no comments yet).
	// OtherReviews counts reviews of series or other items, left in the dump.
	Reviews, OtherReviews int
	// SeriesPlaces counts the works' places in series, kept as notes.
	SeriesPlaces int
}

// Skipped is a story that was not imported, and why.
type Skipped struct {
	SID    int64
	Title  string
	Reason string
}

// Options are the inputs of Read besides the dump.
type Options struct {
	// Stories holds chapter files, <uid>/<chapid>.txt, for archives that
	// kept chapter text in files (eFiction's "store" setting); nil when
	// every chapter's text is in the dump.
	Stories fs.FS
	// StoriesName is how Stories is named in source names, e.g. "stories".
	StoriesName string
}

// Read reads a dump and maps its stories onto works. It fails only when
// the dump cannot be read at all (an I/O error) or ctx is cancelled; rows
// it cannot use are listed in Import.BadRows.
func Read(ctx context.Context, r io.Reader, opts Options) (*Import, error) {
	t, bad, err := readTables(ctx, r)
	if err != nil {
		return nil, err
	}
	b := newBuilder(t, opts)
	b.out.BadRows = bad
	b.out.Prefix = t.prefix
	if len(t.table("stories")) == 0 {
		return b.out, nil
	}
	if err := b.build(ctx); err != nil {
		return nil, err
	}
	return b.out, nil
}

// builder holds the archive's lookup tables while stories are mapped.
type builder struct {
	t          *tables
	opts       Options
	out        *Import
	authors    map[int64]*Row
	categories map[int64]*Row
	characters map[int64]*Row
	classes    map[int64]*Row
	classtypes map[int64]*Row
	ratings    map[int64]*Row
	series     map[int64]*Row
	chapters   map[int64][]*Row // by sid
	inseries   map[int64][]*Row // by sid
	reviews    map[int64][]*Row // story reviews, by sid
	coauthors  map[int64][]*Row // by sid
}

func newBuilder(t *tables, opts Options) *builder {
	b := &builder{t: t, opts: opts, out: &Import{},
		authors:    byID(t.table("authors"), "uid"),
		categories: byID(t.table("categories"), "catid"),
		characters: byID(t.table("characters"), "charid"),
		classes:    byID(t.table("classes"), "class_id"),
		classtypes: byID(t.table("classtypes"), "classtype_id"),
		ratings:    byID(t.table("ratings"), "rid"),
		series:     byID(t.table("series"), "seriesid"),
		chapters:   map[int64][]*Row{}, inseries: map[int64][]*Row{},
		reviews: map[int64][]*Row{}, coauthors: map[int64][]*Row{},
	}
	group := func(suffix, col string, into map[int64][]*Row) {
		for _, r := range t.table(suffix) {
			if n, ok := id(r, col); ok {
				into[n] = append(into[n], r)
			} else {
				b.bad(r, fmt.Errorf("%s is not a number", col))
			}
		}
	}
	group("chapters", "sid", b.chapters)
	group("inseries", "sid", b.inseries)
	group("coauthors", "sid", b.coauthors)
	for _, r := range t.table("reviews") {
		item, ok := id(r, "item")
		if typ := strings.ToUpper(r.Str("type")); ok && (typ == "ST" || typ == "") {
			b.reviews[item] = append(b.reviews[item], r)
		} else {
			b.out.OtherReviews++
		}
	}
	for _, rows := range b.chapters {
		slices.SortStableFunc(rows, func(x, y *Row) int {
			a, _ := id(x, "inorder")
			c, _ := id(y, "inorder")
			return int(a - c)
		})
	}
	return b
}

func (b *builder) bad(r *Row, err error) {
	b.out.BadRows = append(b.out.BadRows, &RowError{Table: r.Table, Line: r.Line, Err: err})
}

// build maps every story.
func (b *builder) build(ctx context.Context) error {
	stories := b.t.table("stories")
	seen := map[int64]bool{}
	for i, r := range stories {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		sid, ok := id(r, "sid")
		if !ok {
			b.bad(r, errors.New("sid is not a number"))
			continue
		}
		if seen[sid] {
			b.bad(r, fmt.Errorf("story %d is in the dump twice; the first row was used", sid))
			continue
		}
		seen[sid] = true
		if v, has := r.Get("validated"); has && (v.Null || strings.TrimSpace(v.S) == "0" || strings.TrimSpace(v.S) == "") {
			b.out.Skipped = append(b.out.Skipped, Skipped{SID: sid, Title: text(r, "title"), Reason: "not validated on the old archive"})
			continue
		}
		w, reason, err := b.work(sid, r)
		if err != nil {
			b.bad(r, err)
			continue
		}
		if w == nil {
			b.out.Skipped = append(b.out.Skipped, Skipped{SID: sid, Title: text(r, "title"), Reason: reason})
			continue
		}
		b.out.Works = append(b.out.Works, w)
	}
	return nil
}

// sure is the evidence of a field read from its own column.
func sure(col string) fanarchive.Evidence {
	return fanarchive.Evidence{Confidence: 1, Via: "efiction:" + col}
}

// work maps one story, with the rows it is made of kept as its source.
// A nil work with a reason is a story that has nothing to show.
func (b *builder) work(sid int64, r *Row) (*fanarchive.Work, string, error) {
	w := &fanarchive.Work{Kind: fanarchive.KindFiction, Title: text(r, "title"), Evidence: map[string]fanarchive.Evidence{}}
	if w.Title == "" {
		w.Problems = append(w.Problems, "no title found")
	} else {
		w.Evidence[fanarchive.FieldTitle] = sure("stories.title")
	}
	var src strings.Builder
	fmt.Fprintf(&src, "-- eFiction story %d: its rows as the dump holds them (fanarchive import efiction)\n", sid)
	b.t.sqlText(&src, r)
	kept := map[*Row]bool{r: true}
	keep := func(rows ...*Row) { // each row once, in the order first used
		for _, row := range rows {
			if !kept[row] {
				kept[row] = true
				b.t.sqlText(&src, row)
			}
		}
	}

	// Authors: the story's, then co-authors; the first's address is the
	// private contact for claims and feedback.
	uid, _ := id(r, "uid")
	authorIDs := []int64{uid}
	if rows := b.coauthors[sid]; len(rows) > 0 || len(b.t.table("coauthors")) > 0 {
		for _, c := range rows {
			if n, ok := id(c, "uid"); ok && !slices.Contains(authorIDs, n) {
				authorIDs = append(authorIDs, n)
			}
		}
		keep(rows...)
	} else {
		for _, n := range ids(r, "coauthors") {
			if _, known := b.authors[n]; known && !slices.Contains(authorIDs, n) {
				authorIDs = append(authorIDs, n)
			}
		}
	}
	for i, n := range authorIDs {
		a, ok := b.authors[n]
		if !ok {
			w.Problems = append(w.Problems, fmt.Sprintf("author %d is not in the dump", n))
			continue
		}
		keep(a)
		if name := text(a, "penname"); name != "" {
			w.Authors = append(w.Authors, fanarchive.Author{Name: name})
		}
		if i == 0 {
			if email := text(a, "email"); email != "" {
				w.FeedbackContact = email
				w.Evidence[fanarchive.FieldFeedback] = sure("authors.email")
			}
		}
	}
	if len(w.Authors) > 0 {
		w.Evidence[fanarchive.FieldAuthors] = sure("authors.penname")
	} else {
		w.Problems = append(w.Problems, "no author found")
	}

	b.rating(w, r, keep)
	b.tags(w, r, keep)
	w.Summary = plain(decode(r.Str("summary")))
	if w.Summary != "" {
		w.Evidence[fanarchive.FieldSummary] = sure("stories.summary")
	}
	if n := plain(decode(r.Str("storynotes"))); n != "" {
		w.Notes = append(w.Notes, fanarchive.Note{Label: "Story Notes", Text: n})
	}
	b.seriesNotes(w, sid, keep)
	w.Complete = strings.TrimSpace(r.Str("completed")) == "1"
	w.Published = parseTime(r.Str("date"))
	w.Updated = parseTime(r.Str("updated"))
	if w.Updated.Before(w.Published) {
		w.Updated = w.Published
	}

	reviews := b.reviews[sid]
	keep(reviews...)
	b.out.Reviews += len(reviews)

	var files []*fanarchive.Source
	chapters := b.chapters[sid]
	for _, c := range chapters {
		keep(c)
	}
	for _, c := range chapters {
		if v, has := c.Get("validated"); has && strings.TrimSpace(v.S) == "0" {
			w.Problems = append(w.Problems, fmt.Sprintf("chapter %q was not validated on the old archive; it is kept in the source, not shown", text(c, "title")))
			continue
		}
		ch, file, err := b.chapter(w, c, uid, len(files))
		if err != nil {
			b.bad(c, err)
			continue
		}
		if file != nil {
			files = append(files, file)
		}
		ch.Number = len(w.Chapters) + 1
		w.Chapters = append(w.Chapters, ch)
		w.Words += ch.Words
	}
	if len(w.Chapters) == 0 {
		return nil, "no validated chapter", nil
	}
	w.Evidence[fanarchive.FieldChapters] = sure("chapters.inorder")
	w.Begins = prose.FirstWords(w.Chapters[0].Text, 40)
	raw := []byte(src.String())
	story := fanarchive.NewSource(fmt.Sprintf("efiction:%sstories/%d.sql", b.t.prefix, sid), raw)
	story.Encoding = encodingOf(src.String()) // rows of one dump: UTF-8, or an old latin-1 one
	story.FeedbackContact = w.FeedbackContact
	w.Sources = append([]*fanarchive.Source{story}, files...)
	for _, ch := range w.Chapters {
		if ch.SourceID < 0 {
			ch.SourceID-- // files come after the story's rows
		}
	}
	return w, "", nil
}

// chapter maps one chapter row. Its text is the row's storytext, or the
// file <uid>/<chapid>.txt under Options.Stories when that is empty; file
// is that file's source (nfiles files came before it).
func (b *builder) chapter(w *fanarchive.Work, c *Row, storyUID int64, nfiles int) (*fanarchive.Chapter, *fanarchive.Source, error) {
	ch := &fanarchive.Chapter{Title: text(c, "title")}
	body := c.Str("storytext")
	var file *fanarchive.Source
	if strings.TrimSpace(body) == "" {
		chapid, _ := id(c, "chapid")
		uid, ok := id(c, "uid")
		if !ok {
			uid = storyUID
		}
		name := path.Join(strconv.FormatInt(uid, 10), strconv.FormatInt(chapid, 10)+".txt")
		if b.opts.Stories == nil {
			w.Problems = append(w.Problems, fmt.Sprintf("chapter %q has no text in the dump; its file %s was not given (--stories)", ch.Title, name))
		} else if raw, err := fs.ReadFile(b.opts.Stories, name); err != nil {
			w.Problems = append(w.Problems, fmt.Sprintf("chapter %q has no text in the dump and its file %s cannot be read", ch.Title, name))
		} else {
			file = fanarchive.NewSource(path.Join(b.opts.StoriesName, name), raw)
			file.Encoding = encodingOf(string(raw))
			body = string(raw)
			ch.SourceID = -int64(nfiles + 1)
		}
	}
	html, err := toBody(decode(body))
	if err != nil {
		return nil, nil, fmt.Errorf("chapter text: %w", err)
	}
	ch.Body = html
	ch.Text = prose.PlainText(html)
	ch.Words = prose.CountWords(ch.Text)
	label := fmt.Sprintf("Chapter %d", len(w.Chapters)+1)
	if ch.Title != "" {
		label += ": " + ch.Title
	}
	if n := plain(decode(c.Str("notes"))); n != "" {
		w.Notes = append(w.Notes, fanarchive.Note{Label: label + " notes", Text: n})
	}
	if n := plain(decode(c.Str("endnotes"))); n != "" {
		w.EndNotes = append(w.EndNotes, fanarchive.Note{Label: label + " end notes", Text: n})
	}
	return ch, file, nil
}

// looksHTML tells HTML chapters (eFiction's editor wrote HTML) from plain
// text ones (shown with line breaks added).
var looksHTML = regexp.MustCompile(`(?i)<(p|br|div|i|em|b|strong|u|span|font|hr|blockquote|center|h[1-6]|ul|ol|table|script|style)\b`)

// toBody turns a chapter's text into a sanitised body, through the same
// path as posted chapters (scripts, styles and forms go with their content).
func toBody(s string) (string, error) {
	if looksHTML.MatchString(s) {
		return prose.FromHTML(s)
	}
	return prose.FromPlainText(s)
}

// plain turns a summary or note, which eFiction keeps as HTML, into text.
func plain(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	if !looksHTML.MatchString(s) {
		return strings.TrimSpace(s)
	}
	body, err := prose.FromHTML(s)
	if err != nil {
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(prose.PlainText(body))
}

// parseTime reads eFiction's dates: DATETIME ("2006-01-02 15:04:05"), DATE,
// or a Unix time (older versions); zero when it is none of them.
func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateTime, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 && n < 1<<34 {
		return time.Unix(n, 0).UTC()
	}
	return time.Time{}
}

// rating maps the story's rating (ratings.rating by rid) onto the archive's
// scale, as other imports do (ingest.NormaliseRating).
func (b *builder) rating(w *fanarchive.Work, r *Row, keep func(...*Row)) {
	w.Rating = fanarchive.RatingNotRated
	rid, _ := id(r, "rid")
	rr, ok := b.ratings[rid]
	if !ok {
		w.Problems = append(w.Problems, fmt.Sprintf("rating %d is not in the dump", rid))
		return
	}
	keep(rr)
	w.RatingOriginal = text(rr, "rating")
	rating, known := ingest.NormaliseRating(w.RatingOriginal)
	w.Rating = rating
	if !known {
		w.Problems = append(w.Problems, fmt.Sprintf("rating not recognised: %q", w.RatingOriginal))
		return
	}
	w.Evidence[fanarchive.FieldRating] = sure("ratings.rating")
}
