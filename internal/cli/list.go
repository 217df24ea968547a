package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"fanarchive"
)

// listCommand runs the archive's mailing lists from the command line
// (docs/lists.md): making and changing lists, their moderators, and the
// operator's view of their members (addresses shown).
func (m *Main) listCommand(ctx context.Context, args []string) error {
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "Usage: fanarchive list <subcommand> [flags] [arguments]\n\nSubcommands:\n"+
			"  create NAME --address ADDR [flags]     make a list (see 'fanarchive list create --help')\n"+
			"  set NAME [flags]                       change a list's settings (the same flags)\n"+
			"  show NAME [--json]                     show a list's settings, moderators and members count\n"+
			"  ls [--json]                            list the lists\n"+
			"  moderator NAME USER [--remove]         make an account a moderator of a list (or not)\n"+
			"  members NAME [--state S] [--json]      list a list's members, with their addresses\n"+
			"  post NAME [FILE]                       hand a message (FILE or stdin) to the list, as by SMTP (an MTA's pipe)\n"+
			"  import NAME MBOX...                    fill the list's archive from an old list's mbox (nothing is mailed)\n"+
			"  digest NAME                            queue the list's digest now\n\n"+
			"Example: fanarchive list create level3 --address level3@lists.example.org --fandom Smallville\n")
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) == 0 {
			usage(m.Stderr)
			return &ExitError{Code: ExitUsage, Err: errors.New("list needs a subcommand"), Silent: true}
		}
		usage(m.Stdout)
		return nil
	}
	switch args[0] {
	case "create":
		return m.listCreate(ctx, args[1:])
	case "set":
		return m.listSet(ctx, args[1:])
	case "show":
		return m.listShow(ctx, args[1:])
	case "ls":
		return m.listLs(ctx, args[1:])
	case "moderator":
		return m.listModerator(ctx, args[1:])
	case "members":
		return m.listMembers(ctx, args[1:])
	case "post":
		return m.listPost(ctx, args[1:])
	case "import":
		return m.listImport(ctx, args[1:])
	case "digest":
		return m.listDigest(ctx, args[1:])
	}
	usage(m.Stderr)
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf("unknown list subcommand %q", args[0])}
}

// stringsFlag is a flag that may be given several times.
type stringsFlag []string

func (f *stringsFlag) String() string     { return strings.Join(*f, ", ") }
func (f *stringsFlag) Set(v string) error { *f = append(*f, v); return nil }

// listFlags are the settings list create and list set take.
type listFlags struct {
	address, title, description, rules, policy, announce, subjectTag *string
	maxSize                                                          *int64
	digestHour                                                       *int
	noWorks, works                                                   *bool
	fandoms                                                          stringsFlag
}

// valued names the flags that take a value, for interleaved.
var listValued = map[string]bool{"data": true, "address": true, "title": true, "description": true, "rules": true,
	"policy": true, "announce": true, "subject-tag": true, "max-size": true, "digest-hour": true, "fandom": true,
	"state": true}

func addListFlags(fs *flag.FlagSet) *listFlags {
	f := &listFlags{
		address:     fs.String("address", "", "the list's posting `address`, NAME@domain"),
		title:       fs.String("title", "", "the list's `title` (default its name)"),
		description: fs.String("description", "", "what the list is about, shown on its page"),
		rules:       fs.String("rules", "", "the list's rules, shown on its page and in its welcome"),
		policy:      fs.String("policy", "", "who posts without a moderator: members (default), moderated (nobody) or open (anyone)"),
		announce:    fs.String("announce", "", "what the list takes of works posted on the site: none (default), summary or full"),
		subjectTag:  fs.String("subject-tag", "", "put before posts' subjects (default \"[NAME]\"; '' for none)"),
		maxSize:     fs.Int64("max-size", 0, "the largest post in `bytes` (default 2 MB)"),
		digestHour:  fs.Int("digest-hour", 0, "the `hour` (0-23, UTC) the daily digest goes out"),
		noWorks:     fs.Bool("no-works", false, "keep story posts in the message archive only, not as works"),
		works:       fs.Bool("works", false, "file story posts as works (the default; undoes --no-works)"),
	}
	fs.Var(&f.fandoms, "fandom", "a `fandom` of the list (repeat for several; with set, replaces them)")
	return f
}

// apply sets on l the settings whose flags were given.
func (f *listFlags) apply(fs *flag.FlagSet, l *fanarchive.List) error {
	var err error
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "address":
			l.Address = *f.address
		case "title":
			l.Title = *f.title
		case "description":
			l.Description = *f.description
		case "rules":
			l.Rules = *f.rules
		case "policy":
			l.Policy = fanarchive.ListPolicy(*f.policy)
		case "announce":
			l.Announce = fanarchive.AnnounceMode(*f.announce)
		case "subject-tag":
			l.SubjectTag = *f.subjectTag
		case "max-size":
			l.MaxSize = *f.maxSize
			if l.MaxSize <= 0 {
				err = errors.New("--max-size must be a number of bytes")
			}
		case "digest-hour":
			l.DigestHour = *f.digestHour
		case "no-works":
			l.ArchiveWorks = !*f.noWorks
		case "works":
			l.ArchiveWorks = *f.works
		case "fandom":
			l.Fandoms = f.fandoms
		}
	})
	if *f.noWorks && *f.works {
		err = errors.New("--works and --no-works contradict each other")
	}
	return err
}

// listFailure turns a store's refusal into the message the operator sees.
func listFailure(err error) error {
	switch fanarchive.ErrorCode(err) {
	case fanarchive.EINVALID, fanarchive.ECONFLICT, fanarchive.ENOTFOUND:
		return &ExitError{Code: ExitFailure, Err: errors.New(fanarchive.ErrorMessage(err))}
	}
	return err
}

// findNamedList opens the store and finds the list NAME.
func (m *Main) findNamedList(ctx context.Context, data, name string) (fanarchive.Store, *fanarchive.List, error) {
	store, err := m.openStore(ctx, data, m.logger())
	if err != nil {
		return nil, nil, err
	}
	l, err := store.FindList(ctx, name)
	if err != nil {
		store.Close()
		if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
			return nil, nil, &ExitError{Code: ExitFailure, Err: fmt.Errorf("there is no list %q", name)}
		}
		return nil, nil, err
	}
	return store, l, nil
}

func (m *Main) listCreate(ctx context.Context, args []string) error {
	fs := m.flagSet("list create", "NAME --address ADDR", "Make a mailing list. NAME is its short name: the local part of its address and its URL (/lists/NAME).")
	data := m.dataFlag(fs)
	lf := addListFlags(fs)
	flags, pos := interleaved(args, listValued)
	if done, err := m.parse(fs, flags); done {
		return err
	}
	if len(pos) != 1 || *lf.address == "" {
		fs.Usage()
		return &ExitError{Code: ExitUsage, Err: errors.New("list create needs one NAME and --address")}
	}
	l := &fanarchive.List{Name: pos[0], ArchiveWorks: true, SubjectTag: "[" + pos[0] + "]"}
	if err := lf.apply(fs, l); err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	store, err := m.openStore(ctx, *data, m.logger())
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.CreateList(ctx, l); err != nil {
		return listFailure(err)
	}
	fmt.Fprintf(m.Stdout, "Made list %d, %s <%s>.\n", l.ID, l.Name, l.Address)
	return nil
}

func (m *Main) listSet(ctx context.Context, args []string) error {
	fs := m.flagSet("list set", "NAME [flags]", "Change a list's settings: only the flags given change. A list's name cannot change.")
	data := m.dataFlag(fs)
	lf := addListFlags(fs)
	flags, pos := interleaved(args, listValued)
	if done, err := m.parse(fs, flags); done {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return &ExitError{Code: ExitUsage, Err: errors.New("list set needs one NAME")}
	}
	if fs.NFlag() == 0 || (fs.NFlag() == 1 && isFlagSet(fs, "data")) {
		return &ExitError{Code: ExitUsage, Err: errors.New("list set needs a setting to change")}
	}
	store, l, err := m.findNamedList(ctx, *data, pos[0])
	if err != nil {
		return err
	}
	defer store.Close()
	if err := lf.apply(fs, l); err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	if err := store.UpdateList(ctx, l); err != nil {
		return listFailure(err)
	}
	fmt.Fprintf(m.Stdout, "Changed list %s.\n", l.Name)
	return nil
}

// isFlagSet reports whether the flag name was given.
func isFlagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func (m *Main) listShow(ctx context.Context, args []string) error {
	fs := m.flagSet("list show", "NAME", "Show a list's settings, moderators and how many members it has.")
	data := m.dataFlag(fs)
	asJSON := fs.Bool("json", false, "print the list as one JSON object")
	flags, pos := interleaved(args, listValued)
	if done, err := m.parse(fs, flags); done {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return &ExitError{Code: ExitUsage, Err: errors.New("list show needs one NAME")}
	}
	store, l, err := m.findNamedList(ctx, *data, pos[0])
	if err != nil {
		return err
	}
	defer store.Close()
	if *asJSON {
		return json.NewEncoder(m.Stdout).Encode(l)
	}
	var mods []string
	for _, id := range l.Moderators {
		name := fmt.Sprintf("#%d", id)
		if u, err := store.FindUserByID(ctx, id); err == nil {
			name = u.Name
		}
		mods = append(mods, name)
	}
	_, held, err := store.FindListMessages(ctx, fanarchive.ListMessageFilter{ListID: l.ID, State: fanarchive.ListMessageHeld, Limit: 1})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	for _, row := range [][2]string{
		{"Name", l.Name}, {"Address", l.Address}, {"Title", l.Title}, {"Fandoms", strings.Join(l.Fandoms, ", ")},
		{"Policy", string(l.Policy)}, {"Max size", fmt.Sprintf("%d bytes", l.MaxSize)},
		{"Works", map[bool]string{true: "story posts are filed as works", false: "no (message archive only)"}[l.ArchiveWorks]},
		{"Announce", string(l.Announce)}, {"Digest hour", fmt.Sprintf("%02d:00 UTC", l.DigestHour)},
		{"Subject tag", l.SubjectTag}, {"Moderators", strings.Join(mods, ", ")},
		{"Members", fmt.Sprint(l.Members)}, {"Held posts", fmt.Sprint(held)},
		{"Created", l.CreatedAt.Local().Format("2006-01-02 15:04")},
	} {
		fmt.Fprintf(tw, "%s:\t%s\n", row[0], row[1])
	}
	if l.Description != "" {
		fmt.Fprintf(tw, "Description:\t%s\n", oneLine(l.Description))
	}
	if l.Rules != "" {
		fmt.Fprintf(tw, "Rules:\t%s\n", oneLine(l.Rules))
	}
	return tw.Flush()
}

// oneLine folds text's line breaks for a table cell.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func (m *Main) listLs(ctx context.Context, args []string) error {
	fs := m.flagSet("list ls", "", "List the archive's mailing lists by name.")
	data := m.dataFlag(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per list")
	if done, err := m.parse(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("list ls takes no arguments, got %q", fs.Args())}
	}
	store, err := m.openStore(ctx, *data, m.logger())
	if err != nil {
		return err
	}
	defer store.Close()
	lists, err := store.FindLists(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		for _, l := range lists {
			if err := enc.Encode(l); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tADDRESS\tPOLICY\tMEMBERS\tTITLE")
	for _, l := range lists {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\n", l.ID, l.Name, l.Address, l.Policy, l.Members, l.Title)
	}
	return tw.Flush()
}

func (m *Main) listModerator(ctx context.Context, args []string) error {
	fs := m.flagSet("list moderator", "NAME USER", "Make the account USER a moderator of the list NAME, or no longer one with --remove.")
	data := m.dataFlag(fs)
	remove := fs.Bool("remove", false, "remove the moderator instead")
	flags, pos := interleaved(args, listValued)
	if done, err := m.parse(fs, flags); done {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return &ExitError{Code: ExitUsage, Err: errors.New("list moderator needs NAME and USER")}
	}
	store, l, err := m.findNamedList(ctx, *data, pos[0])
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.FindUserByName(ctx, pos[1])
	if err != nil {
		if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
			return &ExitError{Code: ExitFailure, Err: fmt.Errorf("there is no account %q", pos[1])}
		}
		return err
	}
	if err := store.SetListModerator(ctx, l.ID, u.ID, !*remove); err != nil {
		return listFailure(err)
	}
	if *remove {
		fmt.Fprintf(m.Stdout, "%s no longer moderates %s.\n", u.Name, l.Name)
	} else {
		fmt.Fprintf(m.Stdout, "%s moderates %s.\n", u.Name, l.Name)
	}
	return nil
}

func (m *Main) listMembers(ctx context.Context, args []string) error {
	fs := m.flagSet("list members", "NAME", "List a list's members by address: state, delivery mode, bounces. Addresses are private: this is the operator's view.")
	data := m.dataFlag(fs)
	state := fs.String("state", "", "only members in this `state`: pending, active, disabled, unsubscribed or banned")
	asJSON := fs.Bool("json", false, "print one JSON object per member")
	flags, pos := interleaved(args, listValued)
	if done, err := m.parse(fs, flags); done {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return &ExitError{Code: ExitUsage, Err: errors.New("list members needs one NAME")}
	}
	store, l, err := m.findNamedList(ctx, *data, pos[0])
	if err != nil {
		return err
	}
	defer store.Close()
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	if !*asJSON {
		fmt.Fprintln(tw, "ID\tADDRESS\tNAME\tSTATE\tMODE\tBOUNCES\tJOINED")
	}
	enc := json.NewEncoder(m.Stdout)
	for offset := 0; ; {
		members, total, err := store.FindMembers(ctx, l.ID, fanarchive.MemberFilter{State: fanarchive.MemberState(*state), Offset: offset, Limit: 1000})
		if err != nil {
			return listFailure(err)
		}
		for _, mb := range members {
			if *asJSON {
				if err := enc.Encode(mb); err != nil {
					return err
				}
				continue
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%s\n", mb.ID, mb.Address, mb.Name, mb.State, mb.Mode, mb.Bounces,
				mb.CreatedAt.Local().Format("2006-01-02"))
		}
		offset += len(members)
		if len(members) == 0 || offset >= total {
			break
		}
	}
	return tw.Flush()
}
