"""One reader per input format; each turns bytes into RawDocuments (or Skipped records)."""

from __future__ import annotations

import hashlib

from newsprism.model import MediaType, Outlet, RawDocument, Source

# Length of the hexadecimal content hash used as document id.
ID_HEX_DIGITS = 16


def document_id(content: str) -> str:
    """The stable id of a document: the start of the SHA-256 of its content."""
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:ID_HEX_DIGITS]


def make_document(
    content: str,
    *,
    source: Source,
    media_type: MediaType,
    encoding: str = "utf-8",
    url: str | None = None,
    outlet: Outlet | None = None,
    title: str | None = None,
    published: str | None = None,
    authors: tuple[str, ...] = (),
) -> RawDocument:
    """A RawDocument whose id is the hash of its content."""
    return RawDocument(
        id=document_id(content),
        source=source,
        media_type=media_type,
        content=content,
        encoding=encoding,
        url=url or None,
        outlet=outlet,
        title=title or None,
        published=published or None,
        authors=authors,
    )
