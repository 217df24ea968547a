// Package export writes the whole archive's works to a portable folder
// (one JSON file per work and every original file byte for byte, with a
// manifest of SHA-256 sums) and reads such a folder back into a store.
//
// The folder is for leaving one installation for another, or for reading
// an archive without fanarchive; a backup (fanarchive backup) is what
// keeps everything else. Works are exported as readers and archivists see
// them: accounts, pseuds' owners, drafts, deleted works, comments, kudos,
// lists and mail are left out, and so is every private address (a
// source's or work's feedback contact).
//
// An export is deterministic: the same archive exports to the same bytes,
// whatever the order or the database IDs its works were stored with. Files
// are named by what they hold (a work by the SHA-256 of its origin, an
// original by the SHA-256 of its bytes), JSON fields come in a fixed order
// and the only clock time, the manifest's exported_at, is the caller's.
package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"fanarchive"
)

// Format is the manifest's "format": what marks a folder as an export.
const Format = "fanarchive-export"

// Version is the version of the folder's layout and JSON that this
// package writes and the only one it reads.
const Version = 1

// ManifestName is the manifest's file name in the folder.
const ManifestName = "manifest.json"

// Limits on what a reader accepts, beyond the domain's own.
const (
	maxManifestBytes = 512 << 20
	maxWorkFileBytes = 2 * fanarchive.MaxChapterBody
	maxNameLen       = 4096
)

// Manifest is manifest.json: what the folder holds, and the SHA-256 of
// every file in it but the manifest.
type Manifest struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// ExportedAt is when the site was exported, RFC 3339, as the caller
	// gave it; omitted when none was given, so that exports compare.
	ExportedAt string `json:"exported_at,omitempty"`
	Works      int    `json:"works"`
	Sources    int    `json:"sources"`
	Chapters   int    `json:"chapters"`
	// Files lists every work and source file, by path.
	Files []File `json:"files"`
}

// File is one file of the folder.
type File struct {
	Path   string `json:"path"` // slash-separated, relative to the folder
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Work is one work's JSON file. Database IDs appear nowhere: a work is
// known by its Origin, an original file by its SHA-256, so that an export
// does not change when it is imported into another archive and exported
// again.
type Work struct {
	// Origin identifies what the work was made from (fanarchive.Work.Origin);
	// for a work with no original files it is made by the export
	// ("export:" and a SHA-256), so importing the folder twice adds nothing.
	Origin         string                         `json:"origin"`
	Kind           string                         `json:"kind"`
	Title          string                         `json:"title"`
	Authors        []string                       `json:"authors"`
	Summary        string                         `json:"summary,omitempty"`
	Notes          []fanarchive.Note              `json:"notes,omitempty"`
	EndNotes       []fanarchive.Note              `json:"end_notes,omitempty"`
	Rating         string                         `json:"rating"`
	RatingOriginal string                         `json:"rating_original,omitempty"`
	Tags           []Tag                          `json:"tags,omitempty"`
	Language       string                         `json:"language,omitempty"`
	Words          int                            `json:"words"`
	Complete       bool                           `json:"complete"`
	Begins         string                         `json:"begins,omitempty"`
	Published      string                         `json:"published,omitempty"` // RFC 3339, UTC
	PublishedFrom  string                         `json:"published_from,omitempty"`
	Updated        string                         `json:"updated,omitempty"`
	DuplicateOf    string                         `json:"duplicate_of,omitempty"` // the origin of the work this one repeats
	Restricted     bool                           `json:"restricted,omitempty"`
	Series         []Series                       `json:"series,omitempty"`
	Evidence       map[string]fanarchive.Evidence `json:"evidence,omitempty"`
	Problems       []string                       `json:"problems,omitempty"`
	Sources        []Source                       `json:"sources,omitempty"`
	Chapters       []Chapter                      `json:"chapters"`
}

// Tag is one of a work's tags.
type Tag struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Inferred bool   `json:"inferred,omitempty"`
}

// Series is a work's place in a series.
type Series struct {
	Title    string `json:"title"`
	Position int    `json:"position"`
}

// Source is one of a work's original files; its bytes are the folder's
// file at File.
type Source struct {
	File       string `json:"file"`
	Name       string `json:"name"`
	SHA256     string `json:"sha256"`
	Size       int64  `json:"size"`
	Encoding   string `json:"encoding,omitempty"`
	Archive    string `json:"archive,omitempty"`
	List       string `json:"list,omitempty"`
	ImportedAt string `json:"imported_at,omitempty"`
}

// Chapter is one chapter with its sanitised HTML body.
type Chapter struct {
	Number int    `json:"number"`
	Title  string `json:"title,omitempty"`
	Words  int    `json:"words"`
	// Source is the 1-based index in the work's Sources of the file the
	// chapter came from; 0 for none.
	Source int    `json:"source,omitempty"`
	Body   string `json:"body"`
	// InputFormat and Input are a posted chapter as its author wrote it
	// (fanarchive.Chapter.Input), which Body was rendered from.
	InputFormat string `json:"input_format,omitempty"`
	Input       string `json:"input,omitempty"`
}

// encode returns v as the folder stores JSON: indented, HTML left
// unescaped, ending in a newline.
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// decodeStrict decodes exactly one JSON value into v, refusing unknown
// fields and anything after the value.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("data after the JSON value")
	}
	return nil
}

// ParseManifest reads manifest.json. It returns EINVALID for JSON that is
// not a manifest, for a folder of another format or version (saying which),
// or for file entries that are not safe relative paths with a SHA-256.
func ParseManifest(data []byte) (*Manifest, error) {
	if len(data) > maxManifestBytes {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "The manifest is larger than %d bytes.", maxManifestBytes)
	}
	// The format and version are checked first, so that a newer export is
	// refused for its version rather than for fields this one lacks.
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "The manifest is not valid JSON (truncated or damaged?): %v", err)
	}
	if head.Format != Format {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "The manifest's format is %q, not %q: this is not a fanarchive export.", truncate(head.Format, 40), Format)
	}
	if head.Version != Version {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "The export is of version %d; this fanarchive reads version %d only.", head.Version, Version)
	}
	var m Manifest
	if err := decodeStrict(data, &m); err != nil {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "The manifest cannot be read: %v", err)
	}
	if m.ExportedAt != "" {
		if _, err := time.Parse(time.RFC3339Nano, m.ExportedAt); err != nil {
			return nil, fanarchive.Errorf(fanarchive.EINVALID, "The manifest's exported_at %q is not an RFC 3339 time.", truncate(m.ExportedAt, 40))
		}
	}
	works, sources := 0, 0
	seen := make(map[string]bool, len(m.Files))
	for i, f := range m.Files {
		if err := checkPath(f.Path); err != nil {
			return nil, err
		}
		if i > 0 && m.Files[i-1].Path >= f.Path {
			return nil, fanarchive.Errorf(fanarchive.EINVALID, "The manifest's files are not in order of path, or %q is listed twice.", f.Path)
		}
		if !isSHA256(f.SHA256) || f.Size < 0 {
			return nil, fanarchive.Errorf(fanarchive.EINVALID, "The manifest's entry for %q has no valid SHA-256 and size.", f.Path)
		}
		seen[f.Path] = true
		if strings.HasPrefix(f.Path, "works/") {
			works++
		} else {
			sources++
		}
	}
	if works != m.Works || sources != m.Sources || m.Chapters < 0 {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "The manifest counts %d works and %d sources but lists %d and %d files.", m.Works, m.Sources, works, sources)
	}
	return &m, nil
}

// checkPath returns EINVALID unless p is a clean path of a work file
// (works/NAME.json) or an original (sources/NAME), nothing else.
func checkPath(p string) error {
	dir, name := path.Split(p)
	ok := len(p) <= maxNameLen && utf8.ValidString(p) && path.Clean(p) == p && name != "" && name != "." && name != ".." &&
		!strings.ContainsAny(name, "\\\x00:") &&
		((dir == "works/" && strings.HasSuffix(name, ".json")) || dir == "sources/")
	if !ok {
		return fanarchive.Errorf(fanarchive.EINVALID, "The manifest lists %q, which is not a works/*.json or sources/* file.", truncate(p, 80))
	}
	return nil
}

// ParseWork reads one work's JSON file and checks it as far as it can
// alone: known kind, rating and tag kinds, valid times, chapters numbered
// 1..n, sources with a SHA-256 and a file under sources/, chapter sources
// among the work's. It returns EINVALID, naming what is wrong.
func ParseWork(data []byte) (*Work, error) {
	if len(data) > maxWorkFileBytes {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "The work file is larger than %d bytes.", maxWorkFileBytes)
	}
	var w Work
	if err := decodeStrict(data, &w); err != nil {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "The work file cannot be read (truncated or damaged?): %v", err)
	}
	if w.Origin == "" {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "The work has no origin.")
	}
	for _, t := range []struct{ name, v string }{{"published", w.Published}, {"updated", w.Updated}} {
		if t.v == "" {
			continue
		}
		if _, err := time.Parse(time.RFC3339Nano, t.v); err != nil {
			return nil, fanarchive.Errorf(fanarchive.EINVALID, "The work's %s %q is not an RFC 3339 time.", t.name, truncate(t.v, 40))
		}
	}
	for i, s := range w.Sources {
		if err := checkPath(s.File); err != nil || !strings.HasPrefix(s.File, "sources/") {
			return nil, fanarchive.Errorf(fanarchive.EINVALID, "Source %d's file %q is not under sources/.", i+1, truncate(s.File, 80))
		}
		if !isSHA256(s.SHA256) || s.Size < 0 || s.Size > fanarchive.MaxSourceBytes {
			return nil, fanarchive.Errorf(fanarchive.EINVALID, "Source %d has no valid SHA-256 and size.", i+1)
		}
		if s.ImportedAt != "" {
			if _, err := time.Parse(time.RFC3339Nano, s.ImportedAt); err != nil {
				return nil, fanarchive.Errorf(fanarchive.EINVALID, "Source %d's imported_at %q is not an RFC 3339 time.", i+1, truncate(s.ImportedAt, 40))
			}
		}
	}
	for i, c := range w.Chapters {
		if c.Source < 0 || c.Source > len(w.Sources) {
			return nil, fanarchive.Errorf(fanarchive.EINVALID, "Chapter %d refers to source %d of %d.", i+1, c.Source, len(w.Sources))
		}
	}
	// Everything else the domain checks (fanarchive.Work.Validate).
	if err := w.domain().Validate(); err != nil {
		return nil, err
	}
	return &w, nil
}

// domain returns the work as the store takes it, without the sources'
// bytes (see withSources) and without DuplicateOf, which names a work by
// origin.
func (w *Work) domain() *fanarchive.Work {
	d := &fanarchive.Work{
		Kind: fanarchive.Kind(w.Kind), Title: w.Title, Summary: w.Summary,
		Notes: w.Notes, EndNotes: w.EndNotes,
		Rating: fanarchive.Rating(w.Rating), RatingOriginal: w.RatingOriginal,
		Language: w.Language, Words: w.Words, Complete: w.Complete, Begins: w.Begins,
		PublishedFrom: fanarchive.DateSource(w.PublishedFrom),
		Restricted:    w.Restricted, Origin: w.Origin,
		Evidence: w.Evidence, Problems: w.Problems,
	}
	d.Published, _ = parseTime(w.Published)
	d.Updated, _ = parseTime(w.Updated)
	for _, a := range w.Authors {
		d.Authors = append(d.Authors, fanarchive.Author{Name: a})
	}
	for _, t := range w.Tags {
		d.Tags = append(d.Tags, fanarchive.Tag{Kind: fanarchive.TagKind(t.Kind), Name: t.Name, Inferred: t.Inferred})
	}
	for _, s := range w.Sources {
		at, _ := parseTime(s.ImportedAt)
		d.Sources = append(d.Sources, &fanarchive.Source{Name: s.Name, SHA256: s.SHA256, Size: s.Size,
			Encoding: s.Encoding, Archive: s.Archive, List: s.List, ImportedAt: at})
	}
	for _, c := range w.Chapters {
		ch := &fanarchive.Chapter{Number: c.Number, Title: c.Title, Words: c.Words, Body: c.Body,
			InputFormat: c.InputFormat, Input: c.Input}
		if c.Source > 0 {
			ch.SourceID = -int64(c.Source)
		} else if len(w.Sources) > 0 {
			// 0 would mean "the first source" to the store; a chapter of
			// no source in a work with sources has none to point at, so it
			// keeps the first, which is what the store gave it.
			ch.SourceID = -1
		}
		d.Chapters = append(d.Chapters, ch)
	}
	return d
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t.UTC(), err
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
