-- newsprism schema version 1 (PostgreSQL): documents, their articles, skipped inputs.
-- Same tables and columns as ../0001_initial.sql. Records are kept whole as JSON text
-- (newsprism.model.to_dict; text, not jsonb, so a record reads back byte for byte); the columns
-- beside them are indexes.
CREATE TABLE documents (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    location    TEXT NOT NULL,
    record      TEXT NOT NULL
);

CREATE TABLE articles (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE REFERENCES documents (id),
    location        TEXT NOT NULL,
    outlet          TEXT,
    original_outlet TEXT,
    headline        TEXT,
    published       DATE,
    copy_of         TEXT,
    record          TEXT NOT NULL
);
CREATE INDEX articles_outlet ON articles (outlet);
CREATE INDEX articles_published ON articles (published);

CREATE TABLE skipped (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    location    TEXT NOT NULL,
    code        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
