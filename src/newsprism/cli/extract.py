"""``newsprism extract``: print clean articles without storing them."""

from __future__ import annotations

from typing import Annotated

import typer

from newsprism.cli._common import (
    ConfigOption,
    OutletOption,
    OutletsOption,
    PublishedOption,
    TextOrJson,
    VerboseOption,
    as_date,
    out,
    report_skipped,
    reporting_errors,
    setup,
)
from newsprism.model import Skipped
from newsprism.present.json import json_line
from newsprism.present.text import article_panel


def extract_cli(
    inputs: Annotated[list[str], typer.Argument(help="Files, directories or http(s) URLs.")],
    output: Annotated[
        TextOrJson, typer.Option("--format", help="json: one Article per line; text: readable.")
    ] = TextOrJson.JSON,
    outlet: OutletOption = None,
    published: PublishedOption = None,
    config: ConfigOption = None,
    outlets: OutletsOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Extract articles (body, headline, byline, date, captions) and print them.

    JSON lines go to stdout, one Article per line, with the fields documented in the README
    (id, source, outlet, original_outlet, headline, standfirst, authors, published,
    published_from, body, captions, removed, ...). Inputs that cannot be used are named on
    stderr and make the exit code 2; the others are still printed.

    Examples:

      newsprism extract ../shared/corpus/003_4ac3225d892de0a0.txt --format text

      newsprism extract page.html | jq .headline
    """
    from newsprism.pipeline import extract_inputs
    skipped: list[Skipped] = []
    with reporting_errors():
        settings, directory = setup(config=config, outlets=outlets, verbose=verbose)
        for item in extract_inputs(
            inputs,
            settings=settings,
            outlets=directory,
            outlet=outlet,
            published=as_date(published),
        ):
            if isinstance(item, Skipped):
                skipped.append(item)
            elif output is TextOrJson.JSON:
                typer.echo(json_line(item))
            else:
                out.print(article_panel(item))
    raise typer.Exit(report_skipped(skipped))
