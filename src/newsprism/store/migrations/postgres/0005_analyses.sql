-- newsprism schema version 5 (PostgreSQL): stored analyses, their tidy tables, full-text search.
-- Same tables and columns as ../0005_analyses.sql; search uses tsvector columns (english
-- configuration) with GIN indexes instead of FTS5 tables.
-- An analysis is kept whole as JSON (newsprism.store.tables.analysis_record) with the model and
-- versions that made it; the tables beside it are newsprism.store.tables.TABLES (same columns,
-- same meaning), written from the same record in the same transaction. Offsets index into the
-- article's body.
CREATE TABLE analyses (
    article_id  TEXT PRIMARY KEY REFERENCES articles (id),
    nlp_model   TEXT NOT NULL,
    made_by     TEXT NOT NULL,
    analysed_at TEXT NOT NULL,
    record      TEXT NOT NULL
);
CREATE INDEX analyses_version ON analyses (nlp_model, made_by);

CREATE TABLE entities (
    article_id  TEXT NOT NULL REFERENCES articles (id),
    entity_id   TEXT NOT NULL,
    name        TEXT NOT NULL,
    label       TEXT NOT NULL,
    mentions    INTEGER NOT NULL,
    global_id   TEXT,
    PRIMARY KEY (article_id, entity_id)
);
CREATE INDEX entities_name ON entities (name);

CREATE TABLE mentions (
    article_id  TEXT NOT NULL REFERENCES articles (id),
    entity_id   TEXT NOT NULL,
    mention_no  INTEGER NOT NULL,
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    found_by    TEXT NOT NULL,
    PRIMARY KEY (article_id, entity_id, mention_no)
);

CREATE TABLE descriptors (
    article_id    TEXT NOT NULL REFERENCES articles (id),
    entity_id     TEXT NOT NULL,
    descriptor_no INTEGER NOT NULL,
    start_char    INTEGER NOT NULL,
    end_char      INTEGER NOT NULL,
    text          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    found_by      TEXT NOT NULL,
    PRIMARY KEY (article_id, entity_id, descriptor_no)
);

CREATE TABLE attributions (
    article_id     TEXT NOT NULL REFERENCES articles (id),
    attribution_no INTEGER NOT NULL,
    speaker        TEXT NOT NULL,
    entity_id      TEXT,
    source_start   INTEGER,
    source_end     INTEGER,
    source_text    TEXT,
    cue_start      INTEGER NOT NULL,
    cue_end        INTEGER NOT NULL,
    cue_text       TEXT NOT NULL,
    cue_lemma      TEXT NOT NULL,
    cue_class      TEXT NOT NULL,
    cue_subclass   TEXT,
    cue_tense      TEXT,
    cue_voice      TEXT,
    content_start  INTEGER NOT NULL,
    content_end    INTEGER NOT NULL,
    content_text   TEXT NOT NULL,
    kind           TEXT NOT NULL,
    found_by       TEXT NOT NULL,
    PRIMARY KEY (article_id, attribution_no)
);
CREATE INDEX attributions_speaker ON attributions (speaker);

CREATE TABLE times (
    article_id  TEXT NOT NULL REFERENCES articles (id),
    time_no     INTEGER NOT NULL,
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    value       TEXT,
    granularity TEXT NOT NULL,
    anchor      TEXT,
    relative    BOOLEAN NOT NULL,
    event_start INTEGER,
    event_end   INTEGER,
    event_text  TEXT,
    PRIMARY KEY (article_id, time_no)
);
CREATE INDEX times_value ON times (value);

-- Headline weighs over body (A over B), the quote's content over its speaker, an entity's name
-- over its mentions. Articles stored before this version are indexed as the column is added.
ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(headline, '')), 'A')
    -- NUL cannot be text: the record's escaped \u0000 is read as U+FFFD, as _text stores it.
    || setweight(to_tsvector('english',
        coalesce(replace(record, '\u0000', '\ufffd')::jsonb ->> 'body', '')), 'B')
) STORED;
-- fastupdate off: each insert goes straight into the index. With the default pending list, the
-- planner prices the index above a sequential scan until autovacuum merges the list (3,000
-- articles just ingested: search p50 11.8 ms -> 1.4 ms; ingest no slower; bench/store_backends.py).
CREATE INDEX articles_search ON articles USING gin (search) WITH (fastupdate = off);

ALTER TABLE attributions ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', content_text), 'A')
    || setweight(to_tsvector('english', speaker), 'B')
) STORED;
CREATE INDEX attributions_search ON attributions USING gin (search) WITH (fastupdate = off);

CREATE TABLE entity_search (
    article_id  TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    search      tsvector NOT NULL,
    PRIMARY KEY (article_id, entity_id),
    FOREIGN KEY (article_id, entity_id) REFERENCES entities (article_id, entity_id)
        ON DELETE CASCADE
);
CREATE INDEX entity_search_search ON entity_search USING gin (search)
    WITH (fastupdate = off);
