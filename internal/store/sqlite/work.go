package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/prose"
	"fanarchive/internal/search"
	"fanarchive/internal/tags"
)

// CreateWork stores w with its chapters, authors, tags and sources (raw bytes
// included) in one transaction, and on success sets every ID it assigns:
// w.ID, each chapter's ID and WorkID, each source's ID and WorkID, and the ID
// of every author and tag (an author given by ID is linked by it; others
// are reused by exact name among legacy authors, never a pseud, and tags by
// exact kind and name). It also fills in what it defaults: Published
// (now, when zero), Updated (Published, when zero), CreatedAt and UpdatedAt
// (now), each source's Part (its 1-based position, when zero) and ImportedAt
// (now, when zero). On error it changes nothing in w except w.ID on conflict.
//
// Chapter.SourceID says which source a chapter was built from:
//
//   - 0 means the work's first source, w.Sources[0] (or none when the work
//     has no sources);
//   - -(i+1) means w.Sources[i], so -1 is the first source, -2 the second;
//   - a positive value is the ID of a source already stored.
//
// After CreateWork it holds the stored source's ID (0 when there is none).
// Anything else (an index past the end, an unknown ID) is EINVALID.
//
// A source whose bytes are already stored (by SHA-256) is shared with the
// works made from it before, not stored again: one file may hold several
// works. Its ID is set; its other fields keep what was stored first.
//
// Returns EINVALID if the work does not validate, if two of its sources have
// the same bytes, or if DuplicateOf or a source's ImportRunID names nothing
// stored. Returns ECONFLICT if a work with the same origin (Work.Origin, or
// when that is empty its sources' SHA-256 joined by "+") is stored: w.ID is
// then set to that work, or to 0 if it has been deleted (a deleted work is
// not brought back by importing it again).
//
// Authors and tags repeated within the work are stored once, at their first
// position; a repeated tag is inferred only if every occurrence is. An
// author with an ID (a pseud) is linked by it, and must exist (EINVALID);
// one without is found or made by name.
//
// Chapter bodies are stored sanitised (prose.Clean): a body that
// prose.IsSanitized does not accept is sanitised first, and on success the
// chapter holds the body as stored. Words are stored as given.
//
// A posted work (PostedBy set) is validated by the posting rules too, is
// put in its series (Work.Series; a part without SeriesID makes a series
// by PostedBy) and gets its first revision (RevisionCreate); on success
// w.Series and w.Owners hold what was stored.
func (s *Store) CreateWork(ctx context.Context, w *fanarchive.Work) error {
	c, err := s.newCreation(w)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		c.tx = tx
		if err := c.checkConflicts(ctx); err != nil {
			return err
		}
		if err := c.checkReferences(ctx); err != nil {
			return err
		}
		return c.insert(ctx)
	})
	if err != nil {
		if c.conflict {
			w.ID = c.existingWorkID
		}
		return fmt.Errorf("create work: %w", err)
	}
	c.assign()
	return nil
}

// newCreation validates w and prepares its creation.
func (s *Store) newCreation(w *fanarchive.Work) (*creation, error) {
	if w == nil {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "Work is required.")
	}
	if err := checkNil(w); err != nil {
		return nil, err
	}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	if err := validateSources(w); err != nil {
		return nil, err
	}
	chapterSources, err := chapterSourceRefs(w)
	if err != nil {
		return nil, err
	}
	c := &creation{s: s, w: w, now: s.now().UTC(), chapterSources: chapterSources}
	c.defaults()
	// Bodies are sanitised (when they are not already) and long chapters
	// cut into pages here, before the write lock is taken.
	c.bodies = make([]string, len(w.Chapters))
	c.chapterPages = make([][]string, len(w.Chapters))
	for i, ch := range w.Chapters {
		if c.bodies[i] = prose.Clean(ch.Body); len(c.bodies[i]) > fanarchive.MaxChapterBody {
			return nil, fanarchive.Errorf(fanarchive.EINVALID, "Chapter %d is longer than %d bytes once sanitised.", ch.Number, fanarchive.MaxChapterBody)
		}
		c.chapterPages[i] = splitChapter(c.bodies[i]) // chapter_pages.go
	}
	return c, nil
}

// checkNil returns EINVALID for a nil chapter or source, which Validate
// would dereference.
func checkNil(w *fanarchive.Work) error {
	for i, ch := range w.Chapters {
		if ch == nil {
			return fanarchive.Errorf(fanarchive.EINVALID, "Chapter %d is empty.", i+1)
		}
	}
	for i, src := range w.Sources {
		if src == nil {
			return fanarchive.Errorf(fanarchive.EINVALID, "Source %d is empty.", i+1)
		}
	}
	return nil
}

// validateSources checks what Work.Validate does not: every source must hold
// its bytes, and no two sources of one work may be the same file.
func validateSources(w *fanarchive.Work) error {
	seen := make(map[string]string, len(w.Sources))
	for _, src := range w.Sources {
		if src.Raw == nil && !(src.Size == 0 && src.SHA256 == fanarchive.SumSHA256(nil)) {
			return fanarchive.Errorf(fanarchive.EINVALID, "Source %q has no bytes.", src.Name)
		}
		if other, ok := seen[src.SHA256]; ok {
			return fanarchive.Errorf(fanarchive.EINVALID, "Sources %q and %q are the same file.", other, src.Name)
		}
		seen[src.SHA256] = src.Name
	}
	return nil
}

// chapterSourceRefs resolves the Chapter.SourceID convention documented on
// CreateWork. For each chapter it returns the index into w.Sources (>= 0), or
// -1 for no source, or -2 for an already stored source whose ID the chapter
// keeps.
func chapterSourceRefs(w *fanarchive.Work) ([]int, error) {
	refs := make([]int, len(w.Chapters))
	for i, ch := range w.Chapters {
		switch {
		case ch.SourceID == 0 && len(w.Sources) == 0:
			refs[i] = -1
		case ch.SourceID == 0:
			refs[i] = 0
		case ch.SourceID < 0 && -ch.SourceID <= int64(len(w.Sources)):
			refs[i] = int(-ch.SourceID - 1)
		case ch.SourceID < 0:
			return nil, fanarchive.Errorf(fanarchive.EINVALID,
				"Chapter %d refers to source %d of a work that has %d.", ch.Number, -ch.SourceID, len(w.Sources))
		default:
			refs[i] = -2
		}
	}
	return refs, nil
}

// creation is one CreateWork in progress. IDs are collected here and copied
// into the work only after the transaction commits, so a failed create leaves
// the caller's structs as they were.
type creation struct {
	s              *Store
	w              *fanarchive.Work
	tx             *sql.Tx
	now            time.Time
	chapterSources []int
	bodies         []string   // each chapter's body, sanitised
	chapterPages   [][]string // each chapter's body as stored: in pages, or one
	series         []fanarchive.SeriesPart

	published, updated time.Time
	importedAt         []time.Time
	parts              []int

	workID    int64
	authorIDs []int64
	tagIDs    []int64
	// knownTags are the IDs of tags already looked up or made in this
	// transaction, by kind and cleaned name: shared by the works of one
	// CreateWorks, so that a batch asks the database once per tag, not
	// once per work and tag (a round trip each on PostgreSQL). Nothing in
	// a creation removes or renames a tag, so an ID stays right until the
	// transaction ends.
	knownTags  map[tagKey]int64
	sourceIDs  []int64
	chapterIDs []int64

	origin    string
	sourceNew []bool // whether each source was inserted (not shared)

	conflict       bool
	existingWorkID int64

	// texts, when set, collects the work's text row for the caller to write
	// after the batch's other rows.
	texts *[]pendingText
}

// pendingText is a text row to write in the same transaction.
type pendingText struct {
	id int64
	t  workText
}

// workOrigin returns the origin CreateWork stores for w.
func workOrigin(w *fanarchive.Work) string {
	if w.Origin != "" {
		return w.Origin
	}
	sums := make([]string, len(w.Sources))
	for i, src := range w.Sources {
		sums[i] = src.SHA256
	}
	return strings.Join(sums, "+")
}

// defaults computes the values CreateWork fills in when the caller left them
// zero, without touching w yet.
func (c *creation) defaults() {
	c.published = c.w.Published
	if c.published.IsZero() && c.w.PublishedFrom != fanarchive.DateUnknown {
		c.published = c.now
	}
	c.updated = c.w.Updated
	if c.updated.IsZero() {
		c.updated = c.published
	}
	c.origin = workOrigin(c.w)
	c.importedAt = make([]time.Time, len(c.w.Sources))
	c.parts = make([]int, len(c.w.Sources))
	for i, src := range c.w.Sources {
		c.importedAt[i] = src.ImportedAt
		if c.importedAt[i].IsZero() {
			c.importedAt[i] = c.now
		}
		c.parts[i] = src.Part
		if c.parts[i] == 0 {
			c.parts[i] = i + 1
		}
	}
}

// checkConflicts returns ECONFLICT if a work with the same origin is stored,
// or was stored and deleted, or was merged into another work (then that
// work is the one found).
func (c *creation) checkConflicts(ctx context.Context) error {
	if c.origin == "" {
		return nil // a work with no sources has no origin to repeat
	}
	name := ""
	if len(c.w.Sources) > 0 {
		name = c.w.Sources[0].Name
	}
	var id int64
	var trashed bool
	err := c.tx.QueryRowContext(ctx, `SELECT id, deleted_at IS NOT NULL FROM works WHERE origin = ?`, c.origin).Scan(&id, &trashed)
	switch {
	case err == nil && trashed:
		c.conflict, c.existingWorkID = true, 0
		return fanarchive.Errorf(fanarchive.ECONFLICT, "%q was imported before (work %d), and that work has been deleted.", name, id)
	case err == nil:
		c.conflict, c.existingWorkID = true, id
		return fanarchive.Errorf(fanarchive.ECONFLICT, "%q is already in the archive (work %d).", name, id)
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("find work by origin: %w", err)
	}
	var mergedInto sql.NullInt64 // set when the work was merged into another (review_merge.go)
	err = c.tx.QueryRowContext(ctx, `SELECT work_id, merged_into FROM deleted_origins WHERE origin = ?`, c.origin).Scan(&id, &mergedInto)
	switch {
	case err == nil && mergedInto.Valid:
		c.conflict, c.existingWorkID = true, mergedInto.Int64
		return fanarchive.Errorf(fanarchive.ECONFLICT,
			"%q is already in the archive (work %d, which work %d was merged into).", name, mergedInto.Int64, id)
	case err == nil:
		c.conflict, c.existingWorkID = true, 0
		return fanarchive.Errorf(fanarchive.ECONFLICT,
			"%q was imported before (work %d), and that work has been deleted.", name, id)
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("find deleted origin: %w", err)
	}
	return nil
}

// checkReferences returns EINVALID for a reference to something not stored,
// with a better message than the foreign key error would give.
func (c *creation) checkReferences(ctx context.Context) error {
	if id := c.w.DuplicateOf; id != 0 {
		if ok, err := exists(ctx, c.tx, `SELECT 1 FROM works WHERE id = ?`, id); err != nil {
			return err
		} else if !ok {
			return fanarchive.Errorf(fanarchive.EINVALID, "Work is marked as a duplicate of work %d, which does not exist.", id)
		}
	}
	for _, src := range c.w.Sources {
		if id := src.ImportRunID; id != 0 {
			if ok, err := exists(ctx, c.tx, `SELECT 1 FROM import_runs WHERE id = ?`, id); err != nil {
				return err
			} else if !ok {
				return fanarchive.Errorf(fanarchive.EINVALID, "Source %q names import run %d, which does not exist.", src.Name, id)
			}
		}
	}
	for i, ch := range c.w.Chapters {
		if c.chapterSources[i] == -2 {
			if ok, err := exists(ctx, c.tx, `SELECT 1 FROM sources WHERE id = ?`, ch.SourceID); err != nil {
				return err
			} else if !ok {
				return fanarchive.Errorf(fanarchive.EINVALID, "Chapter %d refers to source %d, which does not exist.", ch.Number, ch.SourceID)
			}
		}
	}
	return nil
}

// likeContains returns the LIKE pattern, for ESCAPE '\', that matches any
// text containing sub: its \, % and _ escaped, wrapped in %…%. SQLite's
// LIKE ignores ASCII case and PostgreSQL's does not, so a query means the
// same on both only with lower() on both sides:
// lower(col) LIKE lower(?) ESCAPE '\'.
func likeContains(sub string) string { return "%" + likeEscaper.Replace(sub) + "%" }

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// exists reports whether query returns a row.
func exists(ctx context.Context, tx *sql.Tx, query string, args ...any) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("%s: %w", query, err)
	}
	return true, nil
}

// insert writes the work and everything it holds.
func (c *creation) insert(ctx context.Context) error {
	w := c.w
	notes, evidence, problems, err := encodeWorkJSON(w)
	if err != nil {
		return err
	}
	endNotes, err := encodeNotes(w.EndNotes)
	if err != nil {
		return err
	}
	rv := newReviewValues(w) // review.go
	err = c.tx.QueryRowContext(ctx, `INSERT INTO works (kind, title, summary, notes, rating, rating_original,
		language, words, complete, begins, published, updated, duplicate_of, evidence, problems, created_at, updated_at,
		origin, review_confidence, needs_review, review_fields, review_problems, feedback_contact,
		end_notes, posted_by, draft, restricted, published_source)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		string(w.Kind), w.Title, w.Summary, notes, string(w.Rating), w.RatingOriginal,
		w.Language, w.Words, w.Complete, w.Begins, formatTime(c.published), formatTime(c.updated),
		nullID(w.DuplicateOf), evidence, problems, formatTime(c.now), formatTime(c.now), sql.NullString{String: c.origin, Valid: c.origin != ""},
		rv.confidence, rv.needs, rv.fields, rv.problems, w.FeedbackContact,
		endNotes, nullID(w.PostedBy), w.Draft, w.Restricted, string(w.PublishedFrom)).Scan(&c.workID)
	if err != nil {
		return fmt.Errorf("insert work: %w", err)
	}
	if err := c.insertAuthors(ctx); err != nil {
		return err
	}
	if err := c.insertTags(ctx); err != nil {
		return err
	}
	if err := c.insertSources(ctx); err != nil {
		return err
	}
	if err := c.insertChapters(ctx); err != nil {
		return err
	}
	if len(w.Series) > 0 {
		if w.PostedBy == 0 && slices.ContainsFunc(w.Series, func(p fanarchive.SeriesPart) bool { return p.SeriesID == 0 }) {
			return fanarchive.Errorf(fanarchive.EINVALID, "Only a posted work can start a series.")
		}
		if c.series, err = c.s.writeSeriesParts(ctx, c.tx, c.workID, w.Series, w.PostedBy); err != nil { // series.go
			return err
		}
	}
	if w.PostedBy != 0 {
		if err := c.s.recordRevision(ctx, c.tx, c.workID, fanarchive.RevisionCreate, w.PostedBy, nil); err != nil { // revisions.go
			return err
		}
	}
	// Search sees the work in the same commit (search_write.go). A batch
	// writes its works' text rows last, together (see ImportWorks).
	if c.texts != nil {
		*c.texts = append(*c.texts, pendingText{c.workID, c.text()})
	} else if err := c.s.indexText(ctx, c.tx, c.workID, c.text()); err != nil {
		return err
	}
	return logChange(ctx, c.tx, c.workID, search.OpPut)
}

// text is the work's row of the full-text index, from its bodies as
// stored.
func (c *creation) text() workText {
	w := c.w
	if slices.EqualFunc(w.Chapters, c.bodies, func(ch *fanarchive.Chapter, body string) bool { return ch.Body == body }) {
		return newWorkText(w)
	}
	v := *w
	v.Chapters = make([]*fanarchive.Chapter, len(w.Chapters))
	for i, ch := range w.Chapters {
		cc := *ch
		if cc.Body != c.bodies[i] {
			cc.Body, cc.Text = c.bodies[i], ""
		}
		v.Chapters[i] = &cc
	}
	return newWorkText(&v)
}

// encodeNotes returns notes as their JSON column stores them.
func encodeNotes(notes []fanarchive.Note) (string, error) {
	if len(notes) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(notes)
	if err != nil {
		return "", fmt.Errorf("encode notes: %w", err)
	}
	return string(b), nil
}

// encodeWorkJSON returns the JSON columns of a work. Empty lists are stored
// as [] and {} rather than null, so SQL JSON functions always see a value.
func encodeWorkJSON(w *fanarchive.Work) (notes, evidence, problems string, err error) {
	enc := func(v any, empty string) (string, error) {
		b, err := json.Marshal(v)
		if err != nil {
			return "", fmt.Errorf("encode work JSON: %w", err)
		}
		if string(b) == "null" {
			return empty, nil
		}
		return string(b), nil
	}
	if notes, err = enc(w.Notes, "[]"); err != nil {
		return
	}
	if evidence, err = enc(w.Evidence, "{}"); err != nil {
		return
	}
	problems, err = enc(w.Problems, "[]")
	return
}

func (c *creation) insertAuthors(ctx context.Context) error {
	c.authorIDs = make([]int64, len(c.w.Authors))
	linked := make(map[int64]bool, len(c.w.Authors))
	for i, a := range c.w.Authors {
		id, err := authorID(ctx, c.tx, a)
		if err != nil {
			return err
		}
		c.authorIDs[i] = id
		if linked[id] {
			continue
		}
		linked[id] = true
		if _, err := c.tx.ExecContext(ctx, `INSERT INTO work_authors (work_id, author_id, position) VALUES (?, ?, ?)`,
			c.workID, id, len(linked)-1); err != nil {
			return fmt.Errorf("link author %q: %w", a.Name, err)
		}
	}
	return nil
}

func (c *creation) insertTags(ctx context.Context) error {
	c.tagIDs = make([]int64, len(c.w.Tags))
	if c.knownTags == nil {
		c.knownTags = map[tagKey]int64{}
	}
	// A tag is inferred only if every occurrence in the work is.
	inferred := make(map[int64]bool, len(c.w.Tags))
	var order []int64
	for i, t := range c.w.Tags {
		key := tagKey{t.Kind, tags.Clean(t.Kind, t.Name)}
		id, ok := c.knownTags[key]
		if !ok {
			var err error
			if id, err = tagID(ctx, c.tx, t.Kind, t.Name); err != nil { // tidied and normalised: search_write.go
				return fmt.Errorf("tag %s %q: %w", t.Kind, t.Name, err)
			}
			c.knownTags[key] = id
		}
		c.tagIDs[i] = id
		if prev, ok := inferred[id]; ok {
			inferred[id] = prev && t.Inferred
			continue
		}
		inferred[id] = t.Inferred
		order = append(order, id)
	}
	// One statement for the work's tags (in chunks far below either
	// engine's limit on parameters).
	const chunk = 100
	for start := 0; start < len(order); start += chunk {
		part := order[start:min(start+chunk, len(order))]
		var q strings.Builder
		q.WriteString(`INSERT INTO work_tags (work_id, tag_id, inferred, position) VALUES `)
		args := make([]any, 0, 4*len(part))
		for i, id := range part {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?)")
			args = append(args, c.workID, id, inferred[id], start+i)
		}
		if _, err := c.tx.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("link tags: %w", err)
		}
	}
	return nil
}

// tagKey is a tag's kind and cleaned name (tags.Clean), which identify it.
type tagKey struct {
	kind fanarchive.TagKind
	name string
}

// authorID returns the ID of an author of a byline: its own, when it has
// one (a pseud), which must exist; else that of the legacy author with its
// name, made if there is none. A name alone never links to a pseud: the
// name of a pseud that was a legacy author's stays free for bylines of
// works the claim did not move (docs/accounts.md, "Claims and takedowns").
func authorID(ctx context.Context, tx *sql.Tx, a fanarchive.Author) (int64, error) {
	if a.ID != 0 {
		if ok, err := exists(ctx, tx, `SELECT 1 FROM authors WHERE id = ?`, a.ID); err != nil {
			return 0, err
		} else if !ok {
			return 0, fanarchive.Errorf(fanarchive.EINVALID, "Author %d does not exist.", a.ID)
		}
		return a.ID, nil
	}
	id, err := getOrCreate(ctx, tx, `SELECT id FROM authors WHERE name = ? AND user_id IS NULL`, []any{a.Name},
		`INSERT INTO authors (name, name_key) VALUES (?, ?) RETURNING id`, a.Name, fanarchive.UserNameKey(a.Name))
	if err != nil {
		return 0, fmt.Errorf("author %q: %w", a.Name, err)
	}
	return id, nil
}

// getOrCreate returns the ID of the row selectQuery finds, inserting it with
// insertQuery (an INSERT ... RETURNING id) if there is none. The write
// transaction is immediate, so no other writer can insert in between.
func getOrCreate(ctx context.Context, tx *sql.Tx, selectQuery string, selectArgs []any, insertQuery string, insertArgs ...any) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, selectQuery, selectArgs...).Scan(&id)
	if err == nil {
		return id, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if err := tx.QueryRowContext(ctx, insertQuery, insertArgs...).Scan(&id); err != nil {
		return 0, err
	}
	return id, nil
}

func (c *creation) insertSources(ctx context.Context) error {
	c.sourceIDs = make([]int64, len(c.w.Sources))
	c.sourceNew = make([]bool, len(c.w.Sources))
	for i, src := range c.w.Sources {
		if err := c.insertSource(ctx, i, src); err != nil {
			return err
		}
		if _, err := c.tx.ExecContext(ctx, `INSERT INTO work_sources (work_id, source_id, position) VALUES (?, ?, ?)`,
			c.workID, c.sourceIDs[i], i); err != nil {
			return fmt.Errorf("link source %q: %w", src.Name, err)
		}
	}
	return nil
}

// insertSource stores source i with its bytes, or finds it already stored.
func (c *creation) insertSource(ctx context.Context, i int, src *fanarchive.Source) error {
	err := c.tx.QueryRowContext(ctx, `SELECT id FROM sources WHERE sha256 = ?`, src.SHA256).Scan(&c.sourceIDs[i])
	if err == nil {
		return nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("find source %q: %w", src.Name, err)
	}
	c.sourceNew[i] = true
	if err := c.tx.QueryRowContext(ctx, `INSERT INTO sources (work_id, part, name, sha256, size, encoding, archive,
		list, feedback_contact, import_run_id, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.workID, c.parts[i], src.Name, src.SHA256, src.Size, src.Encoding, src.Archive,
		src.List, src.FeedbackContact, nullID(src.ImportRunID), formatTime(c.importedAt[i])).Scan(&c.sourceIDs[i]); err != nil {
		return fmt.Errorf("insert source %q: %w", src.Name, err)
	}
	raw := src.Raw
	if raw == nil {
		raw = []byte{}
	}
	if _, err := c.tx.ExecContext(ctx, `INSERT INTO source_blobs (source_id, raw) VALUES (?, ?)`,
		c.sourceIDs[i], raw); err != nil {
		return fmt.Errorf("insert bytes of source %q: %w", src.Name, err)
	}

	return nil
}

func (c *creation) insertChapters(ctx context.Context) error {
	c.chapterIDs = make([]int64, len(c.w.Chapters))
	for i, ch := range c.w.Chapters {
		var sourceID int64
		switch ref := c.chapterSources[i]; {
		case ref >= 0:
			sourceID = c.sourceIDs[ref]
		case ref == -2:
			sourceID = ch.SourceID
		}
		// A chapter in pages has them in place of its body (0009_chapter_pages.sql).
		body, pages := c.bodies[i], c.chapterPages[i]
		if len(pages) > 1 {
			body = ""
		}
		if err := c.tx.QueryRowContext(ctx, `INSERT INTO chapters (work_id, number, title, body, words, source_id, pages,
			input_format, input) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			c.workID, ch.Number, ch.Title, body, ch.Words, nullID(sourceID), len(pages), ch.InputFormat, ch.Input).Scan(&c.chapterIDs[i]); err != nil {
			return fmt.Errorf("insert chapter %d: %w", ch.Number, err)
		}
		if len(pages) > 1 {
			if err := insertPages(ctx, c.tx, c.chapterIDs[i], pages); err != nil {
				return err
			}
		}
	}
	return nil
}

// assign copies the stored IDs and defaults into the work after commit.
func (c *creation) assign() {
	w := c.w
	w.ID = c.workID
	w.Published, w.Updated = c.published, c.updated
	w.CreatedAt, w.UpdatedAt = c.now, c.now
	for i := range w.Authors {
		w.Authors[i].ID = c.authorIDs[i]
	}
	for i := range w.Tags {
		w.Tags[i].ID = c.tagIDs[i]
	}
	w.Origin = c.origin
	for i, src := range w.Sources {
		src.ID, src.Part = c.sourceIDs[i], i+1
		if c.sourceNew[i] {
			src.WorkID, src.ImportedAt = c.workID, c.importedAt[i]
		}
	}
	if w.Series = c.series; w.PostedBy != 0 {
		w.Owners = []int64{w.PostedBy}
	}
	for i, ch := range w.Chapters {
		ch.ID, ch.WorkID, ch.Pages = c.chapterIDs[i], c.workID, len(c.chapterPages[i])
		if ch.Body != c.bodies[i] {
			ch.Body, ch.Text = c.bodies[i], ""
		}
		switch ref := c.chapterSources[i]; {
		case ref >= 0:
			ch.SourceID = c.sourceIDs[ref]
		case ref == -1:
			ch.SourceID = 0
		}
	}
}
