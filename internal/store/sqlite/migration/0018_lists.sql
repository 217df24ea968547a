-- Mailing lists (docs/lists.md): lists and their moderators, members, the
-- messages sent to them (archive, moderation queue, refused) with their
-- bytes as received, the archive's full-text index, and each list's digest
-- mark.

CREATE TABLE lists (
	id            INTEGER PRIMARY KEY,
	-- The local part of the list's address, and its URL.
	name          TEXT    NOT NULL UNIQUE,
	-- Lower-cased (fanarchive.List.Validate).
	address       TEXT    NOT NULL UNIQUE,
	title         TEXT    NOT NULL,
	description   TEXT    NOT NULL DEFAULT '',
	rules         TEXT    NOT NULL DEFAULT '',
	-- A JSON array of fandom names.
	fandoms       TEXT    NOT NULL DEFAULT '[]',
	policy        TEXT    NOT NULL CHECK (policy IN ('members', 'moderated', 'open')),
	max_size      INTEGER NOT NULL,
	archive_works INTEGER NOT NULL DEFAULT 1,
	announce      TEXT    NOT NULL CHECK (announce IN ('none', 'summary', 'full')),
	digest_hour   INTEGER NOT NULL DEFAULT 0 CHECK (digest_hour BETWEEN 0 AND 23),
	subject_tag   TEXT    NOT NULL DEFAULT '',
	-- The digest mark: the last list_messages.post_seq a digest took, and
	-- the digest hour it was queued for (NULL: none yet; the list's
	-- created_at stands for it). Both move in the transaction that queues
	-- the digest's mails, so no digest is queued twice.
	digest_seq    INTEGER NOT NULL DEFAULT 0,
	digest_at     TEXT,
	created_at    TEXT    NOT NULL,
	updated_at    TEXT    NOT NULL
);

CREATE TABLE list_moderators (
	list_id INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	PRIMARY KEY (list_id, user_id)
) WITHOUT ROWID;

CREATE INDEX list_moderators_user ON list_moderators (user_id);

-- One address's membership of a list, in any state (a banned address need
-- not have been a member). address is private.
CREATE TABLE list_members (
	id              INTEGER PRIMARY KEY,
	list_id         INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
	address         TEXT    NOT NULL,
	-- fanarchive.EmailKey(address).
	email_key       TEXT    NOT NULL,
	user_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
	name            TEXT    NOT NULL DEFAULT '',
	mode            TEXT    NOT NULL CHECK (mode IN ('each', 'digest', 'none')),
	state           TEXT    NOT NULL CHECK (state IN ('pending', 'active', 'disabled', 'unsubscribed', 'banned')),
	-- The hash of the secret a pending member's confirmation carries, and
	-- when it expires; NULL once used or for no confirmation.
	confirm_hash    TEXT    UNIQUE,
	confirm_expires TEXT,
	-- Days with a bounce since the member was last made active, and the
	-- last of them (one bounce a day counts).
	bounces         INTEGER NOT NULL DEFAULT 0,
	last_bounce_at  TEXT,
	created_at      TEXT    NOT NULL,
	confirmed_at    TEXT,
	updated_at      TEXT    NOT NULL,
	UNIQUE (list_id, email_key)
);

-- The fan-out and digest scans: a list's active members of a mode, by ID.
CREATE INDEX list_members_delivery ON list_members (list_id, state, mode, id);
CREATE INDEX list_members_user ON list_members (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX list_members_email ON list_members (email_key);

-- Every message sent to a list. key is unique per list (the inbound
-- spool's name, or "site:…"), so a retried delivery stores one message.
CREATE TABLE list_messages (
	id           INTEGER PRIMARY KEY,
	list_id      INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
	key          TEXT    NOT NULL,
	message_id   TEXT    NOT NULL DEFAULT '',
	in_reply_to  TEXT    NOT NULL DEFAULT '',
	-- The References field's IDs, space-separated, oldest first.
	refs         TEXT    NOT NULL DEFAULT '',
	-- The ID of the thread's first message (its own when it starts one).
	thread_id    INTEGER NOT NULL DEFAULT 0,
	subject      TEXT    NOT NULL DEFAULT '',
	-- fanarchive.ThreadSubject(subject): what threads by subject compare.
	subject_key  TEXT    NOT NULL DEFAULT '',
	from_name    TEXT    NOT NULL DEFAULT '',
	-- Private.
	from_address TEXT    NOT NULL DEFAULT '',
	user_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
	date         TEXT    NOT NULL,
	text         TEXT    NOT NULL DEFAULT '',
	html         TEXT    NOT NULL DEFAULT '',
	state        TEXT    NOT NULL CHECK (state IN ('held', 'posted', 'rejected')),
	hold_reason  TEXT    NOT NULL DEFAULT '',
	work_id      INTEGER REFERENCES works (id) ON DELETE SET NULL,
	chapter      INTEGER NOT NULL DEFAULT 0,
	-- The order messages were posted in (held ones posted later come
	-- after): what the digest mark counts. NULL until posted.
	post_seq     INTEGER,
	received_at  TEXT    NOT NULL,
	moderated_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	moderated_at TEXT,
	UNIQUE (list_id, key)
);

-- The archive by date (and month), a thread, the moderation queue.
CREATE INDEX list_messages_date ON list_messages (list_id, state, date, id);
CREATE INDEX list_messages_thread ON list_messages (thread_id, date, id);
-- Threading: by Message-ID, and by subject among recent posts.
CREATE INDEX list_messages_message_id ON list_messages (list_id, message_id);
CREATE INDEX list_messages_subject ON list_messages (list_id, subject_key, date) WHERE state = 'posted';
CREATE UNIQUE INDEX list_messages_post_seq ON list_messages (list_id, post_seq) WHERE post_seq IS NOT NULL;
CREATE INDEX list_messages_work ON list_messages (work_id, chapter) WHERE work_id IS NOT NULL;

-- The bytes of each message exactly as received, apart from the rows
-- above so that archive pages and scans never read them.
CREATE TABLE list_message_raw (
	message_id INTEGER PRIMARY KEY REFERENCES list_messages (id) ON DELETE CASCADE,
	raw        BLOB    NOT NULL
);

-- The full-text index of posted messages' subjects and texts. Contentless
-- (the text is in list_messages), rowid = list_messages.id; a message is
-- added in the transaction that posts it.
CREATE VIRTUAL TABLE list_message_text USING fts5(
	subject, text,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2'
);
