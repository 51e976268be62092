"""store: where documents and articles are kept (SQLite by default, PostgreSQL, or memory)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from newsprism.store.base import ArticleSummary, BatchResult, Store, StoreCounts

if TYPE_CHECKING:
    from newsprism.config import StoreSettings
    from newsprism.store.memory import MemoryStore
    from newsprism.store.sqlite import SQLiteStore

__all__ = [
    "DB_ENV",
    "ArticleSummary",
    "BatchResult",
    "MemoryStore",
    "SQLiteStore",
    "Store",
    "StoreCounts",
    "default_db",
    "is_postgres_url",
    "open_store",
]

# The environment variable naming the database when ``--db`` is not given.
DB_ENV = "NEWSPRISM_DB"


def __getattr__(name: str) -> object:
    # The backends load on first use: a command on PostgreSQL never loads the SQLite code, and
    # one on SQLite never loads psycopg (each is tens of milliseconds of every command's start).
    if name == "MemoryStore":
        from newsprism.store.memory import MemoryStore

        return MemoryStore
    if name == "SQLiteStore":
        from newsprism.store.sqlite import SQLiteStore

        return SQLiteStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def is_postgres_url(db: str | Path) -> bool:
    """Whether a ``--db`` value names a PostgreSQL database rather than an SQLite file."""
    return isinstance(db, str) and db.startswith(("postgresql://", "postgres://"))


def default_db() -> str:
    """``$NEWSPRISM_DB`` when set, else ``newsprism.db`` in the working folder."""
    return os.environ.get(DB_ENV) or "newsprism.db"


def open_store(db: str | Path, *, settings: StoreSettings | None = None) -> Store:
    """Open the store a ``--db`` value names: a ``postgresql://`` URL or an SQLite file.

    Args:
        db: ``postgresql://user@host/dbname`` (libpq URL) or the path of an SQLite file.
        settings: Store settings; the packaged defaults when ``None``.

    Raises:
        StoreError: The database cannot be opened or migrated.
    """
    if is_postgres_url(db):
        # Imported here: psycopg loads only for a PostgreSQL database.
        from newsprism.store.postgres import PostgresStore

        return PostgresStore(str(db), settings=settings)
    from newsprism.store.sqlite import SQLiteStore

    return SQLiteStore(Path(db), settings=settings)
