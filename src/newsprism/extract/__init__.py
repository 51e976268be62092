"""extract stage: every RawDocument becomes an Article.

HTML goes through :mod:`.html` (trafilatura-based body, own metadata and date rules); plain-text
scrapes through :mod:`.text` (a line classifier with markers in ``data/boilerplate.toml``). Both
keep what they leave out: captions with credits apart, removed boilerplate with its class.

A publication date is never invented. Its order of trust: the user's ``--published`` flag, a date
carried by the container (JSONL field, feed item), then what the page itself says.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator

from newsprism.config import Settings
from newsprism.errors import InputError
from newsprism.extract.dates import parse_date_string
from newsprism.extract.html import extract_html
from newsprism.extract.text import extract_text
from newsprism.extract.verbatim import article_as_is
from newsprism.ingest.outlets import OutletDirectory
from newsprism.model import Article, Confidence, MediaType, RawDocument, Skipped, SourceKind

__all__ = ["extract_all", "extract_document"]


def extract_document(
    doc: RawDocument,
    *,
    settings: Settings,
    outlets: OutletDirectory,
    published: dt.date | None = None,
    clean: bool = True,
) -> Article:
    """Extract one article from a raw document.

    Args:
        doc: The document as ingested.
        settings: newsprism settings; ``settings.extract`` is used.
        outlets: The outlet directory, to recognise syndication signatures.
        published: A publication date supplied by the user; overrides every other source.
        clean: With ``False``, a plain-text document's content is the body exactly as it is
            (:func:`~newsprism.extract.verbatim.article_as_is`), so offsets index into it.

    Returns:
        The article, with ``published`` left ``None`` when no reliable date exists.

    Raises:
        NoArticleError: The document holds no article text.
        UnreadableInputError: HTML that cannot be parsed.
    """
    if not clean:
        article = article_as_is(doc)
    elif doc.media_type is MediaType.HTML:
        article = extract_html(doc, settings=settings.extract, outlets=outlets)
    else:
        article = extract_text(doc, settings=settings.extract, outlets=outlets)
    return _with_supplied_date(article, doc, published)


def extract_all(
    docs: Iterable[RawDocument],
    *,
    settings: Settings,
    outlets: OutletDirectory,
    published: dt.date | None = None,
) -> Iterator[Article | Skipped]:
    """Extract every document; one that cannot be used becomes a ``Skipped`` record."""
    for doc in docs:
        try:
            yield extract_document(doc, settings=settings, outlets=outlets, published=published)
        except InputError as exc:
            yield Skipped(where=doc.source.where(), reason=exc.message, code=exc.code)


def _with_supplied_date(article: Article, doc: RawDocument, flag: dt.date | None) -> Article:
    if flag is not None:
        return dataclasses.replace(
            article,
            published=flag,
            published_from="flag",
            published_confidence=Confidence.HIGH,
            published_evidence=flag.isoformat(),
        )
    carried = parse_date_string(doc.published) if doc.published else None
    if carried is None:
        return article
    found_by = "feed" if doc.source.kind is SourceKind.FEED else "record"
    return dataclasses.replace(
        article,
        published=carried,
        published_from=found_by,
        published_confidence=Confidence.HIGH,
        published_evidence=doc.published,
    )
