package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"fanarchive"
)

// Showing the work form: its page, the tag suggestions its <datalist>s
// hold, and the preview of what posting would store.

// suggestTags fills each tag field's <datalist> with tags that complete
// the last name typed in it, so a form shown again (a preview, a
// mistake) offers them without any script. The optional script does the
// same as the author types (GET /tags/suggest).
func (s *Server) suggestTags(ctx context.Context, f *workForm) {
	for i := range f.Tags {
		ti := &f.Tags[i]
		head, last := "", ti.Value
		if j := strings.LastIndex(ti.Value, ","); j >= 0 {
			head, last = ti.Value[:j+1]+" ", ti.Value[j+1:]
		}
		last = strings.TrimSpace(last)
		if last == "" || len(last) > fanarchive.MaxTagNameLen {
			continue
		}
		tags, err := s.store.FindTagsByPrefix(ctx, fanarchive.TagKind(ti.Kind), last, 10)
		if err != nil {
			continue // suggestions are a convenience
		}
		for _, t := range tags {
			if t.Name != last {
				ti.Suggest = append(ti.Suggest, strings.TrimLeft(head, " ")+t.Name)
			}
		}
	}
}

// workFormPage is the data of the work form: a new work with its first
// chapter, or an existing work's metadata.
type workFormPage struct {
	page
	Heading   string
	Action    string
	New       bool   // a new work: the chapter fields, and "Post" / "Post as draft"
	Draft     bool   // editing a draft
	UpdatedAt string // the work's version the form was made from (edits)
	WorkURL   string
	Form      *workForm
	Chapter   chapterForm
	Error     string // what the store refused, or a summary of the fields' mistakes
	Preview   *preview
	Script    string // the optional tag-suggestion script's URL
	// Announce are the mailing lists the work may be announced to
	// (list_announce.go).
	Announce []announceOption
}

// preview is the work as it would be stored, shown under the form.
type preview struct {
	Title   string
	Authors []string
	Tags    []tagBlock
	Summary []string
	Heading string
	Body    template.HTML
	Words   int
}

// newPreview shows w and its chapter ch as the work page would.
func newPreview(w *fanarchive.Work, ch *fanarchive.Chapter) *preview {
	p := &preview{Title: w.DisplayTitle(), Authors: w.AuthorNames(), Summary: paragraphs(w.Summary)}
	for _, row := range tagRows() {
		if row.Tags = tagsOf(w, fanarchive.TagKind(row.Class)); len(row.Tags) > 0 {
			p.Tags = append(p.Tags, row)
		}
	}
	if ch != nil {
		p.Heading, p.Body, p.Words = strings.TrimSpace(ch.Title), pageBody(ch.Body), ch.Words
	}
	return p
}

// fieldsMessage sums up the fields' mistakes above the form.
func fieldsMessage(errs map[string]string) string {
	if len(errs) == 1 {
		return "One field needs correcting; it is marked below."
	}
	return strconv.Itoa(len(errs)) + " fields need correcting; they are marked below."
}

// renderWorkForm shows the work form with status, its CSP allowing the
// site's own script, which suggests tags as the author types.
func (s *Server) renderWorkForm(w http.ResponseWriter, r *http.Request, status int, p *workFormPage) {
	noStore(w)
	w.Header().Set("Content-Security-Policy", formSecurityPolicy)
	p.Script = s.scriptPath
	if p.Form.Errors == nil {
		p.Form.Errors = map[string]string{}
	}
	s.suggestTags(r.Context(), p.Form)
	p.Chapter.setFormats()
	p.Announce = s.announceOptions(r)
	s.render(w, r, status, "work_form", p)
}

// formSecurityPolicy is the site's policy with its own script and
// requests to itself allowed: the posting forms' tag suggestions.
const formSecurityPolicy = contentSecurityPolicy + "; script-src 'self'; connect-src 'self'"

// formTime carries a work's UpdatedAt through an edit form exactly.
func formTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// parseFormTime reads formTime's text; zero when it is absent or bad,
// which the store reads as "do not check".
func parseFormTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// chapterFieldsData is what the chapter-fields template shows: a chapter
// form and the mistakes found in it.
type chapterFieldsData struct {
	C chapterForm
	E map[string]string
}
