package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"fanarchive"
	"fanarchive/internal/search"
)

// Kudos (migration 0016, docs/feedback.md): one per account and work, or
// per guest and work within fanarchive.KudosGuestWindow.

// LeaveKudos records kudos on a work.
func (s *Store) LeaveKudos(ctx context.Context, workID, userID int64, guestKey string) (bool, error) {
	if userID == 0 && guestKey == "" {
		return false, fanarchive.Errorf(fanarchive.EINVALID, "A guest's kudos needs a key.")
	}
	added := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := s.now()
		if ok, err := exists(ctx, tx, `SELECT 1 FROM works WHERE id = ? AND deleted_at IS NULL`, workID); err != nil {
			return err
		} else if !ok {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d not found.", workID)
		}
		var res sql.Result
		var err error
		if userID != 0 {
			if own, err := exists(ctx, tx, `SELECT 1 FROM work_authors wa JOIN authors a ON a.id = wa.author_id
				WHERE wa.work_id = ? AND a.user_id = ?`, workID, userID); err != nil {
				return err
			} else if own {
				return fanarchive.Errorf(fanarchive.EINVALID, "You cannot leave kudos on your own work.")
			}
			if blocked, err := blockedFromWork(ctx, tx, workID, userID); err != nil {
				return err
			} else if blocked {
				return errBlocked
			}
			res, err = tx.ExecContext(ctx, `INSERT INTO kudos (work_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
				workID, userID, formatTime(now))
		} else {
			if seen, err := exists(ctx, tx, `SELECT 1 FROM kudos WHERE guest_key = ? AND work_id = ? AND created_at > ?`,
				guestKey, workID, formatTime(now.Add(-fanarchive.KudosGuestWindow))); err != nil || seen {
				return err
			}
			res, err = tx.ExecContext(ctx, `INSERT INTO kudos (work_id, guest_key, created_at) VALUES (?, ?, ?)`,
				workID, guestKey, formatTime(now))
		}
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err
		}
		added = true
		// The work page shows the kudos: cached pages must change.
		return logChange(ctx, tx, workID, search.OpPut)
	})
	if err != nil {
		return false, fmt.Errorf("kudos on work %d: %w", workID, err)
	}
	return added, nil
}

// FindKudos returns who left kudos on a work.
func (s *Store) FindKudos(ctx context.Context, workID int64, names int) (*fanarchive.KudosSummary, error) {
	k := &fanarchive.KudosSummary{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		var users int
		if err := tx.QueryRowContext(ctx, `SELECT count(*), count(user_id) FROM kudos WHERE work_id = ?`, workID).
			Scan(&k.Total, &users); err != nil {
			return err
		}
		k.Guests = k.Total - users
		rows, err := tx.QueryContext(ctx, `SELECT u.name FROM kudos k JOIN users u ON u.id = k.user_id
			WHERE k.work_id = ? ORDER BY k.created_at DESC, k.id DESC LIMIT ?`, workID, max(names, 0))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return err
			}
			k.Users = append(k.Users, n)
		}
		k.MoreUsers = users - len(k.Users)
		return rows.Err()
	})
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find kudos of work %d: %w", workID, err)
	}
	return k, nil
}

// PurgeKudosGuestKeys forgets guests' keys of kudos left before before.
func (s *Store) PurgeKudosGuestKeys(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE kudos SET guest_key = NULL WHERE guest_key IS NOT NULL AND created_at < ?`, formatTime(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge kudos guest keys: %w", err)
	}
	return int(n), nil
}
