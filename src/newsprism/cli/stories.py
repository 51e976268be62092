"""``newsprism stories``, ``newsprism story ID`` and ``newsprism entities``."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from newsprism.cli._common import (
    EXIT_BAD_INPUT,
    ConfigOption,
    DbOption,
    TableOrJson,
    TextOrJson,
    VerboseOption,
    err,
    out,
    progress_bar,
    progress_to,
    reporting_errors,
    require_db,
    setup_settings,
    shown_db,
)
from newsprism.cli._safe import echo_json
from newsprism.model import GlobalEntity, Story, to_dict
from newsprism.present.text import entities_table, stories_table, story_days
from newsprism.store import Store, open_store


def story_dict(story: Story) -> dict[str, Any]:
    """A story as the JSON of ``newsprism stories``: id, title, outlets, articles and the rest."""
    data: dict[str, Any] = to_dict(story)
    return data


def stories_cli(
    db: DbOption = "newsprism.db",
    output: Annotated[TableOrJson, typer.Option("--format")] = TableOrJson.TABLE,
    outlet: Annotated[
        str | None, typer.Option(help="Only stories with an article credited to this outlet.")
    ] = None,
    min_outlets: Annotated[
        int, typer.Option("--min-outlets", min=1, help="Only stories covered by this many outlets.")
    ] = 1,
    limit: Annotated[int, typer.Option(min=1, help="At most this many stories.")] = 100,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many first.")] = 0,
) -> None:
    """List the stories: which stored articles, from which outlets, tell the same story.

    Examples:

      newsprism stories --db news.db

      newsprism stories --min-outlets 2 --format json
    """
    with reporting_errors():
        require_db(db)
        with open_store(db) as store:
            stories = [
                s
                for s in store.list_stories(limit=limit, offset=offset, outlet=outlet)
                if len(s.outlets) >= min_outlets
            ]
    if output is TableOrJson.JSON:
        echo_json([story_dict(s) for s in stories])
        return
    out.print(stories_table(stories))
    err.print(f"{len(stories)} stories", highlight=False)


def story_cli(
    story_id: Annotated[str, typer.Argument(metavar="ID", help="A story id from 'stories'.")],
    db: DbOption = "newsprism.db",
    output: Annotated[TextOrJson, typer.Option("--format")] = TextOrJson.TEXT,
) -> None:
    """Show one story: its articles, outlets, top terms, and its merges and splits.

    Example:

      newsprism story s4ac3225d892de0a0 --format json
    """
    with reporting_errors():
        require_db(db)
        with open_store(db) as store:
            story = store.get_story(story_id)
            changes = store.story_changes(story_id) if story else []
    if story is None:
        err.print(
            f"error: no story {story_id!r} in {shown_db(db)}; 'newsprism stories' shows the ids",
            markup=False,
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    if output is TextOrJson.JSON:
        data = story_dict(story)
        data["changes"] = [to_dict(c) for c in changes]
        echo_json(data)
        return
    # Titles, outlets and terms come from scraped text: escaped so no "[...]" in them is markup.
    out.print(f"[bold]{escape(story.title)}[/bold]  ({story.id})", highlight=False)
    out.print(
        escape(
            f"outlets: {', '.join(story.outlets)}   days: {story_days(story)}   "
            f"terms: {', '.join(story.terms)}"
        ),
        highlight=False,
    )
    table = Table()
    for column in ("article", "outlet", "written by", "published", "joined", "score", "headline"):
        table.add_column(column)
    for member in story.articles:
        table.add_row(
            member.id,
            escape(member.outlet or ""),
            escape(member.original_outlet or member.outlet or ""),
            member.published.isoformat() if member.published else "",
            member.joined_by.value,
            f"{member.score:.2f}",
            escape(member.headline or ""),
        )
    out.print(table)
    for change in changes:
        out.print(
            f"{change.kind.value}: {change.story} <- {', '.join(change.others)}"
            f" ({len(change.articles)} articles, score {change.score:.2f})",
            highlight=False,
        )


def entities_cli(
    db: DbOption = "newsprism.db",
    output: Annotated[TableOrJson, typer.Option("--format")] = TableOrJson.TABLE,
    label: Annotated[str | None, typer.Option(help="Only this label (PERSON, ORG, GPE).")] = None,
    min_outlets: Annotated[
        int, typer.Option("--min-outlets", min=1, help="Only entities named by this many outlets.")
    ] = 1,
    limit: Annotated[int, typer.Option(min=1, help="At most this many entities.")] = 100,
    resolve: Annotated[
        bool,
        typer.Option(
            "--resolve/--no-resolve",
            help="Analyse and resolve stored articles not yet resolved (spaCy) before listing.",
        ),
    ] = True,
    config: ConfigOption = None,
    verbose: VerboseOption = False,
) -> None:
    """List global entities: people, organisations and places resolved across articles.

    Articles not yet resolved are resolved first, from their stored analyses (an article stored
    with --no-analyze is analysed then, a fraction of a second each).

    Examples:

      newsprism entities --db news.db --label PERSON

      newsprism entities --min-outlets 2 --format json
    """
    from newsprism.pipeline import resolve_entities_into
    with reporting_errors():
        require_db(db)
        settings = setup_settings(config=config, verbose=verbose)
        with open_store(db) as store:
            if resolve:
                with progress_bar() as bar:
                    resolve_entities_into(
                        store=store, settings=settings, on_progress=progress_to(bar)
                    )
            entities = [
                e
                for e in store.list_entities(limit=1 << 62, label=label)
                if len(e.outlets) >= min_outlets
            ][:limit]
            entities = [_with_current_stories(e, store) for e in entities]
    if output is TableOrJson.JSON:
        echo_json([to_dict(e) for e in entities])
        return
    out.print(entities_table(entities))
    err.print(f"{len(entities)} entities", highlight=False)


def _with_current_stories(entity: GlobalEntity, store: Store) -> GlobalEntity:
    # Stories may have merged or split since the entity was resolved: read them afresh.
    stories = tuple(
        dict.fromkeys(s for a in entity.articles if (s := store.story_of(a)) is not None)
    )
    return GlobalEntity(
        id=entity.id,
        name=entity.name,
        label=entity.label,
        aliases=entity.aliases,
        roles=entity.roles,
        articles=entity.articles,
        outlets=entity.outlets,
        stories=stories,
        occurrences=entity.occurrences,
    )

