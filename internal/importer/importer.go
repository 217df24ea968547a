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
	"runtime"
	"sync"
	"time"

	"fanarchive"
	"fanarchive/internal/ingest"
	"fanarchive/internal/privacy"
)

// Status is what became of a work (or of a file that gave none).
type Status string

// Statuses.
const (
	StatusCreated Status = "created" // stored as a new work
	StatusPresent Status = "present" // the same work was stored before
	StatusFailed  Status = "failed"  // unreadable or could not be stored
	StatusPlanned Status = "planned" // parsed in a dry run; nothing stored
)

// Result is the outcome for one work, or for one file that failed.
type Result struct {
	Files  []string // the files the work was made from, in part order
	Status Status
	Work   *fanarchive.Work // nil when Status is StatusFailed
	Err    error            // set when Status is StatusFailed
	// DuplicateOf is the work this one repeats, when it is a duplicate.
	DuplicateOf *fanarchive.Work
	// Posts is how many posts or pages the work was assembled from, and
	// Dropped how many repeated parts were left out.
	Posts, Dropped int
}

// Report counts the outcomes of a run.
type Report struct {
	Created, Present, Failed, Planned int
	Files                             int // files read
	Merged                            int // files whose text joined a work begun in another file
	Duplicates                        int // works kept as duplicates of another
	Other                             int // documents that are not fiction, kept aside
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
	if res.Status == StatusFailed {
		return
	}
	r.Merged += len(res.Files) - 1
	if res.DuplicateOf != nil {
		r.Duplicates++
	}
	if res.Work.Kind == fanarchive.KindOther {
		r.Other++
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
	// Progress, if set, is told how far each stage is: "read" counts files,
	// "store" counts works.
	Progress func(stage string, done, total int)
}

// Source is where an import reads files from: a file system and the names
// of the files in it, in the order they are imported.
type Source struct {
	FS    fs.FS
	Names []string
	// Display maps a name to the path shown to the archivist and stored as
	// Source.Name; names are shown as they are when nil.
	Display func(name string) string
	// Unreadable are paths that were named or found but cannot be read at
	// all (no such file, a folder without permission): Run reports each
	// as a failed file, after reading everything else.
	Unreadable []Skipped
	// Skipped are entries of folders that are not regular files and are
	// not read: symbolic links (a loop among them) and devices, pipes or
	// sockets. They are not failures; the report lists them.
	Skipped []Skipped
}

// Skipped is a path an import did not read, and why.
type Skipped struct {
	Path   string // as the archivist would write it
	Reason string // for the archivist, e.g. "symbolic link that loops"
}

// Run imports every file of src: it reads and parses them all, assembles
// the pieces into works (parts of one story across posts and files become
// one work; reposts become duplicates), masks the e-mail addresses in them
// (privacy.MaskWork), then stores the works, each in its
// own transaction, originals before their duplicates. emit (if not nil) is
// called with each result as soon as it is known. Run stops early only when
// ctx is cancelled; the error is then ctx's. Running it again on the same
// files gives the same works, reported as already present, so an import
// cut short (even by kill -9) is finished by running it again.
func (im *Importer) Run(ctx context.Context, src Source, args string, emit func(Result)) (Report, error) {
	rep := Report{Files: len(src.Names)}
	report := func(res Result) {
		rep.Add(res)
		if emit != nil {
			emit(res)
		}
	}
	run := &fanarchive.ImportRun{Args: args}
	if im.Runs != nil && !im.DryRun {
		if err := im.Runs.CreateImportRun(ctx, run); err != nil {
			return rep, fmt.Errorf("record import run: %w", err)
		}
	}
	pieces, failures, err := im.parseAll(ctx, src)
	if err != nil {
		return rep, err
	}
	for _, f := range failures {
		report(f)
	}
	for _, u := range src.Unreadable {
		report(Result{Files: []string{u.Path}, Status: StatusFailed,
			Err: fanarchive.Errorf(fanarchive.EUNREADABLE, "%s", u.Reason)})
	}
	works := ingest.Assemble(pieces)
	for _, a := range works {
		// Addresses in what readers see and search are hidden here, once,
		// before anything is stored or reported; the feedback contact keeps
		// the address, privately.
		privacy.MaskWork(a.Work)
	}
	if err := im.storeAll(ctx, works, run.ID, report); err != nil {
		return rep, err
	}
	if im.Runs != nil && !im.DryRun {
		run.Created, run.Present, run.Failed = rep.Created, rep.Present, rep.Failed
		if err := im.Runs.FinishImportRun(ctx, run); err != nil {
			return rep, fmt.Errorf("record import run: %w", err)
		}
	}
	return rep, nil
}

// parseAll reads and parses every file, on as many goroutines as there
// are CPUs, keeping the files' order; files that cannot be read or parsed
// become failed results.
func (im *Importer) parseAll(ctx context.Context, src Source) ([]*ingest.Piece, []Result, error) {
	type parsed struct {
		pieces []*ingest.Piece
		err    error
	}
	out := make([]parsed, len(src.Names))
	display := func(name string) string {
		if src.Display != nil {
			return src.Display(name)
		}
		return name
	}
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				ps, err := im.parseFile(src.FS, src.Names[i], display(src.Names[i]))
				out[i] = parsed{ps, err}
				if im.Progress != nil {
					mu.Lock()
					done++
					im.Progress("read", done, len(src.Names))
					mu.Unlock()
				}
			}
		}()
	}
	var err error
feed:
	for i := range src.Names {
		select {
		case next <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err != nil {
		return nil, nil, err
	}
	var pieces []*ingest.Piece
	var failures []Result
	for i, p := range out {
		if p.err != nil {
			name := display(src.Names[i])
			im.logger().Debug("import failed", "file", name, "err", p.err)
			failures = append(failures, Result{Files: []string{name}, Status: StatusFailed, Err: p.err})
		}
		for _, piece := range p.pieces {
			piece.File = i
			pieces = append(pieces, piece)
		}
	}
	return pieces, failures, nil
}

// parseFile reads and parses one file.
func (im *Importer) parseFile(fsys fs.FS, name, display string) ([]*ingest.Piece, error) {
	maxBytes := im.Options.MaxBytes
	if maxBytes <= 0 {
		maxBytes = ingest.DefaultMaxBytes
	}
	// Refuse an over-large file before reading it into memory.
	if info, err := fs.Stat(fsys, name); err == nil && info.Size() > maxBytes {
		return nil, fanarchive.Errorf(fanarchive.EUNREADABLE, "The file is %.1f MB; the import limit is %.1f MB per file.", float64(info.Size())/(1<<20), float64(maxBytes)/(1<<20))
	}
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fanarchive.Errorf(fanarchive.EUNREADABLE, "The file cannot be read: %v", errors.Unwrap(err))
	}
	return ingest.ParseFile(display, raw, im.Options)
}

// storeAll stores the assembled works. Works that share a file are always
// stored in one transaction (so a file is imported whole or not at all);
// consecutive such groups are stored together up to maxBatchBytes, because
// every commit also flushes the full-text index. Originals come before
// their duplicates.
func (im *Importer) storeAll(ctx context.Context, works []*ingest.Assembled, runID int64, report func(Result)) error {
	done := 0
	if im.Progress != nil {
		im.Progress("store", 0, len(works)) // storing begins: assembly is done
	}
	started := time.Now()
	for _, batch := range chunks(works, batchesOf(works)) {
		if err := ctx.Err(); err != nil {
			return err
		}
		results := make([]Result, len(batch))
		ws := make([]*fanarchive.Work, len(batch))
		pos := map[int]int{} // index in works → index in batch
		for k, i := range batch {
			pos[i] = k
		}
		for k, i := range batch {
			a := works[i]
			w := a.Work
			ws[k] = w
			fileDate(w, started)
			results[k] = Result{Work: w, Status: StatusPlanned, Posts: len(a.Pieces), Dropped: len(a.Dropped)}
			for _, s := range w.Sources {
				results[k].Files = append(results[k].Files, s.Name)
				if !im.DryRun {
					s.ImportRunID = runID
				}
			}
			if a.DuplicateOf >= 0 {
				results[k].DuplicateOf = works[a.DuplicateOf].Work
				if j, same := pos[a.DuplicateOf]; same {
					w.DuplicateOf = -int64(j + 1) // resolved by the store within the batch
				} else {
					w.DuplicateOf = works[a.DuplicateOf].Work.ID // stored in an earlier batch; 0 in a dry run
				}
			}
		}
		if !im.DryRun {
			created, err := im.Works.ImportWorks(ctx, ws)
			for k := range batch {
				switch {
				case err != nil:
					results[k].Status, results[k].Err = StatusFailed, err
				case created[k]:
					results[k].Status = StatusCreated
				default:
					results[k].Status = StatusPresent
				}
			}
		}
		for _, r := range results {
			report(r)
		}
		done += len(batch)
		if im.Progress != nil {
			im.Progress("store", done, len(works))
		}
	}
	return nil
}

// maxBatchBytes and maxBatchWorks bound one transaction (unless a single
// group of works that share files is larger): big enough that commits are
// few, small enough that a crash loses little work to redo.
const (
	maxBatchBytes = 4 << 20
	maxBatchWorks = 64
)

// chunks joins consecutive batches while they stay under maxBatchBytes and
// maxBatchWorks.
// Duplicates point only at works in their own batch or an earlier one, so
// joining keeps that order.
func chunks(works []*ingest.Assembled, batches [][]int) [][]int {
	var out [][]int
	var cur []int
	size := 0
	for _, b := range batches {
		bs := 0
		for _, i := range b {
			for _, s := range works[i].Work.Sources {
				bs += int(s.Size)
			}
		}
		if len(cur) > 0 && (size+bs > maxBatchBytes || len(cur)+len(b) > maxBatchWorks) {
			out, cur, size = append(out, cur), nil, 0
		}
		cur, size = append(cur, b...), size+bs
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// batchesOf groups works into the batches they are stored in: works that
// share a source file, or that are duplicates of each other, go together
// (connected components), each batch in the order of its first work, with
// originals before duplicates inside it.
func batchesOf(works []*ingest.Assembled) [][]int {
	parent := make([]int, len(works))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) {
		if ra, rb := find(a), find(b); ra != rb {
			parent[max(ra, rb)] = min(ra, rb)
		}
	}
	byFile := map[string]int{}
	for i, a := range works {
		for _, s := range a.Work.Sources {
			if j, ok := byFile[s.SHA256]; ok {
				union(i, j)
			} else {
				byFile[s.SHA256] = i
			}
		}
		if a.DuplicateOf >= 0 {
			union(i, a.DuplicateOf)
		}
	}
	index := map[int]int{}
	var batches [][]int
	for pass := 0; pass < 2; pass++ {
		for i, a := range works {
			if (a.DuplicateOf >= 0) != (pass == 1) {
				continue
			}
			r := find(i)
			b, ok := index[r]
			if !ok {
				b = len(batches)
				index[r] = b
				batches = append(batches, nil)
			}
			batches[b] = append(batches[b], i)
		}
	}
	return batches
}

func (im *Importer) logger() *slog.Logger {
	if im.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return im.Logger
}

// RunWorks stores works that another reader has already made (an eFiction
// dump's stories, package efiction) as Run stores what it parses: each work
// with its sources, addresses masked (privacy.MaskWork), the run recorded,
// and a work whose origin is stored already reported as present, so
// running it again on the same input adds nothing. Report.Files is set by
// the caller.
func (im *Importer) RunWorks(ctx context.Context, works []*fanarchive.Work, args string, emit func(Result)) (Report, error) {
	var rep Report
	report := func(res Result) {
		rep.Add(res)
		if emit != nil {
			emit(res)
		}
	}
	run := &fanarchive.ImportRun{Args: args}
	if im.Runs != nil && !im.DryRun {
		if err := im.Runs.CreateImportRun(ctx, run); err != nil {
			return rep, fmt.Errorf("record import run: %w", err)
		}
	}
	assembled := make([]*ingest.Assembled, len(works))
	for i, w := range works {
		privacy.MaskWork(w)
		assembled[i] = &ingest.Assembled{Work: w, DuplicateOf: -1}
	}
	if err := im.storeAll(ctx, assembled, run.ID, report); err != nil {
		return rep, err
	}
	// A work's further sources are its own (a chapter's file), not parts
	// of a story begun elsewhere.
	rep.Merged = 0
	if im.Runs != nil && !im.DryRun {
		run.Created, run.Present, run.Failed = rep.Created, rep.Present, rep.Failed
		if err := im.Runs.FinishImportRun(ctx, run); err != nil {
			return rep, fmt.Errorf("record import run: %w", err)
		}
	}
	return rep, nil
}
