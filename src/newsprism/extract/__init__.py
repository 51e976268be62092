"""extract stage: every RawDocument becomes an Article.

HTML goes through :mod:`.html` (trafilatura-based body, own metadata and date rules); plain-text
scrapes through :mod:`.text` (a line classifier with markers in ``data/boilerplate.toml``). Both
keep what they leave out: captions with credits apart, removed boilerplate with its class.

Every article gets an outlet to be shown by: the publisher found from the input and the page
(:mod:`.syndication`), else, for an outlet nothing names, its URL's host and path or its file
name (``found_by="unnamed"``), so that two unknown outlets are never one.

A record's own text (a JSONL ``text`` or ``html`` field, a feed item's content or summary) is
its body: boilerplate lines may be removed from it, but when extraction would leave nothing (a
one-sentence summary, a teaser cut off mid-sentence), the record's text is kept as it is.

A publication date is never invented. Its order of trust: the user's ``--published`` flag, a date
carried by the container (JSONL field, feed item), what the page itself says (an HTML page's
metadata and visible stamp; a plain-text scrape's date line by the headline), and last a full
date in the article's URL (``/2018/04/17/``; low confidence), for every input with a URL. A
URL that states another day than the page leaves the article undated.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from newsprism.config import Settings
from newsprism.errors import InputError, NoArticleError, UnreadableInputError
from newsprism.extract.dates import parse_date_string, url_date
from newsprism.extract.html import extract_html
from newsprism.extract.text import extract_text
from newsprism.extract.verbatim import article_as_is
from newsprism.ingest.outlets import OutletDirectory, identify_outlet, registered_domain
from newsprism.model import (
    Article,
    Confidence,
    MediaType,
    Outlet,
    RawDocument,
    Skipped,
    SourceKind,
)

__all__ = ["extract_all", "extract_document", "unnamed_outlet"]

logger = logging.getLogger(__name__)

# Inputs whose text is a record's own field: its body, never thrown away as page furniture.
_RECORDS = frozenset({SourceKind.JSONL, SourceKind.FEED})
# Elements after which an HTML record's text starts a new paragraph.
_BLOCKS = frozenset({"p", "div", "br", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"})


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
    # Whether the page's own dates were read (they were weighed against its URL's date).
    page_dates = clean and doc.media_type is MediaType.HTML
    try:
        if not clean:
            article = article_as_is(doc)
        elif doc.media_type is MediaType.HTML:
            article = extract_html(doc, settings=settings.extract, outlets=outlets)
        else:
            article = extract_text(doc, settings=settings.extract, outlets=outlets)
    except (NoArticleError, UnreadableInputError) as exc:
        if not clean or doc.source.kind not in _RECORDS:
            raise
        article = _record_as_body(doc, exc)
        page_dates = False
    if article.outlet is None:
        # Text kept as it is (--no-clean, a record's own text) was not read for its outlet.
        found = identify_outlet(outlets, url=doc.url) if doc.url else None
        article = dataclasses.replace(article, outlet=found or unnamed_outlet(doc))
    if not page_dates:
        # An HTML page's URL was already weighed against what the page states; a plain-text
        # scrape's date line is weighed here the same way.
        article = _with_url_date(article, doc)
    return _with_supplied_date(article, doc, published)


def _record_as_body(doc: RawDocument, error: InputError) -> Article:
    """The article whose body is a record's own text, as it is (markup reduced to its text)."""
    text = doc.content if doc.media_type is MediaType.TEXT else _html_text(doc.content)
    if not text.strip():
        raise error
    logger.info(
        "%s: extraction left no body (%s); the record's text is kept as its body",
        doc.source.where(),
        error.message,
    )
    plain = dataclasses.replace(doc, content=text.strip(), media_type=MediaType.TEXT)
    return dataclasses.replace(article_as_is(plain), id=doc.id)


def _html_text(markup: str) -> str:
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return ""
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


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


def unnamed_outlet(doc: RawDocument) -> Outlet:
    """The label of an outlet nothing names: the URL's host and path, else the file's name (and
    line or record), found_by "unnamed". Two such outlets are two columns, never one."""
    if doc.url:
        parts = urlsplit(doc.url)
        label = f"{parts.netloc}{parts.path}".rstrip("/") or doc.url
        return Outlet(
            label, domain=registered_domain(doc.url), found_by="unnamed", evidence=doc.url
        )
    source = doc.source
    label = Path(source.location).name or source.location
    if source.line is not None:
        label = f"{label}:{source.line}"
    elif source.record:
        label = f"{label}#{source.record}"
    return Outlet(label, found_by="unnamed", evidence=source.where())


def _with_url_date(article: Article, doc: RawDocument) -> Article:
    """The URL's date for an article whose text states none; for one whose date line states a
    day, the URL confirms it (HIGH confidence) or, stating another day, leaves the article
    undated (which of the two is the publication day cannot be told)."""
    found = url_date(doc.url or article.url)
    if found is None:
        return article
    if article.published is not None:
        if found.value == article.published:
            return dataclasses.replace(article, published_confidence=Confidence.HIGH)
        logger.info(
            "%s: its date line says %s, its URL %s; left undated",
            doc.source.where(), article.published, found.value,
        )
        return dataclasses.replace(
            article, published=None, published_from=None, published_confidence=None,
            published_evidence=None,
        )
    return dataclasses.replace(
        article,
        published=found.value,
        published_from=found.found_by,
        published_confidence=found.confidence,
        published_evidence=found.evidence,
    )
