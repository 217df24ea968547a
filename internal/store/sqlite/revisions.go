package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"fanarchive"
)

// Revisions of posted works (work_revisions, migration 0013) and what a
// read of a work adds for posting: its owners and series.

// recordRevision appends a revision of a work.
func (s *Store) recordRevision(ctx context.Context, tx *sql.Tx, workID int64, op string, by int64, changes []fanarchive.FieldChange) error {
	text := "[]"
	if len(changes) > 0 {
		b, err := json.Marshal(changes)
		if err != nil {
			return fmt.Errorf("encode revision: %w", err)
		}
		text = string(b)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO work_revisions (work_id, op, revised_by, revised_at, changes)
		VALUES (?, ?, ?, ?, ?)`, workID, op, by, formatTime(s.now()), text); err != nil {
		return fmt.Errorf("record %s of work %d: %w", op, workID, err)
	}
	return nil
}

// FindWorkRevisions returns a work's revisions, oldest first.
func (s *Store) FindWorkRevisions(ctx context.Context, workID int64) ([]*fanarchive.WorkRevision, error) {
	var revs []*fanarchive.WorkRevision
	err := s.read(ctx, func(tx *sql.Tx) error {
		if ok, err := exists(ctx, tx, `SELECT 1 FROM works WHERE id = ? AND deleted_at IS NULL`, workID); err != nil {
			return err
		} else if !ok {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d not found.", workID)
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, work_id, op, revised_by, revised_at, changes
			FROM work_revisions WHERE work_id = ? ORDER BY id`, workID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r fanarchive.WorkRevision
			var at sql.NullString
			var changes string
			if err := rows.Scan(&r.ID, &r.WorkID, &r.Op, &r.By, &at, &changes); err != nil {
				return err
			}
			if r.At, err = parseTime(at); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(changes), &r.Changes); err != nil {
				return fmt.Errorf("revision %d: %w", r.ID, err)
			}
			if len(r.Changes) == 0 {
				r.Changes = nil
			}
			revs = append(revs, &r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find revisions of work %d: %w", workID, err)
	}
	return revs, nil
}

// bodyText describes a chapter body for a revision, without its text:
// "12345 bytes, 2001 words, sha256 3f2a…" (see fanarchive.WorkRevision).
func bodyText(body string, words int) string {
	sum := sha256.Sum256([]byte(body))
	return fmt.Sprintf("%d bytes, %d words, sha256 %s", len(body), words, hex.EncodeToString(sum[:]))
}

// touchWork sets a work's updated_at, the time of its last change, which
// UpdateWork compares to tell that a form is out of date.
func touchWork(ctx context.Context, tx *sql.Tx, workID int64, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE works SET updated_at = ? WHERE id = ?`, formatTime(now), workID); err != nil {
		return fmt.Errorf("touch work %d: %w", workID, err)
	}
	return nil
}

// loadPosting sets the owners and series of each work.
func loadPosting(ctx context.Context, tx *sql.Tx, works []*fanarchive.Work) error {
	if len(works) == 0 {
		return nil
	}
	if err := loadOwners(ctx, tx, works); err != nil {
		return err
	}
	return loadSeries(ctx, tx, works) // series.go
}

// ownedWorks selects the IDs of the works a user (the argument, given
// twice) owns: posted, or co-written by a pseud of theirs that accepted and
// is on the byline.
const ownedWorks = `SELECT id FROM works WHERE posted_by = ?
	UNION SELECT c.work_id FROM work_coauthors c WHERE c.answered_by = ? AND c.state = 'accepted'
		AND EXISTS (SELECT 1 FROM work_authors wa WHERE wa.work_id = c.work_id AND wa.author_id = c.author_id)`

// loadOwners sets the owners of each work (fanarchive.Work.Owners).
func loadOwners(ctx context.Context, tx *sql.Tx, works []*fanarchive.Work) error {
	byID, ids := workIndex(works)
	for _, w := range works {
		w.Owners = nil
		if w.PostedBy != 0 {
			w.Owners = []int64{w.PostedBy}
		}
	}
	in, args := inList(ids)
	rows, err := tx.QueryContext(ctx, `SELECT c.work_id, c.answered_by FROM work_coauthors c
		WHERE c.work_id IN (`+in+`) AND c.state = 'accepted' AND c.answered_by IS NOT NULL
		AND EXISTS (SELECT 1 FROM work_authors wa WHERE wa.work_id = c.work_id AND wa.author_id = c.author_id)
		ORDER BY c.work_id, c.answered_at`, args...)
	if err != nil {
		return fmt.Errorf("load owners: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var workID, user int64
		if err := rows.Scan(&workID, &user); err != nil {
			return fmt.Errorf("load owners: %w", err)
		}
		if w := byID[workID]; !slices.Contains(w.Owners, user) {
			w.Owners = append(w.Owners, user)
		}
	}
	return rows.Err()
}
