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
import errno
import io
import logging
import os
import re
import stat
import sys
import typing
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from newsprism.config import Settings
from newsprism.errors import InputError, InputTooLargeError, UnreadableInputError
from newsprism.ingest.outlets import OutletDirectory
from newsprism.ingest.readers.feed import read_feed
from newsprism.ingest.readers.jsonl import read_jsonl
from newsprism.ingest.readers.page import read_page
from newsprism.ingest.readers.url import fetch
from newsprism.ingest.readers.warc import read_warc
from newsprism.ingest.sniff import (
    SNIFF_BYTES,
    Format,
    charset_of,
    decode,
    gunzip,
    is_gzip,
    peek_gzip,
    sniff,
)
from newsprism.model import Outlet, RawDocument, Skipped, Source, SourceKind

__all__ = ["expand_inputs", "read_inputs", "read_stream"]

logger = logging.getLogger(__name__)

_URL = re.compile(r"^https?://", re.IGNORECASE)
# The input name that means standard input.
STDIN = "-"
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
        if isinstance(item, Skipped):
            yield item
            continue
        try:
            for result in _read_one(item, settings=settings, pages=saved):
                yield (
                    result if isinstance(result, Skipped) else _with_outlet(result, outlet, outlets)
                )
        except InputError as exc:
            yield Skipped(exc.where or item, exc.message, exc.code)


def expand_inputs(inputs: Iterable[str]) -> Iterator[str | Skipped]:
    """Inputs with directories replaced by their files, recursively, in path order.

    Hidden files and a folder's own documentation (README, LICENSE, ...) are left out; a file
    named explicitly is always read. A directory (or subdirectory) that cannot be listed, and a
    named directory holding no file to read, become ``Skipped`` records.
    """
    for item in inputs:
        path = Path(item)
        if item == STDIN or _URL.match(item) or not _is_dir(path):
            yield item
            continue
        found: list[Path] = []
        problems: list[OSError] = []
        for folder, folders, files in os.walk(path, onerror=problems.append):
            folders[:] = [name for name in folders if not name.startswith(".")]
            for name in files:
                if name.startswith("."):
                    continue
                if _DOCUMENTATION.match(name):
                    logger.info("passing over %s: a folder's documentation, not an article", name)
                    continue
                found.append(Path(folder, name))
        yield from (_unlisted(problem) for problem in problems)
        if not found and not problems:
            yield Skipped(
                item,
                "the directory holds no file to read (hidden files and README, LICENSE and"
                " the like are passed over); check the path",
                UnreadableInputError.code,
            )
        for child in sorted(found):
            yield str(child)


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.stat().st_mode)
    except (OSError, ValueError):
        # Reading it reports why it cannot be used.
        return False


def _unlisted(error: OSError) -> Skipped:
    where = str(error.filename) if error.filename is not None else "?"
    return Skipped(
        where,
        f"cannot list the directory ({_os_reason(error)}); its files were not read",
        UnreadableInputError.code,
    )


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
    data = _read_file(Path(item), settings=settings)
    yield from _read_bytes(data, "standard input" if item == STDIN else item, settings=settings,
                           pages=pages)


def read_stream(
    stream: BinaryIO,
    *,
    location: str,
    settings: Settings,
    outlet: str | None = None,
    outlets: OutletDirectory | None = None,
    report_other: bool = False,
) -> Iterator[RawDocument | Skipped]:
    """Read one input from an open binary stream (a WARC, JSONL, feed, HTML or text file).

    What :func:`read_inputs` does with a file, for callers that open files themselves (the
    Spark job opens them through its own file systems). A WARC (gzipped or not) is read record
    by record, whatever its size; any other format is read whole, up to ``ingest.max_bytes``.
    Every document and ``Skipped`` record is yielded in order; nothing is raised for a bad
    input.

    Args:
        stream: The input, positioned at its start.
        location: What the documents' sources name as where they were read.
        settings: newsprism settings (size limits).
        outlet: An outlet name given by the user for every document.
        outlets: The outlet directory, for outlets by URL domain.
        report_other: Yield a ``Skipped`` record for each WARC response that is not HTML
            (read_inputs passes over them silently).
    """
    # A stream that can be peeked is used as it is; another is buffered to sniff its start.
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(
        typing.cast(io.RawIOBase, stream), buffer_size=SNIFF_BYTES
    )
    head = buffered.peek(SNIFF_BYTES)
    try:
        if sniff(peek_gzip(head) if is_gzip(head) else head) is Format.WARC:
            found: Iterator[RawDocument | Skipped] = read_warc(
                buffered,
                location=location,
                max_bytes=settings.ingest.max_bytes,
                report_other=report_other,
            )
        else:
            data = _read_capped(buffered, limit=settings.ingest.max_bytes, where=location)
            found = _read_bytes(data, location, settings=settings, pages={})
        for result in found:
            yield result if isinstance(result, Skipped) else _with_outlet(result, outlet, outlets)
    except InputError as exc:
        yield Skipped(exc.where or location, exc.message, exc.code)
    except OSError as exc:
        yield Skipped(location, _os_reason(exc), UnreadableInputError.code)


def _read_bytes(
    data: bytes, item: str, *, settings: Settings, pages: dict[str, RawDocument]
) -> Iterator[RawDocument | Skipped]:
    limit = settings.ingest.max_bytes
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
    del data  # the text alone from here on: a large input is not held twice
    if kind is Format.JSONL:
        yield from read_jsonl(decoded.text, location=item, encoding=decoded.encoding)
    elif kind is Format.FEED:
        yield from read_feed(decoded.text, location=item, encoding=decoded.encoding, pages=pages)
    else:
        source = Source(SourceKind.FILE, item)
        yield read_page(decoded, source=source, html=kind is Format.HTML)


def _read_file(path: Path, *, settings: Settings) -> bytes:
    """The bytes of a regular file (or of standard input for ``-``), at most ``max_bytes``.

    Devices, pipes, FIFOs and sockets are refused: their size says nothing about what reading
    them yields (``/dev/zero`` never ends, a FIFO may wait forever). The cap is checked on the
    bytes actually read, not on the size the file system reports.
    """
    where = str(path)
    limit = settings.ingest.max_bytes
    if where == STDIN:
        return _read_capped(sys.stdin.buffer, limit=limit, where="standard input")
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except (OSError, ValueError) as exc:
        raise _unreadable(where, _os_reason(exc)) from exc
    with os.fdopen(descriptor, "rb") as handle:
        try:
            info = os.fstat(descriptor)
            if stat.S_ISDIR(info.st_mode):
                raise _unreadable(where, "is a directory that could not be walked")
            if not stat.S_ISREG(info.st_mode):
                raise _unreadable(
                    where,
                    f"not a regular file (a {_file_kind(info.st_mode)}); newsprism reads files,"
                    " or standard input given as '-' ('newsprism ingest - < FILE')",
                )
            if info.st_size > limit:
                raise _too_large(where, f"the file is {info.st_size} bytes", limit)
            return _read_capped(handle, limit=limit, where=where)
        except OSError as exc:
            raise _unreadable(where, _os_reason(exc)) from exc


def _read_capped(handle: BinaryIO, *, limit: int, where: str) -> bytes:
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise _too_large(where, f"the input holds more than {limit} bytes", limit)
    return data


def _too_large(where: str, what: str, limit: int) -> InputError:
    return InputTooLargeError(
        f"{what}, over ingest.max_bytes ({limit}); raise it in a --config file to read it",
        where=where,
    )


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "pipe or FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


# What an OSError means for the user, by errno; anything else is named by its own message.
_OS_REASONS = {
    errno.ENOENT: "no such file or directory; check the path",
    errno.EACCES: "permission denied; check the permissions of the file and its folders",
    errno.EPERM: "operation not permitted; check the permissions of the file and its folders",
    errno.ELOOP: "too many levels of symbolic links (a link that points back to itself);"
    " fix or remove the link",
    errno.ENOTDIR: "a part of the path is a file, not a directory; check the path",
    errno.ENAMETOOLONG: "the name is too long for the file system; check the path",
    errno.EISDIR: "is a directory",
    errno.ENXIO: "no such device or address (a socket or a device without its driver)",
}


def _os_reason(error: OSError | ValueError) -> str:
    if isinstance(error, ValueError):
        # A NUL byte in the name.
        return f"not a usable path ({error}); check the path"
    reason = _OS_REASONS.get(error.errno or 0)
    if reason is not None:
        return reason
    return f"cannot be read ({error.strerror or error}); check the path and the disk"


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
        if isinstance(item, Skipped):
            continue
        for result in _read_one(item, settings=settings, pages={}):
            if isinstance(result, RawDocument):
                match = _CANONICAL.search(result.content)
                if match:
                    found[match.group(1)] = result
    return found
