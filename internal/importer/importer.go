// Package importer runs an import: it finds the files under the paths an
// archivist names, reads each one, has package ingest parse it, and stores
// the works through a fanarchive.WorkService, reporting for every file what
// became of it. A bad file is reported and skipped; it never stops the batch.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"fanarchive"
	"fanarchive/internal/ingest"
)

// Status is what became of a work (or of a file that gave none).
type Status string

// Statuses.
const (
	StatusCreated Status = "created" // stored as a new work
	StatusPresent Status = "present" // its bytes were already stored
	StatusFailed  Status = "failed"  // unreadable or could not be stored
	StatusPlanned Status = "planned" // parsed in a dry run; nothing stored
)

// Result is the outcome for one work, or for one file that failed.
type Result struct {
	Files  []string
	Status Status
	Work   *fanarchive.Work // nil when Status is StatusFailed
	Err    error            // set when Status is StatusFailed
}

// Report counts the outcomes of a run.
type Report struct {
	Created, Present, Failed, Planned int
}

// Add counts one result.
func (r *Report) Add(res Result) {
	switch res.Status {
	case StatusCreated:
		r.Created++
	case StatusPresent:
		r.Present++
	case StatusFailed:
		r.Failed++
	case StatusPlanned:
		r.Planned++
	}
}

// Importer imports files into a store.
type Importer struct {
	// Works stores the works; it may be nil for a dry run.
	Works   fanarchive.WorkService
	Runs    fanarchive.ImportRunService // optional: records the run
	Options ingest.Options
	Logger  *slog.Logger
	// DryRun parses and reports without storing anything.
	DryRun bool
}

// Source is where an import reads files from: a file system and the names
// of the files in it, in the order they are imported.
type Source struct {
	FS    fs.FS
	Names []string
	// Display maps a name to the path shown to the archivist and stored as
	// Source.Name; names are shown as they are when nil.
	Display func(name string) string
}

// Run imports every file of src, calling emit (if not nil) with each
// result as soon as it is known, and returns the counts. It stops early only
// when ctx is cancelled; the error is then ctx's.
func (im *Importer) Run(ctx context.Context, src Source, args string, emit func(Result)) (Report, error) {
	var rep Report
	run := &fanarchive.ImportRun{Args: args}
	if im.Runs != nil && !im.DryRun {
		if err := im.Runs.CreateImportRun(ctx, run); err != nil {
			return rep, fmt.Errorf("record import run: %w", err)
		}
	}
	for _, name := range src.Names {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		display := name
		if src.Display != nil {
			display = src.Display(name)
		}
		for _, res := range im.importFile(ctx, src.FS, name, display, run.ID) {
			rep.Add(res)
			if emit != nil {
				emit(res)
			}
		}
	}
	if im.Runs != nil && !im.DryRun {
		run.Created, run.Present, run.Failed = rep.Created, rep.Present, rep.Failed
		if err := im.Runs.FinishImportRun(ctx, run); err != nil {
			return rep, fmt.Errorf("record import run: %w", err)
		}
	}
	return rep, nil
}

// importFile reads, parses and stores one file.
func (im *Importer) importFile(ctx context.Context, fsys fs.FS, name, display string, runID int64) []Result {
	failed := func(err error) []Result {
		im.logger().Debug("import failed", "file", display, "err", err)
		return []Result{{Files: []string{display}, Status: StatusFailed, Err: err}}
	}
	maxBytes := im.Options.MaxBytes
	if maxBytes <= 0 {
		maxBytes = ingest.DefaultMaxBytes
	}
	// Refuse an over-large file before reading it into memory.
	if info, err := fs.Stat(fsys, name); err == nil && info.Size() > maxBytes {
		return failed(fanarchive.Errorf(fanarchive.EUNREADABLE, "The file is %.1f MB; the import limit is %.1f MB per file.", float64(info.Size())/(1<<20), float64(maxBytes)/(1<<20)))
	}
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return failed(fanarchive.Errorf(fanarchive.EUNREADABLE, "The file cannot be read: %v", errors.Unwrap(err)))
	}
	w, err := ingest.ParseText(display, raw, im.Options)
	if err != nil {
		return failed(err)
	}
	res := Result{Files: []string{display}, Work: w, Status: StatusPlanned}
	if im.DryRun {
		return []Result{res}
	}
	for _, s := range w.Sources {
		s.ImportRunID = runID
	}
	switch err := im.Works.CreateWork(ctx, w); fanarchive.ErrorCode(err) {
	case "":
		res.Status = StatusCreated
	case fanarchive.ECONFLICT:
		res.Status = StatusPresent
	default:
		return failed(err)
	}
	return []Result{res}
}

func (im *Importer) logger() *slog.Logger {
	if im.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return im.Logger
}

// Collect expands the paths an archivist gave into the files to import:
// files as given, folders walked recursively in name order, skipping
// hidden files and folders (".git", ".DS_Store", an archive's own index
// files). The result is relative to the root file system "/" so one
// os.DirFS can read it; Display gives back the path as the archivist wrote
// it.
func Collect(paths []string) (Source, error) {
	shown := map[string]string{}
	var names []string
	add := func(abs, display string) {
		name := strings.TrimPrefix(filepath.ToSlash(abs), "/")
		if _, dup := shown[name]; !dup {
			shown[name] = display
			names = append(names, name)
		}
	}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return Source{}, fmt.Errorf("resolve %s: %w", p, err)
		}
		info, err := os.Stat(abs)
		if err != nil {
			return Source{}, fmt.Errorf("import %s: %w", p, err)
		}
		if !info.IsDir() {
			add(abs, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if path != abs && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return Source{}, fmt.Errorf("walk %s: %w", p, err)
		}
		sort.Strings(found)
		for _, f := range found {
			rel, _ := filepath.Rel(abs, f)
			add(f, filepath.Join(p, rel))
		}
	}
	return Source{
		FS:      os.DirFS("/"),
		Names:   names,
		Display: func(name string) string { return shown[name] },
	}, nil
}
