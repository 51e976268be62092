-- newsprism schema version 7: each story's comparison (newsprism.model.StoryComparison as JSON),
-- kept so that a page or `compare --db` reads it instead of comparing again. `fingerprint` is a
-- digest of everything the comparison was computed from (newsprism.pipeline.comparison_key:
-- the member articles in order, each one's analysis version and publishing outlets, the compare
-- settings, the rule files and the compare code); a reader that computes another fingerprint
-- for the story's present state compares again and replaces the row. Never served stale.
CREATE TABLE IF NOT EXISTS comparisons (
    story_id    TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    computed_at TEXT NOT NULL,
    record      TEXT NOT NULL
);

-- Each analysis counts its saves: `revision` goes up whenever the analysis is replaced, so that
-- a fingerprint that includes it changes with every new analysis, even one within a second.
ALTER TABLE analyses ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
