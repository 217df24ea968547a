package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"fanarchive"
	"fanarchive/internal/tags"
)

// tagsCommand wrangles tags: synonyms, renames, merges and proposals.
func (m *Main) tagsCommand(ctx context.Context, args []string) error {
	subs := []struct {
		name, args, about string
		nargs             int
		run               func(s fanarchive.TagService, a []string) error
	}{
		{"synonym", "KIND NAME CANONICAL", "Make the tag NAME a synonym of CANONICAL: filtering on CANONICAL finds works tagged NAME.\n" +
			"NAME's own synonyms follow it.", 3,
			func(s fanarchive.TagService, a []string) error {
				return s.SetTagSynonym(ctx, fanarchive.TagKind(a[0]), a[1], a[2])
			}},
		{"rename", "KIND OLD NEW", "Rename a tag. Fails if NEW already exists; merge the two instead.", 3,
			func(s fanarchive.TagService, a []string) error {
				return s.RenameTag(ctx, fanarchive.TagKind(a[0]), a[1], a[2])
			}},
		{"merge", "KIND FROM INTO", "Re-tag every work tagged FROM with INTO, and keep FROM as a synonym of INTO so links\n" +
			"and later imports of that spelling still find them.", 3,
			func(s fanarchive.TagService, a []string) error {
				return s.MergeTags(ctx, fanarchive.TagKind(a[0]), a[1], a[2])
			}},
	}
	usage := func() {
		fmt.Fprintf(m.Stdout, "Usage: fanarchive tags <subcommand> [flags] [arguments]\n\nSubcommands:\n")
		for _, s := range subs {
			fmt.Fprintf(m.Stdout, "  %-8s %s\n", s.name, s.args)
		}
		fmt.Fprintf(m.Stdout, "  %-8s list likely synonyms to review\n\nKINDs: %v\n", "suggest", fanarchive.TagKinds)
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage()
		if len(args) == 0 {
			return &ExitError{Code: ExitUsage, Err: errors.New("tags needs a subcommand"), Silent: true}
		}
		return nil
	}
	if args[0] == "suggest" {
		return m.tagsSuggest(ctx, args[1:])
	}
	for _, sub := range subs {
		if sub.name != args[0] {
			continue
		}
		fs := m.flagSet("tags "+sub.name, sub.args, sub.about+fmt.Sprintf("\n\nKIND is one of %v.", fanarchive.TagKinds))
		data := m.dataFlag(fs)
		if done, err := m.parse(fs, args[1:]); done {
			return err
		}
		if fs.NArg() != sub.nargs {
			fs.Usage()
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("tags %s needs %s", sub.name, sub.args)}
		}
		store, err := m.openStore(ctx, *data, m.logger())
		if err != nil {
			return err
		}
		defer store.Close()
		if err := sub.run(store, fs.Args()); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Done: tags %s %s.\n", sub.name, strings.Join(quoteAll(fs.Args()), " "))
		return nil
	}
	usage()
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf("unknown tags subcommand %q", args[0])}
}

// tagsSuggest prints proposed synonyms.
func (m *Main) tagsSuggest(ctx context.Context, args []string) error {
	fs := m.flagSet("tags suggest", "", "List tags that are probably synonyms, with the reason for each, for an archivist to\n"+
		"review (and apply with `fanarchive tags synonym`). Nothing is changed.")
	data := m.dataFlag(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per proposal")
	if done, err := m.parse(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("tags suggest takes no arguments, got %q", fs.Args())}
	}
	store, err := m.openStore(ctx, *data, m.logger())
	if err != nil {
		return err
	}
	defer store.Close()
	usages, err := store.TagUsages(ctx)
	if err != nil {
		return err
	}
	proposals := tags.ProposeSynonyms(usages)
	enc := json.NewEncoder(m.Stdout)
	enc.SetEscapeHTML(false)
	for _, p := range proposals {
		if *asJSON {
			if err := enc.Encode(p); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(m.Stdout, "%s %q -> %q (%d works)\n    %s\n    fanarchive tags synonym %s %s %s\n",
			p.Kind, p.Name, p.Canonical, p.Works, p.Reason, p.Kind, shellQuote(p.Name), shellQuote(p.Canonical))
	}
	if !*asJSON {
		fmt.Fprintf(m.Stdout, "%d proposals.\n", len(proposals))
	}
	return nil
}

func quoteAll(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = fmt.Sprintf("%q", a)
	}
	return out
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
