"""The newsprism command end to end, on the sample corpus and on broken inputs."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsprism.cli import app
from tests.conftest import CNN_SAMPLE, RT_SAMPLE

runner = CliRunner()


def _json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_extract_json_carries_the_documented_fields() -> None:
    result = runner.invoke(app, ["extract", str(CNN_SAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    (article,) = _json_lines(result.stdout)
    for field in (
        "id",
        "source",
        "outlet",
        "original_outlet",
        "headline",
        "standfirst",
        "authors",
        "published",
        "published_from",
        "body",
        "captions",
        "removed",
    ):
        assert field in article
    assert article["outlet"]["name"] == "KION 46"
    assert article["original_outlet"]["name"] == "CNN"
    assert article["authors"] == ["Jennifer Hansler"]
    assert article["published"] is None  # the scrape carries no date; none is invented
    assert "Skip to Content" not in article["body"]
    assert article["body"].startswith("US Secretary of State Antony Blinken spoke with")


def test_extract_takes_outlet_and_date_from_the_caller() -> None:
    result = runner.invoke(
        app, ["extract", str(RT_SAMPLE), "--outlet", "RT", "--published", "2022-07-29"]
    )
    assert result.exit_code == 0, result.stderr
    (article,) = _json_lines(result.stdout)
    assert article["outlet"] == {"name": "RT", "domain": None, "found_by": "flag", "evidence": None}
    assert (article["published"], article["published_from"]) == ("2022-07-29", "flag")
    assert article["headline"].startswith("Moscow has failed to negotiate seriously")


def test_ingest_is_idempotent_and_list_show_read_it_back(db_url: str, corpus_dir: Path) -> None:
    db = db_url
    first = runner.invoke(app, ["ingest", str(corpus_dir), "--db", str(db), "--format", "json"])
    assert first.exit_code == 0, first.stderr
    report = json.loads(first.stdout)
    assert (report["read"], report["added"], report["skipped"]) == (2, 2, [])
    again = runner.invoke(app, ["ingest", str(corpus_dir), "--db", str(db), "--format", "json"])
    assert json.loads(again.stdout)["added"] == 0
    assert json.loads(again.stdout)["already_present"] == 2

    listed = runner.invoke(app, ["list", "--db", str(db), "--format", "json"])
    assert listed.exit_code == 0, listed.stderr
    ids = {row["id"] for row in json.loads(listed.stdout)}
    assert ids == set(report["articles"])

    shown = runner.invoke(app, ["show", sorted(ids)[0], "--db", str(db), "--format", "json"])
    assert shown.exit_code == 0
    assert json.loads(shown.stdout)["id"] == sorted(ids)[0]
    missing = runner.invoke(app, ["show", "0000000000000000", "--db", str(db)])
    assert missing.exit_code == 2
    assert "newsprism list" in missing.stderr


def test_bad_inputs_are_named_and_the_good_ones_still_go_in(tmp_path: Path) -> None:
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "good.txt").write_text(RT_SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (junk / "empty.txt").write_bytes(b"")
    (junk / "image.bin").write_bytes(bytes(range(256)) * 64)
    (junk / "cut.txt.gz").write_bytes(gzip.compress(CNN_SAMPLE.read_bytes())[:400])
    (junk / "lines.jsonl").write_text(
        json.dumps({"url": "https://www.rt.com/a", "text": RT_SAMPLE.read_text(encoding="utf-8")})
        + "\n{not json\n",
        encoding="utf-8",
    )
    db = tmp_path / "news.db"
    result = runner.invoke(app, ["ingest", str(junk), "--db", str(db), "--format", "json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    skipped_where = {item["where"] for item in report["skipped"]}
    assert str(junk / "empty.txt") in skipped_where
    assert str(junk / "image.bin") in skipped_where
    assert str(junk / "cut.txt.gz") in skipped_where
    assert f"{junk / 'lines.jsonl'}:2" in skipped_where
    # The good JSONL line holds the same text as good.txt: one document (content-hash id).
    assert (report["read"], report["added"], report["already_present"]) == (2, 1, 1)
    assert "Traceback" not in result.stderr
    assert all(line.startswith("skipped ") for line in result.stderr.splitlines() if line)


def test_newsprism_db_names_the_database_when_db_is_not_given(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # a stray newsprism.db here would be the wrong database
    monkeypatch.setenv("NEWSPRISM_DB", pg_url)
    ingested = runner.invoke(app, ["ingest", str(CNN_SAMPLE), "--format", "json"])
    assert ingested.exit_code == 0, ingested.stderr
    assert json.loads(ingested.stdout)["db"] == pg_url
    listed = runner.invoke(app, ["list", "--format", "json"])
    assert [row["outlet"] for row in json.loads(listed.stdout)] == ["KION 46"]
    assert not (tmp_path / "newsprism.db").exists()
    # --db still wins over the variable.
    elsewhere = runner.invoke(app, ["list", "--db", str(tmp_path / "none.db")])
    assert elsewhere.exit_code == 2


def test_missing_database_is_explained(tmp_path: Path) -> None:
    result = runner.invoke(app, ["list", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "newsprism ingest" in result.stderr


@pytest.mark.parametrize("command", ["ingest", "extract", "list", "show", "demo"])
def test_help_teaches_with_examples(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.stdout
    if command != "demo":
        assert "newsprism " + command in result.stdout  # an example line


def test_demo_writes_database_and_jsonl(tmp_path: Path, corpus_dir: Path) -> None:
    out_dir = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--corpus", str(corpus_dir), "--out", str(out_dir)])
    assert result.exit_code == 0, result.stderr
    lines = _json_lines((out_dir / "articles.jsonl").read_text(encoding="utf-8"))
    outlets = {line["outlet"]["name"] for line in lines}  # type: ignore[index]
    assert outlets == {"RT", "KION 46"}
    assert str(out_dir / "articles.jsonl") in result.stdout
    # The whole pipeline: one story of both outlets, compared, with its report.
    analysed = _json_lines((out_dir / "analysis.jsonl").read_text(encoding="utf-8"))
    assert all(line["attributions"] and line["entities"] for line in analysed)
    (report,) = out_dir.glob("report-s*.html")
    (comparison,) = out_dir.glob("comparison-s*.json")
    assert str(report) in result.stdout
    data = json.loads(comparison.read_text(encoding="utf-8"))
    assert [o["outlet"] for o in data["outlets"]] == ["RT", "CNN"]
    html = report.read_text(encoding="utf-8")
    assert "jailed Russian businessman" in html and "convicted Russian arms dealer" in html
    # It ends with the command that serves its database (issue 12).
    last = result.stdout.strip().splitlines()[-1]
    assert f"newsprism serve --db {out_dir / 'newsprism.db'}" in last


def test_extract_names_each_unusable_page_and_prints_the_rest(tmp_path: Path) -> None:
    # Bad input of the HTML kinds: a page with no article, a WARC cut inside a record header,
    # a page in Windows-1252 that declares UTF-8. Each gets one line; the good ones come out.
    text = RT_SAMPLE.read_text(encoding="utf-8")
    headline, *paragraphs = text.splitlines()
    body = "".join(f"<p>{p}</p>" for p in paragraphs[1:])
    page = f'<html><head><meta charset="utf-8"><title>{headline}</title></head><body>'
    (tmp_path / "resaved.html").write_bytes(
        (page + f"<article><h1>{headline}</h1>{body}</article></body></html>").encode(
            "cp1252", errors="replace"
        )
    )
    (tmp_path / "menu.html").write_text(
        page + '<nav><a href="/">Home</a> <a href="/world">World</a></nav>'
        "<footer>© 2022 Example News</footer></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "cut.warc").write_bytes(
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5000\r\n\r\nHTTP/1.1 200 OK\r\n"
    )
    result = runner.invoke(app, ["extract", str(tmp_path), "--format", "json"])
    assert result.exit_code == 2
    (article,) = _json_lines(result.stdout)
    assert article["headline"] == headline
    assert "Moscow’s actions" in str(article["body"])  # the curly quote decoded, not mojibake
    errors = [line for line in result.stderr.splitlines() if line]
    assert len(errors) == 2 and "Traceback" not in result.stderr
    assert any(str(tmp_path / "menu.html") in e and "[E105]" in e for e in errors)
    assert any(str(tmp_path / "cut.warc") in e and "[E102]" in e for e in errors)


def test_issue11_every_db_command_reads_newsprism_db(
    db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # ingest, analyze, search, export, stories and compare without --db, on both backends.
    monkeypatch.chdir(tmp_path)  # a stray newsprism.db here would be the wrong database
    monkeypatch.setenv("NEWSPRISM_DB", db_url)
    for path, outlet in ((RT_SAMPLE, ["--outlet", "RT"]), (CNN_SAMPLE, [])):
        ingest = ["ingest", str(path), *outlet, "--no-analyze", "--published", "2022-07-29"]
        assert runner.invoke(app, ingest).exit_code == 0
    analysed = runner.invoke(app, ["analyze", "--format", "json"])
    assert analysed.exit_code == 0, analysed.stderr
    assert json.loads(analysed.stdout)["analysed"] == 2
    quotes = runner.invoke(app, ["search", "negotiate", "--in", "quotes", "--format", "json"])
    assert {json.loads(line)["outlet"] for line in quotes.stdout.splitlines()} == {"RT"}
    exported = runner.invoke(app, ["export", "--to", str(tmp_path / "out"), "--format", "csv"])
    assert exported.exit_code == 0, exported.stderr
    attributions = (tmp_path / "out" / "attributions.csv").read_text("utf-8")
    assert "Jean-Pierre" in attributions
    stories = json.loads(runner.invoke(app, ["stories", "--format", "json"]).stdout)
    story = max(stories, key=lambda s: len(s["articles"]))
    compared = runner.invoke(app, ["compare", story["id"], "--format", "json"])
    assert compared.exit_code == 0, compared.stderr
    assert [o["outlet"] for o in json.loads(compared.stdout)["outlets"]] == ["RT", "CNN"]
    assert not (tmp_path / "newsprism.db").exists()
    # A file given to analyze is analysed as a file, the variable notwithstanding.
    single = runner.invoke(app, ["analyze", str(CNN_SAMPLE), "--format", "json"])
    assert single.exit_code == 0 and json.loads(single.stdout)["outlet"]["name"] == "KION 46"
