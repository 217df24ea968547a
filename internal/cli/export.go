package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fanarchive/internal/export"
)

// exportArchive writes the archive's works to a portable folder.
func (m *Main) exportArchive(ctx context.Context, args []string) error {
	fs := m.flagSet("export", "--out DIR", "Write every work of the archive to the folder DIR (new or empty): one JSON file per work\n"+
		"(metadata, tags, notes, chapters' HTML, sources' details) under works/, every original file\n"+
		"byte for byte under sources/, and manifest.json with the SHA-256 of each file. The same\n"+
		"archive always exports to the same bytes. Private addresses, accounts, drafts, deleted\n"+
		"works, comments, lists and mail are left out (a backup keeps them).\n"+
		"'fanarchive import DIR' reads the folder back.")
	data := m.dataFlag(fs)
	out := fs.String("out", "", "the `folder` to write (required; must not exist or be empty)")
	at := fs.String("time", "now", "the export time written to the manifest: RFC 3339, 'now', or 'none' to leave it out")
	if done, err := m.parse(fs, args); done {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return &ExitError{Code: ExitUsage, Err: errors.New("export takes --out DIR and no arguments")}
	}
	var opts export.Options
	switch *at {
	case "none", "":
	case "now":
		opts.ExportedAt = time.Now().UTC().Truncate(time.Second)
	default:
		t, err := time.Parse(time.RFC3339Nano, *at)
		if err != nil {
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--time %q is not an RFC 3339 time, 'now' or 'none'", *at)}
		}
		opts.ExportedAt = t
	}
	store, err := m.openStore(ctx, *data, m.logger())
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	last := start
	opts.Progress = func(done, total int) {
		if time.Since(last) > 5*time.Second {
			fmt.Fprintf(m.Stderr, "export: %d of %d works\n", done, total)
			last = time.Now()
		}
	}
	man, err := export.Write(ctx, store, *out, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Exported %d works (%d chapters) and %d original files to %s in %s.\n",
		man.Works, man.Chapters, man.Sources, *out, time.Since(start).Round(time.Millisecond))
	return nil
}

// importExport reads an export folder back into the archive.
func (m *Main) importExport(ctx context.Context, data, dir string, dryRun bool) error {
	folder, err := export.Open(dir)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%s is an export folder that cannot be imported: %w", dir, err)}
	}
	man := folder.Manifest
	if dryRun {
		fmt.Fprintf(m.Stderr, "dry run: export %s checked: %d works, %d original files; nothing was changed\n", dir, man.Works, man.Sources)
		return nil
	}
	store, err := m.openStore(ctx, data, m.logger())
	if err != nil {
		return err
	}
	defer store.Close()
	rep, err := folder.Import(ctx, store, "import "+dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "export %s: %d works: %d created, %d already present\n", dir, rep.Works, rep.Created, rep.Present)
	if rep.SeriesDropped > 0 {
		fmt.Fprintf(m.Stderr, "  %d works were in series, which were not made again (series belong to accounts)\n", rep.SeriesDropped)
	}
	return nil
}
