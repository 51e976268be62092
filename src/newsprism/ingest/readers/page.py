"""A single page: a plain-text scrape or an HTML file (from disk or an HTTP response)."""

from __future__ import annotations

from newsprism.ingest.readers import make_document
from newsprism.ingest.sniff import Decoded
from newsprism.model import MediaType, RawDocument, Source


def read_page(
    decoded: Decoded, *, source: Source, html: bool, url: str | None = None
) -> RawDocument:
    """One document holding the whole page."""
    return make_document(
        decoded.text,
        source=source,
        media_type=MediaType.HTML if html else MediaType.TEXT,
        encoding=decoded.encoding,
        url=url,
    )
