package web

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"fanarchive"
	"fanarchive/internal/prose"
)

// The form of a posted work's metadata, shared by "Post new work"
// (work_new.go, which adds the first chapter) and the edit page
// (work_edit.go). It is read from the request into workForm, checked field
// by field so that each mistake is said next to its field, and turned into
// a fanarchive.Work for the store, whose own checks (Work.Validate) stay
// the last word: what they refuse is said above the form.

// maxWorkFormBytes bounds the forms that carry a chapter's text. Posting
// converts Markdown at about 2 µs a byte in the worst case
// (docs/posting.md), so 2 MB is at most a few seconds of one core; a
// 10,000-word chapter is about 60 KB. Longer works are posted a chapter at
// a time.
const maxWorkFormBytes = 2 << 20

// Form field names of the tag inputs, by kind.
var tagFields = []struct {
	Field string
	Kind  fanarchive.TagKind
	Label string
}{
	{"fandoms", fanarchive.TagFandom, "Fandoms"},
	{"relationships", fanarchive.TagRelationship, "Relationships"},
	{"characters", fanarchive.TagCharacter, "Characters"},
	{"freeforms", fanarchive.TagFreeform, "Additional tags"},
}

// choice is one checkbox or option of a form.
type choice struct {
	Value, Label string
	Checked      bool
}

// tagInput is one comma-separated tag field, with the suggestions its
// <datalist> offers.
type tagInput struct {
	Field, Label, Kind string
	Value              string
	Suggest            []string
	Error              string
	Required           bool
}

// workForm is what the metadata part of the form holds: as typed, so a
// refused form comes back as it was sent.
type workForm struct {
	Title      string
	Pseuds     []choice // the user's own pseuds, by ID
	CoAuthors  string   // names of other users' pseuds, to invite
	Others     []string // authors on the byline that are not the user's (kept on edit)
	Summary    string
	Notes      string
	EndNotes   string
	Rating     string
	Ratings    []choice
	Warnings   []choice
	Categories []choice
	Tags       []tagInput
	Language   string
	Complete   bool
	Restricted bool

	Series         string // "", "new", or a series ID
	SeriesTitle    string
	SeriesPosition string
	SeriesOptions  []choice
	// InSeries lists the series the work is in already (on edit), kept
	// unless the form names another.
	InSeries []fanarchive.SeriesPart

	Errors map[string]string // field → message
	// unknown names a warning or category the form did not offer but the
	// request sent, by field.
	unknown map[string]string
}

// chapterForm is a chapter's part of a form: the first chapter of a new
// work, or a chapter added or edited.
type chapterForm struct {
	ChapterTitle string
	Body         string
	Format       string
	Formats      []choice
}

// formatLabels name the body formats as forms offer them.
var formatLabels = map[prose.Format]string{
	prose.FormatHTML:      "Rich text (HTML)",
	prose.FormatMarkdown:  "Markdown",
	prose.FormatPlainText: "Plain text",
}

// setFormats fills the format choices, marking the chosen one (Markdown
// when none is).
func (c *chapterForm) setFormats() {
	if c.Format == "" {
		c.Format = string(prose.FormatMarkdown)
	}
	c.Formats = nil
	for _, f := range prose.Formats {
		c.Formats = append(c.Formats, choice{Value: string(f), Label: formatLabels[f], Checked: string(f) == c.Format})
	}
}

// readChapterForm reads a chapter's fields from a parsed form.
func readChapterForm(f url.Values) chapterForm {
	c := chapterForm{ChapterTitle: strings.TrimSpace(f.Get("chapter_title")), Body: f.Get("body"), Format: f.Get("format")}
	c.setFormats()
	return c
}

// render converts the chapter's body as posting stores it, into a chapter
// numbered n; a mistake is put in errs under "body", "format" or
// "chapter_title".
func (c *chapterForm) render(n int, errs map[string]string) *fanarchive.Chapter {
	ch := &fanarchive.Chapter{Number: n, Title: c.ChapterTitle, InputFormat: c.Format, Input: c.Body}
	if msg := lineError(c.ChapterTitle, fanarchive.MaxPostedTitleLen, "A chapter title"); msg != "" {
		errs["chapter_title"] = msg
	}
	format := prose.Format(c.Format)
	if !format.Valid() {
		errs["format"] = "Choose one of the formats offered."
		return nil
	}
	if strings.TrimSpace(c.Body) == "" {
		errs["body"] = "The chapter needs some text."
		return nil
	}
	body, err := prose.Render(format, c.Body)
	if err != nil {
		errs["body"] = fanarchive.ErrorMessage(err)
		return nil
	}
	if strings.TrimSpace(prose.PlainText(body)) == "" {
		errs["body"] = "The chapter has no text once its markup is read: write something readers will see."
		return nil
	}
	text := prose.PlainText(body)
	ch.Body, ch.Text, ch.Words = body, text, prose.CountWords(text)
	return ch
}

// lineError checks a one-line field: at most max characters, no control
// characters (line breaks included). It returns what is wrong, or "".
func lineError(s string, max int, what string) string {
	switch {
	case !utf8.ValidString(s):
		return what + " must be valid text."
	case utf8.RuneCountInString(s) > max:
		return what + " is longer than " + strconv.Itoa(max) + " characters (it has " + thousands(utf8.RuneCountInString(s)) + ")."
	case strings.ContainsFunc(s, unicode.IsControl):
		return what + " must be one line of text."
	}
	return ""
}

// textError checks a plain-text field (summary, notes): at most max
// characters, no control characters but line breaks and tabs.
func textError(s string, max int, what string) string {
	switch {
	case !utf8.ValidString(s):
		return what + " must be valid text."
	case utf8.RuneCountInString(s) > max:
		return what + " is longer than " + thousands(max) + " characters (it has " + thousands(utf8.RuneCountInString(s)) + ")."
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }):
		return what + " holds control characters."
	}
	return ""
}

// splitTags reads a comma-separated tag field: trimmed, without empty or
// repeated names.
func splitTags(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.Join(strings.Fields(t), " "); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// newWorkForm returns an empty form for u: their pseuds (the default one
// checked), the ratings, warnings and categories, and their series.
func (s *Server) newWorkForm(ctx context.Context, u *fanarchive.User) (*workForm, error) {
	f := &workForm{Rating: string(fanarchive.RatingNotRated), Language: "en", Errors: map[string]string{}}
	if err := s.fillChoices(ctx, u, f, url.Values{"pseud": nil}); err != nil {
		return nil, err
	}
	if len(f.Pseuds) > 0 {
		f.Pseuds[0].Checked = true
	}
	return f, nil
}

// fillChoices sets the form's lists from what the store and the domain
// offer, marking what sent checks.
func (s *Server) fillChoices(ctx context.Context, u *fanarchive.User, f *workForm, sent url.Values) error {
	pseuds, err := s.store.FindPseuds(ctx, u.ID)
	if err != nil {
		return err
	}
	f.Pseuds = nil
	for _, p := range pseuds {
		id := strconv.FormatInt(p.ID, 10)
		f.Pseuds = append(f.Pseuds, choice{Value: id, Label: p.Name, Checked: slices.Contains(sent["pseud"], id)})
	}
	f.Ratings = nil
	for _, r := range fanarchive.Ratings {
		f.Ratings = append(f.Ratings, choice{Value: string(r), Label: string(r), Checked: string(r) == f.Rating})
	}
	f.Warnings, f.Categories = nil, nil
	for _, w := range fanarchive.ArchiveWarnings {
		f.Warnings = append(f.Warnings, choice{Value: w, Label: w, Checked: slices.Contains(sent["warning"], w)})
	}
	for _, c := range fanarchive.Categories {
		f.Categories = append(f.Categories, choice{Value: c, Label: c, Checked: slices.Contains(sent["category"], c)})
	}
	if f.Tags == nil {
		for _, tf := range tagFields {
			f.Tags = append(f.Tags, tagInput{Field: tf.Field, Label: tf.Label, Kind: string(tf.Kind), Required: tf.Kind == fanarchive.TagFandom})
		}
	}
	series, err := s.userSeries(ctx, u.ID)
	if err != nil {
		return err
	}
	f.SeriesOptions = nil
	for _, p := range series {
		id := strconv.FormatInt(p.SeriesID, 10)
		f.SeriesOptions = append(f.SeriesOptions, choice{Value: id, Label: p.Title, Checked: id == f.Series})
	}
	return nil
}

// userSeries returns the series the user's works are in, by title: the
// ones the form offers to add a work to (each checked again against
// Series.CreatedBy when it is chosen).
func (s *Server) userSeries(ctx context.Context, userID int64) ([]fanarchive.SeriesPart, error) {
	works, _, err := s.store.FindWorks(ctx, fanarchive.WorkFilter{OwnedBy: userID, Limit: 100})
	if err != nil {
		return nil, err
	}
	var out []fanarchive.SeriesPart
	for _, w := range works {
		for _, p := range w.Series {
			if !slices.ContainsFunc(out, func(q fanarchive.SeriesPart) bool { return q.SeriesID == p.SeriesID }) {
				out = append(out, fanarchive.SeriesPart{SeriesID: p.SeriesID, Title: p.Title})
			}
		}
	}
	slices.SortFunc(out, func(a, b fanarchive.SeriesPart) int { return strings.Compare(a.Title, b.Title) })
	return out, nil
}

// readWorkForm reads the metadata fields of a parsed form as typed.
func (s *Server) readWorkForm(ctx context.Context, u *fanarchive.User, sent url.Values) (*workForm, error) {
	f := &workForm{
		Title:          strings.TrimSpace(sent.Get("title")),
		CoAuthors:      sent.Get("coauthors"),
		Summary:        strings.TrimSpace(sent.Get("summary")),
		Notes:          strings.TrimSpace(sent.Get("notes")),
		EndNotes:       strings.TrimSpace(sent.Get("endnotes")),
		Rating:         sent.Get("rating"),
		Language:       strings.TrimSpace(sent.Get("language")),
		Complete:       sent.Get("complete") != "",
		Restricted:     sent.Get("restricted") != "",
		Series:         sent.Get("series"),
		SeriesTitle:    strings.TrimSpace(sent.Get("series_title")),
		SeriesPosition: strings.TrimSpace(sent.Get("series_position")),
		Errors:         map[string]string{},
	}
	for _, tf := range tagFields {
		f.Tags = append(f.Tags, tagInput{Field: tf.Field, Label: tf.Label, Kind: string(tf.Kind), Value: sent.Get(tf.Field),
			Required: tf.Kind == fanarchive.TagFandom})
	}
	if err := s.fillChoices(ctx, u, f, sent); err != nil {
		return nil, err
	}
	f.unknown = map[string]string{}
	for field, offered := range map[string][]string{"warning": fanarchive.ArchiveWarnings, "category": fanarchive.Categories} {
		for _, v := range sent[field] {
			if !slices.Contains(offered, v) {
				f.unknown[field] = v
			}
		}
	}
	return f, nil
}

// coAuthor is a pseud of another user named in the co-author field.
type coAuthor struct {
	ID   int64
	Name string
}

// work checks the form field by field and returns the work it describes
// (without chapters), with the other users' pseuds to invite; byline is
// the work's as stored (nil for a new work). Mistakes are in f.Errors; the
// work is nil when there are any.
func (s *Server) work(ctx context.Context, u *fanarchive.User, f *workForm, byline []fanarchive.Author) (*fanarchive.Work, []coAuthor, error) {
	e := f.Errors
	w := &fanarchive.Work{Kind: fanarchive.KindFiction, PostedBy: u.ID, Title: f.Title, Summary: f.Summary,
		Rating: fanarchive.Rating(f.Rating), Language: f.Language, Complete: f.Complete, Restricted: f.Restricted}
	if f.Title == "" {
		e["title"] = "A work needs a title."
	} else if msg := lineError(f.Title, fanarchive.MaxPostedTitleLen, "The title"); msg != "" {
		e["title"] = msg
	}
	if msg := textError(f.Summary, fanarchive.MaxPostedSummaryLen, "The summary"); msg != "" {
		e["summary"] = msg
	}
	for _, n := range []struct {
		field, text, what string
		into              *[]fanarchive.Note
	}{{"notes", f.Notes, "The notes", &w.Notes}, {"endnotes", f.EndNotes, "The end notes", &w.EndNotes}} {
		if msg := textError(n.text, fanarchive.MaxPostedNoteLen, n.what); msg != "" {
			e[n.field] = msg
		} else if n.text != "" {
			*n.into = []fanarchive.Note{{Text: n.text}}
		}
	}
	if !w.Rating.Valid() {
		e["rating"] = "Choose one of the ratings offered."
	}
	if f.Language == "" {
		w.Language = ""
	} else if len(f.Language) > 35 || !langPattern.MatchString(f.Language) {
		e["language"] = "Give a language code such as en, de or pt-BR."
	}

	// The byline in its order: other users' pseuds on it stay, the user's
	// own stay if still checked, and pseuds newly checked come after.
	mine := func(id int64) (choice, bool) {
		i := slices.IndexFunc(f.Pseuds, func(p choice) bool { return p.Value == strconv.FormatInt(id, 10) })
		if i < 0 {
			return choice{}, false
		}
		return f.Pseuds[i], true
	}
	for _, a := range byline {
		if p, ok := mine(a.ID); !ok || p.Checked {
			w.Authors = append(w.Authors, fanarchive.Author{ID: a.ID, Name: a.Name})
		}
	}
	for _, p := range f.Pseuds {
		id, _ := strconv.ParseInt(p.Value, 10, 64)
		if p.Checked && !slices.ContainsFunc(w.Authors, func(a fanarchive.Author) bool { return a.ID == id }) {
			w.Authors = append(w.Authors, fanarchive.Author{ID: id, Name: p.Label})
		}
	}
	if len(w.Authors) == 0 {
		e["pseuds"] = "Choose at least one of your pseuds to post as."
	}
	invite, err := s.coAuthors(ctx, u, f, w)
	if err != nil {
		return nil, nil, err
	}

	checked := func(cs []choice) []string {
		var out []string
		for _, c := range cs {
			if c.Checked {
				out = append(out, c.Value)
			}
		}
		return out
	}
	warnings := checked(f.Warnings)
	if v, ok := f.unknown["warning"]; ok {
		e["warnings"] = strconv.Quote(truncateRunes(v, 40)) + " is not an archive warning; choose from those offered."
	} else if len(warnings) == 0 {
		e["warnings"] = `Choose at least one archive warning, or "Creator Chose Not To Use Archive Warnings", or "No Archive Warnings Apply".`
	}
	for _, name := range warnings {
		w.Tags = append(w.Tags, fanarchive.Tag{Kind: fanarchive.TagWarning, Name: name})
	}
	if v, ok := f.unknown["category"]; ok {
		e["categories"] = strconv.Quote(truncateRunes(v, 40)) + " is not a category; choose from those offered."
	}
	for _, name := range checked(f.Categories) {
		w.Tags = append(w.Tags, fanarchive.Tag{Kind: fanarchive.TagCategory, Name: name})
	}
	for i := range f.Tags {
		ti := &f.Tags[i]
		names := splitTags(ti.Value)
		if ti.Required && len(names) == 0 {
			ti.Error = "Name at least one fandom (Original Work if it has none)."
		}
		for _, name := range names {
			if msg := lineError(name, fanarchive.MaxPostedTagLen, "Tag "+strconv.Quote(truncateRunes(name, 40))); msg != "" && ti.Error == "" {
				ti.Error = msg
			}
			w.Tags = append(w.Tags, fanarchive.Tag{Kind: fanarchive.TagKind(ti.Kind), Name: name})
		}
		if ti.Error != "" {
			e[ti.Field] = ti.Error
		}
	}
	if len(w.Tags) > fanarchive.MaxPostedTags {
		e["freeforms"] = "A work has at most " + strconv.Itoa(fanarchive.MaxPostedTags) + " tags of every kind together; this one has " +
			strconv.Itoa(len(w.Tags)) + "."
		f.Tags[len(f.Tags)-1].Error = e["freeforms"]
	}
	if err := s.seriesPart(ctx, u, f, w); err != nil {
		return nil, nil, err
	}
	if len(e) > 0 {
		return nil, nil, nil
	}
	return w, invite, nil
}

// coAuthors reads the co-author field: names of pseuds, each of another
// user (a name of the user's own pseud is put on the byline at once).
func (s *Server) coAuthors(ctx context.Context, u *fanarchive.User, f *workForm, w *fanarchive.Work) ([]coAuthor, error) {
	var out []coAuthor
	for _, name := range splitTags(f.CoAuthors) {
		if len(out) >= 10 {
			f.Errors["coauthors"] = "Invite at most 10 co-authors at a time."
			break
		}
		authors, err := s.store.FindAuthorsByName(ctx, name)
		if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND || (err == nil && (len(authors) == 0 || authors[0].UserID == 0)) {
			f.Errors["coauthors"] = "No user has a pseud named " + strconv.Quote(truncateRunes(name, 60)) + "."
			continue
		} else if err != nil {
			return nil, err
		}
		p := authors[0] // the pseud comes first
		switch {
		case p.UserID == u.ID:
			if !slices.ContainsFunc(w.Authors, func(a fanarchive.Author) bool { return a.ID == p.ID }) {
				w.Authors = append(w.Authors, fanarchive.Author{ID: p.ID, Name: p.Name})
			}
		case slices.ContainsFunc(w.Authors, func(a fanarchive.Author) bool { return a.ID == p.ID }):
			// already on the byline
		default:
			out = append(out, coAuthor{ID: p.ID, Name: p.Name})
		}
	}
	return out, nil
}

// seriesPart reads the series fields: none, a new series by title, or one
// of the user's series, at a position (empty: the end).
func (s *Server) seriesPart(ctx context.Context, u *fanarchive.User, f *workForm, w *fanarchive.Work) error {
	pos := 0
	if f.SeriesPosition != "" {
		n, err := strconv.Atoi(f.SeriesPosition)
		if err != nil || n < 1 || n > fanarchive.MaxSeriesWorks {
			f.Errors["series"] = "The position in the series is a number from 1 (leave it empty for the end)."
			return nil
		}
		pos = n
	}
	w.Series = slices.Clone(f.InSeries)
	switch f.Series {
	case "":
		return nil
	case "new":
		if msg := lineError(f.SeriesTitle, fanarchive.MaxSeriesTitleLen, "The series title"); msg != "" || f.SeriesTitle == "" {
			if msg == "" {
				msg = "Give the new series a title."
			}
			f.Errors["series"] = msg
			return nil
		}
		w.Series = append(w.Series, fanarchive.SeriesPart{Title: f.SeriesTitle, Position: pos})
		return nil
	}
	id, ok := parseID(f.Series)
	if !ok {
		f.Errors["series"] = "Choose one of your series, or a new one."
		return nil
	}
	series, err := s.store.FindSeriesByID(ctx, id, true)
	if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND || (err == nil && series.CreatedBy != u.ID) {
		f.Errors["series"] = "Choose one of your series, or a new one."
		return nil
	} else if err != nil {
		return err
	}
	w.Series = slices.DeleteFunc(w.Series, func(p fanarchive.SeriesPart) bool { return p.SeriesID == id })
	w.Series = append(w.Series, fanarchive.SeriesPart{SeriesID: id, Title: series.Title, Position: pos})
	return nil
}

// truncateRunes shortens s to at most n characters, for messages.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
