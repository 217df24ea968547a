package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"fanarchive"
)

// Limits of the outbox's batches.
const (
	maxMailClaim  = 1000 // mails one claim returns at most
	mailListLimit = 100  // FindMail's page when Limit is 0
	maxMailList   = 1000
	purgeChunk    = 5000 // mails one purge transaction deletes, so writers wait briefly
)

// OnMailQueued sets a function the store calls after every commit that
// queued mail, e.g. (*mail.Sender).Notify, so a sender in this process
// starts at once instead of at its next poll. It must not block.
func (s *Store) OnMailQueued(fn func()) { s.mailQueued.Store(&fn) }

// notifyMailQueued calls the OnMailQueued function, if any.
func (s *Store) notifyMailQueued() {
	if fn := s.mailQueued.Load(); fn != nil && *fn != nil {
		(*fn)()
	}
}

// QueueMail stores mails for delivery in one transaction.
func (s *Store) QueueMail(ctx context.Context, mails []*fanarchive.OutboundMail) error {
	var done func()
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		done, err = s.queueMail(ctx, tx, mails)
		return err
	})
	if err != nil {
		return fmt.Errorf("queue mail: %w", err)
	}
	done()
	return nil
}

// queueMail queues mails inside tx, the transaction of whatever causes them
// (a new account and its confirmation mail commit together, or neither
// does). It validates them first. The caller calls done after tx commits,
// and only then: it sets the mails' IDs and times and wakes the sender.
func (s *Store) queueMail(ctx context.Context, tx *sql.Tx, mails []*fanarchive.OutboundMail) (done func(), err error) {
	for i, m := range mails {
		if m == nil {
			return nil, fanarchive.Errorf(fanarchive.EINVALID, "Mail %d is missing.", i+1)
		}
		if err := m.Validate(); err != nil {
			return nil, fmt.Errorf("mail %d to %q: %w", i+1, m.To, err)
		}
	}
	now := s.now().UTC()
	created := formatTime(now)

	bodyIDs := map[*fanarchive.MailBody]int64{}
	insertBody, err := tx.PrepareContext(ctx, `INSERT INTO mail_bodies (raw, created_at) VALUES (?, ?) RETURNING id`)
	if err != nil {
		return nil, err
	}
	defer insertBody.Close()
	insertMail, err := tx.PrepareContext(ctx, `INSERT INTO mail_outbox
		(kind, idempotency_key, mail_from, rcpt_to, header, body_id, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	if err != nil {
		return nil, err
	}
	defer insertMail.Close()

	ids := make([]int64, len(mails))
	for i, m := range mails {
		bodyID, ok := bodyIDs[m.Body]
		if !ok {
			if bodyID = m.Body.ID; bodyID == 0 {
				if err := insertBody.QueryRowContext(ctx, m.Body.Raw, created).Scan(&bodyID); err != nil {
					return nil, fmt.Errorf("store mail body: %w", err)
				}
			}
			bodyIDs[m.Body] = bodyID
		}
		next := created
		if !m.NextAttemptAt.IsZero() {
			next = formatTime(m.NextAttemptAt)
		}
		if err := insertMail.QueryRowContext(ctx, m.Kind, sql.NullString{String: m.Key, Valid: m.Key != ""},
			m.From, m.To, nonNil(m.Header), bodyID, next, created).Scan(&ids[i]); err != nil {
			return nil, fmt.Errorf("mail %d to %q: %w", i+1, m.To, err)
		}
	}
	return func() {
		for b, id := range bodyIDs {
			if b.ID == 0 {
				b.ID, b.CreatedAt = id, now
			}
		}
		for i, m := range mails {
			m.ID, m.CreatedAt, m.Attempts = ids[i], now, 0
			if m.NextAttemptAt.IsZero() {
				m.NextAttemptAt = now
			}
		}
		s.notifyMailQueued()
	}, nil
}

// nonNil returns b, or an empty slice for nil: the driver stores a nil
// []byte as NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// dueMail is the condition of mail still to deliver, exactly as the partial
// index mail_outbox_due states it, so that SQLite uses the index.
const dueMail = `sent_at IS NULL AND failed_at IS NULL`

// ClaimMail leases up to limit due mails (at most 1,000).
func (s *Store) ClaimMail(ctx context.Context, limit int, lease time.Duration) ([]*fanarchive.OutboundMail, error) {
	if limit < 1 || lease < time.Second {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "A claim needs a limit of at least 1 and a lease of at least a second.")
	}
	limit = min(limit, maxMailClaim)
	now := s.now()
	due, until := formatTime(now), formatTime(now.Add(lease))

	// Polling senders look first on the read pool, so an empty outbox
	// never takes the write lock.
	var found bool
	if err := s.rdb.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM mail_outbox WHERE `+dueMail+`
		AND next_attempt_at <= ?)`, due).Scan(&found); err != nil {
		return nil, fmt.Errorf("claim mail: %w", mapError(err))
	}
	if !found {
		return nil, nil
	}

	var mails []*fanarchive.OutboundMail
	err := s.write(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE mail_outbox
			SET attempts = attempts + 1, claimed_until = ?, next_attempt_at = ?
			WHERE id IN (SELECT id FROM mail_outbox WHERE `+dueMail+` AND next_attempt_at <= ?
				ORDER BY next_attempt_at, id LIMIT ?)
			RETURNING `+mailColumns, until, until, due, limit)
		if err != nil {
			return err
		}
		if mails, err = scanMails(rows); err != nil {
			return err
		}
		// RETURNING gives rows in no set order.
		slices.SortFunc(mails, func(a, b *fanarchive.OutboundMail) int { return cmp.Compare(a.ID, b.ID) })
		return loadBodies(ctx, tx, mails)
	})
	if err != nil {
		return nil, fmt.Errorf("claim mail: %w", err)
	}
	return mails, nil
}

// mailColumns are the outbox columns scanMails reads.
const mailColumns = `id, kind, coalesce(idempotency_key, ''), mail_from, rcpt_to, header, body_id, attempts,
	next_attempt_at, claimed_until, sent_at, failed_at, last_error, created_at`

// scanMails reads mailColumns from every row and closes rows. Each mail gets
// a Body with only its ID.
func scanMails(rows *sql.Rows) ([]*fanarchive.OutboundMail, error) {
	defer rows.Close()
	var mails []*fanarchive.OutboundMail
	for rows.Next() {
		m := &fanarchive.OutboundMail{Body: &fanarchive.MailBody{}}
		var next, claimed, sent, failed, created sql.NullString
		if err := rows.Scan(&m.ID, &m.Kind, &m.Key, &m.From, &m.To, &m.Header, &m.Body.ID, &m.Attempts,
			&next, &claimed, &sent, &failed, &m.LastError, &created); err != nil {
			return nil, err
		}
		for _, t := range []struct {
			dst *time.Time
			src sql.NullString
		}{{&m.NextAttemptAt, next}, {&m.ClaimedUntil, claimed}, {&m.SentAt, sent}, {&m.FailedAt, failed}, {&m.CreatedAt, created}} {
			var err error
			if *t.dst, err = parseTime(t.src); err != nil {
				return nil, fmt.Errorf("mail %d: %w", m.ID, err)
			}
		}
		if len(m.Header) == 0 {
			m.Header = nil
		}
		mails = append(mails, m)
	}
	return mails, rows.Err()
}

// loadBodies reads the bytes of the mails' bodies, once per body: mails
// that share a body get the same *MailBody.
func loadBodies(ctx context.Context, tx *sql.Tx, mails []*fanarchive.OutboundMail) error {
	bodies := map[int64]*fanarchive.MailBody{}
	var args []any
	for _, m := range mails {
		if _, ok := bodies[m.Body.ID]; !ok {
			bodies[m.Body.ID] = nil
			args = append(args, m.Body.ID)
		}
	}
	if len(args) == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, raw, created_at FROM mail_bodies WHERE id IN (?`+
		strings.Repeat(", ?", len(args)-1)+`)`, args...)
	if err != nil {
		return fmt.Errorf("read mail bodies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		b := &fanarchive.MailBody{}
		var created sql.NullString
		if err := rows.Scan(&b.ID, &b.Raw, &created); err != nil {
			return fmt.Errorf("read mail bodies: %w", err)
		}
		if b.CreatedAt, err = parseTime(created); err != nil {
			return fmt.Errorf("mail body %d: %w", b.ID, err)
		}
		bodies[b.ID] = b
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read mail bodies: %w", err)
	}
	for _, m := range mails {
		b := bodies[m.Body.ID]
		if b == nil {
			return fmt.Errorf("mail %d: body %d is missing", m.ID, m.Body.ID)
		}
		m.Body = b
	}
	return nil
}

// MarkMailSent records that the relay accepted the mails.
func (s *Store) MarkMailSent(ctx context.Context, mails []*fanarchive.OutboundMail) error {
	if len(mails) == 0 {
		return nil
	}
	now := s.now()
	markSent, err := s.prepared(ctx, `UPDATE mail_outbox SET sent_at = ?, failed_at = NULL, claimed_until = NULL
		WHERE id = ? AND sent_at IS NULL`)
	if err != nil {
		return fmt.Errorf("mark mail sent: %w", err)
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		stmt := tx.StmtContext(ctx, markSent)
		for _, m := range mails {
			if _, err := stmt.ExecContext(ctx, formatTime(now), m.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mark mail sent: %w", err)
	}
	for _, m := range mails {
		m.SentAt, m.FailedAt, m.ClaimedUntil = now.UTC(), time.Time{}, time.Time{}
	}
	return nil
}

// MarkMailFailed records failed attempts, to retry or given up.
func (s *Store) MarkMailFailed(ctx context.Context, failures []fanarchive.MailFailure) error {
	if len(failures) == 0 {
		return nil
	}
	now := formatTime(s.now())
	err := s.write(ctx, func(tx *sql.Tx) error {
		// A failure only answers the claim it names (attempts), and only
		// mail still to deliver.
		const claim = ` WHERE id = ? AND attempts = ? AND ` + dueMail
		retry, err := tx.PrepareContext(ctx, `UPDATE mail_outbox SET next_attempt_at = ?, claimed_until = NULL, last_error = ?`+claim)
		if err != nil {
			return err
		}
		defer retry.Close()
		giveUp, err := tx.PrepareContext(ctx, `UPDATE mail_outbox SET failed_at = ?, claimed_until = NULL, last_error = ?`+claim)
		if err != nil {
			return err
		}
		defer giveUp.Close()
		var gaveUp []int64
		for _, f := range failures {
			if f.Mail == nil {
				continue
			}
			stmt, at := giveUp, now
			if !f.RetryAt.IsZero() {
				stmt, at = retry, formatTime(f.RetryAt)
			}
			if _, err := stmt.ExecContext(ctx, at, f.Error, f.Mail.ID, f.Mail.Attempts); err != nil {
				return err
			}
			if f.RetryAt.IsZero() {
				gaveUp = append(gaveUp, f.Mail.ID)
			}
		}
		return s.feedbackBounced(ctx, tx, gaveUp) // feedback.go: the relay stops writing to them
	})
	if err != nil {
		return fmt.Errorf("mark mail failed: %w", err)
	}
	return nil
}

// ReleaseMail gives back claimed mails that were not attempted.
func (s *Store) ReleaseMail(ctx context.Context, mails []*fanarchive.OutboundMail) error {
	if len(mails) == 0 {
		return nil
	}
	now := formatTime(s.now())
	err := s.write(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `UPDATE mail_outbox
			SET attempts = attempts - 1, next_attempt_at = ?, claimed_until = NULL
			WHERE id = ? AND attempts = ? AND claimed_until IS NOT NULL AND `+dueMail)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, m := range mails {
			if _, err := stmt.ExecContext(ctx, now, m.ID, m.Attempts); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("release mail: %w", err)
	}
	return nil
}

// CountMail counts the outbox's mail by state, each from its partial index.
func (s *Store) CountMail(ctx context.Context) (fanarchive.MailCounts, error) {
	var c fanarchive.MailCounts
	err := s.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM mail_outbox WHERE `+dueMail+`),
			(SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NOT NULL),
			(SELECT COUNT(*) FROM mail_outbox WHERE failed_at IS NOT NULL)`).Scan(&c.Queued, &c.Sent, &c.Failed)
	})
	if err != nil {
		return c, fmt.Errorf("count mail: %w", err)
	}
	return c, nil
}

// FindMail lists mail in the order it was queued.
func (s *Store) FindMail(ctx context.Context, f fanarchive.MailFilter) ([]*fanarchive.OutboundMail, int, error) {
	var where []string
	var args []any
	switch f.State {
	case "":
	case fanarchive.MailQueued:
		where = append(where, dueMail)
	case fanarchive.MailSent:
		where = append(where, `sent_at IS NOT NULL`)
	case fanarchive.MailFailed:
		where = append(where, `failed_at IS NOT NULL`)
	default:
		return nil, 0, fanarchive.Errorf(fanarchive.EINVALID, "No mail state %q.", f.State)
	}
	if f.Offset < 0 || f.Limit < 0 {
		return nil, 0, fanarchive.Errorf(fanarchive.EINVALID, "Offset and limit cannot be negative.")
	}
	if f.Kind != "" {
		where, args = append(where, `kind = ?`), append(args, f.Kind)
	}
	if f.Key != "" {
		where, args = append(where, `idempotency_key = ?`), append(args, f.Key)
	}
	cond := "1 = 1"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit == 0 {
		limit = mailListLimit
	}
	limit = min(limit, maxMailList)

	var mails []*fanarchive.OutboundMail
	var total int
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM mail_outbox WHERE `+cond, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+mailColumns+` FROM mail_outbox WHERE `+cond+` ORDER BY id LIMIT ? OFFSET ?`,
			append(args, limit, f.Offset)...)
		if err != nil {
			return err
		}
		mails, err = scanMails(rows)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find mail: %w", err)
	}
	return mails, total, nil
}

// PurgeMail deletes mail sent or given up before before, a chunk a
// transaction, then the bodies left unused.
func (s *Store) PurgeMail(ctx context.Context, before time.Time) (int, error) {
	cutoff := formatTime(before)
	deleted := 0
	for _, done := range []string{"sent_at", "failed_at"} {
		for {
			var n int64
			err := s.write(ctx, func(tx *sql.Tx) error {
				res, err := tx.ExecContext(ctx, `DELETE FROM mail_outbox WHERE id IN (
					SELECT id FROM mail_outbox WHERE `+done+` IS NOT NULL AND `+done+` < ? LIMIT ?)`, cutoff, purgeChunk)
				if err != nil {
					return err
				}
				n, err = res.RowsAffected()
				return err
			})
			if err != nil {
				return deleted, fmt.Errorf("purge mail: %w", err)
			}
			deleted += int(n)
			if n < purgeChunk {
				break
			}
		}
	}
	// A body queued in the same transaction as its mails is never without
	// them; one stored before the cutoff and unused now is done with.
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM mail_bodies WHERE created_at < ?
			AND NOT EXISTS (SELECT 1 FROM mail_outbox o WHERE o.body_id = mail_bodies.id)`, cutoff)
		return err
	})
	if err != nil {
		return deleted, fmt.Errorf("purge mail bodies: %w", err)
	}
	return deleted, nil
}
