-- newsprism schema version 4 (PostgreSQL): publications. Same table as ../0004_publications.sql:
-- an article is one stored text; every outlet and URL that published it is a row here.
CREATE TABLE publications (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id  TEXT NOT NULL REFERENCES articles (id),
    outlet      TEXT,
    url         TEXT,
    location    TEXT NOT NULL,
    record      TEXT NOT NULL
);
CREATE UNIQUE INDEX publications_key
    ON publications (article_id, coalesce(outlet, ''), coalesce(url, ''));
CREATE INDEX publications_outlet ON publications (outlet);

-- Every stored article's own publication: its outlet and URL as extracted.
INSERT INTO publications (article_id, outlet, url, location, record)
SELECT id, outlet, record::json ->> 'url', location,
       json_build_object(
           'article', id,
           'source', record::json -> 'source',
           'url', record::json -> 'url',
           'outlet', record::json -> 'outlet',
           'schema_version', 1
       )::text
FROM articles ORDER BY seq;

-- What copy detection keeps of each stored text (newsprism.model.CopyKey); see ../0004.
CREATE TABLE copy_keys (
    article_id  TEXT PRIMARY KEY REFERENCES articles (id),
    digest      TEXT NOT NULL,
    signature   BYTEA NOT NULL,
    scheme      TEXT NOT NULL
);
