package cli

import (
	"context"
	"fmt"
	"time"
)

// reindex rebuilds the search index from the works.
func (m *Main) reindex(ctx context.Context, args []string) error {
	fs := m.flagSet("reindex", "", "Rebuild everything search keeps in the database from the works themselves: tag\n"+
		"normalisation and the full-text index, in one transaction (searches see the old index\n"+
		"until it commits). Running `serve` processes notice and reload their in-memory index;\n"+
		"every `serve` also rebuilds that index from the database when it starts. Imports wait\n"+
		"while it runs, so run it when none is going on.")
	data := m.dataFlag(fs)
	if done, err := m.parse(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("reindex takes no arguments, got %q", fs.Args())}
	}
	logger := m.logger()
	store, err := openStore(ctx, *data, logger)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
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
