package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fanarchive"

	"modernc.org/sqlite"
)

// The accounts tables (migration 0012, docs/accounts.md): users, their roles
// and pseuds (authors with a user_id), sessions (sessions.go), mailed tokens
// (tokens.go) and rate limits (ratelimit.go).

func init() {
	// fanarchive_name_key(name) is fanarchive.UserNameKey, for the triggers
	// that keep authors.name_key: every new author, the importer's too,
	// gets its key without the importer knowing of accounts. Registered for
	// every connection the driver opens.
	sqlite.MustRegisterDeterministicScalarFunction("fanarchive_name_key", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			switch v := args[0].(type) {
			case string:
				return fanarchive.UserNameKey(v), nil
			case []byte:
				return fanarchive.UserNameKey(string(v)), nil
			case nil:
				return nil, nil
			}
			return nil, fmt.Errorf("fanarchive_name_key: not text: %T", args[0])
		})
}

// userColumns are what scanUser reads, from users u.
const userColumns = `u.id, u.name, u.email, u.email_confirmed, u.pending_email, u.password_hash, u.disabled,
	u.created_at, coalesce((SELECT string_agg(role, ',') FROM user_roles r WHERE r.user_id = u.id), '')`

func scanUser(row scanner, extra ...any) (*fanarchive.User, error) {
	u := &fanarchive.User{}
	var created sql.NullString
	var roles string
	dest := append([]any{&u.ID, &u.Name, &u.Email, &u.EmailConfirmed, &u.PendingEmail, &u.PasswordHash,
		&u.Disabled, &created, &roles}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	var err error
	if u.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	u.Roles = []fanarchive.Role{}
	for _, r := range fanarchive.Roles { // in the order of fanarchive.Roles
		if slices.Contains(strings.Split(roles, ","), string(r)) {
			u.Roles = append(u.Roles, r)
		}
	}
	return u, nil
}

// findUser returns the user a query selecting userColumns finds.
func findUser(ctx context.Context, tx *sql.Tx, where string, args ...any) (*fanarchive.User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "No such account.")
	}
	return u, err
}

// nameTaken returns ECONFLICT when a user or an author other than
// exceptAuthor has a name with this key, saying which.
func nameTaken(ctx context.Context, tx *sql.Tx, name string, exceptAuthor int64) error {
	key := fanarchive.UserNameKey(name)
	var userName string
	err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE name_key = ?`, key).Scan(&userName)
	if err == nil && exceptAuthor == 0 {
		return fanarchive.Errorf(fanarchive.ECONFLICT, "The name %q is taken.", name)
	} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	var owner sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT user_id FROM authors WHERE name_key = ? AND id != ?
		ORDER BY user_id IS NULL LIMIT 1`, key, exceptAuthor).Scan(&owner)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	case owner.Valid:
		return fanarchive.Errorf(fanarchive.ECONFLICT, "The name %q is taken.", name)
	}
	return fanarchive.Errorf(fanarchive.ECONFLICT, "Works in the archive are by an author named %q; the name is kept for "+
		"whoever claims those works. Please choose another.", name)
}

// CreateUser stores a new account with its default pseud, its confirmation
// token and its mails, in one transaction.
func (s *Store) CreateUser(ctx context.Context, u *fanarchive.User, confirm *fanarchive.Token, mails []*fanarchive.OutboundMail) error {
	if err := u.Validate(); err != nil {
		return err
	}
	u.Email, _ = fanarchive.ValidateEmail(u.Email)
	now := s.now().UTC()
	var done func()
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := nameTaken(ctx, tx, u.Name, 0); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email_key = ?`, fanarchive.EmailKey(u.Email)).Scan(&n); err != nil {
			return err
		} else if n > 0 {
			return fanarchive.Errorf(fanarchive.ECONFLICT, "An account has that address already.")
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO users (name, name_key, email, email_key, email_confirmed, password_hash,
			disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, u.Name, fanarchive.UserNameKey(u.Name), u.Email,
			fanarchive.EmailKey(u.Email), u.EmailConfirmed, u.PasswordHash, u.Disabled, formatTime(now)).Scan(&id); err != nil {
			return err
		}
		for _, r := range u.Roles {
			if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role, granted_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
				id, string(r), formatTime(now)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO authors (name, user_id, name_key, is_default) VALUES (?, ?, ?, 1)`,
			u.Name, id, fanarchive.UserNameKey(u.Name)); err != nil {
			return fmt.Errorf("default pseud: %w", err)
		}
		if confirm != nil {
			confirm.UserID = id
			if err := insertToken(ctx, tx, confirm, now); err != nil {
				return err
			}
		}
		var err error
		if done, err = s.queueMail(ctx, tx, mails); err != nil {
			return err
		}
		u.ID, u.CreatedAt = id, now
		return nil
	})
	if err != nil {
		u.ID = 0
		return fmt.Errorf("create user %q: %w", u.Name, err)
	}
	done()
	return nil
}

// FindUserByID returns a user with roles.
func (s *Store) FindUserByID(ctx context.Context, id int64) (*fanarchive.User, error) {
	var u *fanarchive.User
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		u, err = findUser(ctx, tx, `u.id = ?`, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find user %d: %w", id, err)
	}
	return u, nil
}

// FindUserByName returns the user whose name has the key of name.
func (s *Store) FindUserByName(ctx context.Context, name string) (*fanarchive.User, error) {
	var u *fanarchive.User
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		u, err = findUser(ctx, tx, `u.name_key = ?`, fanarchive.UserNameKey(name))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find user by name: %w", err)
	}
	return u, nil
}

// FindUserByLogin returns the user whose name or address is login.
func (s *Store) FindUserByLogin(ctx context.Context, login string) (*fanarchive.User, error) {
	var u *fanarchive.User
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		if strings.Contains(login, "@") { // names never hold one
			u, err = findUser(ctx, tx, `u.email_key = ?`, fanarchive.EmailKey(login))
		} else {
			u, err = findUser(ctx, tx, `u.name_key = ?`, fanarchive.UserNameKey(login))
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find user by login: %w", err)
	}
	return u, nil
}

// FindUsers lists accounts by name key.
func (s *Store) FindUsers(ctx context.Context, offset, limit int) ([]*fanarchive.User, int, error) {
	if offset < 0 || limit < 0 {
		return nil, 0, fanarchive.Errorf(fanarchive.EINVALID, "Offset and limit may not be negative.")
	}
	if limit == 0 {
		limit = 50
	}
	limit = min(limit, 500)
	var users []*fanarchive.User
	total := 0
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+userColumns+`, COUNT(*) OVER () FROM users u
			ORDER BY u.name_key LIMIT ? OFFSET ?`, limit, offset)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanUser(rows, &total)
			if err != nil {
				return err
			}
			users = append(users, u)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(users) == 0 && offset > 0 {
			return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&total)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find users: %w", err)
	}
	return users, total, nil
}

// mustAffect returns ENOTFOUND when res changed no row.
func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	} else if n == 0 {
		return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such %s.", what)
	}
	return nil
}

// SetPassword replaces a user's password hash and ends their other sessions.
func (s *Store) SetPassword(ctx context.Context, userID int64, hash string, keep fanarchive.SessionID) error {
	if hash == "" {
		return fanarchive.Errorf(fanarchive.EINVALID, "A password is needed.")
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
		if err != nil {
			return err
		}
		if err := mustAffect(res, "account"); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id != ?`, userID, string(keep))
		return err
	})
	if err != nil {
		return fmt.Errorf("set password of user %d: %w", userID, err)
	}
	return nil
}

// UpgradePasswordHash replaces oldHash by newHash unless it changed meanwhile.
func (s *Store) UpgradePasswordHash(ctx context.Context, userID int64, oldHash, newHash string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := findUser(ctx, tx, `u.id = ?`, userID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?`, newHash, userID, oldHash)
		return err
	})
	if err != nil {
		return fmt.Errorf("upgrade password hash of user %d: %w", userID, err)
	}
	return nil
}

// SetRole grants or revokes a role.
func (s *Store) SetRole(ctx context.Context, userID int64, role fanarchive.Role, granted bool) error {
	if !role.Valid() {
		return fanarchive.Errorf(fanarchive.EINVALID, "There is no role %q; roles are admin, archivist, moderator and wrangler.", role)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := findUser(ctx, tx, `u.id = ?`, userID); err != nil {
			return err
		}
		var err error
		if granted {
			_, err = tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role, granted_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
				userID, string(role), formatTime(s.now()))
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = ? AND role = ?`, userID, string(role))
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("set role %s of user %d: %w", role, userID, err)
	}
	return nil
}

// SetUserDisabled disables or enables an account.
func (s *Store) SetUserDisabled(ctx context.Context, userID int64, disabled bool) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled = ? WHERE id = ?`, disabled, userID)
		if err != nil {
			return err
		}
		if err := mustAffect(res, "account"); err != nil {
			return err
		}
		if disabled {
			_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("disable user %d: %w", userID, err)
	}
	return nil
}

// RequestEmailChange records a pending address with its token and mails.
func (s *Store) RequestEmailChange(ctx context.Context, userID int64, email string, confirm *fanarchive.Token, mails []*fanarchive.OutboundMail) error {
	email, err := fanarchive.ValidateEmail(email)
	if err != nil {
		return err
	}
	var done func()
	err = s.write(ctx, func(tx *sql.Tx) error {
		u, err := findUser(ctx, tx, `u.id = ?`, userID)
		if err != nil {
			return err
		}
		if fanarchive.EmailKey(u.Email) == fanarchive.EmailKey(email) {
			return fanarchive.Errorf(fanarchive.EINVALID, "That is the address of your account already.")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email_key = ? AND id != ?`,
			fanarchive.EmailKey(email), userID).Scan(&n); err != nil {
			return err
		} else if n > 0 {
			return fanarchive.Errorf(fanarchive.ECONFLICT, "Another account has that address.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET pending_email = ? WHERE id = ?`, email, userID); err != nil {
			return err
		}
		if confirm != nil {
			confirm.UserID = userID
			if err := insertToken(ctx, tx, confirm, s.now()); err != nil {
				return err
			}
		}
		done, err = s.queueMail(ctx, tx, mails)
		return err
	})
	if err != nil {
		return fmt.Errorf("change address of user %d: %w", userID, err)
	}
	done()
	return nil
}
