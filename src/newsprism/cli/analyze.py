"""``newsprism analyze``: entities, attributions and time expressions of each article."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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
    progress_bar,
    report_skipped,
    reporting_errors,
    setup,
)
from newsprism.model import Article, Skipped
from newsprism.present.json import analysis_json_line
from newsprism.present.text import analysis_panel


def analyze_cli(
    inputs: Annotated[list[str], typer.Argument(help="Files, directories or http(s) URLs.")],
    output: Annotated[
        TextOrJson,
        typer.Option("--format", help="json: one analysed article per line; text: readable."),
    ] = TextOrJson.JSON,
    no_clean: Annotated[
        bool,
        typer.Option(
            "--no-clean",
            help="Take each plain-text file as the body exactly as it is (no boilerplate"
            " removal), so every offset indexes into the file's own text.",
        ),
    ] = False,
    rules_only: Annotated[
        bool,
        typer.Option("--rules-only", help="Find attributions by rules alone, without the model."),
    ] = False,
    outlet: OutletOption = None,
    published: PublishedOption = None,
    config: ConfigOption = None,
    outlets: OutletsOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Find who is mentioned, who says what with which verb, and when things happened.

    Each article is extracted as by 'newsprism extract', then analysed. JSON lines go to
    stdout, one object per article: the Article fields plus 'entities' (id, name, label,
    mentions, roles, descriptors, affiliations), 'attributions' (source, cue, content spans,
    the source's entity id, the cue's lemma and class, kind direct/indirect/mixed) and 'times'
    (span, value, granularity). Every offset indexes into 'body'. Relative dates ("on Friday")
    resolve against the publication date; give --published when the input has none.

    Examples:

      newsprism analyze ../shared/corpus/ --format text

      newsprism analyze gold/*.txt --no-clean --published 2016-05-02 | jq '.attributions[]'
    """
    from newsprism.analyze import analyze, load_analyze_rules
    from newsprism.analyze.nlp import load_model
    from newsprism.pipeline import extract_inputs
    skipped: list[Skipped] = []
    with reporting_errors():
        settings, directory = setup(config=config, outlets=outlets, verbose=verbose)
        model = load_model()
        rules = load_analyze_rules(rules_only=rules_only)
        items = extract_inputs(
            inputs,
            settings=settings,
            outlets=directory,
            outlet=outlet,
            published=as_date(published),
            clean=not no_clean,
        )
        with progress_bar() as bar:
            task = bar.add_task("analysing", total=None, current="")
            articles = _articles(items, skipped)
            for result in analyze(articles, model=model, settings=settings.analyze, rules=rules):
                bar.update(task, advance=1, current=result.article.source.where())
                if output is TextOrJson.JSON:
                    typer.echo(analysis_json_line(result))
                else:
                    out.print(analysis_panel(result))
    raise typer.Exit(report_skipped(skipped))


def _articles(items: Iterable[Article | Skipped], skipped: list[Skipped]) -> Iterator[Article]:
    """The articles among ``items``; the skipped inputs are collected into ``skipped``."""
    for item in items:
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            yield item
