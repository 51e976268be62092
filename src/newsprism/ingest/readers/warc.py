"""WARC and WARC.gz web archives: HTTP response records with HTML bodies."""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsprism.errors import FetchError, InputError, UnreadableInputError
from newsprism.ingest.readers import make_document
from newsprism.ingest.sniff import charset_of, decode
from newsprism.model import MediaType, RawDocument, Skipped, Source, SourceKind

_HTML_TYPES = ("text/html", "application/xhtml+xml")
# HTTP statuses from here on are errors: their bodies are error pages, never articles.
_FIRST_ERROR_STATUS = 400


def read_warc(
    data: bytes | BinaryIO, *, location: str, max_bytes: int, report_other: bool = False
) -> Iterator[RawDocument | Skipped]:
    """Read every HTML response record; a broken stream ends reading with one ``Skipped``.

    Records before the break are kept. Records that are not HTML responses (requests,
    metadata, images) are passed over silently: they are not articles; with ``report_other``
    a response that is not HTML (an image, a PDF) becomes a ``Skipped`` record, so that a job
    counting what it could not use counts it. ``data`` is the
    archive's bytes or a binary stream read record by record (an archive of any size, each
    record's body at most ``max_bytes``).
    """
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    records = ArchiveIterator(stream, check_digests=True)
    try:
        for record in records:
            if record.rec_type != "response" or record.http_headers is None:
                continue
            content_type = record.http_headers.get_header("Content-Type") or ""
            url = record.rec_headers.get_header("WARC-Target-URI")
            record_id = record.rec_headers.get_header("WARC-Record-ID") or url
            source = Source(SourceKind.WARC, location, record=record_id)
            if not content_type.lower().startswith(_HTML_TYPES):
                if report_other:
                    shown = content_type or "none"
                    yield Skipped(
                        source.where(),
                        f"not an HTML page (Content-Type {shown}): not an article",
                        UnreadableInputError.code,
                    )
                continue
            status = _status(record.http_headers.get_statuscode())
            if status is None or status >= _FIRST_ERROR_STATUS:
                shown = record.http_headers.get_statuscode() or "none"
                yield Skipped(
                    source.where(),
                    f"the archived response has HTTP status {shown}, not a page that was served"
                    " (an error page, not an article)",
                    FetchError.code,
                )
                continue
            body = record.content_stream().read(max_bytes + 1)
            if len(body) > max_bytes:
                yield Skipped(source.where(), f"response body over {max_bytes} bytes", "E103")
                continue
            record.content_stream().read()
            # A record cut short still parses: a digest that fails, or that could not be checked
            # because the block ended early, is what shows it is incomplete.
            has_digest = record.rec_headers.get_header("WARC-Block-Digest") is not None
            if record.digest_checker.passed is False or (
                has_digest and record.digest_checker.passed is None
            ):
                problems = "; ".join(record.digest_checker.problems) or "digest mismatch"
                yield Skipped(
                    source.where(),
                    f"the record is truncated or corrupt ({problems}); re-download the archive",
                    "E102",
                )
                continue
            try:
                decoded = decode(body, where=source.where(), declared=charset_of(content_type))
            except InputError as exc:
                yield Skipped(source.where(), exc.message, exc.code)
                continue
            yield make_document(
                decoded.text,
                source=source,
                media_type=MediaType.HTML,
                encoding=decoded.encoding,
                url=url,
            )
    # warcio reports a malformed record header by failing inside its parser (a record without
    # its target URI raises AttributeError), so those errors also mean a corrupt archive.
    except (ArchiveLoadFailed, EOFError, zlib.error, ValueError, AttributeError, TypeError) as exc:
        offset = _offset(records)
        yield Skipped(
            location,
            f"the archive is truncated or corrupt near byte {offset} ({exc}); records before"
            " it were read, re-download the file for the rest",
            "E102",
        )


def _status(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _offset(records: ArchiveIterator) -> str:
    """Byte offset of the record being read when the archive broke, or "?" before the first."""
    try:
        return str(records.get_record_offset())
    except (AttributeError, TypeError, IndexError):
        return "?"
