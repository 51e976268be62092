"""PostgreSQL, the shared store: several processes and machines write one corpus.

Selected by a ``postgresql://`` URL (``--db`` or ``$NEWSPRISM_DB``). The tables are those of the
SQLite store, created by the same numbered migrations written in PostgreSQL's dialect
(``store/migrations/postgres/``), applied under an advisory lock so that two processes opening a
new database at once migrate it once. Each batch is one transaction; ``writer()`` is the
single-writer section (a session advisory lock) that an ingest holds from reading the stored
corpus to its last write, so two concurrent ingests end as one after the other would.

Connections come from a pool (psycopg_pool), so one store may serve several threads.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from types import TracebackType
from typing import Any, Self

import psycopg
from psycopg_pool import ConnectionPool

from newsprism.config import StoreSettings, load_settings
from newsprism.errors import StoreError
from newsprism.model import (
    AnalyzedArticle,
    Article,
    CopyKey,
    GlobalEntity,
    Publication,
    RawDocument,
    Skipped,
    Story,
    StoryChange,
    StoryComparison,
    StoryUpdate,
    from_dict,
    to_dict,
)
from newsprism.store.base import (
    ArticleSummary,
    BatchResult,
    EntityDescriptorRow,
    EntityQuoteRow,
    SearchHit,
    SearchQuery,
    StoreCounts,
    redact,
)
from newsprism.store.search import TermScorer, parse_query
from newsprism.store.tables import (
    ANALYSIS_TABLES,
    TABLES,
    analysis_from_record,
    analysis_record,
    analysis_rows,
    global_entity_ids,
)

logger = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# Advisory lock keys (two int4s: a namespace for newsprism, then the lock). They are per database,
# so stores in different databases of one server never wait for each other.
_LOCK_NAMESPACE = 0x6E70  # "np"
_MIGRATE_LOCK = 1
_WRITER_LOCK = 2
# Rows fetched per round trip when iterating a whole table.
_PAGE = 500
# Arrays go as binary parameters (%b): half the time of the text form for a batch of records.


def migrations() -> list[tuple[int, str, str]]:
    """The packaged PostgreSQL migrations as ``(version, file name, SQL)``, in order."""
    found = []
    for entry in resources.files("newsprism.store.migrations.postgres").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text("utf-8")))
    return sorted(found)


class PostgresStore:
    """A store in one PostgreSQL database, migrated on open.

    Args:
        url: A libpq connection string, usually ``postgresql://user@host/dbname``; a Unix socket
            folder goes in ``?host=/path``.
        settings: Store settings; the packaged defaults when ``None``. ``busy_timeout_seconds``
            bounds the wait for a connection, ``writer_wait_seconds`` the wait for another
            process's migration or writer lock.
        pool_size: At most this many connections are open at once.

    Raises:
        StoreError: The server cannot be reached, the database is not a newsprism database, or
            it was written by a newer newsprism.
    """

    def __init__(
        self, url: str, *, settings: StoreSettings | None = None, pool_size: int = 4
    ) -> None:
        self.url = url
        self.where = redact(url)
        store_settings = settings or load_settings().store
        self._timeout = store_settings.busy_timeout_seconds
        self._lock_wait = store_settings.writer_wait_seconds
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max(pool_size, 2),
            kwargs={"autocommit": True, "application_name": _application_name()},
            timeout=self._timeout,
            open=False,
            name="newsprism",
        )
        # The pool makes its first connection in the background while a connection of our
        # own checks the schema: a failure to connect is then reported with libpq's reason
        # (a pool only says it timed out), and the two connections do not wait on each other.
        self._pool.open(wait=False)
        try:
            with self._connect() as conn:
                self.schema_version = self._migrate(conn)
        except psycopg.Error as exc:
            self._pool.close()
            raise StoreError(_explain(exc), where=self.where) from exc
        except BaseException:
            self._pool.close()
            raise
        self._held = threading.local()  # .writer: this thread holds the writer lock

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close every connection (a writer lock still held goes with its connection)."""
        self._pool.close()

    @contextmanager
    def writer(self) -> Iterator[None]:
        """Hold the single-writer lock of this database for the block.

        Another process, store or thread entering the same section waits for it (logging
        which process holds it), up to ``store.writer_wait_seconds``. Re-entering it in the
        same thread does not wait. Plain reads and writes from elsewhere go on meanwhile.

        Raises:
            StoreError: The lock was not granted in time; the message names its holder.
        """
        if getattr(self._held, "writer", False):
            yield
            return
        try:
            conn = self._connect()
        except psycopg.Error as exc:
            raise StoreError(_explain(exc), where=self.where) from exc
        try:
            _advisory_lock(conn, _WRITER_LOCK, self._lock_wait, where=self.where)
        except psycopg.Error as exc:
            conn.close()
            raise StoreError(_explain(exc), where=self.where) from exc
        except BaseException:
            conn.close()
            raise
        self._held.writer = True
        try:
            yield
        finally:
            # The lock belongs to the session: closing it lets the next writer in.
            self._held.writer = False
            conn.close()

    def add_batch(
        self,
        documents: Sequence[RawDocument],
        articles: Sequence[Article],
        skipped: Sequence[Skipped],
        *,
        stories: StoryUpdate | None = None,
        publications: Sequence[Publication] = (),
        copy_keys: Sequence[CopyKey] = (),
        analyses: Sequence[AnalyzedArticle] = (),
    ) -> BatchResult:
        """Store one batch in one transaction; documents already present are left as they are.

        ``stories`` and ``analyses``, when given, are written in the same transaction (an
        article's search vector is a generated column). Each new article's own publication is
        stored with it, then ``publications`` (those present passed over).
        """
        now = dt.datetime.now(dt.UTC)
        with self._transaction() as cur:
            cur.execute(
                "INSERT INTO documents (id, location, record)"
                " SELECT id, location, record FROM unnest(%b::text[], %b::text[], %b::text[])"
                " WITH ORDINALITY AS batch (id, location, record, n) ORDER BY n"
                " ON CONFLICT (id) DO NOTHING",
                (
                    [doc.id for doc in documents],
                    [_text(doc.source.where()) for doc in documents],
                    [_json(doc) for doc in documents],
                ),
            )
            present = len(documents) - max(cur.rowcount, 0)
            cur.execute(
                "INSERT INTO articles (id, location, outlet, original_outlet, headline,"
                " published, copy_of, record)"
                " SELECT id, location, outlet, original_outlet, headline, published, copy_of,"
                " record FROM unnest(%b::text[], %b::text[], %b::text[], %b::text[], %b::text[],"
                " %b::date[], %b::text[], %b::text[]) WITH ORDINALITY AS batch (id, location,"
                " outlet, original_outlet, headline, published, copy_of, record, n) ORDER BY n"
                " ON CONFLICT (id) DO NOTHING RETURNING id",
                (
                    [a.id for a in articles],
                    [_text(a.source.where()) for a in articles],
                    [_text(a.outlet.name) if a.outlet else None for a in articles],
                    [_text(a.original_outlet.name) if a.original_outlet else None
                     for a in articles],
                    [_text(a.headline) for a in articles],
                    [a.published for a in articles],
                    [a.copy_of.id if a.copy_of else None for a in articles],
                    [_json(a) for a in articles],
                ),
            )
            inserted = {row[0] for row in cur.fetchall()}
            added = len(inserted)
            # Only the articles just inserted get their own publication, as on SQLite.
            _insert_publications(
                cur,
                [
                    Publication(a.id, a.source, a.url, a.outlet)
                    for a in articles
                    if a.id in inserted
                ],
            )
            extra = _insert_publications(cur, publications)
            if copy_keys:
                cur.executemany(
                    "INSERT INTO copy_keys (article_id, digest, signature, scheme)"
                    " VALUES (%s, %s, %s, %s) ON CONFLICT (article_id) DO UPDATE SET"
                    " digest = excluded.digest, signature = excluded.signature,"
                    " scheme = excluded.scheme",
                    [(k.article, k.digest, k.signature, k.scheme) for k in copy_keys],
                )
            if skipped:
                cur.executemany(
                    "INSERT INTO skipped (location, code, reason, recorded_at)"
                    " VALUES (%s, %s, %s, %s)",
                    [(_text(s.where), s.code, _text(s.reason), now) for s in skipped],
                )
            if stories is not None:
                _write_stories(cur, stories)
            _write_analyses(cur, analyses)
        return BatchResult(added=added, already_present=present, publications=extra)

    def publications(self, article_id: str) -> list[Publication]:
        """Every publication of an article, first one first."""
        rows = self._all(
            "SELECT record FROM publications WHERE article_id = %s ORDER BY seq", (article_id,)
        )
        return [from_dict(Publication, json.loads(row[0])) for row in rows]

    def save_analyses(self, analyses: Sequence[AnalyzedArticle]) -> None:
        """Store analyses of stored articles in one transaction, replacing earlier ones."""
        with self._transaction() as cur:
            _write_analyses(cur, analyses)

    def get_analysis(self, article_id: str) -> AnalyzedArticle | None:
        """The stored analysis of an article, or ``None``."""
        row = self._one(
            "SELECT ar.record, an.record FROM analyses an JOIN articles ar ON ar.id = an.article_id"
            " WHERE an.article_id = %s",
            (article_id,),
        )
        return _analysis(row[0], row[1]) if row else None

    def iter_analyses(self) -> Iterator[AnalyzedArticle]:
        """Every stored analysis, in the articles' ingest order (keyset pages)."""
        last = 0
        while True:
            rows = self._all(
                "SELECT ar.seq, ar.record, an.record FROM analyses an JOIN articles ar"
                " ON ar.id = an.article_id WHERE ar.seq > %s ORDER BY ar.seq LIMIT %s",
                (last, _PAGE),
            )
            for _, article, analysis in rows:
                yield _analysis(article, analysis)
            if len(rows) < _PAGE:
                return
            last = rows[-1][0]

    def pending_analysis(
        self, *, nlp_model: str | None = None, made_by: str | None = None
    ) -> list[str]:
        """Ids of articles without an analysis (or with one another model/version made)."""
        conditions = ["an.article_id IS NULL"]
        arguments: list[str] = []
        if nlp_model is not None:
            conditions.append("an.nlp_model <> %s")
            arguments.append(nlp_model)
        if made_by is not None:
            conditions.append("an.made_by <> %s")
            arguments.append(made_by)
        rows = self._all(
            "SELECT ar.id FROM articles ar LEFT JOIN analyses an ON an.article_id = ar.id"
            f" WHERE {' OR '.join(conditions)} ORDER BY ar.seq",
            arguments,
        )
        return [row[0] for row in rows]

    def analysis_versions(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The stamp of each given article's stored analysis (model, made_by, revision)."""
        rows = self._all(
            "SELECT article_id, nlp_model, made_by, revision FROM analyses"
            " WHERE article_id = ANY(%s::text[])",
            (list(dict.fromkeys(article_ids)),),
        )
        return {row[0]: f"{row[1]}|{row[2]}|{row[3]}" for row in rows}

    def get_comparison(self, story_id: str, fingerprint: str) -> StoryComparison | None:
        """The story's stored comparison if stored under ``fingerprint``, else ``None``."""
        row = self._one(
            "SELECT record FROM comparisons WHERE story_id = %s AND fingerprint = %s",
            (story_id, fingerprint),
        )
        return from_dict(StoryComparison, json.loads(row[0])) if row else None

    def save_comparison(
        self, story_id: str, fingerprint: str, comparison: StoryComparison
    ) -> None:
        """Keep (replace) a story's comparison under its fingerprint."""
        record = _json(comparison)
        with self._transaction() as cur:
            cur.execute(
                "INSERT INTO comparisons (story_id, fingerprint, record) VALUES (%s, %s, %s)"
                " ON CONFLICT (story_id) DO UPDATE SET fingerprint = excluded.fingerprint,"
                " computed_at = now(), record = excluded.record",
                (story_id, fingerprint, record),
            )

    def search(self, query: SearchQuery) -> list[SearchHit]:
        """Full-text search ranked by ``ts_rank_cd`` (see :class:`SearchQuery`)."""
        terms = parse_query(query.text)
        # Every term must match: a phrase keeps its word order (phraseto_tsquery).
        tsquery = " && ".join(["phraseto_tsquery('english', %s)"] * len(terms))
        words = [" ".join(term.words) for term in terms]
        filters, arguments = _filters(query)
        scorer = TermScorer(terms, [])
        if query.scope == "quotes":
            if query.speaker is not None:
                filters += " AND at.speaker ILIKE %s ESCAPE '\\'"
                arguments = [*arguments, "%" + _like(query.speaker) + "%"]
            rows = self._all(
                f"SELECT at.article_id, ar.outlet, ar.headline, ar.published,"
                f" ts_rank_cd(at.search, q) AS rank, at.content_text, at.content_start,"
                f" at.content_end, at.speaker, at.cue_text, at.cue_class, at.entity_id"
                f" FROM attributions at JOIN articles ar ON ar.id = at.article_id,"
                f" ({'SELECT ' + tsquery + ' AS q'}) query"
                f" WHERE at.search @@ q {filters} ORDER BY rank DESC, ar.seq LIMIT %s",
                (*words, *arguments, query.limit),
            )
            return [
                SearchHit(
                    scope="quotes", article_id=row[0], outlet=row[1], headline=row[2],
                    published=row[3], text=row[5], start_char=row[6], end_char=row[7],
                    score=float(row[4]), speaker=row[8], cue=row[9], cue_class=row[10],
                    entity_id=row[11],
                )
                for row in rows
            ]
        if query.scope == "entities":
            rows = self._all(
                f"SELECT es.article_id, ar.outlet, ar.headline, ar.published,"
                f" ts_rank_cd(es.search, q) AS rank, e.entity_id, e.name"
                f" FROM entity_search es JOIN entities e USING (article_id, entity_id)"
                f" JOIN articles ar ON ar.id = es.article_id,"
                f" ({'SELECT ' + tsquery + ' AS q'}) query"
                f" WHERE es.search @@ q {filters} ORDER BY rank DESC, ar.seq LIMIT %s",
                (*words, *arguments, query.limit),
            )
            # Every hit's mentions in one round trip.
            mentions: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
            for article_id, entity_id, start, end, text in self._all(
                "SELECT article_id, entity_id, start_char, end_char, text FROM mentions"
                " WHERE (article_id, entity_id) IN (SELECT * FROM unnest(%b::text[], %b::text[]))"
                " ORDER BY article_id, entity_id, mention_no",
                ([row[0] for row in rows], [row[5] for row in rows]),
            ):
                mentions.setdefault((article_id, entity_id), []).append((start, end, text))
            hits = []
            for article_id, outlet, headline, published, rank, entity_id, name in rows:
                chosen = next(
                    (m for m in mentions.get((article_id, entity_id), ())
                     if scorer.first_match(m[2])),
                    None,
                )
                hits.append(
                    SearchHit(
                        scope="entities", article_id=article_id, outlet=outlet,
                        headline=headline, published=published,
                        text=chosen[2] if chosen else name,
                        start_char=chosen[0] if chosen else None,
                        end_char=chosen[1] if chosen else None,
                        score=float(rank), entity_id=entity_id,
                    )
                )
            return hits
        # Ranked first, then only the top hits' bodies read out of their JSON records.
        rows = self._all(
            f"SELECT ar.id, ar.outlet, ar.headline, ar.published, top.rank,"
            f" replace(ar.record, '\\u0000', '\\ufffd')::jsonb ->> 'body'"
            f" FROM (SELECT ar.seq, ts_rank_cd(ar.search, q) AS rank"
            f" FROM articles ar, ({'SELECT ' + tsquery + ' AS q'}) query"
            f" WHERE ar.search @@ q {filters} ORDER BY rank DESC, ar.seq LIMIT %s) top"
            f" JOIN articles ar ON ar.seq = top.seq ORDER BY top.rank DESC, top.seq",
            (*words, *arguments, query.limit),
        )
        hits = []
        for article_id, outlet, headline, published, rank, body in rows:
            span = scorer.first_match(body)
            in_title = span is None and headline is not None
            title_span = scorer.first_match(headline) if in_title and headline else None
            text = body[span[0] : span[1]] if span else ""
            if title_span is not None and headline is not None:
                text = headline[title_span[0] : title_span[1]]
            hits.append(
                SearchHit(
                    scope="articles", article_id=article_id, outlet=outlet, headline=headline,
                    published=published, text=text,
                    start_char=span[0] if span else None, end_char=span[1] if span else None,
                    score=float(rank),
                )
            )
        return hits

    def has(self, document_id: str) -> bool:
        """Whether the document's article is stored."""
        return self._one("SELECT 1 FROM articles WHERE id = %s", (document_id,)) is not None

    def get_document(self, document_id: str) -> RawDocument | None:
        """The raw document with this id, or ``None``."""
        row = self._one("SELECT record FROM documents WHERE id = %s", (document_id,))
        return from_dict(RawDocument, json.loads(row[0])) if row else None

    def get_article(self, article_id: str) -> Article | None:
        """The article with this id, or ``None``."""
        row = self._one("SELECT record FROM articles WHERE id = %s", (article_id,))
        return from_dict(Article, json.loads(row[0])) if row else None

    def list_articles(
        self, *, limit: int = 100, offset: int = 0, outlet: str | None = None
    ) -> list[ArticleSummary]:
        """Stored articles in ingest order, optionally those with a publication by ``outlet``."""
        where, arguments = (
            ("WHERE id IN (SELECT article_id FROM publications WHERE outlet = %s)", [outlet])
            if outlet
            else ("", [])
        )
        # The page first, then its rows' outlets: the rows OFFSET passes over are not looked up.
        rows = self._all(
            "SELECT id, location, outlet, original_outlet, headline, published, copy_of,"
            " ARRAY(SELECT p.outlet FROM publications p WHERE p.article_id = page.id"
            " AND p.outlet IS NOT NULL ORDER BY p.seq)"
            " FROM (SELECT seq, id, location, outlet, original_outlet, headline, published,"
            f" copy_of FROM articles {where} ORDER BY seq LIMIT %s OFFSET %s) page"
            " ORDER BY seq",
            (*arguments, limit, offset),
        )
        return [
            ArticleSummary(
                id=row[0],
                location=row[1],
                outlet=row[2],
                original_outlet=row[3],
                headline=row[4],
                published=row[5],
                copy_of=row[6],
                outlets=tuple(dict.fromkeys(row[7] or ())),
            )
            for row in rows
        ]

    def iter_articles(self) -> Iterator[Article]:
        """Every stored article, in ingest order."""
        for record in self._records("articles"):
            yield from_dict(Article, json.loads(record))

    def copy_texts(self) -> Iterator[tuple[str, str]]:
        """``(id, body)`` of every stored article, in ingest order."""
        for record in self._records("articles"):
            data = json.loads(record)
            yield data["id"], data["body"]

    def copy_keys(self) -> Iterator[tuple[str, CopyKey | None]]:
        """Every stored article's id and copy key (``None`` when it has none), in ingest order."""
        last = 0
        while True:
            rows = self._all(
                "SELECT a.seq, a.id, k.digest, k.signature, k.scheme FROM articles a"
                " LEFT JOIN copy_keys k ON k.article_id = a.id WHERE a.seq > %s"
                " ORDER BY a.seq LIMIT %s",
                (last, _PAGE),
            )
            for _, article_id, digest, signature, scheme in rows:
                key = (
                    None
                    if digest is None
                    else CopyKey(article_id, digest, bytes(signature), scheme)
                )
                yield article_id, key
            if len(rows) < _PAGE:
                return
            last = rows[-1][0]

    def count(self) -> StoreCounts:
        """How many documents, articles and skipped inputs are stored."""
        row = self._one(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM articles),"
            " (SELECT count(*) FROM articles WHERE copy_of IS NULL),"
            " (SELECT count(*) FROM skipped)",
            (),
        )
        assert row is not None
        return StoreCounts(
            documents=row[0], articles=row[1], unique_articles=row[2], skipped=row[3]
        )

    def save_stories(self, update: StoryUpdate) -> None:
        """Write changed stories, drop removed ones and record merges and splits."""
        with self._transaction() as cur:
            _write_stories(cur, update)

    def load_story_state(self) -> tuple[int, bytes] | None:
        """The saved story-clusterer state and the article count it covers, if any."""
        row = self._one("SELECT articles, state FROM story_state WHERE id = 1", ())
        return None if row is None else (int(row[0]), bytes(row[1]))

    def save_story_state(self, articles: int, state: bytes) -> None:
        """Replace the saved story-clusterer state."""
        with self._transaction() as cur:
            cur.execute(
                "INSERT INTO story_state (id, articles, state) VALUES (1, %s, %s)"
                " ON CONFLICT (id) DO UPDATE SET articles = excluded.articles,"
                " state = excluded.state",
                (articles, state),
            )

    def list_stories(
        self, *, limit: int = 100, offset: int = 0, outlet: str | None = None
    ) -> list[Story]:
        """Stories, oldest first, optionally only those with an article credited to ``outlet``
        or a text it published (any publication of a member)."""
        if outlet is None:
            rows = self._all(
                "SELECT record FROM stories ORDER BY founded, seq LIMIT %s OFFSET %s",
                (limit, offset),
            )
            return [from_dict(Story, json.loads(row[0])) for row in rows]
        published = {
            str(row[0])
            for row in self._all(
                "SELECT DISTINCT article_id FROM publications WHERE outlet = %s", (outlet,)
            )
        }
        chosen: list[Story] = []
        passed = 0
        for (record,) in self._all("SELECT record FROM stories ORDER BY founded, seq", ()):
            story = from_dict(Story, json.loads(record))
            if outlet not in story.outlets and not any(
                member.id in published for member in story.articles
            ):
                continue
            if passed < offset:
                passed += 1
                continue
            chosen.append(story)
            if len(chosen) >= limit:
                break
        return chosen

    def get_story(self, story_id: str) -> Story | None:
        """The story with this id, or ``None``."""
        row = self._one("SELECT record FROM stories WHERE id = %s", (story_id,))
        return from_dict(Story, json.loads(row[0])) if row else None

    def story_of(self, article_id: str) -> str | None:
        """The story id of an article, or ``None``."""
        row = self._one(
            "SELECT story_id FROM story_articles WHERE article_id = %s", (article_id,)
        )
        return str(row[0]) if row else None

    def story_changes(self, story_id: str | None = None) -> list[StoryChange]:
        """Merges and splits in order, optionally those touching one story."""
        changes = [
            from_dict(StoryChange, json.loads(record))
            for (record,) in self._all("SELECT record FROM story_changes ORDER BY seq", ())
        ]
        return [
            c for c in changes if story_id is None or story_id == c.story or story_id in c.others
        ]

    def save_entities(self, entities: Sequence[GlobalEntity], articles: Sequence[str]) -> None:
        """Write changed global entities and mark articles as resolved, in one transaction."""
        with self._transaction() as cur:
            if entities:
                cur.executemany(
                    "INSERT INTO global_entities (id, name, label, articles, record)"
                    " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET"
                    " name = excluded.name, label = excluded.label,"
                    " articles = excluded.articles, record = excluded.record",
                    [
                        (e.id, _text(e.name), e.label, len(e.articles), _json(e))
                        for e in entities
                    ],
                )
            if articles:
                cur.execute(
                    "INSERT INTO entity_articles (article_id) SELECT unnest(%b::text[])"
                    " ON CONFLICT DO NOTHING",
                    (list(articles),),
                )
            resolved = global_entity_ids(entities)
            if resolved:
                cur.executemany(
                    "UPDATE entities SET global_id = %s WHERE article_id = %s AND entity_id = %s",
                    [(gid, aid, eid) for (aid, eid), gid in resolved.items()],
                )

    def list_entities(
        self, *, limit: int = 100, offset: int = 0, label: str | None = None
    ) -> list[GlobalEntity]:
        """Global entities, those in most articles first, optionally of one label."""
        where, arguments = ("WHERE label = %s", [label]) if label else ("", [])
        rows = self._all(
            f"SELECT record FROM global_entities {where} ORDER BY articles DESC, seq"
            " LIMIT %s OFFSET %s",
            (*arguments, limit, offset),
        )
        return [from_dict(GlobalEntity, json.loads(row[0])) for row in rows]

    def iter_entities(self) -> Iterator[GlobalEntity]:
        """Every global entity, in creation order."""
        for record in self._records("global_entities"):
            yield from_dict(GlobalEntity, json.loads(record))

    def resolved_articles(self) -> set[str]:
        """Ids of the articles whose entities were resolved."""
        return {row[0] for row in self._all("SELECT article_id FROM entity_articles", ())}

    def get_entity(self, entity_id: str) -> GlobalEntity | None:
        """The global entity with this id, or ``None``."""
        row = self._one("SELECT record FROM global_entities WHERE id = %s", (entity_id,))
        return from_dict(GlobalEntity, json.loads(row[0])) if row else None

    def entity_descriptors(
        self, entity_id: str, *, limit: int = 1000
    ) -> list[EntityDescriptorRow]:
        """Descriptors of a global entity, earliest article first, at most ``limit``."""
        rows = self._all(
            "SELECT d.article_id, d.entity_id, coalesce(a.original_outlet, a.outlet), a.published,"
            " d.text, d.kind, d.start_char, d.end_char"
            " FROM entities e JOIN descriptors d"
            " ON d.article_id = e.article_id AND d.entity_id = e.entity_id"
            " JOIN articles a ON a.id = e.article_id"
            " WHERE e.global_id = %s"
            " ORDER BY a.published IS NULL, a.published, a.seq, d.entity_id, d.descriptor_no"
            " LIMIT %s",
            (entity_id, limit),
        )
        return [
            EntityDescriptorRow(r[0], r[1], r[2], _day(r[3]), r[4], r[5], r[6], r[7])
            for r in rows
        ]

    def entity_quotes(self, entity_id: str, *, limit: int = 1000) -> list[EntityQuoteRow]:
        """Statements attributed to a global entity, earliest article first."""
        rows = self._all(
            "SELECT t.article_id, coalesce(a.original_outlet, a.outlet), a.published, t.speaker,"
            " t.cue_text, t.cue_lemma, t.cue_class, t.cue_subclass, t.cue_start, t.cue_end,"
            " t.content_text, t.content_start, t.content_end, t.kind"
            " FROM entities e JOIN attributions t"
            " ON t.article_id = e.article_id AND t.entity_id = e.entity_id"
            " JOIN articles a ON a.id = e.article_id"
            " WHERE e.global_id = %s"
            " ORDER BY a.published IS NULL, a.published, a.seq, t.attribution_no LIMIT %s",
            (entity_id, limit),
        )
        return [EntityQuoteRow(r[0], r[1], _day(r[2]), *r[3:]) for r in rows]

    def global_ids(self, article_id: str) -> dict[str, str]:
        """Article-local entity id -> global entity id, for an article's resolved entities."""
        rows = self._all(
            "SELECT entity_id, global_id FROM entities"
            " WHERE article_id = %s AND global_id IS NOT NULL",
            (article_id,),
        )
        return {str(r[0]): str(r[1]) for r in rows}

    # -- internals ------------------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(
            self.url,
            autocommit=True,
            connect_timeout=max(1, round(self._timeout)),
            application_name=_application_name(),
        )

    def _migrate(self, conn: psycopg.Connection[Any]) -> int:
        known = migrations()
        latest = known[-1][0] if known else 0
        # A database already at this version needs no lock: one query, then done. Otherwise
        # migrate under the lock, reading the version again (another process may have just
        # migrated it).
        current = _schema_version(conn)
        if current == latest:
            return current
        _advisory_lock(conn, _MIGRATE_LOCK, self._lock_wait, where=self.where)
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
                " name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
            current = row[0] if row and row[0] is not None else 0
            if current > latest:
                raise StoreError(
                    f"the database has schema version {current}, newer than this newsprism"
                    f" knows ({latest}); upgrade newsprism, or use another database",
                    where=self.where,
                )
            for version, name, sql in known:
                if version <= current:
                    continue
                with conn.transaction():
                    conn.execute(sql.encode("utf-8"))  # several statements: simple protocol
                    conn.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                        (version, name),
                    )
                current = version
        finally:
            conn.execute(
                "SELECT pg_advisory_unlock(%s, %s)", (_LOCK_NAMESPACE, _MIGRATE_LOCK)
            )
        return int(current)

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Cursor[Any]]:
        try:
            with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
                yield cur
        except psycopg.Error as exc:
            raise StoreError(_explain(exc), where=self.where) from exc

    def _one(self, sql: str, arguments: Sequence[Any]) -> tuple[Any, ...] | None:
        try:
            with self._pool.connection() as conn:
                row: tuple[Any, ...] | None = conn.execute(sql, arguments).fetchone()
        except psycopg.Error as exc:
            raise StoreError(_explain(exc), where=self.where) from exc
        return row

    def _all(self, sql: str, arguments: Sequence[Any]) -> list[tuple[Any, ...]]:
        try:
            with self._pool.connection() as conn:
                return conn.execute(sql, arguments).fetchall()
        except psycopg.Error as exc:
            raise StoreError(_explain(exc), where=self.where) from exc

    def _records(self, table: str) -> Iterator[str]:
        # Keyset pages: no connection or transaction is held between pages, so a caller may
        # write (on another connection) while it iterates, as it may on SQLite.
        last = 0
        while True:
            rows = self._all(
                f"SELECT seq, record FROM {table} WHERE seq > %s ORDER BY seq LIMIT %s",
                (last, _PAGE),
            )
            for _, record in rows:
                yield record
            if len(rows) < _PAGE:
                return
            last = rows[-1][0]


def _insert_publications(cur: psycopg.Cursor[Any], publications: Sequence[Publication]) -> int:
    """Insert publications not yet present; the number inserted."""
    if not publications:
        return 0
    cur.execute(
        "INSERT INTO publications (article_id, outlet, url, location, record)"
        " SELECT article_id, outlet, url, location, record FROM unnest(%b::text[], %b::text[],"
        " %b::text[], %b::text[], %b::text[]) WITH ORDINALITY AS batch (article_id, outlet, url,"
        " location, record, n) ORDER BY n"
        " ON CONFLICT (article_id, coalesce(outlet, ''), coalesce(url, '')) DO NOTHING",
        (
            [p.article for p in publications],
            [_text(p.outlet.name) if p.outlet else None for p in publications],
            [_text(p.url) for p in publications],
            [_text(p.source.where()) for p in publications],
            [_json(p) for p in publications],
        ),
    )
    return max(cur.rowcount, 0)


def _write_stories(cur: psycopg.Cursor[Any], update: StoryUpdate) -> None:
    # Four statements whatever the number of stories. As the SQLite store's row-by-row upserts
    # do, a story or member named twice keeps its first place (seq, arrival) and its last values.
    if update.removed:
        cur.execute("DELETE FROM stories WHERE id = ANY(%b::text[])", (list(update.removed),))
        cur.execute(
            "DELETE FROM comparisons WHERE story_id = ANY(%b::text[])", (list(update.removed),)
        )
    stories = {story.id: story for story in update.stories}
    members: dict[str, tuple[str, int]] = {}
    for story in update.stories:
        for member in story.articles:
            arrival = members[member.id][1] if member.id in members else member.seq
            members[member.id] = (story.id, arrival)
    if stories:
        cur.execute(
            "INSERT INTO stories (id, title, size, founded, record)"
            " SELECT id, title, size, founded, record FROM unnest(%b::text[], %b::text[],"
            " %b::int[], %b::bigint[], %b::text[]) WITH ORDINALITY"
            " AS batch (id, title, size, founded, record, n) ORDER BY n"
            " ON CONFLICT (id) DO UPDATE SET title = excluded.title, size = excluded.size,"
            " founded = excluded.founded, record = excluded.record",
            (
                list(stories),
                [_text(s.title) for s in stories.values()],
                [len(s.articles) for s in stories.values()],
                [s.articles[0].seq if s.articles else 0 for s in stories.values()],
                [_json(s) for s in stories.values()],
            ),
        )
    if members:
        cur.execute(
            "INSERT INTO story_articles (article_id, story_id, arrival)"
            " SELECT * FROM unnest(%b::text[], %b::text[], %b::bigint[])"
            " ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id",
            (list(members), [m[0] for m in members.values()], [m[1] for m in members.values()]),
        )
    if update.changes:
        cur.execute(
            "INSERT INTO story_changes (kind, story_id, record)"
            " SELECT kind, story_id, record FROM unnest(%b::text[], %b::text[], %b::text[])"
            " WITH ORDINALITY AS batch (kind, story_id, record, n) ORDER BY n",
            (
                [c.kind.value for c in update.changes],
                [c.story for c in update.changes],
                [_json(c) for c in update.changes],
            ),
        )


def _advisory_lock(
    conn: psycopg.Connection[Any], lock: int, timeout: float, *, where: str
) -> None:
    """Take a session advisory lock, waiting at most ``timeout`` seconds for its holder."""
    row = conn.execute("SELECT pg_try_advisory_lock(%s, %s)", (_LOCK_NAMESPACE, lock)).fetchone()
    if row and row[0]:
        return
    what = "migration" if lock == _MIGRATE_LOCK else "writer"
    logger.warning(
        "%s: another newsprism process%s holds the %s lock; waiting for it",
        where,
        _holder(conn, lock),
        what,
    )
    conn.execute(f"SET lock_timeout = {max(1, int(timeout * 1000))}")
    try:
        conn.execute("SELECT pg_advisory_lock(%s, %s)", (_LOCK_NAMESPACE, lock))
    except psycopg.errors.LockNotAvailable as exc:
        raise StoreError(
            f"another newsprism process{_holder(conn, lock)} held the database's {what} lock"
            f" for more than {timeout:g} s; wait for it to finish, raise"
            " store.writer_wait_seconds, or use another database",
            where=where,
        ) from exc
    finally:
        conn.execute("SET lock_timeout = 0")


def _write_analyses(cur: psycopg.Cursor[Any], analyses: Sequence[AnalyzedArticle]) -> None:
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for analysis in analyses:
        article_id = analysis.article.id
        # entity_search rows go with their entities (ON DELETE CASCADE).
        for name in reversed(ANALYSIS_TABLES):
            cur.execute(f"DELETE FROM {name} WHERE article_id = %s", (article_id,))
        cur.execute(
            "INSERT INTO analyses (article_id, nlp_model, made_by, analysed_at, record)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (article_id) DO UPDATE SET"
            " nlp_model = excluded.nlp_model, made_by = excluded.made_by,"
            " analysed_at = excluded.analysed_at, record = excluded.record,"
            " revision = analyses.revision + 1",
            (
                article_id,
                analysis.nlp_model,
                analysis.made_by,
                now,
                json.dumps(analysis_record(analysis), ensure_ascii=False),
            ),
        )
        for name, rows in analysis_rows(analysis).items():
            if not rows:
                continue
            columns = TABLES[name].names
            cur.executemany(
                f"INSERT INTO {name} ({', '.join(columns)})"
                f" VALUES ({', '.join(['%s'] * len(columns))})",
                [tuple(_text(v) if isinstance(v, str) else v for v in row) for row in rows],
            )
        cur.execute(
            "INSERT INTO entity_search (article_id, entity_id, search)"
            " SELECT e.article_id, e.entity_id,"
            " setweight(to_tsvector('english', e.name), 'A') || setweight(to_tsvector("
            "'english', coalesce(string_agg(m.text, ' | ' ORDER BY m.mention_no), '')), 'B')"
            " FROM entities e LEFT JOIN mentions m"
            " ON m.article_id = e.article_id AND m.entity_id = e.entity_id"
            " WHERE e.article_id = %s GROUP BY e.article_id, e.entity_id, e.name",
            (article_id,),
        )


def _analysis(article: str, analysis: str) -> AnalyzedArticle:
    return analysis_from_record(from_dict(Article, json.loads(article)), json.loads(analysis))


def _filters(query: SearchQuery) -> tuple[str, list[Any]]:
    # Filters on the joined articles row ("ar"), as SQL after the match condition.
    parts: list[str] = []
    arguments: list[Any] = []
    if query.outlet is not None:
        parts.append("(ar.outlet = %s OR ar.original_outlet = %s)")
        arguments += [query.outlet, query.outlet]
    if query.since is not None:
        parts.append("ar.published >= %s")
        arguments.append(query.since)
    if query.until is not None:
        parts.append("ar.published <= %s")
        arguments.append(query.until)
    return "".join(" AND " + part for part in parts), arguments


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _holder(conn: psycopg.Connection[Any], lock: int) -> str:
    """`` (newsprism pid N on HOST)``: who holds an advisory lock, as far as the server knows."""
    row = conn.execute(
        "SELECT a.application_name, a.client_addr, a.pid FROM pg_locks l"
        " JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s"
        " AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database"
        " WHERE datname = current_database())",
        (_LOCK_NAMESPACE, lock),
    ).fetchone()
    if row is None:
        return ""
    name, address, pid = row
    return f" ({name or f'server process {pid}'}{f' at {address}' if address else ''})"


def _application_name() -> str:
    # Shown in pg_stat_activity, so a waiting process can name the one holding a lock.
    return f"newsprism pid {os.getpid()}"


def _day(value: dt.date | None) -> dt.date | None:
    # A DATE column comes back as a date already.
    return value


def _text(value: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL; the whole record (JSON, where it is escaped) keeps it.
    return value.replace("\x00", "\ufffd") if value is not None and "\x00" in value else value


def _json(record: Any) -> str:
    return json.dumps(to_dict(record), ensure_ascii=False)


def _explain(error: psycopg.Error) -> str:
    text = str(error).strip().replace("\n", " ")
    if isinstance(error, psycopg.OperationalError):
        return (
            f"cannot use the PostgreSQL server ({text}); check that it runs and that the URL,"
            " user and database are right"
        )
    if isinstance(error, psycopg.errors.DuplicateTable | psycopg.errors.UndefinedTable):
        return (
            f"not a newsprism database ({text}); pass another database or create an empty one"
        )
    return f"database error ({text})"


def _schema_version(conn: psycopg.Connection[Any]) -> int | None:
    """The version recorded in ``schema_migrations``; ``None`` before the table exists."""
    try:
        row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
    except psycopg.errors.UndefinedTable:
        return None  # autocommit: the failed statement leaves no failed transaction behind
    return int(row[0]) if row and row[0] is not None else 0
