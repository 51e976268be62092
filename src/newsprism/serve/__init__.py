"""``newsprism serve``: the analysed corpus as a web app and a JSON API (FastAPI, Jinja2).

Pages (server-rendered, readable without JavaScript): ``/`` stories with filters, ``/stories/ID``
the comparison, ``/articles/ID`` an article with its entities, quotes and times highlighted,
``/entities/ID`` one entity across the corpus, ``/outlets/NAME`` an outlet's profile, ``/search``.
The same data as JSON under ``/api/...``, described by the OpenAPI schema (``/openapi.json``,
read as a page at ``/docs``); tidy tables streamed from ``/api/export/TABLE``.

Read-only unless started with ``--allow-ingest`` and a token. Every page carries a
Content-Security-Policy that allows only the app's own script and style. The app calls the
library (``newsprism.corpus``, ``newsprism.pipeline``, ``newsprism.store``), never the stages.

>>> from newsprism.serve import ServeConfig, create_app
>>> app = create_app(ServeConfig(db="news.db"))                    # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsprism.serve.app import ServeConfig, create_app

__all__ = ["ServeConfig", "create_app"]


def __getattr__(name: str) -> Any:
    # FastAPI loads when the app is wanted, not when the CLI reads serve.environment.
    if name in __all__:
        from newsprism.serve import app

        return getattr(app, name)
    raise AttributeError(name)
