-- The outbox of outbound mail (docs/mail.md): mail is queued here, in the
-- same transaction as whatever causes it, and senders deliver it later, so
-- neither a crash nor a relay that is down loses any.

-- Each message's bytes, once, however many recipients share it (a list post
-- to 100,000 members is one row here and 100,000 small rows below).
CREATE TABLE mail_bodies (
	id         INTEGER PRIMARY KEY,
	raw        BLOB NOT NULL,
	created_at TEXT NOT NULL
);

-- One row per envelope recipient.
CREATE TABLE mail_outbox (
	id              INTEGER PRIMARY KEY,
	kind            TEXT    NOT NULL,
	-- The logical message, so none is queued twice; NULL for none.
	idempotency_key TEXT    UNIQUE,
	-- The SMTP envelope: return path (per recipient, for VERP) and recipient.
	mail_from       TEXT    NOT NULL,
	rcpt_to         TEXT    NOT NULL,
	-- Header fields for this recipient only, written before the body's.
	header          BLOB    NOT NULL DEFAULT x'',
	body_id         INTEGER NOT NULL REFERENCES mail_bodies (id),
	-- Attempts begun; a claim counts one.
	attempts        INTEGER NOT NULL DEFAULT 0,
	-- When the mail is next due. A claim moves it to the end of its lease,
	-- so mail whose sender died is due again when the lease runs out, and
	-- "due" is one range of one index.
	next_attempt_at TEXT    NOT NULL,
	claimed_until   TEXT,
	sent_at         TEXT,
	failed_at       TEXT,
	last_error      TEXT    NOT NULL DEFAULT '',
	created_at      TEXT    NOT NULL,
	CHECK (sent_at IS NULL OR failed_at IS NULL)
);

-- Claims read due mail straight off this index, oldest due first; it holds
-- only mail still to deliver, so it stays small however much was sent.
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at, id) WHERE sent_at IS NULL AND failed_at IS NULL;
-- Counting and purging sent and given-up mail.
CREATE INDEX mail_outbox_sent ON mail_outbox (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX mail_outbox_failed ON mail_outbox (failed_at) WHERE failed_at IS NOT NULL;
-- Finding the bodies no mail uses any more (and the foreign key's check).
CREATE INDEX mail_outbox_body ON mail_outbox (body_id);
