package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"fanarchive"
)

// reviewCommand lists the review queue, or runs one of its subcommands to
// fix what it lists.
func (m *Main) reviewCommand(ctx context.Context, args []string) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		for _, sub := range m.reviewSubcommands() {
			if sub.name == args[0] {
				return m.reviewEdit(ctx, sub, args[1:])
			}
		}
		m.reviewUsage(m.Stderr, nil)
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("unknown review subcommand %q", args[0])}
	}
	return m.reviewList(ctx, args)
}

// reviewUsage prints the queue's usage, its flags and the subcommands.
func (m *Main) reviewUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: fanarchive review [flags]\n       fanarchive review <subcommand> [flags] [arguments]\n\n"+
		"List the works whose fields the importer was unsure of (confidence below %.2f: a guessed\n"+
		"title, an inferred fandom, parts in an inferred order, fiction or other near the line)\n"+
		"or that have problems it could not settle, least certain first, with the evidence for\n"+
		"each doubtful field. Fix them with the subcommands; every edit is recorded, and the\n"+
		"original files are never changed. See docs/review.md.\n\n", fanarchive.ReviewThreshold)
	if fs != nil {
		fmt.Fprintf(w, "Flags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "Subcommands:\n")
	for _, sub := range m.reviewSubcommands() {
		fmt.Fprintf(w, "  %-13s %-22s %s\n", sub.name, sub.args, sub.summary)
	}
	fmt.Fprintf(w, "\nFIELDs that can be set: %s.\n", strings.Join(fanarchive.EditableFields, ", "))
	fmt.Fprintf(w, "Run 'fanarchive review <subcommand> --help' for its flags.\n")
}

// reviewList prints the review queue.
func (m *Main) reviewList(ctx context.Context, args []string) error {
	fs := m.flagSet("review", "", "")
	data := m.dataFlag(fs)
	var f fanarchive.ReviewFilter
	fs.StringVar(&f.Field, "field", "", "only works unsure of this `field`: "+strings.Join(fanarchive.ReviewFields, ", "))
	fs.StringVar(&f.Problem, "problem", "", "only works with a problem containing this `text` (any case), e.g. \"part order\"")
	kind := fs.String("kind", "", "only works of this `kind`: fiction or other (default both)")
	fs.IntVar(&f.Limit, "limit", 50, fmt.Sprintf("list at most `N` works (at most %d)", fanarchive.MaxReviewPage))
	fs.IntVar(&f.Offset, "offset", 0, "skip the first `N` works of the queue")
	asJSON := fs.Bool("json", false, "print one JSON object per work")
	fs.Usage = func() { m.reviewUsage(fs.Output(), fs) }
	if done, err := m.parse(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("review takes no arguments, got %q (subcommands: %s)", fs.Args(), m.subcommandNames())}
	}
	f.Kind = fanarchive.Kind(*kind)
	if f.Limit <= 0 || f.Limit > fanarchive.MaxReviewPage {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--limit must be from 1 to %d, got %d", fanarchive.MaxReviewPage, f.Limit)}
	}
	if err := f.Validate(); err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	store, err := m.openStore(ctx, *data, m.logger())
	if err != nil {
		return err
	}
	defer store.Close()
	works, total, err := store.FindReviewQueue(ctx, f)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetEscapeHTML(false)
		for _, w := range works {
			if err := enc.Encode(newReviewItem(w)); err != nil {
				return err
			}
		}
		fmt.Fprintf(m.Stderr, "%s\n", queueSummary(len(works), f.Offset, total))
		return nil
	}
	for _, w := range works {
		printReviewItem(m.Stdout, newReviewItem(w))
	}
	fmt.Fprintf(m.Stdout, "%s\n", queueSummary(len(works), f.Offset, total))
	if len(works) > 0 {
		fmt.Fprintf(m.Stdout, "Fix with: fanarchive review set WORK FIELD VALUE | confirm WORK [FIELD...] | merge INTO FROM |\n"+
			"          split WORK CHAPTER | mark-fiction WORK | mark-other WORK   (see fanarchive review --help)\n")
	}
	return nil
}

// queueSummary says which part of the queue was shown.
func queueSummary(shown, offset, total int) string {
	switch {
	case total == 0:
		return "No works need review."
	case shown == 0:
		return fmt.Sprintf("%d works need review; none after the first %d.", total, offset)
	case shown == total:
		return fmt.Sprintf("%d works need review.", total)
	}
	return fmt.Sprintf("%d works need review; showing %d–%d.", total, offset+1, offset+shown)
}

// reviewItem is one work of the queue as `review --json` prints it.
type reviewItem struct {
	ID          int64           `json:"id"`
	Title       string          `json:"title"`
	Kind        fanarchive.Kind `json:"kind"`
	Authors     []string        `json:"authors"`
	Fandoms     []string        `json:"fandoms"`
	Chapters    int             `json:"chapters"`
	Words       int             `json:"words"`
	DuplicateOf int64           `json:"duplicate_of,omitempty"`
	Confidence  float64         `json:"confidence"` // the lowest of the work's fields
	Fields      []reviewField   `json:"fields"`     // those below the threshold, least certain first
	Problems    []string        `json:"problems"`
}

// reviewField is one doubtful field with its evidence.
type reviewField struct {
	Field string `json:"field"`
	fanarchive.Evidence
}

func newReviewItem(w *fanarchive.Work) reviewItem {
	it := reviewItem{ID: w.ID, Title: w.Title, Kind: w.Kind, Authors: w.AuthorNames(), Fandoms: w.TagsOf(fanarchive.TagFandom),
		Chapters: len(w.Chapters), Words: w.Words, DuplicateOf: w.DuplicateOf, Confidence: w.ReviewConfidence(),
		Fields: []reviewField{}, Problems: w.Problems}
	for _, f := range w.LowConfidence() {
		it.Fields = append(it.Fields, reviewField{Field: f, Evidence: w.Evidence[f]})
	}
	if it.Problems == nil {
		it.Problems = []string{}
	}
	if it.Fandoms == nil {
		it.Fandoms = []string{}
	}
	return it
}

// printReviewItem prints a work of the queue for a terminal.
func printReviewItem(out io.Writer, it reviewItem) {
	title := it.Title
	if title == "" {
		title = "Untitled"
	}
	facts := []string{string(it.Kind), plural(it.Chapters, "chapter"), plural(it.Words, "word")}
	if len(it.Authors) > 0 {
		facts = append(facts, "by "+strings.Join(it.Authors, " & "))
	}
	if len(it.Fandoms) > 0 {
		facts = append(facts, strings.Join(it.Fandoms, ", "))
	}
	if it.DuplicateOf != 0 {
		facts = append(facts, fmt.Sprintf("duplicate of work %d", it.DuplicateOf))
	}
	fmt.Fprintf(out, "work %d  %q  (%s)\n", it.ID, title, strings.Join(facts, "; "))
	for _, f := range it.Fields {
		line := fmt.Sprintf("  %-13s %.2f  %s", f.Field, f.Confidence, f.Via)
		if f.Detail != "" {
			line += "  " + fmt.Sprintf("%q", shorten(f.Detail, 70))
		}
		fmt.Fprintln(out, line)
	}
	for _, p := range it.Problems {
		fmt.Fprintf(out, "  problem       %s\n", p)
	}
	fmt.Fprintln(out)
}

// plural writes "1 chapter", "3 chapters".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// shorten cuts s to about n characters for one line of a terminal.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// subcommandNames lists the review subcommands for messages.
func (m *Main) subcommandNames() string {
	var names []string
	for _, sub := range m.reviewSubcommands() {
		names = append(names, sub.name)
	}
	return strings.Join(names, ", ")
}

// errNeedArgs is a usage error for a subcommand given the wrong arguments.
func errNeedArgs(name, args string, got []string) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf("review %s needs %s, got %d arguments %q "+
		"(flags go before the arguments; quote a value of several words)", name, args, len(got), got)}
}
