// Package feed writes Atom feeds (RFC 4287) of works — for feed readers
// following a tag, an author or a search — and OPDS 1.2 catalogues, which
// are Atom feeds too, for e-reader apps (KOReader, Thorium, Moon+ Reader)
// that browse the archive and download EPUBs. The types are Atom's elements
// as encoding/xml writes them: OPDS needs link relations and attributes of
// its own that a general feed library does not model, and Atom is small.
package feed

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"time"

	"fanarchive"
)

// Namespaces.
const (
	atomNS   = "http://www.w3.org/2005/Atom"
	opdsNS   = "http://opds-spec.org/2010/catalog"
	searchNS = "http://a9.com/-/spec/opensearch/1.1/"
)

// Media types of feeds and catalogues.
const (
	AtomType        = "application/atom+xml; charset=utf-8"
	NavigationType  = "application/atom+xml;profile=opds-catalog;kind=navigation"
	AcquisitionType = "application/atom+xml;profile=opds-catalog;kind=acquisition"
	OpenSearchType  = "application/opensearchdescription+xml"
)

// Link relations of OPDS.
const (
	RelAcquisition = "http://opds-spec.org/acquisition"
	RelSubsection  = "subsection"
	RelStart       = "start"
	RelSearch      = "search"
)

// Feed is an Atom feed.
type Feed struct {
	XMLName  xml.Name `xml:"feed"`
	NS       string   `xml:"xmlns,attr"`
	NSOPDS   string   `xml:"xmlns:opds,attr,omitempty"`
	ID       string   `xml:"id"`
	Title    string   `xml:"title"`
	Subtitle string   `xml:"subtitle,omitempty"`
	Updated  string   `xml:"updated"`
	Author   *Person  `xml:"author,omitempty"`
	Icon     string   `xml:"icon,omitempty"`
	Links    []Link   `xml:"link"`
	Entries  []*Entry `xml:"entry"`
}

// Person is an author.
type Person struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

// Link is an Atom link.
type Link struct {
	Rel   string `xml:"rel,attr,omitempty"`
	Href  string `xml:"href,attr"`
	Type  string `xml:"type,attr,omitempty"`
	Title string `xml:"title,attr,omitempty"`
}

// Text is an Atom text construct.
type Text struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

// Category is a tag.
type Category struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
	Label  string `xml:"label,attr,omitempty"`
}

// Entry is one item: a work, or in a navigation catalogue a section.
type Entry struct {
	ID         string     `xml:"id"`
	Title      string     `xml:"title"`
	Updated    string     `xml:"updated"`
	Published  string     `xml:"published,omitempty"`
	Authors    []Person   `xml:"author"`
	Language   string     `xml:"http://purl.org/dc/terms/ language,omitempty"`
	Summary    *Text      `xml:"summary,omitempty"`
	Content    *Text      `xml:"content,omitempty"`
	Categories []Category `xml:"category"`
	Links      []Link     `xml:"link"`
}

// Write writes the feed as an XML document.
func (f *Feed) Write(w io.Writer) error {
	f.NS = atomNS
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(f); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// AsOPDS marks the feed as an OPDS catalogue (its namespace).
func (f *Feed) AsOPDS() {
	f.NSOPDS = opdsNS
}

// Time formats a time as Atom dates are written (RFC 3339, UTC).
func Time(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format(time.RFC3339)
}

// Site is what entries need to know of the site: its address, to make the
// absolute links and identifiers feeds must have.
type Site struct {
	Name string
	Base string // "https://archive.example.org", no trailing slash
}

// URL is path on the site, absolute.
func (s Site) URL(path string) string { return s.Base + path }

// WorkID is a work's permanent identifier in feeds: its address.
func (s Site) WorkID(id int64) string { return s.URL("/works/" + strconv.FormatInt(id, 10)) }

// WorkEntry makes the entry of a work: title, authors, dates, tags as
// categories, the summary (or the opening words) as text, a link to its
// page, and with acquisition its EPUB download (for OPDS).
func (s Site) WorkEntry(w *fanarchive.Work, authorURL func(string) string, tagURL func(fanarchive.Tag) string, acquisition bool) *Entry {
	e := &Entry{
		ID:        s.WorkID(w.ID),
		Title:     clean(w.DisplayTitle()),
		Updated:   Time(latest(w.Updated, w.Published)),
		Published: Time(w.Published),
		Language:  w.Language,
	}
	if w.Updated.IsZero() && w.Published.IsZero() {
		// An undated legacy work (fanarchive.DateUnknown): Atom needs an
		// updated time, and the one the archive has is when it came here.
		e.Updated, e.Published = Time(w.CreatedAt), ""
	}
	if acquisition {
		e.Published = "" // OPDS entries carry dc terms, not a second date
	}
	for _, a := range w.Authors {
		e.Authors = append(e.Authors, Person{Name: clean(a.Name), URI: s.URL(authorURL(a.Name))})
	}
	if len(e.Authors) == 0 {
		e.Authors = []Person{{Name: "Anonymous"}}
	}
	for _, t := range w.Tags {
		e.Categories = append(e.Categories, Category{Term: clean(t.Name), Label: clean(t.Name), Scheme: s.URL(tagURL(fanarchive.Tag{Kind: t.Kind}))})
	}
	summary := strings.TrimSpace(w.Summary)
	if summary == "" && w.Begins != "" {
		summary = strings.TrimSpace(w.Begins) + "…"
	}
	var facts []string
	facts = append(facts, string(w.Rating))
	if f := w.TagsOf(fanarchive.TagFandom); len(f) > 0 {
		facts = append(facts, strings.Join(f, ", "))
	}
	facts = append(facts, strconv.Itoa(w.Words)+" words")
	text := strings.Join(facts, " · ")
	if summary != "" {
		text += "\n\n" + summary
	}
	e.Summary = &Text{Type: "text", Body: clean(text)}
	e.Links = append(e.Links, Link{Rel: "alternate", Type: "text/html", Href: s.WorkID(w.ID)})
	if acquisition {
		e.Links = append(e.Links, Link{Rel: RelAcquisition, Type: "application/epub+zip",
			Href: s.WorkID(w.ID) + "/download/epub", Title: "EPUB"})
	}
	return e
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// clean removes what XML 1.0 cannot carry (control characters other than
// tab and newline, U+FFFE, U+FFFF), which legacy text may hold.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' || r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, s)
}

// Updated is the time a feed of these entries was last updated: its newest
// entry's, or the zero time's.
func Updated(entries []*Entry) string {
	newest := ""
	for _, e := range entries {
		if e.Updated > newest {
			newest = e.Updated
		}
	}
	if newest == "" {
		return Time(time.Time{})
	}
	return newest
}

// OpenSearch is an OpenSearch description document, which OPDS clients
// read to learn how to search the catalogue.
type OpenSearch struct {
	XMLName     xml.Name        `xml:"OpenSearchDescription"`
	NS          string          `xml:"xmlns,attr"`
	ShortName   string          `xml:"ShortName"`
	Description string          `xml:"Description"`
	URLs        []OpenSearchURL `xml:"Url"`
}

// OpenSearchURL is a search URL template.
type OpenSearchURL struct {
	Type     string `xml:"type,attr"`
	Template string `xml:"template,attr"`
}

// Write writes the description.
func (o *OpenSearch) Write(w io.Writer) error {
	o.NS = searchNS
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	return enc.Encode(o)
}
