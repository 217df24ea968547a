package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fanarchive"
	"fanarchive/internal/store/sqlite"
)

// reviewSub is a subcommand of `review`: its name, its arguments, a line
// for the list of subcommands, its help, how many arguments it takes (at
// least min, at most max; max < 0 is no limit), and what it does.
type reviewSub struct {
	name, args, summary, about string
	min, max                   int
	run                        func(m *Main, ctx context.Context, s *sqlite.Store, by string, a []string, asJSON bool) error
}

func (m *Main) reviewSubcommands() []reviewSub {
	fields := strings.Join(fanarchive.EditableFields, ", ")
	return []reviewSub{
		{"set", "WORK FIELD VALUE", "give a field a value",
			"Set FIELD of work WORK to VALUE, as the archivist's (confidence 1), clearing the problems it\n" +
				"settles (e.g. \"no title found\"). FIELD is one of " + fields + ".\n" +
				"Lists are comma-separated (authors may also use \"&\") and replace the old list; rating is\n" +
				"General, Teen, Mature, Explicit or Not Rated; complete is true or false; kind is fiction or\n" +
				"other; duplicate_of is a work ID, or 0 for none. An empty VALUE (\"\") clears a text or list.",
			3, 3, (*Main).reviewSet},
		{"confirm", "WORK [FIELD...]", "accept fields as the importer found them",
			"Accept FIELDs of work WORK as they are: their confidence becomes 1, their problems are cleared\n" +
				"and inferred tags of a confirmed tag list become the archivist's. With no FIELD, confirm every\n" +
				"doubtful field and clear every problem. FIELD is one of " + strings.Join(fanarchive.ReviewFields, ", ") + ".",
			1, -1, (*Main).reviewConfirm},
		{"merge", "INTO FROM", "append work FROM's chapters to work INTO",
			"Append the chapters of work FROM to work INTO and delete FROM. INTO keeps its fields; FROM adds\n" +
				"its sources, authors, tags and notes, and fills INTO's missing title, summary, language,\n" +
				"rating, authors or fandoms. Importing FROM's files again reports them as already present\n" +
				"in INTO. FROM's edit history moves to INTO.",
			2, 2, (*Main).reviewMerge},
		{"split", "WORK CHAPTER", "move chapters CHAPTER.. to a new work",
			"Move chapters CHAPTER to the last of work WORK into a new work with the same authors, tags,\n" +
				"notes and rating, titled \"<title> (part 2)\" until you set its title. CHAPTER is 2 or more.\n" +
				"Importing the files again finds the original work; nothing is made twice.",
			2, 2, (*Main).reviewSplit},
		{"mark-fiction", "WORK", "list the work as fiction",
			"Mark work WORK as fiction: it is listed and found by search.", 1, 1, (*Main).reviewMarkFiction},
		{"mark-other", "WORK", "keep the work aside as not fiction",
			"Mark work WORK as another kind of document (a review, an FAQ): it is kept with its sources but\n" +
				"no longer listed or found by search.", 1, 1, (*Main).reviewMarkOther},
		{"history", "WORK", "list the edits made to a work",
			"List the recorded edits of work WORK, oldest first: what was changed, from what to what, by whom\n" +
				"and when. Edits of works merged into it are included.", 1, 1, (*Main).reviewHistory},
	}
}

// reviewEdit parses a subcommand's flags and arguments and runs it.
func (m *Main) reviewEdit(ctx context.Context, sub reviewSub, args []string) error {
	fs := m.flagSet("review "+sub.name, sub.args, sub.about)
	data := m.dataFlag(fs)
	by := fs.String("by", m.env("USER", "archivist"), "`name` of the archivist, recorded with the edit ($USER, or archivist, when not given)")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	if done, err := m.parse(fs, args); done {
		return err
	}
	if n := fs.NArg(); n < sub.min || (sub.max >= 0 && n > sub.max) {
		fs.Usage()
		return errNeedArgs(sub.name, sub.args, fs.Args())
	}
	if err := fanarchive.CheckEditor(*by); err != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--by: %s", fanarchive.ErrorMessage(err))}
	}
	store, err := m.openStore(ctx, *data, m.logger())
	if err != nil {
		return err
	}
	defer store.Close()
	if err := sub.run(m, ctx, store, *by, fs.Args(), *asJSON); err != nil {
		var exit *ExitError
		if !errors.As(err, &exit) {
			err = &ExitError{Code: ExitFailure, Err: err}
		}
		return err
	}
	return nil
}

// workArg reads a work ID argument.
func workArg(name, s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s must be a work ID (a positive number), got %q", name, s)}
	}
	return id, nil
}

// lastEdits prints the newest n edits of a work, as confirmation of what
// was done.
func (m *Main) lastEdits(ctx context.Context, s *sqlite.Store, id int64, n int, asJSON bool) error {
	edits, err := s.FindWorkEdits(ctx, id)
	if err != nil {
		return err
	}
	return m.printEdits(edits[max(0, len(edits)-n):], asJSON)
}

func (m *Main) reviewSet(ctx context.Context, s *sqlite.Store, by string, a []string, asJSON bool) error {
	id, err := workArg("WORK", a[0])
	if err != nil {
		return err
	}
	if !slices.Contains(fanarchive.EditableFields, a[1]) {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("unknown field %q; fields that can be set are: %s",
			a[1], strings.Join(fanarchive.EditableFields, ", "))}
	}
	if err := s.UpdateWorkField(ctx, id, a[1], a[2], by); err != nil {
		return err
	}
	return m.lastEdits(ctx, s, id, 1, asJSON)
}

func (m *Main) reviewConfirm(ctx context.Context, s *sqlite.Store, by string, a []string, asJSON bool) error {
	id, err := workArg("WORK", a[0])
	if err != nil {
		return err
	}
	for _, f := range a[1:] {
		if !slices.Contains(fanarchive.ReviewFields, f) {
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("unknown field %q; fields are: %s", f, strings.Join(fanarchive.ReviewFields, ", "))}
		}
	}
	before, err := s.FindWorkEdits(ctx, id)
	if err != nil {
		return err
	}
	if err := s.ConfirmWork(ctx, id, a[1:], by); err != nil {
		return err
	}
	after, err := s.FindWorkEdits(ctx, id)
	if err != nil {
		return err
	}
	if len(after) == len(before) && !asJSON {
		fmt.Fprintf(m.Stdout, "Work %d had nothing left to confirm.\n", id)
		return nil
	}
	return m.printEdits(after[len(before):], asJSON)
}

func (m *Main) reviewMerge(ctx context.Context, s *sqlite.Store, by string, a []string, asJSON bool) error {
	into, err := workArg("INTO", a[0])
	if err != nil {
		return err
	}
	from, err := workArg("FROM", a[1])
	if err != nil {
		return err
	}
	if err := s.MergeWorks(ctx, into, from, by); err != nil {
		return err
	}
	return m.lastEdits(ctx, s, into, 1, asJSON)
}

func (m *Main) reviewSplit(ctx context.Context, s *sqlite.Store, by string, a []string, asJSON bool) error {
	id, err := workArg("WORK", a[0])
	if err != nil {
		return err
	}
	at, err := strconv.Atoi(a[1])
	if err != nil || at < 2 {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("CHAPTER must be the number of the first chapter to move, 2 or more; got %q", a[1])}
	}
	newID, err := s.SplitWork(ctx, id, at, by)
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(m.Stdout).Encode(map[string]int64{"work": id, "new_work": newID})
	}
	fmt.Fprintf(m.Stdout, "Work %d split: chapters %d on are now work %d. Name it with:\n  fanarchive review set %d title \"…\"\n",
		id, at, newID, newID)
	return nil
}

func (m *Main) reviewMarkFiction(ctx context.Context, s *sqlite.Store, by string, a []string, asJSON bool) error {
	return m.reviewMark(ctx, s, by, a[0], fanarchive.KindFiction, asJSON)
}

func (m *Main) reviewMarkOther(ctx context.Context, s *sqlite.Store, by string, a []string, asJSON bool) error {
	return m.reviewMark(ctx, s, by, a[0], fanarchive.KindOther, asJSON)
}

func (m *Main) reviewMark(ctx context.Context, s *sqlite.Store, by, arg string, kind fanarchive.Kind, asJSON bool) error {
	id, err := workArg("WORK", arg)
	if err != nil {
		return err
	}
	if err := s.UpdateWorkField(ctx, id, fanarchive.FieldKind, string(kind), by); err != nil {
		return err
	}
	return m.lastEdits(ctx, s, id, 1, asJSON)
}

func (m *Main) reviewHistory(ctx context.Context, s *sqlite.Store, _ string, a []string, asJSON bool) error {
	id, err := workArg("WORK", a[0])
	if err != nil {
		return err
	}
	edits, err := s.FindWorkEdits(ctx, id)
	if err != nil {
		return err
	}
	if len(edits) == 0 && !asJSON {
		fmt.Fprintf(m.Stdout, "Work %d has not been edited.\n", id)
		return nil
	}
	return m.printEdits(edits, asJSON)
}

// printEdits prints edits one a line, as text or JSON.
func (m *Main) printEdits(edits []*fanarchive.WorkEdit, asJSON bool) error {
	enc := json.NewEncoder(m.Stdout)
	enc.SetEscapeHTML(false)
	for _, e := range edits {
		if asJSON {
			if err := enc.Encode(e); err != nil {
				return err
			}
			continue
		}
		what := e.Op
		if e.Field != "" {
			what += " " + e.Field
		}
		fmt.Fprintf(m.Stdout, "%s  work %d  %-18s %s → %s  (by %s)\n", e.At.Local().Format("2006-01-02 15:04"), e.WorkID, what,
			quoted(e.Old), quoted(e.New), e.By)
	}
	return nil
}

// quoted quotes a value, shortened to one line, so that an empty one shows.
func quoted(s string) string {
	return strconv.Quote(shorten(s, 80))
}
