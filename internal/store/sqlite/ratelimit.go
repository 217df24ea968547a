package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"fanarchive"
)

// HitRateLimit counts a request against key in a fixed window: the first
// request after a window ends starts the next one. One statement, so
// concurrent hits from several processes count exactly.
func (s *Store) HitRateLimit(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error) {
	if limit < 1 || window < time.Second || key == "" || len(key) > 500 {
		return false, 0, fanarchive.Errorf(fanarchive.EINVALID, "A rate limit needs a key, a limit of 1 or more and a window of a second or more.")
	}
	now := s.now().UTC()
	var count int
	var end sql.NullString
	err := s.write(ctx, func(tx *sql.Tx) error {
		// In an UPDATE's SET every column read is the old value.
		return tx.QueryRowContext(ctx, `INSERT INTO rate_limits (key, window_start, window_end, count) VALUES (?, ?, ?, 1)
			ON CONFLICT (key) DO UPDATE SET
				count        = CASE WHEN rate_limits.window_end <= excluded.window_start THEN 1 ELSE rate_limits.count + 1 END,
				window_start = CASE WHEN rate_limits.window_end <= excluded.window_start THEN excluded.window_start
					ELSE rate_limits.window_start END,
				window_end   = CASE WHEN rate_limits.window_end <= excluded.window_start THEN excluded.window_end
					ELSE rate_limits.window_end END
			RETURNING count, window_end`, key, formatTime(now), formatTime(now.Add(window))).Scan(&count, &end)
	})
	if err != nil {
		return false, 0, fmt.Errorf("rate limit: %w", err)
	}
	if count <= limit {
		return true, 0, nil
	}
	until, err := parseTime(end)
	if err != nil {
		return false, 0, err
	}
	return false, max(until.Sub(now), time.Second), nil
}

// secretSize is the size of every server secret.
const secretSize = 32

// Secret returns the named secret, making it the first time.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	var v []byte
	err := s.rdb.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = ?`, "secret:"+name).Scan(&v)
	if err == nil {
		return v, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	fresh := make([]byte, secretSize)
	rand.Read(fresh)
	err = s.write(ctx, func(tx *sql.Tx) error {
		// Another process may have made it meanwhile: theirs stands.
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING`, "secret:"+name, fresh); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = ?`, "secret:"+name).Scan(&v)
	})
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	return v, nil
}

// unconfirmedLife is how long an account whose address was never confirmed
// is kept.
const unconfirmedLife = 7 * 24 * time.Hour

// PurgeAccounts deletes what has expired.
func (s *Store) PurgeAccounts(ctx context.Context) (int, error) {
	now := s.now()
	n := 0
	err := s.write(ctx, func(tx *sql.Tx) error {
		stale := formatTime(now.Add(-unconfirmedLife))
		for _, q := range []struct {
			query string
			args  []any
		}{
			{`DELETE FROM sessions WHERE expires_at <= ? OR idle_until <= ?`, []any{formatTime(now), formatTime(now)}},
			{`DELETE FROM tokens WHERE used_at <= ? OR expires_at <= ?`,
				[]any{formatTime(now.Add(-24 * time.Hour)), formatTime(now.Add(-24 * time.Hour))}},
			{`DELETE FROM rate_limits WHERE window_end <= ?`, []any{formatTime(now)}},
			// A claim whose link ran out unused is recorded as expired.
			{`UPDATE claims SET state = 'expired' WHERE state = 'pending' AND expires_at <= ?`, []any{formatTime(now)}},
			// Unconfirmed accounts cannot log in, so their only pseud is on
			// no work; an account whose pseud is, is kept.
			{`DELETE FROM authors WHERE is_default = 1 AND user_id IN (SELECT id FROM users
				WHERE email_confirmed = 0 AND created_at <= ?) AND id NOT IN (SELECT author_id FROM work_authors)`, []any{stale}},
			{`DELETE FROM users WHERE email_confirmed = 0 AND created_at <= ?
				AND id NOT IN (SELECT user_id FROM authors WHERE user_id IS NOT NULL)`, []any{stale}},
		} {
			res, err := tx.ExecContext(ctx, q.query, q.args...)
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += int(k)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("purge accounts: %w", err)
	}
	return n, nil
}
