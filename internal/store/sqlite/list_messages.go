package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fanarchive"
)

// Lists' messages (migration 0018): receiving, moderating, threading,
// posting with the fan-out to members, and the archive's reads. Digests are
// in list_digests.go.

const (
	// fanoutChunk is how many members one call of a ListFanout or
	// ListDigestBuilder gets: enough that a 100,000-member list is a
	// hundred calls, few enough that a chunk's mails stay small.
	fanoutChunk = 1000
	// threadSubjectWindow is how far back a subject threads a message.
	threadSubjectWindow = 30 * 24 * time.Hour
	// Pages of the archive.
	messagePageDefault = 50
	messagePageMax     = 500
	maxMessageIDLen    = 998
)

// listMessageColumns are what scanListMessage reads, from list_messages g.
const listMessageColumns = `g.id, g.list_id, g.key, g.message_id, g.in_reply_to, g.refs, g.thread_id, g.subject,
	g.from_name, g.from_address, coalesce(g.user_id, 0), g.date, g.text, g.html, g.state, g.hold_reason,
	coalesce(g.work_id, 0), g.chapter, g.received_at, coalesce(g.moderated_by, 0), g.moderated_at`

func scanListMessage(row scanner, extra ...any) (*fanarchive.ListMessage, error) {
	m := &fanarchive.ListMessage{}
	var refs string
	var date, received, moderated sql.NullString
	if err := row.Scan(append([]any{&m.ID, &m.ListID, &m.Key, &m.MessageID, &m.InReplyTo, &refs, &m.ThreadID, &m.Subject,
		&m.FromName, &m.FromAddress, &m.UserID, &date, &m.Text, &m.HTML, &m.State, &m.HoldReason,
		&m.WorkID, &m.Chapter, &received, &m.ModeratedBy, &moderated}, extra...)...); err != nil {
		return nil, err
	}
	m.References = strings.Fields(refs)
	for _, t := range []struct {
		dst *time.Time
		src sql.NullString
	}{{&m.Date, date}, {&m.ReceivedAt, received}, {&m.ModeratedAt, moderated}} {
		var err error
		if *t.dst, err = parseTime(t.src); err != nil {
			return nil, fmt.Errorf("list message %d: %w", m.ID, err)
		}
	}
	return m, nil
}

// findListMessage reads one message; ENOTFOUND when there is none.
func findListMessage(ctx context.Context, tx *sql.Tx, where string, args ...any) (*fanarchive.ListMessage, error) {
	m, err := scanListMessage(tx.QueryRowContext(ctx, `SELECT `+listMessageColumns+` FROM list_messages g WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "No such message.")
	}
	return m, err
}

// validateListMessage checks what the store needs of a message to keep it.
func validateListMessage(m *fanarchive.ListMessage) error {
	switch {
	case m.Key == "" || len(m.Key) > 500 || !utf8.ValidString(m.Key):
		return fanarchive.Errorf(fanarchive.EINVALID, "A list message needs a key of at most 500 bytes.")
	case m.State != fanarchive.ListMessageHeld && m.State != fanarchive.ListMessagePosted && m.State != fanarchive.ListMessageRejected:
		return fanarchive.Errorf(fanarchive.EINVALID, "A list message is received held, posted or refused, not %q.", m.State)
	case !utf8.ValidString(m.Subject) || !utf8.ValidString(m.Text) || !utf8.ValidString(m.HTML) || !utf8.ValidString(m.FromName):
		return fanarchive.Errorf(fanarchive.EINVALID, "A list message's subject, sender and text must be valid UTF-8.")
	case len(m.MessageID) > maxMessageIDLen || len(m.InReplyTo) > maxMessageIDLen || strings.ContainsAny(m.MessageID+m.InReplyTo, " \t\r\n"):
		return fanarchive.Errorf(fanarchive.EINVALID, "A list message's Message-ID and In-Reply-To are single IDs.")
	}
	for _, r := range m.References {
		if r == "" || len(r) > maxMessageIDLen || strings.ContainsAny(r, " \t\r\n") {
			return fanarchive.Errorf(fanarchive.EINVALID, "A list message's References are single IDs.")
		}
	}
	return nil
}

// ReceiveListMessage stores a message sent to a list, held or posted; a
// posted one is threaded, indexed and fanned out in the same transaction.
// A nil fanout mails no member (an imported archive).
func (s *Store) ReceiveListMessage(ctx context.Context, m *fanarchive.ListMessage, fanout fanarchive.ListFanout, notices []*fanarchive.OutboundMail) error {
	if err := validateListMessage(m); err != nil {
		return err
	}
	now := s.now().UTC()
	var dones []func()
	var stored struct {
		id    int64
		state fanarchive.ListMessageState
	}
	var reset func()
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := listExists(ctx, tx, m.ListID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `SELECT id, state FROM list_messages WHERE list_id = ? AND key = ?`, m.ListID, m.Key).
			Scan(&stored.id, &stored.state)
		if err == nil {
			return fanarchive.Errorf(fanarchive.ECONFLICT, "This message was received already.")
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		date := m.Date
		if date.IsZero() {
			date = now
		}
		// A posted message is stored held and posted below; a refused one
		// (a loop, a robot, a banned sender) is kept as refused.
		initialState := fanarchive.ListMessageHeld
		if m.State == fanarchive.ListMessageRejected {
			initialState = fanarchive.ListMessageRejected
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO list_messages (list_id, key, message_id, in_reply_to, refs, subject,
			subject_key, from_name, from_address, user_id, date, text, html, state, hold_reason, received_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			m.ListID, m.Key, m.MessageID, m.InReplyTo, strings.Join(m.References, " "), m.Subject,
			fanarchive.ThreadSubject(m.Subject), m.FromName, m.FromAddress, nullID(m.UserID), formatTime(date), m.Text, m.HTML,
			initialState, m.HoldReason, formatTime(now)).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO list_message_raw (message_id, raw) VALUES (?, ?)`, id, nonNil(m.Raw)); err != nil {
			return err
		}
		msg := *m
		msg.ID, msg.Date, msg.ReceivedAt, msg.ThreadID = id, date, now, id
		if m.State == fanarchive.ListMessagePosted {
			msg.HoldReason = ""
			d, r, err := s.postListMessage(ctx, tx, &msg, fanout)
			reset = r
			if err != nil {
				return err
			}
			dones = append(dones, d)
		} else if _, err := tx.ExecContext(ctx, `UPDATE list_messages SET thread_id = ? WHERE id = ?`, id, id); err != nil {
			return err
		}
		d, err := s.queueAfter(ctx, tx, notices)
		if err != nil {
			return err
		}
		dones = append(dones, d)
		*m = msg
		return nil
	})
	if err != nil {
		if reset != nil {
			reset()
		}
		if stored.id != 0 {
			m.ID, m.State = stored.id, stored.state
		}
		return fmt.Errorf("receive list message: %w", err)
	}
	for _, d := range dones {
		d()
	}
	return nil
}

// ModerateListMessage decides on a held message. An approved message is
// given to the fan-out, and returned, with its Raw bytes.
func (s *Store) ModerateListMessage(ctx context.Context, id int64, d fanarchive.ModerationDecision, by int64, fanout fanarchive.ListFanout) (*fanarchive.ListMessage, error) {
	switch d {
	case fanarchive.ModerationApprove, fanarchive.ModerationReject, fanarchive.ModerationBan:
	default:
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "There is no moderation decision %q.", d)
	}
	now := s.now().UTC()
	var m *fanarchive.ListMessage
	var done func()
	var reset func()
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if m, err = findListMessage(ctx, tx, `g.id = ?`, id); err != nil {
			return err
		}
		if m.State != fanarchive.ListMessageHeld {
			return fanarchive.Errorf(fanarchive.ECONFLICT, "The message is %s already.", m.State)
		}
		m.ModeratedBy, m.ModeratedAt = by, now
		if _, err := tx.ExecContext(ctx, `UPDATE list_messages SET moderated_by = ?, moderated_at = ? WHERE id = ?`,
			nullID(by), formatTime(now), id); err != nil {
			return err
		}
		if d == fanarchive.ModerationApprove {
			// The fan-out builds the members' copies from the bytes as received.
			if err := tx.QueryRowContext(ctx, `SELECT raw FROM list_message_raw WHERE message_id = ?`, id).Scan(&m.Raw); err != nil {
				return err
			}
			m.State, m.HoldReason = fanarchive.ListMessagePosted, ""
			done, reset, err = s.postListMessage(ctx, tx, m, fanout)
			return err
		}
		m.State = fanarchive.ListMessageRejected
		if _, err := tx.ExecContext(ctx, `UPDATE list_messages SET state = 'rejected' WHERE id = ?`, id); err != nil {
			return err
		}
		if d == fanarchive.ModerationBan {
			addr, err := fanarchive.ValidateEmail(m.FromAddress)
			if err != nil {
				return fanarchive.Errorf(fanarchive.EINVALID, "The message has no sender's address to ban.")
			}
			return banAddress(ctx, tx, m.ListID, addr, now)
		}
		return nil
	})
	if err != nil {
		if reset != nil {
			reset()
		}
		return nil, fmt.Errorf("moderate list message: %w", err)
	}
	if done != nil {
		done()
	}
	return m, nil
}

// postListMessage posts the stored message m inside tx: threads it, gives
// it the list's next post_seq, indexes it and fans it out. done is to be
// called after the commit; reset undoes what the fan-out set on the mail
// bodies (their IDs) should the transaction fail.
func (s *Store) postListMessage(ctx context.Context, tx *sql.Tx, m *fanarchive.ListMessage, fanout fanarchive.ListFanout) (done, reset func(), err error) {
	if m.ThreadID, err = threadOf(ctx, tx, m); err != nil {
		return nil, nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE list_messages SET state = 'posted', hold_reason = '', thread_id = ?,
		post_seq = (SELECT coalesce(max(post_seq), 0) + 1 FROM list_messages WHERE list_id = ?) WHERE id = ?`,
		m.ThreadID, m.ListID, m.ID); err != nil {
		return nil, nil, err
	}
	if err := s.text.indexMessage(ctx, tx, m.ID, m.Subject, m.Text); err != nil {
		return nil, nil, err
	}
	if fanout == nil {
		return func() {}, func() {}, nil
	}
	return s.fanOut(ctx, tx, m.ListID, fanarchive.DeliverEach, func(members []*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
		return fanout(m, members)
	})
}

// threadOf finds the thread of m among the list's posted messages: the
// message it replies to, else the latest one its References name, else a
// post of the last 30 days (before m's date) with its subject; else m
// starts a thread.
func threadOf(ctx context.Context, tx *sql.Tx, m *fanarchive.ListMessage) (int64, error) {
	ids := make([]string, 0, len(m.References)+1)
	if m.InReplyTo != "" {
		ids = append(ids, m.InReplyTo)
	}
	for i := len(m.References) - 1; i >= 0; i-- {
		ids = append(ids, m.References[i])
	}
	for _, mid := range ids {
		if mid == m.MessageID {
			continue
		}
		var thread int64
		err := tx.QueryRowContext(ctx, `SELECT thread_id FROM list_messages WHERE list_id = ? AND message_id = ? AND state = 'posted'
			AND id != ? ORDER BY id LIMIT 1`, m.ListID, mid, m.ID).Scan(&thread)
		if err == nil {
			return thread, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	if key := fanarchive.ThreadSubject(m.Subject); key != "" {
		var thread int64
		err := tx.QueryRowContext(ctx, `SELECT thread_id FROM list_messages WHERE list_id = ? AND subject_key = ? AND state = 'posted'
			AND date >= ? AND id != ? ORDER BY date DESC, id DESC LIMIT 1`,
			m.ListID, key, formatTime(m.Date.Add(-threadSubjectWindow)), m.ID).Scan(&thread)
		if err == nil {
			return thread, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	return m.ID, nil
}

// fanOut calls build for chunks of the list's active members of mode, by
// ID, and queues what it returns, all in tx. The scan pages by ID, so no
// more than a chunk of members is in memory at once. A *MailBody stored
// for one chunk gets its ID at once, so later chunks share the row; reset
// clears those IDs again should tx not commit. The mails' own IDs are not
// set: keeping 100,000 of them until the commit is what the chunks avoid.
func (s *Store) fanOut(ctx context.Context, tx *sql.Tx, listID int64, mode fanarchive.DeliveryMode,
	build func([]*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error)) (done, reset func(), err error) {
	queued := false
	var bodies []*fanarchive.MailBody
	reset = func() {
		for _, b := range bodies {
			b.ID = 0
		}
	}
	now := s.now().UTC()
	page, err := tx.PrepareContext(ctx, `SELECT `+memberColumns+` FROM list_members m
		WHERE m.list_id = ? AND m.state = 'active' AND m.mode = ? AND m.id > ? ORDER BY m.id LIMIT ?`)
	if err != nil {
		return nil, reset, err
	}
	defer page.Close()
	insertBody, err := tx.PrepareContext(ctx, `INSERT INTO mail_bodies (raw, created_at) VALUES (?, ?) RETURNING id`)
	if err != nil {
		return nil, reset, err
	}
	defer insertBody.Close()
	for after := int64(0); ; {
		if err := ctx.Err(); err != nil {
			return nil, reset, err
		}
		members, err := memberPage(ctx, page, listID, mode, after)
		if err != nil {
			return nil, reset, err
		}
		if len(members) == 0 {
			break
		}
		after = members[len(members)-1].ID
		mails, err := build(members)
		if err != nil {
			return nil, reset, err
		}
		for _, m := range mails {
			if m == nil || m.Body == nil || m.Body.ID != 0 || len(m.Body.Raw) == 0 {
				continue // queueMail says what is wrong with it, or uses the stored body
			}
			if err := insertBody.QueryRowContext(ctx, m.Body.Raw, formatTime(now)).Scan(&m.Body.ID); err != nil {
				return nil, reset, fmt.Errorf("store mail body: %w", err)
			}
			m.Body.CreatedAt = now
			bodies = append(bodies, m.Body)
		}
		// queueMail's done would set the mails' IDs after the commit, and
		// so keep every chunk's mails alive until then: not called. The
		// bodies have their IDs already; the sender is woken once below.
		if len(mails) > 0 {
			if _, err := s.queueMail(ctx, tx, mails); err != nil {
				return nil, reset, err
			}
			queued = true
		}
		if len(members) < fanoutChunk {
			break
		}
	}
	return func() {
		if queued {
			s.notifyMailQueued()
		}
	}, reset, nil
}

// memberPage reads the next chunk of members of the fan-out scan.
func memberPage(ctx context.Context, page *sql.Stmt, listID int64, mode fanarchive.DeliveryMode, after int64) ([]*fanarchive.ListMember, error) {
	rows, err := page.QueryContext(ctx, listID, mode, after, fanoutChunk)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	members := make([]*fanarchive.ListMember, 0, fanoutChunk)
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		members = append(members, m)
	}
	return members, rows.Err()
}

// FindListMessage returns a message, without Raw.
func (s *Store) FindListMessage(ctx context.Context, id int64) (*fanarchive.ListMessage, error) {
	var m *fanarchive.ListMessage
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		m, err = findListMessage(ctx, tx, `g.id = ?`, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find list message: %w", err)
	}
	return m, nil
}

// FindListMessageByMessageID returns a list's message by its Message-ID,
// the first stored when several share it.
func (s *Store) FindListMessageByMessageID(ctx context.Context, listID int64, messageID string) (*fanarchive.ListMessage, error) {
	var m *fanarchive.ListMessage
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		if messageID == "" {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such message.")
		}
		m, err = findListMessage(ctx, tx, `g.list_id = ? AND g.message_id = ? ORDER BY g.id LIMIT 1`, listID, messageID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find list message: %w", err)
	}
	return m, nil
}

// ListMessageRaw returns a message's bytes as received.
func (s *Store) ListMessageRaw(ctx context.Context, id int64) ([]byte, error) {
	var raw []byte
	err := s.read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT raw FROM list_message_raw WHERE message_id = ?`, id).Scan(&raw)
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such message.")
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list message raw: %w", err)
	}
	if raw == nil {
		raw = []byte{}
	}
	return raw, nil
}

// listTextMatch writes a search of the archive as an FTS5 MATCH
// expression: every word quoted, all of them required, so nothing typed is
// read as FTS5 syntax.
func listTextMatch(q string) (string, error) {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 {
		return "", fanarchive.Errorf(fanarchive.EINVALID, "A search needs a word to look for.")
	}
	if len(words) > 32 {
		words = words[:32]
	}
	for i, w := range words {
		words[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
	}
	return strings.Join(words, " AND "), nil
}

// FindListMessages returns a list's messages matching the filter.
func (s *Store) FindListMessages(ctx context.Context, f fanarchive.ListMessageFilter) ([]*fanarchive.ListMessage, int, error) {
	state := f.State
	if state == "" {
		state = fanarchive.ListMessagePosted
	}
	where, args := []string{`g.list_id = ?`, `g.state = ?`}, []any{f.ListID, state}
	switch {
	case f.ListID <= 0:
		return nil, 0, fanarchive.Errorf(fanarchive.EINVALID, "Which list's messages?")
	case state != fanarchive.ListMessagePosted && state != fanarchive.ListMessageHeld && state != fanarchive.ListMessageRejected:
		return nil, 0, fanarchive.Errorf(fanarchive.EINVALID, "There is no message state %q.", f.State)
	case f.Offset < 0 || f.Limit < 0:
		return nil, 0, fanarchive.Errorf(fanarchive.EINVALID, "Offset and limit cannot be negative.")
	case f.ThreadID < 0:
		return nil, 0, fanarchive.Errorf(fanarchive.EINVALID, "There is no thread %d.", f.ThreadID)
	case len(f.Query) > 1000:
		return nil, 0, fanarchive.Errorf(fanarchive.EINVALID, "The search is too long.")
	}
	if f.Month != "" {
		if _, err := time.Parse("2006-01", f.Month); err != nil || len(f.Month) != 7 {
			return nil, 0, fanarchive.Errorf(fanarchive.EINVALID, "A month is written 2006-01, not %q.", f.Month)
		}
		where, args = append(where, `g.date >= ? AND g.date < ?`), append(args, f.Month+"-01", monthAfter(f.Month))
	}
	if f.ThreadID != 0 {
		where, args = append(where, `g.thread_id = ?`), append(args, f.ThreadID)
	}
	if strings.TrimSpace(f.Query) != "" {
		if state != fanarchive.ListMessagePosted {
			return nil, 0, fanarchive.Errorf(fanarchive.EINVALID, "Only posted messages can be searched.")
		}
		cond, condArgs, err := s.text.messageMatch(f.Query)
		if err != nil {
			return nil, 0, err
		}
		where, args = append(where, cond), append(args, condArgs...)
	}
	limit := f.Limit
	if limit == 0 {
		limit = messagePageDefault
	}
	limit = min(limit, messagePageMax)
	order := `g.date, g.id`
	if f.Newest {
		order = `g.date DESC, g.id DESC`
	}
	cond := strings.Join(where, " AND ")
	var msgs []*fanarchive.ListMessage
	total := 0
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM list_messages g WHERE `+cond, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+listMessageColumns+` FROM list_messages g WHERE `+cond+
			` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
		if err != nil {
			return err
		}
		msgs, err = scanListMessages(rows)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find list messages: %w", err)
	}
	return msgs, total, nil
}

// monthAfter returns the first day of the month after month ("2006-01"),
// in the stored form's prefix.
func monthAfter(month string) string {
	t, _ := time.Parse("2006-01", month)
	return t.AddDate(0, 1, 0).Format("2006-01") + "-01"
}

// scanListMessages reads every row and closes rows.
func scanListMessages(rows *sql.Rows) ([]*fanarchive.ListMessage, error) {
	defer rows.Close()
	var msgs []*fanarchive.ListMessage
	for rows.Next() {
		m, err := scanListMessage(rows)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, m)
	}
	return msgs, rows.Err()
}

// ListArchiveMonths returns the months of a list's posted messages, newest
// first.
func (s *Store) ListArchiveMonths(ctx context.Context, listID int64) ([]fanarchive.ListMonth, error) {
	var months []fanarchive.ListMonth
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT substr(date, 1, 7) AS month, COUNT(*), COUNT(DISTINCT thread_id)
			FROM list_messages WHERE list_id = ? AND state = 'posted' GROUP BY month ORDER BY month DESC`, listID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m fanarchive.ListMonth
			if err := rows.Scan(&m.Month, &m.Messages, &m.Threads); err != nil {
				return err
			}
			months = append(months, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list archive months: %w", err)
	}
	return months, nil
}

// SetListMessageWork records that a message was filed as a work's chapter.
func (s *Store) SetListMessageWork(ctx context.Context, id, workID int64, chapter int) error {
	if workID <= 0 || chapter < 1 {
		return fanarchive.Errorf(fanarchive.EINVALID, "A list post is filed as a chapter (1 or more) of a work.")
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE list_messages SET work_id = ?, chapter = ? WHERE id = ?`, workID, chapter, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such message.")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set list message work: %w", err)
	}
	return nil
}

// FindWorkListPosts returns the posted messages filed as a work's chapters.
func (s *Store) FindWorkListPosts(ctx context.Context, workID int64) ([]*fanarchive.ListMessage, error) {
	var msgs []*fanarchive.ListMessage
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+listMessageColumns+` FROM list_messages g
			WHERE g.work_id = ? AND g.state = 'posted' ORDER BY g.chapter, g.date, g.id`, workID)
		if err != nil {
			return err
		}
		msgs, err = scanListMessages(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find work list posts: %w", err)
	}
	return msgs, nil
}
