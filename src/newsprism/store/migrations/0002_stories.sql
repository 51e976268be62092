-- newsprism schema version 2: stories (stage 4), their merge/split history, global entities.
-- Records are kept whole as JSON (newsprism.model.to_dict); the columns beside them are indexes.
CREATE TABLE stories (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    size        INTEGER NOT NULL,
    founded     INTEGER NOT NULL,
    record      TEXT NOT NULL
);
CREATE INDEX stories_founded ON stories (founded);

CREATE TABLE story_articles (
    article_id  TEXT PRIMARY KEY REFERENCES articles (id),
    story_id    TEXT NOT NULL,
    arrival     INTEGER NOT NULL
);
CREATE INDEX story_articles_story ON story_articles (story_id);
CREATE INDEX story_articles_arrival ON story_articles (arrival);

CREATE TABLE story_changes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    story_id    TEXT NOT NULL,
    record      TEXT NOT NULL
);
CREATE INDEX story_changes_story ON story_changes (story_id);

CREATE TABLE global_entities (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    label       TEXT NOT NULL,
    articles    INTEGER NOT NULL,
    record      TEXT NOT NULL
);
CREATE INDEX global_entities_label ON global_entities (label);

CREATE TABLE entity_articles (
    article_id  TEXT PRIMARY KEY REFERENCES articles (id)
);
