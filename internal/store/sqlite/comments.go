package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/prose"
	"fanarchive/internal/search"
)

// Comments (migration 0020, docs/comments.md): threads kept in order by a
// materialised path, so a page of threads is one indexed query and no
// code walks a thread by recursion.

// previewWords is how many words a comment's preview keeps.
const previewWords = 30

// commentPath is the path element of a comment: its ID, ten digits, and a
// slash.
func commentPath(id int64) string { return fmt.Sprintf("%010d/", id) }

// commentWork is what posting a comment needs of its work.
type commentWork struct {
	title         string
	draft, gone   bool
	owners        []feedbackOwner
	moderateGuest bool
}

// loadCommentWork reads the work a comment is on, and whether an owner
// holds guests' comments.
func loadCommentWork(ctx context.Context, tx *sql.Tx, workID int64) (*commentWork, error) {
	cw := &commentWork{}
	var deleted sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT title, draft, deleted_at FROM works WHERE id = ?`, workID).Scan(&cw.title, &cw.draft, &deleted)
	if errors.Is(err, sql.ErrNoRows) || deleted.Valid {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d not found.", workID)
	} else if err != nil {
		return nil, err
	}
	if cw.owners, _, err = workOwners(ctx, tx, workID); err != nil {
		return nil, err
	}
	for _, o := range cw.owners {
		var on bool
		if err := tx.QueryRowContext(ctx, `SELECT moderate_guest_comments FROM users WHERE id = ?`, o.id).Scan(&on); err != nil {
			return nil, err
		}
		cw.moderateGuest = cw.moderateGuest || on
	}
	return cw, nil
}

// PostComment stores a comment and, when it is published, its
// notifications.
func (s *Store) PostComment(ctx context.Context, c *fanarchive.Comment, mail fanarchive.NotificationMailer) error {
	if c.UserID != 0 {
		c.GuestEmail = ""
	}
	if err := c.Validate(); err != nil {
		return err
	}
	c.Body = prose.Sanitize(c.Body)
	c.Preview = prose.FirstWords(prose.PlainText(c.Body), previewWords)
	var done []func()
	err := s.write(ctx, func(tx *sql.Tx) error {
		done = nil
		now := s.now().UTC()
		if c.UserID != 0 {
			u, err := findUser(ctx, tx, `u.id = ?`, c.UserID)
			if err != nil {
				return err
			} else if u.Disabled {
				return fanarchive.Errorf(fanarchive.EINVALID, "That account is disabled.")
			}
			c.Name = u.Name
		} else {
			c.Name = strings.TrimSpace(c.Name)
		}
		cw, err := loadCommentWork(ctx, tx, c.WorkID)
		if err != nil {
			return err
		}
		if cw.draft {
			return fanarchive.Errorf(fanarchive.EINVALID, "A draft takes no comments.")
		}
		path, root := "", int64(0)
		c.Depth = 0
		if c.ParentID != 0 {
			var pWork int64
			var pChapter sql.NullInt64
			var state string
			err := tx.QueryRowContext(ctx, `SELECT work_id, chapter_id, path, root_id, depth, state FROM comments WHERE id = ?`, c.ParentID).
				Scan(&pWork, &pChapter, &path, &root, &c.Depth, &state)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && pWork != c.WorkID) {
				return fanarchive.Errorf(fanarchive.ENOTFOUND, "The comment you answer is not there any more.")
			} else if err != nil {
				return err
			}
			if state != string(fanarchive.CommentPublished) {
				return fanarchive.Errorf(fanarchive.EINVALID, "That comment cannot be answered.")
			}
			c.Depth++
			if c.Depth > fanarchive.MaxCommentDepth {
				return fanarchive.Errorf(fanarchive.EINVALID, "This thread is as deep as threads go: answer an earlier comment.")
			}
			c.ChapterID = pChapter.Int64
		} else if c.ChapterID != 0 {
			if ok, err := exists(ctx, tx, `SELECT 1 FROM chapters WHERE id = ? AND work_id = ?`, c.ChapterID, c.WorkID); err != nil {
				return err
			} else if !ok {
				return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such chapter.")
			}
		}
		c.State = fanarchive.CommentPublished
		if c.UserID == 0 && cw.moderateGuest {
			c.State = fanarchive.CommentHeld
		}
		c.CreatedAt, c.EditedAt = now, time.Time{}
		if err := tx.QueryRowContext(ctx, `INSERT INTO comments (work_id, chapter_id, parent_id, root_id, path, depth, user_id, name,
			guest_email, format, input, body, preview, state, created_at) VALUES (?, ?, ?, 0, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			c.WorkID, nullID(c.ChapterID), nullID(c.ParentID), c.Depth, nullID(c.UserID), c.Name, c.GuestEmail,
			string(c.Format), c.Input, c.Body, c.Preview, string(c.State), formatTime(now)).Scan(&c.ID); err != nil {
			return err
		}
		if root == 0 {
			root = c.ID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE comments SET root_id = ?, path = ? WHERE id = ?`, root, path+commentPath(c.ID), c.ID); err != nil {
			return err
		}
		if c.State != fanarchive.CommentPublished {
			return nil
		}
		d, err := s.publishComment(ctx, tx, c, cw, mail)
		done = d
		return err
	})
	if err != nil {
		return fmt.Errorf("post comment on work %d: %w", c.WorkID, err)
	}
	for _, f := range done {
		f()
	}
	return nil
}

// publishComment counts a comment just published, tells search (the
// work's cached pages change) and notifies the parent's writer and the
// work's owners.
func (s *Store) publishComment(ctx context.Context, tx *sql.Tx, c *fanarchive.Comment, cw *commentWork, mail fanarchive.NotificationMailer) ([]func(), error) {
	if err := countComments(ctx, tx, c.WorkID); err != nil {
		return nil, err
	}
	var done []func()
	base := fanarchive.Notification{WorkID: c.WorkID, WorkTitle: cw.title, ChapterID: c.ChapterID, CommentID: c.ID,
		Text: c.Name + ": " + c.Preview}
	key := "comment:" + fmt.Sprint(c.ID)
	if c.ParentID != 0 {
		var writer sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT user_id FROM comments WHERE id = ?`, c.ParentID).Scan(&writer); err != nil {
			return nil, err
		}
		if writer.Valid && writer.Int64 != c.UserID {
			n := base
			n.UserID, n.Kind = writer.Int64, fanarchive.NotifyReply
			d, err := s.notify(ctx, tx, &n, key, mail)
			if err != nil {
				return nil, err
			}
			done = append(done, d...)
		}
	}
	for _, o := range cw.owners {
		if o.id == c.UserID {
			continue
		}
		n := base
		n.UserID, n.Kind = o.id, fanarchive.NotifyComment
		d, err := s.notify(ctx, tx, &n, key, mail)
		if err != nil {
			return nil, err
		}
		done = append(done, d...)
	}
	return done, nil
}

// countComments sets a work's count of published comments and logs the
// change, so its page and blurbs are made again.
func countComments(ctx context.Context, tx *sql.Tx, workID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE works SET comments = (SELECT count(*) FROM comments
		WHERE work_id = ? AND state = 'published') WHERE id = ?`, workID, workID); err != nil {
		return err
	}
	return logChange(ctx, tx, workID, search.OpPut)
}

// commentColumns are what scanComment reads.
const commentColumns = `c.id, c.work_id, coalesce(c.chapter_id, 0), coalesce(c.parent_id, 0), c.depth, coalesce(c.user_id, 0),
	c.name, c.format, c.input, c.body, c.preview, c.state, c.created_at, c.edited_at, coalesce(ch.number, 0)`

// scanComment reads commentColumns, with more after them.
func scanComment(row scanner, more ...any) (*fanarchive.Comment, error) {
	c := &fanarchive.Comment{}
	var format, state string
	var created, edited sql.NullString
	dest := append([]any{&c.ID, &c.WorkID, &c.ChapterID, &c.ParentID, &c.Depth, &c.UserID, &c.Name, &format, &c.Input,
		&c.Body, &c.Preview, &state, &created, &edited, &c.ChapterNumber}, more...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	c.Format, c.State = fanarchive.CommentFormat(format), fanarchive.CommentState(state)
	var err error
	if c.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if c.EditedAt, err = parseTime(edited); err != nil {
		return nil, err
	}
	if c.State == fanarchive.CommentDeleted {
		c.Name, c.Input, c.Body, c.Preview, c.UserID = "", "", "", "", 0
	}
	return c, nil
}

// FindComment returns one comment.
func (s *Store) FindComment(ctx context.Context, id int64) (*fanarchive.Comment, error) {
	var c *fanarchive.Comment
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		c, err = scanComment(tx.QueryRowContext(ctx, `SELECT `+commentColumns+` FROM comments c
			LEFT JOIN chapters ch ON ch.id = c.chapter_id WHERE c.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such comment.")
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find comment %d: %w", id, err)
	}
	return c, nil
}

// FindComments returns a page of threads in one query: the page's roots
// in a CTE, their threads by path, and the number of roots as a column.
func (s *Store) FindComments(ctx context.Context, f fanarchive.CommentFilter) ([]*fanarchive.Comment, int, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = fanarchive.CommentThreadsPerPage
	}
	limit = min(limit, 200)
	rootWhere := `work_id = ? AND parent_id IS NULL AND (state <> 'held' OR ? = 1)`
	args := []any{f.WorkID, f.Held}
	if f.ChapterID != 0 {
		rootWhere += ` AND chapter_id = ?`
		args = append(args, f.ChapterID)
	}
	q := `WITH roots AS (SELECT id FROM comments WHERE ` + rootWhere + ` ORDER BY id LIMIT ? OFFSET ?)
		SELECT ` + commentColumns + `, (SELECT count(*) FROM comments WHERE ` + rootWhere + `)
		FROM roots r JOIN comments c ON c.root_id = r.id LEFT JOIN chapters ch ON ch.id = c.chapter_id
		WHERE c.state <> 'held' OR ? = 1
		ORDER BY c.root_id, c.path`
	all := append(append(append(append([]any{}, args...), limit, max(f.Offset, 0)), args...), f.Held)
	var out []*fanarchive.Comment
	total := 0
	err := s.read(ctx, func(tx *sql.Tx) error {
		out, total = nil, 0
		rows, err := tx.QueryContext(ctx, q, all...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanComment(rows, &total)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out) == 0 && f.Offset > 0 {
			return tx.QueryRowContext(ctx, `SELECT count(*) FROM comments WHERE `+rootWhere, args...).Scan(&total)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find comments of work %d: %w", f.WorkID, err)
	}
	return out, total, nil
}

// EditComment changes a comment's text, by its writer.
func (s *Store) EditComment(ctx context.Context, e *fanarchive.CommentEdit) error {
	c := &fanarchive.Comment{UserID: e.UserID, Name: "-", Format: e.Format, Input: e.Input, Body: e.Body}
	if err := c.Validate(); err != nil {
		return err
	}
	body := prose.Sanitize(e.Body)
	preview := prose.FirstWords(prose.PlainText(body), previewWords)
	err := s.write(ctx, func(tx *sql.Tx) error {
		var writer sql.NullInt64
		var state string
		var workID int64
		err := tx.QueryRowContext(ctx, `SELECT user_id, state, work_id FROM comments WHERE id = ?`, e.ID).Scan(&writer, &state, &workID)
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such comment.")
		} else if err != nil {
			return err
		}
		switch {
		case state == string(fanarchive.CommentDeleted):
			return fanarchive.Errorf(fanarchive.EINVALID, "That comment was deleted.")
		case !writer.Valid || writer.Int64 != e.UserID || e.UserID == 0:
			return fanarchive.Errorf(fanarchive.EINVALID, "Only its writer may edit a comment.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE comments SET format = ?, input = ?, body = ?, preview = ?, edited_at = ? WHERE id = ?`,
			string(e.Format), e.Input, body, preview, formatTime(s.now()), e.ID); err != nil {
			return err
		}
		return logChange(ctx, tx, workID, search.OpPut)
	})
	if err != nil {
		return fmt.Errorf("edit comment %d: %w", e.ID, err)
	}
	return nil
}

// DeleteComment deletes a comment: with replies, it stays as a
// placeholder; without, its row goes, and so do deleted ancestors left
// without replies.
func (s *Store) DeleteComment(ctx context.Context, id int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var workID int64
		if err := tx.QueryRowContext(ctx, `SELECT work_id FROM comments WHERE id = ?`, id).Scan(&workID); errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such comment.")
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE comments SET state = 'deleted', input = '', body = '', preview = '',
			guest_email = '', name = '' WHERE id = ?`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM notifications WHERE comment_id = ?`, id); err != nil {
			return err
		}
		// Prune: a deleted comment without replies goes, then its parent
		// if that is deleted and now without replies, and so on up.
		for cur := id; cur != 0; {
			var parent sql.NullInt64
			var state string
			err := tx.QueryRowContext(ctx, `SELECT parent_id, state FROM comments WHERE id = ?`, cur).Scan(&parent, &state)
			if err != nil {
				return err
			}
			if state != string(fanarchive.CommentDeleted) {
				break
			}
			if kids, err := exists(ctx, tx, `SELECT 1 FROM comments WHERE parent_id = ?`, cur); err != nil || kids {
				return errOr(err, countComments(ctx, tx, workID))
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM comments WHERE id = ?`, cur); err != nil {
				return err
			}
			cur = parent.Int64
		}
		return countComments(ctx, tx, workID)
	})
	if err != nil {
		return fmt.Errorf("delete comment %d: %w", id, err)
	}
	return nil
}

// errOr returns err, or next when err is nil.
func errOr(err, next error) error {
	if err != nil {
		return err
	}
	return next
}

// ApproveComment publishes a held comment.
func (s *Store) ApproveComment(ctx context.Context, id int64, mail fanarchive.NotificationMailer) error {
	var done []func()
	err := s.write(ctx, func(tx *sql.Tx) error {
		done = nil
		c, err := scanComment(tx.QueryRowContext(ctx, `SELECT `+commentColumns+` FROM comments c
			LEFT JOIN chapters ch ON ch.id = c.chapter_id WHERE c.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such comment.")
		} else if err != nil {
			return err
		}
		if c.State != fanarchive.CommentHeld {
			return fanarchive.Errorf(fanarchive.EINVALID, "That comment is not waiting for approval.")
		}
		cw, err := loadCommentWork(ctx, tx, c.WorkID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE comments SET state = 'published' WHERE id = ?`, id); err != nil {
			return err
		}
		c.State = fanarchive.CommentPublished
		done, err = s.publishComment(ctx, tx, c, cw, mail)
		return err
	})
	if err != nil {
		return fmt.Errorf("approve comment %d: %w", id, err)
	}
	for _, f := range done {
		f()
	}
	return nil
}

// CommentOwners returns who owns a comment's work, and its writer.
func (s *Store) CommentOwners(ctx context.Context, id int64) ([]int64, int64, error) {
	var owners []int64
	var writer sql.NullInt64
	err := s.read(ctx, func(tx *sql.Tx) error {
		owners = nil
		var workID int64
		err := tx.QueryRowContext(ctx, `SELECT work_id, user_id FROM comments WHERE id = ?`, id).Scan(&workID, &writer)
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such comment.")
		} else if err != nil {
			return err
		}
		os, _, err := workOwners(ctx, tx, workID)
		for _, o := range os {
			owners = append(owners, o.id)
		}
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("owners of comment %d: %w", id, err)
	}
	return owners, writer.Int64, nil
}

// ModeratesGuestComments reports the account's setting.
func (s *Store) ModeratesGuestComments(ctx context.Context, userID int64) (bool, error) {
	var on bool
	err := s.read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT moderate_guest_comments FROM users WHERE id = ?`, userID).Scan(&on)
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such account.")
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("comment moderation of user %d: %w", userID, err)
	}
	return on, nil
}

// SetModerateGuestComments sets the account's setting.
func (s *Store) SetModerateGuestComments(ctx context.Context, userID int64, on bool) error {
	return s.setUserColumn(ctx, userID, "moderate_guest_comments", on)
}

// setUserColumn sets one settings column of an account.
func (s *Store) setUserColumn(ctx context.Context, userID int64, column string, v any) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET `+column+` = ? WHERE id = ?`, v, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such account.")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set %s of user %d: %w", column, userID, err)
	}
	return nil
}
