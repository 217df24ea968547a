package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"fanarchive"
	"fanarchive/internal/privacy"
)

// IsExport reports whether dir is an export folder: it holds a manifest
// and a works folder. Such a folder is read with Open, never as story
// files, even when its manifest turns out damaged.
func IsExport(dir string) bool {
	if info, err := os.Stat(filepath.Join(dir, ManifestName)); err != nil || !info.Mode().IsRegular() {
		return false
	}
	info, err := os.Stat(filepath.Join(dir, "works"))
	return err == nil && info.IsDir()
}

// Folder is an export folder whose every file has been checked against
// its manifest.
type Folder struct {
	Dir      string
	Manifest *Manifest
	works    []string // paths of the work files, in the manifest's order
	origins  map[string]bool
	dupOf    map[string]string // work file → origin of the work it repeats
	files    map[string]File
}

// Open reads dir's manifest and checks the whole folder before anything
// is imported: every listed file exists with its size and SHA-256, every
// work file parses (ParseWork), its originals are listed files of the
// SHA-256 it names, and no two works share an origin. Any failure is
// EINVALID (or the file system's error) naming the file.
func Open(dir string) (*Folder, error) {
	mb, err := readLimited(filepath.Join(dir, ManifestName), maxManifestBytes)
	if err != nil {
		return nil, err
	}
	m, err := ParseManifest(mb)
	if err != nil {
		return nil, err
	}
	f := &Folder{Dir: dir, Manifest: m, origins: map[string]bool{}, dupOf: map[string]string{}, files: map[string]File{}}
	for _, file := range m.Files {
		f.files[file.Path] = file
		if err := checkFile(dir, file); err != nil {
			return nil, err
		}
	}
	chapters := 0
	for _, file := range m.Files {
		if filepath.ToSlash(filepath.Dir(file.Path)) != "works" {
			continue
		}
		w, err := f.readWork(file.Path)
		if err != nil {
			return nil, err
		}
		if f.origins[w.Origin] {
			return nil, fanarchive.Errorf(fanarchive.EINVALID, "%s: another work of the export has the origin %q.", file.Path, truncate(w.Origin, 80))
		}
		f.origins[w.Origin] = true
		if w.DuplicateOf != "" {
			f.dupOf[file.Path] = w.DuplicateOf
		}
		f.works = append(f.works, file.Path)
		chapters += len(w.Chapters)
	}
	if chapters != m.Chapters {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "The manifest counts %d chapters; the work files hold %d.", m.Chapters, chapters)
	}
	return f, nil
}

// readWork reads and parses a work file, checking it and its sources'
// entries against the manifest.
func (f *Folder) readWork(p string) (*Work, error) {
	b, err := f.readFile(p)
	if err != nil {
		return nil, err
	}
	w, err := ParseWork(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	for _, s := range w.Sources {
		file, ok := f.files[s.File]
		if !ok {
			return nil, fanarchive.Errorf(fanarchive.EINVALID, "%s: its original %s is not in the manifest.", p, s.File)
		}
		if file.SHA256 != s.SHA256 || file.Size != s.Size {
			return nil, fanarchive.Errorf(fanarchive.EINVALID, "%s: its original %s has another SHA-256 or size in the manifest.", p, s.File)
		}
	}
	return w, nil
}

// readFile reads a listed file, checking its SHA-256 again: the folder
// may have changed since Open.
func (f *Folder) readFile(p string) ([]byte, error) {
	file := f.files[p]
	b, err := readLimited(filepath.Join(f.Dir, filepath.FromSlash(p)), max(file.Size, 0))
	if err != nil {
		return nil, err
	}
	if fanarchive.SumSHA256(b) != file.SHA256 {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "%s: its SHA-256 does not match the manifest's; the file is damaged or was changed.", p)
	}
	return b, nil
}

// checkFile hashes one listed file as it streams.
func checkFile(dir string, file File) error {
	fh, err := os.Open(filepath.Join(dir, filepath.FromSlash(file.Path)))
	if err != nil {
		return fanarchive.Errorf(fanarchive.EINVALID, "%s is listed in the manifest but cannot be read: %v", file.Path, errors.Unwrap(err))
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(fh, file.Size+1))
	if err != nil {
		return fmt.Errorf("read %s: %w", file.Path, err)
	}
	if n != file.Size {
		return fanarchive.Errorf(fanarchive.EINVALID, "%s is %d bytes; the manifest says %d (truncated or changed).", file.Path, n, file.Size)
	}
	if hex.EncodeToString(h.Sum(nil)) != file.SHA256 {
		return fanarchive.Errorf(fanarchive.EINVALID, "%s: its SHA-256 does not match the manifest's; the file is damaged or was changed.", file.Path)
	}
	return nil
}

// readLimited reads a file of at most limit bytes.
func readLimited(name string, limit int64) ([]byte, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "%s cannot be read: %v", filepath.Base(name), errors.Unwrap(err))
	}
	defer fh.Close()
	var b bytes.Buffer
	if _, err := io.Copy(&b, io.LimitReader(fh, limit+1)); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(b.Len()) > limit {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "%s is larger than %d bytes.", filepath.Base(name), limit)
	}
	return b.Bytes(), nil
}

// Report counts what an import did.
type Report struct {
	Works, Created, Present int
	// SeriesDropped counts works whose places in series were not made
	// again: series belong to accounts, which an export leaves out.
	SeriesDropped int
}

// batchWorks bounds one transaction of an import.
const batchWorks = 64

// Import stores the folder's works through store.ImportWorks, each with
// its original bytes, in the manifest's order but every duplicate after
// the work it repeats. A work whose origin is stored already is counted
// present and left as it is, so importing a folder twice adds nothing.
// Addresses are masked again (privacy.MaskWork), in case the folder was
// edited by hand. The run is recorded with args.
func (f *Folder) Import(ctx context.Context, store Store, args string) (Report, error) {
	rep := Report{Works: len(f.works)}
	run := &fanarchive.ImportRun{Args: args}
	if err := store.CreateImportRun(ctx, run); err != nil {
		return rep, fmt.Errorf("record import run: %w", err)
	}
	ids := map[string]int64{} // origin → stored work
	pending := f.works
	for len(pending) > 0 {
		// A wave is every pending work whose original is stored or not
		// in the folder; if none is (a cycle), the rest go as they are.
		var wave, later []string
		for _, p := range pending {
			if o, ok := f.dupOf[p]; ok && f.origins[o] {
				if _, done := ids[o]; !done {
					later = append(later, p)
					continue
				}
			}
			wave = append(wave, p)
		}
		if len(wave) == 0 {
			wave, later = later, nil
		}
		for start := 0; start < len(wave); start += batchWorks {
			batch := wave[start:min(start+batchWorks, len(wave))]
			works := make([]*fanarchive.Work, len(batch))
			for i, p := range batch {
				w, err := f.load(p, ids, run.ID, &rep)
				if err != nil {
					return rep, err
				}
				works[i] = w
			}
			created, err := store.ImportWorks(ctx, works)
			if err != nil {
				return rep, fmt.Errorf("import %s…: %w", batch[0], err)
			}
			for i, w := range works {
				ids[w.Origin] = w.ID
				if created[i] {
					rep.Created++
				} else {
					rep.Present++
				}
			}
		}
		pending = later
	}
	run.Created, run.Present = rep.Created, rep.Present
	if err := store.FinishImportRun(ctx, run); err != nil {
		return rep, fmt.Errorf("record import run: %w", err)
	}
	return rep, nil
}

// load reads one work file and its originals into a work for the store.
func (f *Folder) load(p string, ids map[string]int64, runID int64, rep *Report) (*fanarchive.Work, error) {
	rec, err := f.readWork(p)
	if err != nil {
		return nil, err
	}
	w := rec.domain()
	for i, s := range rec.Sources {
		raw, err := f.readFile(s.File)
		if err != nil {
			return nil, err
		}
		w.Sources[i].Raw = raw
		w.Sources[i].ImportRunID = runID
	}
	if rec.DuplicateOf != "" {
		w.DuplicateOf = ids[rec.DuplicateOf] // 0 when it is not in the folder or was deleted here
	}
	if len(rec.Series) > 0 {
		rep.SeriesDropped++
	}
	privacy.MaskWork(w)
	return w, nil
}
