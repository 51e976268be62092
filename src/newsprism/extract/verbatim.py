"""A text taken as the article body exactly as it is, for clean corpora.

Gold-annotated corpora (PolNeAR, BASIL, ...) give character offsets into their own text files.
Cleaning would move every offset, so ``--no-clean`` skips it: the body is the file's text, each
non-blank line a paragraph, and every offset the analysis reports indexes into that text.
"""

from __future__ import annotations

from newsprism.errors import UnreadableInputError
from newsprism.model import Article, MediaType, RawDocument, Span

__all__ = ["article_as_is"]


def article_as_is(doc: RawDocument) -> Article:
    """The article whose body is ``doc.content``, unchanged; headline, authors and date only
    as the container carried them.

    Raises:
        UnreadableInputError: The document is not plain text (HTML must be cleaned to have a
            body at all).
    """
    if doc.media_type is not MediaType.TEXT:
        raise UnreadableInputError(
            "--no-clean takes plain-text inputs only, and this one is HTML;"
            " drop --no-clean to extract its article",
            where=doc.source.where(),
        )
    paragraphs, offset = [], 0
    for line in doc.content.split("\n"):
        if line.strip():
            paragraphs.append(Span(offset, offset + len(line), line))
        offset += len(line) + 1
    return Article(
        id=doc.id,
        source=doc.source,
        body=doc.content,
        paragraphs=tuple(paragraphs),
        url=doc.url,
        outlet=doc.outlet,
        headline=doc.title,
        authors=doc.authors,
    )
