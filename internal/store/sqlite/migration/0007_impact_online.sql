-- Impact lists are rebuilt a group of words at a time, beside other writers
-- (impact_online.go), so words built at different times can stand side by
-- side: each word keeps the average work length its list was built at,
-- avgdl, for the bound theta (0006). A word's row and list are replaced
-- together: a word with a row has a list that is current.
--
-- search_state.impact_avgdl and impact_works are now those of the last
-- build (serve rebuilds when they have changed much); impact_version
-- changes (to a random number) whenever words' rows do, so that writers
-- read the words again.
ALTER TABLE text_impact_words ADD COLUMN avgdl REAL NOT NULL DEFAULT 0;
UPDATE text_impact_words SET avgdl = (SELECT impact_avgdl FROM search_state LIMIT 1);
