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

// Subscriptions and the inbox (migration 0020, docs/comments.md). The
// fan-out of work events is in notify.go.

// subscriptionTarget checks a subscription's target and returns the ID it
// is kept under (a tag's canonical) and its name.
func subscriptionTarget(ctx context.Context, tx *sql.Tx, kind fanarchive.SubscriptionKind, id int64) (int64, string, error) {
	var q string
	switch kind {
	case fanarchive.SubscribeWork:
		q = `SELECT id, title FROM works WHERE id = ? AND deleted_at IS NULL AND draft = 0`
	case fanarchive.SubscribeAuthor:
		q = `SELECT id, name FROM authors WHERE id = ?`
	case fanarchive.SubscribeSeries:
		q = `SELECT id, title FROM series WHERE id = ?`
	case fanarchive.SubscribeTag:
		q = `SELECT coalesce(c.id, t.id), coalesce(c.name, t.name) FROM tags t LEFT JOIN tags c ON c.id = t.canonical_id WHERE t.id = ?`
	default:
		return 0, "", fanarchive.Errorf(fanarchive.EINVALID, "One subscribes to a work, an author, a series or a tag.")
	}
	var name string
	err := tx.QueryRowContext(ctx, q, id).Scan(&id, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", fanarchive.Errorf(fanarchive.ENOTFOUND, "There is no such %s to subscribe to.", kind)
	}
	return id, name, err
}

// Subscribe stores a subscription, or finds the same one.
func (s *Store) Subscribe(ctx context.Context, sub *fanarchive.Subscription) error {
	if !sub.Kind.Valid() {
		return fanarchive.Errorf(fanarchive.EINVALID, "One subscribes to a work, an author, a series or a tag.")
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		target, name, err := subscriptionTarget(ctx, tx, sub.Kind, sub.TargetID)
		if err != nil {
			return err
		}
		sub.TargetID, sub.Name = target, name
		if _, err := findUser(ctx, tx, `u.id = ?`, sub.UserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (user_id, kind, target_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			sub.UserID, string(sub.Kind), target, formatTime(s.now())); err != nil {
			return err
		}
		var created sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT id, created_at FROM subscriptions WHERE user_id = ? AND kind = ? AND target_id = ?`,
			sub.UserID, string(sub.Kind), target).Scan(&sub.ID, &created); err != nil {
			return err
		}
		sub.CreatedAt, err = parseTime(created)
		return err
	})
	if err != nil {
		return fmt.Errorf("subscribe user %d to %s %d: %w", sub.UserID, sub.Kind, sub.TargetID, err)
	}
	return nil
}

// Unsubscribe deletes a subscription of the user's.
func (s *Store) Unsubscribe(ctx context.Context, id, userID int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM subscriptions WHERE id = ? AND user_id = ?`, id, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "That subscription is not there any more.")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("unsubscribe %d: %w", id, err)
	}
	return nil
}

// subscriptionQuery reads subscriptions with their targets' names.
const subscriptionQuery = `SELECT s.id, s.user_id, s.kind, s.target_id, s.created_at, coalesce(CASE s.kind
		WHEN 'work' THEN (SELECT title FROM works WHERE id = s.target_id)
		WHEN 'author' THEN (SELECT name FROM authors WHERE id = s.target_id)
		WHEN 'series' THEN (SELECT title FROM series WHERE id = s.target_id)
		WHEN 'tag' THEN (SELECT name FROM tags WHERE id = s.target_id) END, '')
	FROM subscriptions s`

// findSubscriptions runs subscriptionQuery with a condition.
func (s *Store) findSubscriptions(ctx context.Context, where string, args ...any) ([]*fanarchive.Subscription, error) {
	var out []*fanarchive.Subscription
	err := s.read(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, subscriptionQuery+` WHERE `+where+` ORDER BY s.id DESC`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			sub := &fanarchive.Subscription{}
			var kind string
			var created sql.NullString
			if err := rows.Scan(&sub.ID, &sub.UserID, &kind, &sub.TargetID, &created, &sub.Name); err != nil {
				return err
			}
			sub.Kind = fanarchive.SubscriptionKind(kind)
			if sub.CreatedAt, err = parseTime(created); err != nil {
				return err
			}
			out = append(out, sub)
		}
		return rows.Err()
	})
	return out, err
}

// FindSubscription returns one subscription.
func (s *Store) FindSubscription(ctx context.Context, id int64) (*fanarchive.Subscription, error) {
	subs, err := s.findSubscriptions(ctx, `s.id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("find subscription %d: %w", id, err)
	}
	if len(subs) == 0 {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "That subscription is not there any more.")
	}
	return subs[0], nil
}

// FindSubscriptions returns a user's subscriptions.
func (s *Store) FindSubscriptions(ctx context.Context, userID int64) ([]*fanarchive.Subscription, error) {
	subs, err := s.findSubscriptions(ctx, `s.user_id = ?`, userID)
	if err != nil {
		return nil, fmt.Errorf("find subscriptions of user %d: %w", userID, err)
	}
	return subs, nil
}

// SubscriptionTo returns the user's subscription to a target.
func (s *Store) SubscriptionTo(ctx context.Context, userID int64, kind fanarchive.SubscriptionKind, targetID int64) (*fanarchive.Subscription, error) {
	if kind == fanarchive.SubscribeTag {
		// Subscriptions keep a tag's canonical.
		err := s.read(ctx, func(tx *sql.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT coalesce(canonical_id, id) FROM tags WHERE id = ?`, targetID).Scan(&targetID)
		})
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("subscription to tag %d: %w", targetID, err)
		}
	}
	subs, err := s.findSubscriptions(ctx, `s.user_id = ? AND s.kind = ? AND s.target_id = ?`, userID, string(kind), targetID)
	if err != nil {
		return nil, fmt.Errorf("subscription of user %d to %s %d: %w", userID, kind, targetID, err)
	}
	if len(subs) == 0 {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "Not subscribed.")
	}
	return subs[0], nil
}

// notify adds a notification to its user's inbox unless they have one of
// the same event, and, when they want each by mail, queues its mail.
// It returns what to run after the commit.
func (s *Store) notify(ctx context.Context, tx *sql.Tx, n *fanarchive.Notification, key string, mail fanarchive.NotificationMailer) ([]func(), error) {
	now := s.now().UTC()
	err := tx.QueryRowContext(ctx, `INSERT INTO notifications (user_id, kind, event_key, work_id, work_title, chapter_id,
		comment_id, subscription_id, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING RETURNING id`,
		n.UserID, string(n.Kind), key, nullID(n.WorkID), n.WorkTitle, nullID(n.ChapterID), nullID(n.CommentID),
		nullID(n.SubscriptionID), n.Text, formatTime(now)).Scan(&n.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil // they have one of this event already
	} else if err != nil {
		return nil, err
	}
	n.CreatedAt = now
	var to fanarchive.NotificationRecipient
	var mode string
	var confirmed, disabled bool
	if err := tx.QueryRowContext(ctx, `SELECT id, name, email, email_confirmed, disabled, notify_mail FROM users WHERE id = ?`, n.UserID).
		Scan(&to.UserID, &to.Name, &to.Address, &confirmed, &disabled, &mode); err != nil {
		return nil, err
	}
	if fanarchive.MailMode(mode) == fanarchive.MailDaily && confirmed && !disabled {
		return nil, nil // for the digest
	}
	var done []func()
	if fanarchive.MailMode(mode) == fanarchive.MailEach && confirmed && !disabled && mail != nil {
		mails, err := mail(to, []*fanarchive.Notification{n})
		if err != nil {
			return nil, fmt.Errorf("build notification mail: %s", fanarchive.ErrorMessage(err))
		}
		d, err := s.queueMail(ctx, tx, mails)
		if err != nil {
			return nil, err
		}
		done = append(done, d)
	}
	_, err = tx.ExecContext(ctx, `UPDATE notifications SET mailed = 1 WHERE id = ?`, n.ID)
	return done, err
}

// notificationColumns are what scanNotification reads.
const notificationColumns = `id, user_id, kind, coalesce(work_id, 0), work_title, coalesce(chapter_id, 0), coalesce(comment_id, 0),
	coalesce(subscription_id, 0), text, read_at IS NOT NULL, created_at`

func scanNotification(row scanner, more ...any) (*fanarchive.Notification, error) {
	n := &fanarchive.Notification{}
	var kind string
	var created sql.NullString
	if err := row.Scan(append([]any{&n.ID, &n.UserID, &kind, &n.WorkID, &n.WorkTitle, &n.ChapterID, &n.CommentID,
		&n.SubscriptionID, &n.Text, &n.Read, &created}, more...)...); err != nil {
		return nil, err
	}
	n.Kind = fanarchive.NotificationKind(kind)
	var err error
	n.CreatedAt, err = parseTime(created)
	return n, err
}

// FindNotifications returns a page of a user's inbox, newest first.
func (s *Store) FindNotifications(ctx context.Context, f fanarchive.NotificationFilter) ([]*fanarchive.Notification, int, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 200)
	where := `user_id = ?`
	if f.Unread {
		where += ` AND read_at IS NULL`
	}
	var out []*fanarchive.Notification
	total := 0
	err := s.read(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, `SELECT `+notificationColumns+`, count(*) OVER () FROM notifications WHERE `+where+
			` ORDER BY id DESC LIMIT ? OFFSET ?`, f.UserID, limit, max(f.Offset, 0))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			n, err := scanNotification(rows, &total)
			if err != nil {
				return err
			}
			out = append(out, n)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out) == 0 {
			return tx.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE `+where, f.UserID).Scan(&total)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find notifications of user %d: %w", f.UserID, err)
	}
	return out, total, nil
}

// CountUnread counts a user's unread notifications.
func (s *Store) CountUnread(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, userID).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("count unread of user %d: %w", userID, err)
	}
	return n, nil
}

// idList is ids as SQL placeholders and arguments.
func idList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(ids)), ","), args
}

// MarkNotifications marks the user's notifications read or unread.
func (s *Store) MarkNotifications(ctx context.Context, userID int64, ids []int64, read bool) error {
	if len(ids) == 0 {
		return nil
	}
	in, args := idList(ids)
	var at sql.NullString
	if read {
		at = nullTime(s.now())
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND id IN (`+in+`)`,
			append([]any{at, userID}, args...)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark notifications of user %d: %w", userID, err)
	}
	return nil
}

// DeleteNotifications deletes the user's notifications.
func (s *Store) DeleteNotifications(ctx context.Context, userID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	in, args := idList(ids)
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM notifications WHERE user_id = ? AND id IN (`+in+`)`, append([]any{userID}, args...)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete notifications of user %d: %w", userID, err)
	}
	return nil
}

// NotificationMailMode returns the account's choice.
func (s *Store) NotificationMailMode(ctx context.Context, userID int64) (fanarchive.MailMode, error) {
	var m string
	err := s.read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT notify_mail FROM users WHERE id = ?`, userID).Scan(&m)
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such account.")
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("notification mail of user %d: %w", userID, err)
	}
	return fanarchive.MailMode(m), nil
}

// SetNotificationMailMode sets the account's choice. Leaving the digest,
// what was waiting for it is not mailed.
func (s *Store) SetNotificationMailMode(ctx context.Context, userID int64, m fanarchive.MailMode) error {
	if !m.Valid() {
		return fanarchive.Errorf(fanarchive.EINVALID, "Notifications are mailed each, daily or not at all.")
	}
	if err := s.setUserColumn(ctx, userID, "notify_mail", string(m)); err != nil {
		return err
	}
	if m == fanarchive.MailDaily {
		return nil
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE notifications SET mailed = 1 WHERE user_id = ? AND mailed = 0`, userID)
		return err
	})
}

// digestMax is how many notifications one digest holds; more wait for the
// next day's.
const digestMax = 500

// SendDigests queues each due user's daily digest.
func (s *Store) SendDigests(ctx context.Context, limit int, mail fanarchive.NotificationMailer) (int, error) {
	day := s.now().UTC().Format(time.DateOnly)
	var users []fanarchive.NotificationRecipient
	var ok []bool
	err := s.read(ctx, func(tx *sql.Tx) error {
		users, ok = nil, nil
		rows, err := tx.QueryContext(ctx, `SELECT u.id, u.name, u.email, u.email_confirmed = 1 AND u.disabled = 0 FROM users u
			WHERE u.notify_mail = 'daily' AND u.digest_day <> ?
			AND EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = u.id AND n.mailed = 0) ORDER BY u.id LIMIT ?`, day, max(limit, 1))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r := fanarchive.NotificationRecipient{Digest: day}
			var can bool
			if err := rows.Scan(&r.UserID, &r.Name, &r.Address, &can); err != nil {
				return err
			}
			users, ok = append(users, r), append(ok, can)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("find digests due: %w", err)
	}
	sent := 0
	for i, to := range users {
		var done func()
		err := s.write(ctx, func(tx *sql.Tx) error {
			done = nil
			// Checked again inside the write: another process may have sent it.
			if again, err := exists(ctx, tx, `SELECT 1 FROM users WHERE id = ? AND digest_day <> ?`, to.UserID, day); err != nil || !again {
				return err
			}
			rows, err := tx.QueryContext(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE user_id = ? AND mailed = 0
				ORDER BY id LIMIT ?`, to.UserID, digestMax)
			if err != nil {
				return err
			}
			var ns []*fanarchive.Notification
			for rows.Next() {
				n, err := scanNotification(rows)
				if err != nil {
					rows.Close()
					return err
				}
				ns = append(ns, n)
			}
			rows.Close()
			if err := rows.Err(); err != nil || len(ns) == 0 {
				return err
			}
			if ok[i] && mail != nil {
				mails, err := mail(to, ns)
				if err != nil {
					return fmt.Errorf("build digest: %s", fanarchive.ErrorMessage(err))
				}
				if done, err = s.queueMail(ctx, tx, mails); err != nil {
					return err
				}
				sent++
			}
			if _, err := tx.ExecContext(ctx, `UPDATE notifications SET mailed = 1 WHERE user_id = ? AND mailed = 0 AND id <= ?`,
				to.UserID, ns[len(ns)-1].ID); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE users SET digest_day = ? WHERE id = ?`, day, to.UserID)
			return err
		})
		if err != nil {
			return sent, fmt.Errorf("digest of user %d: %w", to.UserID, err)
		}
		if done != nil {
			done()
		}
	}
	return sent, nil
}
