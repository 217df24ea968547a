-- Claims of imported works and takedown requests (docs/accounts.md, "Claims
-- and takedowns").

-- authors.name stops being unique on its own: a legacy byline and a pseud
-- may have the same name (a claim that moves only the works with one
-- address gives the claimant a pseud of that name while the legacy author
-- keeps the rest, and an import after a claim makes a legacy author of a
-- pseud's name, since the importer links bylines to legacy authors only).
-- Legacy names stay unique among legacy authors (authors_legacy_name),
-- pseuds by their key (authors_pseud_key, as before).
--
-- SQLite drops a table constraint only by making the table again. Foreign
-- keys cannot be switched off inside the migration's transaction, so they
-- are deferred: dropping authors leaves the rows that point at it
-- (work_authors and others) dangling for a moment, and putting the same
-- rows back, with the same IDs, before the commit mends them. Nothing with
-- ON DELETE CASCADE points at an author yet (tokens.author_id is for claim
-- links, which start here).
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE authors_copy AS SELECT id, name, user_id, name_key, is_default FROM authors;
DROP TABLE authors;
CREATE TABLE authors (
	id         INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL,
	user_id    INTEGER REFERENCES users (id),
	name_key   TEXT,
	is_default INTEGER NOT NULL DEFAULT 0
);
INSERT INTO authors (id, name, user_id, name_key, is_default)
	SELECT id, name, user_id, name_key, is_default FROM authors_copy;
DROP TABLE temp.authors_copy;

CREATE UNIQUE INDEX authors_legacy_name ON authors (name) WHERE user_id IS NULL;
CREATE INDEX authors_name ON authors (name);
CREATE INDEX authors_name_key ON authors (name_key);
CREATE UNIQUE INDEX authors_pseud_key ON authors (name_key) WHERE user_id IS NOT NULL;
CREATE INDEX authors_user ON authors (user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX authors_default_pseud ON authors (user_id) WHERE is_default = 1;

CREATE TRIGGER authors_name_key_insert AFTER INSERT ON authors
BEGIN
	UPDATE authors SET name_key = fanarchive_name_key(NEW.name) WHERE id = NEW.id;
END;
CREATE TRIGGER authors_name_key_update AFTER UPDATE OF name ON authors
BEGIN
	UPDATE authors SET name_key = fanarchive_name_key(NEW.name) WHERE id = NEW.id;
END;

-- Every claim of a legacy author, however it was made and settled: a link
-- mailed to the address in a work's header (via 'mail'), a request for an
-- archivist to look (via 'archivist'), or an archivist's assignment
-- without a request (via 'assigned'). Records outlive their users, works
-- and authors, so the names are kept as they were.
CREATE TABLE claims (
	id            INTEGER PRIMARY KEY,
	user_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
	user_name     TEXT    NOT NULL,
	-- The legacy author claimed, and its name then.
	author_id     INTEGER REFERENCES authors (id) ON DELETE SET NULL,
	author_name   TEXT    NOT NULL,
	-- The work asked about (no foreign key: the record outlives it).
	work_id       INTEGER NOT NULL,
	work_title    TEXT    NOT NULL DEFAULT '',
	via           TEXT    NOT NULL CHECK (via IN ('mail', 'archivist', 'assigned')),
	-- Which of the author's works move: those whose header names the
	-- same address as the work asked about, that work alone, or all.
	scope         TEXT    NOT NULL CHECK (scope IN ('address', 'work', 'all')),
	-- SHA-256 (hex) of fanarchive.EmailKey of the address in the work's
	-- header, '' when it names none. The address itself stays in the
	-- works and sources it came from.
	address_key   TEXT    NOT NULL DEFAULT '',
	-- The mailed link's token (tokens.id) and when it expires.
	token_id      TEXT    UNIQUE,
	expires_at    TEXT,
	state         TEXT    NOT NULL CHECK (state IN ('pending', 'confirmed', 'assigned', 'rejected', 'expired')),
	-- What the claimant wrote for the archivists.
	note          TEXT    NOT NULL DEFAULT '',
	decided_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
	decision_note TEXT    NOT NULL DEFAULT '',
	-- The pseud the works moved to.
	pseud_id      INTEGER REFERENCES authors (id) ON DELETE SET NULL,
	created_at    TEXT    NOT NULL,
	decided_at    TEXT
);

CREATE INDEX claims_pending ON claims (via, created_at) WHERE state = 'pending';
CREATE INDEX claims_user ON claims (user_id);
CREATE INDEX claims_author ON claims (author_id);
CREATE INDEX claims_recent ON claims (created_at);

-- The works each confirmed or assigned claim moved: what the feedback
-- relay reads to deliver what it held for them.
CREATE TABLE claim_works (
	claim_id INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
	work_id  INTEGER NOT NULL,
	PRIMARY KEY (claim_id, work_id)
) WITHOUT ROWID;

CREATE INDEX claim_works_work ON claim_works (work_id);

-- Requests that a work be taken down, and what archivists did with them.
CREATE TABLE takedowns (
	id            INTEGER PRIMARY KEY,
	-- No foreign key: taking the work down deletes it, and the record stays.
	work_id       INTEGER NOT NULL,
	work_title    TEXT    NOT NULL DEFAULT '',
	user_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
	user_name     TEXT    NOT NULL,
	reason        TEXT    NOT NULL,
	state         TEXT    NOT NULL CHECK (state IN ('pending', 'taken-down', 'dismissed')),
	decided_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
	decision_note TEXT    NOT NULL DEFAULT '',
	created_at    TEXT    NOT NULL,
	decided_at    TEXT
);

CREATE INDEX takedowns_pending ON takedowns (created_at) WHERE state = 'pending';
CREATE INDEX takedowns_recent ON takedowns (created_at);
-- One pending request per user and work.
CREATE UNIQUE INDEX takedowns_one_pending ON takedowns (work_id, user_id) WHERE state = 'pending';
