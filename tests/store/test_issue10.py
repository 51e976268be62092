"""Issue 10: every publication of a text is kept; concurrent writers end as one after the other;
migrations run once under a lock; a killed writer releases the lock. Real processes throughout."""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event
from pathlib import Path

import pytest

from newsprism.config import load_settings, replace_section
from newsprism.errors import StoreError
from newsprism.ingest.outlets import load_outlets
from newsprism.model import Article, CopyKey, to_dict
from newsprism.pipeline import Analyzer, compare_story, ingest_into, seed_detector
from newsprism.store import MemoryStore, SQLiteStore, Store, open_store
from newsprism.store.sqlite import migrations
from tests.conftest import BENCHDATA

SETTINGS = load_settings()
OUTLETS = load_outlets()
NEWSPRISM = str(Path(sys.executable).parent / "newsprism")
NEUS_TRAIN = BENCHDATA / "neus_allsides/naacl2022_lrc_roundup_random_order_probe/train.source"


def _neus(first: int, count: int) -> list[dict[str, str]]:
    """NeuS/AllSides items (title and a 1-3 sentence text) as JSONL records, one per side."""
    records: list[dict[str, str]] = []
    with NEUS_TRAIN.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number < first:
                continue
            for side, item in enumerate(line.split("[SEP]")):
                title, _, text = item.partition("ARTICLE=>")
                if text.strip():
                    records.append(
                        {
                            "title": title.replace("TITLE=>", "").strip(),
                            "text": text.strip(),
                            "outlet": f"outlet-{side}",
                            "url": f"https://example.org/{number}/{side}",
                        }
                    )
            if len(records) >= count:
                break
    return records[:count]


def _jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


@pytest.fixture(params=["sqlite", "postgresql", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened: Store
    if request.param == "memory":
        opened = MemoryStore()
    elif request.param == "postgresql":
        opened = open_store(request.getfixturevalue("pg_url"))
    else:
        opened = open_store(tmp_path / "news.db")
    with opened:
        yield opened


def _ingest(store: Store, *inputs: Path, outlet: str | None = None) -> int:
    report = ingest_into(
        [str(i) for i in inputs], store=store, settings=SETTINGS, outlets=OUTLETS, outlet=outlet
    )
    return report.publications


# --- publications ------------------------------------------------------------------------------


def test_issue10_one_text_from_three_outlets_keeps_every_publication(
    store: Store, tmp_path: Path
) -> None:
    (record,) = _neus(0, 1)
    wire = [
        {**record, "outlet": name, "url": f"https://{name.lower()}.example/{n}"}
        for n, name in enumerate(("Reuters", "Yahoo", "MSN"))
    ]
    path = _jsonl(tmp_path / "wire.jsonl", wire)
    assert _ingest(store, path) == 2
    (summary,) = store.list_articles()
    assert summary.outlets == ("Reuters", "Yahoo", "MSN")
    published = store.publications(summary.id)
    assert [(p.outlet.name if p.outlet else None, p.url) for p in published] == [
        (w["outlet"], w["url"]) for w in wire
    ]
    assert [p.source.line for p in published] == [1, 2, 3]
    assert [s.id for s in store.list_articles(outlet="MSN")] == [summary.id]
    # Again: nothing new. Under another --outlet (a file without URLs): one more.
    assert _ingest(store, path) == 0
    plain = tmp_path / "wire.txt"
    plain.write_text(record["text"] + "\n", encoding="utf-8")
    text_id = store.count().articles
    # A plain file is another text (the record's title is not in it): its own article.
    assert _ingest(store, plain, outlet="Daily Example") == 0
    assert store.count().articles == text_id + 1
    assert _ingest(store, plain, outlet="Weekly Example") == 1
    assert _ingest(store, plain, outlet="Weekly Example") == 0
    (plain_summary,) = [s for s in store.list_articles() if s.id != summary.id]
    assert plain_summary.outlets == ("Daily Example", "Weekly Example")



def test_issue10_an_outlet_added_later_is_a_carrier_of_the_story(
    store: Store, tmp_path: Path, analyzer: Analyzer
) -> None:
    """A publication added by a later ingest reaches the story: its outlet finds the story and
    the comparison lists it as a carrier of the text (one voice), not as a second voice."""
    (record,) = _neus(0, 1)
    first = _jsonl(tmp_path / "first.jsonl", [{**record, "outlet": "Reuters"}])
    later = _jsonl(
        tmp_path / "later.jsonl", [{**record, "outlet": "Yahoo", "url": "https://y.example/1"}]
    )
    ingest_into([str(first)], store=store, settings=SETTINGS, outlets=OUTLETS, analyzer=analyzer)
    (story,) = store.list_stories()
    assert store.list_stories(outlet="Yahoo") == []
    assert _ingest(store, later) == 1
    assert [s.id for s in store.list_stories(outlet="Yahoo")] == [story.id]
    comparison = compare_story(store, story.id, settings=SETTINGS, analyzer=analyzer)
    (article,) = comparison.articles
    assert (article.outlet, article.carriers) == ("Reuters", ("Yahoo",))
    assert [(o.outlet, o.published_by) for o in comparison.outlets] == [("Reuters", ("Yahoo",))]


def _v3_database(path: Path, articles: list[Article]) -> None:
    """A database as newsprism wrote it at schema 3 (before publications)."""
    with sqlite3.connect(path) as raw:
        raw.execute(
            "CREATE TABLE schema_migrations"
            " (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        for version, name, sql in migrations()[:3]:
            raw.executescript(sql)
            raw.execute("INSERT INTO schema_migrations VALUES (?, ?, 'then')", (version, name))
        for article in articles:
            record = json.dumps(to_dict(article))
            raw.execute(
                "INSERT INTO documents (id, location, record) VALUES (?, ?, '{}')",
                (article.id, article.source.where()),
            )
            raw.execute(
                "INSERT INTO articles (id, location, outlet, headline, record)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    article.id,
                    article.source.where(),
                    article.outlet.name if article.outlet else None,
                    article.headline,
                    record,
                ),
            )


def test_issue10_existing_database_is_migrated_with_one_publication_per_article(
    tmp_path: Path,
) -> None:
    records = _neus(10, 4)
    with MemoryStore() as memory:
        _ingest(memory, _jsonl(tmp_path / "a.jsonl", records))
        articles = list(memory.iter_articles())
    db = tmp_path / "old.db"
    _v3_database(db, articles)
    with SQLiteStore(db) as store:
        assert store.schema_version == migrations()[-1][0] >= 4
        for article in articles:
            (publication,) = store.publications(article.id)
            assert publication.outlet == article.outlet and publication.url == article.url
            assert publication.source == article.source
        assert [s.outlets for s in store.list_articles()] == [(r["outlet"],) for r in records]
        # A later ingest of the same texts under other outlets adds to them.
        moved = [{**r, "outlet": "Elsewhere", "url": r["url"] + "?amp"} for r in records]
        assert _ingest(store, _jsonl(tmp_path / "b.jsonl", moved)) == len(records)


# --- concurrency -------------------------------------------------------------------------------
# Real processes. Those that only open the store are forked from this one (no import time);
# ingests run the command, as a forked child could inherit a numeric library's locked threads.

FORK = multiprocessing.get_context("fork")


def _open_at(db: Path, go: Event) -> None:
    go.wait(60)
    SQLiteStore(db).close()


def _run_all(processes: list[BaseProcess], timeout: float = 240) -> list[int | None]:
    for process in processes:
        process.join(timeout)
    return [process.exitcode for process in processes]


def test_issue10_processes_opening_a_new_database_together_migrate_it_once(
    tmp_path: Path,
) -> None:
    for round_ in range(3):
        db, go = tmp_path / f"new{round_}.db", FORK.Event()
        openers = [FORK.Process(target=_open_at, args=(db, go)) for _ in range(6)]
        for opener in openers:
            opener.start()
        go.set()
        assert _run_all(openers) == [0] * 6
        with sqlite3.connect(db) as raw:
            versions = raw.execute("SELECT version FROM schema_migrations").fetchall()
            assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert versions == [(v,) for v, _, _ in migrations()]


def _state(db: Path) -> dict[str, object]:
    """Everything an ingest decides, read straight from the file."""
    with sqlite3.connect(db) as raw:
        members: dict[str, set[str]] = {}
        for article, story in raw.execute("SELECT article_id, story_id FROM story_articles"):
            members.setdefault(story, set()).add(article)
        records = {
            row[0]: {m["id"] for m in json.loads(row[1])["articles"]}
            for row in raw.execute("SELECT id, record FROM stories")
        }
        return {
            "articles": sorted(raw.execute("SELECT id, copy_of FROM articles").fetchall()),
            "publications": sorted(
                raw.execute("SELECT article_id, outlet, url FROM publications").fetchall()
            ),
            "stories": records,
            "story_articles": members,
        }


def _wait_for_line(run: subprocess.Popen[str], text: str, timeout: float = 120) -> str:
    """``run``'s stderr up to the first line holding ``text`` (or its end, or the timeout)."""
    assert run.stderr is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([run.stderr], [], [], 0.5)
        if not ready:
            continue
        line = run.stderr.readline()
        seen += line
        if not line or text in line:
            break
    return seen


def test_issue10_two_concurrent_ingests_end_as_one_after_the_other(tmp_path: Path) -> None:
    first = _neus(100, 90)
    second = _neus(140, 90)  # overlaps the first: the same texts again
    second += [{**r, "outlet": "Wire copy", "url": r["url"] + "#wire"} for r in first[:20]]
    a, b = _jsonl(tmp_path / "a.jsonl", first), _jsonl(tmp_path / "b.jsonl", second)
    expected = []
    for order in ((a, b), (b, a)):
        db = tmp_path / f"sequential-{order[0].stem}.db"
        for path in order:
            with SQLiteStore(db) as store:
                _ingest(store, path)
        expected.append(_state(db))
    assert expected[0]["stories"] == expected[0]["story_articles"]
    assert expected[0] != expected[1]  # the order matters, so the check below can fail

    db = tmp_path / "together.db"
    SQLiteStore(db).close()
    # Both start while a third writer holds the lock; it lets go once both say they wait, and
    # then one writes while the other still waits.
    held = os.open(f"{db}.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(held, fcntl.LOCK_EX)
    runs = [
        subprocess.Popen(
            [NEWSPRISM, "ingest", str(path), "--db", str(db)],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        for path in (a, b)
    ]
    waited = [_wait_for_line(run, "waiting for it") for run in runs]
    os.close(held)
    errors = [
        line + run.communicate(timeout=240)[1] for line, run in zip(waited, runs, strict=True)
    ]
    assert [run.returncode for run in runs] == [0, 0], errors
    assert all("is writing; waiting for it" in line for line in waited), waited
    together = _state(db)
    assert together in expected
    assert together["stories"] == together["story_articles"]


def _hold_writer(db: Path, held: Event) -> None:
    store = SQLiteStore(db)
    with store.writer():
        held.set()
        time.sleep(120)


def test_issue10_writer_waits_then_names_the_holder(tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    settings = replace_section(SETTINGS, "store", writer_wait_seconds=0.5)
    held = FORK.Event()
    holder = FORK.Process(target=_hold_writer, args=(db, held))
    holder.start()
    try:
        assert held.wait(60)
        with SQLiteStore(db, settings=settings.store) as store:
            started = time.monotonic()
            with pytest.raises(StoreError, match=f"pid {holder.pid}"), store.writer():
                pass
            assert 0.4 < time.monotonic() - started < 5
            # Killed, the holder's lock goes with it.
            assert holder.pid is not None
            os.kill(holder.pid, signal.SIGKILL)
            holder.join(30)
            with store.writer():
                pass
    finally:
        if holder.is_alive():
            holder.kill()
            holder.join(30)


def test_issue10_ingest_killed_while_writing_leaves_the_next_one_free(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "many.jsonl", _neus(300, 600))
    config = tmp_path / "small-batches.toml"
    config.write_text("[ingest]\nbatch_size = 20\n", encoding="utf-8")
    db = tmp_path / "killed.db"
    command = [NEWSPRISM, "ingest", str(path), "--db", str(db), "--config", str(config)]
    run = subprocess.Popen(command, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    stored, deadline = 0, time.monotonic() + 120
    while stored < 60 and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.05)
        if db.exists():
            with sqlite3.connect(db, timeout=5) as probe:
                if probe.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles'").fetchone():
                    stored = probe.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert run.poll() is None, "the ingest ended before it could be killed"
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    # The kernel dropped the killed writer's lock: the next run does not wait, and completes.
    settings = replace_section(SETTINGS, "store", writer_wait_seconds=1.0)
    with SQLiteStore(db, settings=settings.store) as store:
        ingest_into([str(path)], store=store, settings=SETTINGS, outlets=OUTLETS)
    state = _state(db)
    with MemoryStore() as clean:
        _ingest(clean, path)
        ids = sorted(a.id for a in clean.iter_articles())
    assert [row[0] for row in state["articles"]] == ids  # type: ignore[attr-defined]
    assert state["stories"] == state["story_articles"]


# --- copy keys ---------------------------------------------------------------------------------


def test_issue10_stored_copy_keys_find_copies_without_reading_stored_texts(
    store: Store, tmp_path: Path, corpus_texts: dict[str, str]
) -> None:
    original = tmp_path / "cnn.txt"
    original.write_text(corpus_texts["cnn"], encoding="utf-8")
    _ingest(store, original)
    ((article_id, key),) = list(store.copy_keys())
    assert key is not None and len(key.signature) == 8 * SETTINGS.dedup.num_perm
    _, missing = seed_detector(store, settings=SETTINGS)
    assert missing == []  # every stored text is known by its key alone
    # Another site's copy with one word changed is linked from the key alone.
    lines = corpus_texts["cnn"].splitlines()
    longest = max(range(len(lines)), key=lambda n: len(lines[n]))
    lines[longest] = lines[longest].replace(" the ", " a ", 1)
    copy = tmp_path / "copy.txt"
    copy.write_text("\n".join(lines), encoding="utf-8")
    report = ingest_into([str(copy)], store=store, settings=SETTINGS, outlets=OUTLETS)
    (added,) = report.articles
    assert added.copy_of is not None and added.copy_of.id == article_id
    assert added.copy_of.kind == "near"


def test_issue10_texts_stored_without_a_key_get_one(tmp_path: Path) -> None:
    records = _neus(20, 6)
    with MemoryStore() as memory:
        _ingest(memory, _jsonl(tmp_path / "a.jsonl", records))
        articles = list(memory.iter_articles())
    db = tmp_path / "old.db"
    _v3_database(db, articles)
    with SQLiteStore(db) as store:
        assert all(key is None for _, key in store.copy_keys())
        _, missing = seed_detector(store, settings=SETTINGS)
        assert sorted(k.article for k in missing) == sorted(a.id for a in articles)
        _ingest(store, _jsonl(tmp_path / "b.jsonl", _neus(40, 1)))
        assert all(key is not None for _, key in store.copy_keys())


class _CountingStore(MemoryStore):
    """A memory store that counts how often the clusterer state and copy keys are read."""

    def __init__(self) -> None:
        super().__init__()
        self.state_reads = self.key_reads = 0

    def load_story_state(self) -> tuple[int, bytes] | None:
        self.state_reads += 1
        return super().load_story_state()

    def copy_keys(self) -> Iterator[tuple[str, CopyKey | None]]:
        self.key_reads += 1
        return super().copy_keys()


def test_issue10_a_run_adding_nothing_loads_no_clusterer_or_copy_state(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "a.jsonl", _neus(60, 5))
    with _CountingStore() as store:
        _ingest(store, path)
        assert (store.state_reads, store.key_reads) == (1, 1)
        report = ingest_into([str(path)], store=store, settings=SETTINGS, outlets=OUTLETS)
        assert (report.added, report.already_present) == (0, 5)
        assert (store.state_reads, store.key_reads) == (1, 1)
