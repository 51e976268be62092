"""store: where documents and articles are kept (SQLite by default, or memory)."""

from newsprism.store.base import ArticleSummary, BatchResult, Store, StoreCounts
from newsprism.store.memory import MemoryStore
from newsprism.store.sqlite import SQLiteStore

__all__ = ["ArticleSummary", "BatchResult", "MemoryStore", "SQLiteStore", "Store", "StoreCounts"]
