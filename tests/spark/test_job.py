"""The Spark job (issue 13) against the single-machine pipeline, on BASIL as JSONL and a WARC of
extraction-benchmark pages, with a corrupt record, a truncated WARC and a non-HTML record.

One Spark session (local[2]) and one run of the job serve the module; the single-machine
baseline is ``pipeline.ingest_into`` over the same inputs in the same order.
"""

from __future__ import annotations

import gzip
import io
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

if TYPE_CHECKING:
    from pyspark import SparkContext

    from newsprism.pipeline import Analyzer
    from newsprism.spark.job import JobReport
    from newsprism.store import MemoryStore

# PySpark leaves sockets of its own to the garbage collector.
pytestmark = pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")

# Whole BASIL events (three outlets each) and extraction-benchmark pages in the inputs: small,
# so that the module runs in about a minute on two cores.
EVENTS = 3
PAGES = 6


def _basil_lines(benchdata: Path) -> list[dict[str, Any]]:
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for path in sorted((benchdata / "basil" / "articles").glob("2016/*.json")):
        record = json.loads(path.read_text("utf-8"))
        events[record["triplet-uuid"]].append(
            {
                "text": "\n\n".join(" ".join(s) for s in record["body-paragraphs"]),
                "title": record.get("title"),
                "outlet": record["source"],
                "published": record["date"],
                "url": record.get("url"),
            }
        )
    chosen = [rows for rows in events.values() if len(rows) == 3][:EVENTS]
    lines = [row for rows in chosen for row in rows]
    lines.sort(key=lambda row: (row["published"], row["url"] or ""))
    return lines


def _warc(records: list[tuple[str, str, bytes]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    stream = io.BytesIO()
    writer = WARCWriter(stream, gzip=True)
    for url, content_type, body in records:
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                           http_headers=headers)
        writer.write_record(record)
        record.raw_stream.close()
    return stream.getvalue()


@pytest.fixture(scope="module")
def inputs(benchdata: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """BASIL as JSONL (with a corrupt line and the same text from a second outlet), a WARC of
    benchmark pages (with an image response), and a truncated WARC."""
    folder = tmp_path_factory.mktemp("inputs")
    lines = _basil_lines(benchdata)
    again = dict(lines[0], outlet="Reuters", url="https://www.reuters.com/same-text")
    rows = [json.dumps(row) for row in lines]
    rows.insert(4, '{"text": "a corrupt record, cut off')
    rows.append(json.dumps(again))
    (folder / "basil.jsonl").write_text("\n".join(rows) + "\n", "utf-8")

    aeb = benchdata / "article-extraction-benchmark"
    truth = json.loads((aeb / "ground-truth.json").read_text("utf-8"))
    pages = [
        (truth[key]["url"], "text/html; charset=utf-8",
         gzip.decompress((aeb / "html" / f"{key}.html.gz").read_bytes()))
        for key in sorted(truth)[: PAGES + 2]
    ]
    cut = pages[PAGES:]
    pages = pages[:PAGES]
    pages.insert(2, ("https://img.example.org/a.png", "image/png", b"\x89PNG\r\n\x1a\n" * 40))
    (folder / "pages.warc.gz").write_bytes(_warc(pages))
    whole = _warc(cut)
    first = _warc(cut[:1])
    (folder / "cut.warc.gz").write_bytes(whole[: len(first) + 700])
    return [str(folder / "basil.jsonl"), str(folder / "pages.warc.gz"),
            str(folder / "cut.warc.gz")]


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkContext]:
    from newsprism.spark.job import spark_context

    context = spark_context("local[2]", app_name="newsprism-tests")
    context.setLogLevel("ERROR")
    try:
        yield context
    finally:
        context.stop()


@pytest.fixture(scope="module")
def job(
    inputs: list[str], spark: SparkContext, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, JobReport]:
    from newsprism.config import load_settings
    from newsprism.spark.job import run_job

    out = tmp_path_factory.mktemp("out")
    report = run_job(inputs, out=out, settings=load_settings(), context=spark, partitions=3)
    return out, report


@pytest.fixture(scope="module")
def single(inputs: list[str], analyzer: Analyzer) -> MemoryStore:
    """The single-machine pipeline over the same inputs, in the same order."""
    from newsprism.config import load_settings
    from newsprism.ingest.outlets import load_outlets
    from newsprism.pipeline import ingest_into
    from newsprism.store import MemoryStore

    store = MemoryStore()
    ingest_into(inputs, store=store, settings=load_settings(), outlets=load_outlets(),
                analyzer=analyzer)
    return store


@pytest.fixture(scope="module")
def loaded(job: tuple[Path, JobReport], tmp_path_factory: pytest.TempPathFactory) -> Path:
    from newsprism.config import load_settings
    from newsprism.spark.load import load_output
    from newsprism.store import open_store

    db = tmp_path_factory.mktemp("db") / "news.db"
    with open_store(db) as store:
        load_output(job[0], store=store, settings=load_settings())
    return db


def test_issue13_bad_records_are_skipped_and_counted(
    job: tuple[Path, JobReport], single: MemoryStore
) -> None:
    import pyarrow.parquet as pq

    out, report = job
    skipped = pq.read_table(out / "skipped").to_pylist()
    reasons = sorted(row["reason"].split(" (")[0].split(";")[0] for row in skipped)
    assert report.skipped == len(skipped) == 3
    assert any("not valid JSON" in r for r in reasons)
    assert any("not an HTML page" in r for r in reasons)
    assert any("truncated or corrupt" in r for r in reasons)
    # The single-machine ingest skips the same corrupt line and truncated archive; it passes
    # over the image silently.
    assert single.count().skipped == 2
    assert report.read == report.stored + report.same_text
    assert report.same_text == 1


def test_issue13_articles_and_analyses_equal_the_single_machine_pipeline(
    loaded: Path, single: MemoryStore
) -> None:
    from newsprism.model import to_dict
    from newsprism.store import open_store

    with open_store(loaded) as store:
        spark_articles = {a.id: a for a in store.iter_articles()}
        want = {a.id: a for a in single.iter_articles()}
        assert sorted(spark_articles) == sorted(want)
        assert len(want) == 3 * EVENTS + PAGES + 1  # the cut archive keeps its first page
        for article_id, article in want.items():
            got = spark_articles[article_id]
            assert got.body == article.body
            assert got.headline == article.headline
            assert got.copy_of == article.copy_of
            assert store.publications(article_id) == single.publications(article_id)
            mine, theirs = store.get_analysis(article_id), single.get_analysis(article_id)
            assert mine is not None and theirs is not None
            assert [to_dict(a) for a in mine.attributions] == [
                to_dict(a) for a in theirs.attributions
            ]
            assert mine.entities == theirs.entities
            assert mine.times == theirs.times


def test_issue13_stories_match_the_single_machine_pipeline(
    job: tuple[Path, JobReport], loaded: Path, single: MemoryStore
) -> None:
    from newsprism.store import open_store

    def groups(stories: list[Any]) -> set[frozenset[str]]:
        return {frozenset(member.id for member in story.articles) for story in stories}

    with open_store(loaded) as store:
        assert groups(store.list_stories(limit=1000)) == groups(single.list_stories(limit=1000))
    assert job[1].stories == len(single.list_stories(limit=1000))


def test_issue13_parquet_tables_have_the_export_columns(
    job: tuple[Path, JobReport], single: MemoryStore
) -> None:
    import pyarrow.parquet as pq

    from newsprism.store.export import table_rows
    from newsprism.store.tables import TABLES

    out = job[0]
    for name in ("articles", "publications", "entities", "mentions", "descriptors",
                 "attributions", "times", "stories", "story_articles"):
        parts = sorted((out / name).rglob("*.parquet"))
        assert parts, name
        assert pq.read_schema(parts[0]).names == list(TABLES[name].names)
        if name in ("articles", "stories", "story_articles"):
            continue
        got = sorted(
            tuple(v.isoformat() if hasattr(v, "isoformat") else v for v in row.values())
            for part in parts for row in pq.read_table(part).to_pylist()
        )
        assert got == sorted(table_rows(single, name)), name
    months = {p.name for p in (out / "articles").glob("month=*")}
    assert {"month=2016-01", "month=none"} <= months or len(months) > 1


def test_issue13_load_then_search_and_compare_work(loaded: Path, single: MemoryStore) -> None:
    from newsprism.cli import app

    runner = CliRunner()
    found = runner.invoke(app, ["search", "Trump", "--db", str(loaded), "--format", "json"])
    assert found.exit_code == 0, found.output
    hits = [json.loads(line) for line in found.stdout.splitlines() if line.strip()]
    assert hits and all(hit["article_id"] for hit in hits)
    story = max(single.list_stories(limit=1000), key=lambda s: len(s.outlets))
    assert len(story.outlets) >= 2
    compared = runner.invoke(app, ["compare", story.id, "--db", str(loaded), "--format", "json"])
    assert compared.exit_code == 0, compared.output
    assert len(json.loads(compared.stdout)["outlets"]) == len(story.outlets)


def test_issue13_rerunning_an_input_replaces_its_output(
    job: tuple[Path, JobReport], inputs: list[str], spark: SparkContext
) -> None:
    import pyarrow.parquet as pq

    from newsprism.config import load_settings
    from newsprism.spark.job import run_job

    out, first = job
    before = pq.read_table(out / "articles").num_rows
    again = run_job(inputs[1:2], out=out, settings=load_settings(), context=spark, partitions=2)
    assert pq.read_table(out / "articles").num_rows == before
    assert again.articles == first.articles and again.stories == first.stories
    assert any((out / "records").iterdir())


def test_issue13_load_into_sqlite_or_postgresql_then_serve(
    job: tuple[Path, JobReport], db_url: str, single: MemoryStore
) -> None:
    from fastapi.testclient import TestClient

    from newsprism.config import load_settings
    from newsprism.serve.app import ServeConfig, create_app
    from newsprism.spark.load import load_output
    from newsprism.store import open_store

    with open_store(db_url) as store:
        report = load_output(job[0], store=store, settings=load_settings())
        assert report.added == single.count().articles and report.state_saved
        assert store.count().skipped == 3
        assert {s.id for s in store.list_stories(limit=1000)} == {
            s.id for s in single.list_stories(limit=1000)
        }
    with open_store(db_url) as store:  # loading again adds nothing
        assert load_output(job[0], store=store, settings=load_settings()).added == 0
    story = max(single.list_stories(limit=1000), key=lambda s: len(s.outlets))
    with TestClient(create_app(ServeConfig(db=db_url))) as client:
        listed = client.get("/api/stories", params={"limit": 100})
        assert listed.status_code == 200
        assert story.id in listed.text
        page = client.get(f"/stories/{story.id}")
        assert page.status_code == 200 and story.outlets[0] in page.text


def test_issue13_copy_plan_on_the_driver_equals_the_plan_on_spark(
    benchdata: Path,
    spark: SparkContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A small plan runs on the driver, a large one as Spark shuffles: the same steps, so the
    same copies, same texts and publications either way (here with a near copy of a BASIL
    article, its text read twice, and an exact copy that differs in spacing only)."""
    import pyarrow.parquet as pq

    from newsprism.config import load_settings
    from newsprism.spark import job as spark_job

    lines = _basil_lines(benchdata)[:3]
    words = lines[0]["text"].split(" ")
    near = dict(lines[0], text=" ".join([*words[:-12], "(Edited", "later.)"]),
                outlet="Reuters", url="https://www.reuters.com/near")
    spaced = dict(lines[1], text=lines[1]["text"].replace(". ", ".  "), outlet="AP",
                  url="https://apnews.com/spaced")
    twice = dict(lines[2], outlet="BBC", url="https://www.bbc.com/twice")
    source = tmp_path / "copies.jsonl"
    source.write_text(
        "\n".join(json.dumps(row) for row in [*lines, near, spaced, twice]) + "\n", "utf-8"
    )

    def run(name: str) -> tuple[JobReport, list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        out = tmp_path / name
        report = spark_job.run_job([str(source)], out=out, settings=load_settings(),
                                   context=spark, partitions=2)
        articles = sorted(
            (row["article_id"], row["copy_of"], row["copy_kind"])
            for row in pq.read_table(out / "articles").to_pylist()
        )
        publications = sorted(
            tuple(str(value) for value in row.values())
            for row in pq.read_table(out / "publications").to_pylist()
        )
        return report, articles, publications

    on_driver = run("driver")
    monkeypatch.setattr(spark_job, "_ENTRIES_ON_DRIVER", 0)
    on_spark = run("spark")
    assert on_driver[0].copies == on_spark[0].copies >= 1
    assert on_driver[0].same_text == on_spark[0].same_text == 1
    assert on_driver[1] == on_spark[1]
    assert on_driver[2] == on_spark[2]
    assert any(kind == "near" for _, _, kind in on_driver[1])


def test_issue13_analysis_partitions_are_balanced_by_length() -> None:
    from newsprism.spark.job import _balanced

    lengths = [9000, 7000, 6000, 5000, 4000, 3000, 2000, 1000, 1000, 500]
    costs = {(0, ordinal): chars for ordinal, chars in enumerate(lengths)}
    assigned = _balanced(costs, 3)
    loads = [sum(costs[o] for o, p in assigned.items() if p == number) for number in range(3)]
    assert sorted(assigned) == sorted(costs)
    # Longest first to the least loaded: within the shortest text of the ideal third.
    assert max(loads) - min(loads) <= 500
    # Round-robin in corpus order would leave 20,000 against 9,500.
    assert max(loads) <= sum(lengths) / 3 + 500


def test_a_local_context_runs_a_lean_driver_jvm(spark: SparkContext) -> None:
    # The JVM only schedules: its options (a quick compiler, one collector thread) reached it.
    options = spark.getConf().get("spark.driver.extraJavaOptions") or ""
    assert "-XX:+UseSerialGC" in options and "-XX:TieredStopAtLevel=1" in options
    runtime = spark._jvm.java.lang.management.ManagementFactory.getRuntimeMXBean()  # type: ignore[union-attr]
    assert "-XX:+UseSerialGC" in str(runtime.getInputArguments())
    assert spark.parallelize(range(10), 2).sum() == 45
