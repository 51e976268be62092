"""SQLite, the embedded default store: one file, nothing to start.

The schema is versioned: ``store/migrations/NNNN_name.sql`` files are applied in order, each in
its own transaction, and recorded in ``schema_migrations``. A database written by a newer
newsprism is refused rather than misread. WAL journaling and one transaction per batch mean a
process killed mid-ingest leaves a consistent file holding whole batches only.

Concurrency: the file ``DB.lock`` beside the database carries an exclusive ``flock``. Switching
to WAL and migrating happen under it (so two processes opening a new database never both create
its tables), and :meth:`SQLiteStore.writer` holds it for a whole ingest: a second writer waits,
polling, up to ``store.writer_wait_seconds``, then fails naming the process that holds it. The
kernel releases the lock when its holder exits, even when killed. Readers take no lock (WAL lets
them read while a writer writes). The schema, publications included, is drawn in
:mod:`newsprism.store.base`.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from newsprism.config import StoreSettings, load_settings
from newsprism.errors import QueryError, StoreError
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
)
from newsprism.store.search import fts5_match, parse_query
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
# Ids per `IN (...)` list: under SQLite's host-parameter limit on every build.
_IN_CHUNK = 500
# Seconds between two tries for the writer lock.
_LOCK_POLL_SECONDS = 0.05


def migrations() -> list[tuple[int, str, str]]:
    """The packaged migrations as ``(version, file name, SQL)``, in order."""
    found = []
    for entry in resources.files("newsprism.store.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text("utf-8")))
    return sorted(found)


class SQLiteStore:
    """A store in one SQLite file, created and migrated on open.

    Args:
        path: The database file; created when missing.
        settings: Store settings; the packaged defaults when ``None``.

    Raises:
        StoreError: The file is not a newsprism database, was written by a newer newsprism,
            or is locked by another process for longer than the busy timeout.
    """

    def __init__(self, path: Path, *, settings: StoreSettings | None = None) -> None:
        self.path = path
        self._settings = settings or load_settings().store
        self._lock = _LockFile(Path(f"{path}.lock"), database=path)
        try:
            self._db = sqlite3.connect(
                path, timeout=self._settings.busy_timeout_seconds, isolation_level=None
            )
        except sqlite3.DatabaseError as exc:
            raise StoreError(_explain(exc), where=str(path)) from exc
        try:
            self._db.execute("PRAGMA foreign_keys=ON")
            if self._ready():
                self.schema_version = self._version()
            else:
                with self._lock.held(wait=self._settings.busy_timeout_seconds):
                    if self._journal_mode() != "wal":
                        self._db.execute("PRAGMA journal_mode=WAL")
                    self.schema_version = self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(_explain(exc), where=str(path)) from exc
        except BaseException:
            self._db.close()
            raise

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
        """Close the connection (and release the writer lock if held)."""
        self._db.close()
        self._lock.close()

    @contextmanager
    def writer(self) -> Iterator[None]:
        """Hold the single-writer lock (``DB.lock``) for a run of writes.

        Raises:
            StoreError: Another process held it for longer than ``store.writer_wait_seconds``.
        """
        with self._lock.held(wait=self._settings.writer_wait_seconds):
            yield

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

        ``stories`` and ``analyses``, when given, are written in the same transaction; new
        articles are indexed for search. Each new article's own publication is stored with it,
        then ``publications`` (those present passed over), and ``copy_keys``.
        """
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        added = present = extra = 0
        with self._transaction():
            for doc in documents:
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO documents (id, location, record) VALUES (?, ?, ?)",
                    (doc.id, doc.source.where(), _json(doc)),
                )
                if cursor.rowcount == 0:
                    present += 1
            for article in articles:
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO articles (id, location, outlet, original_outlet,"
                    " headline, published, copy_of, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        article.id,
                        article.source.where(),
                        article.outlet.name if article.outlet else None,
                        article.original_outlet.name if article.original_outlet else None,
                        article.headline,
                        article.published.isoformat() if article.published else None,
                        article.copy_of.id if article.copy_of else None,
                        _json(article),
                    ),
                )
                if cursor.rowcount:
                    self._db.execute(
                        "INSERT INTO articles_fts (rowid, headline, body) VALUES (?, ?, ?)",
                        (cursor.lastrowid, article.headline or "", article.body),
                    )
                added += cursor.rowcount
                if cursor.rowcount:
                    self._add_publication(
                        Publication(article.id, article.source, article.url, article.outlet)
                    )
            for publication in publications:
                extra += self._add_publication(publication)
            self._db.executemany(
                "INSERT INTO copy_keys (article_id, digest, signature, scheme) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (article_id) DO UPDATE SET digest = excluded.digest,"
                " signature = excluded.signature, scheme = excluded.scheme",
                [(k.article, k.digest, k.signature, k.scheme) for k in copy_keys],
            )
            self._db.executemany(
                "INSERT INTO skipped (location, code, reason, recorded_at) VALUES (?, ?, ?, ?)",
                [(item.where, item.code, item.reason, now) for item in skipped],
            )
            if stories is not None:
                self._write_stories(stories)
            self._write_analyses(analyses)
        return BatchResult(added=added, already_present=present, publications=extra)

    def publications(self, article_id: str) -> list[Publication]:
        """Every publication of an article, first one first."""
        rows = self._db.execute(
            "SELECT record FROM publications WHERE article_id = ? ORDER BY seq", (article_id,)
        ).fetchall()
        return [from_dict(Publication, json.loads(row[0])) for row in rows]

    def _add_publication(self, publication: Publication) -> int:
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO publications (article_id, outlet, url, location, record)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                publication.article,
                publication.outlet.name if publication.outlet else None,
                publication.url,
                publication.source.where(),
                _json(publication),
            ),
        )
        return cursor.rowcount

    def save_analyses(self, analyses: Sequence[AnalyzedArticle]) -> None:
        """Store analyses of stored articles in one transaction, replacing earlier ones."""
        with self._transaction():
            self._write_analyses(analyses)

    def get_analysis(self, article_id: str) -> AnalyzedArticle | None:
        """The stored analysis of an article, or ``None``."""
        row = self._one(
            "SELECT ar.record, an.record FROM analyses an JOIN articles ar ON ar.id = an.article_id"
            " WHERE an.article_id = ?",
            (article_id,),
        )
        return _analysis(row[0], row[1]) if row else None

    def iter_analyses(self) -> Iterator[AnalyzedArticle]:
        """Every stored analysis, in the articles' ingest order."""
        for article, analysis in self._db.execute(
            "SELECT ar.record, an.record FROM analyses an JOIN articles ar ON ar.id = an.article_id"
            " ORDER BY ar.seq"
        ):
            yield _analysis(article, analysis)

    def pending_analysis(
        self, *, nlp_model: str | None = None, made_by: str | None = None
    ) -> list[str]:
        """Ids of articles without an analysis (or with one another model/version made)."""
        conditions = ["an.article_id IS NULL"]
        arguments: list[str] = []
        if nlp_model is not None:
            conditions.append("an.nlp_model != ?")
            arguments.append(nlp_model)
        if made_by is not None:
            conditions.append("an.made_by != ?")
            arguments.append(made_by)
        rows = self._db.execute(
            "SELECT ar.id FROM articles ar LEFT JOIN analyses an ON an.article_id = ar.id"
            f" WHERE {' OR '.join(conditions)} ORDER BY ar.seq",
            arguments,
        )
        return [row[0] for row in rows]

    def analysis_versions(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The stamp of each given article's stored analysis (model, made_by, revision)."""
        found: dict[str, str] = {}
        ids = list(dict.fromkeys(article_ids))
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            for article_id, nlp_model, made_by, revision in self._all(
                "SELECT article_id, nlp_model, made_by, revision FROM analyses"
                f" WHERE article_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ):
                found[article_id] = f"{nlp_model}|{made_by}|{revision}"
        return found

    def get_comparison(self, story_id: str, fingerprint: str) -> StoryComparison | None:
        """The story's stored comparison if stored under ``fingerprint``, else ``None``."""
        row = self._one(
            "SELECT record FROM comparisons WHERE story_id = ? AND fingerprint = ?",
            (story_id, fingerprint),
        )
        return from_dict(StoryComparison, json.loads(row[0])) if row else None

    def save_comparison(
        self, story_id: str, fingerprint: str, comparison: StoryComparison
    ) -> None:
        """Keep (replace) a story's comparison under its fingerprint."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        record = _json(comparison)
        with self._transaction():
            self._db.execute(
                "INSERT INTO comparisons (story_id, fingerprint, computed_at, record)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (story_id) DO UPDATE SET"
                " fingerprint = excluded.fingerprint, computed_at = excluded.computed_at,"
                " record = excluded.record",
                (story_id, fingerprint, now, record),
            )

    def search(self, query: SearchQuery) -> list[SearchHit]:
        """FTS5 search ranked by BM25 (see :class:`~newsprism.store.base.SearchQuery`)."""
        match = fts5_match(parse_query(query.text))
        filters, arguments = _filters(query)
        try:
            if query.scope == "quotes":
                return self._search_quotes(match, filters, arguments, query)
            if query.scope == "entities":
                return self._search_entities(match, filters, arguments, query)
            return self._search_articles(match, filters, arguments, query)
        except sqlite3.OperationalError as exc:
            raise QueryError(f"the search index refused the query ({exc})", where=match) from exc

    def _search_articles(
        self, match: str, filters: str, arguments: list[Any], query: SearchQuery
    ) -> list[SearchHit]:
        rows = self._db.execute(
            "SELECT ar.id, ar.outlet, ar.headline, ar.published,"
            # Headline words weigh twice body words (bm25 column weights).
            " bm25(articles_fts, 2.0, 1.0) AS rank,"
            " highlight(articles_fts, 1, char(1), char(2)),"
            " highlight(articles_fts, 0, char(1), char(2))"
            " FROM articles_fts JOIN articles ar ON ar.seq = articles_fts.rowid"
            f" WHERE articles_fts MATCH ? {filters} ORDER BY rank LIMIT ?",
            (match, *arguments, query.limit),
        ).fetchall()
        hits = []
        for article_id, outlet, headline, published, rank, body, title in rows:
            found = _marked(body)
            field_text = body
            if found is None:
                found, field_text = _marked(title), title
            start, end = found if found is not None else (0, 0)
            text = field_text.replace("\x01", "").replace("\x02", "")[start:end]
            in_body = field_text is body
            hits.append(
                SearchHit(
                    scope="articles",
                    article_id=article_id,
                    outlet=outlet,
                    headline=headline,
                    published=_date(published),
                    text=text,
                    start_char=start if in_body else None,
                    end_char=end if in_body else None,
                    score=-rank,
                )
            )
        return hits

    def _search_quotes(
        self, match: str, filters: str, arguments: list[Any], query: SearchQuery
    ) -> list[SearchHit]:
        if query.speaker is not None:
            filters += " AND at.speaker LIKE ? ESCAPE '\\'"
            arguments = [*arguments, "%" + _like(query.speaker) + "%"]
        rows = self._db.execute(
            "SELECT at.article_id, ar.outlet, ar.headline, ar.published, bm25(quotes_fts) AS rank,"
            " at.content_text, at.content_start, at.content_end, at.speaker, at.cue_text,"
            " at.cue_class, at.entity_id"
            " FROM quotes_fts JOIN attributions at ON at.rowid = quotes_fts.rowid"
            " JOIN articles ar ON ar.id = at.article_id"
            f" WHERE quotes_fts MATCH ? {filters} ORDER BY rank LIMIT ?",
            (match, *arguments, query.limit),
        ).fetchall()
        return [
            SearchHit(
                scope="quotes",
                article_id=row[0],
                outlet=row[1],
                headline=row[2],
                published=_date(row[3]),
                text=row[5],
                start_char=row[6],
                end_char=row[7],
                score=-row[4],
                speaker=row[8],
                cue=row[9],
                cue_class=row[10],
                entity_id=row[11],
            )
            for row in rows
        ]

    def _search_entities(
        self, match: str, filters: str, arguments: list[Any], query: SearchQuery
    ) -> list[SearchHit]:
        rows = self._db.execute(
            "SELECT e.article_id, ar.outlet, ar.headline, ar.published,"
            " bm25(entities_fts, 2.0, 1.0) AS rank, e.entity_id, e.name,"
            " highlight(entities_fts, 1, char(1), char(2))"
            " FROM entities_fts JOIN entities e ON e.rowid = entities_fts.rowid"
            " JOIN articles ar ON ar.id = e.article_id"
            f" WHERE entities_fts MATCH ? {filters} ORDER BY rank LIMIT ?",
            (match, *arguments, query.limit),
        ).fetchall()
        hits = []
        for article_id, outlet, headline, published, rank, entity_id, name, marked in rows:
            mentions = self._db.execute(
                "SELECT start_char, end_char, text FROM mentions WHERE article_id = ? AND"
                " entity_id = ? ORDER BY mention_no",
                (article_id, entity_id),
            ).fetchall()
            # The mentions are indexed joined by " | " in mention order: the first marked one
            # is the first mention that matches.
            marked_index = next(
                (i for i, part in enumerate(marked.split(" | ")) if "\x01" in part), None
            )
            chosen = mentions[marked_index] if marked_index is not None else None
            hits.append(
                SearchHit(
                    scope="entities",
                    article_id=article_id,
                    outlet=outlet,
                    headline=headline,
                    published=_date(published),
                    text=chosen[2] if chosen else name,
                    start_char=chosen[0] if chosen else None,
                    end_char=chosen[1] if chosen else None,
                    score=-rank,
                    entity_id=entity_id,
                )
            )
        return hits

    def _write_analyses(self, analyses: Sequence[AnalyzedArticle]) -> None:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        for analysis in analyses:
            article_id = analysis.article.id
            self._db.execute(
                "DELETE FROM quotes_fts WHERE rowid IN"
                " (SELECT rowid FROM attributions WHERE article_id = ?)",
                (article_id,),
            )
            self._db.execute(
                "DELETE FROM entities_fts WHERE rowid IN"
                " (SELECT rowid FROM entities WHERE article_id = ?)",
                (article_id,),
            )
            for name in ANALYSIS_TABLES:
                self._db.execute(f"DELETE FROM {name} WHERE article_id = ?", (article_id,))
            self._db.execute(
                "INSERT INTO analyses (article_id, nlp_model, made_by, analysed_at, record)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET"
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
                columns = TABLES[name].names
                self._db.executemany(
                    f"INSERT INTO {name} ({', '.join(columns)})"
                    f" VALUES ({', '.join('?' * len(columns))})",
                    rows,
                )
            self._db.execute(
                "INSERT INTO quotes_fts (rowid, content, speaker) SELECT rowid, content_text,"
                " speaker FROM attributions WHERE article_id = ?",
                (article_id,),
            )
            self._db.execute(
                "INSERT INTO entities_fts (rowid, name, mentions) SELECT e.rowid, e.name,"
                " (SELECT group_concat(m.text, ' | ') FROM (SELECT text FROM mentions WHERE"
                " article_id = e.article_id AND entity_id = e.entity_id ORDER BY mention_no) m)"
                " FROM entities e WHERE e.article_id = ?",
                (article_id,),
            )

    def has(self, document_id: str) -> bool:
        """Whether the document's article is stored."""
        row = self._one("SELECT 1 FROM articles WHERE id = ?", (document_id,))
        return row is not None

    def get_document(self, document_id: str) -> RawDocument | None:
        """The raw document with this id, or ``None``."""
        row = self._one("SELECT record FROM documents WHERE id = ?", (document_id,))
        return from_dict(RawDocument, json.loads(row[0])) if row else None

    def get_article(self, article_id: str) -> Article | None:
        """The article with this id, or ``None``."""
        row = self._one("SELECT record FROM articles WHERE id = ?", (article_id,))
        return from_dict(Article, json.loads(row[0])) if row else None

    def list_articles(
        self, *, limit: int = 100, offset: int = 0, outlet: str | None = None
    ) -> list[ArticleSummary]:
        """Stored articles in ingest order, optionally those with a publication by ``outlet``."""
        where, arguments = (
            ("WHERE id IN (SELECT article_id FROM publications WHERE outlet = ?)", [outlet])
            if outlet
            else ("", [])
        )
        rows = self._db.execute(
            "SELECT id, location, outlet, original_outlet, headline, published, copy_of,"
            " (SELECT json_group_array(p.outlet) FROM (SELECT outlet FROM publications"
            "  WHERE article_id = articles.id AND outlet IS NOT NULL ORDER BY seq) AS p)"
            f" FROM articles {where} ORDER BY seq LIMIT ? OFFSET ?",
            (*arguments, limit, offset),
        ).fetchall()
        return [
            ArticleSummary(
                id=row[0],
                location=row[1],
                outlet=row[2],
                original_outlet=row[3],
                headline=row[4],
                published=dt.date.fromisoformat(row[5]) if row[5] else None,
                copy_of=row[6],
                outlets=tuple(dict.fromkeys(json.loads(row[7] or "[]"))),
            )
            for row in rows
        ]

    def iter_articles(self) -> Iterator[Article]:
        """Every stored article, in ingest order."""
        for (record,) in self._db.execute("SELECT record FROM articles ORDER BY seq"):
            yield from_dict(Article, json.loads(record))

    def copy_texts(self) -> Iterator[tuple[str, str]]:
        """``(id, body)`` of every stored article, in ingest order."""
        # The body alone, extracted by SQLite: parsing whole records (whose paragraphs repeat
        # the body) cost more than the copy detector's own work, and several copies of a large
        # article's text in memory.
        yield from self._db.execute(
            "SELECT id, json_extract(record, '$.body') FROM articles ORDER BY seq"
        )

    def copy_keys(self) -> Iterator[tuple[str, CopyKey | None]]:
        """Every stored article's id and copy key (``None`` when it has none), in ingest order."""
        for article_id, digest, signature, scheme in self._db.execute(
            "SELECT a.id, k.digest, k.signature, k.scheme FROM articles AS a"
            " LEFT JOIN copy_keys AS k ON k.article_id = a.id ORDER BY a.seq"
        ):
            key = None if digest is None else CopyKey(article_id, digest, bytes(signature), scheme)
            yield article_id, key

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
        with self._transaction():
            self._write_stories(update)

    def load_story_state(self) -> tuple[int, bytes] | None:
        """The saved story-clusterer state and the article count it covers, if any."""
        row = self._one("SELECT articles, state FROM story_state WHERE id = 1", ())
        return None if row is None else (int(row[0]), bytes(row[1]))

    def save_story_state(self, articles: int, state: bytes) -> None:
        """Replace the saved story-clusterer state."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO story_state (id, articles, state) VALUES (1, ?, ?)"
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
            rows = self._db.execute(
                "SELECT record FROM stories ORDER BY founded LIMIT ? OFFSET ?", (limit, offset)
            ).fetchall()
            return [from_dict(Story, json.loads(row[0])) for row in rows]
        published = {
            str(row[0])
            for row in self._db.execute(
                "SELECT DISTINCT article_id FROM publications WHERE outlet = ?", (outlet,)
            )
        }
        chosen: list[Story] = []
        skipped = 0
        for (record,) in self._db.execute("SELECT record FROM stories ORDER BY founded"):
            story = from_dict(Story, json.loads(record))
            if outlet not in story.outlets and not any(
                member.id in published for member in story.articles
            ):
                continue
            if skipped < offset:
                skipped += 1
                continue
            chosen.append(story)
            if len(chosen) >= limit:
                break
        return chosen

    def get_story(self, story_id: str) -> Story | None:
        """The story with this id, or ``None``."""
        row = self._one("SELECT record FROM stories WHERE id = ?", (story_id,))
        return from_dict(Story, json.loads(row[0])) if row else None

    def story_of(self, article_id: str) -> str | None:
        """The story id of an article, or ``None``."""
        row = self._one("SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,))
        return str(row[0]) if row else None

    def story_changes(self, story_id: str | None = None) -> list[StoryChange]:
        """Merges and splits in order, optionally those touching one story."""
        changes = [
            from_dict(StoryChange, json.loads(record))
            for (record,) in self._db.execute("SELECT record FROM story_changes ORDER BY seq")
        ]
        return [
            c for c in changes if story_id is None or story_id == c.story or story_id in c.others
        ]

    def save_entities(self, entities: Sequence[GlobalEntity], articles: Sequence[str]) -> None:
        """Write changed global entities and mark articles as resolved, in one transaction."""
        with self._transaction():
            for entity in entities:
                self._db.execute(
                    "INSERT INTO global_entities (id, name, label, articles, record)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
                    " label = excluded.label, articles = excluded.articles,"
                    " record = excluded.record",
                    (entity.id, entity.name, entity.label, len(entity.articles), _json(entity)),
                )
            self._db.executemany(
                "INSERT OR IGNORE INTO entity_articles (article_id) VALUES (?)",
                [(article_id,) for article_id in articles],
            )
            self._db.executemany(
                "UPDATE entities SET global_id = ? WHERE article_id = ? AND entity_id = ?",
                [(gid, aid, eid) for (aid, eid), gid in global_entity_ids(entities).items()],
            )

    def list_entities(
        self, *, limit: int = 100, offset: int = 0, label: str | None = None
    ) -> list[GlobalEntity]:
        """Global entities, those in most articles first, optionally of one label."""
        where, arguments = ("WHERE label = ?", [label]) if label else ("", [])
        rows = self._db.execute(
            f"SELECT record FROM global_entities {where} ORDER BY articles DESC, seq"
            " LIMIT ? OFFSET ?",
            (*arguments, limit, offset),
        ).fetchall()
        return [from_dict(GlobalEntity, json.loads(row[0])) for row in rows]

    def iter_entities(self) -> Iterator[GlobalEntity]:
        """Every global entity, in creation order."""
        for (record,) in self._db.execute("SELECT record FROM global_entities ORDER BY seq"):
            yield from_dict(GlobalEntity, json.loads(record))

    def resolved_articles(self) -> set[str]:
        """Ids of the articles whose entities were resolved."""
        return {row[0] for row in self._db.execute("SELECT article_id FROM entity_articles")}

    def get_entity(self, entity_id: str) -> GlobalEntity | None:
        """The global entity with this id, or ``None``."""
        row = self._one("SELECT record FROM global_entities WHERE id = ?", (entity_id,))
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
            " WHERE e.global_id = ?"
            " ORDER BY a.published IS NULL, a.published, a.seq, d.entity_id, d.descriptor_no"
            " LIMIT ?",
            (entity_id, limit),
        )
        return [
            EntityDescriptorRow(r[0], r[1], r[2], _date(r[3]), r[4], r[5], r[6], r[7])
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
            " WHERE e.global_id = ?"
            " ORDER BY a.published IS NULL, a.published, a.seq, t.attribution_no LIMIT ?",
            (entity_id, limit),
        )
        return [EntityQuoteRow(r[0], r[1], _date(r[2]), *r[3:]) for r in rows]

    def global_ids(self, article_id: str) -> dict[str, str]:
        """Article-local entity id -> global entity id, for an article's resolved entities."""
        rows = self._all(
            "SELECT entity_id, global_id FROM entities"
            " WHERE article_id = ? AND global_id IS NOT NULL",
            (article_id,),
        )
        return {str(r[0]): str(r[1]) for r in rows}

    def _write_stories(self, update: StoryUpdate) -> None:
        self._db.executemany("DELETE FROM stories WHERE id = ?", [(i,) for i in update.removed])
        self._db.executemany(
            "DELETE FROM comparisons WHERE story_id = ?", [(i,) for i in update.removed]
        )
        for story in update.stories:
            self._db.execute(
                "INSERT INTO stories (id, title, size, founded, record) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET title = excluded.title, size = excluded.size,"
                " founded = excluded.founded, record = excluded.record",
                (
                    story.id,
                    story.title,
                    len(story.articles),
                    story.articles[0].seq if story.articles else 0,
                    _json(story),
                ),
            )
            self._db.executemany(
                "INSERT INTO story_articles (article_id, story_id, arrival) VALUES (?, ?, ?)"
                " ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id",
                [(member.id, story.id, member.seq) for member in story.articles],
            )
        for change in update.changes:
            self._db.execute(
                "INSERT INTO story_changes (kind, story_id, record) VALUES (?, ?, ?)",
                (change.kind.value, change.story, _json(change)),
            )

    def _journal_mode(self) -> str:
        row = self._one("PRAGMA journal_mode", ())
        return str(row[0]).lower() if row else ""

    def _version(self) -> int:
        """The schema version recorded in the file, 0 for a new file."""
        table = self._one(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'", ()
        )
        if table is None:
            return 0
        row = self._one("SELECT max(version) FROM schema_migrations", ())
        return int(row[0]) if row and row[0] is not None else 0

    def _ready(self) -> bool:
        """Whether the file is in WAL mode at the latest schema (nothing to do under the lock)."""
        known = migrations()
        latest = known[-1][0] if known else 0
        current = self._version()
        if current > latest:
            raise StoreError(
                f"the database has schema version {current}, newer than this newsprism knows"
                f" ({latest}); upgrade newsprism, or use another --db file",
                where=str(self.path),
            )
        return current == latest and self._journal_mode() == "wal"

    def _migrate(self) -> int:
        """Apply the missing migrations; called holding the lock, so it re-reads the version."""
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations"
            " (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        current = self._version()
        known = migrations()
        latest = known[-1][0] if known else 0
        if current > latest:
            raise StoreError(
                f"the database has schema version {current}, newer than this newsprism knows"
                f" ({latest}); upgrade newsprism, or use another --db file",
                where=str(self.path),
            )
        for version, name, sql in known:
            if version <= current:
                continue
            applied = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            with self._transaction():
                # Another process may have applied it between the check and this transaction
                # when it ran without the lock (an older newsprism): then it is done.
                if self._one("SELECT 1 FROM schema_migrations WHERE version = ?", (version,)):
                    current = version
                    continue
                for statement in _statements(sql):
                    self._db.execute(statement)
                self._db.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, applied),
                )
            current = version
        return current

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db, self.path)

    def _one(self, sql: str, arguments: Sequence[Any]) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._db.execute(sql, arguments).fetchone()
        return row

    def _all(self, sql: str, arguments: Sequence[Any]) -> list[tuple[Any, ...]]:
        return self._db.execute(sql, arguments).fetchall()


class _LockFile:
    """An exclusive ``flock`` on a file beside the database, held by one process at a time.

    The holder writes its process id into the file so that a waiting process can name it.
    """

    def __init__(self, path: Path, *, database: Path) -> None:
        self._path = path
        self._database = database
        self._fd: int | None = None
        self._depth = 0

    @contextmanager
    def held(self, *, wait: float) -> Iterator[None]:
        """Hold the lock, waiting up to ``wait`` seconds for another holder to let go."""
        if self._depth:
            # Already held by this store (a migration inside a writer run, nested runs).
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._acquire(wait)
        self._depth = 1
        try:
            yield
        finally:
            self._depth = 0
            self._release()

    def close(self) -> None:
        """Release the lock and close the file."""
        self._depth = 0
        self._release()

    def _acquire(self, wait: float) -> None:
        try:
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise StoreError(
                f"cannot open the lock file {self._path} ({exc.strerror}); the folder of the"
                " database must be writable",
                where=str(self._database),
            ) from exc
        deadline = time.monotonic() + wait
        waited = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(fd)
                    os.close(fd)
                    raise StoreError(
                        f"another newsprism process{holder} is writing to this database and"
                        f" held its lock ({self._path}) for more than {wait:g} s; wait for it"
                        " to finish, raise store.writer_wait_seconds, or use another --db",
                        where=str(self._database),
                    ) from None
                if not waited:
                    logger.warning(
                        "%s: another newsprism process%s is writing; waiting for it",
                        self._database,
                        _holder(fd),
                    )
                    waited = True
                time.sleep(_LOCK_POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd

    def _release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any error."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self._db = db
        self._path = path

    def __enter__(self) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(_explain(exc), where=str(self._path)) from exc

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if error is None:
            self._db.execute("COMMIT")
            return
        self._db.execute("ROLLBACK")
        if isinstance(error, sqlite3.DatabaseError):
            raise StoreError(_explain(error), where=str(self._path)) from error


def _statements(sql: str) -> list[str]:
    # Migration files hold plain DDL: no semicolons inside literals or triggers.
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


def _analysis(article: str, analysis: str) -> AnalyzedArticle:
    return analysis_from_record(from_dict(Article, json.loads(article)), json.loads(analysis))


def _filters(query: SearchQuery) -> tuple[str, list[Any]]:
    # Filters on the joined articles row ("ar"), as SQL after the MATCH condition.
    parts: list[str] = []
    arguments: list[Any] = []
    if query.outlet is not None:
        parts.append("(ar.outlet = ? OR ar.original_outlet = ?)")
        arguments += [query.outlet, query.outlet]
    if query.since is not None:
        parts.append("ar.published >= ?")
        arguments.append(query.since.isoformat())
    if query.until is not None:
        parts.append("ar.published <= ?")
        arguments.append(query.until.isoformat())
    return "".join(" AND " + part for part in parts), arguments


def _marked(text: str) -> tuple[int, int] | None:
    # Offsets of the first highlighted token, in the text without the markers.
    start = text.find("\x01")
    if start < 0:
        return None
    end = text.find("\x02", start)
    return start, end - 1


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _json(record: Any) -> str:
    return json.dumps(to_dict(record), ensure_ascii=False)


def _explain(error: sqlite3.DatabaseError) -> str:
    text = str(error)
    if "not a database" in text or "malformed" in text:
        return f"not a newsprism database ({text}); pass another --db file or move this one away"
    if "locked" in text or "busy" in text:
        return (
            f"the database is in use by another process ({text}); wait for it or use another --db"
        )
    return f"database error ({text}); check the file and the disk"
