"""Issue 10: hostile or unlucky inputs become Skipped records with a code, never a traceback;
structured records keep their text; decoding keeps valid UTF-8."""

from __future__ import annotations

import io
import json
import logging
import os
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsprism.config import load_settings, replace_section
from newsprism.ingest import read_inputs
from newsprism.ingest.outlets import load_outlets
from newsprism.model import Article, MediaType, RawDocument, Skipped
from newsprism.pipeline import Analyzer, extract_inputs
from tests.conftest import BENCHDATA, REPO_ROOT

SETTINGS = load_settings()
OUTLETS = load_outlets()
NEUS_TRAIN = BENCHDATA / "neus_allsides/naacl2022_lrc_roundup_random_order_probe/train.source"


def _read(*inputs: str, settings: object = SETTINGS) -> tuple[list[RawDocument], list[Skipped]]:
    docs: list[RawDocument] = []
    skipped: list[Skipped] = []
    for item in read_inputs(list(inputs), settings=settings, outlets=OUTLETS):  # type: ignore[arg-type]
        (skipped if isinstance(item, Skipped) else docs).append(item)  # type: ignore[arg-type]
    return docs, skipped


# --- paths -------------------------------------------------------------------------------------


def test_issue10_symlink_loop_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    docs, (skipped,) = _read(str(tmp_path / "a"))
    assert docs == [] and skipped.code == "E101" and "symbolic links" in skipped.reason


def test_issue10_file_used_as_a_directory_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("A line of text.\n", encoding="utf-8")
    docs, (skipped,) = _read(str(tmp_path / "good.txt" / "x"))
    assert docs == [] and skipped.code == "E101" and "not a directory" in skipped.reason


def test_issue10_name_too_long_is_skipped(tmp_path: Path) -> None:
    docs, (skipped,) = _read(str(tmp_path / ("n" * 300 + ".txt")))
    assert docs == [] and skipped.code == "E101" and "too long" in skipped.reason


def test_issue10_empty_directory_is_reported(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    docs, (skipped,) = _read(str(tmp_path / "empty"))
    assert docs == [] and skipped.where == str(tmp_path / "empty")
    assert "holds no file" in skipped.reason


def test_issue10_devices_fifos_and_pipes_are_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, b"some text in a pipe\n")
        started = time.monotonic()
        docs, skipped = _read("/dev/zero", str(fifo), f"/dev/fd/{read_end}")
        assert time.monotonic() - started < 5
    finally:
        os.close(read_end)
        os.close(write_end)
    assert docs == []
    assert [(s.code, s.reason.split(";")[0]) for s in skipped] == [
        ("E101", "not a regular file (a device)"),
        ("E101", "not a regular file (a pipe or FIFO)"),
        ("E101", "not a regular file (a pipe or FIFO)"),
    ]


_AS_UNPRIVILEGED = """
import json, os, sys
from newsprism.config import load_settings
from newsprism.ingest import read_inputs
from newsprism.ingest.outlets import load_outlets
if os.geteuid() == 0:  # root reads everything: drop to nobody for the permission checks
    os.setgid(65534)
    os.setuid(65534)
for item in read_inputs(sys.argv[1:], settings=load_settings(), outlets=load_outlets()):
    print(json.dumps(getattr(item, "where", None) or item.source.where()), type(item).__name__,
          getattr(item, "reason", ""))
"""


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A folder every user can enter (pytest's tmp_path is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix="newsprism-issue10-"))
    folder.chmod(0o755)
    yield folder
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    subprocess.run(["rm", "-rf", str(folder)], check=True)


def test_issue10_unreadable_files_and_directories_are_reported(
    open_dir: Path, corpus_texts: dict[str, str]
) -> None:
    tree = open_dir / "tree"
    (tree / "locked").mkdir(parents=True)
    (tree / "good.txt").write_text(corpus_texts["rt"], encoding="utf-8")
    (tree / "locked" / "inside.txt").write_text(corpus_texts["cnn"], encoding="utf-8")
    secret = open_dir / "secret.txt"
    secret.write_text(corpus_texts["cnn"], encoding="utf-8")
    for path in (tree, open_dir / "tree" / "good.txt"):
        path.chmod(0o755)
    secret.chmod(0)
    (tree / "locked").chmod(0)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            _AS_UNPRIVILEGED,
            str(tree),
            str(tree / "locked" / "inside.txt"),
            str(secret),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stderr
    lines = [line.split(" ", 2) for line in result.stdout.splitlines()]
    seen = {(json.loads(where), kind): reason for where, kind, reason in lines}
    assert (str(tree / "good.txt"), "RawDocument") in seen
    assert "cannot list the directory" in seen[(str(tree / "locked"), "Skipped")]
    assert "permission denied" in seen[(str(tree / "locked" / "inside.txt"), "Skipped")]
    assert "permission denied" in seen[(str(secret), "Skipped")]
    assert len(lines) == 4


def test_issue10_standard_input_is_read_with_a_cap(tmp_path: Path) -> None:
    config = tmp_path / "small.toml"
    config.write_text("[ingest]\nmax_bytes = 1000\n", encoding="utf-8")
    command = [str(Path(sys.executable).parent / "newsprism"), "extract", "-", "--format", "json"]
    small = subprocess.run(
        command,
        input=b"Moscow and Washington completed a prisoner swap on Friday, officials said.\n",
        capture_output=True,
        timeout=120,
    )
    assert small.returncode == 0, small.stderr
    assert json.loads(small.stdout)["source"]["location"] == "standard input"
    big = subprocess.run(
        [*command, "--config", str(config)], input=b"word " * 1000, capture_output=True, timeout=120
    )
    assert big.returncode == 2
    assert b"[E103]" in big.stderr and b"Traceback" not in big.stderr


# --- decoding ----------------------------------------------------------------------------------


def test_issue10_one_bad_byte_keeps_the_rest_utf8(
    tmp_path: Path, corpus_texts: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    text = "Naïve café: " + corpus_texts["rt"]
    data = text.encode("utf-8")
    cut = data.index(b"Moscow")
    path = tmp_path / "one-bad-byte.txt"
    path.write_bytes(data[:cut] + b"\xff" + data[cut:])
    with caplog.at_level(logging.WARNING, logger="newsprism.ingest.sniff"):
        (doc,), skipped = _read(str(path))
    assert skipped == [] and doc.encoding == "utf-8"
    assert (
        doc.content
        == text[: len(data[:cut].decode())] + "\ufffd" + text[len(data[:cut].decode()) :]
    )
    assert doc.content.startswith("Naïve café")
    (record,) = [r for r in caplog.records if "not valid UTF-8" in r.getMessage()]
    assert f"at byte {cut}" in record.getMessage() and "1 byte(s)" in record.getMessage()


def test_issue10_single_byte_text_is_still_detected(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.txt"
    path.write_bytes("Naïve café owners said the rent had doubled.\n".encode("cp1252"))
    (doc,), _ = _read(str(path))
    assert doc.content.startswith("Naïve café")


# --- structured records ------------------------------------------------------------------------


def _neus_records(count: int) -> list[dict[str, str]]:
    records = []
    with NEUS_TRAIN.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            for side, item in enumerate(line.split("[SEP]")):
                title, _, text = item.partition("ARTICLE=>")
                records.append(
                    {
                        "title": title.replace("TITLE=>", "").strip(),
                        "text": text.strip(),
                        "outlet": f"outlet-{side}",
                        "url": f"https://example.org/{number}/{side}",
                    }
                )
            if len(records) >= count:
                return records
    return records


def test_issue10_a_record_text_is_its_body(tmp_path: Path) -> None:
    records = [r for r in _neus_records(400) if r["text"]]
    path = tmp_path / "allsides.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    results = list(extract_inputs([str(path)], settings=SETTINGS, outlets=OUTLETS))
    skipped = [r for r in results if isinstance(r, Skipped)]
    articles = [r for r in results if isinstance(r, Article)]
    assert skipped == [] and len(articles) == len(records)
    for article, record in zip(articles, records, strict=True):
        assert article.body and set(article.body.split()) <= set(record["text"].split())


def _feed(items: list[tuple[str, str]]) -> str:
    entries = "".join(
        f"<item><title>{title}</title><link>https://example.org/{n}</link>"
        f"<description>{description}</description></item>"
        for n, (title, description) in enumerate(items)
    )
    channel = f"<channel><title>Wire</title>{entries}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'


def test_issue10_plain_and_summary_only_feed_items_are_kept(tmp_path: Path) -> None:
    items = [
        (
            "Prisoner swap",
            "Moscow and Washington completed a prisoner swap on Friday, officials said.",
        ),
        ("Short teaser", "&lt;p&gt;The talks resumed in Geneva after a pause of two&lt;/p&gt;"),
    ]
    path = tmp_path / "feed.xml"
    path.write_text(_feed(items), encoding="utf-8")
    docs, _ = _read(str(path))
    assert [d.media_type for d in docs] == [MediaType.TEXT, MediaType.HTML]
    results = list(extract_inputs([str(path)], settings=SETTINGS, outlets=OUTLETS))
    assert [r.body for r in results if isinstance(r, Article)] == [
        items[0][1],
        "The talks resumed in Geneva after a pause of two",
    ]


def test_issue10_warc_error_responses_are_skipped_with_their_status(tmp_path: Path) -> None:
    stream = io.BytesIO()
    writer = WARCWriter(stream, gzip=True)
    for status, url in (
        ("404 Not Found", "https://example.org/gone"),
        ("200 OK", "https://example.org/a"),
    ):
        headers = StatusAndHeaders(status, [("Content-Type", "text/html")], protocol="HTTP/1.1")
        body = (
            f"<html><body><p>Page {url}: Moscow and Washington completed a swap.</p></body></html>"
        )
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body.encode()), http_headers=headers
        )
        writer.write_record(record)
        record.raw_stream.close()
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(stream.getvalue())
    docs, (skipped,) = _read(str(path))
    assert [d.url for d in docs] == ["https://example.org/a"]
    assert "HTTP status 404" in skipped.reason and skipped.code == "E104"


def test_issue10_regular_file_modes_are_still_read(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("Moscow and Washington completed a prisoner swap on Friday.\n", "utf-8")
    assert stat.S_ISREG(path.stat().st_mode)
    (doc,), skipped = _read(str(path), settings=replace_section(SETTINGS, "ingest", max_bytes=100))
    assert skipped == [] and doc.content.startswith("Moscow")


def test_issue10_article_too_long_to_analyse_is_stored_unanalysed(
    tmp_path: Path,
    corpus_texts: dict[str, str],
    analyzer: Analyzer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from newsprism.pipeline import ingest_into
    from newsprism.store import MemoryStore

    short, long = tmp_path / "rt.txt", tmp_path / "long.txt"
    short.write_text(corpus_texts["rt"], encoding="utf-8")
    # One long article: the NeuS/AllSides texts of 150 stories as its paragraphs.
    paragraphs = [r["text"] for r in _neus_records(450) if len(r["text"].split()) > 12]
    long.write_text("A long article\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
    limit = analyzer.model.nlp.max_length
    analyzer.model.nlp.max_length = 30_000  # the packaged 1,000,000, scaled to the test
    try:
        with MemoryStore() as store, caplog.at_level(logging.WARNING, "newsprism.pipeline"):
            report = ingest_into(
                [str(short), str(long)],
                store=store,
                settings=SETTINGS,
                outlets=OUTLETS,
                analyzer=analyzer,
            )
            assert [len(a.body) > 30_000 for a in report.articles] == [False, True]
            assert (report.added, report.analysed) == (2, 1)
            assert store.get_analysis(report.articles[0].id) is not None
            assert store.get_analysis(report.articles[1].id) is None
    finally:
        analyzer.model.nlp.max_length = limit
    assert any("not analysed" in r.getMessage() for r in caplog.records)
