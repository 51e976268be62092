"""``newsprism spark`` (a corpus on a Spark cluster) and ``newsprism load`` (its output stored)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from newsprism.cli._common import (
    EXIT_BAD_INPUT,
    ConfigOption,
    DbOption,
    OutletOption,
    TextOrJson,
    VerboseOption,
    err,
    progress_bar,
    progress_to,
    reporting_errors,
    setup_settings,
    shown_db,
)
from newsprism.errors import ConfigError


def spark_cli(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="WARC(.gz) or JSONL files, folders of them, or manifests listing them"
            " (*.paths, *.paths.gz, *.manifest, *.txt; local paths or s3://, gs://, hdfs://).",
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Output folder for the Parquet tables.", file_okay=False)
    ],
    master: Annotated[
        str | None,
        typer.Option(
            "--master",
            help="Spark master (local[2], spark://host:7077, yarn); left to spark-submit when"
            " not given, local[*] when run without it.",
        ),
    ] = None,
    partitions: Annotated[
        int | None,
        typer.Option("--partitions", min=1, help="Partitions to analyse in (default: 2 x cores)."),
    ] = None,
    outlet: OutletOption = None,
    output: Annotated[
        TextOrJson, typer.Option("--format", help="Summary format.")
    ] = TextOrJson.TEXT,
    config: ConfigOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Analyse a corpus with Apache Spark and write Parquet tables, by publication month.

    Each partition loads the spaCy model once; records that cannot be used become rows of the
    'skipped' table. Copies and stories span every input of the output folder; running an
    input again replaces its output. Needs the spark extra (pip install 'newsprism[spark]')
    and Java 17.

    Examples:

      newsprism spark crawl.warc.gz --out corpus/ --master 'local[2]'

      spark-submit --master yarn $(which newsprism) spark warc.paths --out /shared/corpus

      newsprism load corpus/ --db news.db
    """
    with reporting_errors():
        settings = setup_settings(config=config, verbose=verbose)
        try:
            from newsprism.spark.job import run_job, spark_context
        except ImportError as exc:
            raise ConfigError(
                "pyspark is not installed; install the spark extra: pip install"
                " 'newsprism[spark]' (and a Java 17 runtime)"
            ) from exc
        in_submit = _inside_spark_submit()
        context = spark_context(master or (None if in_submit else "local[*]"))
        context.setLogLevel("ERROR" if not verbose else "WARN")
        try:
            report = run_job(
                inputs, out=out, settings=settings, context=context, partitions=partitions,
                outlet=outlet,
            )
        finally:
            context.stop()
    summary = {
        "out": str(report.out),
        "inputs": len(report.inputs),
        "tasks": report.tasks,
        "partitions": report.partitions,
        "read": report.read,
        "stored": report.stored,
        "skipped": report.skipped,
        "same_text": report.same_text,
        "copies": report.copies,
        "articles": report.articles,
        "stories": report.stories,
        "seconds": report.seconds,
        "partition_costs": [
            {"partition": c.partition, "articles": c.articles, "seconds": c.seconds,
             "peak_mib": c.peak_mib}
            for c in report.partition_costs
        ],
    }
    if output is TextOrJson.JSON:
        typer.echo(json.dumps(summary, ensure_ascii=False))
    else:
        err.print(
            f"read {report.read}, stored {report.stored}, skipped {report.skipped}, same text"
            f" {report.same_text}, copies {report.copies}; {report.articles} articles in"
            f" {report.stories} stories -> {report.out}",
            highlight=False,
            markup=False,
        )
    if report.skipped:
        err.print(f"skipped records: {report.out / 'skipped'}", highlight=False, markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)


def _inside_spark_submit() -> bool:
    import os

    return "SPARK_ENV_LOADED" in os.environ or "PYSPARK_GATEWAY_PORT" in os.environ


def load_cli(
    folder: Annotated[
        Path,
        typer.Argument(help="The --out folder of 'newsprism spark'.", exists=True,
                       file_okay=False),
    ],
    db: DbOption = "newsprism.db",
    output: Annotated[
        TextOrJson, typer.Option("--format", help="Summary format.")
    ] = TextOrJson.TEXT,
    config: ConfigOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Store the output of 'newsprism spark' in an SQLite or PostgreSQL database.

    Articles, analyses, publications, skipped records and stories are stored as 'newsprism
    ingest' stores them, so search, stories, compare --db and serve work on the database.
    Loading a folder again adds nothing. Needs pyarrow only, not Spark.

    Examples:

      newsprism load corpus/ --db news.db

      newsprism load corpus/ --db postgresql://newsprism@db.example.org/news
    """
    from newsprism.spark.load import load_output
    from newsprism.store import open_store

    with reporting_errors():
        settings = setup_settings(config=config, verbose=verbose)
        with open_store(db) as store, progress_bar() as bar:
            report = load_output(folder, store=store, settings=settings,
                                 on_progress=progress_to(bar))
    if output is TextOrJson.JSON:
        typer.echo(
            json.dumps(
                {
                    "db": shown_db(db),
                    "added": report.added,
                    "analysed": report.analysed,
                    "publications": report.publications,
                    "skipped": report.skipped,
                    "stories": report.stories,
                    "state_saved": report.state_saved,
                }
            )
        )
        return
    err.print(
        f"added {report.added}, analysed {report.analysed}, publications"
        f" {report.publications}, skipped {report.skipped}, stories {report.stories}"
        f" -> {shown_db(db)}",
        highlight=False,
        markup=False,
    )
