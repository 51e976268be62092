"""``newsprism export``: the analysed corpus as tidy tables for pandas, R or DuckDB."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from newsprism.cli._common import (
    ConfigOption,
    DbOption,
    TextOrJson,
    VerboseOption,
    err,
    reporting_errors,
    require_db,
    setup_settings,
)
from newsprism.cli._safe import echo_json
from newsprism.store import open_store
from newsprism.store.export import export_tables
from newsprism.store.tables import TABLES


class ExportFormat(StrEnum):
    """File format of the exported tables."""

    CSV = "csv"
    PARQUET = "parquet"
    JSONL = "jsonl"


def export_cli(
    db: DbOption = "newsprism.db",
    to: Annotated[
        Path, typer.Option("--to", help="Folder to write the tables into.", file_okay=False)
    ] = Path("export"),
    format: Annotated[
        ExportFormat, typer.Option("--format", help="csv, parquet or jsonl.")
    ] = ExportFormat.CSV,
    tables: Annotated[
        list[str] | None,
        typer.Option(
            "--tables",
            help=f"Tables to write (repeat, or comma-separated): {', '.join(TABLES)}."
            " All when not given.",
        ),
    ] = None,
    output: Annotated[
        TextOrJson, typer.Option("--summary", help="How to print what was written.")
    ] = TextOrJson.TEXT,
    config: ConfigOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Export the corpus as tidy tables, one file a table, with ids that join.

    Tables: articles, publications, stories, story_articles (article_id -> story_id),
    entities, mentions, descriptors (per article_id + entity_id), attributions (speaker, cue
    with its class, content, kind), times. Every start_char/end_char indexes into
    articles.body. The README documents every column.

    Examples:

      newsprism export --db news.db --to out/

      newsprism export --to out/ --format parquet --tables attributions,entities

      duckdb -c "SELECT speaker, cue_lemma, count(*) FROM 'out/attributions.csv' GROUP BY ALL"
    """
    chosen = [name.strip() for item in tables or [] for name in item.split(",") if name.strip()]
    with reporting_errors():
        require_db(db)
        setup_settings(config=config, verbose=verbose)
        with open_store(db) as store:
            report = export_tables(store, to, format=format.value, tables=chosen or None)
    if output is TextOrJson.JSON:
        echo_json(
            {
                "format": report.format,
                "tables": [
                    {"name": t.name, "path": str(t.path), "rows": t.rows}
                    for t in report.tables
                ],
            },
        )
        return
    for table in report.tables:
        err.print(f"{table.rows:>8} rows  {table.path}", highlight=False, markup=False)
