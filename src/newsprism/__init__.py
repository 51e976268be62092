"""newsprism: how different news outlets cover the same story, with evidence spans.

The stages, one package each: ``ingest`` (inputs to RawDocument), ``extract`` (RawDocument to
Article), ``analyze``, ``stories``, ``compare``, ``present``. The functions below run them.
"""

# The API is imported eagerly: ``newsprism.ingest``, ``.extract`` and ``.analyze`` name both a stage
# package and an API function, and loading the packages here, before the functions are bound,
# keeps the functions in place however the packages are imported later.
from newsprism.api import analyze, extract, extract_report, ingest, read
from newsprism.errors import NewsprismError
from newsprism.model import Article, RawDocument, Skipped

__version__ = "0.1.0"

__all__ = [
    "Article",
    "NewsprismError",
    "RawDocument",
    "Skipped",
    "__version__",
    "analyze",
    "extract",
    "extract_report",
    "ingest",
    "read",
]
