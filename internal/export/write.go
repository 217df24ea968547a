package export

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fanarchive"
)

// Store is what an export reads and an import writes.
type Store interface {
	fanarchive.WorkService
	fanarchive.SourceService
	fanarchive.ImportRunService
}

// Options tune Write.
type Options struct {
	// ExportedAt, when not zero, is written to the manifest; a zero time
	// leaves the field out.
	ExportedAt time.Time
	// Progress, if set, is told how many works are written of how many.
	Progress func(done, total int)
}

// Write exports every listed work of the archive (fiction and other
// documents, duplicates and restricted works; not drafts or deleted
// works) into dir, which must not exist or be empty. The manifest is
// written last: a folder cut short has none and is not taken for an
// export. It returns the manifest written.
func Write(ctx context.Context, store Store, dir string, opts Options) (*Manifest, error) {
	if err := prepareDir(dir); err != nil {
		return nil, err
	}
	ids, err := workIDs(ctx, store)
	if err != nil {
		return nil, err
	}
	m := &Manifest{Format: Format, Version: Version, ExportedAt: formatTime(opts.ExportedAt)}
	written := map[string]File{} // path → file, sources shared between works written once
	byWork := map[string]string{}
	// First the origins, read from outlines: a duplicate names its
	// original by origin. Only a work with none (a posted work) is read
	// whole here, to make one from what it holds.
	origins := make(map[int64]string, len(ids))
	var listed []int64
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		w, err := store.FindWorkOutline(ctx, id)
		if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
			continue // deleted while the export ran
		} else if err != nil {
			return nil, fmt.Errorf("export work %d: %w", id, err)
		}
		if w.Draft {
			continue
		}
		listed = append(listed, id)
		origins[id] = w.Origin
		if w.Origin == "" {
			if origins[id], err = madeOrigin(ctx, store, id); err != nil {
				return nil, err
			}
		}
	}
	// Then each work whole, one at a time.
	for i, id := range listed {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		w, err := store.FindWorkByID(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("export work %d: %w", id, err)
		}
		if err := loadInputs(ctx, store, w); err != nil {
			return nil, err
		}
		rec := record(w, origins)
		for j, s := range w.Sources {
			f, err := writeSource(ctx, store, dir, s, written)
			if err != nil {
				return nil, err
			}
			rec.Sources[j].File = f
		}
		b, err := encode(rec)
		if err != nil {
			return nil, fmt.Errorf("export work %d: %w", w.ID, err)
		}
		p := "works/" + shortSum(rec.Origin) + ".json"
		if other, ok := byWork[p]; ok {
			return nil, fmt.Errorf("export: works of origins %q and %q share the file name %s", other, rec.Origin, p)
		}
		byWork[p] = rec.Origin
		if err := writeFile(dir, p, b); err != nil {
			return nil, err
		}
		written[p] = File{Path: p, SHA256: fanarchive.SumSHA256(b), Size: int64(len(b))}
		m.Works++
		m.Chapters += len(rec.Chapters)
		if opts.Progress != nil {
			opts.Progress(i+1, len(listed))
		}
	}
	for _, f := range written {
		m.Files = append(m.Files, f)
		if !strings.HasPrefix(f.Path, "works/") {
			m.Sources++
		}
	}
	slices.SortFunc(m.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	b, err := encode(m)
	if err != nil {
		return nil, err
	}
	if err := writeFile(dir, ManifestName, b); err != nil {
		return nil, err
	}
	return m, nil
}

// loadInputs reads the text as written of the chapters of a work with no
// original file (a posted work, or one imported from an export), which
// only FindChapter returns. Imported chapters have none.
func loadInputs(ctx context.Context, store Store, w *fanarchive.Work) error {
	if len(w.Sources) > 0 {
		return nil
	}
	for _, c := range w.Chapters {
		full, err := store.FindChapter(ctx, w.ID, c.Number)
		if err != nil {
			return fmt.Errorf("export work %d, chapter %d: %w", w.ID, c.Number, err)
		}
		c.InputFormat, c.Input = full.InputFormat, full.Input
	}
	return nil
}

// madeOrigin returns the origin an export gives a work that has none:
// "export:" and the SHA-256 of its record and its ID in this archive, so
// that two posted works alike in every field stay two. Once imported the
// work keeps it, so exports of the importing archive give the same.
func madeOrigin(ctx context.Context, store Store, id int64) (string, error) {
	w, err := store.FindWorkByID(ctx, id)
	if err != nil {
		return "", fmt.Errorf("export work %d: %w", id, err)
	}
	if err := loadInputs(ctx, store, w); err != nil {
		return "", err
	}
	b, err := encode(record(w, nil))
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(append(b, "\x00"+strconv.FormatInt(id, 10)...))
	return "export:" + hex.EncodeToString(sum[:]), nil
}

// prepareDir makes dir, or checks that it is an empty folder.
func prepareDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	case err != nil:
		return fmt.Errorf("export: %w", err)
	case len(entries) > 0:
		return fanarchive.Errorf(fanarchive.ECONFLICT, "%s is not empty; export into a new or empty folder.", dir)
	}
	for _, sub := range []string{"works", "sources"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	return nil
}

// workIDs lists every work to export, oldest ID first: fiction and other
// documents, duplicates and restricted works included.
func workIDs(ctx context.Context, store Store) ([]int64, error) {
	var ids []int64
	for _, kind := range []fanarchive.Kind{fanarchive.KindFiction, fanarchive.KindOther} {
		for offset := 0; ; {
			page, total, err := store.FindWorks(ctx, fanarchive.WorkFilter{Kind: kind, IncludeDuplicates: true,
				IncludeRestricted: true, Offset: offset, Limit: 100})
			if err != nil {
				return nil, fmt.Errorf("export: list works: %w", err)
			}
			for _, w := range page {
				ids = append(ids, w.ID)
			}
			offset += len(page)
			if len(page) == 0 || offset >= total {
				break
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// record returns the work's JSON record, without its sources' file names.
// origins maps work IDs to origins; nil leaves Origin and DuplicateOf empty.
func record(w *fanarchive.Work, origins map[int64]string) *Work {
	r := &Work{
		Origin: origins[w.ID], Kind: string(w.Kind), Title: w.Title, Authors: w.AuthorNames(),
		Summary: w.Summary, Notes: w.Notes, EndNotes: w.EndNotes,
		Rating: string(w.Rating), RatingOriginal: w.RatingOriginal,
		Language: w.Language, Words: w.Words, Complete: w.Complete, Begins: w.Begins,
		Published: formatTime(w.Published), PublishedFrom: string(w.PublishedFrom), Updated: formatTime(w.Updated),
		Restricted: w.Restricted,
		Evidence:   w.Evidence, Problems: w.Problems,
		Sources: []Source{}, Chapters: []Chapter{},
	}
	if w.DuplicateOf != 0 && origins != nil {
		r.DuplicateOf = origins[w.DuplicateOf]
		if r.DuplicateOf == "" {
			r.DuplicateOf = "work:" + strconv.FormatInt(w.DuplicateOf, 10) // not exported (deleted): kept as a note
		}
	}
	for _, t := range w.Tags {
		r.Tags = append(r.Tags, Tag{Kind: string(t.Kind), Name: t.Name, Inferred: t.Inferred})
	}
	for _, p := range w.Series {
		r.Series = append(r.Series, Series{Title: p.Title, Position: p.Position})
	}
	index := map[int64]int{}
	for i, s := range w.Sources {
		index[s.ID] = i + 1
		r.Sources = append(r.Sources, Source{Name: s.Name, SHA256: s.SHA256, Size: s.Size,
			Encoding: s.Encoding, Archive: s.Archive, List: s.List, ImportedAt: formatTime(s.ImportedAt)})
	}
	for _, c := range w.Chapters {
		r.Chapters = append(r.Chapters, Chapter{Number: c.Number, Title: c.Title, Words: c.Words,
			Source: index[c.SourceID], Body: c.Body, InputFormat: c.InputFormat, Input: c.Input})
	}
	if len(r.Sources) == 0 {
		r.Sources = nil
	}
	return r
}

// writeSource writes an original file once, checking its bytes against
// the SHA-256 the archive keeps, and returns its path in the folder.
func writeSource(ctx context.Context, store Store, dir string, s *fanarchive.Source, written map[string]File) (string, error) {
	p := "sources/" + shortSum(s.SHA256) + "-" + safeName(s.Name)
	if _, ok := written[p]; ok {
		return p, nil
	}
	full, err := store.FindSourceByID(ctx, s.ID)
	if err != nil {
		return "", fmt.Errorf("export source %d: %w", s.ID, err)
	}
	if sum := fanarchive.SumSHA256(full.Raw); sum != s.SHA256 {
		return "", fmt.Errorf("export source %d (%s): its bytes do not match the SHA-256 the archive keeps", s.ID, s.Name)
	}
	if err := writeFile(dir, p, full.Raw); err != nil {
		return "", err
	}
	written[p] = File{Path: p, SHA256: s.SHA256, Size: int64(len(full.Raw))}
	return p, nil
}

// shortSum is the first 16 hex digits of s's SHA-256, or of s itself
// when it is one.
func shortSum(s string) string {
	if !isSHA256(s) {
		sum := sha256.Sum256([]byte(s))
		s = hex.EncodeToString(sum[:])
	}
	return s[:16]
}

// safeName returns the last element of a source's name with only
// letters, digits, '.', '-' and '_', at most 64 bytes: a name any file
// system takes.
func safeName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for i := 0; i < len(name) && b.Len() < 64; i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '-', c == '_':
			b.WriteByte(c)
		default:
			b.WriteByte('_')
		}
	}
	s := strings.Trim(b.String(), ".")
	if s == "" {
		s = "source"
	}
	return s
}

func writeFile(dir, p string, b []byte) error {
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), b, 0o644); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
