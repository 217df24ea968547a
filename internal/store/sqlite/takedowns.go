package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"fanarchive"
)

// Takedown requests (migration 0014): a queue for archivists, and the
// record of what they did.

// RequestTakedown records a pending takedown request.
func (s *Store) RequestTakedown(ctx context.Context, t *fanarchive.Takedown) error {
	if err := fanarchive.ValidateTakedownReason(t.Reason); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := s.now().UTC()
		u, err := findUser(ctx, tx, `u.id = ?`, t.UserID)
		if err != nil {
			return err
		}
		var title string
		if err := tx.QueryRowContext(ctx, `SELECT title FROM works WHERE id = ?`, t.WorkID).Scan(&title); errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d not found.", t.WorkID)
		} else if err != nil {
			return err
		}
		if ok, err := exists(ctx, tx, `SELECT 1 FROM takedowns WHERE work_id = ? AND user_id = ? AND state = 'pending'`, t.WorkID, u.ID); err != nil {
			return err
		} else if ok {
			return fanarchive.Errorf(fanarchive.ECONFLICT, "You have asked for this work to be taken down already; an archivist will look at it.")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO takedowns (work_id, work_title, user_id, user_name, reason, state, created_at)
			VALUES (?, ?, ?, ?, ?, 'pending', ?) RETURNING id`, t.WorkID, title, u.ID, u.Name, t.Reason, formatTime(now)).Scan(&t.ID); err != nil {
			return err
		}
		t.WorkTitle, t.UserName, t.State, t.CreatedAt = title, u.Name, fanarchive.TakedownPending, now
		return nil
	})
	if err != nil {
		t.ID = 0
		return fmt.Errorf("request takedown of work %d: %w", t.WorkID, err)
	}
	return nil
}

const takedownColumns = `t.id, t.work_id, t.work_title, coalesce(t.user_id, 0), t.user_name, t.reason, t.state,
	coalesce(t.decided_by, 0), coalesce(d.name, ''), t.decision_note, t.created_at, t.decided_at`

const takedownFrom = ` FROM takedowns t LEFT JOIN users d ON d.id = t.decided_by`

func scanTakedown(row scanner, extra ...any) (*fanarchive.Takedown, error) {
	t := &fanarchive.Takedown{}
	var state string
	var created, decided sql.NullString
	if err := row.Scan(append([]any{&t.ID, &t.WorkID, &t.WorkTitle, &t.UserID, &t.UserName, &t.Reason, &state,
		&t.DecidedBy, &t.DecidedByName, &t.DecisionNote, &created, &decided}, extra...)...); err != nil {
		return nil, err
	}
	t.State = fanarchive.TakedownState(state)
	var err error
	if t.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if t.DecidedAt, err = parseTime(decided); err != nil {
		return nil, err
	}
	return t, nil
}

// FindTakedowns lists takedown requests.
func (s *Store) FindTakedowns(ctx context.Context, f fanarchive.TakedownFilter) ([]*fanarchive.Takedown, int, error) {
	if f.Offset < 0 || f.Limit < 0 {
		return nil, 0, fanarchive.Errorf(fanarchive.EINVALID, "Offset and limit may not be negative.")
	}
	limit := min(cmp.Or(f.Limit, 50), 500)
	where, args := []string{`1 = 1`}, []any{}
	if f.State != "" {
		where, args = append(where, `t.state = ?`), append(args, string(f.State))
	}
	if f.WorkID != 0 {
		where, args = append(where, `t.work_id = ?`), append(args, f.WorkID)
	}
	order := `t.created_at DESC, t.id DESC`
	if f.State == fanarchive.TakedownPending {
		order = `t.created_at, t.id`
	}
	var list []*fanarchive.Takedown
	total := 0
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+takedownColumns+`, COUNT(*) OVER ()`+takedownFrom+` WHERE `+
			strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanTakedown(rows, &total)
			if err != nil {
				return err
			}
			list = append(list, t)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find takedowns: %w", err)
	}
	return list, total, nil
}

// findTakedown reads one request.
func findTakedown(ctx context.Context, tx *sql.Tx, id int64) (*fanarchive.Takedown, error) {
	t, err := scanTakedown(tx.QueryRowContext(ctx, `SELECT `+takedownColumns+takedownFrom+` WHERE t.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "No such takedown request.")
	}
	return t, err
}

// DecideTakedown takes the work down (DeleteWork) or dismisses the
// request. The deletion is DeleteWork's own transaction; the decision is
// recorded after it, so a failure between the two leaves the request
// pending with the work gone, and deciding again records it (the work is
// found gone, which is what was asked).
func (s *Store) DecideTakedown(ctx context.Context, id, by int64, takeDown bool, note string) (*fanarchive.Takedown, error) {
	if err := fanarchive.ValidateClaimNote(note); err != nil {
		return nil, err
	}
	var t *fanarchive.Takedown
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		if _, err = findUser(ctx, tx, `u.id = ?`, by); err != nil {
			return fanarchive.Errorf(fanarchive.EINVALID, "A decision needs the archivist who makes it.")
		}
		t, err = findTakedown(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("decide takedown %d: %w", id, err)
	}
	if t.State != fanarchive.TakedownPending {
		return nil, fanarchive.Errorf(fanarchive.ECONFLICT, "That request is %s already.", t.State)
	}
	state := fanarchive.TakedownDismissed
	if takeDown {
		state = fanarchive.TakedownDone
		if err := s.DeleteWork(ctx, t.WorkID); err != nil && fanarchive.ErrorCode(err) != fanarchive.ENOTFOUND {
			return nil, fmt.Errorf("decide takedown %d: %w", id, err)
		}
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		now := formatTime(s.now())
		// Taking a work down answers every request for it.
		query := `UPDATE takedowns SET state = ?, decided_by = ?, decision_note = ?, decided_at = ? WHERE id = ? AND state = 'pending'`
		args := []any{string(state), by, note, now, id}
		if takeDown {
			query = `UPDATE takedowns SET state = ?, decided_by = ?, decision_note = ?, decided_at = ? WHERE work_id = ? AND state = 'pending'`
			args[4] = t.WorkID
		}
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fanarchive.Errorf(fanarchive.ECONFLICT, "That request was settled meanwhile.")
		}
		t, err = findTakedown(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("decide takedown %d: %w", id, err)
	}
	return t, nil
}
