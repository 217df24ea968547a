-- Initial schema.
--
-- Conventions:
--   * Timestamps are TEXT in UTC with a fixed width, "2006-01-02T15:04:05.000000000Z",
--     so they are readable in the sqlite3 shell and sort correctly as text.
--     A missing timestamp is NULL.
--   * Lists and maps that are only ever read whole (notes, evidence, problems)
--     are JSON text.
--   * Booleans are INTEGER 0/1.
--   * Absent references are NULL, never 0.

-- One invocation of the importer.
CREATE TABLE import_runs (
	id          INTEGER PRIMARY KEY,
	args        TEXT    NOT NULL DEFAULT '',
	started_at  TEXT    NOT NULL,
	finished_at TEXT,
	created     INTEGER NOT NULL DEFAULT 0,
	present     INTEGER NOT NULL DEFAULT 0,
	failed      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE works (
	id              INTEGER PRIMARY KEY,
	kind            TEXT    NOT NULL CHECK (kind IN ('fiction', 'other')),
	title           TEXT    NOT NULL DEFAULT '',
	summary         TEXT    NOT NULL DEFAULT '',
	notes           TEXT    NOT NULL DEFAULT '[]',
	rating          TEXT    NOT NULL,
	rating_original TEXT    NOT NULL DEFAULT '',
	language        TEXT    NOT NULL DEFAULT '',
	words           INTEGER NOT NULL DEFAULT 0,
	complete        INTEGER NOT NULL DEFAULT 0,
	begins          TEXT    NOT NULL DEFAULT '',
	published       TEXT    NOT NULL,
	updated         TEXT    NOT NULL,
	-- A duplicate stays stored but is not listed. If the work it repeats is
	-- deleted, the duplicate becomes listed again.
	duplicate_of    INTEGER REFERENCES works (id) ON DELETE SET NULL,
	evidence        TEXT    NOT NULL DEFAULT '{}',
	problems        TEXT    NOT NULL DEFAULT '[]',
	created_at      TEXT    NOT NULL,
	updated_at      TEXT    NOT NULL
);

-- Listing: WHERE kind = ? [AND duplicate_of IS NULL] ORDER BY updated DESC, id DESC
-- is read straight off this index in order, with or without duplicates, and
-- counted from it without touching the table. duplicate_of is last so that
-- one index serves both; duplicates are few, so skipping them is cheap.
CREATE INDEX works_listing ON works (kind, updated DESC, id DESC, duplicate_of);
-- Finds the duplicates of a work, e.g. when it is deleted.
CREATE INDEX works_duplicate_of ON works (duplicate_of) WHERE duplicate_of IS NOT NULL;

-- Original files, kept for ever. Deleting a work detaches its sources
-- (work_id becomes NULL) but never removes them or their bytes: claims,
-- takedowns and re-imports depend on them.
CREATE TABLE sources (
	id               INTEGER PRIMARY KEY,
	work_id          INTEGER REFERENCES works (id) ON DELETE SET NULL,
	part             INTEGER NOT NULL,
	name             TEXT    NOT NULL DEFAULT '',
	sha256           TEXT    NOT NULL UNIQUE,
	size             INTEGER NOT NULL,
	encoding         TEXT    NOT NULL DEFAULT '',
	archive          TEXT    NOT NULL DEFAULT '',
	list             TEXT    NOT NULL DEFAULT '',
	-- Private: an e-mail address or a name, for feedback relay and claims.
	feedback_contact TEXT    NOT NULL DEFAULT '',
	import_run_id    INTEGER REFERENCES import_runs (id),
	imported_at      TEXT    NOT NULL
);

CREATE INDEX sources_work ON sources (work_id, part);
CREATE INDEX sources_import_run ON sources (import_run_id);

-- The raw bytes of each source, byte for byte. They live apart from the
-- metadata so that listing sources never reads through megabytes of
-- overflow pages, and so that columns added to sources later are not
-- stored behind the blob.
CREATE TABLE source_blobs (
	source_id INTEGER PRIMARY KEY REFERENCES sources (id) ON DELETE CASCADE,
	raw       BLOB    NOT NULL
);

CREATE TABLE chapters (
	id        INTEGER PRIMARY KEY,
	work_id   INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,
	number    INTEGER NOT NULL,
	title     TEXT    NOT NULL DEFAULT '',
	body      TEXT    NOT NULL DEFAULT '',
	words     INTEGER NOT NULL DEFAULT 0,
	source_id INTEGER REFERENCES sources (id) ON DELETE SET NULL,
	UNIQUE (work_id, number)
);

CREATE INDEX chapters_source ON chapters (source_id);

-- Authors are names as given in bylines; two spellings are two authors
-- until an archivist merges them. Accounts will claim authors later.
CREATE TABLE authors (
	id   INTEGER PRIMARY KEY,
	name TEXT    NOT NULL UNIQUE
);

CREATE TABLE work_authors (
	work_id   INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,
	author_id INTEGER NOT NULL REFERENCES authors (id),
	position  INTEGER NOT NULL,
	PRIMARY KEY (work_id, author_id)
) WITHOUT ROWID;

CREATE INDEX work_authors_author ON work_authors (author_id, work_id);

-- Tags by kind and exact name. canonical_id points a synonym at the tag it
-- means (tag wrangling); NULL for a canonical or unwrangled tag.
CREATE TABLE tags (
	id           INTEGER PRIMARY KEY,
	kind         TEXT    NOT NULL,
	name         TEXT    NOT NULL,
	canonical_id INTEGER REFERENCES tags (id) ON DELETE SET NULL,
	UNIQUE (kind, name)
);

CREATE INDEX tags_canonical ON tags (canonical_id);

CREATE TABLE work_tags (
	work_id  INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,
	tag_id   INTEGER NOT NULL REFERENCES tags (id),
	inferred INTEGER NOT NULL DEFAULT 0,
	position INTEGER NOT NULL,
	PRIMARY KEY (work_id, tag_id)
) WITHOUT ROWID;

CREATE INDEX work_tags_tag ON work_tags (tag_id, work_id);
