package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fanarchive/internal/efiction"
	"fanarchive/internal/importer"
)

// importEfiction imports the MySQL dump of an eFiction archive:
// `import efiction DUMP.sql [--stories DIR]`.
func (m *Main) importEfiction(ctx context.Context, args []string) error {
	fs := m.flagSet("import efiction", "DUMP.sql", "Import the MySQL dump of an eFiction 3.x archive, without a MySQL server: one work per\n"+
		"validated story, its rows kept as the work's source. Chapters whose text is not in the dump\n"+
		"are read from --stories DIR/<uid>/<chapid>.txt. Importing the same dump again adds nothing.\n"+
		"Rows that cannot be read are reported with their table and line; the exit status is then 1.")
	data := m.dataFlag(fs)
	dryRun := fs.Bool("dry-run", false, "read and report what would be imported; change nothing")
	asJSON := fs.Bool("json", false, "print one JSON object per work on stdout (fields: see README)")
	stories := fs.String("stories", "", "`folder` of chapter files, <uid>/<chapid>.txt (eFiction's stories/ folder)")
	if done, err := m.parse(fs, args); done {
		return err
	}
	// Flags may follow the dump's name: efiction DUMP.sql --stories DIR.
	var names []string
	for rest := fs.Args(); len(rest) > 0; rest = fs.Args() {
		names = append(names, rest[0])
		if err := fs.Parse(rest[1:]); err != nil {
			return &ExitError{Code: ExitUsage, Err: err, Silent: true}
		}
	}
	if len(names) != 1 {
		fs.Usage()
		return &ExitError{Code: ExitUsage, Err: errors.New("import efiction needs one dump file")}
	}
	logger := m.logger()
	f, err := os.Open(names[0])
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("open dump: %w", err)}
	}
	defer f.Close()
	opts := efiction.Options{}
	if *stories != "" {
		if info, err := os.Stat(*stories); err != nil || !info.IsDir() {
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--stories %s is not a folder", *stories)}
		}
		opts.Stories, opts.StoriesName = os.DirFS(*stories), filepath.Base(filepath.Clean(*stories))
	}
	imp, err := efiction.Read(ctx, f, opts)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	im := &importer.Importer{Logger: logger, DryRun: *dryRun}
	if !*dryRun {
		store, err := m.openStore(ctx, *data, logger)
		if err != nil {
			return err
		}
		defer store.Close()
		im.Works, im.Runs = store, store
	}
	out := m.newImportOutput(*asJSON, *dryRun, logger)
	rep, err := im.RunWorks(ctx, imp.Works, "import efiction "+strings.Join(args, " "), out.emit)
	if err != nil {
		return err
	}
	rep.Files = 1
	m.printImportReport(rep, out.failures, nil, out.review, *dryRun)
	m.printEfictionReport(imp)
	m.printSynonymProposals(ctx, im, out.imported)
	if rep.Failed > 0 || len(imp.BadRows) > 0 {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d works failed to store, %d rows could not be read", rep.Failed, len(imp.BadRows)), Silent: true}
	}
	return nil
}

// printEfictionReport adds what only a dump has to the import report.
func (m *Main) printEfictionReport(imp *efiction.Import) {
	w := m.Stderr
	fmt.Fprintf(w, "  eFiction tables %s*: %d stories made works\n", terminalSafe(imp.Prefix), len(imp.Works))
	if len(imp.Skipped) > 0 {
		fmt.Fprintf(w, "  %d stories skipped:\n", len(imp.Skipped))
		for _, s := range imp.Skipped {
			fmt.Fprintf(w, "    story %d %q: %s\n", s.SID, terminalSafe(s.Title), s.Reason)
		}
	}
	if imp.SeriesPlaces > 0 {
		fmt.Fprintf(w, "  %d places in series kept as notes (imported works cannot start a series yet)\n", imp.SeriesPlaces)
	}
	if imp.Reviews > 0 {
		fmt.Fprintf(w, "  %d reviews kept, not shown: comments arrive with issue 10\n", imp.Reviews)
	}
	if imp.OtherReviews > 0 {
		fmt.Fprintf(w, "  %d reviews of series or other items left in the dump\n", imp.OtherReviews)
	}
	if len(imp.BadRows) > 0 {
		fmt.Fprintf(w, "  %d rows could not be read (the rest was imported):\n", len(imp.BadRows))
		for _, e := range imp.BadRows {
			fmt.Fprintf(w, "    %s\n", terminalSafe(e.Error()))
		}
	}
}
