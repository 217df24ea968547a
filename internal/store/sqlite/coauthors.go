package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"fanarchive"
	"fanarchive/internal/search"
)

// Co-author invitations (work_coauthors, migration 0013). An invited pseud
// joins the byline (work_authors) only when it accepts; the user who
// accepted then owns the work (loadOwners, revisions.go) for as long as
// the pseud stays on the byline.

// InviteCoAuthor invites a pseud to be an author of a work.
func (s *Store) InviteCoAuthor(ctx context.Context, workID, authorID, by int64) error {
	if err := fanarchive.CheckUser(by); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		w, err := loadWork(ctx, tx, workID)
		if err != nil {
			return err
		}
		var name string
		err = tx.QueryRowContext(ctx, `SELECT name FROM authors WHERE id = ?`, authorID).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Author %d not found.", authorID)
		} else if err != nil {
			return err
		}
		for _, a := range w.Authors {
			if a.ID == authorID {
				return fanarchive.Errorf(fanarchive.ECONFLICT, "%s is an author of work %d already.", name, workID)
			}
		}
		var state string
		err = tx.QueryRowContext(ctx, `SELECT state FROM work_coauthors WHERE work_id = ? AND author_id = ?`, workID, authorID).Scan(&state)
		if err == nil && state == string(fanarchive.InvitePending) {
			return fanarchive.Errorf(fanarchive.ECONFLICT, "%s has been invited to work %d already.", name, workID)
		} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		// A pseud that declined, or accepted and was taken off the byline
		// since, is invited afresh.
		if _, err := tx.ExecContext(ctx, `INSERT INTO work_coauthors (work_id, author_id, state, invited_by, invited_at)
			VALUES (?, ?, 'pending', ?, ?) ON CONFLICT (work_id, author_id) DO UPDATE SET state = 'pending',
			invited_by = excluded.invited_by, invited_at = excluded.invited_at, answered_by = NULL, answered_at = NULL`,
			workID, authorID, by, formatTime(s.now())); err != nil {
			return fmt.Errorf("invite author %d: %w", authorID, err)
		}
		if err := logChange(ctx, tx, workID, search.OpPut); err != nil {
			return err
		}
		return s.recordRevision(ctx, tx, workID, fanarchive.RevisionInvite, by, []fanarchive.FieldChange{{Field: "co-authors", New: name}})
	})
	if err != nil {
		return fmt.Errorf("invite author %d to work %d: %w", authorID, workID, err)
	}
	return nil
}

// AnswerCoAuthor accepts or declines a pending invitation.
func (s *Store) AnswerCoAuthor(ctx context.Context, workID, authorID int64, accept bool, by int64) error {
	if err := fanarchive.CheckUser(by); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		w, err := loadWork(ctx, tx, workID)
		if err != nil {
			return err
		}
		state, op := fanarchive.InviteDeclined, fanarchive.RevisionDecline
		if accept {
			state, op = fanarchive.InviteAccepted, fanarchive.RevisionAccept
		}
		res, err := tx.ExecContext(ctx, `UPDATE work_coauthors SET state = ?, answered_by = ?, answered_at = ?
			WHERE work_id = ? AND author_id = ? AND state = 'pending'`, string(state), by, formatTime(s.now()), workID, authorID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Author %d has no pending invitation to work %d.", authorID, workID)
		}
		old := strings.Join(w.AuthorNames(), ", ")
		if !accept {
			if err := logChange(ctx, tx, workID, search.OpPut); err != nil {
				return err
			}
			return s.recordRevision(ctx, tx, workID, op, by, []fanarchive.FieldChange{{Field: "co-authors", Old: coAuthorName(ctx, tx, authorID)}})
		}
		if len(w.Authors) >= fanarchive.MaxAuthors {
			return fanarchive.Errorf(fanarchive.EINVALID, "Work %d has %d authors, as many as a work may.", workID, len(w.Authors))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO work_authors (work_id, author_id, position)
			SELECT ?, ?, coalesce(max(position) + 1, 0) FROM work_authors WHERE work_id = ? ON CONFLICT DO NOTHING`,
			workID, authorID, workID); err != nil {
			return fmt.Errorf("add author %d to the byline: %w", authorID, err)
		}
		if err := touchWork(ctx, tx, workID, s.now()); err != nil {
			return err
		}
		if err := s.reindexWork(ctx, tx, workID); err != nil { // authors are searched
			return err
		}
		w.Authors = nil
		if err := loadAuthors(ctx, tx, []*fanarchive.Work{w}); err != nil {
			return err
		}
		return s.recordRevision(ctx, tx, workID, op, by, []fanarchive.FieldChange{{
			Field: fanarchive.FieldAuthors, Old: old, New: strings.Join(w.AuthorNames(), ", ")}})
	})
	if err != nil {
		return fmt.Errorf("answer the invitation of author %d to work %d: %w", authorID, workID, err)
	}
	return nil
}

// coAuthorName returns an author's name, or its ID as text if it cannot be
// read.
func coAuthorName(ctx context.Context, tx *sql.Tx, id int64) string {
	var name string
	if err := tx.QueryRowContext(ctx, `SELECT name FROM authors WHERE id = ?`, id).Scan(&name); err != nil {
		return fmt.Sprintf("author %d", id)
	}
	return name
}

// FindCoAuthors returns the invitations a filter selects, newest first.
func (s *Store) FindCoAuthors(ctx context.Context, f fanarchive.CoAuthorFilter) ([]*fanarchive.CoAuthor, error) {
	where := []string{`w.deleted_at IS NULL`}
	var args []any
	if f.WorkID != 0 {
		where = append(where, `c.work_id = ?`)
		args = append(args, f.WorkID)
	}
	if len(f.AuthorIDs) > 0 {
		in, ids := inList(f.AuthorIDs)
		where = append(where, `c.author_id IN (`+in+`)`)
		args = append(args, ids...)
	}
	if f.State != "" {
		where = append(where, `c.state = ?`)
		args = append(args, string(f.State))
	}
	var out []*fanarchive.CoAuthor
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT c.work_id, w.title, c.author_id, a.name, c.state, c.invited_by, c.invited_at,
			coalesce(c.answered_by, 0), c.answered_at
			FROM work_coauthors c JOIN works w ON w.id = c.work_id JOIN authors a ON a.id = c.author_id
			WHERE `+strings.Join(where, " AND ")+` ORDER BY c.invited_at DESC, c.work_id DESC, c.author_id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c fanarchive.CoAuthor
			var state string
			var invited, answered sql.NullString
			if err := rows.Scan(&c.WorkID, &c.WorkTitle, &c.AuthorID, &c.Name, &state, &c.InvitedBy, &invited,
				&c.AnsweredBy, &answered); err != nil {
				return err
			}
			c.State = fanarchive.InviteState(state)
			if c.InvitedAt, err = parseTime(invited); err != nil {
				return err
			}
			if c.AnsweredAt, err = parseTime(answered); err != nil {
				return err
			}
			out = append(out, &c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find co-authors: %w", err)
	}
	return out, nil
}
