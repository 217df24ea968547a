-- What readers keep of their own (docs/readers.md): bookmarks, mutes,
-- blocks, reports of works, reading history and the later list.

-- One reader's bookmark of a work. note is as typed (note_format:
-- markdown or text); note_html is it rendered and sanitised, which pages
-- show. A reader has at most one bookmark of a work.
CREATE TABLE bookmarks (
	id          INTEGER PRIMARY KEY,
	user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	work_id     INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,
	private     INTEGER NOT NULL DEFAULT 0,
	rec         INTEGER NOT NULL DEFAULT 0,
	note        TEXT    NOT NULL DEFAULT '',
	note_format TEXT    NOT NULL DEFAULT 'text',
	note_html   TEXT    NOT NULL DEFAULT '',
	created_at  TEXT    NOT NULL,
	updated_at  TEXT    NOT NULL,
	UNIQUE (user_id, work_id)
);

CREATE INDEX bookmarks_work ON bookmarks (work_id, private);
CREATE INDEX bookmarks_user ON bookmarks (user_id, created_at DESC, id DESC);

-- A bookmark's own tags (the reader's free text). key is the tag lower
-- case, for filtering without regard to case.
CREATE TABLE bookmark_tags (
	bookmark_id INTEGER NOT NULL REFERENCES bookmarks (id) ON DELETE CASCADE,
	position    INTEGER NOT NULL,
	name        TEXT    NOT NULL,
	key         TEXT    NOT NULL,
	PRIMARY KEY (bookmark_id, key)
) WITHOUT ROWID;

CREATE INDEX bookmark_tags_key ON bookmark_tags (key, bookmark_id);

-- Muted tags (canonical tag IDs) and authors.
CREATE TABLE muted_tags (
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	tag_id     INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
	created_at TEXT    NOT NULL,
	PRIMARY KEY (user_id, tag_id)
) WITHOUT ROWID;

CREATE TABLE muted_authors (
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	author_id  INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
	created_at TEXT    NOT NULL,
	PRIMARY KEY (user_id, author_id)
) WITHOUT ROWID;

-- user_id blocked blocked_id: no comments, feedback or kudos from them on
-- user_id's works.
CREATE TABLE blocks (
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	blocked_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at TEXT    NOT NULL,
	PRIMARY KEY (user_id, blocked_id)
) WITHOUT ROWID;

CREATE INDEX blocks_blocked ON blocks (blocked_id, user_id);

-- Reports of works to the moderators.
CREATE TABLE work_reports (
	id          INTEGER PRIMARY KEY,
	work_id     INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,
	reporter_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
	reason      TEXT    NOT NULL,
	state       TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
	created_at  TEXT    NOT NULL,
	resolved_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	resolved_at TEXT,
	resolution  TEXT    NOT NULL DEFAULT ''
);

CREATE INDEX work_reports_state ON work_reports (state, id);

-- Reading history is opt-in: off by default.
ALTER TABLE users ADD COLUMN reading_history INTEGER NOT NULL DEFAULT 0;

CREATE TABLE reading_history (
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	work_id INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,
	chapter INTEGER NOT NULL DEFAULT 1,
	read_at TEXT    NOT NULL,
	PRIMARY KEY (user_id, work_id)
) WITHOUT ROWID;

CREATE INDEX reading_history_user ON reading_history (user_id, read_at DESC);

CREATE TABLE read_later (
	user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	work_id  INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,
	added_at TEXT    NOT NULL,
	PRIMARY KEY (user_id, work_id)
) WITHOUT ROWID;

CREATE INDEX read_later_user ON read_later (user_id, added_at DESC);
