"""Chains the stages: ingest -> extract -> copy detection -> store.

The library functions here return reports; they never print. Progress is reported through an
optional callback so the CLI can draw a bar and the web app a counter.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

from newsprism.config import Settings
from newsprism.errors import InputError
from newsprism.extract import extract_document
from newsprism.ingest import read_inputs
from newsprism.ingest.dedup import CopyDetector
from newsprism.ingest.outlets import OutletDirectory
from newsprism.model import Article, RawDocument, Skipped
from newsprism.store.base import Store

Progress = Callable[[str], None]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one ingest run did.

    Attributes:
        read: Documents read from the inputs.
        added: Articles newly stored.
        already_present: Documents that were already in the store (re-ingest is idempotent).
        copies: Added articles recognised as copies of earlier ones (kept, linked, counted once).
        skipped: Inputs or records that could not be used, with reasons.
        articles: The articles added in this run, in input order.
    """

    read: int
    added: int
    already_present: int
    copies: int
    skipped: tuple[Skipped, ...]
    articles: tuple[Article, ...]


def ingest_into(
    inputs: Iterable[str],
    *,
    store: Store,
    settings: Settings,
    outlets: OutletDirectory,
    outlet: str | None = None,
    published: dt.date | None = None,
    on_document: Progress | None = None,
) -> IngestReport:
    """Read, extract, link copies and store every input, one store transaction per batch.

    A run killed part-way leaves whole batches behind; running it again adds the rest, since
    documents already stored are recognised by their content-hash id and passed over.

    Args:
        inputs: File paths, directories or URLs.
        store: Where articles go.
        settings: newsprism settings.
        outlets: The outlet directory.
        outlet: An outlet name the user gives for every input (``--outlet``).
        published: A publication date the user gives for every input (``--published``).
        on_document: Called with each document's location as it is processed.

    Returns:
        Counts, skipped inputs and the added articles.
    """
    detector = CopyDetector(settings=settings.dedup)
    for doc_id, body in store.copy_texts():
        detector.check(doc_id, body)
    read = added = present = copies = 0
    skipped: list[Skipped] = []
    kept: list[Article] = []
    items = read_inputs(inputs, settings=settings, outlet=outlet, outlets=outlets)
    for batch in _batches(items, settings.ingest.batch_size):
        documents: list[RawDocument] = []
        articles: list[Article] = []
        batch_skipped: list[Skipped] = []
        for item in batch:
            if isinstance(item, Skipped):
                batch_skipped.append(item)
                continue
            read += 1
            if on_document is not None:
                on_document(item.source.where())
            if store.has(item.id) or any(doc.id == item.id for doc in documents):
                present += 1
                continue
            try:
                article = extract_document(
                    item, settings=settings, outlets=outlets, published=published
                )
            except InputError as exc:
                batch_skipped.append(Skipped(item.source.where(), exc.message, exc.code))
                continue
            copy_of = detector.check(article.id, article.body)
            if copy_of is not None:
                copies += 1
                article = dataclasses.replace(article, copy_of=copy_of)
                item = dataclasses.replace(item, copy_of=copy_of)
            documents.append(item)
            articles.append(article)
        result = store.add_batch(documents, articles, batch_skipped)
        added += result.added
        present += result.already_present
        skipped.extend(batch_skipped)
        kept.extend(articles)
    return IngestReport(read, added, present, copies, tuple(skipped), tuple(kept))


def extract_inputs(
    inputs: Iterable[str],
    *,
    settings: Settings,
    outlets: OutletDirectory,
    outlet: str | None = None,
    published: dt.date | None = None,
    on_document: Progress | None = None,
) -> Iterator[Article | Skipped]:
    """Read and extract inputs without storing them; copies are still linked."""
    detector = CopyDetector(settings=settings.dedup)
    for item in read_inputs(inputs, settings=settings, outlet=outlet, outlets=outlets):
        if isinstance(item, Skipped):
            yield item
            continue
        if on_document is not None:
            on_document(item.source.where())
        try:
            article = extract_document(
                item, settings=settings, outlets=outlets, published=published
            )
        except InputError as exc:
            yield Skipped(item.source.where(), exc.message, exc.code)
            continue
        copy_of = detector.check(article.id, article.body)
        yield dataclasses.replace(article, copy_of=copy_of) if copy_of else article


def _batches(items: Iterable[T], size: int) -> Iterator[Sequence[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
