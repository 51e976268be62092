"""``newsprism list`` and ``newsprism show``: look at what the database holds."""

from __future__ import annotations

from typing import Annotated

import typer

from newsprism.cli._common import (
    EXIT_BAD_INPUT,
    DbOption,
    TableOrJson,
    TextOrJson,
    err,
    out,
    reporting_errors,
    require_db,
    shown_db,
)
from newsprism.cli._safe import echo_json
from newsprism.model import to_dict
from newsprism.present.text import article_panel, articles_table
from newsprism.store import open_store


def list_cli(
    db: DbOption = "newsprism.db",
    output: Annotated[TableOrJson, typer.Option("--format")] = TableOrJson.TABLE,
    outlet: Annotated[str | None, typer.Option(help="Only articles of this outlet.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many articles.")] = 100,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many first.")] = 0,
) -> None:
    """List the stored articles.

    Examples:

      newsprism list --db news.db

      newsprism list --outlet CNN --format json
    """
    with reporting_errors():
        require_db(db)
        with open_store(db) as store:
            summaries = store.list_articles(limit=limit, offset=offset, outlet=outlet)
            articles = [a for s in summaries if (a := store.get_article(s.id)) is not None]
            counts = store.count()
    if output is TableOrJson.JSON:
        echo_json([to_dict(s) for s in summaries])
        return
    out.print(articles_table(articles, outlets={s.id: s.outlets for s in summaries}))
    err.print(
        f"{counts.articles} articles ({counts.unique_articles} once copies are counted once), "
        f"{counts.skipped} skipped inputs recorded",
        highlight=False,
    )


def show_cli(
    article_id: Annotated[str, typer.Argument(metavar="ID", help="An article id from 'list'.")],
    db: DbOption = "newsprism.db",
    output: Annotated[TextOrJson, typer.Option("--format")] = TextOrJson.TEXT,
) -> None:
    """Show one stored article in full.

    Example:

      newsprism show 4ac3225d892de0a0 --format json
    """
    with reporting_errors():
        require_db(db)
        with open_store(db) as store:
            article = store.get_article(article_id)
            publications = store.publications(article_id)
    if article is None:
        err.print(
            f"error: no article {article_id!r} in {shown_db(db)}; 'newsprism list' shows the ids"
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    if output is TextOrJson.JSON:
        record = to_dict(article)
        record["publications"] = [to_dict(p) for p in publications]
        echo_json(record)
    else:
        out.print(article_panel(article, publications=publications))

