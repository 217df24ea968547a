package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"fanarchive"
)

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, sess *fanarchive.Session) error {
	now := s.now().UTC()
	if sess.CreatedAt.IsZero() {
		sess.CreatedAt = now
	}
	if sess.SeenAt.IsZero() {
		sess.SeenAt = sess.CreatedAt
	}
	switch {
	case len(sess.ID) < 32:
		return fanarchive.Errorf(fanarchive.EINVALID, "A session needs the hash of its token as ID.")
	case sess.Idle < time.Minute || sess.ExpiresAt.IsZero():
		return fanarchive.Errorf(fanarchive.EINVALID, "A session needs an idle timeout of a minute or more and an expiry.")
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, remember, idle_seconds, idle_until, expires_at,
			created_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, string(sess.ID), sess.UserID, sess.Remember,
			int64(sess.Idle/time.Second), formatTime(sess.SeenAt.Add(sess.Idle)), formatTime(sess.ExpiresAt),
			formatTime(sess.CreatedAt), formatTime(sess.SeenAt))
		if fanarchive.ErrorCode(mapError(err)) == fanarchive.EINVALID {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such account.")
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// FindSession returns a live session and its user, and records that it was
// seen at most once a minute.
func (s *Store) FindSession(ctx context.Context, id fanarchive.SessionID) (*fanarchive.Session, *fanarchive.User, error) {
	now := s.now().UTC()
	gone := fanarchive.Errorf(fanarchive.ENOTFOUND, "The session has ended.")
	sess := &fanarchive.Session{ID: id}
	var u *fanarchive.User
	err := s.read(ctx, func(tx *sql.Tx) error {
		var idle int64
		var expires, created, seen, idleUntil sql.NullString
		var err error
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+`, s.remember, s.idle_seconds, s.idle_until,
				s.expires_at, s.created_at, s.seen_at
			FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?`, string(id)),
			&sess.Remember, &idle, &idleUntil, &expires, &created, &seen)
		if errors.Is(err, sql.ErrNoRows) {
			return gone
		} else if err != nil {
			return err
		}
		sess.UserID, sess.Idle = u.ID, time.Duration(idle)*time.Second
		for _, t := range []struct {
			dst *time.Time
			src sql.NullString
		}{{&sess.ExpiresAt, expires}, {&sess.CreatedAt, created}, {&sess.SeenAt, seen}} {
			if *t.dst, err = parseTime(t.src); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("find session: %w", err)
	}
	if u.Disabled || !now.Before(sess.ExpiresAt) || !now.Before(sess.SeenAt.Add(sess.Idle)) {
		return nil, nil, fmt.Errorf("find session: %w", gone)
	}
	if now.Sub(sess.SeenAt) >= fanarchive.SessionSeenEvery {
		sess.SeenAt = now.Truncate(time.Second)
		err := s.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE sessions SET seen_at = ?, idle_until = ? WHERE id = ?`,
				formatTime(sess.SeenAt), formatTime(sess.SeenAt.Add(sess.Idle)), string(id))
			return err
		})
		if err != nil {
			return nil, nil, fmt.Errorf("find session: record it was seen: %w", err)
		}
	}
	return sess, u, nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, id fanarchive.SessionID) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, string(id))
		return err
	})
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
