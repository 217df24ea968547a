-- Listing a work's chapters (a blurb's chapter count, a work page's index)
-- must not read their bodies. A row's columns after body (words, source_id)
-- can only be reached by walking the body's overflow pages, so listing the
-- chapters of a long work read all of it; this index holds every column but
-- the body, and SQLite answers those queries from it alone.
CREATE INDEX chapters_list ON chapters (work_id, number, id, title, words, source_id, pages);
