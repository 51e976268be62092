"""JSONL: one article a line.

Each line is an object with ``text`` or ``html`` and optionally ``url``, ``title``, ``outlet``,
``published`` and ``authors``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from newsprism.errors import MalformedRecordError
from newsprism.ingest.readers import make_document
from newsprism.model import MediaType, Outlet, RawDocument, Skipped, Source, SourceKind

_TEXT_FIELDS = ("url", "title", "outlet", "published")


def read_jsonl(text: str, *, location: str, encoding: str) -> Iterator[RawDocument | Skipped]:
    """Read every line; a malformed line becomes a ``Skipped`` naming ``file:line``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        source = Source(SourceKind.JSONL, location, line=number)
        try:
            yield _document(line, source=source, encoding=encoding)
        except MalformedRecordError as exc:
            yield Skipped(source.where(), exc.message, exc.code)


def _document(line: str, *, source: Source, encoding: str) -> RawDocument:
    try:
        record: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        raise MalformedRecordError(
            f"not valid JSON ({exc.msg} at column {exc.colno}); expected one object per line"
        ) from exc
    if not isinstance(record, dict):
        raise MalformedRecordError(
            "expected a JSON object with 'text' or 'html', got a list or value"
        )
    html, text = record.get("html"), record.get("text")
    body = html if isinstance(html, str) and html.strip() else text
    if not isinstance(body, str) or not body.strip():
        raise MalformedRecordError("the object has no non-empty 'text' or 'html' field")
    for field in _TEXT_FIELDS:
        if record.get(field) is not None and not isinstance(record[field], str):
            raise MalformedRecordError(f"field '{field}' must be a string")
    authors = record.get("authors") or ()
    if isinstance(authors, str):
        authors = (authors,)
    if not all(isinstance(name, str) for name in authors):
        raise MalformedRecordError("field 'authors' must be a string or a list of strings")
    outlet = Outlet(record["outlet"], found_by="record") if record.get("outlet") else None
    return make_document(
        body,
        source=source,
        media_type=MediaType.HTML if body is html else MediaType.TEXT,
        encoding=encoding,
        url=record.get("url"),
        outlet=outlet,
        title=record.get("title"),
        published=record.get("published"),
        authors=tuple(authors),
    )
