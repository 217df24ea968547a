package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fanarchive"
)

// The fan-out of work events to subscribers (docs/comments.md). The pass
// follows the change log that search follows (search_changes): every write
// that changes a work logs it there, in its own transaction, so nothing
// the posting code does needs to know about subscriptions. For each work
// changed since the last pass that is now public, the pass compares the
// work with what it notified of it before (notified_works) and notifies
// what is new. A batch, its notifications, their mail and the pass's new
// position commit together: a crash repeats the batch whole or not at all,
// and notifications are unique per user and event, so nothing is sent
// twice.

// NotifySubscribers runs the fan-out pass until it has caught up with the
// change log, limit changes a transaction.
func (s *Store) NotifySubscribers(ctx context.Context, limit int, mail fanarchive.NotificationMailer) (int, error) {
	limit = max(limit, 1)
	total := 0
	for {
		var n, changes int
		var done []func()
		err := s.write(ctx, func(tx *sql.Tx) error {
			n, changes, done = 0, 0, nil
			var cursor, trimmed, last int64
			if err := tx.QueryRowContext(ctx, `SELECT seq FROM notify_state`).Scan(&cursor); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `SELECT trimmed FROM search_state`).Scan(&trimmed); err != nil {
				return err
			}
			var works []int64
			seen := map[int64]bool{}
			if trimmed > cursor {
				// reindex trimmed changes the pass had not read: compare
				// every public work instead, once.
				rows, err := tx.QueryContext(ctx, `SELECT id FROM works WHERE draft = 0 AND deleted_at IS NULL ORDER BY id`)
				if err != nil {
					return err
				}
				for rows.Next() {
					var id int64
					if err := rows.Scan(&id); err != nil {
						rows.Close()
						return err
					}
					works = append(works, id)
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					return err
				}
				last = trimmed
				if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), ?) FROM search_changes`, trimmed).Scan(&last); err != nil {
					return err
				}
				changes = 1
			} else {
				rows, err := tx.QueryContext(ctx, `SELECT seq, work_id FROM search_changes WHERE seq > ? ORDER BY seq LIMIT ?`, cursor, limit)
				if err != nil {
					return err
				}
				for rows.Next() {
					var id int64
					if err := rows.Scan(&last, &id); err != nil {
						rows.Close()
						return err
					}
					changes++
					if id != 0 && !seen[id] {
						seen[id] = true
						works = append(works, id)
					}
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					return err
				}
			}
			if changes == 0 {
				return nil
			}
			for _, id := range works {
				k, d, err := s.notifyWork(ctx, tx, id, mail)
				if err != nil {
					return fmt.Errorf("work %d: %w", id, err)
				}
				n += k
				done = append(done, d...)
			}
			_, err := tx.ExecContext(ctx, `UPDATE notify_state SET seq = ?`, last)
			return err
		})
		if err != nil {
			return total, fmt.Errorf("notify subscribers: %w", err)
		}
		for _, f := range done {
			f()
		}
		total += n
		if changes < limit {
			return total, nil
		}
	}
}

// idSet parses a comma-separated list of IDs.
func idSet(s string) map[int64]bool {
	out := map[int64]bool{}
	for _, f := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64); err == nil {
			out[id] = true
		}
	}
	return out
}

// joinIDs writes IDs comma-separated.
func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// queryIDs returns the first column of a query's rows.
func queryIDs(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// subscriber is one subscription to notify.
type subscriber struct{ id, user int64 }

// notifyWork notifies what is new of one work.
func (s *Store) notifyWork(ctx context.Context, tx *sql.Tx, workID int64, mail fanarchive.NotificationMailer) (int, []func(), error) {
	var title string
	var draft, deleted bool
	err := tx.QueryRowContext(ctx, `SELECT title, draft, deleted_at IS NOT NULL FROM works WHERE id = ?`, workID).Scan(&title, &draft, &deleted)
	if errors.Is(err, sql.ErrNoRows) || draft || deleted {
		return 0, nil, nil // gone, or not public yet: nothing to tell
	} else if err != nil {
		return 0, nil, err
	}
	owners, _, err := workOwners(ctx, tx, workID)
	if err != nil {
		return 0, nil, err
	}
	isOwner := func(u int64) bool {
		return slices.ContainsFunc(owners, func(o feedbackOwner) bool { return o.id == u })
	}
	chapters, err := queryIDs(ctx, tx, `SELECT id FROM chapters WHERE work_id = ? ORDER BY id`, workID)
	if err != nil {
		return 0, nil, err
	}
	tags, err := queryIDs(ctx, tx, `SELECT DISTINCT coalesce(t.canonical_id, t.id) FROM work_tags wt JOIN tags t ON t.id = wt.tag_id
		WHERE wt.work_id = ? ORDER BY 1`, workID)
	if err != nil {
		return 0, nil, err
	}
	series, err := queryIDs(ctx, tx, `SELECT series_id FROM series_works WHERE work_id = ? ORDER BY series_id`, workID)
	if err != nil {
		return 0, nil, err
	}
	var lastChapter int64
	var tagText, seriesText string
	err = tx.QueryRowContext(ctx, `SELECT last_chapter_id, tag_ids, series_ids FROM notified_works WHERE work_id = ?`, workID).
		Scan(&lastChapter, &tagText, &seriesText)
	fresh := errors.Is(err, sql.ErrNoRows)
	if err != nil && !fresh {
		return 0, nil, err
	}
	oldTags, oldSeries := idSet(tagText), idSet(seriesText)

	count := 0
	var done []func()
	// send notifies the subscribers of (kind, target) of an event.
	send := func(kind fanarchive.SubscriptionKind, target int64, nk fanarchive.NotificationKind, key string, chapterID int64, text string) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, user_id FROM subscriptions WHERE kind = ? AND target_id = ? ORDER BY id`, string(kind), target)
		if err != nil {
			return err
		}
		var subs []subscriber
		for rows.Next() {
			var sb subscriber
			if err := rows.Scan(&sb.id, &sb.user); err != nil {
				rows.Close()
				return err
			}
			subs = append(subs, sb)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, sb := range subs {
			if isOwner(sb.user) {
				continue
			}
			n := &fanarchive.Notification{UserID: sb.user, Kind: nk, WorkID: workID, WorkTitle: title, ChapterID: chapterID,
				SubscriptionID: sb.id, Text: text}
			d, err := s.notify(ctx, tx, n, key, mail)
			if err != nil {
				return err
			}
			if n.ID != 0 && !n.CreatedAt.IsZero() {
				count++
			}
			done = append(done, d...)
		}
		return nil
	}
	name := func(q string, id int64) string {
		var v string
		_ = tx.QueryRowContext(ctx, q, id).Scan(&v)
		return v
	}
	workKey := "work:" + strconv.FormatInt(workID, 10)
	if fresh {
		authors, err := queryIDs(ctx, tx, `SELECT author_id FROM work_authors WHERE work_id = ? ORDER BY position`, workID)
		if err != nil {
			return 0, nil, err
		}
		for _, a := range authors {
			if err := send(fanarchive.SubscribeAuthor, a, fanarchive.NotifyNewWork, workKey, 0,
				"A new work by "+name(`SELECT name FROM authors WHERE id = ?`, a)); err != nil {
				return 0, nil, err
			}
		}
	} else {
		for _, ch := range chapters {
			if ch <= lastChapter {
				continue
			}
			var number int
			var chTitle string
			if err := tx.QueryRowContext(ctx, `SELECT number, title FROM chapters WHERE id = ?`, ch).Scan(&number, &chTitle); err != nil {
				return 0, nil, err
			}
			text := "Chapter " + strconv.Itoa(number)
			if chTitle != "" {
				text += ": " + chTitle
			}
			if err := send(fanarchive.SubscribeWork, workID, fanarchive.NotifyNewChapter, "chapter:"+strconv.FormatInt(ch, 10), ch, text); err != nil {
				return 0, nil, err
			}
		}
	}
	for _, sr := range series {
		if !oldSeries[sr] {
			if err := send(fanarchive.SubscribeSeries, sr, fanarchive.NotifySeriesWork, workKey, 0,
				"In the series "+name(`SELECT title FROM series WHERE id = ?`, sr)); err != nil {
				return 0, nil, err
			}
		}
	}
	for _, t := range tags {
		if !oldTags[t] {
			if err := send(fanarchive.SubscribeTag, t, fanarchive.NotifyTagged, workKey, 0,
				"Tagged "+name(`SELECT name FROM tags WHERE id = ?`, t)); err != nil {
				return 0, nil, err
			}
		}
	}
	last := lastChapter
	if len(chapters) > 0 {
		last = max(last, chapters[len(chapters)-1])
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO notified_works (work_id, last_chapter_id, tag_ids, series_ids) VALUES (?, ?, ?, ?)
		ON CONFLICT (work_id) DO UPDATE SET last_chapter_id = excluded.last_chapter_id, tag_ids = excluded.tag_ids,
		series_ids = excluded.series_ids`, workID, last, joinIDs(tags), joinIDs(series)); err != nil {
		return 0, nil, err
	}
	return count, done, nil
}
