"""RSS and Atom feeds: one document per item, or the item's linked page when a copy is given.

An item's content (or, without one, its summary) is its text: markup is read as HTML, a
description without tags or entities as plain text (common in real feeds).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import feedparser

from newsprism.errors import MalformedRecordError
from newsprism.ingest.readers import make_document
from newsprism.model import MediaType, Outlet, RawDocument, Skipped, Source, SourceKind

# A tag or an entity: content without one is plain text, however the feed labels it.
_MARKUP = re.compile(r"<[A-Za-z!/?]|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);")


def read_feed(
    text: str, *, location: str, encoding: str, pages: Mapping[str, RawDocument] | None = None
) -> Iterator[RawDocument | Skipped]:
    """Read a feed's items.

    Args:
        text: The feed XML.
        location: The feed file, for sources and messages.
        encoding: The encoding the feed was decoded with.
        pages: Local copies of linked pages by URL; an item whose link is among them is read
            from the page instead of the feed's (often shortened) content.

    Raises:
        MalformedRecordError: The feed cannot be parsed at all.
    """
    parsed = feedparser.parse(text)
    if parsed.bozo and not parsed.entries:
        raise MalformedRecordError(
            f"not a readable RSS/Atom feed ({parsed.bozo_exception}); check the file",
            where=location,
        )
    feed_title = parsed.feed.get("title")
    outlet = Outlet(feed_title, found_by="feed") if feed_title else None
    for index, entry in enumerate(parsed.entries, start=1):
        link = entry.get("link")
        record = entry.get("id") or link or f"item-{index}"
        source = Source(SourceKind.FEED, location, record=record)
        authors = tuple(a["name"] for a in entry.get("authors", []) if a.get("name"))
        published = entry.get("published") or entry.get("updated")
        if pages and link in pages:
            page = pages[link]
            yield make_document(
                page.content,
                source=source,
                media_type=page.media_type,
                encoding=page.encoding,
                url=link,
                outlet=outlet,
                title=entry.get("title"),
                published=published,
                authors=authors,
            )
            continue
        contents = entry.get("content") or []
        body = contents[0].get("value") if contents else entry.get("summary")
        if not body or not body.strip():
            yield Skipped(source.where(), "the feed item has no content or summary", "E105")
            continue
        yield make_document(
            body,
            source=source,
            media_type=MediaType.HTML if _MARKUP.search(body) else MediaType.TEXT,
            encoding=encoding,
            url=link,
            outlet=outlet,
            title=entry.get("title"),
            published=published,
            authors=authors,
        )
