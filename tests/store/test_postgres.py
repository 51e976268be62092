"""What only the PostgreSQL store does: its own migrations, locks between processes, URLs."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import psycopg
import pytest

from newsprism.config import load_settings, replace_section
from newsprism.errors import StoreError
from newsprism.ingest.outlets import load_outlets
from newsprism.model import Article, MediaType, RawDocument, Source, SourceKind, Span
from newsprism.pipeline import ingest_into
from newsprism.store import MemoryStore, Store, open_store
from newsprism.store.base import redact
from newsprism.store.postgres import _LOCK_NAMESPACE, _WRITER_LOCK, PostgresStore, migrations
from newsprism.store.sqlite import migrations as sqlite_migrations
from tests.conftest import BENCHDATA, PostgresDatabases

NEWSPRISM = str(Path(sys.executable).parent / "newsprism")
OUTLETS = load_outlets()
NEUS_TRAIN = BENCHDATA / "neus_allsides/naacl2022_lrc_roundup_random_order_probe/train.source"


def _article(text: str, n: int, *, headline: str | None = None) -> tuple[RawDocument, Article]:
    ident = f"{n:016x}"
    body = f"{text}\n\n{n}"
    source = Source(SourceKind.FILE, f"doc{n}.txt")
    document = RawDocument(ident, source, MediaType.TEXT, body)
    return document, Article(ident, source, body, (Span(0, len(body), body),), headline=headline)


def test_every_migration_has_its_postgresql_twin() -> None:
    # A schema change written for SQLite only would leave PostgreSQL databases behind.
    assert [(v, name) for v, name, _ in migrations()] == [
        (v, name) for v, name, _ in sqlite_migrations()
    ]


def test_reopens_migrated_and_records_each_version(
    pg_url: str, corpus_texts: dict[str, str]
) -> None:
    document, article = _article(corpus_texts["rt"], 1)
    with open_store(pg_url) as first:
        assert isinstance(first, PostgresStore)
        first.add_batch([document], [article], [])
        assert first.schema_version == migrations()[-1][0]
    with open_store(pg_url) as second:
        assert second.get_article(article.id) == article
    with psycopg.connect(pg_url) as raw:
        versions = raw.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    assert versions == [(version,) for version, _, _ in migrations()]


def test_refuses_a_newer_schema(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as raw:
        raw.execute("INSERT INTO schema_migrations (version, name) VALUES (99, '0099_future.sql')")
    with pytest.raises(StoreError, match="upgrade newsprism"):
        PostgresStore(pg_url)


def test_an_unreachable_server_is_named_without_its_password(tmp_path: Path) -> None:
    url = f"postgresql://reader:s3cret@/news?host={tmp_path}"
    settings = dataclasses.replace(load_settings().store, busy_timeout_seconds=1.0)
    with pytest.raises(StoreError, match="cannot use the PostgreSQL server") as caught:
        PostgresStore(url, settings=settings)
    assert "s3cret" not in str(caught.value)
    assert f"reader:***@/news?host={tmp_path}" in str(caught.value)
    assert redact("host=db password=s3cret user=x") == "host=db password=*** user=x"


def test_nul_characters_survive_in_the_record(pg_url: str, corpus_texts: dict[str, str]) -> None:
    # PostgreSQL text refuses NUL; the JSON record escapes it, the index column replaces it.
    document, article = _article(corpus_texts["cnn"], 2, headline="Bout\x00 swap")
    with open_store(pg_url) as store:
        store.add_batch([document], [article], [])
        assert store.get_article(article.id) == article
        assert store.list_articles()[0].headline == "Bout\ufffd swap"


OPENER = textwrap.dedent(
    """
    import sys
    from newsprism.store import Store, open_store
    with open_store(sys.argv[1]) as store:
        print(store.schema_version)
    """
)


def test_processes_opening_a_new_database_at_once_migrate_it_once(
    postgres: PostgresDatabases, tmp_path: Path
) -> None:
    _, url = postgres.fresh(migrated=False)
    script = tmp_path / "open.py"
    script.write_text(OPENER, encoding="utf-8")
    openers = [
        subprocess.Popen([sys.executable, str(script), url], stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [opener.communicate(timeout=120)[0].strip() for opener in openers]
    assert [opener.returncode for opener in openers] == [0] * 3
    assert outputs == [str(migrations()[-1][0])] * 3
    with psycopg.connect(url) as raw:
        versions = raw.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    assert versions == [(version,) for version, _, _ in migrations()]


def test_the_writer_lock_excludes_a_second_writer_until_released(pg_url: str) -> None:
    impatient = dataclasses.replace(load_settings().store, writer_wait_seconds=0.5)
    with PostgresStore(pg_url) as first, PostgresStore(pg_url, settings=impatient) as second:
        with first.writer():
            started = time.monotonic()
            with pytest.raises(StoreError, match=f"newsprism pid {os.getpid()}"), second.writer():
                pass
            assert time.monotonic() - started >= 0.4
            # Re-entering the section in the thread that holds it does not wait for itself;
            # another thread of the same store does.
            with first.writer():
                pass
            entered = threading.Event()
            other = threading.Thread(target=lambda: _enter(first, entered))
            other.start()
            assert not entered.wait(0.5)
        other.join(timeout=30)
        assert entered.is_set()
        with second.writer():
            assert second.count().articles == 0


def _enter(store: PostgresStore, entered: threading.Event) -> None:
    with store.writer():
        entered.set()


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from newsprism.model import Article, MediaType, RawDocument, Source, SourceKind, Span
    from newsprism.store import Store, open_store

    db, text, total, batch = sys.argv[1], Path(sys.argv[2]).read_text(), int(sys.argv[3]), 50
    with open_store(db) as store:
        for first in range(0, total, batch):
            docs, arts = [], []
            for n in range(first, min(first + batch, total)):
                ident = f"{n:016x}"
                body = f"{text}\\n\\n{n}"
                source = Source(SourceKind.FILE, f"doc{n}.txt")
                if store.has(ident):
                    continue
                docs.append(RawDocument(ident, source, MediaType.TEXT, body))
                arts.append(Article(ident, source, body, (Span(0, len(body), body),)))
            store.add_batch(docs, arts, [])
    """
)


def test_ingest_killed_mid_way_is_consistent_and_completes(
    pg_url: str, tmp_path: Path, corpus_dir: Path
) -> None:
    script, total = tmp_path / "writer.py", 3000
    script.write_text(WRITER, encoding="utf-8")
    command = [sys.executable, str(script), pg_url, str(corpus_dir / "003_4ac3225d892de0a0.txt")]
    command.append(str(total))
    writer = subprocess.Popen(command)
    deadline, stored = time.monotonic() + 60, 0
    with psycopg.connect(pg_url, autocommit=True) as probe:
        while stored < 300 and time.monotonic() < deadline and writer.poll() is None:
            time.sleep(0.05)
            stored = probe.execute("SELECT count(*) FROM articles").fetchone()[0]  # type: ignore[index]
    assert writer.poll() is None, "the writer finished before it could be killed; raise total"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()

    with psycopg.connect(pg_url) as raw:
        documents = raw.execute("SELECT count(*) FROM documents").fetchone()[0]  # type: ignore[index]
        orphans = raw.execute(
            "SELECT count(*) FROM documents WHERE id NOT IN (SELECT id FROM articles)"
        ).fetchone()[0]  # type: ignore[index]
    assert 0 < documents < total
    assert orphans == 0
    assert documents % 50 == 0  # whole batches only

    subprocess.run(command, check=True)
    with open_store(pg_url) as store:
        counts = store.count()
    assert (counts.documents, counts.articles) == (total, total)


def _neus_jsonl(path: Path, first: int, count: int) -> Path:
    """NeuS/AllSides roundups (three outlets' takes on one event) as JSONL, one record a take."""
    records = []
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
    records = records[:count]
    # Wire copies of the first ten takes, run by another outlet: the copy detector links them.
    records += [
        {**r, "text": r["text"] + " Wire services contributed.", "outlet": "Wire copy",
         "url": r["url"] + "/wire"}
        for r in records[:10]
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def _everything(store: Store) -> dict[str, object]:
    articles = store.list_articles(limit=1 << 30)
    return {
        "articles": articles,
        "records": list(store.iter_articles()),
        "stories": store.list_stories(limit=1 << 30),
        "story_of": {a.id: store.story_of(a.id) for a in articles},
        "changes": store.story_changes(),
        "counts": store.count(),
        "state": store.load_story_state(),
    }


def test_two_ingests_end_the_same_on_postgresql_as_on_sqlite(
    pg_url: str, tmp_path: Path
) -> None:
    # Small batches and two runs: many story upserts, merges, the snapshot saved and reloaded.
    settings = replace_section(load_settings(), "ingest", batch_size=40)
    runs = [_neus_jsonl(tmp_path / "a.jsonl", 0, 150), _neus_jsonl(tmp_path / "b.jsonl", 40, 150)]
    ends = []
    for db in (str(tmp_path / "news.db"), pg_url):
        for run in runs:
            with open_store(db) as store:
                ingest_into([str(run)], store=store, settings=settings, outlets=load_outlets())
        with open_store(db) as store:
            ends.append(_everything(store))
    sqlite, postgres = ends
    assert len(sqlite["stories"]) > 30  # type: ignore[arg-type]
    assert sqlite["counts"].unique_articles < sqlite["counts"].articles  # type: ignore[attr-defined]
    assert postgres == sqlite


def _tables(url: str) -> dict[str, object]:
    """Everything an ingest decides, read straight from the database."""
    with psycopg.connect(url) as raw:
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


def test_two_concurrent_ingests_end_as_one_after_the_other(
    postgres: PostgresDatabases, tmp_path: Path
) -> None:
    a = _neus_jsonl(tmp_path / "a.jsonl", 100, 80)
    b = _neus_jsonl(tmp_path / "b.jsonl", 130, 80)  # overlaps a: the same texts again
    # ... and the same texts as a's first twenty, run by another outlet: new publications.
    republished = [json.loads(line) for line in a.read_text("utf-8").splitlines()[:20]]
    with b.open("a", encoding="utf-8") as more:
        for record in republished:
            more.write(json.dumps({**record, "outlet": "Wire", "url": record["url"] + "#w"}))
            more.write("\n")
    expected = []
    for order in ((a, b), (b, a)):
        _, url = postgres.fresh()
        for path in order:
            with open_store(url) as store:
                ingest_into([str(path)], store=store, settings=load_settings(), outlets=OUTLETS)
        expected.append(_tables(url))
    assert expected[0] != expected[1]  # the order shows: stories and copy links differ

    _, url = postgres.fresh()
    with psycopg.connect(url, autocommit=True) as holder:
        # Both start while a third writer holds the lock, so both must wait and then take turns.
        holder.execute("SELECT pg_advisory_lock(%s, %s)", (_LOCK_NAMESPACE, _WRITER_LOCK))
        runs = [
            subprocess.Popen(
                [NEWSPRISM, "ingest", str(path), "--db", url],
                stderr=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                text=True,
            )
            for path in (a, b)
        ]
        waiting, deadline = 0, time.monotonic() + 120
        while waiting < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
            waiting = holder.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                " AND classid = %s AND objid = %s",
                (_LOCK_NAMESPACE, _WRITER_LOCK),
            ).fetchone()[0]  # type: ignore[index]
        assert waiting == 2, [run.poll() for run in runs]
    errors = [run.communicate(timeout=300)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    assert all("holds the writer lock; waiting for it" in e for e in errors), errors
    # Each names who held the lock when it began to wait: the holder here, or the other run.
    assert sum("(newsprism pid" in e for e in errors) <= 1
    together = _tables(url)
    assert together in expected
    assert together["stories"] == together["story_articles"]


def test_an_ingest_killed_while_writing_leaves_the_next_one_free(
    pg_url: str, tmp_path: Path
) -> None:
    path = _neus_jsonl(tmp_path / "many.jsonl", 300, 500)
    config = tmp_path / "small-batches.toml"
    config.write_text("[ingest]\nbatch_size = 20\n", encoding="utf-8")
    command = [NEWSPRISM, "ingest", str(path), "--db", pg_url, "--config", str(config)]
    run = subprocess.Popen(command, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    stored, deadline = 0, time.monotonic() + 120
    with psycopg.connect(pg_url, autocommit=True) as probe:
        while stored < 60 and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.1)
            stored = probe.execute("SELECT count(*) FROM articles").fetchone()[0]  # type: ignore[index]
    assert run.poll() is None, "the ingest ended before it could be killed"
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    # The server drops the dead client's session, and its writer lock with it.
    finish = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert finish.returncode == 0, finish.stderr
    with open_store(pg_url) as store:
        state = _everything(store)
    with MemoryStore() as clean:
        ingest_into([str(path)], store=clean, settings=load_settings(), outlets=OUTLETS)
        assert [a.id for a in state["records"]] == [a.id for a in clean.iter_articles()]  # type: ignore[attr-defined]
    assert None not in state["story_of"].values()  # type: ignore[attr-defined]
