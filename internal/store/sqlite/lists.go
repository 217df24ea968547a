package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fanarchive"
)

// Mailing lists (migration 0018, docs/lists.md): the lists and their
// moderators here; members in list_members.go, messages and the fan-out in
// list_messages.go, digests in list_digests.go.

// listColumns are what scanList reads, from lists l.
const listColumns = `l.id, l.name, l.address, l.title, l.description, l.rules, l.fandoms, l.policy, l.max_size,
	l.archive_works, l.announce, l.digest_hour, l.subject_tag, l.created_at, l.updated_at,
	(SELECT COUNT(*) FROM list_members m WHERE m.list_id = l.id AND m.state = 'active'),
	coalesce((SELECT string_agg(CAST(d.user_id AS TEXT), ',' ORDER BY d.user_id) FROM list_moderators d WHERE d.list_id = l.id), '')`

func scanList(row scanner) (*fanarchive.List, error) {
	l := &fanarchive.List{}
	var fandoms, mods string
	var created, updated sql.NullString
	if err := row.Scan(&l.ID, &l.Name, &l.Address, &l.Title, &l.Description, &l.Rules, &fandoms, &l.Policy, &l.MaxSize,
		&l.ArchiveWorks, &l.Announce, &l.DigestHour, &l.SubjectTag, &created, &updated, &l.Members, &mods); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(fandoms), &l.Fandoms); err != nil {
		return nil, fmt.Errorf("list %d fandoms: %w", l.ID, err)
	}
	if len(l.Fandoms) == 0 {
		l.Fandoms = nil
	}
	for _, id := range strings.Split(mods, ",") {
		if id == "" {
			continue
		}
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("list %d moderators: %w", l.ID, err)
		}
		l.Moderators = append(l.Moderators, n)
	}
	var err error
	if l.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if l.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return l, nil
}

// findList reads one list; ENOTFOUND when there is none.
func findList(ctx context.Context, tx *sql.Tx, where string, args ...any) (*fanarchive.List, error) {
	l, err := scanList(tx.QueryRowContext(ctx, `SELECT `+listColumns+` FROM lists l WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "No such list.")
	}
	return l, err
}

// fandomsJSON is the stored form of a list's fandoms: trimmed, without
// empty or repeated names.
func fandomsJSON(fandoms []string) (string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, f := range fandoms {
		f = strings.TrimSpace(f)
		if f == "" || seen[strings.ToLower(f)] {
			continue
		}
		if len(f) > fanarchive.MaxTagNameLen || strings.ContainsAny(f, "\r\n") {
			return "", fanarchive.Errorf(fanarchive.EINVALID, "A list's fandom is one line of at most %d bytes.", fanarchive.MaxTagNameLen)
		}
		seen[strings.ToLower(f)] = true
		out = append(out, f)
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// listTaken returns ECONFLICT when another list has l's name or address.
func listTaken(ctx context.Context, tx *sql.Tx, l *fanarchive.List) error {
	var name string
	err := tx.QueryRowContext(ctx, `SELECT name FROM lists WHERE (name = ? OR address = ?) AND id != ? LIMIT 1`,
		l.Name, l.Address, l.ID).Scan(&name)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	case name == l.Name:
		return fanarchive.Errorf(fanarchive.ECONFLICT, "There is a list named %s already.", l.Name)
	}
	return fanarchive.Errorf(fanarchive.ECONFLICT, "The list %s has the address %s already.", name, l.Address)
}

// CreateList validates and stores a new list, with its moderators.
func (s *Store) CreateList(ctx context.Context, l *fanarchive.List) error {
	if err := l.Validate(); err != nil {
		return err
	}
	fandoms, err := fandomsJSON(l.Fandoms)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	err = s.write(ctx, func(tx *sql.Tx) error {
		l.ID = 0
		if err := listTaken(ctx, tx, l); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO lists (name, address, title, description, rules, fandoms, policy,
			max_size, archive_works, announce, digest_hour, subject_tag, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			l.Name, l.Address, l.Title, l.Description, l.Rules, fandoms, l.Policy, l.MaxSize, l.ArchiveWorks,
			l.Announce, l.DigestHour, l.SubjectTag, formatTime(now), formatTime(now)).Scan(&l.ID); err != nil {
			return err
		}
		for _, u := range l.Moderators {
			if err := setListModerator(ctx, tx, l.ID, u, true); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		l.ID = 0
		return fmt.Errorf("create list: %w", err)
	}
	l.CreatedAt, l.UpdatedAt = now, now
	return nil
}

// UpdateList stores a list's changed fields; its name and moderators are
// left as they are (SetListModerator changes those).
func (s *Store) UpdateList(ctx context.Context, l *fanarchive.List) error {
	now := s.now().UTC()
	err := s.write(ctx, func(tx *sql.Tx) error {
		old, err := findList(ctx, tx, `l.id = ?`, l.ID)
		if err != nil {
			return err
		}
		l.Name = old.Name
		if err := l.Validate(); err != nil {
			return err
		}
		fandoms, err := fandomsJSON(l.Fandoms)
		if err != nil {
			return err
		}
		if err := listTaken(ctx, tx, l); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE lists SET address = ?, title = ?, description = ?, rules = ?, fandoms = ?,
			policy = ?, max_size = ?, archive_works = ?, announce = ?, digest_hour = ?, subject_tag = ?, updated_at = ?
			WHERE id = ?`, l.Address, l.Title, l.Description, l.Rules, fandoms, l.Policy, l.MaxSize, l.ArchiveWorks,
			l.Announce, l.DigestHour, l.SubjectTag, formatTime(now), l.ID); err != nil {
			return err
		}
		l.CreatedAt, l.Moderators, l.Members = old.CreatedAt, old.Moderators, old.Members
		return nil
	})
	if err != nil {
		return fmt.Errorf("update list: %w", err)
	}
	l.UpdatedAt = now
	return nil
}

// FindList returns the list with this name.
func (s *Store) FindList(ctx context.Context, name string) (*fanarchive.List, error) {
	var l *fanarchive.List
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		l, err = findList(ctx, tx, `l.name = ?`, strings.ToLower(name))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find list: %w", err)
	}
	return l, nil
}

// FindListByID returns the list with this ID.
func (s *Store) FindListByID(ctx context.Context, id int64) (*fanarchive.List, error) {
	var l *fanarchive.List
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		l, err = findList(ctx, tx, `l.id = ?`, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find list: %w", err)
	}
	return l, nil
}

// FindLists returns every list by name.
func (s *Store) FindLists(ctx context.Context) ([]*fanarchive.List, error) {
	var lists []*fanarchive.List
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+listColumns+` FROM lists l ORDER BY l.name`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			l, err := scanList(rows)
			if err != nil {
				return err
			}
			lists = append(lists, l)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find lists: %w", err)
	}
	return lists, nil
}

// SetListModerator makes an account a moderator of a list or not.
func (s *Store) SetListModerator(ctx context.Context, listID, userID int64, on bool) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := listExists(ctx, tx, listID); err != nil {
			return err
		}
		return setListModerator(ctx, tx, listID, userID, on)
	})
	if err != nil {
		return fmt.Errorf("set list moderator: %w", err)
	}
	return nil
}

func setListModerator(ctx context.Context, tx *sql.Tx, listID, userID int64, on bool) error {
	if !on {
		_, err := tx.ExecContext(ctx, `DELETE FROM list_moderators WHERE list_id = ? AND user_id = ?`, listID, userID)
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE id = ?`, userID).Scan(&n); err != nil {
		return err
	} else if n == 0 {
		return fanarchive.Errorf(fanarchive.ENOTFOUND, "There is no account %d.", userID)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO list_moderators (list_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, listID, userID)
	return err
}

// listExists returns ENOTFOUND when there is no list with this ID.
func listExists(ctx context.Context, tx *sql.Tx, id int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM lists WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such list.")
	}
	return nil
}
