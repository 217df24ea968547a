package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/prose"
)

// List stories (fanarchive.ListStoryService, migration 0019): the works
// that the stories posted to a list became, and the parts each holds.

// FindListStory returns a list's story with its parts.
func (s *Store) FindListStory(ctx context.Context, listID int64, key string) (*fanarchive.ListStory, error) {
	var st *fanarchive.ListStory
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		st, err = findListStory(ctx, tx, listID, key)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find list story: %w", err)
	}
	return st, nil
}

// findListStory reads a story in a transaction. Returns ENOTFOUND.
func findListStory(ctx context.Context, tx *sql.Tx, listID int64, key string) (*fanarchive.ListStory, error) {
	st := &fanarchive.ListStory{ListID: listID, Key: key}
	var workID sql.NullInt64
	var created sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT work_id, parts_of, created_at FROM list_stories WHERE list_id = ? AND story_key = ?`,
		listID, key).Scan(&workID, &st.Of, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "List %d has no story %q.", listID, key)
	} else if err != nil {
		return nil, err
	}
	st.WorkID = workID.Int64
	if st.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT part_order, first_n, last_n, final, label, chapter_id, source_id, filed_at
		FROM list_story_parts WHERE list_id = ? AND story_key = ? ORDER BY part_order`, listID, key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p fanarchive.ListStoryPart
		var chapterID sql.NullInt64
		var filed sql.NullString
		if err := rows.Scan(&p.Order, &p.First, &p.Last, &p.Final, &p.Label, &chapterID, &p.SourceID, &filed); err != nil {
			return nil, err
		}
		p.ChapterID = chapterID.Int64
		if p.FiledAt, err = parseTime(filed); err != nil {
			return nil, err
		}
		st.Parts = append(st.Parts, p)
	}
	return st, rows.Err()
}

// FileListPost stores a story post of a list (see
// fanarchive.ListStoryService).
func (s *Store) FileListPost(ctx context.Context, p *fanarchive.ListPost) (*fanarchive.ListFiling, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	// Bodies are sanitised and paged before the write lock is taken.
	c, err := s.newCreation(p.Work)
	if err != nil {
		return nil, err
	}
	var f *fanarchive.ListFiling
	err = s.write(ctx, func(tx *sql.Tx) error {
		c.tx = tx
		st, err := findListStory(ctx, tx, p.ListID, p.Key)
		switch {
		case fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND:
			f, err = s.startListStory(ctx, c, p)
		case err == nil:
			f, err = s.extendListStory(ctx, c, p, st)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("file post to list %d: %w", p.ListID, err)
	}
	if f.New {
		c.assign()
	}
	return f, nil
}

// startListStory creates a story's work from its first post.
func (s *Store) startListStory(ctx context.Context, c *creation, p *fanarchive.ListPost) (*fanarchive.ListFiling, error) {
	part := p.Part
	setPartsState(c.w, []fanarchive.ListStoryPart{part}, p.Of)
	if err := c.checkConflicts(ctx); err != nil {
		return nil, err
	}
	if err := c.checkReferences(ctx); err != nil {
		return nil, err
	}
	if err := c.insert(ctx); err != nil {
		return nil, err
	}
	if _, err := c.tx.ExecContext(ctx, `INSERT INTO list_stories (list_id, story_key, work_id, parts_of, created_at)
		VALUES (?, ?, ?, ?, ?)`, p.ListID, p.Key, c.workID, p.Of, formatTime(c.now)); err != nil {
		return nil, fmt.Errorf("insert list story: %w", err)
	}
	part.ChapterID, part.SourceID = c.chapterIDs[0], c.sourceIDs[0]
	if err := insertListPart(ctx, c.tx, p, part, c.now); err != nil {
		return nil, err
	}
	return &fanarchive.ListFiling{WorkID: c.workID, Chapter: 1, New: true}, nil
}

// insertListPart records a part a story holds.
func insertListPart(ctx context.Context, tx *sql.Tx, p *fanarchive.ListPost, part fanarchive.ListStoryPart, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO list_story_parts (list_id, story_key, part_order, first_n, last_n, final,
		label, chapter_id, source_id, filed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ListID, p.Key, part.Order, part.First, part.Last, part.Final, part.Label, nullID(part.ChapterID), part.SourceID,
		formatTime(now))
	if err != nil {
		return fmt.Errorf("insert part of list story: %w", err)
	}
	return nil
}

// extendListStory adds a post to a story that has a work: a repeated part
// as a further source, a new part as chapters in part order.
func (s *Store) extendListStory(ctx context.Context, c *creation, p *fanarchive.ListPost, st *fanarchive.ListStory) (*fanarchive.ListFiling, error) {
	if st.WorkID == 0 {
		return nil, fanarchive.Errorf(fanarchive.ECONFLICT, "The work list story %q became has been deleted; it takes no more parts.", p.Key)
	}
	w, err := loadWork(ctx, c.tx, st.WorkID)
	if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
		return nil, fanarchive.Errorf(fanarchive.ECONFLICT, "The work list story %q became (work %d) has been deleted; it takes no more parts.", p.Key, st.WorkID)
	} else if err != nil {
		return nil, err
	}
	c.workID = w.ID
	sourceID, err := s.addWorkSource(ctx, c)
	if err != nil {
		return nil, err
	}
	f := &fanarchive.ListFiling{WorkID: w.ID}
	if i := slices.IndexFunc(st.Parts, func(h fanarchive.ListStoryPart) bool { return h.Order == p.Part.Order }); i >= 0 {
		f.Repeat = true
		if id := st.Parts[i].ChapterID; id != 0 {
			if err := c.tx.QueryRowContext(ctx, `SELECT number FROM chapters WHERE id = ?`, id).Scan(&f.Chapter); err != nil {
				return nil, fmt.Errorf("chapter of part: %w", err)
			}
		}
		return f, nil
	}
	ids, err := chapterIDs(ctx, c.tx, w.ID)
	if err != nil {
		return nil, err
	}
	if len(ids)+len(c.w.Chapters) > fanarchive.MaxChapters {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "A work has at most %d chapters.", fanarchive.MaxChapters)
	}
	at := partPosition(st.Parts, p.Part.Order, ids)
	newIDs := make([]int64, len(c.w.Chapters))
	known := make(map[int64]string, len(newIDs))
	for i, ch := range c.w.Chapters {
		if err := c.tx.QueryRowContext(ctx, `INSERT INTO chapters (work_id, number, title, body, words, source_id, pages)
			VALUES (?, ?, '', '', 0, ?, 1) RETURNING id`, w.ID, -(1<<30)-i, sourceID).Scan(&newIDs[i]); err != nil { // numbered below, with the others
			return nil, fmt.Errorf("insert chapter: %w", err)
		}
		if err := storeBody(ctx, c.tx, newIDs[i], ch.Title, c.bodies[i], c.chapterPages[i], ch.Words); err != nil {
			return nil, err
		}
		known[newIDs[i]] = prose.PlainText(c.bodies[i])
	}
	if err := renumber(ctx, c.tx, w.ID, slices.Insert(ids, at, newIDs...)); err != nil {
		return nil, err
	}
	tagsChanged := mergeListPart(w, c.w)
	part := p.Part
	part.ChapterID, part.SourceID = newIDs[0], sourceID
	parts := append(slices.Clone(st.Parts), part)
	of := max(st.Of, p.Of)
	setPartsState(w, parts, of)
	if err := recountChapters(ctx, c.tx, w, known); err != nil {
		return nil, err
	}
	if err := s.saveWork(ctx, c.tx, w); err != nil {
		return nil, err
	}
	if tagsChanged {
		if err := writeTags(ctx, c.tx, w); err != nil {
			return nil, err
		}
	}
	if err := s.reindexWorkText(ctx, c.tx, w.ID, known); err != nil { // logs the change for search too
		return nil, err
	}
	if w.PostedBy != 0 {
		ch := c.w.Chapters[0]
		if err := s.recordRevision(ctx, c.tx, w.ID, fanarchive.RevisionAddChapter, w.PostedBy, []fanarchive.FieldChange{{
			Field: chapterField(at + 1), New: chapterText(ch.Title, c.bodies[0], ch.Words)}}); err != nil {
			return nil, err
		}
	}
	if err := insertListPart(ctx, c.tx, p, part, c.now); err != nil {
		return nil, err
	}
	if of != st.Of {
		if _, err := c.tx.ExecContext(ctx, `UPDATE list_stories SET parts_of = ? WHERE list_id = ? AND story_key = ?`,
			of, p.ListID, p.Key); err != nil {
			return nil, fmt.Errorf("update list story: %w", err)
		}
	}
	f.Chapter = at + 1
	return f, nil
}

// addWorkSource stores the post's bytes (or finds them stored) and links
// them to the work c.workID after its other sources, unless they are
// linked already. It returns the source's ID.
func (s *Store) addWorkSource(ctx context.Context, c *creation) (int64, error) {
	var n int
	if err := c.tx.QueryRowContext(ctx, `SELECT coalesce(max(position), -1) + 1 FROM work_sources WHERE work_id = ?`,
		c.workID).Scan(&n); err != nil {
		return 0, fmt.Errorf("sources of work %d: %w", c.workID, err)
	}
	c.sourceIDs, c.sourceNew = make([]int64, 1), make([]bool, 1)
	c.parts[0] = n + 1
	if err := c.insertSource(ctx, 0, c.w.Sources[0]); err != nil {
		return 0, err
	}
	if _, err := c.tx.ExecContext(ctx, `INSERT INTO work_sources (work_id, source_id, position) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		c.workID, c.sourceIDs[0], n); err != nil {
		return 0, fmt.Errorf("link source: %w", err)
	}
	return c.sourceIDs[0], nil
}

// partPosition returns where, among a work's chapters (ids, in order), a
// part of this order goes: after the last chapter of the parts before it,
// else before the first of the parts after it, else at the end.
func partPosition(held []fanarchive.ListStoryPart, order float64, ids []int64) int {
	after, before := -1, len(ids)
	for _, h := range held {
		i := slices.Index(ids, h.ChapterID)
		if i < 0 {
			continue // its chapter was deleted
		}
		if h.Order < order {
			after = max(after, i)
		} else if i < before {
			before = i
		}
	}
	switch {
	case after >= 0:
		// A part's later chapters follow its first: skip those not of
		// another part.
		next := after + 1
		for next < len(ids) && !heldChapter(held, ids[next]) && next < before {
			next++
		}
		return next
	case before < len(ids):
		return before
	}
	return len(ids)
}

// heldChapter reports whether a chapter is the first of a part.
func heldChapter(held []fanarchive.ListStoryPart, id int64) bool {
	return slices.ContainsFunc(held, func(h fanarchive.ListStoryPart) bool { return h.ChapterID == id })
}

// partsState works out from the parts a story holds and the most parts a
// post named whether it is complete, which numbers are missing, and the
// number they count to, as the importer does (ingest.Assemble). complete
// is nil when nothing says: no post named a total or a last part.
func partsState(parts []fanarchive.ListStoryPart, of int) (complete *bool, missing []int, last int) {
	have := map[int]bool{}
	maxN, final := 0, false
	for _, p := range parts {
		for n := p.First; n >= 1 && n <= max(p.First, p.Last); n++ {
			have[n] = true
		}
		maxN = max(maxN, p.First, p.Last)
		final = final || p.Final
	}
	last = max(maxN, of)
	for n := 1; n <= last && n <= fanarchive.MaxChapters; n++ {
		if !have[n] {
			missing = append(missing, n)
		}
	}
	if of == 0 && !final {
		return nil, missing, last
	}
	done := len(missing) == 0 && (final || maxN >= of)
	return &done, missing, last
}

// problemPartMissing begins the problem listing missing parts, as the
// importer words it ("part missing: 1, 3 of 4").
const problemPartMissing = "part missing: "

// setPartsState sets a work's Complete (when known) and its "part missing"
// problem, from the parts held (partsState).
func setPartsState(w *fanarchive.Work, parts []fanarchive.ListStoryPart, of int) {
	complete, missing, last := partsState(parts, of)
	if complete != nil {
		w.Complete = *complete
	}
	w.Problems = slices.DeleteFunc(slices.Clone(w.Problems), func(p string) bool { return strings.HasPrefix(p, problemPartMissing) })
	if len(missing) > 0 {
		nums := make([]string, len(missing))
		for i, n := range missing {
			nums[i] = strconv.Itoa(n)
		}
		w.Problems = append(w.Problems, problemPartMissing+strings.Join(nums, ", ")+" of "+strconv.Itoa(last))
	}
}
