package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fanarchive/internal/store/sqlite"
)

// migrateDB copies a whole archive from one database to another.
func (m *Main) migrateDB(ctx context.Context, args []string) error {
	fs := m.flagSet("migrate-db", "--to DATABASE [--from DATABASE]", "Copy the whole archive (works, original files, accounts, lists, mail queue, everything)\n"+
		"from one database to another, typically from SQLite to PostgreSQL when a community outgrows\n"+
		"one machine. DATABASE is sqlite:PATH or a postgres:// URL; --from defaults to the SQLite file in\n"+
		"--data. The target must be new and empty (createdb), or one a copy was cut short in: run\n"+
		"again and it goes on from the first table it had not finished. The copy reads one moment of\n"+
		"the source (stop serve, or what is written meanwhile is not copied), then rebuilds the\n"+
		"target's full-text index and verifies every table's row count and every original file's\n"+
		"SHA-256 before it reports success.")
	data := fs.String("data", m.env("FANARCHIVE_DATA", "fanarchive-data"), "data `directory` whose SQLite file is the default --from (env FANARCHIVE_DATA)")
	from := fs.String("from", "", "the `database` to copy from: sqlite:PATH or postgres://… (default: sqlite:DATA/fanarchive.db)")
	to := fs.String("to", "", "the `database` to copy into: postgres://… or sqlite:PATH (required)")
	if done, err := m.parse(fs, args); done {
		return err
	}
	if *to == "" || fs.NArg() > 0 {
		return &ExitError{Code: ExitUsage, Err: errors.New("migrate-db takes --to DATABASE, optionally --from DATABASE, and no arguments")}
	}
	if *from == "" {
		*from = "sqlite:" + filepath.Join(*data, databaseFile)
	}
	if *from == *to {
		return &ExitError{Code: ExitUsage, Err: errors.New("--from and --to name the same database")}
	}
	if path, ok := strings.CutPrefix(*from, "sqlite:"); ok {
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("no archive to copy: %w", err)
		}
	}
	logger := m.logger()
	src, err := openDatabase(ctx, *from, *data, logger)
	if err != nil {
		return fmt.Errorf("open --from: %w", err)
	}
	defer src.Close()
	dst, err := openDatabase(ctx, *to, *data, logger)
	if err != nil {
		return fmt.Errorf("open --to: %w", err)
	}
	defer dst.Close()

	start := time.Now()
	last := time.Time{}
	sum, err := sqlite.Copy(ctx, src, dst, func(table string, rows, total int64) error {
		if now := time.Now(); rows == 0 || rows == total || now.Sub(last) > 2*time.Second {
			last = now
			fmt.Fprintf(m.Stderr, "%s: %d of %d\n", table, rows, total)
		}
		return ctx.Err()
	})
	if err != nil {
		return fmt.Errorf("migrate-db %s → %s (run it again to go on): %w", src.Path(), dst.Path(), err)
	}
	fmt.Fprintf(m.Stdout, "Copied %d works, %d original files (SHA-256 checked) and %d accounts from %s to %s: %d tables, %d rows", sum.Works, sum.Sources, sum.Users,
		src.Path(), dst.Path(), sum.Tables, sum.Rows)
	if sum.Resumed > 0 {
		fmt.Fprintf(m.Stdout, " (%d tables copied by an earlier run)", sum.Resumed)
	}
	fmt.Fprintf(m.Stdout, ", verified, in %s.\n", time.Since(start).Round(time.Millisecond))
	return nil
}
