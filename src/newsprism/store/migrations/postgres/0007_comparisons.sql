-- newsprism schema version 7 (PostgreSQL): each story's stored comparison; see
-- ../0007_comparisons.sql.
CREATE TABLE IF NOT EXISTS comparisons (
    story_id    TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    record      TEXT NOT NULL
);

-- Each analysis counts its saves: `revision` goes up whenever the analysis is replaced, so that
-- a fingerprint that includes it changes with every new analysis, even one within a second.
ALTER TABLE analyses ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
