package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"fanarchive"
)

// DeleteWork removes a work with its chapters and its author and tag links.
// Its sources stay, bytes and all, detached from any work; works marked as its
// duplicates become listed again. Returns ENOTFOUND.
func (s *Store) DeleteWork(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *sql.Tx) error { return s.deleteWorkIn(ctx, tx, id) })
}

// deleteWorkRow deletes a work for good, after unlistWork: it remembers
// its origin, takes it out of its series and deletes its row, which takes
// its chapters, links and history with it. Returns ENOTFOUND.
func (s *Store) deleteWorkRow(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO deleted_origins (origin, work_id, deleted_at)
		SELECT origin, id, ? FROM works WHERE id = ? AND origin IS NOT NULL ON CONFLICT DO NOTHING`, formatTime(s.now()), id); err != nil {
		return fmt.Errorf("delete work %d: remember its origin: %w", id, err)
	}
	if err := leaveAllSeries(ctx, tx, id); err != nil { // series.go
		return err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM works WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete work %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("delete work %d: %w", id, err)
	} else if n == 0 {
		return fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d not found.", id)
	}
	return nil
}
