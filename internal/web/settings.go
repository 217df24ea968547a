package web

import (
	"net/http"
	"net/url"
	"slices"
	"time"
)

// readingCookie keeps a reader's reading settings (readingSettings.encode).
const readingCookie = "reading"

// readingChoice is one setting of the form: its field name, its label, and
// the values it may take with theirs, the first being the default.
type readingChoice struct {
	Name, Label string
	Options     []readingOption
}

type readingOption struct {
	Value, Label string
}

// readingChoices are the settings a reader may choose. The CSS reads each
// from a data attribute of <html> (data-size, data-font, data-width,
// data-theme); a default is never written out, so a reader who chose
// nothing gets the same page as everyone else.
func readingChoices() []readingChoice {
	return []readingChoice{
		{Name: "size", Label: "Text size", Options: []readingOption{
			{"medium", "Medium"}, {"small", "Small"}, {"large", "Large"}, {"larger", "Larger"}}},
		{Name: "font", Label: "Typeface", Options: []readingOption{
			{"serif", "Serif"}, {"sans", "Sans-serif"}}},
		{Name: "width", Label: "Line width", Options: []readingOption{
			{"medium", "Medium"}, {"narrow", "Narrow"}, {"wide", "Wide"}}},
		{Name: "theme", Label: "Colours", Options: []readingOption{
			{"system", "As my system is set (light or dark)"}, {"light", "Light"}, {"dark", "Dark"}, {"sepia", "Sepia"}}},
	}
}

// readingSettings are the reader's choices, each a value of its
// readingChoice; empty is the default.
type readingSettings struct {
	Size, Font, Width, Theme string
}

// field returns a pointer to the setting called name.
func (rs *readingSettings) field(name string) *string {
	switch name {
	case "size":
		return &rs.Size
	case "font":
		return &rs.Font
	case "width":
		return &rs.Width
	case "theme":
		return &rs.Theme
	}
	return nil
}

// readSettings reads settings from form-encoded values, keeping only known
// values that are not the default: anything else is the default.
func readSettings(v url.Values) readingSettings {
	var rs readingSettings
	for _, c := range readingChoices() {
		got := v.Get(c.Name)
		if got == c.Options[0].Value {
			continue
		}
		if slices.ContainsFunc(c.Options, func(o readingOption) bool { return o.Value == got }) {
			*rs.field(c.Name) = got
		}
	}
	return rs
}

// encode is the settings as a cookie value, in one canonical form (so it
// can be part of the page cache's key): "" for all defaults.
func (rs readingSettings) encode() string {
	v := url.Values{}
	for _, c := range readingChoices() {
		if f := *rs.field(c.Name); f != "" {
			v.Set(c.Name, f)
		}
	}
	return v.Encode() // sorted by key

}

// readingSettingsOf reads the request's settings cookie.
func readingSettingsOf(r *http.Request) readingSettings {
	c, err := r.Cookie(readingCookie)
	if err != nil || len(c.Value) > 200 {
		return readingSettings{}
	}
	v, err := url.ParseQuery(c.Value)
	if err != nil {
		return readingSettings{}
	}
	return readSettings(v)
}

// settingsPage is the data of the reading-settings form.
type settingsPage struct {
	page
	Choices []settingsField
	Next    string // the page the reader came from, to go back to
	Saved   bool
}

// settingsField is one choice of the form, with the reader's current value.
type settingsField struct {
	readingChoice
	Current string
}

// handleSettings shows the reading-settings form.
func (s *Server) handleSettings(w http.ResponseWriter, r *http.Request) {
	rs := readingSettingsOf(r)
	p := &settingsPage{page: s.newPage("Reading settings"), Saved: r.URL.Query().Get("saved") == "1"}
	if next := r.URL.Query().Get("next"); isLocalPath(next) {
		p.Next = next
	}
	for _, c := range readingChoices() {
		cur := *rs.field(c.Name)
		if cur == "" {
			cur = c.Options[0].Value
		}
		p.Choices = append(p.Choices, settingsField{readingChoice: c, Current: cur})
	}
	// The form shows this reader's cookie.
	w.Header().Set("Cache-Control", "private, no-store")
	s.render(w, r, http.StatusOK, "settings", p)
}

// handleSaveSettings keeps the form's settings in a cookie for a year (or
// removes it when every setting is the default) and sends the reader back
// to the page they came from, or to the form.
func (s *Server) handleSaveSettings(w http.ResponseWriter, r *http.Request) {
	rs := readSettings(r.PostForm)
	c := &http.Cookie{
		Name:     readingCookie,
		Value:    rs.encode(),
		Path:     "/",
		MaxAge:   int(365 * 24 * time.Hour / time.Second),
		HttpOnly: true,
		Secure:   s.opts.SecureCookies,
		SameSite: http.SameSiteLaxMode,
	}
	if c.Value == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
	next := r.PostForm.Get("next")
	if next == "" {
		next = "/settings?saved=1"
	}
	if !isLocalPath(next) {
		s.badRequest(w, r, "That link does not lead to a page of this site.")
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// setReading gives the layout the reader's settings.
func (p *page) setReading(rs readingSettings) { p.Reading = rs }
