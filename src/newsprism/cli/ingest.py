"""``newsprism ingest``: read inputs, extract articles, link copies, store them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from newsprism.cli._common import (
    EXIT_OK,
    ConfigOption,
    DbOption,
    FastOption,
    OutletOption,
    OutletsOption,
    PublishedOption,
    TextOrJson,
    VerboseOption,
    as_date,
    err,
    fast_settings,
    progress_bar,
    progress_to,
    report_skipped,
    reporting_errors,
    setup,
    shown_db,
)
from newsprism.cli._safe import echo_json
from newsprism.store import open_store

if TYPE_CHECKING:
    from newsprism.pipeline import IngestReport


def ingest_cli(
    inputs: Annotated[list[str], typer.Argument(help="Files, directories or http(s) URLs.")],
    db: DbOption = "newsprism.db",
    outlet: OutletOption = None,
    published: PublishedOption = None,
    output: Annotated[
        TextOrJson, typer.Option("--format", help="Summary format.")
    ] = TextOrJson.TEXT,
    config: ConfigOption = None,
    outlets: OutletsOption = None,
    embeddings: Annotated[
        bool,
        typer.Option(
            "--embeddings",
            help="Blend all-MiniLM-L6-v2 sentence embeddings into story clustering "
            "(the optional 'embeddings' extra).",
        ),
    ] = False,
    no_analyze: Annotated[
        bool,
        typer.Option(
            "--no-analyze",
            help="Store articles without analysing them (faster; 'newsprism analyze --db DB'"
            " completes them later).",
        ),
    ] = False,
    fast: FastOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Read articles into the database: extract, de-duplicate, analyse, assign stories.

    Inputs may be plain-text scrapes, HTML pages, JSONL (one article a line), RSS/Atom feeds,
    WARC or WARC.gz archives, directories of any of these, or URLs. Each article is analysed
    (entities, mentions, descriptors, who said what, time expressions) and stored with its
    analysis and search entries in one transaction. Running it again on the same inputs adds
    nothing twice; a run that was interrupted is completed.

    Examples:

      newsprism ingest ../shared/corpus/ --db news.db

      newsprism ingest feed.xml crawl.warc.gz --outlet Reuters

      newsprism ingest page.html --published 2022-07-29 --format json

      newsprism ingest feeds/ --embeddings

      newsprism ingest big-crawl/ --no-analyze && newsprism analyze --db newsprism.db
    """
    from newsprism.pipeline import ingest_into, load_analyzer

    with reporting_errors():
        settings, directory = setup(config=config, outlets=outlets, verbose=verbose)
        settings = fast_settings(settings, fast=fast)
        encoder = None
        if embeddings:
            from newsprism.stories.embed import load_embedder

            encoder = load_embedder()
        analyzer = None if no_analyze else load_analyzer(settings)
        with open_store(db) as store, progress_bar() as bar:
            report = ingest_into(
                inputs,
                store=store,
                settings=settings,
                outlets=directory,
                outlet=outlet,
                published=as_date(published),
                analyzer=analyzer,
                encoder=encoder,
                on_progress=progress_to(bar),
            )
    code = report_skipped(report.skipped)
    if output is TextOrJson.JSON:
        echo_json(_report_dict(report, db))
    else:
        err.print(_summary(report, db), highlight=False)
    raise typer.Exit(code if code else EXIT_OK)


def _summary(report: IngestReport, db: str) -> str:
    return (
        f"read {report.read}, added {report.added}, already present {report.already_present}, "
        f"copies {report.copies}, publications added {report.publications}, "
        f"analysed {report.analysed}, skipped {len(report.skipped)} -> {shown_db(db)}"
    )


def _report_dict(report: IngestReport, db: str) -> dict[str, object]:
    return {
        "db": shown_db(db),
        "read": report.read,
        "added": report.added,
        "already_present": report.already_present,
        "copies": report.copies,
        "publications": report.publications,
        "analysed": report.analysed,
        "skipped": [{"where": s.where, "code": s.code, "reason": s.reason} for s in report.skipped],
        "articles": [a.id for a in report.articles],
    }
