-- Long chapters in pages (issue 14). A chapter whose body is longer than
-- fanarchive.ChapterPageBytes (262144 bytes; a test keeps the two in step)
-- is cut at block boundaries into pages of at most that size
-- (prose.SplitPages) when it is stored: its pages are rows of chapter_pages
-- and its chapters.body is empty. Reading a page then reads that page's
-- bytes alone, and reading a chapter's other columns (words, source_id,
-- pages come after body in the row) no longer walks the overflow pages of a
-- body of many megabytes. chapters.pages says how many pages a chapter has;
-- a chapter of one page keeps its body in chapters.body, as before.
--
-- pages = 0 marks a long chapter stored before this migration: the store
-- cuts those into pages when it opens the database (splitLongChapters in
-- chapter_pages.go), one transaction each, and reads them whole until then.
-- octet_length reads a body's size from the row header, not the body.
ALTER TABLE chapters ADD COLUMN pages INTEGER NOT NULL DEFAULT 1;

CREATE TABLE chapter_pages (
	chapter_id INTEGER NOT NULL REFERENCES chapters (id) ON DELETE CASCADE,
	number     INTEGER NOT NULL,
	body       TEXT    NOT NULL,
	PRIMARY KEY (chapter_id, number)
);

CREATE INDEX chapters_unsplit ON chapters (id) WHERE pages = 0;

UPDATE chapters SET pages = 0 WHERE octet_length(body) > 262144;
