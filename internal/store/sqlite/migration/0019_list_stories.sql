-- The records room (internal/records, docs/lists.md): which work each story
-- posted to a mailing list became, and which of its parts it holds, so that
-- a part posted days later joins the same work in part order
-- (fanarchive.ListStoryService).
--
-- list_id is a list of migration 0018 (lists), with no foreign key here so
-- that the two can be applied apart; a list is never deleted while its
-- stories are kept. story_key is the records room's key: the story's
-- normalised title and the poster (an account, or a hash of the address —
-- never the address itself).
CREATE TABLE list_stories (
	list_id    INTEGER NOT NULL,
	story_key  TEXT    NOT NULL,
	-- NULL once the work is deleted: the story then takes no more parts.
	work_id    INTEGER REFERENCES works (id) ON DELETE SET NULL,
	parts_of   INTEGER NOT NULL DEFAULT 0, -- the most parts a post said the story has
	created_at TEXT    NOT NULL,
	PRIMARY KEY (list_id, story_key)
) WITHOUT ROWID;

CREATE INDEX list_stories_work ON list_stories (work_id) WHERE work_id IS NOT NULL;

-- One row per part held; reposts of a part are further work_sources only.
CREATE TABLE list_story_parts (
	list_id    INTEGER NOT NULL,
	story_key  TEXT    NOT NULL,
	part_order REAL    NOT NULL, -- ingest.PartMarker.Order
	first_n    INTEGER NOT NULL DEFAULT 0,
	last_n     INTEGER NOT NULL DEFAULT 0,
	final      INTEGER NOT NULL DEFAULT 0,
	label      TEXT    NOT NULL DEFAULT '',
	chapter_id INTEGER REFERENCES chapters (id) ON DELETE SET NULL,
	source_id  INTEGER NOT NULL REFERENCES sources (id),
	filed_at   TEXT    NOT NULL,
	PRIMARY KEY (list_id, story_key, part_order),
	FOREIGN KEY (list_id, story_key) REFERENCES list_stories (list_id, story_key) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE INDEX list_story_parts_chapter ON list_story_parts (chapter_id) WHERE chapter_id IS NOT NULL;
