package cli

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"fanarchive"
)

// source writes an original file byte for byte: the archivist's copy. The
// web site's download masks e-mail addresses; this does not.
func (m *Main) source(ctx context.Context, args []string) error {
	fs := m.flagSet("source", "WORK", "Write the original file a work was imported from, byte for byte (e-mail\n"+
		"addresses included, unlike the web site's download), to standard output or --out.")
	data := m.dataFlag(fs)
	part := fs.Int("part", 1, "which of the work's files, for a work made from several")
	out := fs.String("out", "", "write to this `file` instead of standard output")
	if done, err := m.parse(fs, args); done {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("source needs one work id, got %d arguments", fs.NArg())}
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil || id <= 0 {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("work id %q is not a positive number", fs.Arg(0))}
	}
	store, err := m.openStore(ctx, *data, m.logger())
	if err != nil {
		return err
	}
	defer store.Close()
	w, err := store.FindWorkByID(ctx, id)
	if err != nil {
		return err
	}
	if *part < 1 || *part > len(w.Sources) {
		return fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d has %d original files; there is no part %d.", id, len(w.Sources), *part)
	}
	src, err := store.FindSourceByID(ctx, w.Sources[*part-1].ID)
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = m.Stdout.Write(src.Raw)
		return err
	}
	if err := os.WriteFile(*out, src.Raw, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	fmt.Fprintf(m.Stderr, "%s: %d bytes, SHA-256 %s\n", *out, len(src.Raw), src.SHA256)
	return nil
}
