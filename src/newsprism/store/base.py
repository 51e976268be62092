"""The storage interface every backend implements, and the store's own read records.

A store keeps raw documents, their extracted articles and the skipped inputs. Writes come in
batches, each one transaction, so an interrupted run leaves whole batches behind and the next run
completes the rest (documents are keyed by their content-hash id).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self

from newsprism.model import (
    Article,
    GlobalEntity,
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
    ) -> BatchResult:
        """Store one batch in one transaction; documents already present are left as they are.

        ``stories``, when given, is written in the same transaction: the batch's articles and
        their story assignments survive or vanish together.
        """
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
        """Stored articles in ingest order, optionally of one outlet."""
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
