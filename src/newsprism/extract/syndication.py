"""Syndication: which outlet published a copy, and which outlet wrote it.

The publisher is the caller's (``--outlet``, a record's field, a feed), else what
:func:`~newsprism.ingest.outlets.identify_outlet` finds from the URL and the names the page gives
itself, else an outlet the directory recognises in the publisher's own furniture ("KION 46 is
committed to providing a forum …").

The original outlet is the first outlet the copy credits as its author, in this order:

* ``origin-line``: a republication notice ("This story was originally published by ProPublica.");
* ``byline``: "By Jennifer Hansler, CNN", "By A | Reuters", "Associated Press";
* ``dateline``: "NEW YORK (Reuters) –", "WASHINGTON (AP) —" (any dash, or none);
* ``byline``: a line that names only a news agency ("Associated Press", "By Reuters"), among
  the opening paragraphs or the lines set apart above the body (not a photo credit below);
* ``wire``: a wire line ("The-CNN-Wire");
* ``jsonld-author``: a JSON-LD or meta author that is an outlet ("Reuters");
* ``page-publisher``: a publisher the page names that is another known outlet (CNN on MSN);
* ``copyright``: "© 2022 Cable News Network";
* ``sign-off``: "— AP" closing the story.

A credit naming the publisher itself means the publisher wrote it: no original. Names are looked
up in the outlet directory; only a republication notice, which says outright who wrote the
story, may name an outlet the directory does not know. Body text elsewhere is never consulted:
there "CNN reported" or "told TASS" names a source, not an author.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from newsprism.extract.credits import WireCredit, find_wire_credits
from newsprism.ingest.outlets import OutletDirectory, PageName, identify_outlet
from newsprism.model import BoilerplateKind, Outlet, RawDocument

__all__ = ["AUTHOR_KINDS", "PUBLISHER_KINDS", "PageEvidence", "Signature", "resolve_outlets"]

# Lines that name the outlet that wrote the article, in order of trust.
AUTHOR_KINDS: tuple[BoilerplateKind, ...] = (
    BoilerplateKind.BYLINE,
    BoilerplateKind.WIRE,
    BoilerplateKind.COPYRIGHT,
)
# Lines of the publishing site's own furniture.
PUBLISHER_KINDS: frozenset[BoilerplateKind] = frozenset(
    {
        BoilerplateKind.COMMENTS,
        BoilerplateKind.PROMO,
        BoilerplateKind.NAVIGATION,
        BoilerplateKind.SHARE,
        BoilerplateKind.ADVERTISEMENT,
    }
)


@dataclass(frozen=True, slots=True)
class Signature:
    """A line left out of the body, with its kind: the evidence syndication reads.

    Attributes:
        kind: What the line is.
        text: The line.
        outlet_words: For a byline, its outlet part as written ("Reuters" in "By A, Reuters"),
            looked up by outlet name when no pattern of the directory matches the line.
        opening: Whether the line stands above the body, where a byline stands.
    """

    kind: BoilerplateKind
    text: str
    outlet_words: str | None = None
    opening: bool = False


@dataclass(frozen=True, slots=True)
class PageEvidence:
    """What an HTML page says about itself that names outlets.

    Attributes:
        names: The names the page gives itself, most trusted first.
        canonical_url: The URL the page gives itself.
        credited: The names in its author fields, organisations included.
    """

    names: tuple[PageName, ...] = ()
    canonical_url: str | None = None
    credited: tuple[str, ...] = ()


def resolve_outlets(
    doc: RawDocument,
    signatures: Iterable[Signature],
    *,
    outlets: OutletDirectory,
    paragraphs: Sequence[str] = (),
    page: PageEvidence | None = None,
) -> tuple[Outlet | None, Outlet | None]:
    """The publishing outlet and, for a syndicated copy, the original outlet.

    Args:
        doc: The document, for the caller's outlet and the URL.
        signatures: Lines left out of the body, with their kinds.
        outlets: The outlet directory.
        paragraphs: The body's paragraphs, for datelines, sign-offs and notices.
        page: What an HTML page says about itself.

    Returns:
        ``(outlet, original_outlet)``; either may be ``None``. The original carries ``found_by``
        (the kind of credit, as in the module docstring) and ``evidence`` (the credit's text).
        When the publisher is unknown, the credited outlet is still reported as the original:
        it wrote the text, wherever this copy was found.
    """
    lines = tuple(signatures)
    page = page or PageEvidence()
    publisher = _publisher(doc, lines, outlets, page)
    for author in _credits(lines, paragraphs, page, outlets):
        if publisher is not None and _same(author, publisher):
            return publisher, None
        return publisher, author
    return publisher, None


def _publisher(
    doc: RawDocument, lines: Sequence[Signature], outlets: OutletDirectory, page: PageEvidence
) -> Outlet | None:
    if doc.outlet is not None:
        return outlets.canonical(doc.outlet)
    found = identify_outlet(
        outlets, url=doc.url, canonical_url=page.canonical_url, names=page.names
    )
    if found is not None and found.found_by != "url-domain":
        return found
    furniture = next(
        (known for s in lines if s.kind in PUBLISHER_KINDS if (known := outlets.by_text(s.text))),
        None,
    )
    return furniture or found


def _credits(
    lines: Sequence[Signature],
    paragraphs: Sequence[str],
    page: PageEvidence,
    outlets: OutletDirectory,
) -> Iterator[Outlet]:
    """Every outlet the copy credits as its author, most trusted first."""
    removed = [s.text for s in lines]
    wire_credits = find_wire_credits(paragraphs, notices=removed)
    for credit in wire_credits:
        if credit.kind == "origin-line" and (found := _credited(credit, outlets)) is not None:
            yield found
    yield from _signed(lines, BoilerplateKind.BYLINE, outlets)
    yield from _named(wire_credits, "dateline", outlets)
    opening = [s.text for s in lines if s.opening]
    yield from _wire_lines((*paragraphs[:_OPENING], *opening), outlets)
    yield from _signed(lines, BoilerplateKind.WIRE, outlets)
    for name in page.credited:
        known = outlets.by_name(name, found_by="jsonld-author")
        if known is not None:
            yield known
    # A page on one outlet's site naming another known outlet as its publisher (an aggregator
    # carrying CNN's story) is that outlet's copy.
    for page_name in page.names:
        known = outlets.by_name(page_name.name, found_by="page-publisher")
        if known is not None:
            yield dataclasses.replace(known, evidence=f"{page_name.where}: {page_name.name}")
    yield from _signed(lines, BoilerplateKind.COPYRIGHT, outlets)
    yield from _named(wire_credits, "sign-off", outlets)


def _signed(
    lines: Sequence[Signature], kind: BoilerplateKind, outlets: OutletDirectory
) -> Iterator[Outlet]:
    for signature in lines:
        if signature.kind is not kind:
            continue
        author = outlets.by_text(signature.text) or (
            outlets.by_name(signature.outlet_words) if signature.outlet_words else None
        )
        if author is None and kind is BoilerplateKind.BYLINE:
            # "Associated Press", "By Reuters": a byline that is an outlet's name.
            author = outlets.by_name(_without_by(signature.text))
        if author is not None:
            yield dataclasses.replace(author, found_by=kind.value, evidence=signature.text)


# Opening paragraphs where a line naming only a news agency is its byline.
_OPENING = 2
# A byline naming only an agency: "Associated Press", "By Reuters", "AFP".
_WIRE_KIND = "wire"


def _wire_lines(lines: Iterable[str], outlets: OutletDirectory) -> Iterator[Outlet]:
    for line in lines:
        entry = outlets.entry(_without_by(line))
        if entry is not None and entry.kind == _WIRE_KIND:
            yield entry.outlet(found_by="byline", evidence=line)


def _named(credits: Sequence[WireCredit], kind: str, outlets: OutletDirectory) -> Iterator[Outlet]:
    for credit in credits:
        if credit.kind == kind:
            known = outlets.by_name(credit.outlet)
            if known is not None:
                yield dataclasses.replace(known, found_by=kind, evidence=credit.text)


def _credited(credit: WireCredit, outlets: OutletDirectory) -> Outlet | None:
    known = outlets.by_name(credit.outlet)
    if known is not None:
        return dataclasses.replace(known, found_by=credit.kind, evidence=credit.text)
    if any(ch.isdigit() for ch in credit.outlet):
        return None  # "First published on November 19, 2019": a date, not an outlet
    return Outlet(credit.outlet, found_by=credit.kind, evidence=credit.text)


def _without_by(text: str) -> str:
    words = text.split()
    return " ".join(words[1:] if words and words[0].casefold() == "by" else words)


def _same(one: Outlet, other: Outlet) -> bool:
    if one.name.casefold() == other.name.casefold():
        return True
    return one.domain is not None and one.domain == other.domain
