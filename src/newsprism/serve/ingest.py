"""Ingest over HTTP (``POST /api/ingest``, only with ``--allow-ingest`` and the token).

The library does the work (:func:`newsprism.pipeline.ingest_into`: fetch, extract, copies,
analyse, stories, store); the app runs one ingest at a time (the store's writer lock would make
a second one wait anyway) while readers go on reading. Unless ``--allow-private-urls``, the
settings say ``fetch.private_addresses = false``: every URL and every redirect is refused when it
leads to a loopback, private, link-local or metadata address (``ingest/readers/guard.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from newsprism.model import to_dict

if TYPE_CHECKING:
    from newsprism.serve.app import Corpus


def ingest_urls(
    corpus: Corpus, urls: list[str], *, outlet: str | None, published: dt.date | None
) -> dict[str, Any]:
    """Ingest URLs into the app's store with analysis; returns what the ingest did."""
    from newsprism.ingest.outlets import load_outlets
    from newsprism.pipeline import InputSpec, ingest_into, load_analyzer

    with corpus.ingest_lock:
        if corpus.analyzer is None:
            corpus.analyzer = load_analyzer(corpus.settings)
        report = ingest_into(
            [InputSpec(url, outlet=outlet, published=published) for url in urls],
            store=corpus.store(),
            settings=corpus.settings,
            outlets=load_outlets(),
            analyzer=corpus.analyzer,
        )
    corpus.invalidate()
    return {
        "read": report.read,
        "added": report.added,
        "already_present": report.already_present,
        "analysed": report.analysed,
        "skipped": [to_dict(s) for s in report.skipped],
        "articles": [a.id for a in report.articles],
        "stories": list(report.stories),
    }
