-- The review queue (issue 3): which works an archivist should look at,
-- the record of the edits made from it, and where merged works went.

-- review_confidence is the lowest confidence of a work's evidence (1 when
-- it has none) and needs_review is fanarchive.Work.NeedsReview: a field
-- below the review threshold, 0.75 (fanarchive.ReviewThreshold; a test
-- keeps the two in step), or any problem. review_fields lists the fields
-- below the threshold (" title fandoms ", spaces around each) and
-- review_problems the problems, one a line, so that the queue's filters
-- read the index alone. The store's inserts write all four (computed in Go
-- from the same rules); an insert that leaves review_confidence at its
-- default, -1, has them computed by works_review_insert, and every update of
-- evidence or problems by works_review_update, whoever writes. The
-- expressions are written once, in works_review_update, which the insert
-- trigger and the backfill below set off.
ALTER TABLE works ADD COLUMN review_confidence REAL NOT NULL DEFAULT -1;
ALTER TABLE works ADD COLUMN needs_review INTEGER NOT NULL DEFAULT 0;
ALTER TABLE works ADD COLUMN review_fields TEXT NOT NULL DEFAULT '';
ALTER TABLE works ADD COLUMN review_problems TEXT NOT NULL DEFAULT '';

CREATE TRIGGER works_review_update AFTER UPDATE OF evidence, problems ON works
BEGIN
	UPDATE works SET
		review_confidence = (SELECT coalesce(min(json_extract(e.value, '$.confidence')), 1) FROM json_each(NEW.evidence) e),
		review_fields = coalesce((SELECT ' ' || group_concat(e.key, ' ') || ' ' FROM json_each(NEW.evidence) e
			WHERE json_extract(e.value, '$.confidence') < 0.75), ''),
		review_problems = coalesce((SELECT group_concat(p.value, char(10)) FROM json_each(NEW.problems) p), ''),
		needs_review = json_array_length(NEW.problems) > 0 OR EXISTS (SELECT 1 FROM json_each(NEW.evidence) e
			WHERE json_extract(e.value, '$.confidence') < 0.75)
	WHERE id = NEW.id;
END;

CREATE TRIGGER works_review_insert AFTER INSERT ON works
WHEN NEW.review_confidence < 0
BEGIN
	UPDATE works SET evidence = evidence WHERE id = NEW.id;
END;

UPDATE works SET evidence = evidence;

-- The queue, least certain first, read in order off this index and
-- filtered and counted from it without touching the table. Only works that
-- need review are in it, so it stays small as the archive is reviewed.
CREATE INDEX works_review ON works (review_confidence, id, kind, review_fields, review_problems) WHERE needs_review = 1;

-- The origin of a work merged into another is kept with deleted_origins,
-- with merged_into naming the work that holds its chapters now: importing
-- the same files again finds that work (ECONFLICT with its ID) instead of
-- making the merged work again. If that work is deleted in turn,
-- merged_into becomes NULL and the origin is an ordinary deleted one.
ALTER TABLE deleted_origins ADD COLUMN merged_into INTEGER REFERENCES works (id) ON DELETE SET NULL;
CREATE INDEX deleted_origins_merged_into ON deleted_origins (merged_into) WHERE merged_into IS NOT NULL;

-- Every edit an archivist made (fanarchive.WorkEdit). When a work is merged
-- into another its edits move with its chapters; they go when the work is
-- deleted, so a work ID that SQLite hands out again starts with no history.
CREATE TABLE work_edits (
	id        INTEGER PRIMARY KEY,
	work_id   INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,
	op        TEXT    NOT NULL CHECK (op IN ('set', 'mark', 'confirm', 'merge', 'split')),
	field     TEXT    NOT NULL DEFAULT '',
	old_value TEXT    NOT NULL DEFAULT '',
	new_value TEXT    NOT NULL DEFAULT '',
	edited_by TEXT    NOT NULL,
	edited_at TEXT    NOT NULL
);

CREATE INDEX work_edits_work ON work_edits (work_id, id);
