-- newsprism schema version 2 (PostgreSQL): stories, their merge/split history, global entities.
-- Same tables and columns as ../0002_stories.sql.
CREATE TABLE stories (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    size        INTEGER NOT NULL,
    founded     BIGINT NOT NULL,
    record      TEXT NOT NULL
);
CREATE INDEX stories_founded ON stories (founded);

CREATE TABLE story_articles (
    article_id  TEXT PRIMARY KEY REFERENCES articles (id),
    story_id    TEXT NOT NULL,
    arrival     BIGINT NOT NULL
);
CREATE INDEX story_articles_story ON story_articles (story_id);
CREATE INDEX story_articles_arrival ON story_articles (arrival);

CREATE TABLE story_changes (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        TEXT NOT NULL,
    story_id    TEXT NOT NULL,
    record      TEXT NOT NULL
);
CREATE INDEX story_changes_story ON story_changes (story_id);

CREATE TABLE global_entities (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
