package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"fanarchive"
	"fanarchive/internal/importer"
	"fanarchive/internal/ingest"
)

// importFiles imports story files and folders.
func (m *Main) importFiles(ctx context.Context, args []string) error {
	fs := m.flagSet("import", "PATH...", "Import legacy story files; folders are read recursively (hidden files skipped).\n"+
		"Each file is parsed and stored as a work with its original bytes; a file whose bytes are\n"+
		"already stored is reported as already present. A file that cannot be read is reported\n"+
		"and skipped; the exit status is 1 if any file failed.")
	data := m.dataFlag(fs)
	dryRun := fs.Bool("dry-run", false, "parse and report what would be imported; change nothing")
	asJSON := fs.Bool("json", false, "print one JSON object per work on stdout (fields: see README)")
	var opts ingest.Options
	fs.StringVar(&opts.Fandom, "fandom", "", "fandom of every imported work (replaces inferred fandoms)")
	fs.StringVar(&opts.Archive, "archive", "", "name of the archive the files come from")
	fs.StringVar(&opts.List, "list", "", "name of the mailing list the files were posted to")
	fs.StringVar(&opts.Language, "language", "", "language of the works, a BCP 47 tag (default en)")
	maxMB := fs.Int64("max-size", ingest.DefaultMaxBytes>>20, "largest file to read, in `MB`")
	if done, err := m.parse(fs, args); done {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return &ExitError{Code: ExitUsage, Err: errors.New("import needs at least one file or folder"), Silent: false}
	}
	if *maxMB <= 0 {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--max-size must be positive, got %d", *maxMB)}
	}
	opts.MaxBytes = *maxMB << 20
	logger := m.logger()

	src, err := importer.Collect(fs.Args())
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	im := &importer.Importer{Options: opts, Logger: logger, DryRun: *dryRun}
	if !*dryRun {
		store, err := openStore(ctx, *data, logger)
		if err != nil {
			return err
		}
		defer store.Close()
		im.Works, im.Runs = store, store
	}

	enc := json.NewEncoder(m.Stdout)
	enc.SetEscapeHTML(false)
	var failures []importer.Result
	emit := func(res importer.Result) {
		if res.Status == importer.StatusFailed {
			failures = append(failures, res)
			return
		}
		if *asJSON {
			out := jsonResult{Record: ingest.NewRecord(res.Work)}
			out.Files = res.Files
			if !*dryRun {
				out.Status, out.ID = string(res.Status), res.Work.ID
			}
			if err := enc.Encode(out); err != nil {
				logger.Error("write JSON", "err", err)
			}
		}
	}
	rep, err := im.Run(ctx, src, "import "+strings.Join(args, " "), emit)
	for _, f := range failures {
		fmt.Fprintf(m.Stderr, "failed: %s: %s\n", strings.Join(f.Files, ", "), fanarchive.ErrorMessage(f.Err))
	}
	if err != nil {
		return err
	}
	summary := fmt.Sprintf("%d created, %d already present, %d failed", rep.Created, rep.Present, rep.Failed)
	if *dryRun {
		summary = fmt.Sprintf("dry run: %d works would be imported, %d failed; nothing was changed", rep.Planned, rep.Failed)
	}
	fmt.Fprintf(m.Stderr, "%d files: %s\n", len(src.Names), summary)
	if rep.Failed > 0 {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d of %d files failed to import", rep.Failed, len(src.Names)), Silent: true}
	}
	return nil
}

// jsonResult is a work's line in `import --json`: the dry-run record, plus
// what happened to it when the import was real.
type jsonResult struct {
	ingest.Record
	Status string `json:"status,omitempty"`
	ID     int64  `json:"id,omitempty"`
}
