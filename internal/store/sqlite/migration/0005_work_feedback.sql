-- Where each work's author wants feedback sent. It used to live only on the
-- source file, but one file can hold works by several authors (a digest, a
-- file of posts), so the work keeps its own. Private: never rendered.
ALTER TABLE works ADD COLUMN feedback_contact TEXT NOT NULL DEFAULT '';

UPDATE works SET feedback_contact = coalesce((
	SELECT s.feedback_contact FROM work_sources ws JOIN sources s ON s.id = ws.source_id
	WHERE ws.work_id = works.id AND s.feedback_contact <> '' ORDER BY ws.position LIMIT 1
), '');
