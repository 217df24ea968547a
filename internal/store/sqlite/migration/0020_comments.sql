-- Comments, subscriptions and the inbox (docs/comments.md).

-- How many published comments a work has, for blurbs ("Comments: N"); the
-- comment writes keep it.
ALTER TABLE works ADD COLUMN comments INTEGER NOT NULL DEFAULT 0;
-- Whether guests' comments on the account's works wait for its approval.
ALTER TABLE users ADD COLUMN moderate_guest_comments INTEGER NOT NULL DEFAULT 0;
-- How the account wants notifications by mail: each, daily or none.
ALTER TABLE users ADD COLUMN notify_mail TEXT NOT NULL DEFAULT 'each'
	CHECK (notify_mail IN ('each', 'daily', 'none'));
-- The last day (YYYY-MM-DD, UTC) a digest was queued for the account.
ALTER TABLE users ADD COLUMN digest_day TEXT NOT NULL DEFAULT '';

-- One comment. path is the thread's order: each ancestor's ID and its own,
-- ten digits each and a slash after each, so that ORDER BY path lists a
-- thread depth first, oldest first, and a page is read in one indexed scan
-- without recursion. root_id is the thread's first comment (its own ID for
-- one). A deleted comment with replies keeps its row, its text emptied.
CREATE TABLE comments (
	id          INTEGER PRIMARY KEY,
	work_id     INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,
	chapter_id  INTEGER REFERENCES chapters (id) ON DELETE SET NULL,
	parent_id   INTEGER REFERENCES comments (id) ON DELETE CASCADE,
	root_id     INTEGER NOT NULL,
	path        TEXT    NOT NULL,
	depth       INTEGER NOT NULL,
	-- The writer's account; NULL for a guest (or once the account goes).
	user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
	name        TEXT    NOT NULL,
	-- A guest's optional address: private.
	guest_email TEXT    NOT NULL DEFAULT '',
	format      TEXT    NOT NULL CHECK (format IN ('markdown', 'text')),
	input       TEXT    NOT NULL,
	body        TEXT    NOT NULL,
	preview     TEXT    NOT NULL DEFAULT '',
	state       TEXT    NOT NULL CHECK (state IN ('published', 'held', 'deleted')),
	created_at  TEXT    NOT NULL,
	edited_at   TEXT
);

CREATE INDEX comments_roots ON comments (work_id, id) WHERE parent_id IS NULL;
CREATE INDEX comments_thread ON comments (root_id, path);
CREATE INDEX comments_parent ON comments (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX comments_user ON comments (user_id) WHERE user_id IS NOT NULL;

-- A user's subscription to a work, an author, a series or a tag (the
-- canonical tag of what was subscribed to).
CREATE TABLE subscriptions (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind       TEXT    NOT NULL CHECK (kind IN ('work', 'author', 'series', 'tag')),
	target_id  INTEGER NOT NULL,
	created_at TEXT    NOT NULL,
	UNIQUE (user_id, kind, target_id)
);

CREATE INDEX subscriptions_target ON subscriptions (kind, target_id);

-- The inbox. event_key names what caused a notification ("work:12",
-- "chapter:40", "comment:7"): one per user and event, so a pass repeated
-- after a crash, or a work reaching a user through its author and a tag,
-- notifies once. mailed is 1 once the notification was mailed, digested,
-- or is not to be mailed; a daily digest takes those at 0.
CREATE TABLE notifications (
	id              INTEGER PRIMARY KEY,
	user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind            TEXT    NOT NULL,
	event_key       TEXT    NOT NULL,
	work_id         INTEGER REFERENCES works (id) ON DELETE CASCADE,
	work_title      TEXT    NOT NULL DEFAULT '',
	chapter_id      INTEGER,
	comment_id      INTEGER,
	subscription_id INTEGER,
	text            TEXT    NOT NULL DEFAULT '',
	read_at         TEXT,
	mailed          INTEGER NOT NULL DEFAULT 0,
	created_at      TEXT    NOT NULL,
	UNIQUE (user_id, event_key)
);

CREATE INDEX notifications_inbox ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_undigested ON notifications (user_id) WHERE mailed = 0;

-- What the fan-out pass has notified of each public work: its last
-- chapter, and the canonical tags and series (comma-separated IDs) it had.
-- The pass compares a changed work with its row to find what is new.
-- Works public when this migration ran are recorded as notified.
CREATE TABLE notified_works (
	work_id         INTEGER PRIMARY KEY REFERENCES works (id) ON DELETE CASCADE,
	last_chapter_id INTEGER NOT NULL DEFAULT 0,
	tag_ids         TEXT    NOT NULL DEFAULT '',
	series_ids      TEXT    NOT NULL DEFAULT ''
);

-- How far the fan-out pass has read the change log (search_changes.seq).
CREATE TABLE notify_state (
	id  INTEGER PRIMARY KEY CHECK (id = 1),
	seq INTEGER NOT NULL
);

INSERT INTO notify_state (id, seq) SELECT 1, coalesce((SELECT max(seq) FROM search_changes), 0);

INSERT INTO notified_works (work_id, last_chapter_id, tag_ids, series_ids)
	SELECT w.id,
		coalesce((SELECT max(c.id) FROM chapters c WHERE c.work_id = w.id), 0),
		coalesce((SELECT group_concat(DISTINCT coalesce(t.canonical_id, t.id)) FROM work_tags wt
			JOIN tags t ON t.id = wt.tag_id WHERE wt.work_id = w.id), ''),
		coalesce((SELECT group_concat(sw.series_id) FROM series_works sw WHERE sw.work_id = w.id), '')
	FROM works w WHERE w.draft = 0 AND w.deleted_at IS NULL;
