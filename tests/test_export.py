"""Tidy exports of the analysed corpus (issue 11): every table, columns as documented, ids that
join, offsets into the body; CSV, JSON lines and Parquet give the same rows on every backend."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.config import load_settings
from newsprism.errors import InputError
from newsprism.ingest.outlets import load_outlets
from newsprism.pipeline import Analyzer, InputSpec, ingest_into, resolve_entities_into
from newsprism.store import Store
from newsprism.store.export import export_tables
from newsprism.store.tables import TABLES
from tests.conftest import CNN_SAMPLE, RT_SAMPLE

SETTINGS = load_settings()


@pytest.fixture
def corpus(store: Store, sample_inputs: list[InputSpec], analyzer: Analyzer) -> Store:
    ingest_into(
        sample_inputs, store=store, settings=SETTINGS, outlets=load_outlets(), analyzer=analyzer
    )
    resolve_entities_into(store=store, settings=SETTINGS)
    return store


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_issue11_every_table_joins_and_its_offsets_hold(corpus: Store, tmp_path: Path) -> None:
    report = export_tables(corpus, tmp_path)
    assert [t.name for t in report.tables] == list(TABLES)
    rows = {t.name: _read_csv(t.path) for t in report.tables}
    for table in report.tables:
        with table.path.open(encoding="utf-8") as stream:
            assert next(csv.reader(stream)) == list(TABLES[table.name].names)
        assert len(rows[table.name]) == table.rows
    bodies = {row["article_id"]: row["body"] for row in rows["articles"]}
    assert len(bodies) == 2
    assert [r["seq"] for r in rows["articles"]] == ["1", "2"]
    assert {r["article_id"] for r in rows["publications"]} == set(bodies)
    assert {r["story_id"] for r in rows["story_articles"]} <= {
        r["story_id"] for r in rows["stories"]
    }
    entity_keys = {(r["article_id"], r["entity_id"]) for r in rows["entities"]}
    for name in ("mentions", "descriptors"):
        assert rows[name] and {(r["article_id"], r["entity_id"]) for r in rows[name]} <= entity_keys
    for name, start, end, text in (
        ("mentions", "start_char", "end_char", "text"),
        ("descriptors", "start_char", "end_char", "text"),
        ("times", "start_char", "end_char", "text"),
        ("attributions", "content_start", "content_end", "content_text"),
        ("attributions", "cue_start", "cue_end", "cue_text"),
    ):
        for row in rows[name]:
            assert bodies[row["article_id"]][int(row[start]) : int(row[end])] == row[text]
    for row in rows["attributions"]:
        if row["entity_id"]:
            assert (row["article_id"], row["entity_id"]) in entity_keys
    claimed = [r for r in rows["attributions"] if r["cue_text"] == "claimed"]
    assert claimed[0]["speaker"] == "Karine Jean-Pierre"
    assert claimed[0]["cue_class"] == "marked"
    # Entities resolved across articles carry their global id: Viktor Bout is one person.
    bout = {r["global_id"] for r in rows["entities"] if r["name"] == "Viktor Bout"}
    assert len(bout) == 1 and bout != {""}
    kinds = {r["kind"] for r in rows["descriptors"]}
    assert "role" in kinds and kinds & {"premodifier", "appositive"}
    assert {r["relative"] for r in rows["times"]} <= {"true", "false"}


def test_issue11_formats_agree(corpus: Store, tmp_path: Path) -> None:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    wanted = ["attributions", "times", "articles"]
    as_csv = export_tables(corpus, tmp_path / "csv", tables=wanted)
    as_jsonl = export_tables(corpus, tmp_path / "jsonl", format="jsonl", tables=wanted)
    as_parquet = export_tables(corpus, tmp_path / "pq", format="parquet", tables=wanted)
    for c, j, p in zip(as_csv.tables, as_jsonl.tables, as_parquet.tables, strict=True):
        lines = [json.loads(line) for line in j.path.read_text("utf-8").splitlines()]
        parquet = pq.read_table(p.path).to_pylist()
        assert len(lines) == len(parquet) == c.rows
        assert [list(line) for line in lines[:1]] == [list(TABLES[c.name].names)]
        for line, record in zip(lines, parquet, strict=True):
            for column in TABLES[c.name].columns:
                value = record[column.name]
                if column.type == "date" and value is not None:
                    value = value.isoformat()
                assert value == line[column.name], (c.name, column.name)
    schema = pq.read_schema(as_parquet.tables[0].path)
    assert str(schema.field("content_start").type) == "int64"
    assert str(pq.read_schema(as_parquet.tables[2].path).field("published").type) == "date32[day]"


def test_unknown_tables_and_formats_are_bad_input(corpus: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown table quotes"):
        export_tables(corpus, tmp_path, tables=["quotes"])
    with pytest.raises(InputError, match="unknown export format 'xlsx'"):
        export_tables(corpus, tmp_path, format="xlsx")


runner = CliRunner()


def test_issue11_export_command(db_url: str, tmp_path: Path) -> None:
    for path, outlet in ((RT_SAMPLE, ["--outlet", "RT"]), (CNN_SAMPLE, [])):
        ingest = ["ingest", str(path), *outlet, "--db", db_url, "--published", "2022-07-29"]
        assert runner.invoke(app, ingest).exit_code == 0
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["export", "--db", db_url, "--to", str(out), "--format", "parquet",
         "--tables", "entities,attributions", "--summary", "json"],
    )
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert [t["name"] for t in summary["tables"]] == ["entities", "attributions"]
    assert sorted(p.name for p in out.iterdir()) == ["attributions.parquet", "entities.parquet"]
    assert all(t["rows"] > 0 for t in summary["tables"])
    bad = runner.invoke(app, ["export", "--db", db_url, "--to", str(out), "--tables", "nope"])
    assert bad.exit_code == 2 and "unknown table nope" in bad.stderr
