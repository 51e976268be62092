"""newsprism: how different news outlets cover the same story, with evidence spans.

The stages, one package each: ``ingest`` (inputs to RawDocument), ``extract`` (RawDocument to
Article), ``analyze``, ``stories``, ``compare``, ``present``; ``newsprism.pipeline`` chains them
over a store. The functions below (from :mod:`newsprism.api`) run them; their names differ from the
stage packages' so that importing a package never hides a function.

Importing ``newsprism`` loads no model and no heavy library: the API module, spaCy, trafilatura
and scipy load on the first call that needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from newsprism.errors import NewsprismError

if TYPE_CHECKING:
    from newsprism.api import (
        analyze_articles,
        compare_story,
        export_tables,
        extract_articles,
        extract_report,
        ingest_articles,
        read,
        search,
    )
    from newsprism.model import Article, RawDocument, Skipped

__version__ = "0.1.0"

# Public name -> the module that defines it, imported on first access (PEP 562).
_LAZY = {
    "Article": "newsprism.model",
    "RawDocument": "newsprism.model",
    "Skipped": "newsprism.model",
    "analyze_articles": "newsprism.api",
    "compare_story": "newsprism.api",
    "export_tables": "newsprism.api",
    "extract_articles": "newsprism.api",
    "extract_report": "newsprism.api",
    "ingest_articles": "newsprism.api",
    "read": "newsprism.api",
    "search": "newsprism.api",
}

__all__ = [
    "Article",
    "NewsprismError",
    "RawDocument",
    "Skipped",
    "__version__",
    "analyze_articles",
    "compare_story",
    "export_tables",
    "extract_articles",
    "extract_report",
    "ingest_articles",
    "read",
    "search",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'newsprism' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
