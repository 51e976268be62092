"""The storage interface every backend implements, and the store's own read records.

A store keeps raw documents, their extracted articles and the skipped inputs. Writes come in
batches, each one transaction, so an interrupted run leaves whole batches behind and the next run
completes the rest (documents are keyed by their content-hash id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self

from newsprism.model import Article, RawDocument, Skipped


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
    ) -> BatchResult:
        """Store one batch in one transaction; documents already present are left as they are."""
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
