-- newsprism schema version 4: publications. An article is one stored text (its id hashes the
-- text); every outlet and URL that published it is a row here, so the same wire story run by three
-- outlets is one article with three publications. `record` is newsprism.model.Publication as JSON.
CREATE TABLE publications (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id  TEXT NOT NULL REFERENCES articles (id),
    outlet      TEXT,
    url         TEXT,
    location    TEXT NOT NULL,
    record      TEXT NOT NULL
);
CREATE UNIQUE INDEX publications_key ON publications (article_id, ifnull(outlet, ''), ifnull(url, ''));
CREATE INDEX publications_outlet ON publications (outlet);

-- Every stored article's own publication: its outlet and URL as extracted.
INSERT INTO publications (article_id, outlet, url, location, record)
SELECT id, outlet, json_extract(record, '$.url'), location,
       json_object(
           'article', id,
           'source', json(json_extract(record, '$.source')),
           'url', json_extract(record, '$.url'),
           'outlet', json(json_extract(record, '$.outlet')),
           'schema_version', 1
       )
FROM articles ORDER BY seq;

-- What copy detection keeps of each stored text (newsprism.model.CopyKey): the digest of its
-- words and its MinHash signature, so a later ingest finds copies of it without reading it again.
-- Articles stored before this table have no row; ingest computes theirs from the text once.
CREATE TABLE copy_keys (
    article_id  TEXT PRIMARY KEY REFERENCES articles (id),
    digest      TEXT NOT NULL,
    signature   BLOB NOT NULL,
    scheme      TEXT NOT NULL
);
