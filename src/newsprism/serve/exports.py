"""Streamed exports of the tidy tables (``/api/export/{table}``).

The rows come from :func:`newsprism.store.export.table_rows` on a thread of its own with a
store of its own (an SQLite connection serves the thread that opened it; a response is
iterated on whichever worker thread is free), through a bounded queue: memory stays bounded
however large the table, and a client that goes away stops the reading.
"""

from __future__ import annotations

import csv
import io
import json
import queue
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from newsprism.store.export import table_rows
from newsprism.store.tables import TABLES, Row

if TYPE_CHECKING:
    from newsprism.serve.app import Corpus

EXPORT_FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}
# Rows per chunk sent, and chunks waiting at most.
_ROWS_PER_CHUNK = 200
_CHUNKS_WAITING = 8
# Seconds a producer waits to hand over a chunk before it looks whether the client left.
_PUT_SECONDS = 1.0
_DONE = object()


def encode_rows(table: str, rows: Iterator[Row], format: str) -> Iterator[str]:
    """A table's rows as CSV (header first; empty for null, true/false) or JSON lines, in
    chunks of text, as ``newsprism export`` writes them."""
    names = TABLES[table].names
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if format == "csv":
        writer.writerow(names)
    for count, row in enumerate(rows, start=1):
        if format == "csv":
            writer.writerow(["" if v is None else str(v).lower() if isinstance(v, bool) else v
                             for v in row])
        else:
            buffer.write(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False))
            buffer.write("\n")
        if count % _ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def export_stream(corpus: Corpus, table: str, format: str) -> Iterator[bytes]:
    """The table as UTF-8 chunks, read on a producer thread (see the module docstring)."""
    chunks: queue.Queue[object] = queue.Queue(maxsize=_CHUNKS_WAITING)
    stop = threading.Event()

    def hand(item: object) -> bool:
        # Waits for room in the queue; False once the client has gone.
        while not stop.is_set():
            try:
                chunks.put(item, timeout=_PUT_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            store = corpus.stores.fresh()
        except Exception as exc:  # handed to the response, which ends the stream
            hand(exc)
            return
        try:
            for chunk in encode_rows(table, table_rows(store, table), format):
                if not hand(chunk.encode("utf-8")):
                    return
        except Exception as exc:
            hand(exc)
            return
        finally:
            if not corpus.stores.owns(store):
                store.close()
        hand(_DONE)

    producer = threading.Thread(target=produce, name=f"export-{table}", daemon=True)
    producer.start()
    try:
        while True:
            item = chunks.get()
            if item is _DONE:
                return
            if isinstance(item, Exception):
                raise item
            assert isinstance(item, bytes)
            yield item
    finally:
        stop.set()
