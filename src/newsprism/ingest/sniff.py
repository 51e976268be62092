"""Recognising what a file holds and decoding its text, by content rather than by name.

Formats: gzip (unwrapped first), WARC, RSS/Atom feeds, JSONL, HTML, plain text. Binary content
(NUL bytes, many control characters) is refused. Text is decoded by byte-order mark, then a
declared charset (HTML ``<meta charset>``, XML declaration, HTTP header), then strict UTF-8, then
charset-normalizer's best guess; the encoding used is recorded on the document.

Text that is UTF-8 but for a few bad bytes (a truncated download, one pasted Latin-1 character)
stays UTF-8: only the bad bytes become U+FFFD, counted and logged as a warning with the byte
offset of the first, rather than the whole text being read in another code page. It counts as
UTF-8 when its valid multi-byte sequences outnumber its invalid bytes: text in a single-byte
encoding almost never forms valid UTF-8 sequences, so there the invalid bytes dominate.
"""

from __future__ import annotations

import enum
import logging
import re
import zlib
from dataclasses import dataclass

import charset_normalizer

from newsprism.errors import InputTooLargeError, MalformedRecordError, UnreadableInputError

logger = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"
# How much of the start of a file is looked at to recognise its format.
SNIFF_BYTES = 4096
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
_HTML = re.compile(
    rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<article[\s>]|<p[\s>]", re.I
)
_FEED = re.compile(rb"<rss[\s>]|<feed[\s>][^>]*|<rdf:RDF[\s>]", re.IGNORECASE)
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1f]")
# Share of control bytes above which content is taken as binary.
BINARY_CONTROL_SHARE = 0.05
# As in browsers (WHATWG Encoding Standard), pages labelled Latin-1 or ASCII are decoded as
# windows-1252, which Latin-1 labels mean in practice (curly quotes, dashes in 0x80-0x9F).
_WEB_DEFAULT = "cp1252"
_WEB_LABELS = {
    "iso-8859-1": _WEB_DEFAULT,
    "iso8859-1": _WEB_DEFAULT,
    "latin-1": _WEB_DEFAULT,
    "latin1": _WEB_DEFAULT,
    "us-ascii": _WEB_DEFAULT,
    "ascii": _WEB_DEFAULT,
}


class Format(enum.StrEnum):
    """What a file holds."""

    WARC = "warc"
    FEED = "feed"
    JSONL = "jsonl"
    HTML = "html"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text and the encoding it was decoded with.

    Attributes:
        text: The decoded text.
        encoding: The encoding used.
        replaced: How many invalid bytes were replaced by U+FFFD (UTF-8 with a few bad bytes).
        first_replaced: The byte offset of the first replaced byte, when any.
    """

    text: str
    encoding: str
    replaced: int = 0
    first_replaced: int | None = None


def gunzip(data: bytes, *, max_bytes: int, where: str) -> bytes:
    """Decompress every gzip member, refusing truncated streams and output over ``max_bytes``.

    Raises:
        MalformedRecordError: The stream is truncated or corrupt.
        InputTooLargeError: The decompressed data exceeds ``max_bytes``.
    """
    output = bytearray()
    remaining = data
    while remaining:
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            output += decompressor.decompress(remaining, max_bytes + 1 - len(output))
        except zlib.error as exc:
            raise MalformedRecordError(
                f"corrupt gzip data ({exc}); re-download the file", where=where
            ) from exc
        if len(output) > max_bytes:
            raise InputTooLargeError(
                f"decompresses to more than {max_bytes} bytes; raise ingest.max_bytes to read it",
                where=where,
            )
        if not decompressor.eof:
            raise MalformedRecordError(
                "truncated gzip file (the stream ends early); re-download or re-compress it",
                where=where,
            )
        remaining = decompressor.unused_data.lstrip(b"\x00")
    return bytes(output)


def peek_gzip(data: bytes) -> bytes:
    """The first decompressed bytes of a gzip stream, enough to recognise its format."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:SNIFF_BYTES], SNIFF_BYTES)
    except zlib.error:
        return b""


def is_gzip(data: bytes) -> bool:
    """Whether the bytes start a gzip stream."""
    return data[:2] == GZIP_MAGIC


def sniff(data: bytes) -> Format:
    """The format of (already decompressed) content, from its first bytes."""
    head = data[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"WARC/"):
        return Format.WARC
    if head.startswith(b"{") and _first_line_is_object(data):
        return Format.JSONL
    if _FEED.search(head) and not _HTML.search(head[:200]):
        return Format.FEED
    if _HTML.search(head):
        return Format.HTML
    return Format.TEXT


def decode(data: bytes, *, where: str, declared: str | None = None) -> Decoded:
    """Decode bytes to text, detecting the encoding.

    Args:
        data: The bytes.
        where: The file or URL, for messages.
        declared: A charset named outside the content (an HTTP header), tried after a BOM.

    Raises:
        UnreadableInputError: Empty or binary content, or no encoding decodes it.
    """
    if not data.strip():
        raise UnreadableInputError("the file is empty; nothing to read", where=where)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(encoding), encoding.removesuffix("-sig"))
    if _looks_binary(data):
        raise UnreadableInputError(
            "binary content, not text, HTML, JSONL, a feed or a WARC; leave it out", where=where
        )
    # Non-ASCII bytes that form valid UTF-8 are UTF-8 whatever the page declares: text in a
    # single-byte encoding almost never decodes as UTF-8, while pages saved as UTF-8 under a
    # stale "iso-8859-1" declaration are common.
    if not data.isascii():
        mostly = _mostly_utf8(data, where=where)
        if mostly is not None:
            return mostly
    candidates: list[str | None] = [declared, _declared_in(data), "utf-8"]
    for candidate in candidates:
        if not candidate:
            continue
        # The browser reading of a label first, the label itself when that fails.
        for encoding in dict.fromkeys((_WEB_LABELS.get(_normal(candidate), candidate), candidate)):
            try:
                return Decoded(data.decode(encoding), _normal(encoding))
            except (UnicodeDecodeError, LookupError):
                continue
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        raise UnreadableInputError(
            "cannot tell the text encoding; convert the file to UTF-8", where=where
        )
    # charset-normalizer often scores several Latin code pages alike on short text; among
    # equal scores the web's default single-byte encoding is the likeliest.
    for match in matches:
        if (match.chaos, match.coherence) == (best.chaos, best.coherence) and _normal(
            match.encoding
        ) == _WEB_DEFAULT:
            best = match
            break
    return Decoded(str(best), _normal(best.encoding))


def _mostly_utf8(data: bytes, *, where: str) -> Decoded | None:
    """UTF-8 text, with invalid bytes replaced when valid multi-byte sequences outnumber them."""
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        first = exc.start
    text = data.decode("utf-8", errors="replace")
    # U+FFFD already in the input (valid EF BF BD) is not a replacement.
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    if non_ascii - bad <= bad:
        return None
    logger.warning(
        "%s: %d byte(s) that are not valid UTF-8 replaced by U+FFFD (the first at byte %d);"
        " the rest of the text is read as UTF-8",
        where,
        bad,
        first,
    )
    return Decoded(text, "utf-8", replaced=bad, first_replaced=first)


def _first_line_is_object(data: bytes) -> bool:
    line = data.lstrip().split(b"\n", 1)[0].strip()
    return line.startswith(b"{") and line.endswith(b"}")


def _looks_binary(data: bytes) -> bool:
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        return True
    return len(_CONTROL.findall(head)) > BINARY_CONTROL_SHARE * len(head)


def _declared_in(data: bytes) -> str | None:
    match = _DECLARED.search(data[:SNIFF_BYTES])
    if not match:
        return None
    return (match.group(1) or match.group(2)).decode("ascii")


def _normal(encoding: str) -> str:
    return encoding.lower().replace("_", "-")


def charset_of(content_type: str) -> str | None:
    """The ``charset`` parameter of an HTTP Content-Type header, if any."""
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"'")
    return None
