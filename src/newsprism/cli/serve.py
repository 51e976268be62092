"""``newsprism serve``: the stored corpus as a web app and a JSON API (uvicorn)."""

from __future__ import annotations

import json
import os
from typing import Annotated, Any

import typer

from newsprism.cli._common import (
    EXIT_BAD_INPUT,
    ConfigOption,
    DbOption,
    VerboseOption,
    err,
    reporting_errors,
    require_db,
    setup_settings,
    shown_db,
)
from newsprism.serve.environment import CONFIG_ENV, TOKEN_ENV

# Seconds an idle connection is kept open.
_KEEP_ALIVE_SECONDS = 30


def serve_cli(
    db: DbOption = "newsprism.db",
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    allow_ingest: Annotated[
        bool,
        typer.Option("--allow-ingest", help="Accept POST /api/ingest (needs a token); "
                     "read-only otherwise."),
    ] = False,
    token: Annotated[
        str | None,
        typer.Option("--token", envvar=TOKEN_ENV,
                     help=f"Bearer token ingest requests must carry (or ${TOKEN_ENV})."),
    ] = None,
    allow_private_urls: Annotated[
        bool,
        typer.Option("--allow-private-urls", help="Let ingest fetch loopback, private, "
                     "link-local and metadata addresses (refused by default)."),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(min=1, max=64, help="Worker processes (each keeps its own caches); one "
                     "process uses one core at most."),
    ] = 1,
    config: ConfigOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Serve the stored corpus: stories, comparisons, articles, entities, outlets, search.

    Pages at http://HOST:PORT/, the JSON API under /api (documented at /docs, schema at
    /openapi.json). Read-only unless --allow-ingest with a token.

    Example: newsprism serve --db out/demo/newsprism.db
    """
    import uvicorn

    from newsprism.serve import ServeConfig, create_app

    require_db(db)
    if allow_ingest and not token:
        err.print(f"error: --allow-ingest needs a token: --token TOKEN or ${TOKEN_ENV}",
                  highlight=False, markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    settings = setup_settings(config=config, verbose=verbose)
    with reporting_errors():
        serve_config = ServeConfig(db=db, allow_ingest=allow_ingest, token=token,
                                   allow_private_urls=allow_private_urls, settings=settings,
                                   prepare=True)
        app = create_app(serve_config)
    mode = "ingest allowed with the token" if allow_ingest else "read-only"
    err.print(f"serving {shown_db(db)} ({mode}) at http://{host}:{port}/ with {workers}"
              f" worker{'s' if workers > 1 else ''} (Ctrl-C stops)", highlight=False, markup=False)
    # Connections kept open longer than a client's pool keeps them (httpx: 5 s), so that a
    # client never sends on a connection the server is closing.
    options: dict[str, Any] = {
        "host": host, "port": port, "log_level": "info" if verbose else "warning",
        "access_log": verbose, "timeout_keep_alive": _KEEP_ALIVE_SECONDS,
    }
    if workers == 1:
        uvicorn.run(app, **options)
        return
    app.state.corpus.close()  # opened to check the database; each worker opens its own
    # Each worker process builds its own app from the environment.
    os.environ[CONFIG_ENV] = json.dumps({
        "db": db, "allow_ingest": allow_ingest, "allow_private_urls": allow_private_urls,
        "config": str(config) if config else None, "prepare": True,
    })
    if token:
        os.environ[TOKEN_ENV] = token
    uvicorn.run("newsprism.serve.app:app_from_environment", factory=True, workers=workers,
                **options)
