package cli

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"

	"fanarchive"
	"fanarchive/internal/store/sqlite"
)

// databaseFile is the SQLite file's name inside the data directory.
const databaseFile = "fanarchive.db"

// openStore opens (creating if needed) the archive the command's --db
// names: a PostgreSQL database for a postgres:// URL, the SQLite file of a
// sqlite:PATH, and by default the SQLite file in the data directory.
func (m *Main) openStore(ctx context.Context, dataDir string, logger *slog.Logger) (*sqlite.Store, error) {
	db := ""
	if m.db != nil {
		db = *m.db
	}
	return openDatabase(ctx, db, dataDir, logger)
}

// openDatabase opens the archive db names (see openStore).
func openDatabase(ctx context.Context, db, dataDir string, logger *slog.Logger) (*sqlite.Store, error) {
	switch {
	case db == "":
		return sqlite.Open(ctx, filepath.Join(dataDir, databaseFile), logger)
	case sqlite.IsPostgresDSN(db):
		return sqlite.OpenPostgres(ctx, db, logger)
	case strings.HasPrefix(db, "sqlite:"):
		return sqlite.Open(ctx, strings.TrimPrefix(db, "sqlite:"), logger)
	}
	return nil, fanarchive.Errorf(fanarchive.EINVALID, "--db %q is neither a postgres:// URL nor sqlite:PATH.", db)
}
