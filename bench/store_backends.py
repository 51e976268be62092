"""Benchmark: the SQLite store (the default) beside the PostgreSQL store, on the same corpus.

Both stores run in the same run on the same articles: the synthetic stories of
bench/stories_scale.py (perturbed BASIL and NeuS/AllSides items read from ../shared/benchdata),
written as JSONL. PostgreSQL is a scratch server started here (store/pgserver.py) with its
durable defaults (fsync on), on a Unix socket; SQLite is a WAL file with Python's defaults.

Rows, per backend:
- ingest: ``ingest_into`` (read, extract, copy detection, stories, store) of --articles
  articles in one run, articles per second. Most of the time is the pipeline, the same on both.
- store writes: ``add_batch`` alone of the already extracted articles (batches of 200).
- reads: --reads operations, a fixed random mix of the calls the CLI and a web page make
  (get_article, has, list_articles page, story_of, get_story), latency p50 and p95 in ms.
- search: --searches article searches (``Store.search``, scope articles, 20 hits): SQLite FTS5
  BM25 beside PostgreSQL tsvector/ts_rank_cd, latency p50 and p95 in ms, hits per query, and how
  far the two agree (mean Jaccard overlap of the two top-20 sets). Queries are drawn at random
  (seeded) from the corpus's headlines: half one word, half two words of one headline, words of
  five letters or more; nothing is chosen by looking at results. Quotes and entities are not
  searched here (they need the spaCy analysis of every article; see the corpus benchmarks).
- size: bytes on disk per 1,000 articles (SQLite file + WAL after a checkpoint; PostgreSQL
  pg_database_size less that of an empty migrated database), search indexes included.

    .venv/bin/python bench/store_backends.py [--articles 10000] [--reads 3000] [--searches 400]

Writes bench/results/store_backends.json. Floors (set loosely from the first run, not tuned):
PostgreSQL's pipeline ingest at least INGEST_RATIO_FLOOR of SQLite's articles per second, and
its read p95 under READ_P95_FLOOR_MS.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from newsprism.config import load_settings
from newsprism.ingest.outlets import load_outlets
from newsprism.model import Article
from newsprism.pipeline import ingest_into
from newsprism.store import Store, open_store
from newsprism.store.base import SearchQuery
from newsprism.store.pgserver import TemporaryServer
from stories_common import Item, finish, table
from stories_scale import build_corpus

INGEST_RATIO_FLOOR = 0.5
READ_P95_FLOOR_MS = 20.0
SEED = 11
BATCH = 200


def _jsonl(items: list[Item], path: Path) -> None:
    lines = [
        json.dumps(
            {
                "url": f"https://example.org/{item.id}",
                "title": item.title,
                "text": item.text,
                "outlet": item.outlet,
                "published": item.day.isoformat() if item.day else None,
            }
        )
        for item in items
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def _ingest(db: str, corpus: Path) -> tuple[float, int]:
    settings, outlets = load_settings(), load_outlets()
    start = time.perf_counter()
    with open_store(db) as store:
        report = ingest_into([str(corpus)], store=store, settings=settings, outlets=outlets)
    return time.perf_counter() - start, report.added


def _writes(db: str, articles: list[Article], source: str) -> float:
    with open_store(source) as origin:
        documents = {a.id: origin.get_document(a.id) for a in articles}
    start = time.perf_counter()
    with open_store(db) as store:
        for first in range(0, len(articles), BATCH):
            chunk = articles[first : first + BATCH]
            docs = [documents[a.id] for a in chunk]
            store.add_batch([d for d in docs if d is not None], chunk, [])
    return time.perf_counter() - start


def _reads(store: Store, count: int) -> dict[str, float]:
    ids = [s.id for s in store.list_articles(limit=1 << 30)]
    stories = [s.id for s in store.list_stories(limit=1 << 30)]
    rng = random.Random(SEED)
    calls: list[Callable[[], Any]] = [
        lambda: store.get_article(rng.choice(ids)),
        lambda: store.has(rng.choice(ids)),
        lambda: store.list_articles(limit=20, offset=rng.randrange(len(ids))),
        lambda: store.story_of(rng.choice(ids)),
        lambda: store.get_story(rng.choice(stories)),
    ]
    latencies = []
    for _ in range(count):
        call = rng.choice(calls)
        start = time.perf_counter()
        call()
        latencies.append(1000 * (time.perf_counter() - start))
    latencies.sort()
    return {
        "read_p50_ms": round(statistics.median(latencies), 3),
        "read_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
        "reads_per_s": round(1000 * len(latencies) / sum(latencies), 1),
    }


def _queries(items: list[Item], count: int) -> list[str]:
    rng = random.Random(SEED)
    queries: list[str] = []
    while len(queries) < count:
        words = [w for w in re.findall(r"[A-Za-z]+", rng.choice(items).title) if len(w) >= 5]
        if len(words) >= 2 and len(queries) % 2:
            queries.append(" ".join(rng.sample(words, 2)))
        elif words:
            queries.append(rng.choice(words))
    return queries


def _search(store: Store, queries: list[str]) -> tuple[dict[str, float], list[set[str]]]:
    latencies, found = [], []
    for text in queries:
        start = time.perf_counter()
        hits = store.search(SearchQuery(text=text, limit=20))
        latencies.append(1000 * (time.perf_counter() - start))
        found.append({hit.article_id for hit in hits})
    latencies.sort()
    return {
        "search_p50_ms": round(statistics.median(latencies), 2),
        "search_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
        "hits_per_query": round(sum(len(f) for f in found) / len(found), 1),
    }, found


def _sqlite_bytes(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def _pg_bytes(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as raw:
        raw.execute("VACUUM")
        row = raw.execute("SELECT pg_database_size(current_database())").fetchone()
    return int(row[0]) if row else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--reads", type=int, default=3000)
    parser.add_argument("--searches", type=int, default=400)
    args = parser.parse_args()
    corpus = build_corpus(args.articles)
    queries = _queries(corpus, args.searches)
    rows: list[dict[str, object]] = []
    found: dict[str, list[set[str]]] = {}
    with tempfile.TemporaryDirectory() as folder, TemporaryServer.start(scratch=False) as server:
        work = Path(folder)
        _jsonl(corpus, work / "corpus.jsonl")
        empty = server.create_database("empty")
        open_store(empty).close()
        empty_bytes = _pg_bytes(empty)
        targets = {
            "sqlite": (str(work / "ingest.db"), str(work / "writes.db")),
            "postgresql": (server.create_database("ingest"), server.create_database("writes")),
        }
        for backend, (ingest_db, writes_db) in targets.items():
            seconds, added = _ingest(ingest_db, work / "corpus.jsonl")
            with open_store(ingest_db) as store:
                articles = list(store.iter_articles())
                reads = _reads(store, args.reads)
                searches, found[backend] = _search(store, queries)
            write_seconds = _writes(writes_db, articles, ingest_db)
            if backend == "sqlite":
                size = _sqlite_bytes(Path(ingest_db))
            else:
                size = _pg_bytes(ingest_db) - empty_bytes
            rows.append(
                {
                    "backend": backend,
                    "articles": added,
                    "ingest_per_s": round(added / seconds, 1),
                    "store_writes_per_s": round(len(articles) / write_seconds, 1),
                    **reads,
                    **searches,
                    "mb_per_1000": round(size / 1e6 * 1000 / max(added, 1), 2),
                }
            )
    print(table(rows, list(rows[0])))
    sqlite, postgres = rows
    ratio = float(postgres["ingest_per_s"]) / float(sqlite["ingest_per_s"])  # type: ignore[arg-type]
    failures = []
    if ratio < INGEST_RATIO_FLOOR:
        failures.append(f"PostgreSQL ingest {ratio:.2f} of SQLite's < {INGEST_RATIO_FLOOR}")
    if float(postgres["read_p95_ms"]) > READ_P95_FLOOR_MS:  # type: ignore[arg-type]
        failures.append(f"PostgreSQL read p95 {postgres['read_p95_ms']} ms > {READ_P95_FLOOR_MS}")
    agreement = statistics.mean(
        len(a & b) / len(a | b) if a | b else 1.0
        for a, b in zip(found["sqlite"], found["postgresql"], strict=True)
    )
    print(f"PostgreSQL ingest rate / SQLite's: {ratio:.2f}")
    print(f"top-20 search results shared by both backends (mean Jaccard): {agreement:.2f}")
    payload = {
        "benchmark": "store_backends",
        "articles": args.articles,
        "reads": args.reads,
        "searches": args.searches,
        "search_agreement": round(agreement, 3),
        "rows": rows,
        "ingest_ratio": round(ratio, 3),
        "floors": {"ingest_ratio": INGEST_RATIO_FLOOR, "read_p95_ms": READ_P95_FLOOR_MS},
        "failures": failures,
    }
    return finish("store_backends", payload, failures)


if __name__ == "__main__":
    sys.exit(main())
