package cli

import (
	"context"
	"fmt"
	"time"
)

// reindex rebuilds the search index from the works.
func (m *Main) reindex(ctx context.Context, args []string) error {
	fs := m.flagSet("reindex", "", "Rebuild everything search keeps in the database from the works themselves: tag\n"+
		"normalisation, the full-text index and the impact lists of common words, in one\n"+
		"transaction (searches see the old index until it commits). Running `serve` processes\n"+
		"notice and reload their in-memory index; every `serve` also rebuilds that index from the\n"+
		"database when it starts. Imports wait while it runs, so run it when none is going on.")
	data := m.dataFlag(fs)
	impactsOnly := fs.Bool("impacts", false, "rebuild only the impact lists of common words from the full-text index\n"+
		"(minutes at a million works): after the archive has grown or changed much")
	if done, err := m.parse(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("reindex takes no arguments, got %q", fs.Args())}
	}
	logger := m.logger()
	store, err := m.openStore(ctx, *data, logger)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	if *impactsOnly {
		if err := store.BuildTextImpacts(ctx); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Rebuilt the impact lists in %s.\n", time.Since(start).Round(time.Millisecond))
		return nil
	}
	last := time.Now()
	err = store.Reindex(ctx, func(done, total int) {
		if time.Since(last) > 5*time.Second || done == total {
			fmt.Fprintf(m.Stderr, "reindex: %d of %d works\n", done, total)
			last = time.Now()
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Reindexed in %s.\n", time.Since(start).Round(time.Millisecond))
	return nil
}
