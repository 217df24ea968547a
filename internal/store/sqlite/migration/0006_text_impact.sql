-- Impact lists (docs/search.md, "Relevance"): for each common word, the
-- works in which it scores highest, so that a search for the word finds
-- its best works without scoring every work it matches. Built from the
-- full-text index by `fanarchive reindex` (and by `serve` when missing),
-- kept current by every write of the full-text index, in its transaction.

-- The common words: those in at least a few thousand works when the lists
-- were built. theta bounds the word's term frequency part of BM25, g, in
-- every work that has the word and is not listed, at the average work
-- length search_state.impact_avgdl:
--   g = wf × (k1 + 1) / (wf + k1 × (1 − b + b × dl / avgdl)), k1 = 1.2, b = 0.75.
CREATE TABLE text_impact_words (
	id    INTEGER PRIMARY KEY,
	word  TEXT NOT NULL UNIQUE,
	theta REAL NOT NULL
);

-- The listed works of each word, those whose g is above theta, with what
-- their score is made of: wf, the word's count weighted by column (title
-- ×10, authors ×5, summary ×2, body ×1), and dl, the work's length in
-- tokens as FTS5 counts it.
CREATE TABLE text_impact (
	word_id INTEGER NOT NULL,
	work_id INTEGER NOT NULL,
	wf      INTEGER NOT NULL,
	dl      INTEGER NOT NULL,
	PRIMARY KEY (word_id, work_id)
) WITHOUT ROWID;
CREATE INDEX text_impact_work ON text_impact (work_id);

-- impact_avgdl is the average work length in tokens the lists were built
-- at (0 while there are none), impact_works the number of works in the
-- text index then; impact_version changes with every build (to a random
-- number), so that writers read the words again.
ALTER TABLE search_state ADD COLUMN impact_avgdl REAL NOT NULL DEFAULT 0;
ALTER TABLE search_state ADD COLUMN impact_works INTEGER NOT NULL DEFAULT 0;
ALTER TABLE search_state ADD COLUMN impact_version INTEGER NOT NULL DEFAULT 0;
