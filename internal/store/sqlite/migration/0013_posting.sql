-- Posting (issue 8): works written on the archive by its users, their
-- drafts, restricted and deleted works, end notes, series, co-authors and
-- revision history; tag suggestions for the posting form; and stored
-- chapter bodies sanitised once, so that pages show them as they are.
--
-- Users live in the accounts store (migration 0012, another branch); they
-- are referred to here by ID only, without foreign keys, so that this
-- migration stands on its own. Pseuds are rows of authors.

-- Notes shown after the text (works.notes are shown before it).
ALTER TABLE works ADD COLUMN end_notes TEXT NOT NULL DEFAULT '[]';
-- The user who posted the work; NULL for an imported work.
ALTER TABLE works ADD COLUMN posted_by INTEGER;
-- A draft is seen by its owners only: not listed, not searchable.
ALTER TABLE works ADD COLUMN draft INTEGER NOT NULL DEFAULT 0;
-- A restricted work is shown to logged-in readers only.
ALTER TABLE works ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0;
-- A deleted work is hidden everywhere, and kept for 30 days
-- (fanarchive.WorkTrashDays) so that an admin can restore it; then purged.
ALTER TABLE works ADD COLUMN deleted_at TEXT;
ALTER TABLE works ADD COLUMN deleted_by INTEGER;

-- Listings read the works that are neither drafts nor deleted, in order,
-- off this index, and count them from it: draft = 0 AND deleted_at IS NULL
-- is written out in their queries so that SQLite sees it applies.
-- restricted is in it so that a guest's listing is counted from it too.
DROP INDEX works_listing;
CREATE INDEX works_listing ON works (kind, updated DESC, id DESC, duplicate_of, restricted)
	WHERE draft = 0 AND deleted_at IS NULL;
CREATE INDEX works_posted_by ON works (posted_by) WHERE posted_by IS NOT NULL;
CREATE INDEX works_deleted ON works (deleted_at) WHERE deleted_at IS NOT NULL;

-- The review queue leaves deleted works out, still from its index alone.
DROP INDEX works_review;
CREATE INDEX works_review ON works (review_confidence, id, kind, review_fields, review_problems, deleted_at)
	WHERE needs_review = 1;

-- A posted chapter as its author wrote it (fanarchive.Chapter.Input), in
-- 'html', 'markdown' or 'text', for the edit form; pages show the body.
-- Listings never read it (chapters_list holds what they read).
ALTER TABLE chapters ADD COLUMN input_format TEXT NOT NULL DEFAULT '';
ALTER TABLE chapters ADD COLUMN input TEXT NOT NULL DEFAULT '';

CREATE TABLE series (
	id         INTEGER PRIMARY KEY,
	title      TEXT    NOT NULL,
	summary    TEXT    NOT NULL DEFAULT '',
	complete   INTEGER NOT NULL DEFAULT 0,
	created_by INTEGER NOT NULL,
	created_at TEXT    NOT NULL,
	updated_at TEXT    NOT NULL
);

-- A work's place in a series: positions 1..n, contiguous (the store
-- renumbers). A work may be in several series.
CREATE TABLE series_works (
	series_id INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
	work_id   INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,
	position  INTEGER NOT NULL,
	PRIMARY KEY (series_id, work_id)
) WITHOUT ROWID;

CREATE INDEX series_works_work ON series_works (work_id, series_id);

-- Pseuds invited to be authors of a work. An accepted one is on the byline
-- (work_authors) too; answered_by is the user who answered, an owner of
-- the work once accepted while the pseud stays on the byline.
CREATE TABLE work_coauthors (
	work_id     INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,
	author_id   INTEGER NOT NULL REFERENCES authors (id),
	state       TEXT    NOT NULL CHECK (state IN ('pending', 'accepted', 'declined')),
	invited_by  INTEGER NOT NULL,
	invited_at  TEXT    NOT NULL,
	answered_by INTEGER,
	answered_at TEXT,
	PRIMARY KEY (work_id, author_id)
) WITHOUT ROWID;

CREATE INDEX work_coauthors_author ON work_coauthors (author_id, state);
CREATE INDEX work_coauthors_owner ON work_coauthors (answered_by, work_id) WHERE state = 'accepted';

-- Every change to a posted work (fanarchive.WorkRevision): who, when, what.
-- changes is a JSON list of {field, old, new}; a chapter's text is recorded
-- by its size and SHA-256, not copied. Revisions go with the work when it
-- is purged.
CREATE TABLE work_revisions (
	id         INTEGER PRIMARY KEY,
	work_id    INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,
	op         TEXT    NOT NULL,
	revised_by INTEGER NOT NULL,
	revised_at TEXT    NOT NULL,
	changes    TEXT    NOT NULL DEFAULT '[]'
);

CREATE INDEX work_revisions_work ON work_revisions (work_id, id);

-- Tag suggestions by prefix (FindTagsByPrefix): lower() folds ASCII only,
-- as the store folds the prefix.
CREATE INDEX tags_prefix ON tags (kind, lower(name));

-- Pages now show stored chapter bodies without sanitising them again; the
-- store sanitises every body it writes. Bodies stored before are checked,
-- and sanitised where they need it, once (sanitizeStoredBodies,
-- sanitize_bodies.go).
INSERT INTO pending_data_migrations (name) VALUES ('sanitize-bodies');
