-- Where a work's Published date came from (fanarchive.DateSource): '' for a
-- date the archive knows, 'header', 'text', 'year', 'file', or 'unknown'.
ALTER TABLE works ADD COLUMN published_source TEXT NOT NULL DEFAULT '';

-- Imported works that no post or text dated were given the day of their
-- import as Published (and Updated), and so topped "Newest works": the
-- store set both to the moment it created them. They are now undated.
UPDATE works SET published_source = 'unknown', published = '0001-01-01T00:00:00.000000000Z', updated = '0001-01-01T00:00:00.000000000Z'
WHERE posted_by IS NULL AND published = created_at AND updated = created_at;

-- Listings' opening words are made again without the header lines, rules
-- and notices old files put before a story (prose.Opening).
INSERT INTO pending_data_migrations (name) VALUES ('openings');
