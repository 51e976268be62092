"""Syndication: which outlet published a copy, and which outlet wrote it.

A syndicated article names its author outlet in signature lines (a byline "By A, CNN", a wire line
"The-CNN-Wire", a copyright line "© 2022 Cable News Network") and its publisher in the
publisher's own furniture ("KION 46 is committed to providing a forum …"). Both are looked up in
the outlet directory only; an outlet the directory does not know is never guessed from text.

Body text is never consulted: there "CNN reported" or "told TASS" names a source, not an author.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass

from newsprism.ingest.outlets import OutletDirectory
from newsprism.model import BoilerplateKind, Outlet, RawDocument

__all__ = ["AUTHOR_KINDS", "PUBLISHER_KINDS", "Signature", "resolve_outlets"]

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
    """

    kind: BoilerplateKind
    text: str
    outlet_words: str | None = None


def resolve_outlets(
    doc: RawDocument, signatures: Iterable[Signature], *, outlets: OutletDirectory
) -> tuple[Outlet | None, Outlet | None]:
    """The publishing outlet and, for a syndicated copy, the original outlet.

    The publisher is ``doc.outlet`` when the caller knows it; else the outlet of ``doc.url``'s
    domain; else an outlet the directory recognises in the publisher's furniture
    (``found_by="outlets.toml:pattern"``). The original outlet is the first outlet named by a
    byline, wire or copyright line that differs from the publisher, with ``found_by`` the kind
    of that line. When the publisher is unknown, the outlet those lines name is still reported as
    the original: it wrote the text, wherever this copy was found.

    Args:
        doc: The document, for the caller's outlet and the URL.
        signatures: Lines left out of the body, with their kinds.
        outlets: The outlet directory.

    Returns:
        ``(outlet, original_outlet)``; either may be ``None``.
    """
    lines = tuple(signatures)
    publisher = doc.outlet
    if publisher is None and doc.url:
        publisher = outlets.by_url(doc.url)
    if publisher is None:
        publisher = next(
            (
                found
                for s in lines
                if s.kind in PUBLISHER_KINDS
                if (found := outlets.by_text(s.text))
            ),
            None,
        )
    for kind in AUTHOR_KINDS:
        for signature in lines:
            if signature.kind is not kind:
                continue
            author = outlets.by_text(signature.text) or _by_name(outlets, signature.outlet_words)
            if author is None:
                continue
            if publisher is not None and _same(author, publisher):
                return publisher, None
            return publisher, dataclasses.replace(author, found_by=kind.value)
    return publisher, None


def _by_name(outlets: OutletDirectory, words: str | None) -> Outlet | None:
    # "Reuters", "The Associated Press", "AP", "AFP": a directory name, or its initials.
    if not words:
        return None
    wanted = words.casefold().removeprefix("the ").strip()
    for entry in outlets.entries:
        name = entry.name.casefold().removeprefix("the ")
        initials = "".join(part[0] for part in re.split(r"[\s-]+", name) if part)
        if wanted in {name, initials} and (wanted == name or len(wanted) > 1):
            domain = entry.domains[0] if entry.domains else None
            return Outlet(entry.name, domain=domain, found_by="byline", evidence=words)
    return None


def _same(one: Outlet, other: Outlet) -> bool:
    if one.name.casefold() == other.name.casefold():
        return True
    return one.domain is not None and one.domain == other.domain
