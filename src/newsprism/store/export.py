"""Exports of the analysed corpus as tidy tables: CSV, JSON lines or Parquet, one file a table.

The tables and their columns are :data:`newsprism.store.tables.TABLES` (each column documented
there and in the README); ids join across tables (``article_id``, ``(article_id, entity_id)``,
``story_id``), every character offset indexes into ``articles.body``. The rows are built from the
store's records through the :class:`~newsprism.store.base.Store` protocol, so an SQLite, a
PostgreSQL and an in-memory store export the same files. Each file is written to a temporary
name and renamed into place.

>>> from newsprism.store import open_store
>>> with open_store("news.db") as store:                                # doctest: +SKIP
...     report = export_tables(store, Path("out"), format="parquet", tables=["attributions"])
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from newsprism.errors import InputError
from newsprism.store.base import Store
from newsprism.store.tables import (
    TABLES,
    Row,
    Table,
    analysis_rows,
    article_row,
    global_entity_ids,
    publication_rows,
    story_article_rows,
    story_row,
)

__all__ = ["FORMATS", "ExportReport", "ExportedTable", "export_tables", "table_rows", "write_table"]

ExportFormat = Literal["csv", "jsonl", "parquet"]
FORMATS: tuple[ExportFormat, ...] = ("csv", "jsonl", "parquet")
_SUFFIX = {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet"}
# list_* limit that means "all of them".
_ALL = 1 << 62


@dataclass(frozen=True, slots=True)
class ExportedTable:
    """One written table: its name, file and number of rows."""

    name: str
    path: Path
    rows: int


@dataclass(frozen=True, slots=True)
class ExportReport:
    """What :func:`export_tables` wrote."""

    directory: Path
    format: ExportFormat
    tables: tuple[ExportedTable, ...]


def export_tables(
    store: Store,
    to: Path,
    *,
    format: str = "csv",
    tables: Sequence[str] | None = None,
) -> ExportReport:
    """Write the store's tidy tables into a folder, one file a table (``NAME.csv`` ...).

    Args:
        store: Any store.
        to: The folder; created when missing. Files of the same names are replaced.
        format: ``csv`` (header row; empty cell for null, ``true``/``false``), ``jsonl`` (one
            object a line) or ``parquet`` (typed columns, through pyarrow).
        tables: Names from :data:`~newsprism.store.tables.TABLES`; all of them when ``None``.

    Returns:
        The files written with their row counts.

    Raises:
        InputError: An unknown format or table name.
    """
    chosen = _check(format, tables)
    kind = next(known for known in FORMATS if known == format)
    to.mkdir(parents=True, exist_ok=True)
    written = []
    for name in chosen:
        path = to / f"{name}{_SUFFIX[kind]}"
        rows = _write(TABLES[name], table_rows(store, name), path, kind)
        written.append(ExportedTable(name, path, rows))
    return ExportReport(directory=to, format=kind, tables=tuple(written))


def table_rows(store: Store, name: str) -> Iterator[Row]:
    """The rows of one tidy table, in a stable order (ingest order, then position).

    Raises:
        InputError: An unknown table name.
    """
    _check("csv", [name])
    if name == "articles":
        for seq, article in enumerate(store.iter_articles(), start=1):
            yield article_row(article, seq)
    elif name == "publications":
        for article in store.iter_articles():
            yield from publication_rows(article, store.publications(article.id))
    elif name == "stories":
        for story in store.list_stories(limit=_ALL):
            yield story_row(story)
    elif name == "story_articles":
        for story in store.list_stories(limit=_ALL):
            yield from story_article_rows(story)
    else:
        global_ids = global_entity_ids(store.iter_entities()) if name == "entities" else {}
        for analysis in store.iter_analyses():
            yield from analysis_rows(analysis, global_ids=global_ids)[name]


def write_table(table: Table, rows: Iterable[Row], path: Path, *, format: str = "parquet") -> int:
    """Write rows of one table to a file, atomically (temporary file, then renamed into place).

    Returns:
        How many rows were written.

    Raises:
        InputError: An unknown format.
    """
    _check(format, [table.name] if table.name in TABLES else None)
    kind = next(known for known in FORMATS if known == format)
    return _write(table, iter(rows), path, kind)


def _check(format: str, tables: Sequence[str] | None) -> list[str]:
    if format not in FORMATS:
        raise InputError(
            f"unknown export format {format!r}; use one of {', '.join(FORMATS)}", where="--format"
        )
    chosen = list(tables) if tables else list(TABLES)
    unknown = [name for name in chosen if name not in TABLES]
    if unknown:
        raise InputError(
            f"unknown table {', '.join(unknown)}; the tables are {', '.join(TABLES)}",
            where="--tables",
        )
    return chosen


def _write(table: Table, rows: Iterator[Row], path: Path, kind: ExportFormat) -> int:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(handle)
    try:
        if kind == "parquet":
            count = _write_parquet(table, rows, Path(temporary))
        else:
            with Path(temporary).open("w", encoding="utf-8", newline="") as stream:
                count = (_write_csv if kind == "csv" else _write_jsonl)(table, rows, stream)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count


def _write_csv(table: Table, rows: Iterator[Row], stream: Any) -> int:
    writer = csv.writer(stream)
    writer.writerow(table.names)
    count = 0
    for row in rows:
        writer.writerow(["" if v is None else str(v).lower() if isinstance(v, bool) else v
                         for v in row])
        count += 1
    return count


def _write_jsonl(table: Table, rows: Iterator[Row], stream: Any) -> int:
    count = 0
    for row in rows:
        stream.write(json.dumps(dict(zip(table.names, row, strict=True)), ensure_ascii=False))
        stream.write("\n")
        count += 1
    return count


# Parquet column types by the tables' declared types.
_ARROW_TYPES = {"text": "string", "integer": "int64", "real": "float64", "boolean": "bool_",
                "date": "date32"}
# Rows per Parquet row group: memory stays bounded on a large corpus.
_ROW_GROUP = 10_000


def _write_parquet(table: Table, rows: Iterator[Row], path: Path) -> int:
    import datetime as dt

    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    schema = pa.schema(
        [pa.field(c.name, getattr(pa, _ARROW_TYPES[c.type])()) for c in table.columns]
    )
    dates = [i for i, c in enumerate(table.columns) if c.type == "date"]
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        chunk: list[Row] = []

        def flush() -> None:
            columns = list(zip(*chunk, strict=True)) if chunk else [() for _ in table.columns]
            arrays = []
            for index, values in enumerate(columns):
                if index in dates:
                    values = tuple(dt.date.fromisoformat(v) if v else None for v in values)
                arrays.append(pa.array(values, type=schema.field(index).type))
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))

        for row in rows:
            chunk.append(row)
            count += 1
            if len(chunk) >= _ROW_GROUP:
                flush()
                chunk = []
        if chunk or count == 0:
            flush()
    return count

