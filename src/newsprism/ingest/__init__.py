"""ingest stage: files, directories and URLs become RawDocuments.

Every input is recognised by its content (gzip is unwrapped first): WARC archives, RSS/Atom
feeds, JSONL, HTML, plain text. A bad input, or a bad record inside one, becomes a ``Skipped``
record naming the file (and line or record) and reading goes on with the rest.

The outlet of a document is, in order: the user's ``--outlet``; the record's own outlet field
(both under the directory's name for it: "WSJ" is The Wall Street Journal); the outlet
``outlets.toml`` lists for the URL's domain; the feed's title. Otherwise it is left for
extraction to find from the page itself and the URL's registered domain
(:func:`~newsprism.ingest.outlets.identify_outlet`): newsprism never guesses one.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsprism.config import Settings
from newsprism.errors import InputError, InputTooLargeError, UnreadableInputError
from newsprism.ingest.outlets import OutletDirectory
from newsprism.ingest.readers.feed import read_feed
from newsprism.ingest.readers.jsonl import read_jsonl
from newsprism.ingest.readers.page import read_page
from newsprism.ingest.readers.url import fetch
from newsprism.ingest.readers.warc import read_warc
from newsprism.ingest.sniff import Format, charset_of, decode, gunzip, is_gzip, peek_gzip, sniff
from newsprism.model import Outlet, RawDocument, Skipped, Source, SourceKind

__all__ = ["expand_inputs", "read_inputs"]

logger = logging.getLogger(__name__)

_URL = re.compile(r"^https?://", re.IGNORECASE)
# Files found while walking a directory that document it rather than hold articles.
_DOCUMENTATION = re.compile(
    r"^(readme|license|licence|copying|changelog|notice|source|provenance)(\.[a-z]+)?$",
    re.IGNORECASE,
)
_CANONICAL = re.compile(
    r"""<(?:link[^>]+rel=["']canonical["'][^>]+href|meta[^>]+property=["']og:url["'][^>]+content)"""
    r"""=["']([^"']+)["']""",
    re.IGNORECASE,
)


def read_inputs(
    inputs: Iterable[str],
    *,
    settings: Settings,
    outlet: str | None = None,
    outlets: OutletDirectory | None = None,
    pages: Path | None = None,
) -> Iterator[RawDocument | Skipped]:
    """Read every input, yielding documents and ``Skipped`` records in input order.

    Args:
        inputs: File paths, directories (read recursively) or http(s) URLs.
        settings: newsprism settings (size limits, HTTP behaviour).
        outlet: An outlet name given by the user for every input.
        outlets: The outlet directory, for outlets by URL domain.
        pages: A folder of saved pages; feed items linking to one of them are read from it.
    """
    saved = _saved_pages(pages, settings) if pages else {}
    for item in expand_inputs(inputs):
        try:
            for result in _read_one(item, settings=settings, pages=saved):
                yield (
                    result if isinstance(result, Skipped) else _with_outlet(result, outlet, outlets)
                )
        except InputError as exc:
            yield Skipped(exc.where or item, exc.message, exc.code)


def expand_inputs(inputs: Iterable[str]) -> Iterator[str]:
    """Inputs with directories replaced by their files, recursively.

    Hidden files and a folder's own documentation (README, LICENSE, ...) are left out; a file
    named explicitly is always read.
    """
    for item in inputs:
        path = Path(item)
        if _URL.match(item) or not path.is_dir():
            yield item
            continue
        for child in sorted(path.rglob("*")):
            relative = child.relative_to(path)
            if not child.is_file() or any(part.startswith(".") for part in relative.parts):
                continue
            if _DOCUMENTATION.match(child.name):
                logger.info("passing over %s: a folder's documentation, not an article", child)
                continue
            yield str(child)


def _read_one(
    item: str, *, settings: Settings, pages: dict[str, RawDocument]
) -> Iterator[RawDocument | Skipped]:
    if _URL.match(item):
        fetched = fetch(item, settings=settings.fetch, max_bytes=settings.ingest.max_bytes)
        charset = charset_of(fetched.content_type)
        decoded = decode(fetched.body, where=item, declared=charset)
        html = "html" in fetched.content_type or sniff(fetched.body) is Format.HTML
        source = Source(SourceKind.URL, item)
        yield read_page(decoded, source=source, html=html, url=fetched.url)
        return
    limit = settings.ingest.max_bytes
    data = _read_file(Path(item), settings=settings)
    if is_gzip(data):
        # WARC.gz is one gzip member per record; warcio reads it record by record, so a
        # truncated archive still yields the records before the break.
        if sniff(peek_gzip(data)) is Format.WARC:
            yield from read_warc(data, location=item, max_bytes=limit)
            return
        data = gunzip(data, max_bytes=limit, where=item)
    kind = sniff(data)
    if kind is Format.WARC:
        yield from read_warc(data, location=item, max_bytes=limit)
        return
    decoded = decode(data, where=item)
    if kind is Format.JSONL:
        yield from read_jsonl(decoded.text, location=item, encoding=decoded.encoding)
    elif kind is Format.FEED:
        yield from read_feed(decoded.text, location=item, encoding=decoded.encoding, pages=pages)
    else:
        source = Source(SourceKind.FILE, item)
        yield read_page(decoded, source=source, html=kind is Format.HTML)


def _read_file(path: Path, *, settings: Settings) -> bytes:
    where = str(path)
    limit = settings.ingest.max_bytes
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputTooLargeError(
                f"the file is {size} bytes, over ingest.max_bytes ({limit}); raise it in a"
                " --config file to read it",
                where=where,
            )
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise _unreadable(where, "no such file or directory; check the path") from exc
    except PermissionError as exc:
        raise _unreadable(where, "permission denied; check the file's permissions") from exc
    except IsADirectoryError as exc:
        raise _unreadable(where, "is a directory") from exc


def _unreadable(where: str, message: str) -> InputError:
    return UnreadableInputError(message, where=where)


def _with_outlet(
    doc: RawDocument, flag: str | None, directory: OutletDirectory | None
) -> RawDocument:
    outlet: Outlet | None = doc.outlet
    if flag:
        outlet = Outlet(flag, found_by="flag")
    elif (outlet is None or outlet.found_by != "record") and doc.url and directory is not None:
        outlet = directory.by_url(doc.url) or outlet
    if outlet is not None and directory is not None:
        outlet = directory.canonical(outlet)
    return doc if outlet == doc.outlet else dataclasses.replace(doc, outlet=outlet)


def _saved_pages(folder: Path, settings: Settings) -> dict[str, RawDocument]:
    found: dict[str, RawDocument] = {}
    for item in expand_inputs([str(folder)]):
        for result in _read_one(item, settings=settings, pages={}):
            if isinstance(result, RawDocument):
                match = _CANONICAL.search(result.content)
                if match:
                    found[match.group(1)] = result
    return found
