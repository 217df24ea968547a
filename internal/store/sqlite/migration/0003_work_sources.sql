-- A file can hold several works (posts glued together in one file; a story
-- and a review of it), and a work can be built from several files (parts
-- posted separately). work_sources links them; sources.work_id stays as the
-- first work made from the file.
CREATE TABLE work_sources (
	work_id   INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,
	source_id INTEGER NOT NULL REFERENCES sources (id),
	position  INTEGER NOT NULL, -- 0-based order of the source within the work
	PRIMARY KEY (work_id, source_id)
) WITHOUT ROWID;

CREATE INDEX work_sources_source ON work_sources (source_id, work_id);

INSERT INTO work_sources (work_id, source_id, position)
	SELECT work_id, id, part - 1 FROM sources WHERE work_id IS NOT NULL;

-- origin identifies what a work was made from: which files, and which parts
-- of them (see fanarchive.Work.Origin). Importing the same thing again finds
-- the work by its origin instead of creating a second one.
ALTER TABLE works ADD COLUMN origin TEXT;

UPDATE works SET origin = (
	SELECT group_concat(sha256, '+') FROM (SELECT sha256 FROM sources WHERE work_id = works.id ORDER BY part, id)
);

CREATE UNIQUE INDEX works_origin ON works (origin);

-- The origins of deleted works, so that a takedown is not undone by
-- importing the same file again.
CREATE TABLE deleted_origins (
	origin     TEXT    PRIMARY KEY,
	work_id    INTEGER NOT NULL, -- the deleted work's id, for the record
	deleted_at TEXT    NOT NULL
) WITHOUT ROWID;
