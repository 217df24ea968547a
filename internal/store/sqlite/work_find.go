package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"fanarchive"
)

// Page sizes for FindWorks.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// workColumns are the columns scanWork reads, in order.
const workColumns = `w.id, w.kind, w.title, w.summary, w.notes, w.rating, w.rating_original, w.language,
	w.words, w.complete, w.begins, w.published, w.updated, w.duplicate_of, w.evidence, w.problems,
	w.created_at, w.updated_at, w.origin, w.feedback_contact,
	w.end_notes, w.posted_by, w.draft, w.restricted, w.deleted_at, w.published_source, w.comments`

// FindWorkByID returns a work with its chapters (bodies included), authors and
// tags in their stored order, sources without their raw bytes, series and
// owners. Returns ENOTFOUND, for a deleted work too.
func (s *Store) FindWorkByID(ctx context.Context, id int64) (*fanarchive.Work, error) {
	return s.findWork(ctx, id, true)
}

// FindWorkOutline returns a work as FindWorkByID does, with its chapters'
// bodies left empty: it reads no body. Returns ENOTFOUND.
func (s *Store) FindWorkOutline(ctx context.Context, id int64) (*fanarchive.Work, error) {
	return s.findWork(ctx, id, false)
}

// findWork reads a work whole, with or without its chapters' bodies.
func (s *Store) findWork(ctx context.Context, id int64, withBodies bool) (*fanarchive.Work, error) {
	var w *fanarchive.Work
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		row := tx.QueryRowContext(ctx, `SELECT `+workColumns+` FROM works w WHERE w.id = ? AND w.deleted_at IS NULL`, id)
		if w, err = scanWork(row); errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d not found.", id)
		} else if err != nil {
			return err
		}
		works := []*fanarchive.Work{w}
		if err := loadAuthors(ctx, tx, works); err != nil {
			return err
		}
		if err := loadTags(ctx, tx, works); err != nil {
			return err
		}
		if err := loadChapters(ctx, tx, works, withBodies); err != nil {
			return err
		}
		if err := loadPosting(ctx, tx, works); err != nil {
			return err
		}
		if err := loadBookmarkCounts(ctx, tx, works); err != nil {
			return err
		}
		w.Sources, err = findSources(ctx, tx, `JOIN work_sources ws ON ws.source_id = s.id
			WHERE ws.work_id = ? ORDER BY ws.position`, id)
		for i, src := range w.Sources {
			src.Part = i + 1 // the position within this work, not the file's first work
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find work %d: %w", id, err)
	}
	return w, nil
}

// FindWorks returns a page of works matching the filter, newest first (by
// Updated, then by ID, both descending), with authors, tags and chapters
// (without bodies) but without sources, and the number of matching works
// ignoring Offset and Limit. Kind defaults to fiction, Limit to 20 (at most
// 100). Filtering by an author or tag that does not exist finds nothing.
// Returns EINVALID for an unknown kind or a negative offset.
func (s *Store) FindWorks(ctx context.Context, filter fanarchive.WorkFilter) ([]*fanarchive.Work, int, error) {
	where, args, err := workWhere(filter)
	if err != nil {
		return nil, 0, err
	}
	limit := filter.Limit
	if limit <= 0 {
		limit = defaultLimit
	} else if limit > maxLimit {
		limit = maxLimit
	}

	var works []*fanarchive.Work
	var total int
	err = s.read(ctx, func(tx *sql.Tx) error {
		// The page is chosen and counted from the listing index alone; only
		// the works on the page are then read whole.
		ids, n, err := pageIDs(ctx, tx, where, args, limit, filter.Offset)
		if err != nil {
			return err
		}
		total = n
		if len(ids) == 0 {
			if filter.Offset > 0 {
				// Past the last page the count has no row to ride on.
				err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM works w WHERE `+where, args...).Scan(&total)
				if err != nil {
					return fmt.Errorf("count works: %w", err)
				}
			}
			return nil
		}
		if works, err = worksByIDs(ctx, tx, ids); err != nil {
			return err
		}
		if err := loadAuthors(ctx, tx, works); err != nil {
			return err
		}
		if err := loadTags(ctx, tx, works); err != nil {
			return err
		}
		if err := loadChapters(ctx, tx, works, false); err != nil {
			return err
		}
		if err := loadPosting(ctx, tx, works); err != nil {
			return err
		}
		return loadBookmarkCounts(ctx, tx, works)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find works: %w", err)
	}
	return works, total, nil
}

// workWhere returns the WHERE clause (over works aliased w) and its
// arguments for a filter. Listings of works that are neither drafts nor
// deleted say so literally (draft = 0 AND deleted_at IS NULL), which lets
// SQLite read them off the partial index works_listing.
func workWhere(filter fanarchive.WorkFilter) (string, []any, error) {
	kind := filter.Kind
	if kind == "" {
		kind = fanarchive.KindFiction
	} else if !kind.Valid() {
		return "", nil, fanarchive.Errorf(fanarchive.EINVALID, "Work kind %q is not fiction or other.", kind)
	}
	if filter.Offset < 0 {
		return "", nil, fanarchive.Errorf(fanarchive.EINVALID, "Offset must not be negative.")
	}
	if filter.OwnedBy < 0 {
		return "", nil, fanarchive.Errorf(fanarchive.EINVALID, "User %d is not a user ID.", filter.OwnedBy)
	}
	var where []string
	var args []any
	switch {
	case filter.Deleted:
		where = append(where, `w.deleted_at IS NOT NULL`)
	case filter.OwnedBy != 0:
		where = append(where, `w.kind = ?`, `w.deleted_at IS NULL`, `w.id IN (`+ownedWorks+`)`)
		args = append(args, string(kind), filter.OwnedBy, filter.OwnedBy)
	default:
		where = append(where, `w.kind = ?`, `w.draft = 0`, `w.deleted_at IS NULL`)
		args = append(args, string(kind))
		if !filter.IncludeRestricted {
			where = append(where, `w.restricted = 0`)
		}
	}
	if !filter.IncludeDuplicates && !filter.Deleted {
		where = append(where, `w.duplicate_of IS NULL`)
	}
	if filter.Author != nil {
		where = append(where, `w.id IN (SELECT wa.work_id FROM work_authors wa
			JOIN authors a ON a.id = wa.author_id WHERE a.name = ?)`)
		args = append(args, *filter.Author)
	}
	if filter.AuthorID != 0 {
		where = append(where, `w.id IN (SELECT work_id FROM work_authors WHERE author_id = ?)`)
		args = append(args, filter.AuthorID)
	}
	if m := filter.Muted; !m.Empty() {
		if len(m.Tags) > 0 {
			in, ids := inList(m.Tags)
			where = append(where, `w.id NOT IN (SELECT wt.work_id FROM work_tags wt JOIN tags t ON t.id = wt.tag_id
				WHERE coalesce(t.canonical_id, t.id) IN (`+in+`) OR t.id IN (`+in+`))`)
			args = append(append(args, ids...), ids...)
		}
		if len(m.Authors) > 0 {
			in, ids := inList(m.Authors)
			where = append(where, `w.id NOT IN (SELECT work_id FROM work_authors WHERE author_id IN (`+in+`))`)
			args = append(args, ids...)
		}
	}
	if filter.Tag != nil {
		// The tag's synonyms, and the synonyms of the tag it is a synonym
		// of, are the same tag.
		where = append(where, `w.id IN (SELECT wt.work_id FROM work_tags wt WHERE wt.tag_id IN (
			SELECT coalesce(t.canonical_id, t.id) FROM tags t WHERE t.kind = ? AND t.name = ?
			UNION ALL
			SELECT s.id FROM tags t JOIN tags s ON s.canonical_id = coalesce(t.canonical_id, t.id)
			WHERE t.kind = ? AND t.name = ?))`)
		args = append(args, string(filter.Tag.Kind), filter.Tag.Name, string(filter.Tag.Kind), filter.Tag.Name)
	}
	return strings.Join(where, " AND "), args, nil
}

// pageQuery selects one page of work IDs in listing order, each with the
// number of works matching the filter, for a WHERE clause over works w whose
// arguments are given twice, then LIMIT and OFFSET.
//
// The count is an uncorrelated scalar subquery, which SQLite evaluates once.
// COUNT(*) OVER () would give the same number but makes SQLite buffer every
// matching row and sort them again: on 300,000 works a page takes about 146 ms
// that way against 19 ms (BenchmarkListingCount; docs/benchmarks.md).
func pageQuery(where string) string {
	return `SELECT w.id, (SELECT COUNT(*) FROM works w WHERE ` + where + `) FROM works w WHERE ` + where + `
		ORDER BY w.updated DESC, w.id DESC LIMIT ? OFFSET ?`
}

// pageIDs returns the IDs of one page of works in listing order, and the
// number of works matching where.
func pageIDs(ctx context.Context, tx *sql.Tx, where string, args []any, limit, offset int) ([]int64, int, error) {
	all := append(append(append([]any{}, args...), args...), limit, offset)
	rows, err := tx.QueryContext(ctx, pageQuery(where), all...)
	if err != nil {
		return nil, 0, fmt.Errorf("list works: %w", err)
	}
	defer rows.Close()
	var ids []int64
	var total int
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id, &total); err != nil {
			return nil, 0, fmt.Errorf("list works: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list works: %w", err)
	}
	return ids, total, nil
}

// worksByIDs reads the works with the given IDs, in the order given.
func worksByIDs(ctx context.Context, tx *sql.Tx, ids []int64) ([]*fanarchive.Work, error) {
	in, args := inList(ids)
	rows, err := tx.QueryContext(ctx, `SELECT `+workColumns+` FROM works w WHERE w.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("read works: %w", err)
	}
	defer rows.Close()
	byID := make(map[int64]*fanarchive.Work, len(ids))
	for rows.Next() {
		w, err := scanWork(rows)
		if err != nil {
			return nil, err
		}
		byID[w.ID] = w
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read works: %w", err)
	}
	works := make([]*fanarchive.Work, 0, len(ids))
	for _, id := range ids {
		if w := byID[id]; w != nil {
			works = append(works, w)
		}
	}
	return works, nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// scanWork reads the workColumns of one row. It returns sql.ErrNoRows as is.
func scanWork(row scanner) (*fanarchive.Work, error) {
	var w fanarchive.Work
	var kind, rating, notes, evidence, problems, endNotes, publishedFrom string
	var published, updated, createdAt, updatedAt, deletedAt sql.NullString
	var duplicateOf, postedBy sql.NullInt64
	var origin sql.NullString
	err := row.Scan(&w.ID, &kind, &w.Title, &w.Summary, &notes, &rating, &w.RatingOriginal, &w.Language,
		&w.Words, &w.Complete, &w.Begins, &published, &updated, &duplicateOf, &evidence, &problems,
		&createdAt, &updatedAt, &origin, &w.FeedbackContact,
		&endNotes, &postedBy, &w.Draft, &w.Restricted, &deletedAt, &publishedFrom, &w.Comments)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, err
	} else if err != nil {
		return nil, fmt.Errorf("scan work: %w", err)
	}
	w.Kind, w.Rating, w.DuplicateOf = fanarchive.Kind(kind), fanarchive.Rating(rating), duplicateOf.Int64
	w.Origin, w.PostedBy, w.PublishedFrom = origin.String, postedBy.Int64, fanarchive.DateSource(publishedFrom)
	for _, f := range []struct {
		col  string
		text string
		dst  any
	}{{"notes", notes, &w.Notes}, {"evidence", evidence, &w.Evidence}, {"problems", problems, &w.Problems}, {"end_notes", endNotes, &w.EndNotes}} {
		if err := json.Unmarshal([]byte(f.text), f.dst); err != nil {
			return nil, fmt.Errorf("work %d %s: %w", w.ID, f.col, err)
		}
	}
	if len(w.Notes) == 0 {
		w.Notes = nil
	}
	if len(w.EndNotes) == 0 {
		w.EndNotes = nil
	}
	if len(w.Evidence) == 0 {
		w.Evidence = nil
	}
	if len(w.Problems) == 0 {
		w.Problems = nil
	}
	times := []struct {
		src sql.NullString
		dst *time.Time
	}{{published, &w.Published}, {updated, &w.Updated}, {createdAt, &w.CreatedAt}, {updatedAt, &w.UpdatedAt}, {deletedAt, &w.DeletedAt}}
	for _, t := range times {
		if *t.dst, err = parseTime(t.src); err != nil {
			return nil, fmt.Errorf("work %d: %w", w.ID, err)
		}
	}
	return &w, nil
}
