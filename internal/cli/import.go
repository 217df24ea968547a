package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"fanarchive"
	"fanarchive/internal/export"
	"fanarchive/internal/importer"
	"fanarchive/internal/ingest"
	"fanarchive/internal/tags"
)

// importFiles imports story files and folders.
func (m *Main) importFiles(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "efiction" {
		return m.importEfiction(ctx, args[1:]) // import_efiction.go; a file named efiction is ./efiction
	}
	fs := m.flagSet("import", "PATH...", "Import legacy story files; folders are read recursively (hidden files skipped).\n"+
		"Each file is parsed and stored as a work with its original bytes; a file whose bytes are\n"+
		"already stored is reported as already present. A file that cannot be read is reported\n"+
		"and skipped; the exit status is 1 if any file failed.\n"+
		"A folder written by 'fanarchive export' (it holds manifest.json) is checked whole and read back.\n"+
		"'fanarchive import efiction DUMP.sql' imports an eFiction archive's MySQL dump (import efiction --help).")
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
	for _, a := range fs.Args() {
		if !export.IsExport(a) {
			continue
		}
		if fs.NArg() > 1 {
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s is an export folder: import it on its own", a)}
		}
		return m.importExport(ctx, *data, a, *dryRun) // export.go
	}
	logger := m.logger()

	src, err := importer.Collect(fs.Args())
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	im := &importer.Importer{Options: opts, Logger: logger, DryRun: *dryRun}
	if !*dryRun {
		store, err := m.openStore(ctx, *data, logger)
		if err != nil {
			return err
		}
		defer store.Close()
		im.Works, im.Runs = store, store
	}

	out := m.newImportOutput(*asJSON, *dryRun, logger)
	progress := newProgress(m.Stderr)
	im.Progress = progress.update
	rep, err := im.Run(ctx, src, "import "+strings.Join(args, " "), out.emit)
	progress.finish()
	if err != nil {
		return err
	}
	m.printImportReport(rep, out.failures, src.Skipped, out.review, *dryRun)
	m.printSynonymProposals(ctx, im, out.imported)
	if rep.Failed > 0 {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d of %d files failed to import", rep.Failed, len(src.Names)+len(src.Unreadable)), Silent: true}
	}
	return nil
}

// importOutput takes each result of an import as it is stored: it keeps
// the failures, the works and how many need review for the report, and
// with --json writes each work's record to stdout.
type importOutput struct {
	enc      *json.Encoder // nil without --json
	dryRun   bool
	logger   *slog.Logger
	failures []importer.Result
	imported []*fanarchive.Work
	review   int
}

func (m *Main) newImportOutput(asJSON, dryRun bool, logger *slog.Logger) *importOutput {
	o := &importOutput{dryRun: dryRun, logger: logger}
	if asJSON {
		o.enc = json.NewEncoder(m.Stdout)
		o.enc.SetEscapeHTML(false)
	}
	return o
}

// emit is the importer's callback for one result.
func (o *importOutput) emit(res importer.Result) {
	if res.Status == importer.StatusFailed {
		o.failures = append(o.failures, res)
		return
	}
	o.imported = append(o.imported, res.Work)
	if res.Work.NeedsReview() {
		o.review++
	}
	if o.enc == nil {
		return
	}
	out := jsonResult{Record: ingest.NewRecord(res.Work)}
	out.Files = res.Files
	if res.DuplicateOf != nil {
		out.DuplicateOf = res.DuplicateOf.DisplayTitle()
	}
	if !o.dryRun {
		out.Status, out.ID = string(res.Status), res.Work.ID
	}
	if err := o.enc.Encode(out); err != nil {
		o.logger.Error("write JSON", "err", err)
	}
}

// printImportReport tells the archivist what the import did, on stderr.
// File names and messages are printed with their control characters
// escaped (terminalSafe): a name is the file system's, not ours, and an
// escape sequence in one must not rewrite the archivist's terminal.
func (m *Main) printImportReport(rep importer.Report, failures []importer.Result, skipped []importer.Skipped, review int, dryRun bool) {
	w := m.Stderr
	works := rep.Created + rep.Present + rep.Planned
	if dryRun {
		fmt.Fprintf(w, "dry run: %d files read, %d works would be imported; nothing was changed\n", rep.Files, works)
	} else {
		fmt.Fprintf(w, "%d files read: %d created, %d already present, %d failed\n", rep.Files, rep.Created, rep.Present, rep.Failed)
	}
	fmt.Fprintf(w, "  %d works of fiction listed, %d files merged as parts of a story begun in another file\n",
		works-rep.Other-rep.Duplicates, rep.Merged)
	fmt.Fprintf(w, "  %d duplicates kept but not listed (reposts, or a whole story its parts also hold)\n", rep.Duplicates)
	fmt.Fprintf(w, "  %d documents that are not fiction kept aside (reviews, FAQs, lists…)\n", rep.Other)
	if len(failures) > 0 {
		fmt.Fprintf(w, "  %d files failed:\n", len(failures))
		for _, f := range failures {
			fmt.Fprintf(w, "    %s: %s\n", terminalSafe(strings.Join(f.Files, ", ")), terminalSafe(fanarchive.ErrorMessage(f.Err)))
		}
	}
	if len(skipped) > 0 {
		what := "entries"
		if len(skipped) == 1 {
			what = "entry"
		}
		fmt.Fprintf(w, "  %d folder %s skipped (only regular files are read):\n", len(skipped), what)
		for _, sk := range skipped {
			fmt.Fprintf(w, "    %s: %s\n", terminalSafe(sk.Path), terminalSafe(sk.Reason))
		}
	}
	if review > 0 {
		fmt.Fprintf(w, "  %d works have fields to review (low confidence or problems): fanarchive review\n", review)
	}
}

// printSynonymProposals lists the tag synonyms the archivist may want among
// the tags of the works just imported: in a real import, against every tag
// in the archive; in a dry run, among the planned works' tags.
func (m *Main) printSynonymProposals(ctx context.Context, im *importer.Importer, works []*fanarchive.Work) {
	var usages []fanarchive.TagUsage
	if store, ok := im.Works.(fanarchive.Store); ok && !im.DryRun {
		all, err := store.TagUsages(ctx)
		if err != nil {
			fmt.Fprintf(m.Stderr, "  (could not read tags for synonym proposals: %s)\n", fanarchive.ErrorMessage(err))
			return
		}
		usages = all
	} else {
		usages = tagUsages(works)
	}
	seen := map[string]bool{}
	for _, w := range works {
		for _, t := range w.Tags {
			seen[string(t.Kind)+"\x00"+t.Name] = true
		}
	}
	var shown []tags.Proposal
	for _, p := range tags.ProposeSynonyms(usages) {
		if seen[string(p.Kind)+"\x00"+p.Name] || seen[string(p.Kind)+"\x00"+p.Canonical] {
			shown = append(shown, p)
		}
	}
	if len(shown) == 0 {
		return
	}
	fmt.Fprintf(m.Stderr, "  %d tag synonyms proposed (fanarchive tags synonym KIND NAME CANONICAL):\n", len(shown))
	for _, p := range shown {
		fmt.Fprintf(m.Stderr, "    %s %q -> %q (%d works): %s\n", p.Kind, p.Name, p.Canonical, p.Works, p.Reason)
	}
}

// tagUsages counts the tags of works not yet stored, as TagUsages would.
func tagUsages(works []*fanarchive.Work) []fanarchive.TagUsage {
	byKey := map[string]*fanarchive.TagUsage{}
	var keys []string
	for _, w := range works {
		fandoms := w.TagsOf(fanarchive.TagFandom)
		for _, t := range w.Tags {
			k := string(t.Kind) + "\x00" + t.Name
			u, ok := byKey[k]
			if !ok {
				u = &fanarchive.TagUsage{Tag: fanarchive.Tag{Kind: t.Kind, Name: t.Name}}
				byKey[k] = u
				keys = append(keys, k)
			}
			u.Works++
			for _, f := range fandoms {
				if !slices.Contains(u.Fandoms, f) {
					u.Fandoms = append(u.Fandoms, f)
				}
			}
		}
	}
	out := make([]fanarchive.TagUsage, len(keys))
	for i, k := range keys {
		out[i] = *byKey[k]
	}
	return out
}

// jsonResult is a work's line in `import --json`: the dry-run record, plus
// what happened to it when the import was real.
type jsonResult struct {
	ingest.Record
	// DuplicateOf is the title of the work this one repeats.
	DuplicateOf string `json:"duplicate_of,omitempty"`
	Status      string `json:"status,omitempty"`
	ID          int64  `json:"id,omitempty"`
}

// terminalSafe returns s with what a terminal would act on written out as
// Go escapes: control characters (ESC, which starts ANSI and OSC sequences,
// BEL, backspace, carriage return, DEL and the C1 controls), Unicode's
// bidirectional formatting characters (which reorder what follows) and
// bytes that are not UTF-8. Everything else, accented letters included, is
// kept as it is.
func terminalSafe(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t':
			b.WriteString(`\t`)
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
