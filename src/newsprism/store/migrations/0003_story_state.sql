-- newsprism schema version 3: the story clusterer's state (newsprism.stories.cluster snapshot:
-- document frequencies, postings, story centroids, per-article term vectors), so that an ingest
-- into a large store loads it instead of replaying every stored article. One row; `articles` is
-- the number of stored articles it covers (a mismatch means: replay).
CREATE TABLE story_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    articles    INTEGER NOT NULL,
    state       BLOB NOT NULL
);
