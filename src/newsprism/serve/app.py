"""The FastAPI application: configuration, the store each request gets, caches, security headers
and error pages. Routes live in :mod:`newsprism.serve.api` (JSON under ``/api``) and
:mod:`newsprism.serve.pages` (HTML); both call the library (``newsprism.corpus``,
``newsprism.pipeline``, ``newsprism.store``), never the stages.
"""

from __future__ import annotations

import dataclasses
import hmac
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsprism import __version__
from newsprism.config import Settings, load_settings
from newsprism.corpus import CorpusProfile, outlet_profiles
from newsprism.errors import InputError, NewsprismError, StoreError
from newsprism.model import Story
from newsprism.serve.environment import CONFIG_ENV, TOKEN_ENV
from newsprism.store import is_postgres_url, open_store
from newsprism.store.base import Store

if TYPE_CHECKING:
    from newsprism.pipeline import Analyzer

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Every page and answer: scripts and styles from this app only, nothing inline, no frames.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Seconds between two looks at how much the store holds (the key of every cache): an ingest by
# another process shows within this long; one by this app at once.
_STATE_SECONDS = 5.0
# Values kept (story pages and comparisons, entity views and pages), least recently used
# dropped first: enough for every page a busy reader set asks for (the load benchmark asks
# for about 260), few enough to bound a worker's memory.
_KEPT = 1024
_ALL = 1 << 62


@dataclass(frozen=True, slots=True)
class ServeConfig:
    """How ``newsprism serve`` runs.

    Attributes:
        db: An SQLite file or a ``postgresql://`` URL.
        allow_ingest: Accept ``POST /api/ingest`` (with ``token``); read-only otherwise.
        token: The bearer token ingest requests must carry.
        allow_private_urls: Let ingest fetch loopback, private, link-local and metadata
            addresses (refused by default, after DNS resolution and on every redirect).
        settings: newsprism settings; the packaged defaults when ``None``.
        prepare: At start, compute the story list and the outlet profiles on a thread of
            their own (one pass over every analysis: about a minute on 10,000 articles), so
            that the first reader of an outlet page does not wait for it.
    """

    db: str
    allow_ingest: bool = False
    token: str | None = None
    allow_private_urls: bool = False
    settings: Settings | None = None
    prepare: bool = False


class Stores:
    """Hands each request a store: one SQLite connection per worker thread (a connection is
    used by the thread that opened it), or one PostgreSQL store whose pool serves every
    thread."""

    def __init__(self, db: str, settings: Settings) -> None:
        self.db = db
        self._settings = settings
        self._local = threading.local()
        self._opened: list[Store] = []
        self._lock = threading.Lock()
        self._shared: Store | None = None
        if is_postgres_url(db):
            self._shared = open_store(db, settings=settings.store)
        else:
            # Opened once here so that a bad file fails at start, not at the first request.
            open_store(db, settings=settings.store).close()

    def get(self) -> Store:
        """The store for the calling thread."""
        if self._shared is not None:
            return self._shared
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.db, settings=self._settings.store)
            self._local.store = store
            with self._lock:
                self._opened.append(store)
        return store

    def fresh(self) -> Store:
        """A store of its own (for a streamed export on a thread of its own); the caller
        closes it, except the shared PostgreSQL store, returned as is."""
        if self._shared is not None:
            return self._shared
        return open_store(self.db, settings=self._settings.store)

    def owns(self, store: Store) -> bool:
        """Whether ``store`` is shared and must not be closed by its user."""
        return store is self._shared

    def close(self) -> None:
        """Close every store opened."""
        with self._lock:
            for store in self._opened:
                try:
                    store.close()
                except Exception:  # a connection of a thread that is gone
                    logger.debug("closing a store failed", exc_info=True)
            self._opened.clear()
        if self._shared is not None:
            self._shared.close()


@dataclass
class Caches:
    """What the app keeps between requests, valid while the store holds what it held.

    The key is the store's counts, looked at no more than every few seconds: an ingest (by this
    app or another process) changes it, and everything cached is computed again.
    """

    key: tuple[int, ...] | None = None
    checked: float = 0.0
    stories: list[Story] | None = None
    values: OrderedDict[str, Any] = field(default_factory=OrderedDict)
    pinned: set[str] = field(default_factory=set)
    lock: threading.RLock = field(default_factory=threading.RLock)
    building: dict[str, threading.Lock] = field(default_factory=dict)


class Corpus:
    """The app's view of the corpus: the store, the settings, and cached reads."""

    def __init__(self, config: ServeConfig, *, analyzer: Analyzer | None = None) -> None:
        self.config = config
        # The analysis stage for ingests, loaded on the first one.
        self.analyzer = analyzer
        settings = config.settings or load_settings()
        if not config.allow_private_urls:
            fetch = dataclasses.replace(settings.fetch, private_addresses=False)
            settings = dataclasses.replace(settings, fetch=fetch)
        self.settings = settings
        self.stores = Stores(config.db, self.settings)
        self.caches = Caches()
        self.ingest_lock = threading.Lock()
        self._looking = threading.Lock()

    def store(self) -> Store:
        """The calling thread's store."""
        return self.stores.get()

    def _refresh(self, store: Store) -> None:
        now = time.monotonic()
        caches = self.caches
        if caches.key is not None and now - caches.checked < _STATE_SECONDS:
            return
        # One thread looks while the others go on with what is cached (when there is any).
        if not self._looking.acquire(blocking=caches.key is None):
            return
        try:
            if caches.key is None or time.monotonic() - caches.checked >= _STATE_SECONDS:
                self._look(store, time.monotonic())
        finally:
            self._looking.release()

    def _look(self, store: Store, now: float) -> None:
        caches = self.caches
        counts = store.count()
        key = (counts.documents, counts.articles, counts.skipped,
               counts.articles - len(store.pending_analysis()))
        with caches.lock:
            caches.checked = now
            if key != caches.key:
                caches.key = key
                caches.stories = None
                caches.values.clear()
                caches.pinned.clear()

    def invalidate(self) -> None:
        """Forget everything cached (after an ingest by this app)."""
        with self.caches.lock:
            self.caches.key = None
            self.caches.checked = 0.0

    def stories(self) -> list[Story]:
        """Every story, oldest first (cached)."""
        store = self.store()
        self._refresh(store)
        found = self.caches.stories
        if found is None:
            found = store.list_stories(limit=_ALL)
            self.caches.stories = found
        return found

    def profiles(self) -> CorpusProfile:
        """Every outlet's profile (computed once per corpus state; one pass over analyses)."""
        return self.cached(
            "profiles", lambda: outlet_profiles(self.store(), stories=self.stories()), pinned=True
        )

    def cached(self, name: str, build: Callable[[], T], *, pinned: bool = False) -> T:
        """``build()`` once per corpus state under ``name``; concurrent callers wait for the
        first instead of building it again. Unpinned values are dropped least recently used
        first when more than a few hundred are kept."""
        self._refresh(self.store())
        caches = self.caches
        with caches.lock:
            if name in caches.values:
                caches.values.move_to_end(name)
                return caches.values[name]  # type: ignore[no-any-return]
            gate = caches.building.setdefault(name, threading.Lock())
        with gate:
            with caches.lock:
                if name in caches.values:
                    return caches.values[name]  # type: ignore[no-any-return]
            value = build()
            with caches.lock:
                caches.values[name] = value
                if pinned:
                    caches.pinned.add(name)
                unpinned = [k for k in caches.values if k not in caches.pinned]
                for old in unpinned[: max(0, len(unpinned) - _KEPT)]:
                    del caches.values[old]
                caches.building.pop(name, None)
        return value

    def prepare(self) -> None:
        """Compute what the first readers would otherwise wait for (see ``ServeConfig``)."""
        try:
            self.profiles()
        except Exception:  # a reader's request computes it again and reports the problem
            logger.warning("preparing the outlet profiles failed", exc_info=True)

    def check_token(self, header: str | None) -> bool:
        """Whether an ``Authorization`` header carries the ingest token."""
        token = self.config.token
        if not token or not header or not header.startswith("Bearer "):
            return False
        return hmac.compare_digest(header[len("Bearer "):].encode(), token.encode())

    def close(self) -> None:
        """Close the stores."""
        self.stores.close()


def is_api(request: Request) -> bool:
    """Whether a request is for the JSON API (errors as problem details) or a page."""
    path = request.url.path
    return path.startswith("/api") or path == "/openapi.json"


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    """An RFC 9457 problem details answer."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def error_page(request: Request, status: int, title: str, detail: str) -> Response:
    """A problem answer for the API, a plain page for a reader."""
    if is_api(request):
        return problem(status, title, detail)
    template = request.app.state.templates.get_template("error.html")
    return HTMLResponse(
        template.render(status=status, title=title, detail=detail, request_path=request.url.path),
        status_code=status,
    )


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    corpus: Corpus = app.state.corpus
    if corpus.config.prepare:
        threading.Thread(target=corpus.prepare, name="newsprism-prepare", daemon=True).start()
    yield
    corpus.close()


def create_app(config: ServeConfig, *, analyzer: Analyzer | None = None) -> FastAPI:
    """The ``newsprism serve`` application over one database.

    Args:
        config: The database and what the app allows.
        analyzer: The analysis stage for ingests; loaded on the first ingest when ``None``.

    Raises:
        StoreError: The database cannot be opened.
    """
    from newsprism.serve import api, pages
    from newsprism.serve.render import environment

    corpus = Corpus(config, analyzer=analyzer)
    app = FastAPI(
        title="newsprism",
        version=__version__,
        description=(
            "The analysed news corpus: stories compared across outlets, articles with their "
            "entities, quotes and times, entities and outlets across the corpus, full-text "
            "search and tidy-table exports. Read-only unless started with --allow-ingest. "
            "Errors are RFC 9457 problem details."
        ),
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.corpus = corpus
    app.state.templates = environment()

    app.add_middleware(SecurityHeaders)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        title = {404: "Not found", 405: "Method not allowed", 401: "Unauthorized",
                 403: "Forbidden"}.get(exc.status_code, "Error")
        response = error_page(request, exc.status_code, title, str(exc.detail))
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in exc.errors()
        ]
        if is_api(request):
            return problem(422, "Invalid request", "; ".join(problems), errors=problems)
        return error_page(request, 422, "Invalid request", "; ".join(problems))

    @app.exception_handler(NewsprismError)
    async def newsprism_error(request: Request, exc: NewsprismError) -> Response:
        if isinstance(exc, InputError):
            return error_page(request, 400, "Bad request", str(exc))
        if isinstance(exc, StoreError):
            logger.error("store error: %s", exc)
            return error_page(request, 503, "Database unavailable", str(exc))
        logger.error("newsprism error: %s", exc)
        return error_page(request, 500, "Internal error", f"[{exc.code}] newsprism failed")

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        logger.exception("unhandled error on %s", request.url.path)
        return error_page(request, 500, "Internal error",
                          "the server failed on this request; the log has the details")

    app.include_router(api.router)
    app.include_router(pages.router)
    static = resources.files("newsprism.serve").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    return app


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every answer (a plain ASGI one: it
    does not buffer or re-stream bodies as ``BaseHTTPMiddleware`` does)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((k, v) for k, v in self.headers if k not in present),
                ]
            await send(message)

        await self.app(scope, receive, with_headers)


def app_from_environment() -> FastAPI:
    """The app of one worker process, configured by ``$NEWSPRISM_SERVE`` (JSON: ``db``,
    ``allow_ingest``, ``allow_private_urls``, ``config``, ``prepare``) and the token in
    ``$NEWSPRISM_TOKEN``; uvicorn calls it in every worker (``newsprism serve --workers``).

    Raises:
        ConfigError: The variable is missing or not such a JSON object.
        StoreError: The database cannot be opened.
    """
    import json
    import os
    from pathlib import Path

    from newsprism.errors import ConfigError

    try:
        given = json.loads(os.environ[CONFIG_ENV])
        config = ServeConfig(
            db=str(given["db"]),
            allow_ingest=bool(given.get("allow_ingest", False)),
            token=os.environ.get(TOKEN_ENV) or None,
            allow_private_urls=bool(given.get("allow_private_urls", False)),
            settings=load_settings(Path(given["config"]) if given.get("config") else None),
            prepare=bool(given.get("prepare", False)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            f"${CONFIG_ENV} must hold the server's configuration as JSON ({exc})",
            where=CONFIG_ENV,
        ) from exc
    return create_app(config)


def corpus_of(request: Request) -> Corpus:
    """The app's :class:`Corpus` (a FastAPI dependency)."""
    found: Corpus = request.app.state.corpus
    return found


def rows_stream(rows: Iterator[str]) -> Iterator[bytes]:
    """Text chunks as UTF-8 bytes."""
    for row in rows:
        yield row.encode("utf-8")
