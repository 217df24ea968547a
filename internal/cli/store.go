package cli

import (
	"context"
	"log/slog"
	"path/filepath"

	"fanarchive/internal/store/sqlite"
)

// databaseFile is the SQLite file's name inside the data directory.
const databaseFile = "fanarchive.db"

// openStore opens (creating if needed) the archive in the data directory.
func openStore(ctx context.Context, dataDir string, logger *slog.Logger) (*sqlite.Store, error) {
	return sqlite.Open(ctx, filepath.Join(dataDir, databaseFile), logger)
}
