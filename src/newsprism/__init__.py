"""newsprism: how different news outlets cover the same story, with evidence spans.

The stages, one package each: ``ingest`` (inputs to RawDocument), ``extract`` (RawDocument to
Article), ``analyze``, ``stories``, ``compare``, ``present``. The functions below run them.
"""

from newsprism.api import extract, extract_report, ingest, read
from newsprism.errors import NewsprismError
from newsprism.model import Article, RawDocument, Skipped

__version__ = "0.1.0"

__all__ = [
    "Article",
    "NewsprismError",
    "RawDocument",
    "Skipped",
    "__version__",
    "extract",
    "extract_report",
    "ingest",
    "read",
]
