"""Every store keeps records whole and is idempotent; SQLite and PostgreSQL survive a kill -9."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsprism.errors import StoreError
from newsprism.model import (
    Article,
    CopyOf,
    MediaType,
    Outlet,
    RawDocument,
    Skipped,
    Source,
    SourceKind,
    Span,
)
from newsprism.store import MemoryStore, SQLiteStore, Store, open_store
from newsprism.store.sqlite import migrations


def _pair(path: Path, *, outlet: str, copy_of: str | None = None) -> tuple[RawDocument, Article]:
    content = path.read_text(encoding="utf-8")
    paragraphs = [line for line in content.splitlines() if len(line.split()) > 20]
    body = "\n\n".join(paragraphs)
    spans, start = [], 0
    for paragraph in paragraphs:
        spans.append(Span(start, start + len(paragraph), paragraph))
        start += len(paragraph) + 2
    source = Source(SourceKind.FILE, str(path))
    doc_id = path.stem.split("_")[1]
    link = CopyOf(copy_of, "near", 0.9) if copy_of else None
    doc = RawDocument(doc_id, source, MediaType.TEXT, content, outlet=Outlet(outlet), copy_of=link)
    article = Article(
        doc_id,
        source,
        body,
        tuple(spans),
        outlet=Outlet(outlet),
        headline=content.splitlines()[0],
        copy_of=link,
    )
    return doc, article


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


def test_articles_round_trip_whole(store: Store, corpus_dir: Path) -> None:
    doc, article = _pair(corpus_dir / "000_463718cccb5341d0.txt", outlet="RT")
    result = store.add_batch([doc], [article], [])
    assert (result.added, result.already_present) == (1, 0)
    assert store.get_article(article.id) == article
    assert store.get_document(doc.id) == doc
    assert store.has(doc.id)
    assert store.get_article("missing") is None


def test_re_adding_is_idempotent_and_copies_count_once(store: Store, corpus_dir: Path) -> None:
    rt = _pair(corpus_dir / "000_463718cccb5341d0.txt", outlet="RT")
    cnn = _pair(corpus_dir / "003_4ac3225d892de0a0.txt", outlet="KION 46", copy_of=rt[0].id)
    skipped = Skipped("junk.bin", "binary file", "E101")
    store.add_batch([rt[0], cnn[0]], [rt[1], cnn[1]], [skipped])
    again = store.add_batch([rt[0]], [rt[1]], [])
    assert (again.added, again.already_present) == (0, 1)
    counts = store.count()
    assert (counts.documents, counts.articles, counts.unique_articles, counts.skipped) == (
        2,
        2,
        1,
        1,
    )
    listed = store.list_articles(outlet="KION 46")
    assert [(s.id, s.copy_of) for s in listed] == [(cnn[1].id, rt[1].id)]
    assert [a.id for a in store.iter_articles()] == [rt[1].id, cnn[1].id]
    assert dict(store.copy_texts())[rt[1].id] == rt[1].body


def test_sqlite_reopens_migrated(tmp_path: Path, corpus_dir: Path) -> None:
    db = tmp_path / "news.db"
    doc, article = _pair(corpus_dir / "000_463718cccb5341d0.txt", outlet="RT")
    with SQLiteStore(db) as first:
        first.add_batch([doc], [article], [])
        assert first.schema_version == migrations()[-1][0]
    with SQLiteStore(db) as second:
        assert second.get_article(article.id) == article
        versions = second._db.execute("SELECT version FROM schema_migrations").fetchall()
    assert versions == [(version,) for version, _, _ in migrations()]


def test_sqlite_refuses_a_newer_schema(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    SQLiteStore(db).close()
    with sqlite3.connect(db) as raw:
        raw.execute("INSERT INTO schema_migrations VALUES (99, '0099_future.sql', 'now')")
    with pytest.raises(StoreError, match="upgrade newsprism") as caught:
        SQLiteStore(db)
    assert str(db) in str(caught.value)


def test_sqlite_names_a_file_that_is_not_a_database(tmp_path: Path, corpus_dir: Path) -> None:
    not_db = tmp_path / "notes.db"
    not_db.write_bytes((corpus_dir / "000_463718cccb5341d0.txt").read_bytes())
    with pytest.raises(StoreError, match="not a newsprism database"):
        SQLiteStore(not_db)


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from newsprism.model import Article, MediaType, RawDocument, Source, SourceKind, Span
    from newsprism.store import SQLiteStore

    db, text, total, batch = Path(sys.argv[1]), Path(sys.argv[2]).read_text(), int(sys.argv[3]), 50
    with SQLiteStore(db) as store:
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


def test_sqlite_ingest_killed_mid_way_is_consistent_and_completes(
    tmp_path: Path, corpus_dir: Path
) -> None:
    db, script, total = tmp_path / "news.db", tmp_path / "writer.py", 4000
    script.write_text(WRITER, encoding="utf-8")
    text = corpus_dir / "003_4ac3225d892de0a0.txt"
    command = [sys.executable, str(script), str(db), str(text), str(total)]
    writer = subprocess.Popen(command)
    deadline = time.monotonic() + 60
    stored = 0
    while stored < 300 and time.monotonic() < deadline and writer.poll() is None:
        time.sleep(0.05)
        if db.exists():
            with sqlite3.connect(db, timeout=5) as probe:
                tables = probe.execute("SELECT name FROM sqlite_master WHERE name='articles'")
                if tables.fetchone():
                    stored = probe.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert writer.poll() is None, "the writer finished before it could be killed; raise total"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()

    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        documents = raw.execute("SELECT count(*) FROM documents").fetchone()[0]
        orphans = raw.execute(
            "SELECT count(*) FROM documents WHERE id NOT IN (SELECT id FROM articles)"
        ).fetchone()[0]
    assert 0 < documents < total
    assert orphans == 0
    assert documents % 50 == 0  # whole batches only

    subprocess.run(command, check=True)
    with SQLiteStore(db) as store:
        counts = store.count()
    assert (counts.documents, counts.articles) == (total, total)


def test_stories_and_entities_round_trip(store: Store, corpus_dir: Path) -> None:
    any_store = store
    from newsprism.config import load_settings
    from newsprism.model import EntityOccurrence, GlobalEntity
    from newsprism.stories import StoryClusterer, story_item

    settings = load_settings().stories
    rt = _pair(corpus_dir / "000_463718cccb5341d0.txt", outlet="RT")
    cnn = _pair(corpus_dir / "003_4ac3225d892de0a0.txt", outlet="CNN")
    clusterer = StoryClusterer(settings=settings)
    clusterer.add(story_item(rt[1], settings=settings))
    any_store.add_batch([rt[0]], [rt[1]], [], stories=clusterer.drain())
    clusterer.add(story_item(cnn[1], settings=settings))
    any_store.add_batch([cnn[0]], [cnn[1]], [], stories=clusterer.drain())
    stories = any_store.list_stories()
    assert stories == clusterer.stories()
    story = stories[-1]
    assert any_store.get_story(story.id) == story
    assert any_store.story_of(cnn[1].id) == story.id
    assert any_store.list_stories(outlet="CNN") == [story]
    assert any_store.list_stories(outlet="Reuters") == []
    assert any_store.get_story("s-none") is None
    entity = GlobalEntity(
        id="g1",
        name="Viktor Bout",
        label="PERSON",
        aliases=("Viktor Bout", "Bout"),
        roles=(),
        articles=(rt[1].id, cnn[1].id),
        outlets=("RT", "CNN"),
        stories=(story.id,),
        occurrences=(EntityOccurrence(rt[1].id, "e9", "Viktor Bout", "RT", 3),),
    )
    any_store.save_entities([entity], [rt[1].id, cnn[1].id])
    any_store.save_entities([entity], [])
    assert any_store.list_entities() == [entity]
    assert list(any_store.iter_entities()) == [entity]
    assert any_store.list_entities(label="ORG") == []
    assert any_store.resolved_articles() == {rt[1].id, cnn[1].id}
