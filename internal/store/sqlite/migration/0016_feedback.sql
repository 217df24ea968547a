-- Feedback relayed to authors, and kudos (docs/feedback.md). Built so that
-- comments, subscriptions and blocking can follow: feedback and kudos name
-- their work and their sender's account (NULL for a guest) the way those
-- will.

-- Whether an account takes feedback relayed by mail (the account page's
-- setting). On by default.
ALTER TABLE users ADD COLUMN feedback_relay INTEGER NOT NULL DEFAULT 1;

-- Every address the relay has written to or been asked about, by key:
-- SHA-256 (hex) of fanarchive.EmailKey of the address, never the address
-- itself. A relayed mail's "stop" link names a row by its ID (signed);
-- stopped_at says the owner asked for no more, bounced_at that the outbox
-- gave up on a relayed mail to it. Either stops the relay writing to it.
CREATE TABLE feedback_addresses (
	id          INTEGER PRIMARY KEY,
	address_key TEXT    NOT NULL UNIQUE,
	stopped_at  TEXT,
	bounced_at  TEXT,
	created_at  TEXT    NOT NULL
);

-- One message a reader sent to the authors of a work. state:
--   sent      mailed (queued in the outbox in the same transaction);
--   held      nobody to mail yet (no address, or the header's bounced):
--             kept for whoever claims the work;
--   released  a claim settled: to mail to released_to, on the next pass;
--   declined  the authors do not take relayed feedback.
CREATE TABLE feedback (
	id             INTEGER PRIMARY KEY,
	work_id        INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,
	work_title     TEXT    NOT NULL DEFAULT '',
	-- The sender's account; NULL for a guest (or once the account goes).
	sender_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
	sender_name    TEXT    NOT NULL,
	-- A guest's reply address, private: replies relayed to them go here.
	-- '' for an account (its current address is used).
	sender_email   TEXT    NOT NULL DEFAULT '',
	subject        TEXT    NOT NULL DEFAULT '',
	body           TEXT    NOT NULL,
	state          TEXT    NOT NULL CHECK (state IN ('sent', 'held', 'released', 'declined')),
	released_to    INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at     TEXT    NOT NULL,
	delivered_at   TEXT
);

CREATE INDEX feedback_work ON feedback (work_id, state);
CREATE INDEX feedback_released ON feedback (id) WHERE state = 'released';
CREATE INDEX feedback_sender ON feedback (sender_id) WHERE sender_id IS NOT NULL;

-- Who each feedback was mailed to: an account (user_id), or the legacy
-- header address (user_id 0). Replies through the relay go back to these.
CREATE TABLE feedback_recipients (
	feedback_id INTEGER NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
	user_id     INTEGER NOT NULL,
	PRIMARY KEY (feedback_id, user_id)
) WITHOUT ROWID;

-- Kudos: one per account and work, or per guest and work within a window.
-- guest_key is an HMAC of the guest's address and the work, kept for the
-- window (KudosGuestWindow) and then cleared; a cleared guest kudos still
-- counts, and so does one whose account was deleted.
CREATE TABLE kudos (
	id         INTEGER PRIMARY KEY,
	work_id    INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,
	user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
	guest_key  TEXT,
	created_at TEXT    NOT NULL,
	CHECK (user_id IS NULL OR guest_key IS NULL)
);

CREATE UNIQUE INDEX kudos_user ON kudos (work_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX kudos_guest ON kudos (guest_key) WHERE guest_key IS NOT NULL;
CREATE INDEX kudos_work ON kudos (work_id, created_at);
