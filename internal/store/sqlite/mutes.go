package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"fanarchive"
)

// Mutes and blocks (migration 0021, docs/readers.md).

// MuteTag mutes a tag's canonical for the reader.
func (s *Store) MuteTag(ctx context.Context, userID int64, kind fanarchive.TagKind, name string) (*fanarchive.Tag, error) {
	if !kind.Valid() {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "Tag kind %q is not one of %v.", kind, fanarchive.TagKinds)
	}
	t := &fanarchive.Tag{Kind: kind}
	err := s.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT c.id, c.name FROM tags t JOIN tags c ON c.id = coalesce(t.canonical_id, t.id)
			WHERE t.kind = ? AND lower(t.name) = lower(?) ORDER BY t.name = ? DESC LIMIT 1`, string(kind), name, name).Scan(&t.ID, &t.Name)
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "No %s tag is called %q.", kind, name)
		} else if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM muted_tags WHERE user_id = ?`, userID).Scan(&n); err != nil {
			return err
		}
		if n >= fanarchive.MaxMutedTags {
			return fanarchive.Errorf(fanarchive.EINVALID, "You can mute at most %d tags.", fanarchive.MaxMutedTags)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO muted_tags (user_id, tag_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			userID, t.ID, formatTime(s.now()))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("mute tag %q: %w", name, err)
	}
	return t, nil
}

// UnmuteTag unmutes a tag.
func (s *Store) UnmuteTag(ctx context.Context, userID, tagID int64) error {
	return s.exec(ctx, "unmute tag", `DELETE FROM muted_tags WHERE user_id = ? AND tag_id = ?`, userID, tagID)
}

// MuteAuthor mutes an author.
func (s *Store) MuteAuthor(ctx context.Context, userID, authorID int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var owner sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT user_id FROM authors WHERE id = ?`, authorID).Scan(&owner)
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Author %d not found.", authorID)
		} else if err != nil {
			return err
		}
		if owner.Valid && owner.Int64 == userID {
			return fanarchive.Errorf(fanarchive.EINVALID, "You cannot mute yourself.")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM muted_authors WHERE user_id = ?`, userID).Scan(&n); err != nil {
			return err
		}
		if n >= fanarchive.MaxMutedAuthors {
			return fanarchive.Errorf(fanarchive.EINVALID, "You can mute at most %d authors.", fanarchive.MaxMutedAuthors)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO muted_authors (user_id, author_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			userID, authorID, formatTime(s.now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("mute author %d: %w", authorID, err)
	}
	return nil
}

// UnmuteAuthor unmutes an author.
func (s *Store) UnmuteAuthor(ctx context.Context, userID, authorID int64) error {
	return s.exec(ctx, "unmute author", `DELETE FROM muted_authors WHERE user_id = ? AND author_id = ?`, userID, authorID)
}

// exec runs one statement in a write transaction.
func (s *Store) exec(ctx context.Context, what, query string, args ...any) error {
	if err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, query, args...)
		return err
	}); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// FindMutes returns what the reader muted.
func (s *Store) FindMutes(ctx context.Context, userID int64) (*fanarchive.Mutes, error) {
	m := &fanarchive.Mutes{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT t.id, t.kind, t.name FROM muted_tags m JOIN tags t ON t.id = m.tag_id
			WHERE m.user_id = ? ORDER BY t.kind, t.name`, userID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var t fanarchive.Tag
			if err := rows.Scan(&t.ID, &t.Kind, &t.Name); err != nil {
				return err
			}
			m.Tags = append(m.Tags, t)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, `SELECT a.id, a.name, coalesce(a.user_id, 0) FROM muted_authors m JOIN authors a ON a.id = m.author_id
			WHERE m.user_id = ? ORDER BY a.name`, userID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a fanarchive.Author
			if err := rows.Scan(&a.ID, &a.Name, &a.UserID); err != nil {
				return err
			}
			m.Authors = append(m.Authors, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find mutes of user %d: %w", userID, err)
	}
	return m, nil
}

// FindMuteSet returns what the reader muted as filters take it.
func (s *Store) FindMuteSet(ctx context.Context, userID int64) (*fanarchive.MuteSet, error) {
	m := &fanarchive.MuteSet{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		for _, q := range []struct {
			query string
			into  *[]int64
		}{
			{`SELECT tag_id FROM muted_tags WHERE user_id = ? ORDER BY tag_id`, &m.Tags},
			{`SELECT author_id FROM muted_authors WHERE user_id = ? ORDER BY author_id`, &m.Authors},
			{`SELECT DISTINCT wa.work_id FROM muted_authors m JOIN work_authors wa ON wa.author_id = m.author_id
				WHERE m.user_id = ? ORDER BY wa.work_id`, &m.Works},
		} {
			ids, err := queryIDs(ctx, tx, q.query, userID)
			if err != nil {
				return err
			}
			*q.into = ids
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find mute set of user %d: %w", userID, err)
	}
	if m.Empty() {
		return nil, nil
	}
	return m, nil
}

// BlockUser blocks a user.
func (s *Store) BlockUser(ctx context.Context, userID, blocked int64) error {
	if userID == blocked {
		return fanarchive.Errorf(fanarchive.EINVALID, "You cannot block yourself.")
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if ok, err := exists(ctx, tx, `SELECT 1 FROM users WHERE id = ?`, blocked); err != nil {
			return err
		} else if !ok {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "User %d not found.", blocked)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM blocks WHERE user_id = ?`, userID).Scan(&n); err != nil {
			return err
		}
		if n >= fanarchive.MaxBlocks {
			return fanarchive.Errorf(fanarchive.EINVALID, "You can block at most %d users.", fanarchive.MaxBlocks)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO blocks (user_id, blocked_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			userID, blocked, formatTime(s.now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("block user %d: %w", blocked, err)
	}
	return nil
}

// UnblockUser lifts a block.
func (s *Store) UnblockUser(ctx context.Context, userID, blocked int64) error {
	return s.exec(ctx, "unblock user", `DELETE FROM blocks WHERE user_id = ? AND blocked_id = ?`, userID, blocked)
}

// FindBlocks lists whom the user blocked.
func (s *Store) FindBlocks(ctx context.Context, userID int64) ([]fanarchive.Block, error) {
	var out []fanarchive.Block
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT b.blocked_id, u.name, b.created_at FROM blocks b JOIN users u ON u.id = b.blocked_id
			WHERE b.user_id = ? ORDER BY u.name_key`, userID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var b fanarchive.Block
			var at sql.NullString
			if err := rows.Scan(&b.UserID, &b.Name, &at); err != nil {
				return err
			}
			if b.CreatedAt, err = parseTime(at); err != nil {
				return err
			}
			out = append(out, b)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find blocks of user %d: %w", userID, err)
	}
	return out, nil
}

// IsBlocked reports whether ownerID blocked actorID.
func (s *Store) IsBlocked(ctx context.Context, ownerID, actorID int64) (bool, error) {
	if ownerID == 0 || actorID == 0 {
		return false, nil
	}
	var blocked bool
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		blocked, err = exists(ctx, tx, `SELECT 1 FROM blocks WHERE user_id = ? AND blocked_id = ?`, ownerID, actorID)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("is blocked: %w", err)
	}
	return blocked, nil
}

// IsBlockedFromWork reports whether an owner of the work blocked actorID.
func (s *Store) IsBlockedFromWork(ctx context.Context, workID, actorID int64) (bool, error) {
	var blocked bool
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		blocked, err = blockedFromWork(ctx, tx, workID, actorID)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("is blocked from work %d: %w", workID, err)
	}
	return blocked, nil
}

// blockedFromWork reports whether a user owning the work (through a pseud
// on it, or as its poster) blocked actorID.
func blockedFromWork(ctx context.Context, tx *sql.Tx, workID, actorID int64) (bool, error) {
	if actorID == 0 {
		return false, nil
	}
	return exists(ctx, tx, `SELECT 1 FROM blocks b WHERE b.blocked_id = ? AND (
		b.user_id IN (SELECT a.user_id FROM work_authors wa JOIN authors a ON a.id = wa.author_id WHERE wa.work_id = ?)
		OR b.user_id = (SELECT posted_by FROM works WHERE id = ?))`, actorID, workID, workID)
}

// errBlocked is what a blocked user's kudos or feedback gets.
var errBlocked = fanarchive.Errorf(fanarchive.EFORBIDDEN, "Sorry, you have been blocked by an author of this work.")
