-- Search (issue 4): tag normalisation, the full-text index, and the change
-- log that in-memory search indexes catch up from.

-- norm is the tag's name reduced to what makes two spellings the same tag
-- (case, spacing, the order of names in a relationship; see package
-- internal/tags). A new tag whose norm matches an existing tag of the same
-- kind becomes that tag's synonym when it is created. Tags stored before
-- this migration get a provisional norm here; `fanarchive reindex`
-- recomputes every norm with the real rules.
ALTER TABLE tags ADD COLUMN norm TEXT NOT NULL DEFAULT '';
UPDATE tags SET norm = lower(trim(name));
CREATE INDEX tags_norm ON tags (kind, norm);

-- The full-text index of every work: its title, its authors' names, its
-- summary and the plain text of its chapters. Contentless (the text lives
-- in works and chapters), with deletes, so that a work is removed from it
-- in the same transaction that deletes the work. rowid = works.id.
CREATE VIRTUAL TABLE work_text USING fts5(
	title, authors, summary, body,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2'
);

-- Every change that affects search, written in the same transaction as the
-- change itself. A search process remembers the last seq it applied and,
-- before it answers, applies the rows after it, so it sees what any other
-- process committed. op is 'put' (the work was created or its tags changed;
-- read it again), 'delete' (the work is gone) or 'tags' (tag names or
-- synonyms changed; work_id is 0). AUTOINCREMENT: a seq is never reused,
-- even after the log is trimmed.
CREATE TABLE search_changes (
	seq     INTEGER PRIMARY KEY AUTOINCREMENT,
	work_id INTEGER NOT NULL,
	op      TEXT    NOT NULL CHECK (op IN ('put', 'delete', 'tags'))
);

-- One row. text_built is 0 while works stored before this migration are
-- missing from work_text; `fanarchive reindex` (and `serve`, on start)
-- builds it. trimmed is the last seq that reindex removed from
-- search_changes: a process that has applied less than that must reload
-- its in-memory index instead of catching up.
CREATE TABLE search_state (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	text_built INTEGER NOT NULL,
	trimmed    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO search_state (id, text_built) SELECT 1, NOT EXISTS (SELECT 1 FROM works);
