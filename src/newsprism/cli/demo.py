"""``newsprism demo``: the whole pipeline on the sample corpus, with a readable account."""

from __future__ import annotations

import os
import tempfile
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from newsprism.cli._common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    err,
    out,
    report_skipped,
    reporting_errors,
    setup,
)
from newsprism.model import Article, Skipped
from newsprism.pipeline import ingest_into
from newsprism.present.json import json_line
from newsprism.present.text import article_panel, articles_table
from newsprism.store.sqlite import SQLiteStore


def demo_cli(
    corpus: Annotated[Path, typer.Option(help="The sample corpus folder.", file_okay=False)] = Path(
        "../shared/corpus"
    ),
    out_dir: Annotated[Path, typer.Option("--out", help="Where results are written.")] = Path(
        "out/demo"
    ),
) -> None:
    """Run newsprism on the sample corpus and show what it found.

    Writes out/demo/newsprism.db (the database) and out/demo/articles.jsonl (one Article per
    line), then prints each article: outlet, syndication, headline, byline, body, captions
    and the boilerplate that was set apart.
    """
    if not corpus.is_dir():
        err.print(f"error: no sample corpus at {corpus}; pass --corpus PATH/TO/shared/corpus")
        raise typer.Exit(EXIT_BAD_INPUT)
    settings, directory = setup(config=None, outlets=None, verbose=False)
    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / "newsprism.db"
    known = _sample_outlets()
    files = sorted(p for p in corpus.iterdir() if p.suffix == ".txt")
    articles: list[Article] = []
    skipped: list[Skipped] = []
    with reporting_errors(), SQLiteStore(db) as store:
        for path in files:
            report = ingest_into(
                [str(path)],
                store=store,
                settings=settings,
                outlets=directory,
                outlet=known.get(path.name),
            )
            skipped.extend(report.skipped)
        articles = [a for p in files for a in store.iter_articles() if a.source.location == str(p)]
    jsonl = out_dir / "articles.jsonl"
    _write_atomically(jsonl, "".join(json_line(a) + "\n" for a in articles))
    for article in articles:
        out.print(article_panel(article))
    out.print(articles_table(articles))
    code = report_skipped(skipped)
    out.print(f"database: {db}\narticles as JSON lines: {jsonl}", highlight=False, soft_wrap=True)
    raise typer.Exit(code if code else EXIT_OK)


def _sample_outlets() -> dict[str, str]:
    text = resources.files("newsprism.data").joinpath("sample_corpus.toml").read_text("utf-8")
    return {entry["name"]: entry["outlet"] for entry in tomllib.loads(text)["file"]}


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    Path(temporary).replace(path)
