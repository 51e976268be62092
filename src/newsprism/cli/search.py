"""``newsprism search``: full-text search over the stored corpus, ranked."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from newsprism.cli._common import (
    ConfigOption,
    DbOption,
    TableOrJson,
    VerboseOption,
    err,
    out,
    reporting_errors,
    require_db,
    setup_settings,
)
from newsprism.cli._safe import echo_json
from newsprism.model import to_dict
from newsprism.store import open_store
from newsprism.store.base import SearchHit, SearchQuery
from newsprism.store.search import search

# Characters of matched text shown per row of the table (JSON has all of it).
_TEXT_CHARS = 160


class Scope(StrEnum):
    """What ``--in`` searches."""

    ARTICLES = "articles"
    QUOTES = "quotes"
    ENTITIES = "entities"


def search_cli(
    query: Annotated[
        str, typer.Argument(help='Words to find, all of them; "a phrase" in double quotes.')
    ],
    db: DbOption = "newsprism.db",
    scope: Annotated[
        Scope,
        typer.Option(
            "--in",
            help="articles: headlines and bodies; quotes: what was said and who said it;"
            " entities: names and mentions of people, organisations and places.",
        ),
    ] = Scope.ARTICLES,
    outlet: Annotated[
        str | None, typer.Option("--outlet", help="Only articles of this outlet.")
    ] = None,
    speaker: Annotated[
        str | None,
        typer.Option("--speaker", help="Only quotes whose speaker contains this (--in quotes)."),
    ] = None,
    since: Annotated[
        dt.datetime | None,
        typer.Option("--since", formats=["%Y-%m-%d"], help="Published on or after this day."),
    ] = None,
    until: Annotated[
        dt.datetime | None,
        typer.Option("--until", formats=["%Y-%m-%d"], help="Published on or before this day."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many hits.")] = 20,
    output: Annotated[
        TableOrJson, typer.Option("--format", help="table: readable; json: one hit a line.")
    ] = TableOrJson.TABLE,
    config: ConfigOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Search the stored articles, quotes or entities, best matches first.

    Ranked by BM25 (SQLite FTS5; PostgreSQL full-text search on that backend); words match
    their inflections ("swaps" finds "swap"). Each hit names the article id, outlet, headline,
    the matched text and its character span in the body (start_char, end_char), and for quotes
    the speaker and the reporting verb. Articles are searched once stored; quotes and entities
    once analysed ('newsprism ingest' analyses by default).

    Examples:

      newsprism search "prisoner swap" --db news.db

      newsprism search "good faith" --in quotes --speaker Jean-Pierre --format json

      newsprism search Lavrov --in entities --outlet CNN --since 2022-07-01
    """
    with reporting_errors():
        require_db(db)
        setup_settings(config=config, verbose=verbose)
        request = SearchQuery(
            query,
            scope=scope.value,
            outlet=outlet,
            speaker=speaker,
            since=since.date() if since else None,
            until=until.date() if until else None,
            limit=limit,
        )
        with open_store(db) as store:
            hits = search(store, request)
    if output is TableOrJson.JSON:
        for hit in hits:
            echo_json(to_dict(hit))
        return
    out.print(hits_table(hits, scope=scope.value))
    err.print(f"{len(hits)} hits", highlight=False)


def hits_table(hits: list[SearchHit], *, scope: str) -> Table:
    """The hits as a terminal table."""
    table = Table(title=f"search: {scope}", title_justify="left", expand=True)
    for column in ("score", "article", "outlet", "headline", "span", "matched text"):
        table.add_column(column, overflow="fold")
    if scope == "quotes":
        table.add_column("speaker")
        table.add_column("cue")
    for hit in hits:
        span = f"{hit.start_char}-{hit.end_char}" if hit.start_char is not None else "headline"
        text = hit.text if len(hit.text) <= _TEXT_CHARS else hit.text[:_TEXT_CHARS] + "…"
        row = [
            f"{hit.score:.3g}",
            hit.article_id,
            escape(hit.outlet or "—"),
            escape(hit.headline or "—"),
            span,
            escape(text),
        ]
        if scope == "quotes":
            row += [escape(hit.speaker or "—"), escape(hit.cue or "")]
        table.add_row(*row)
    return table
