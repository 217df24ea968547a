package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"fanarchive"
)

// Lists' daily digests (migration 0018). Each list keeps a digest mark:
// the post_seq of the last message a digest took (digest_seq) and the
// digest hour it was queued for (digest_at). Moving the mark and queueing
// the digest's mails is one transaction, and the mark is read again inside
// it, so neither a crash nor a second process queues a digest twice.

// digestHourBefore returns the latest time at or before now at which the
// list's digest hour began.
func digestHourBefore(now time.Time, hour int) time.Time {
	now = now.UTC()
	at := time.Date(now.Year(), now.Month(), now.Day(), hour, 0, 0, 0, time.UTC)
	if at.After(now) {
		at = at.AddDate(0, 0, -1)
	}
	return at
}

// QueueListDigests queues the digest of every list whose digest hour has
// come since its last digest and that has posts since. A list with more
// than ListDigestMaxMessages posts waiting stays due: the next call queues
// a second digest of the rest. A list that is due with no posts has its
// mark moved to this hour, so a post after it waits for the next day's
// hour. build is called for chunks of the list's active digest members,
// by ID; it should give each mail a Key (internal/lists uses
// "list-digest:LIST:FIRST-MESSAGE-ID:MEMBER", unique per digest), which
// the outbox then holds to once. Returns how many digests it queued (lists
// whose digest went to at least one member).
func (s *Store) QueueListDigests(ctx context.Context, now time.Time, build fanarchive.ListDigestBuilder) (int, error) {
	if build == nil {
		return 0, fanarchive.Errorf(fanarchive.EINVALID, "Digests need a builder.")
	}
	type due struct {
		id   int64
		hour time.Time
	}
	var lists []due
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, digest_hour, coalesce(digest_at, created_at) FROM lists ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var hour int
			var last sql.NullString
			if err := rows.Scan(&id, &hour, &last); err != nil {
				return err
			}
			lastAt, err := parseTime(last)
			if err != nil {
				return err
			}
			if at := digestHourBefore(now, hour); at.After(lastAt) {
				lists = append(lists, due{id, at})
			}
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("queue list digests: %w", err)
	}
	queued := 0
	for _, d := range lists {
		sent, err := s.queueListDigest(ctx, d.id, now, false, build)
		if err != nil {
			return queued, fmt.Errorf("queue list digests: list %d: %w", d.id, err)
		}
		if sent > 0 {
			queued++
		}
	}
	return queued, nil
}

// QueueListDigest queues one list's digest now, whatever its hour, and
// returns how many mails it queued. The mark moves as for a digest at its
// hour (to the last hour that began), so the next one at the hour has only
// later posts.
func (s *Store) QueueListDigest(ctx context.Context, listID int64, now time.Time, build fanarchive.ListDigestBuilder) (int, error) {
	if build == nil {
		return 0, fanarchive.Errorf(fanarchive.EINVALID, "Digests need a builder.")
	}
	n, err := s.queueListDigest(ctx, listID, now, true, build)
	if err != nil {
		return 0, fmt.Errorf("queue a list digest: %w", err)
	}
	return n, nil
}

// queueListDigest queues one list's digest if it is still due (or, with
// force, at all), in one transaction, and returns how many members got it.
func (s *Store) queueListDigest(ctx context.Context, listID int64, now time.Time, force bool, build fanarchive.ListDigestBuilder) (int, error) {
	var done, reset func()
	members := 0
	err := s.write(ctx, func(tx *sql.Tx) error {
		var seq int64
		var hour int
		var last sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT digest_seq, digest_hour, coalesce(digest_at, created_at) FROM lists WHERE id = ?`,
			listID).Scan(&seq, &hour, &last)
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "There is no list %d.", listID)
		} else if err != nil {
			return err
		}
		lastAt, err := parseTime(last)
		if err != nil {
			return err
		}
		at := digestHourBefore(now, hour)
		if force {
			at = maxTime(at, lastAt)
		} else if !at.After(lastAt) {
			return nil // another process queued it meanwhile
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+listMessageColumns+`, g.post_seq FROM list_messages g
			WHERE g.list_id = ? AND g.post_seq > ? ORDER BY g.post_seq LIMIT ?`, listID, seq, fanarchive.ListDigestMaxMessages+1)
		if err != nil {
			return err
		}
		var msgs []*fanarchive.ListMessage
		var seqs []int64
		for rows.Next() {
			var n int64
			m, err := scanListMessage(rows, &n)
			if err != nil {
				rows.Close()
				return err
			}
			msgs, seqs = append(msgs, m), append(seqs, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		more := len(msgs) > fanarchive.ListDigestMaxMessages
		if more {
			msgs, seqs = msgs[:fanarchive.ListDigestMaxMessages], seqs[:fanarchive.ListDigestMaxMessages]
		}
		if len(msgs) == 0 {
			_, err := tx.ExecContext(ctx, `UPDATE lists SET digest_at = ? WHERE id = ?`, formatTime(at), listID)
			return err
		}
		l, err := findList(ctx, tx, `l.id = ?`, listID)
		if err != nil {
			return err
		}
		done, reset, err = s.fanOut(ctx, tx, listID, fanarchive.DeliverDigest, func(chunk []*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
			members += len(chunk)
			return build(l, msgs, chunk)
		})
		if err != nil {
			return err
		}
		// A digest cut short leaves the list due, for the rest.
		set, args := `digest_seq = ?, digest_at = ?`, []any{seqs[len(seqs)-1], formatTime(at)}
		if more {
			set, args = `digest_seq = ?`, args[:1]
		}
		_, err = tx.ExecContext(ctx, `UPDATE lists SET `+set+` WHERE id = ?`, append(args, listID)...)
		return err
	})
	if err != nil {
		if reset != nil {
			reset()
		}
		return 0, err
	}
	if done != nil {
		done()
	}
	return members, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
