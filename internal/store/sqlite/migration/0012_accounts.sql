-- Accounts, pseuds, roles, sessions, mailed tokens and rate limits
-- (docs/accounts.md).

CREATE TABLE users (
	id              INTEGER PRIMARY KEY,
	name            TEXT    NOT NULL,
	-- fanarchive.UserNameKey(name): NFKC, case folded, separators folded.
	name_key        TEXT    NOT NULL UNIQUE,
	email           TEXT    NOT NULL,
	-- fanarchive.EmailKey(email): lower-cased.
	email_key       TEXT    NOT NULL UNIQUE,
	email_confirmed INTEGER NOT NULL DEFAULT 0,
	-- An address the user asked to change to, until its link is followed.
	pending_email   TEXT    NOT NULL DEFAULT '',
	-- argon2id in the PHC string format (internal/auth).
	password_hash   TEXT    NOT NULL,
	disabled        INTEGER NOT NULL DEFAULT 0,
	created_at      TEXT    NOT NULL
);

-- Unconfirmed accounts are purged a week after sign-up.
CREATE INDEX users_unconfirmed ON users (created_at) WHERE email_confirmed = 0;

CREATE TABLE user_roles (
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	role       TEXT    NOT NULL CHECK (role IN ('admin', 'archivist', 'moderator', 'wrangler')),
	granted_at TEXT    NOT NULL,
	PRIMARY KEY (user_id, role)
) WITHOUT ROWID;

-- Pseuds are authors with a user. A legacy author (user_id NULL) is a name
-- from an imported byline until it is claimed. name_key is
-- fanarchive_name_key(name), the Go function fanarchive.UserNameKey that the
-- store registers with the driver; the triggers keep it for rows written by
-- any statement (the importer's included). Legacy names may share a key
-- ("Michelle" and "michelle" are two bylines); pseuds may not share one.
ALTER TABLE authors ADD COLUMN user_id INTEGER REFERENCES users (id);
ALTER TABLE authors ADD COLUMN name_key TEXT;
ALTER TABLE authors ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0;
UPDATE authors SET name_key = fanarchive_name_key(name);
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

-- A session's id is the SHA-256 of the token in the browser's cookie.
CREATE TABLE sessions (
	id           TEXT    PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	remember     INTEGER NOT NULL DEFAULT 0,
	-- It ends at idle_until (seen_at + idle_seconds), and at expires_at in
	-- any case.
	idle_seconds INTEGER NOT NULL,
	idle_until   TEXT    NOT NULL,
	expires_at   TEXT    NOT NULL,
	created_at   TEXT    NOT NULL,
	seen_at      TEXT    NOT NULL
) WITHOUT ROWID;

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_idle ON sessions (idle_until);

-- Mailed single-use tokens; id is the SHA-256 of the secret in the link.
CREATE TABLE tokens (
	id         TEXT    PRIMARY KEY,
	purpose    TEXT    NOT NULL,
	user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
	email      TEXT    NOT NULL DEFAULT '',
	author_id  INTEGER REFERENCES authors (id) ON DELETE CASCADE,
	work_id    INTEGER REFERENCES works (id) ON DELETE CASCADE,
	created_at TEXT    NOT NULL,
	expires_at TEXT    NOT NULL,
	used_at    TEXT
) WITHOUT ROWID;

CREATE INDEX tokens_user ON tokens (user_id, purpose);
CREATE INDEX tokens_expires ON tokens (expires_at);

-- Fixed-window request counters, keyed by purpose and IP or account.
CREATE TABLE rate_limits (
	key          TEXT    PRIMARY KEY,
	window_start TEXT    NOT NULL,
	window_end   TEXT    NOT NULL,
	count        INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX rate_limits_end ON rate_limits (window_end);

-- Server secrets shared by every process on the database (the CSRF key).
CREATE TABLE settings (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
) WITHOUT ROWID;
