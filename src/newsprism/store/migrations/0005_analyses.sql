-- newsprism schema version 5: stored analyses, their tidy tables, and full-text search.
-- An analysis is kept whole as JSON (newsprism.store.tables.analysis_record) with the model and
-- versions that made it; the tables beside it are newsprism.store.tables.TABLES (same columns,
-- same meaning), written from the same record in the same transaction. Offsets index into the
-- article's body. The *_fts tables are FTS5 indexes (porter stemmer): articles_fts by
-- articles.seq, quotes_fts by attributions.rowid, entities_fts by entities.rowid.
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
    relative    INTEGER NOT NULL,
    event_start INTEGER,
    event_end   INTEGER,
    event_text  TEXT,
    PRIMARY KEY (article_id, time_no)
);
CREATE INDEX times_value ON times (value);

CREATE VIRTUAL TABLE articles_fts USING fts5 (headline, body, tokenize = 'porter unicode61');
CREATE VIRTUAL TABLE quotes_fts USING fts5 (content, speaker, tokenize = 'porter unicode61');
CREATE VIRTUAL TABLE entities_fts USING fts5 (name, mentions, tokenize = 'porter unicode61');

-- Articles stored before this version are indexed now; they have no analysis yet
-- ('newsprism analyze --db DB' completes them).
INSERT INTO articles_fts (rowid, headline, body)
    SELECT seq, coalesce(headline, ''), json_extract(record, '$.body') FROM articles;
