"""HTML pages to Articles: metadata first (read-only), then the body, on one parsed tree."""

from __future__ import annotations

import dataclasses

from newsprism.config import ExtractSettings
from newsprism.extract.body import HtmlBody, extract_body, parse_html
from newsprism.extract.metadata import HtmlMetadata, read_html_metadata
from newsprism.extract.syndication import PageEvidence, Signature, resolve_outlets
from newsprism.ingest.outlets import OutletDirectory
from newsprism.model import Article, BoilerplateKind, RawDocument, Removed, Span


def extract_html(
    doc: RawDocument, *, settings: ExtractSettings, outlets: OutletDirectory
) -> Article:
    """Extract an article from an HTML document.

    Raises:
        UnreadableInputError: The markup cannot be parsed.
        NoArticleError: The page holds no article text.
    """
    tree = parse_html(doc.content)
    url = doc.url
    metadata = read_html_metadata(tree, url=url)
    body = _without_heading(
        extract_body(tree, url=url or metadata.canonical_url, settings=settings), metadata
    )
    text, paragraphs = join_paragraphs(body.paragraphs)
    signatures = (Signature(item.kind, item.text) for item in body.removed)
    page = PageEvidence(metadata.page_names, metadata.canonical_url, metadata.credited)
    outlet, original = resolve_outlets(
        doc, signatures, outlets=outlets, paragraphs=body.paragraphs, page=page
    )
    published = metadata.published
    return Article(
        id=doc.id,
        source=doc.source,
        url=url or metadata.canonical_url,
        body=text,
        paragraphs=paragraphs,
        outlet=outlet,
        original_outlet=original,
        headline=doc.title if metadata.headline is None else metadata.headline,
        standfirst=metadata.standfirst,
        authors=metadata.authors or doc.authors,
        contributors=body.contributors,
        published=published.value if published else None,
        published_from=published.found_by if published else None,
        published_confidence=published.confidence if published else None,
        published_evidence=published.evidence if published else None,
        language=metadata.language,
        captions=body.captions,
        removed=body.removed,
        copy_of=doc.copy_of,
        genre=metadata.genre,
    )


# The headline is looked for among this many paragraphs at the top of the body.
_HEADLINE_WITHIN = 3


def _without_heading(body: HtmlBody, metadata: HtmlMetadata) -> HtmlBody:
    """The body without the headline that opens it, which is kept in ``removed``.

    trafilatura often starts the text with the page's ``<h1>``; the headline is a field of
    its own, as in plain-text scrapes (``text:headline``). The standfirst stays: pages often
    give their first paragraph as their description, and it is then body text.
    """
    paragraphs = list(body.paragraphs)
    if not metadata.headline or len(paragraphs) < 2:
        return body
    wanted = _folded(metadata.headline)
    # Among the opening paragraphs: a kicker or a permalink may stand above the headline.
    opening = paragraphs[:_HEADLINE_WITHIN]
    index = next((i for i, p in enumerate(opening) if _folded(p) == wanted), None)
    if index is None:
        return body
    headline = Removed(BoilerplateKind.HEADLINE, paragraphs.pop(index), rule="html:headline")
    removed = (*body.removed, headline)
    return dataclasses.replace(body, paragraphs=tuple(paragraphs), removed=removed)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def join_paragraphs(paragraphs: tuple[str, ...]) -> tuple[str, tuple[Span, ...]]:
    """Join paragraphs with blank lines and return the text with each paragraph's span."""
    spans: list[Span] = []
    position = 0
    for paragraph in paragraphs:
        spans.append(Span(position, position + len(paragraph), paragraph))
        position += len(paragraph) + 2
    return "\n\n".join(paragraphs), tuple(spans)

