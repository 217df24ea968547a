package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
)

// templateFS holds the layout, the shared partials and one file per page.
//
//go:embed templates/*.html
var templateFS embed.FS

// page is what the layout needs from every page's data.
type page struct {
	Site     string // the site's name, for the header
	DocTitle string // the whole <title>, ending in the site's name
	CSS      string // URL of the stylesheet
	// Feed is the Atom feed of what the page lists, for <link
	// rel="alternate">; empty when there is none.
	Feed, FeedTitle string
	// Viewer is who is logged in, nil for an anonymous reader; the
	// header shows them and their forms carry Viewer.CSRF.
	Viewer *viewer
	// Reading is the reader's reading settings (settings.go), written on
	// <html> as data attributes for the stylesheet.
	Reading readingSettings
}

// newPage returns the layout data for a page whose title is made of parts
// (most specific first), followed by the site's name.
func (s *Server) newPage(parts ...string) page {
	var nonEmpty []string
	for _, p := range parts {
		if p != "" {
			nonEmpty = append(nonEmpty, p)
		}
	}
	return page{
		Site:     s.opts.SiteName,
		DocTitle: strings.Join(append(nonEmpty, s.opts.SiteName), " - "),
		CSS:      s.cssPath,
	}
}

// templateFuncs returns the helpers templates may call. They only format:
// any decision about what to show is made in Go, in the page's view.
func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"thousands": thousands,
		"authorURL": authorURL,
		"tagURL":    tagURL,
		"tagParam":  tagParam,
		"userURL":   userURL,
		// chapterFields pairs a chapter form with its errors for the
		// chapter-fields template.
		"chapterFields": func(c chapterForm, errs map[string]string) chapterFieldsData {
			return chapterFieldsData{C: c, E: errs}
		},
	}
}

// parsePages parses the layout and partials once and, for each page, a
// clone of them with the page's own template added.
func parsePages() (map[string]*template.Template, error) {
	pageNames := []string{"list", "work", "adult", "error", "search", "fandoms",
		"signup", "login", "notice", "email_form", "confirm", "reset", "account", "user", "admin_users",
		"claim", "claim_confirm", "takedown", "admin_claims", "admin_takedowns", "settings",
		"work_form", "chapter_form", "chapter_order", "work_delete", "work_history", "admin_trash"}
	pageNames = append(pageNames, feedbackPages...) // feedback.go
	pageNames = append(pageNames, listPages...)     // lists.go

	pageNames = append(pageNames, commentPages...) // comments.go, inbox.go

	pageNames = append(pageNames, readerPages...) // readings.go
	base, err := template.New("").Funcs(templateFuncs()).ParseFS(templateFS, "templates/layout.html", "templates/partials.html",
		"templates/posting_partials.html", "templates/comments_partials.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	pages := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("clone layout for %s: %w", name, err)
		}
		if t, err = t.ParseFS(templateFS, "templates/"+name+".html"); err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render executes the named page into a buffer and only then sends it, so a
// template error produces the 500 page rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	s.decorate(r, data)
	buf, err := s.execute(name, data)
	if err != nil {
		s.renderFailed(w, r, err, name)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if status == http.StatusOK {
		// A page's tag is its bytes: a reader (or a cache) that has them is
		// answered 304 without them, and pages shown to a logged-in reader
		// (who see their name and a form token) never share a tag with
		// anyone else's.
		sum := sha256.Sum256(buf.Bytes())
		etag := `"` + hex.EncodeToString(sum[:12]) + `"`
		h.Set("ETag", etag)
		if h.Get("Cache-Control") == "" {
			h.Set("Cache-Control", "public, max-age=60")
		}
		if etagMatches(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes()) //nolint:errcheck // the client went away; nothing to do
}

// execute renders the named page, layout and all, into a buffer.
func (s *Server) execute(name string, data any) (*bytes.Buffer, error) {
	t, ok := s.pages[name]
	if !ok {
		return nil, fmt.Errorf("no page template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return &buf, nil
}

// renderFailed handles a page that could not be rendered: the 500 page,
// unless it was the error page itself that failed, in which case plain text.
func (s *Server) renderFailed(w http.ResponseWriter, r *http.Request, err error, name string) {
	if name == "error" {
		s.logError(r, err)
		http.Error(w, "Something went wrong on our side.", http.StatusInternalServerError)
		return
	}
	s.serverError(w, r, err)
}
