-- newsprism schema version 1: documents, their articles, skipped inputs.
-- Records are kept whole as JSON (newsprism.model.to_dict); the columns beside them are indexes.
CREATE TABLE documents (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    location    TEXT NOT NULL,
    record      TEXT NOT NULL
);

CREATE TABLE articles (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE REFERENCES documents (id),
    location        TEXT NOT NULL,
    outlet          TEXT,
    original_outlet TEXT,
    headline        TEXT,
    published       TEXT,
    copy_of         TEXT,
    record          TEXT NOT NULL
);
CREATE INDEX articles_outlet ON articles (outlet);
CREATE INDEX articles_published ON articles (published);

CREATE TABLE skipped (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    location    TEXT NOT NULL,
    code        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
