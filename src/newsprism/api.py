"""The public Python API: what the CLI does, as functions that return records.

>>> import newsprism
>>> articles = newsprism.extract_articles("../shared/corpus/003_4ac3225d892de0a0.txt")
>>> articles[0].original_outlet.name
'CNN'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from newsprism.config import Settings, load_settings
from newsprism.ingest import read_inputs
from newsprism.ingest.outlets import OutletDirectory, load_outlets
from newsprism.model import AnalyzedArticle, Article, RawDocument, Skipped, StoryComparison
from newsprism.pipeline import IngestReport, extract_inputs, ingest_into, load_analyzer
from newsprism.pipeline import compare_story as compare_stored
from newsprism.store import open_store
from newsprism.store.base import SearchHit, SearchQuery, SearchScope
from newsprism.store.export import ExportReport
from newsprism.store.export import export_tables as write_tables
from newsprism.store.search import search as run_search


def read(
    inputs: str | Path | Iterable[str | Path],
    *,
    outlet: str | None = None,
    settings: Settings | None = None,
    outlets: OutletDirectory | None = None,
) -> tuple[list[RawDocument], list[Skipped]]:
    """Read inputs (files, directories, URLs) into raw documents, without extracting them.

    Returns:
        The documents read, and the inputs or records that could not be used.
    """
    documents: list[RawDocument] = []
    skipped: list[Skipped] = []
    for item in read_inputs(
        _as_list(inputs),
        settings=settings or load_settings(),
        outlet=outlet,
        outlets=outlets or load_outlets(),
    ):
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            documents.append(item)
    return documents, skipped


def extract_articles(
    inputs: str | Path | Iterable[str | Path],
    *,
    outlet: str | None = None,
    published: dt.date | None = None,
    settings: Settings | None = None,
    outlets: OutletDirectory | None = None,
) -> list[Article]:
    """Extract clean articles from files, directories or URLs.

    Args:
        inputs: One path or URL, or several.
        outlet: Outlet name for every input, when the inputs do not say.
        published: Publication date for every input; overrides dates found in them.
        settings: Settings; the packaged defaults (and ``$NEWSPRISM_CONFIG``) when ``None``.
        outlets: Outlet directory; the packaged one when ``None``.

    Returns:
        The articles; inputs that could not be used are left out (see :func:`extract_report`).
    """
    articles, _ = extract_report(
        inputs, outlet=outlet, published=published, settings=settings, outlets=outlets
    )
    return articles


def extract_report(
    inputs: str | Path | Iterable[str | Path],
    *,
    outlet: str | None = None,
    published: dt.date | None = None,
    settings: Settings | None = None,
    outlets: OutletDirectory | None = None,
) -> tuple[list[Article], list[Skipped]]:
    """Like :func:`extract_articles`, also returning the inputs that were skipped and why."""
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for item in extract_inputs(
        _as_list(inputs),
        settings=settings or load_settings(),
        outlets=outlets or load_outlets(),
        outlet=outlet,
        published=published,
    ):
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            articles.append(item)
    return articles, skipped


def analyze_articles(
    inputs: str | Path | Iterable[str | Path],
    *,
    outlet: str | None = None,
    published: dt.date | None = None,
    clean: bool = True,
    rules_only: bool = False,
    settings: Settings | None = None,
    outlets: OutletDirectory | None = None,
) -> list[AnalyzedArticle]:
    """Extract and analyse articles: entities, attributions and time expressions.

    Args:
        inputs: One path or URL, or several.
        outlet: Outlet name for every input, when the inputs do not say.
        published: Publication date for every input; relative dates resolve against it.
        clean: With ``False``, plain-text files are bodies exactly as they are (offsets index
            into the files' own text).
        rules_only: Find attributions by rules alone, without the packaged model.
        settings: Settings; the packaged defaults (and ``$NEWSPRISM_CONFIG``) when ``None``.
        outlets: Outlet directory; the packaged one when ``None``.

    Returns:
        One analysed article per usable input; the others are left out.

    Raises:
        ConfigError: The spaCy model or a rule file cannot be loaded.
    """
    settings = settings or load_settings()
    articles = [
        item
        for item in extract_inputs(
            _as_list(inputs),
            settings=settings,
            outlets=outlets or load_outlets(),
            outlet=outlet,
            published=published,
            clean=clean,
        )
        if isinstance(item, Article)
    ]
    return load_analyzer(settings, rules_only=rules_only).analyze(articles)


def ingest_articles(
    inputs: str | Path | Iterable[str | Path],
    *,
    db: str | Path = "newsprism.db",
    outlet: str | None = None,
    published: dt.date | None = None,
    settings: Settings | None = None,
    outlets: OutletDirectory | None = None,
    analyze: bool = True,
) -> IngestReport:
    """Read, extract, de-duplicate, analyse and store inputs in a database.

    ``db`` is an SQLite file or a ``postgresql://`` URL. Each article is stored with its
    analysis (``analyze=False`` stores articles only). Re-running on the same inputs adds
    nothing twice.

    Returns:
        Counts, the added articles and the skipped inputs.

    Raises:
        StoreError: The database cannot be opened or written.
    """
    settings = settings or load_settings()
    analyzer = load_analyzer(settings) if analyze else None
    with open_store(db) as store:
        return ingest_into(
            _as_list(inputs),
            store=store,
            settings=settings,
            outlets=outlets or load_outlets(),
            outlet=outlet,
            published=published,
            analyzer=analyzer,
        )


def search(
    query: str,
    *,
    db: str | Path = "newsprism.db",
    scope: SearchScope = "articles",
    outlet: str | None = None,
    speaker: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Full-text search over a database's articles, quotes or entities, best hits first.

    >>> hits = newsprism.search("good faith", db="news.db", scope="quotes")  # doctest: +SKIP
    >>> hits[0].speaker, hits[0].cue, hits[0].start_char                      # doctest: +SKIP

    Raises:
        QueryError: No word to search for, or a filter that cannot apply.
        StoreError: The database cannot be opened.
    """
    request = SearchQuery(
        query, scope=scope, outlet=outlet, speaker=speaker, since=since, until=until, limit=limit
    )
    with open_store(db) as store:
        return run_search(store, request)


def export_tables(
    to: str | Path,
    *,
    db: str | Path = "newsprism.db",
    format: str = "csv",
    tables: Iterable[str] | None = None,
) -> ExportReport:
    """Write a database's tidy tables (``newsprism.store.tables.TABLES``) into a folder.

    Raises:
        InputError: An unknown format or table.
        StoreError: The database cannot be opened.
    """
    with open_store(db) as store:
        return write_tables(
            store, Path(to), format=format, tables=list(tables) if tables is not None else None
        )


def compare_story(
    story_id: str, *, db: str | Path = "newsprism.db", settings: Settings | None = None
) -> StoryComparison:
    """Compare a stored story across its outlets, from the stored analyses.

    Raises:
        InputError: No story has this id.
        StoreError: The database cannot be opened.
    """
    with open_store(db) as store:
        return compare_stored(store, story_id, settings=settings or load_settings())


def _as_list(inputs: str | Path | Iterable[str | Path]) -> list[str]:
    if isinstance(inputs, str | Path):
        return [str(inputs)]
    return [str(item) for item in inputs]
