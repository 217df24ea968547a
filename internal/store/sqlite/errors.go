package sqlite

import (
	"errors"
	"fmt"

	"fanarchive"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// mapError turns the SQLite errors a caller can act on into application
// errors, keeping the driver's error in the chain for logs. It is the one
// place that knows SQLite's result codes, and PostgreSQL's SQLSTATEs
// (mapPostgresError). Errors that already carry an application
// code, and everything else, pass through unchanged (and so are EINTERNAL).
func mapError(err error) error {
	if err == nil {
		return nil
	}
	var appErr *fanarchive.Error
	if errors.As(err, &appErr) {
		return err
	}
	if mapped, ok := mapPostgresError(err); ok {
		return mapped
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return fmt.Errorf("%w (%w)", fanarchive.Errorf(fanarchive.ECONFLICT, "It is already stored."), err)
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return fmt.Errorf("%w (%w)", fanarchive.Errorf(fanarchive.EINVALID, "It refers to something that is not stored."), err)
	}
	return err
}
