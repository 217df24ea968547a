package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/privacy"
)

// Feedback relayed to authors (migration 0016, docs/feedback.md): who a
// work's feedback goes to, the messages, the relay's addresses (stopped,
// bounced) and replies' routes. Kudos are in kudos.go.

// feedbackAddress is the relay's row for an address: its ID (0 when there
// is none yet and none was made) and whether it must not be written to.
type feedbackAddress struct {
	id               int64
	stopped, bounced bool
}

// addressRow reads the relay's row of addr, making it when create is set.
func (s *Store) addressRow(ctx context.Context, tx *sql.Tx, addr string, create bool) (feedbackAddress, error) {
	key := addressKey(addr)
	var a feedbackAddress
	var stopped, bounced sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT id, stopped_at, bounced_at FROM feedback_addresses WHERE address_key = ?`, key).
		Scan(&a.id, &stopped, &bounced)
	switch {
	case err == nil:
		a.stopped, a.bounced = stopped.Valid, bounced.Valid
		return a, nil
	case !errors.Is(err, sql.ErrNoRows):
		return a, err
	case !create:
		return a, nil
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO feedback_addresses (address_key, created_at) VALUES (?, ?) RETURNING id`,
		key, formatTime(s.now())).Scan(&a.id)
	return a, err
}

// feedbackOwner is an account owning a work, as the relay needs it.
type feedbackOwner struct {
	id              int64
	name, email     string
	confirmed       bool
	disabled, relay bool
}

// feedbackTarget works out where feedback to a work from senderID goes
// now, and, when it is mailed, to which addresses (private). With create,
// the relay's rows for those addresses are made, so that each has an ID
// for its stop link.
func (s *Store) feedbackTarget(ctx context.Context, tx *sql.Tx, workID, senderID int64, create bool) (*fanarchive.FeedbackTarget, []fanarchive.FeedbackRecipient, error) {
	t := &fanarchive.FeedbackTarget{WorkID: workID}
	var contact string
	err := tx.QueryRowContext(ctx, `SELECT w.title, `+contactSQL+` FROM works w WHERE w.id = ? AND w.deleted_at IS NULL`, workID).
		Scan(&t.WorkTitle, &contact)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d not found.", workID)
	} else if err != nil {
		return nil, nil, err
	}
	owners, legacy, err := workOwners(ctx, tx, workID)
	if err != nil {
		return nil, nil, err
	}
	var to []fanarchive.FeedbackRecipient
	if len(owners) > 0 {
		others := 0
		for _, o := range owners {
			t.Owners = append(t.Owners, o.id)
			if o.id == senderID {
				continue
			}
			others++
			if o.disabled || !o.confirmed || !o.relay {
				continue
			}
			a, err := s.addressRow(ctx, tx, o.email, create)
			if err != nil {
				return nil, nil, err
			}
			if a.stopped || a.bounced {
				continue
			}
			to = append(to, fanarchive.FeedbackRecipient{Address: o.email, AddressID: a.id, UserID: o.id, Name: o.name})
		}
		if others == 0 {
			return nil, nil, fanarchive.Errorf(fanarchive.EINVALID, "This is your own work: there is no one else to send feedback to.")
		}
		t.Route = fanarchive.RouteDecline
		if len(to) > 0 {
			t.Route = fanarchive.RouteMail
		}
		return t, to, nil
	}
	t.Legacy, t.Route = true, fanarchive.RouteHold
	addr := privacy.ContactAddress(contact)
	if addr == "" {
		return t, nil, nil
	}
	a, err := s.addressRow(ctx, tx, addr, create)
	switch {
	case err != nil:
		return nil, nil, err
	case a.stopped:
		t.Route = fanarchive.RouteDecline
	case a.bounced:
		// Kept, as for no address: whoever claims the work gets it.
	default:
		t.Route = fanarchive.RouteMail
		to = append(to, fanarchive.FeedbackRecipient{Address: addr, AddressID: a.id, Name: strings.Join(legacy, ", ")})
	}
	return t, to, nil
}

// workOwners returns the accounts owning a work, in byline order, and the
// names of its legacy authors.
func workOwners(ctx context.Context, tx *sql.Tx, workID int64) ([]feedbackOwner, []string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT a.name, coalesce(u.id, 0), coalesce(u.name, ''), coalesce(u.email, ''),
		coalesce(u.email_confirmed, 0), coalesce(u.disabled, 0), coalesce(u.feedback_relay, 0)
		FROM work_authors wa JOIN authors a ON a.id = wa.author_id LEFT JOIN users u ON u.id = a.user_id
		WHERE wa.work_id = ? ORDER BY wa.position`, workID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var owners []feedbackOwner
	var legacy []string
	seen := map[int64]bool{}
	for rows.Next() {
		var author string
		var o feedbackOwner
		if err := rows.Scan(&author, &o.id, &o.name, &o.email, &o.confirmed, &o.disabled, &o.relay); err != nil {
			return nil, nil, err
		}
		switch {
		case o.id == 0:
			legacy = append(legacy, author)
		case !seen[o.id]:
			seen[o.id] = true
			owners = append(owners, o)
		}
	}
	return owners, legacy, rows.Err()
}

// FindFeedbackTarget says what feedback to a work would do.
func (s *Store) FindFeedbackTarget(ctx context.Context, workID, senderID int64) (*fanarchive.FeedbackTarget, error) {
	var t *fanarchive.FeedbackTarget
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		t, _, err = s.feedbackTarget(ctx, tx, workID, senderID, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find feedback target of work %d: %w", workID, err)
	}
	return t, nil
}

// SendFeedback records feedback and queues its mail in one transaction.
func (s *Store) SendFeedback(ctx context.Context, f *fanarchive.Feedback, mail fanarchive.FeedbackMailer) error {
	if f.SenderID != 0 {
		f.SenderEmail = ""
	}
	if err := f.Validate(); err != nil {
		return err
	}
	var done func()
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := s.now().UTC()
		if f.SenderID != 0 {
			u, err := findUser(ctx, tx, `u.id = ?`, f.SenderID)
			if err != nil {
				return err
			} else if u.Disabled {
				return fanarchive.Errorf(fanarchive.EINVALID, "That account is disabled.")
			}
			f.SenderName = u.Name
			if blocked, err := blockedFromWork(ctx, tx, f.WorkID, f.SenderID); err != nil {
				return err
			} else if blocked {
				return errBlocked
			}
		}
		t, to, err := s.feedbackTarget(ctx, tx, f.WorkID, f.SenderID, true)
		if err != nil {
			return err
		}
		f.WorkTitle, f.CreatedAt = t.WorkTitle, now
		switch t.Route {
		case fanarchive.RouteMail:
			f.State, f.DeliveredAt = fanarchive.FeedbackSent, now
		case fanarchive.RouteHold:
			f.State = fanarchive.FeedbackHeld
		default:
			f.State = fanarchive.FeedbackDeclined
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO feedback (work_id, work_title, sender_id, sender_name, sender_email,
			subject, body, state, created_at, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			f.WorkID, f.WorkTitle, nullID(f.SenderID), f.SenderName, f.SenderEmail, f.Subject, f.Body, string(f.State),
			formatTime(now), nullTime(f.DeliveredAt)).Scan(&f.ID); err != nil {
			return err
		}
		if f.State != fanarchive.FeedbackSent {
			return nil
		}
		done, err = s.mailFeedback(ctx, tx, f, to, mail)
		return err
	})
	if err != nil {
		f.ID = 0
		return fmt.Errorf("send feedback on work %d: %w", f.WorkID, err)
	}
	if done != nil {
		done()
	}
	return nil
}

// mailFeedback records f's recipients and queues the mail that mail builds
// for them, in tx.
func (s *Store) mailFeedback(ctx context.Context, tx *sql.Tx, f *fanarchive.Feedback, to []fanarchive.FeedbackRecipient, mail fanarchive.FeedbackMailer) (func(), error) {
	for _, r := range to {
		if _, err := tx.ExecContext(ctx, `INSERT INTO feedback_recipients (feedback_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`,
			f.ID, r.UserID); err != nil {
			return nil, err
		}
	}
	mails, err := mail(f, to)
	if err != nil {
		// Nothing of the addresses goes into the error.
		return nil, fmt.Errorf("build the feedback mail: %s", fanarchive.ErrorCode(err))
	}
	done, err := s.queueMail(ctx, tx, mails)
	if err != nil {
		return nil, fmt.Errorf("queue the feedback mail: %s %s", fanarchive.ErrorCode(err), fanarchive.ErrorMessage(err))
	}
	return done, nil
}

// releaseHeldFeedback hands the feedback held for works to the account
// that claimed them, in the transaction that settled the claim
// (claimSettled): DeliverReleasedFeedback then mails it.
func releaseHeldFeedback(ctx context.Context, tx *sql.Tx, userID int64, works []int64) error {
	for _, w := range works {
		if _, err := tx.ExecContext(ctx, `UPDATE feedback SET state = 'released', released_to = ? WHERE work_id = ? AND state = 'held'`,
			userID, w); err != nil {
			return fmt.Errorf("release feedback held for work %d: %w", w, err)
		}
	}
	return nil
}

// DeliverReleasedFeedback mails feedback released by settled claims.
func (s *Store) DeliverReleasedFeedback(ctx context.Context, limit int, mail fanarchive.FeedbackMailer) (int, error) {
	var ids []int64
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM feedback WHERE state = 'released' ORDER BY id LIMIT ?`, max(limit, 1))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("deliver released feedback: %w", err)
	}
	sent := 0
	for _, id := range ids {
		var done func()
		err := s.write(ctx, func(tx *sql.Tx) error {
			f, err := findFeedback(ctx, tx, id, true)
			if err != nil || f.State != fanarchive.FeedbackReleased {
				return err // delivered meanwhile
			}
			var owner sql.NullInt64
			if err := tx.QueryRowContext(ctx, `SELECT released_to FROM feedback WHERE id = ?`, id).Scan(&owner); err != nil {
				return err
			}
			var to []fanarchive.FeedbackRecipient
			if u, err := findUser(ctx, tx, `u.id = ?`, owner.Int64); err == nil && !u.Disabled && u.EmailConfirmed {
				var relay bool
				if err := tx.QueryRowContext(ctx, `SELECT feedback_relay FROM users WHERE id = ?`, u.ID).Scan(&relay); err != nil {
					return err
				}
				a, err := s.addressRow(ctx, tx, u.Email, true)
				if err != nil {
					return err
				}
				if relay && !a.stopped && !a.bounced {
					to = append(to, fanarchive.FeedbackRecipient{Address: u.Email, AddressID: a.id, UserID: u.ID, Name: u.Name})
				}
			}
			now := s.now()
			if len(to) == 0 {
				_, err := tx.ExecContext(ctx, `UPDATE feedback SET state = 'declined' WHERE id = ?`, id)
				return err
			}
			f.State, f.DeliveredAt = fanarchive.FeedbackSent, now.UTC()
			if _, err := tx.ExecContext(ctx, `UPDATE feedback SET state = 'sent', delivered_at = ? WHERE id = ?`, formatTime(now), id); err != nil {
				return err
			}
			done, err = s.mailFeedback(ctx, tx, f, to, mail)
			return err
		})
		if err != nil {
			return sent, fmt.Errorf("deliver released feedback %d: %w", id, err)
		}
		if done != nil {
			done()
			sent++
		}
	}
	return sent, nil
}

// findFeedback reads a feedback row, with its sender's address when
// private is set.
func findFeedback(ctx context.Context, tx *sql.Tx, id int64, private bool) (*fanarchive.Feedback, error) {
	f := &fanarchive.Feedback{}
	var state string
	var created, delivered sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT id, work_id, work_title, coalesce(sender_id, 0), sender_name, sender_email,
		subject, body, state, created_at, delivered_at FROM feedback WHERE id = ?`, id).
		Scan(&f.ID, &f.WorkID, &f.WorkTitle, &f.SenderID, &f.SenderName, &f.SenderEmail, &f.Subject, &f.Body, &state,
			&created, &delivered)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "No such feedback.")
	} else if err != nil {
		return nil, err
	}
	f.State = fanarchive.FeedbackState(state)
	if f.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if f.DeliveredAt, err = parseTime(delivered); err != nil {
		return nil, err
	}
	if !private {
		f.SenderEmail = ""
	}
	return f, nil
}

// FindFeedback returns a feedback message without its sender's address.
func (s *Store) FindFeedback(ctx context.Context, id int64) (*fanarchive.Feedback, error) {
	var f *fanarchive.Feedback
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		f, err = findFeedback(ctx, tx, id, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find feedback %d: %w", id, err)
	}
	return f, nil
}

// FeedbackReplyRoute says where a reply through the relay goes.
func (s *Store) FeedbackReplyRoute(ctx context.Context, id int64, toSender bool, fromUser int64) (*fanarchive.ReplyRoute, error) {
	var route *fanarchive.ReplyRoute
	err := s.write(ctx, func(tx *sql.Tx) error {
		f, err := findFeedback(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if ok, err := exists(ctx, tx, `SELECT 1 FROM feedback_recipients WHERE feedback_id = ? AND user_id = ?`, id, fromUser); err != nil {
			return err
		} else if !ok {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such recipient of the feedback.")
		}
		// The recipient's side: an account's current address, or the
		// work's legacy header address.
		author, err := s.recipientSide(ctx, tx, f, fromUser)
		if err != nil {
			return err
		}
		sender := fanarchive.FeedbackRecipient{Address: f.SenderEmail, UserID: f.SenderID, Name: f.SenderName}
		if f.SenderID != 0 {
			u, err := findUser(ctx, tx, `u.id = ?`, f.SenderID)
			if err != nil {
				return fanarchive.Errorf(fanarchive.ENOTFOUND, "The sender's account is gone.")
			}
			sender.Address, sender.Name = u.Email, u.Name
		}
		route = &fanarchive.ReplyRoute{Feedback: f, To: author, FromName: sender.Name, FromUserID: 0, Scrub: []string{sender.Address}}
		if toSender {
			route = &fanarchive.ReplyRoute{Feedback: f, To: sender, FromName: author.Name, FromUserID: fromUser, Scrub: []string{author.Address}}
		} else {
			route.FromUserID = fromUser // the forward's Reply-To names the author it came from
		}
		a, err := s.addressRow(ctx, tx, route.To.Address, true)
		if err != nil {
			return err
		}
		if a.stopped || a.bounced {
			return fanarchive.Errorf(fanarchive.EINVALID, "The relay no longer writes to that address.")
		}
		route.To.AddressID = a.id
		f.SenderEmail = ""
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("route a reply to feedback %d: %w", id, err)
	}
	return route, nil
}

// recipientSide is the address of feedback f's recipient userID now: the
// account's, or for 0 the legacy header's.
func (s *Store) recipientSide(ctx context.Context, tx *sql.Tx, f *fanarchive.Feedback, userID int64) (fanarchive.FeedbackRecipient, error) {
	if userID != 0 {
		u, err := findUser(ctx, tx, `u.id = ?`, userID)
		if err != nil || u.Disabled {
			return fanarchive.FeedbackRecipient{}, fanarchive.Errorf(fanarchive.ENOTFOUND, "The author's account is gone.")
		}
		return fanarchive.FeedbackRecipient{Address: u.Email, UserID: u.ID, Name: u.Name}, nil
	}
	var contact string
	if err := tx.QueryRowContext(ctx, `SELECT `+contactSQL+` FROM works w WHERE w.id = ?`, f.WorkID).Scan(&contact); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.FeedbackRecipient{}, fanarchive.Errorf(fanarchive.ENOTFOUND, "The work is gone.")
		}
		return fanarchive.FeedbackRecipient{}, err
	}
	addr := privacy.ContactAddress(contact)
	if addr == "" {
		return fanarchive.FeedbackRecipient{}, fanarchive.Errorf(fanarchive.ENOTFOUND, "The work's header names no address.")
	}
	_, legacy, err := workOwners(ctx, tx, f.WorkID)
	if err != nil {
		return fanarchive.FeedbackRecipient{}, err
	}
	name := strings.Join(legacy, ", ")
	if name == "" {
		name = "The author"
	}
	return fanarchive.FeedbackRecipient{Address: addr, Name: name}, nil
}

// FeedbackRelayOn reports whether an account takes relayed feedback.
func (s *Store) FeedbackRelayOn(ctx context.Context, userID int64) (bool, error) {
	var on bool
	err := s.rdb.QueryRowContext(ctx, `SELECT feedback_relay FROM users WHERE id = ?`, userID).Scan(&on)
	if errors.Is(err, sql.ErrNoRows) {
		return false, fanarchive.Errorf(fanarchive.ENOTFOUND, "No such account.")
	} else if err != nil {
		return false, fmt.Errorf("feedback setting of user %d: %w", userID, mapError(err))
	}
	return on, nil
}

// SetFeedbackRelay turns relayed feedback on or off for an account.
func (s *Store) SetFeedbackRelay(ctx context.Context, userID int64, on bool) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET feedback_relay = ? WHERE id = ?`, on, userID)
		if err != nil {
			return fmt.Errorf("set feedback setting of user %d: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such account.")
		}
		return nil
	})
}

// StopFeedbackAddress stops the relay writing to an address.
func (s *Store) StopFeedbackAddress(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE feedback_addresses SET stopped_at = coalesce(stopped_at, ?) WHERE id = ?`,
			formatTime(s.now()), id)
		if err != nil {
			return fmt.Errorf("stop feedback to address %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such address.")
		}
		return nil
	})
}

// feedbackBounced marks the addresses of relayed mails the outbox gave up
// on as bounced, in the transaction that gave up on them (MarkMailFailed).
func (s *Store) feedbackBounced(ctx context.Context, tx *sql.Tx, mailIDs []int64) error {
	for _, id := range mailIDs {
		var kind, to string
		err := tx.QueryRowContext(ctx, `SELECT kind, rcpt_to FROM mail_outbox WHERE id = ? AND failed_at IS NOT NULL`, id).Scan(&kind, &to)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return err
		}
		if kind != fanarchive.MailKindFeedback && kind != fanarchive.MailKindFeedbackReply {
			continue
		}
		now := formatTime(s.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO feedback_addresses (address_key, bounced_at, created_at) VALUES (?, ?, ?)
			ON CONFLICT (address_key) DO UPDATE SET bounced_at = coalesce(feedback_addresses.bounced_at, excluded.bounced_at)`,
			addressKey(to), now, now); err != nil {
			return fmt.Errorf("record a bounce: %w", err)
		}
	}
	return nil
}

// PurgeFeedback deletes feedback mailed or declined before before.
func (s *Store) PurgeFeedback(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM feedback WHERE state IN ('sent', 'declined') AND created_at < ?`, formatTime(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge feedback: %w", err)
	}
	return int(n), nil
}
