package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"fanarchive"
)

// Lists' members (migration 0018): subscriptions and their confirmation,
// leaving, bans, delivery modes and bounces.

// Pages of members.
const (
	memberPageDefault = 100
	memberPageMax     = 1000
)

// memberColumns are what scanMember reads, from list_members m.
const memberColumns = `m.id, m.list_id, m.address, coalesce(m.user_id, 0), m.name, m.mode, m.state, m.bounces,
	m.last_bounce_at, m.created_at, m.confirmed_at, m.updated_at`

func scanMember(row scanner, extra ...any) (*fanarchive.ListMember, error) {
	m := &fanarchive.ListMember{}
	var bounced, created, confirmed, updated sql.NullString
	if err := row.Scan(append([]any{&m.ID, &m.ListID, &m.Address, &m.UserID, &m.Name, &m.Mode, &m.State, &m.Bounces,
		&bounced, &created, &confirmed, &updated}, extra...)...); err != nil {
		return nil, err
	}
	for _, t := range []struct {
		dst *time.Time
		src sql.NullString
	}{{&m.LastBounceAt, bounced}, {&m.CreatedAt, created}, {&m.ConfirmedAt, confirmed}, {&m.UpdatedAt, updated}} {
		var err error
		if *t.dst, err = parseTime(t.src); err != nil {
			return nil, fmt.Errorf("member %d: %w", m.ID, err)
		}
	}
	return m, nil
}

// findMember reads one membership; ENOTFOUND when there is none.
func findMember(ctx context.Context, tx *sql.Tx, where string, args ...any) (*fanarchive.ListMember, error) {
	m, err := scanMember(tx.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM list_members m WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "No such member.")
	}
	return m, err
}

// queueAfter queues mails in tx and returns what to call once it commits.
func (s *Store) queueAfter(ctx context.Context, tx *sql.Tx, mails []*fanarchive.OutboundMail) (func(), error) {
	if len(mails) == 0 {
		return func() {}, nil
	}
	return s.queueMail(ctx, tx, mails)
}

// SubscribeToList records a request to join a list, pending its confirmation.
func (s *Store) SubscribeToList(ctx context.Context, m *fanarchive.ListMember, confirmHash string, expires time.Time, mails []*fanarchive.OutboundMail) error {
	addr, err := fanarchive.ValidateEmail(m.Address)
	if err != nil {
		return err
	}
	if m.Mode == "" {
		m.Mode = fanarchive.DeliverEach
	}
	switch {
	case !m.Mode.Valid():
		return fanarchive.Errorf(fanarchive.EINVALID, "There is no delivery mode %q: use each, digest or none.", m.Mode)
	case confirmHash == "" || len(confirmHash) > 200:
		return fanarchive.Errorf(fanarchive.EINVALID, "A subscription needs the hash of its confirmation secret.")
	case expires.IsZero():
		return fanarchive.Errorf(fanarchive.EINVALID, "A subscription's confirmation needs an expiry.")
	case len(m.Name) > 200 || strings.ContainsAny(m.Name, "\r\n"):
		return fanarchive.Errorf(fanarchive.EINVALID, "A member's name is one line of at most 200 bytes.")
	}
	now := s.now().UTC()
	var done func()
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := listExists(ctx, tx, m.ListID); err != nil {
			return err
		}
		old, err := findMember(ctx, tx, `m.list_id = ? AND m.email_key = ?`, m.ListID, fanarchive.EmailKey(addr))
		switch {
		case fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND:
			if err := tx.QueryRowContext(ctx, `INSERT INTO list_members (list_id, address, email_key, user_id, name, mode, state,
				confirm_hash, confirm_expires, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?) RETURNING id`,
				m.ListID, addr, fanarchive.EmailKey(addr), nullID(m.UserID), m.Name, m.Mode, confirmHash,
				formatTime(expires), formatTime(now), formatTime(now)).Scan(&m.ID); err != nil {
				return err
			}
			m.CreatedAt, m.ConfirmedAt, m.Bounces, m.LastBounceAt = now, time.Time{}, 0, time.Time{}
		case err != nil:
			return err
		case old.State == fanarchive.MemberActive:
			return fanarchive.Errorf(fanarchive.ECONFLICT, "%s is a member of the list already.", addr)
		case old.State == fanarchive.MemberBanned:
			return fanarchive.Errorf(fanarchive.ECONFLICT, "%s is banned from the list.", addr)
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE list_members SET address = ?, user_id = coalesce(?, user_id),
				name = CASE WHEN ? = '' THEN name ELSE ? END, mode = ?, state = 'pending', confirm_hash = ?, confirm_expires = ?,
				updated_at = ? WHERE id = ?`, addr, nullID(m.UserID), m.Name, m.Name, m.Mode, confirmHash, formatTime(expires),
				formatTime(now), old.ID); err != nil {
				return err
			}
			m.ID, m.CreatedAt, m.ConfirmedAt, m.Bounces, m.LastBounceAt = old.ID, old.CreatedAt, old.ConfirmedAt, old.Bounces, old.LastBounceAt
			if m.UserID == 0 {
				m.UserID = old.UserID
			}
			if m.Name == "" {
				m.Name = old.Name
			}
		}
		done, err = s.queueAfter(ctx, tx, mails)
		return err
	})
	if err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	m.Address, m.State, m.UpdatedAt = addr, fanarchive.MemberPending, now
	done()
	return nil
}

// ConfirmSubscription makes the pending member whose secret hashes to
// confirmHash active.
func (s *Store) ConfirmSubscription(ctx context.Context, confirmHash string, mails func(*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error)) (*fanarchive.ListMember, error) {
	now := s.now().UTC()
	var m *fanarchive.ListMember
	var done func()
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		m, err = findMember(ctx, tx, `m.confirm_hash = ? AND m.state = 'pending' AND m.confirm_expires > ?`,
			confirmHash, formatTime(now))
		if err != nil {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "This confirmation is unknown, used or expired.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE list_members SET state = 'active', confirm_hash = NULL, confirm_expires = NULL,
			bounces = 0, last_bounce_at = NULL, confirmed_at = ?, updated_at = ? WHERE id = ?`,
			formatTime(now), formatTime(now), m.ID); err != nil {
			return err
		}
		m.State, m.Bounces, m.LastBounceAt, m.ConfirmedAt, m.UpdatedAt = fanarchive.MemberActive, 0, time.Time{}, now, now
		return s.memberMails(ctx, tx, m, mails, &done)
	})
	if err != nil {
		return nil, fmt.Errorf("confirm subscription: %w", err)
	}
	done()
	return m, nil
}

// memberMails queues what mails builds for m in tx and sets *done.
func (s *Store) memberMails(ctx context.Context, tx *sql.Tx, m *fanarchive.ListMember, mails func(*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error), done *func()) error {
	*done = func() {}
	if mails == nil {
		return nil
	}
	out, err := mails(m)
	if err != nil {
		return err
	}
	*done, err = s.queueAfter(ctx, tx, out)
	return err
}

// UnsubscribeFromList ends a membership.
func (s *Store) UnsubscribeFromList(ctx context.Context, listID int64, address string, mails func(*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error)) (*fanarchive.ListMember, error) {
	now := s.now().UTC()
	var m *fanarchive.ListMember
	var done func()
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		m, err = findMember(ctx, tx, `m.list_id = ? AND m.email_key = ? AND m.state IN ('active', 'pending', 'disabled')`,
			listID, fanarchive.EmailKey(address))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE list_members SET state = 'unsubscribed', confirm_hash = NULL,
			confirm_expires = NULL, updated_at = ? WHERE id = ?`, formatTime(now), m.ID); err != nil {
			return err
		}
		m.State, m.UpdatedAt = fanarchive.MemberUnsubscribed, now
		return s.memberMails(ctx, tx, m, mails, &done)
	})
	if err != nil {
		return nil, fmt.Errorf("unsubscribe: %w", err)
	}
	done()
	return m, nil
}

// SetMemberMode changes how a member gets posts.
func (s *Store) SetMemberMode(ctx context.Context, memberID int64, mode fanarchive.DeliveryMode) error {
	if !mode.Valid() {
		return fanarchive.Errorf(fanarchive.EINVALID, "There is no delivery mode %q: use each, digest or none.", mode)
	}
	return s.updateMember(ctx, "set member mode", memberID, `mode = ?`, mode)
}

// SetMemberState sets a member's state.
func (s *Store) SetMemberState(ctx context.Context, memberID int64, state fanarchive.MemberState) error {
	switch state {
	case fanarchive.MemberActive:
		return s.updateMember(ctx, "set member state", memberID, `state = 'active', bounces = 0, last_bounce_at = NULL,
			confirm_hash = NULL, confirm_expires = NULL, confirmed_at = coalesce(confirmed_at, ?)`, formatTime(s.now()))
	case fanarchive.MemberPending:
		return s.updateMember(ctx, "set member state", memberID, `state = 'pending'`)
	case fanarchive.MemberDisabled, fanarchive.MemberUnsubscribed, fanarchive.MemberBanned:
		return s.updateMember(ctx, "set member state", memberID, `state = ?, confirm_hash = NULL, confirm_expires = NULL`, state)
	}
	return fanarchive.Errorf(fanarchive.EINVALID, "There is no member state %q.", state)
}

// updateMember sets columns of a member and its updated_at.
func (s *Store) updateMember(ctx context.Context, what string, memberID int64, set string, args ...any) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE list_members SET `+set+`, updated_at = ? WHERE id = ?`,
			append(args, formatTime(s.now()), memberID)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such member.")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// BanAddress bans an address from a list, member or not.
func (s *Store) BanAddress(ctx context.Context, listID int64, address string) error {
	addr, err := fanarchive.ValidateEmail(address)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := listExists(ctx, tx, listID); err != nil {
			return err
		}
		return banAddress(ctx, tx, listID, addr, s.now())
	})
	if err != nil {
		return fmt.Errorf("ban address: %w", err)
	}
	return nil
}

// banAddress makes addr's membership of the list banned, adding one for a
// non-member (mode none).
func banAddress(ctx context.Context, tx *sql.Tx, listID int64, addr string, now time.Time) error {
	at := formatTime(now)
	_, err := tx.ExecContext(ctx, `INSERT INTO list_members (list_id, address, email_key, mode, state, created_at, updated_at)
		VALUES (?, ?, ?, 'none', 'banned', ?, ?)
		ON CONFLICT (list_id, email_key) DO UPDATE SET state = 'banned', confirm_hash = NULL, confirm_expires = NULL,
			updated_at = excluded.updated_at`, listID, addr, fanarchive.EmailKey(addr), at, at)
	return err
}

// FindMember returns a list's membership of an address.
func (s *Store) FindMember(ctx context.Context, listID int64, address string) (*fanarchive.ListMember, error) {
	var m *fanarchive.ListMember
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		m, err = findMember(ctx, tx, `m.list_id = ? AND m.email_key = ?`, listID, fanarchive.EmailKey(address))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find member: %w", err)
	}
	return m, nil
}

// FindMemberByID returns a membership by ID.
func (s *Store) FindMemberByID(ctx context.Context, id int64) (*fanarchive.ListMember, error) {
	var m *fanarchive.ListMember
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		m, err = findMember(ctx, tx, `m.id = ?`, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find member: %w", err)
	}
	return m, nil
}

// FindMembers returns a list's members matching the filter, by address.
func (s *Store) FindMembers(ctx context.Context, listID int64, f fanarchive.MemberFilter) ([]*fanarchive.ListMember, int, error) {
	where, args := []string{`m.list_id = ?`}, []any{listID}
	switch {
	case f.State != "" && !validMemberState(f.State):
		return nil, 0, fanarchive.Errorf(fanarchive.EINVALID, "There is no member state %q.", f.State)
	case f.Mode != "" && !f.Mode.Valid():
		return nil, 0, fanarchive.Errorf(fanarchive.EINVALID, "There is no delivery mode %q.", f.Mode)
	case f.Offset < 0 || f.Limit < 0:
		return nil, 0, fanarchive.Errorf(fanarchive.EINVALID, "Offset and limit cannot be negative.")
	case len(f.Search) > 254:
		return nil, 0, fanarchive.Errorf(fanarchive.EINVALID, "The search is too long.")
	}
	if f.State != "" {
		where, args = append(where, `m.state = ?`), append(args, f.State)
	}
	if f.Mode != "" {
		where, args = append(where, `m.mode = ?`), append(args, f.Mode)
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		where, args = append(where, `(lower(m.email_key) LIKE lower(?) ESCAPE '\' OR lower(m.name) LIKE lower(?) ESCAPE '\')`),
			append(args, likeContains(q), likeContains(q))
	}
	limit := f.Limit
	if limit == 0 {
		limit = memberPageDefault
	}
	limit = min(limit, memberPageMax)
	var members []*fanarchive.ListMember
	total := 0
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+memberColumns+`, COUNT(*) OVER () FROM list_members m WHERE `+
			strings.Join(where, " AND ")+` ORDER BY m.email_key, m.id LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanMember(rows, &total)
			if err != nil {
				return err
			}
			members = append(members, m)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(members) == 0 && f.Offset > 0 { // past the end: the total still counts
			return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM list_members m WHERE `+strings.Join(where, " AND "), args...).Scan(&total)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find members: %w", err)
	}
	return members, total, nil
}

func validMemberState(s fanarchive.MemberState) bool {
	switch s {
	case fanarchive.MemberPending, fanarchive.MemberActive, fanarchive.MemberDisabled, fanarchive.MemberUnsubscribed, fanarchive.MemberBanned:
		return true
	}
	return false
}

// FindUserMemberships returns an account's memberships, by its ID and by
// its confirmed address, but for those it left, by list name.
func (s *Store) FindUserMemberships(ctx context.Context, userID int64) ([]*fanarchive.ListMember, error) {
	var members []*fanarchive.ListMember
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+memberColumns+` FROM list_members m JOIN lists l ON l.id = m.list_id
			WHERE m.state != 'unsubscribed' AND (m.user_id = ?
				OR m.email_key = (SELECT email_key FROM users WHERE id = ? AND email_confirmed = 1))
			ORDER BY l.name, m.id`, userID, userID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanMember(rows)
			if err != nil {
				return err
			}
			members = append(members, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find user memberships: %w", err)
	}
	return members, nil
}

// RecordListBounce counts a bounce of mail to a member, one a day.
func (s *Store) RecordListBounce(ctx context.Context, memberID int64, at time.Time, limit int) (bool, error) {
	if limit <= 0 {
		limit = fanarchive.DefaultBounceDisable
	}
	if at.IsZero() {
		at = s.now()
	}
	at = at.UTC()
	disabled := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		m, err := findMember(ctx, tx, `m.id = ?`, memberID)
		if err != nil {
			return err
		}
		if !m.LastBounceAt.IsZero() && m.LastBounceAt.Format(time.DateOnly) == at.Format(time.DateOnly) {
			return nil // this day's bounce is counted already
		}
		last := at
		if m.LastBounceAt.After(at) { // a late report of an older bounce
			last = m.LastBounceAt
		}
		m.Bounces++
		state := m.State
		if m.State == fanarchive.MemberActive && m.Bounces >= limit {
			state, disabled = fanarchive.MemberDisabled, true
		}
		_, err = tx.ExecContext(ctx, `UPDATE list_members SET bounces = ?, last_bounce_at = ?, state = ?, updated_at = ? WHERE id = ?`,
			m.Bounces, formatTime(last), state, formatTime(s.now()), m.ID)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("record list bounce: %w", err)
	}
	return disabled, nil
}

// AddListMembers makes addresses active members at once, in one
// transaction: a roster moved from an old list, or a benchmark's.
func (s *Store) AddListMembers(ctx context.Context, listID int64, members []*fanarchive.ListMember) (int, error) {
	type row struct {
		addr string
		m    *fanarchive.ListMember
	}
	rows := make([]row, 0, len(members))
	for _, m := range members {
		addr, err := fanarchive.ValidateEmail(m.Address)
		if err != nil {
			return 0, err
		}
		if m.Mode == "" {
			m.Mode = fanarchive.DeliverEach
		}
		if !m.Mode.Valid() {
			return 0, fanarchive.Errorf(fanarchive.EINVALID, "There is no delivery mode %q: use each, digest or none.", m.Mode)
		}
		if len(m.Name) > 200 || strings.ContainsAny(m.Name, "\r\n") {
			return 0, fanarchive.Errorf(fanarchive.EINVALID, "A member's name is one line of at most 200 bytes.")
		}
		rows = append(rows, row{addr, m})
	}
	now := formatTime(s.now().UTC())
	added := 0
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := listExists(ctx, tx, listID); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO list_members (list_id, address, email_key, user_id, name, mode, state,
			created_at, confirmed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)
			ON CONFLICT (list_id, email_key) DO NOTHING`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, r := range rows {
			res, err := stmt.ExecContext(ctx, listID, r.addr, fanarchive.EmailKey(r.addr), nullID(r.m.UserID), r.m.Name, r.m.Mode, now, now, now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				added++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("add list members: %w", err)
	}
	return added, nil
}
