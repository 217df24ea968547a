package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"fanarchive"
)

// tokenGone is what every unusable token is: unknown, forged, used or
// expired alike.
func tokenGone() error {
	return fanarchive.Errorf(fanarchive.ENOTFOUND, "That link is not valid, or it has expired or been used.")
}

// insertToken stores t inside tx.
func insertToken(ctx context.Context, tx *sql.Tx, t *fanarchive.Token, now time.Time) error {
	if len(t.ID) != 64 || t.Purpose == "" || t.ExpiresAt.IsZero() {
		return fanarchive.Errorf(fanarchive.EINVALID, "A token needs the SHA-256 of its secret, a purpose and an expiry.")
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now.UTC()
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO tokens (id, purpose, user_id, email, author_id, work_id, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, t.ID, string(t.Purpose), nullID(t.UserID), t.Email, nullID(t.AuthorID),
		nullID(t.WorkID), formatTime(t.CreatedAt), formatTime(t.ExpiresAt))
	if fanarchive.ErrorCode(mapError(err)) == fanarchive.EINVALID {
		return fanarchive.Errorf(fanarchive.ENOTFOUND, "The token names an account, author or work that does not exist.")
	}
	return err
}

// CreateToken stores a token and its mails.
func (s *Store) CreateToken(ctx context.Context, t *fanarchive.Token, mails []*fanarchive.OutboundMail) error {
	var done func()
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := insertToken(ctx, tx, t, s.now()); err != nil {
			return err
		}
		var err error
		done, err = s.queueMail(ctx, tx, mails)
		return err
	})
	if err != nil {
		return fmt.Errorf("create %s token: %w", t.Purpose, err)
	}
	done()
	return nil
}

const tokenColumns = `id, purpose, coalesce(user_id, 0), email, coalesce(author_id, 0), coalesce(work_id, 0), created_at, expires_at`

func scanToken(row scanner) (*fanarchive.Token, error) {
	t := &fanarchive.Token{}
	var purpose string
	var created, expires sql.NullString
	err := row.Scan(&t.ID, &purpose, &t.UserID, &t.Email, &t.AuthorID, &t.WorkID, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tokenGone()
	} else if err != nil {
		return nil, err
	}
	t.Purpose = fanarchive.TokenPurpose(purpose)
	if t.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if t.ExpiresAt, err = parseTime(expires); err != nil {
		return nil, err
	}
	return t, nil
}

// FindToken returns a usable token without using it.
func (s *Store) FindToken(ctx context.Context, id string, purpose fanarchive.TokenPurpose) (*fanarchive.Token, error) {
	var t *fanarchive.Token
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		t, err = scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens
			WHERE id = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?`, id, string(purpose), formatTime(s.now())))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find token: %w", err)
	}
	return t, nil
}

// useToken marks a usable token used inside tx and returns it.
func useToken(ctx context.Context, tx *sql.Tx, id string, purpose fanarchive.TokenPurpose, now time.Time) (*fanarchive.Token, error) {
	return scanToken(tx.QueryRowContext(ctx, `UPDATE tokens SET used_at = ?
		WHERE id = ? AND purpose = ? AND used_at IS NULL AND expires_at > ? RETURNING `+tokenColumns,
		formatTime(now), id, string(purpose), formatTime(now)))
}

// UseToken marks a usable token used and returns it.
func (s *Store) UseToken(ctx context.Context, id string, purpose fanarchive.TokenPurpose) (*fanarchive.Token, error) {
	var t *fanarchive.Token
	err := s.write(ctx, func(tx *sql.Tx) (err error) {
		t, err = useToken(ctx, tx, id, purpose, s.now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("use token: %w", err)
	}
	return t, nil
}

// ConfirmEmail uses a confirm-email token and confirms its address.
func (s *Store) ConfirmEmail(ctx context.Context, id string) (*fanarchive.User, error) {
	var u *fanarchive.User
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := s.now()
		t, err := useToken(ctx, tx, id, fanarchive.TokenConfirmEmail, now)
		if err != nil {
			return err
		}
		if u, err = findUser(ctx, tx, `u.id = ?`, t.UserID); err != nil {
			return tokenGone()
		}
		key := fanarchive.EmailKey(t.Email)
		switch {
		case key == fanarchive.EmailKey(u.Email):
			u.EmailConfirmed = true
		case key == fanarchive.EmailKey(u.PendingEmail):
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email_key = ? AND id != ?`, key, u.ID).Scan(&n); err != nil {
				return err
			} else if n > 0 {
				return fanarchive.Errorf(fanarchive.ECONFLICT, "Another account has that address now.")
			}
			u.Email, u.PendingEmail, u.EmailConfirmed = u.PendingEmail, "", true
		default:
			// The account's address changed since the link was sent.
			return tokenGone()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET email = ?, email_key = ?, pending_email = ?, email_confirmed = 1
			WHERE id = ?`, u.Email, fanarchive.EmailKey(u.Email), u.PendingEmail, u.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL`,
			formatTime(now), u.ID, string(fanarchive.TokenConfirmEmail))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("confirm address: %w", err)
	}
	return u, nil
}

// ResetPassword uses a reset-password token and sets the password.
func (s *Store) ResetPassword(ctx context.Context, id, hash string) (*fanarchive.User, error) {
	if hash == "" {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "A password is needed.")
	}
	var u *fanarchive.User
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := s.now()
		t, err := useToken(ctx, tx, id, fanarchive.TokenResetPassword, now)
		if err != nil {
			return err
		}
		if u, err = findUser(ctx, tx, `u.id = ?`, t.UserID); err != nil {
			return tokenGone()
		}
		if fanarchive.EmailKey(t.Email) != fanarchive.EmailKey(u.Email) {
			return tokenGone() // sent to an address the account no longer has
		}
		u.PasswordHash, u.EmailConfirmed = hash, true
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, email_confirmed = 1 WHERE id = ?`, hash, u.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL`,
			formatTime(now), u.ID, string(fanarchive.TokenResetPassword))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reset password: %w", err)
	}
	return u, nil
}
