-- Every serve process sharing the database hears of what another committed:
-- writes that another process should act on promptly send a notification
-- on the channel 'fanarchive', whose payload names what changed, and each
-- Store listens on a connection of its own (pg_listen.go, Store.OnChange).
-- A notification sent in a transaction is delivered when it commits, and
-- not at all if it rolls back; the same payload sent twice in one
-- transaction is delivered once, so statement-level triggers cost a bulk
-- import one notification per transaction.
--
--   'search'  the search change log grew: search engines catch up.
--   'mail'    the outbox has mail to send: senders look now instead of at
--             their next poll.
--
-- The lists need no channel of their own: a post's fan-out and a digest
-- are mail queued in the outbox, and digests are due by the clock.

CREATE FUNCTION fanarchive_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('fanarchive', TG_ARGV[0]);
	RETURN NULL;
END
$$;

CREATE TRIGGER search_changes_notify AFTER INSERT ON search_changes
	FOR EACH STATEMENT EXECUTE FUNCTION fanarchive_notify('search');

CREATE TRIGGER mail_outbox_notify AFTER INSERT ON mail_outbox
	FOR EACH STATEMENT EXECUTE FUNCTION fanarchive_notify('mail');

-- Mail a stopping sender gave back unattempted (ReleaseMail), or put off
-- for a retry, is unclaimed again: another process's sender may take it.
CREATE TRIGGER mail_outbox_released_notify AFTER UPDATE OF claimed_until ON mail_outbox
	FOR EACH ROW
	WHEN (OLD.claimed_until IS NOT NULL AND NEW.claimed_until IS NULL
		AND NEW.sent_at IS NULL AND NEW.failed_at IS NULL)
	EXECUTE FUNCTION fanarchive_notify('mail');
