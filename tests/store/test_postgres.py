"""What only the PostgreSQL store does: its own migrations, locks between processes, URLs."""

from __future__ import annotations

import dataclasses
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

from newsprism.config import load_settings
from newsprism.errors import StoreError
from newsprism.model import Article, MediaType, RawDocument, Source, SourceKind, Span
from newsprism.store import open_store
from newsprism.store.base import redact
from newsprism.store.postgres import PostgresStore, migrations
from newsprism.store.sqlite import migrations as sqlite_migrations
from tests.conftest import PostgresDatabases


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
    from newsprism.store import open_store
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
    from newsprism.store import open_store

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
