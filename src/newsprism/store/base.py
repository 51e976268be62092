"""The storage interface every backend implements, and the store's own read records.

A store keeps raw documents, their extracted articles and the skipped inputs. Writes come in
batches, each one transaction, so an interrupted run leaves whole batches behind and the next run
completes the rest (documents are keyed by their content-hash id).

Identity and publications (schema 4). An article's id is the hash of its text, so one text is
stored once however many outlets ran it; every place it ran is a ``Publication`` (article id,
outlet, URL, source) in a ``publications`` table beside ``articles``::

    articles      (id PK, ..., outlet, record)          the text and its first extraction
    publications  (seq, article_id -> articles.id, outlet, url, location, record)
                  unique on (article_id, coalesce(outlet, ''), coalesce(url, ''))

Copy keys (schema 4): ``copy_keys (article_id PK -> articles.id, digest, signature, scheme)``
holds each text's ``CopyKey`` (``add_batch(copy_keys=)``, upserted), read back by
``copy_keys()`` so copy detection never re-reads stored texts.

``add_batch`` writes each new article's own publication (its outlet and URL) with it, plus the
``publications`` it is given (the same text arriving from another outlet or URL); a publication
already present is passed over, so re-running a batch changes nothing. ``list_articles(outlet=)``
matches any publication's outlet. Migration 4 gives every existing article its publication.

Writers. One process writes at a time: ``writer()`` holds the store's single-writer lock for a
whole run (SQLite: ``flock`` on the file ``DB.lock`` beside the database, waiting up to
``store.writer_wait_seconds``; PostgreSQL: ``pg_advisory_lock``), so two ingests started together
end exactly as if run one after the other. Migrations run under the same lock and are
idempotent (each re-checks the version inside it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self

from newsprism.model import (
    Article,
    CopyKey,
    GlobalEntity,
    Publication,
    RawDocument,
    Skipped,
    Story,
    StoryChange,
    StoryUpdate,
)


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What one ``add_batch`` call changed."""

    added: int
    already_present: int
    publications: int = 0


@dataclass(frozen=True, slots=True)
class StoreCounts:
    """How much the store holds; copies are counted once in ``unique_articles``."""

    documents: int
    articles: int
    unique_articles: int
    skipped: int


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """One line of ``newsprism list``: the indexed columns of a stored article."""

    id: str
    location: str
    outlet: str | None
    original_outlet: str | None
    headline: str | None
    published: dt.date | None
    copy_of: str | None
    outlets: tuple[str, ...] = ()


class Store(Protocol):
    """Where documents and articles are kept. Implementations: SQLite, memory."""

    schema_version: int

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def close(self) -> None:
        """Release the connection; the store cannot be used afterwards."""

    def add_batch(
        self,
        documents: Sequence[RawDocument],
        articles: Sequence[Article],
        skipped: Sequence[Skipped],
        *,
        stories: StoryUpdate | None = None,
        publications: Sequence[Publication] = (),
        copy_keys: Sequence[CopyKey] = (),
    ) -> BatchResult:
        """Store one batch in one transaction; documents already present are left as they are.

        ``stories``, when given, is written in the same transaction: the batch's articles and
        their story assignments survive or vanish together. Each new article's own publication
        is stored with it; ``publications`` adds further ones (of stored or new articles), those
        already present passed over. ``copy_keys`` are stored (replacing an article's older key).
        """
        ...

    def copy_keys(self) -> Iterator[tuple[str, CopyKey | None]]:
        """Every stored article's id and copy key (``None`` when it has none), in ingest order."""
        ...

    def writer(self) -> AbstractContextManager[None]:
        """Hold the single-writer lock for a whole run of writes (waiting for another holder).

        Raises:
            StoreError: Another writer held it for longer than ``store.writer_wait_seconds``.
        """
        ...

    def publications(self, article_id: str) -> list[Publication]:
        """Every publication of an article, first one first."""
        ...

    def has(self, document_id: str) -> bool:
        """Whether a document and its article are both stored."""
        ...

    def get_document(self, document_id: str) -> RawDocument | None:
        """The raw document with this id, or ``None``."""
        ...

    def get_article(self, article_id: str) -> Article | None:
        """The article with this id, or ``None``."""
        ...

    def list_articles(
        self, *, limit: int = 100, offset: int = 0, outlet: str | None = None
    ) -> list[ArticleSummary]:
        """Stored articles in ingest order, optionally those with a publication by ``outlet``;
        ``outlets`` names every publishing outlet."""
        ...

    def iter_articles(self) -> Iterator[Article]:
        """Every stored article, in ingest order."""
        ...

    def copy_texts(self) -> Iterator[tuple[str, str]]:
        """``(id, body)`` of every stored article, to seed duplicate detection."""
        ...

    def count(self) -> StoreCounts:
        """How many documents, articles and skipped inputs are stored."""
        ...

    def save_stories(self, update: StoryUpdate) -> None:
        """Write changed stories, drop removed ones, record merges and splits (one transaction)."""
        ...

    def load_story_state(self) -> tuple[int, bytes] | None:
        """The saved story-clusterer state and the article count it covers, if any."""
        ...

    def save_story_state(self, articles: int, state: bytes) -> None:
        """Replace the saved story-clusterer state."""
        ...

    def list_stories(
        self, *, limit: int = 100, offset: int = 0, outlet: str | None = None
    ) -> list[Story]:
        """Stories, oldest first, optionally only those with an article credited to ``outlet``."""
        ...

    def get_story(self, story_id: str) -> Story | None:
        """The story with this id, or ``None``."""
        ...

    def story_of(self, article_id: str) -> str | None:
        """The id of the story an article belongs to, or ``None`` when not assigned."""
        ...

    def story_changes(self, story_id: str | None = None) -> list[StoryChange]:
        """Merges and splits in the order they happened, optionally those touching one story."""
        ...

    def save_entities(self, entities: Sequence[GlobalEntity], articles: Sequence[str]) -> None:
        """Write changed global entities and mark ``articles`` as resolved (one transaction)."""
        ...

    def list_entities(
        self, *, limit: int = 100, offset: int = 0, label: str | None = None
    ) -> list[GlobalEntity]:
        """Global entities, those in most articles first, optionally of one label."""
        ...

    def iter_entities(self) -> Iterator[GlobalEntity]:
        """Every global entity, in creation order."""
        ...

    def resolved_articles(self) -> set[str]:
        """Ids of the articles whose entities were resolved."""
        ...


_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@|(password\s*=\s*)\S+")


def redact(url: str) -> str:
    """A connection string with any password replaced by ``***``, fit for messages."""
    return _PASSWORD.sub(
        lambda m: f"{m.group(1)}***@" if m.group(1) else f"{m.group(2)}***", url
    )
