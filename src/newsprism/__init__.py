"""newsprism: how different news outlets cover the same story, with evidence spans.

The stages, one package each: ``ingest`` (inputs to RawDocument), ``extract`` (RawDocument to
Article), ``analyze``, ``stories``, ``compare``, ``present``. The functions below run them.
They are imported on first use, so ``import newsprism.model`` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsprism.api import extract, extract_report, ingest, read
    from newsprism.errors import NewsprismError
    from newsprism.model import Article, RawDocument, Skipped

__version__ = "0.1.0"

_EXPORTS = {
    "extract": "newsprism.api",
    "extract_report": "newsprism.api",
    "ingest": "newsprism.api",
    "read": "newsprism.api",
    "NewsprismError": "newsprism.errors",
    "Article": "newsprism.model",
    "RawDocument": "newsprism.model",
    "Skipped": "newsprism.model",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'newsprism' has no attribute {name!r}")
