"""``newsprism demo``: the whole pipeline on the sample corpus, with a readable account."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from newsprism.cli._common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    FastOption,
    err,
    fast_settings,
    out,
    progress_bar,
    progress_to,
    report_skipped,
    reporting_errors,
    setup,
)
from newsprism.datafile import entries, read_data_file
from newsprism.model import to_dict
from newsprism.present.json import analysis_json_line, json_line
from newsprism.present.text import (
    article_panel,
    articles_table,
    comparison_view,
    entities_table,
    stories_table,
)

# Body characters shown per article: the comparison below is what the demo is for.
_BODY_CHARS = 600


def demo_cli(
    corpus: Annotated[Path, typer.Option(help="The sample corpus folder.", file_okay=False)] = Path(
        "../shared/corpus"
    ),
    out_dir: Annotated[Path, typer.Option("--out", help="Where results are written.")] = Path(
        "out/demo"
    ),
    fast: FastOption = False,
) -> None:
    """Run the whole pipeline on the sample corpus and show what it found.

    ingest (read, extract, de-duplicate, assign stories) -> analyze (entities, attributions,
    time expressions) -> entities resolved across articles -> compare (each story with more
    than one outlet) -> report. Writes, under --out: newsprism.db (the database),
    articles.jsonl (one Article per line), analysis.jsonl (one analysed article per line),
    and for each compared story comparison-ID.json and report-ID.html (open it in a browser).
    """
    from newsprism.pipeline import InputSpec, load_analyzer, run
    from newsprism.present.html import render_report

    if not corpus.is_dir():
        err.print(f"error: no sample corpus at {corpus}; pass --corpus PATH/TO/shared/corpus")
        raise typer.Exit(EXIT_BAD_INPUT)
    settings, directory = setup(config=None, outlets=None, verbose=False)
    settings = fast_settings(settings, fast=fast)
    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / "newsprism.db"
    known = _sample_files()
    files = sorted(p for p in corpus.iterdir() if p.suffix == ".txt")
    specs = []
    for path in files:
        facts = known.get(path.name, {})
        day = facts.get("published")
        specs.append(
            InputSpec(
                str(path),
                outlet=facts.get("outlet"),
                published=day if isinstance(day, dt.date) else None,
            )
        )
    written: list[Path] = []
    from newsprism.store.sqlite import SQLiteStore

    with reporting_errors(), SQLiteStore(db) as store, progress_bar() as bar:
        report = run(
            specs,
            store=store,
            settings=settings,
            outlets=directory,
            analyzer=load_analyzer(settings),
            on_progress=progress_to(bar),
        )
        skipped = list(report.ingest.skipped)
        analysed = [
            a for p in files for a in store.iter_analyses() if a.article.source.location == str(p)
        ]
        articles = [a.article for a in analysed]
        stories = store.list_stories(limit=1000)
        entities = [e for e in store.list_entities(limit=1000) if len(e.outlets) > 1]
    comparisons = report.comparisons

    written.append(
        _write(out_dir / "articles.jsonl", "".join(json_line(a) + "\n" for a in articles))
    )
    written.append(
        _write(out_dir / "analysis.jsonl", "".join(analysis_json_line(a) + "\n" for a in analysed))
    )
    for article in articles:
        out.print(article_panel(article, body_chars=_BODY_CHARS))
    out.print(articles_table(articles))
    out.print(stories_table(stories))
    out.print(entities_table(entities, title="Entities named by more than one outlet"))
    for story_id, comparison in comparisons:
        out.print(comparison_view(comparison))
        data: dict[str, Any] = to_dict(comparison)
        written.append(
            _write(
                out_dir / f"comparison-{story_id}.json",
                json.dumps(data, ensure_ascii=False, indent=1) + "\n",
            )
        )
        written.append(_write(out_dir / f"report-{story_id}.html", render_report(comparison)))
    code = report_skipped(skipped)
    lines = [f"database: {db}"] + [f"written: {path}" for path in written]
    if not comparisons:
        lines.append("no story has more than one outlet, so nothing was compared")
    # The last line: the command that opens the demo database in a browser.
    lines.append(f"browse it: newsprism serve --db {db}   (then open http://127.0.0.1:8000/)")
    out.print("\n".join(lines), highlight=False, soft_wrap=True)
    raise typer.Exit(code if code else EXIT_OK)


def _sample_files() -> dict[str, dict[str, Any]]:
    """What a caller knows about each sample file that the file does not say."""
    found = entries(read_data_file("sample_corpus.toml"), "file")
    return {entry["name"]: entry for _, entry in found}


def _write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (a temporary file renamed over it)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    Path(temporary).replace(path)
    return path
