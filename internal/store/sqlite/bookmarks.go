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

// Bookmarks (migration 0021, docs/readers.md).

// bookmarkColumns are what scanBookmark reads, over bookmarks b joined to
// users u.
const bookmarkColumns = `b.id, b.user_id, u.name, b.work_id, b.private, b.rec, b.note, b.note_format, b.note_html,
	b.created_at, b.updated_at`

func scanBookmark(row interface{ Scan(...any) error }, extra ...any) (*fanarchive.Bookmark, error) {
	b := &fanarchive.Bookmark{}
	var created, updated sql.NullString
	dest := append([]any{&b.ID, &b.UserID, &b.UserName, &b.WorkID, &b.Private, &b.Rec, &b.Note, &b.NoteFormat,
		&b.NoteHTML, &created, &updated}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	var err error
	if b.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if b.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return b, nil
}

// SaveBookmark stores a new bookmark or replaces the reader's own.
func (s *Store) SaveBookmark(ctx context.Context, b *fanarchive.Bookmark) error {
	if err := b.Validate(); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := formatTime(s.now())
		if ok, err := exists(ctx, tx, `SELECT 1 FROM works WHERE id = ? AND deleted_at IS NULL AND draft = 0`, b.WorkID); err != nil {
			return err
		} else if !ok {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d not found.", b.WorkID)
		}
		wasPublic := false
		if b.ID == 0 {
			if dup, err := exists(ctx, tx, `SELECT 1 FROM bookmarks WHERE user_id = ? AND work_id = ?`, b.UserID, b.WorkID); err != nil {
				return err
			} else if dup {
				return fanarchive.Errorf(fanarchive.ECONFLICT, "You have bookmarked this work already: edit that bookmark instead.")
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO bookmarks (user_id, work_id, private, rec, note, note_format, note_html,
				created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				b.UserID, b.WorkID, b.Private, b.Rec, b.Note, b.NoteFormat, b.NoteHTML, now, now).Scan(&b.ID); err != nil {
				return err
			}
		} else {
			var work int64
			var private bool
			err := tx.QueryRowContext(ctx, `SELECT work_id, private FROM bookmarks WHERE id = ? AND user_id = ?`, b.ID, b.UserID).
				Scan(&work, &private)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && work != b.WorkID) {
				return fanarchive.Errorf(fanarchive.ENOTFOUND, "Bookmark %d not found.", b.ID)
			} else if err != nil {
				return err
			}
			wasPublic = !private
			if _, err := tx.ExecContext(ctx, `UPDATE bookmarks SET private = ?, rec = ?, note = ?, note_format = ?, note_html = ?,
				updated_at = ? WHERE id = ?`, b.Private, b.Rec, b.Note, b.NoteFormat, b.NoteHTML, now, b.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM bookmark_tags WHERE bookmark_id = ?`, b.ID); err != nil {
				return err
			}
		}
		for i, t := range b.Tags {
			if _, err := tx.ExecContext(ctx, `INSERT INTO bookmark_tags (bookmark_id, position, name, key) VALUES (?, ?, ?, ?)`,
				b.ID, i, t, strings.ToLower(t)); err != nil {
				return err
			}
		}
		if wasPublic || !b.Private {
			// Blurbs and the work page count public bookmarks: cached
			// pages and blurbs must change.
			return logChange(ctx, tx, b.WorkID, search.OpPut)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save bookmark of work %d: %w", b.WorkID, err)
	}
	found, err := s.FindBookmark(ctx, b.ID)
	if err != nil {
		return err
	}
	*b = *found
	return nil
}

// FindBookmark returns a bookmark.
func (s *Store) FindBookmark(ctx context.Context, id int64) (*fanarchive.Bookmark, error) {
	return s.findBookmark(ctx, `b.id = ?`, id)
}

// FindUserBookmark returns the reader's bookmark of a work.
func (s *Store) FindUserBookmark(ctx context.Context, userID, workID int64) (*fanarchive.Bookmark, error) {
	return s.findBookmark(ctx, `b.user_id = ? AND b.work_id = ?`, userID, workID)
}

func (s *Store) findBookmark(ctx context.Context, where string, args ...any) (*fanarchive.Bookmark, error) {
	var b *fanarchive.Bookmark
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		b, err = scanBookmark(tx.QueryRowContext(ctx, `SELECT `+bookmarkColumns+` FROM bookmarks b JOIN users u ON u.id = b.user_id
			WHERE `+where, args...))
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Bookmark not found.")
		} else if err != nil {
			return err
		}
		return loadBookmarkTags(ctx, tx, []*fanarchive.Bookmark{b})
	})
	if err != nil {
		return nil, fmt.Errorf("find bookmark: %w", err)
	}
	return b, nil
}

// loadBookmarkTags sets the reader's tags of each bookmark.
func loadBookmarkTags(ctx context.Context, tx *sql.Tx, bs []*fanarchive.Bookmark) error {
	if len(bs) == 0 {
		return nil
	}
	byID := map[int64]*fanarchive.Bookmark{}
	ids := make([]int64, len(bs))
	for i, b := range bs {
		byID[b.ID], ids[i] = b, b.ID
	}
	in, args := inList(ids)
	rows, err := tx.QueryContext(ctx, `SELECT bookmark_id, name FROM bookmark_tags WHERE bookmark_id IN (`+in+`)
		ORDER BY bookmark_id, position`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		byID[id].Tags = append(byID[id].Tags, name)
	}
	return rows.Err()
}

// DeleteBookmark deletes the reader's own bookmark.
func (s *Store) DeleteBookmark(ctx context.Context, userID, id int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var work int64
		var private bool
		err := tx.QueryRowContext(ctx, `DELETE FROM bookmarks WHERE id = ? AND user_id = ? RETURNING work_id, private`, id, userID).
			Scan(&work, &private)
		if errors.Is(err, sql.ErrNoRows) {
			return fanarchive.Errorf(fanarchive.ENOTFOUND, "Bookmark %d not found.", id)
		} else if err != nil {
			return err
		}
		if !private {
			return logChange(ctx, tx, work, search.OpPut)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete bookmark %d: %w", id, err)
	}
	return nil
}

// tagNamedSQL selects the IDs of the tags a name means: the tags of that
// name (ignoring case, lower() on both sides; of the kind unless it is ”),
// their canonicals and every synonym of those. Its arguments are the name
// and the kind twice.
const tagNamedSQL = `SELECT t2.id FROM tags t1 JOIN tags t2
	ON t2.id = coalesce(t1.canonical_id, t1.id) OR t2.canonical_id = coalesce(t1.canonical_id, t1.id)
	WHERE lower(t1.name) = lower(?) AND (? = '' OR t1.kind = ?)`

// FindBookmarks returns a page of bookmarks with their works.
func (s *Store) FindBookmarks(ctx context.Context, f fanarchive.BookmarkFilter) ([]*fanarchive.Bookmark, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	where := []string{`w.deleted_at IS NULL`, `w.draft = 0`}
	var args []any
	if f.UserID != 0 {
		where, args = append(where, `b.user_id = ?`), append(args, f.UserID)
	}
	if f.WorkID != 0 {
		where, args = append(where, `b.work_id = ?`), append(args, f.WorkID)
	}
	if !f.IncludePrivate || f.UserID == 0 {
		where = append(where, `b.private = 0`)
	}
	if !f.IncludeRestricted {
		where = append(where, `w.restricted = 0`)
	}
	if f.RecOnly {
		where = append(where, `b.rec = 1`)
	}
	if f.Rating != "" {
		where, args = append(where, `w.rating = ?`), append(args, string(f.Rating))
	}
	workTag := func(kind, name string) {
		where = append(where, `b.work_id IN (SELECT wt.work_id FROM work_tags wt WHERE wt.tag_id IN (`+tagNamedSQL+`))`)
		args = append(args, strings.Join(strings.Fields(name), " "), kind, kind)
	}
	if strings.TrimSpace(f.Fandom) != "" {
		workTag(string(fanarchive.TagFandom), f.Fandom)
	}
	for _, t := range f.WorkTags {
		if strings.TrimSpace(t) != "" {
			workTag("", t)
		}
	}
	tags, err := fanarchive.TidyBookmarkTags(f.Tags)
	if err != nil {
		return nil, 0, err
	}
	for _, t := range tags {
		where = append(where, `EXISTS (SELECT 1 FROM bookmark_tags bt WHERE bt.bookmark_id = b.id AND bt.key = ?)`)
		args = append(args, strings.ToLower(t))
	}
	if t := strings.TrimSpace(f.Text); t != "" {
		where = append(where, `lower(b.note) LIKE lower(?) ESCAPE '\'`)
		args = append(args, likeContains(t))
	}
	var out []*fanarchive.Bookmark
	total := 0
	err = s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+bookmarkColumns+`, COUNT(*) OVER () FROM bookmarks b
			JOIN users u ON u.id = b.user_id JOIN works w ON w.id = b.work_id
			WHERE `+strings.Join(where, " AND ")+` ORDER BY b.created_at DESC, b.id DESC LIMIT ? OFFSET ?`,
			append(args, f.Limit, f.Offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			b, err := scanBookmark(rows, &total)
			if err != nil {
				return err
			}
			out = append(out, b)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out) == 0 && f.Offset > 0 {
			return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM bookmarks b JOIN works w ON w.id = b.work_id
				WHERE `+strings.Join(where, " AND "), args...).Scan(&total)
		}
		return loadBookmarkTags(ctx, tx, out)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find bookmarks: %w", err)
	}
	if err := s.attachWorks(ctx, len(out), func(i int) (int64, func(*fanarchive.Work)) {
		return out[i].WorkID, func(w *fanarchive.Work) { out[i].Work = w }
	}); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// attachWorks reads the works of n things (each names its work's ID and
// how to set it) in one go.
func (s *Store) attachWorks(ctx context.Context, n int, item func(i int) (int64, func(*fanarchive.Work))) error {
	if n == 0 {
		return nil
	}
	ids := make([]int64, n)
	for i := range n {
		ids[i], _ = item(i)
	}
	works, err := s.FindWorksByIDs(ctx, ids)
	if err != nil {
		return err
	}
	byID := map[int64]*fanarchive.Work{}
	for _, w := range works {
		byID[w.ID] = w
	}
	for i := range n {
		id, set := item(i)
		if w := byID[id]; w != nil {
			set(w)
		}
	}
	return nil
}

// BookmarkCounts returns the number of public bookmarks of each work.
func (s *Store) BookmarkCounts(ctx context.Context, workIDs []int64) (map[int64]int, error) {
	out := map[int64]int{}
	if len(workIDs) == 0 {
		return out, nil
	}
	err := s.read(ctx, func(tx *sql.Tx) error {
		counts, err := bookmarkCounts(ctx, tx, workIDs)
		out = counts
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("bookmark counts: %w", err)
	}
	return out, nil
}

func bookmarkCounts(ctx context.Context, tx *sql.Tx, workIDs []int64) (map[int64]int, error) {
	out := map[int64]int{}
	in, args := inList(workIDs)
	rows, err := tx.QueryContext(ctx, `SELECT work_id, count(*) FROM bookmarks WHERE private = 0 AND work_id IN (`+in+`)
		GROUP BY work_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// loadBookmarkCounts sets each work's count of public bookmarks.
func loadBookmarkCounts(ctx context.Context, tx *sql.Tx, works []*fanarchive.Work) error {
	if len(works) == 0 {
		return nil
	}
	byID, ids := workIndex(works)
	counts, err := bookmarkCounts(ctx, tx, ids)
	if err != nil {
		return err
	}
	for id, n := range counts {
		byID[id].Bookmarks = n
	}
	return nil
}

// BookmarkTagCounts returns a reader's own tags, most used first.
func (s *Store) BookmarkTagCounts(ctx context.Context, userID int64, includePrivate bool) ([]fanarchive.TagCount, error) {
	var out []fanarchive.TagCount
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT min(bt.name), count(*) FROM bookmark_tags bt JOIN bookmarks b ON b.id = bt.bookmark_id
			JOIN works w ON w.id = b.work_id
			WHERE b.user_id = ? AND (? = 1 OR b.private = 0) AND w.deleted_at IS NULL AND w.draft = 0
			GROUP BY bt.key ORDER BY count(*) DESC, bt.key LIMIT 100`, userID, includePrivate)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c fanarchive.TagCount
			if err := rows.Scan(&c.Tag.Name, &c.Works); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("bookmark tags of user %d: %w", userID, err)
	}
	return out, nil
}
