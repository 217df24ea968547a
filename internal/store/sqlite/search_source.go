package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"fanarchive"
	"fanarchive/internal/search"
)

// The Store is the Source the search engine is built from and catches up
// with (internal/search). Everything here reads through the read pool.

var _ search.Source = (*Store)(nil)

// bm25Weights weigh a match in the title, authors, summary and body
// columns of work_text for relevance.
const bm25Weights = "10.0, 5.0, 2.0, 1.0"

// SearchSnapshot reads every tag and every work, in one read transaction,
// and the last change sequence number that transaction sees.
func (s *Store) SearchSnapshot(ctx context.Context, tagsFn func([]search.TagRow) error, docFn func(search.Doc) error) (int64, error) {
	var seq int64
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM search_changes`).Scan(&seq); err != nil {
			return fmt.Errorf("last change: %w", err)
		}
		rows, err := allTags(ctx, tx)
		if err != nil {
			return err
		}
		if err := tagsFn(rows); err != nil {
			return err
		}
		return s.scanDocs(ctx, tx, "", nil, docFn)
	})
	if err != nil {
		return 0, fmt.Errorf("search snapshot: %w", err)
	}
	return seq, nil
}

// allTags reads the whole tags table.
func allTags(ctx context.Context, tx *sql.Tx) ([]search.TagRow, error) {
	return queryTags(ctx, tx, `SELECT id, kind, name, coalesce(canonical_id, 0) FROM tags ORDER BY id`)
}

func queryTags(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]search.TagRow, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read tags: %w", err)
	}
	defer rows.Close()
	var out []search.TagRow
	for rows.Next() {
		var t search.TagRow
		var kind string
		if err := rows.Scan(&t.ID, &kind, &t.Name, &t.Canonical); err != nil {
			return nil, fmt.Errorf("read tags: %w", err)
		}
		t.Kind = fanarchive.TagKind(kind)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read tags: %w", err)
	}
	return out, nil
}

// scanDocs calls fn with every work matching where (over works w, with
// args), in ID order, together with its tag IDs. On SQLite it walks the
// works and their tag links side by side, both in work ID order, so a
// million works are read in two streams rather than a million queries.
// PostgreSQL runs one statement at a time on a connection, so there each
// work's tags come with it, aggregated from work_tags' index.
func (s *Store) scanDocs(ctx context.Context, tx *sql.Tx, where string, args []any, fn func(search.Doc) error) error {
	twoStreams := s.eng.concurrentRows()
	tagsCol := "''"
	if !twoStreams {
		tagsCol = `coalesce((SELECT string_agg(CAST(wt.tag_id AS TEXT), ',') FROM work_tags wt WHERE wt.work_id = w.id), '')`
	}
	// Listed as FindWorks lists (work_find.go): fiction, no duplicate, no
	// draft, not deleted.
	works, err := tx.QueryContext(ctx, `SELECT w.id,
		w.kind = 'fiction' AND w.duplicate_of IS NULL AND w.draft = 0 AND w.deleted_at IS NULL, w.restricted,
		w.title, w.rating, w.words, w.complete, w.language, w.published, w.updated, `+tagsCol+` FROM works w `+where+` ORDER BY w.id`, args...)
	if err != nil {
		return fmt.Errorf("read works: %w", err)
	}
	defer works.Close()

	var linkID int64 = -1
	var linkTags string
	advance := func() error { linkID = 1<<63 - 1; return nil }
	if twoStreams {
		tagWhere := strings.ReplaceAll(where, "w.id", "wt.work_id")
		links, err := tx.QueryContext(ctx, `SELECT wt.work_id, string_agg(CAST(wt.tag_id AS TEXT), ',') FROM work_tags wt `+tagWhere+`
			GROUP BY wt.work_id ORDER BY wt.work_id`, args...)
		if err != nil {
			return fmt.Errorf("read tag links: %w", err)
		}
		defer links.Close()
		advance = func() error {
			if links.Next() {
				return links.Scan(&linkID, &linkTags)
			}
			linkID = 1<<63 - 1
			return links.Err()
		}
	}
	if err := advance(); err != nil {
		return fmt.Errorf("read tag links: %w", err)
	}
	var buf []int64
	for works.Next() {
		var d search.Doc
		var rating, ownTags string
		var published, updated sql.NullString
		if err := works.Scan(&d.ID, &d.Listed, &d.Restricted, &d.Title, &rating, &d.Words, &d.Complete, &d.Language,
			&published, &updated, &ownTags); err != nil {
			return fmt.Errorf("read works: %w", err)
		}
		d.Rating = fanarchive.Rating(rating)
		if d.Published, err = parseTime(published); err != nil {
			return err
		}
		if d.Updated, err = parseTime(updated); err != nil {
			return err
		}
		for linkID < d.ID {
			if err := advance(); err != nil {
				return fmt.Errorf("read tag links: %w", err)
			}
		}
		tagList := ownTags
		if linkID == d.ID {
			tagList = linkTags
		}
		buf = buf[:0]
		if tagList != "" {
			for _, f := range strings.Split(tagList, ",") {
				id, err := strconv.ParseInt(f, 10, 64)
				if err != nil {
					return fmt.Errorf("read tag links of work %d: %w", d.ID, err)
				}
				buf = append(buf, id)
			}
		}
		d.Tags = buf
		if err := fn(d); err != nil {
			return err
		}
	}
	if err := works.Err(); err != nil {
		return fmt.Errorf("read works: %w", err)
	}
	return nil
}

// SearchSeq returns the last change sequence number and the last one
// trimmed from the log.
func (s *Store) SearchSeq(ctx context.Context) (seq, trimmed int64, err error) {
	err = s.rdb.QueryRowContext(ctx, `SELECT coalesce((SELECT max(seq) FROM search_changes), 0), trimmed
		FROM search_state`).Scan(&seq, &trimmed)
	if err != nil {
		return 0, 0, fmt.Errorf("search seq: %w", err)
	}
	return seq, trimmed, nil
}

// SearchChanges returns up to limit changes after seq, in order.
func (s *Store) SearchChanges(ctx context.Context, after int64, limit int) ([]search.Change, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT seq, work_id, op FROM search_changes WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("search changes: %w", err)
	}
	defer rows.Close()
	var out []search.Change
	for rows.Next() {
		var c search.Change
		if err := rows.Scan(&c.Seq, &c.WorkID, &c.Op); err != nil {
			return nil, fmt.Errorf("search changes: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search changes: %w", err)
	}
	return out, nil
}

// SearchDocs returns the works with these IDs that exist and their tags.
func (s *Store) SearchDocs(ctx context.Context, ids []int64) ([]search.Doc, []search.TagRow, error) {
	var docs []search.Doc
	var tags []search.TagRow
	err := s.read(ctx, func(tx *sql.Tx) error {
		for chunk := range slicesChunk(ids, 500) {
			in, args := inList(chunk)
			err := s.scanDocs(ctx, tx, `WHERE w.id IN (`+in+`)`, args, func(d search.Doc) error {
				d.Tags = append([]int64(nil), d.Tags...)
				docs = append(docs, d)
				return nil
			})
			if err != nil {
				return err
			}
			rows, err := queryTags(ctx, tx, `SELECT id, kind, name, coalesce(canonical_id, 0) FROM tags
				WHERE id IN (SELECT tag_id FROM work_tags WHERE work_id IN (`+in+`))`, args...)
			if err != nil {
				return err
			}
			tags = append(tags, rows...)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("search docs: %w", err)
	}
	return docs, tags, nil
}

// slicesChunk yields ids in chunks of at most n.
func slicesChunk(ids []int64, n int) func(func([]int64) bool) {
	return func(yield func([]int64) bool) {
		for len(ids) > 0 {
			k := min(n, len(ids))
			if !yield(ids[:k]) {
				return
			}
			ids = ids[k:]
		}
	}
}

// SearchTags returns every tag.
func (s *Store) SearchTags(ctx context.Context) ([]search.TagRow, error) {
	var out []search.TagRow
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = allTags(ctx, tx)
		return err
	})
	return out, err
}

// FindWorksByIDs returns the works with these IDs that exist, in the order
// given, with authors, tags and chapters (without bodies).
func (s *Store) FindWorksByIDs(ctx context.Context, ids []int64) ([]*fanarchive.Work, error) {
	var works []*fanarchive.Work
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		if works, err = worksByIDs(ctx, tx, ids); err != nil || len(works) == 0 {
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
		return nil, fmt.Errorf("find works by ID: %w", err)
	}
	return works, nil
}
