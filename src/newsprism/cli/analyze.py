"""``newsprism analyze``: entities, attributions and time expressions of each article."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Annotated

import typer

from newsprism.cli._common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    ConfigOption,
    FastOption,
    OutletOption,
    OutletsOption,
    PublishedOption,
    TextOrJson,
    VerboseOption,
    as_date,
    err,
    fast_settings,
    out,
    progress_bar,
    progress_to,
    report_skipped,
    reporting_errors,
    require_db,
    setup,
    shown_db,
)
from newsprism.cli._safe import echo_json
from newsprism.model import AnalyzedArticle, Article, Skipped
from newsprism.present.json import analysis_json_line
from newsprism.present.text import analysis_panel
from newsprism.store import DB_ENV, open_store


def analyze_cli(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(help="Files, directories or http(s) URLs (none with --db)."),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Analyse the articles stored in this database (SQLite file or postgresql://"
            f" URL) that have no analysis yet, and store the analyses; ${DB_ENV} when no"
            " input is given.",
        ),
    ] = None,
    redo: Annotated[
        bool,
        typer.Option(
            "--redo-other-versions",
            help="With --db: also analyse again the articles another model or newsprism"
            " version analysed.",
        ),
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=1, help="With --db: analyse at most this many articles."),
    ] = None,
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
    fast: FastOption = False,
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

      newsprism analyze --db news.db      # complete a database ingested with --no-analyze

    With --db, the stored articles without an analysis are analysed and their analyses stored,
    a batch per transaction: an interrupted run is completed by running it again. Each analysis
    records the spaCy model and the newsprism version, rule files and tagger that made it;
    --redo-other-versions analyses again those another version made.
    """
    from newsprism.pipeline import analyze_store, extract_inputs, load_analyzer

    if db is None and not inputs:
        # Not an option default: with inputs given, $NEWSPRISM_DB must not make it "both".
        db = os.environ.get(DB_ENV) or None
    if (db is None) == (not inputs):
        err.print(
            "error: give files or URLs to analyse, or --db DB to complete a database (not both)",
            highlight=False,
            markup=False,
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    skipped: list[Skipped] = []
    with reporting_errors():
        settings, directory = setup(config=config, outlets=outlets, verbose=verbose)
        settings = fast_settings(settings, fast=fast)
        analyzer = load_analyzer(settings, rules_only=rules_only)
        if db is not None:
            require_db(db)
            with open_store(db) as store, progress_bar() as bar:
                report = analyze_store(
                    store,
                    analyzer=analyzer,
                    settings=settings,
                    redo_other_versions=redo,
                    limit=limit,
                    on_progress=progress_to(bar),
                )
            summary = {
                "db": shown_db(db),
                "analysed": report.analysed,
                "pending": report.pending - report.analysed,
                "nlp_model": report.nlp_model,
                "made_by": report.made_by,
            }
            if output is TextOrJson.JSON:
                echo_json(summary)
            else:
                err.print(
                    f"analysed {report.analysed}, still pending {summary['pending']}"
                    f" ({report.nlp_model}; {report.made_by}) -> {summary['db']}",
                    highlight=False,
                    markup=False,
                )
            raise typer.Exit(EXIT_OK)
        items = extract_inputs(
            inputs or [],
            settings=settings,
            outlets=directory,
            outlet=outlet,
            published=as_date(published),
            clean=not no_clean,
        )
        with progress_bar() as bar:
            task = bar.add_task("analysing", total=None, current="")
            for chunk in _chunks(_articles(items, skipped), settings.analyze.batch_size):
                for result in analyzer.analyze(chunk):
                    bar.update(task, advance=1, current=result.article.source.where())
                    _show(result, output)
    raise typer.Exit(report_skipped(skipped))


def _show(result: AnalyzedArticle, output: TextOrJson) -> None:
    if output is TextOrJson.JSON:
        typer.echo(analysis_json_line(result))
    else:
        out.print(analysis_panel(result))


def _articles(items: Iterable[Article | Skipped], skipped: list[Skipped]) -> Iterator[Article]:
    """The articles among ``items``; the skipped inputs are collected into ``skipped``."""
    for item in items:
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            yield item


def _chunks(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """Articles in lists of ``size``: each is parsed in one ``nlp.pipe`` call, then shown."""
    chunk: list[Article] = []
    for article in articles:
        chunk.append(article)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
