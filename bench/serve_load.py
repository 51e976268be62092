"""Benchmark: ``newsprism serve`` under load (issue 12), on SQLite and PostgreSQL.

The corpus: --articles articles generated from the 300 BASIL articles (../shared/benchdata/basil;
100 events, three outlets each). The 300 are analysed once (spaCy, cached under
bench/results/cache/); copy k of an article keeps its text and analysis, with "(k)" after its
headline and a final line "Edition k." (so its id differs and every offset of its analysis still
holds), its publication day moved k weeks later, and its outlet one of five regional editions of
the BASIL outlet ("Fox News 2"): 15 outlets. Copy k of an event is one story of its three
articles; entities are resolved across the whole corpus by ``newsprism.pipeline``. The SQLite
database is built once and kept under bench/results/cache/ (the PostgreSQL one is written from
the same records at each run, into a scratch server, with the global entities the library
resolved for the SQLite copy); the build times are reported.

The server: ``newsprism serve --db DB --workers N`` on 127.0.0.1 (--workers, default 2: one
Python process runs on one core at most; each worker keeps its own caches),
the clients in this process (asyncio + httpx) on the same shared machine. Pages: story
(/stories/ID, --stories stories spread over the corpus), entity (/entities/ID, the 40 entities
in most articles and 40 others), outlet (/outlets/NAME, all 15) and search (/search?q=..., two
headline words). The corpus is written without comparisons (as if by a newsprism that did not
keep them). First every story, entity and outlet page is requested once, one at a time ("first
compute": each story is compared from its stored analyses and the comparison kept in the store,
the outlet profiles computed from every analysis). Then the server is restarted, so that no
worker holds anything in memory, and every story page is requested once more, one at a time
("stored": the kept comparison read and the page rendered, what a reader gets after an ingest,
which keeps the comparisons of the stories it touched). Then, for each client count
(--clients), a bounded loop (--requests requests or --seconds seconds, whichever ends first)
cycles through the four kinds in turn: requests per second, p50/p95/p99 latency per kind,
errors (any answer but 200, or no answer).

Baseline, in the same run: the story pages as a user has them without the app, the HTML
reports as static files (each page saved once from the app), served by Python's own threading
HTTP server (``python -m http.server``) to the same clients.

    .venv/bin/python bench/serve_load.py [--articles 10000] [--clients 10,50] [--requests 2000]
        [--seconds 45] [--stories 100] [--backends sqlite,postgresql]

Writes bench/results/serve_load.json. Targets (the issue's, not tuned): zero errors; story page
p95 under STORY_P95_MS at 10 clients.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import asyncio
import dataclasses
import datetime as dt
import hashlib
import json
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from contextlib import closing
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from basil import load_items
from newsprism.config import load_settings
from newsprism.model import (
    AnalyzedArticle,
    GlobalEntity,
    MediaType,
    Outlet,
    RawDocument,
    Story,
    StoryArticle,
    StoryJoin,
    StoryUpdate,
    from_dict,
    to_dict,
)
from newsprism.pipeline import load_analyzer, resolve_entities_into
from newsprism.store import is_postgres_url, open_store
from newsprism.store.base import Store
from stories_common import RESULTS, finish, table

STORY_P95_MS = 150.0
SEED = 12
REGIONS = 5
NEWSPRISM = Path(sys.executable).parent / "newsprism"
CACHE = RESULTS / "cache"
KINDS = ("story", "entity", "outlet", "search")


# -- the corpus --------------------------------------------------------------------------------


def base_analyses() -> list[AnalyzedArticle]:
    """The 300 BASIL articles analysed (cached: the model loads only on the first run)."""
    items = load_items()
    digest = hashlib.sha256(
        "".join(f"{i.article.id}\0{i.article.body}" for i in items).encode("utf-8")
    ).hexdigest()[:16]
    path = CACHE / f"serve-basil-analyses-{digest}.jsonl"
    if path.exists():
        return [from_dict(AnalyzedArticle, json.loads(line))
                for line in path.read_text("utf-8").splitlines()]
    analyzer = load_analyzer(load_settings())
    found = analyzer.analyze([item.article for item in items])
    CACHE.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text("".join(json.dumps(to_dict(a)) + "\n" for a in found), "utf-8")
    temporary.replace(path)
    return found


def _events(analyses: Sequence[AnalyzedArticle]) -> list[list[AnalyzedArticle]]:
    # The BASIL event of each article (three articles, one per outlet), in BASIL's order.
    event_of = {item.article.id: item.event for item in load_items()}
    events: dict[str, list[AnalyzedArticle]] = {}
    for analysis in analyses:
        events.setdefault(event_of[analysis.article.id], []).append(analysis)
    return list(events.values())


def _copy(analysis: AnalyzedArticle, k: int) -> AnalyzedArticle:
    article = analysis.article
    body = f"{article.body}\n\nEdition {k}."
    article_id = hashlib.sha256(f"{article.id}:{k}".encode()).hexdigest()[:16]
    outlet_name = (article.outlet.name if article.outlet else "unnamed").upper()
    outlet = Outlet(f"{outlet_name} {k % REGIONS + 1}", found_by="flag")
    published = article.published + dt.timedelta(weeks=k) if article.published else None
    source = dataclasses.replace(article.source, location=f"{article.source.location}#{k}")
    copied = dataclasses.replace(
        article, id=article_id, body=body, headline=f"{article.headline} ({k})",
        outlet=outlet, original_outlet=None, published=published, source=source,
        url=f"https://example.org/{quote(outlet.name)}/{article_id}", copy_of=None,
    )
    return dataclasses.replace(analysis, article=copied)


def generate(analyses: Sequence[AnalyzedArticle], count: int) -> list[list[AnalyzedArticle]]:
    """Stories (lists of analysed articles) of ``count`` articles in all."""
    events = _events(analyses)
    stories: list[list[AnalyzedArticle]] = []
    made = 0
    k = 0
    while made < count:
        for event in events:
            members = [_copy(a, k) for a in event][: count - made]
            if members:
                stories.append(members)
                made += len(members)
            if made >= count:
                break
        k += 1
    return stories


def fill(store: Store, stories: Sequence[list[AnalyzedArticle]],
         entities: Sequence[GlobalEntity] | None = None) -> None:
    """Write the generated stories into a store (articles, analyses, stories), then resolve
    entities with the library, or store ``entities`` resolved before (the same records)."""
    settings = load_settings()
    seq = 0
    batch_size = 200
    pending: list[list[AnalyzedArticle]] = []

    def flush() -> None:
        nonlocal seq
        documents, articles, analyses, records = [], [], [], []
        for members in pending:
            story_articles = []
            for analysis in members:
                article = analysis.article
                seq += 1
                documents.append(RawDocument(article.id, article.source, MediaType.TEXT,
                                             article.body, url=article.url, outlet=article.outlet,
                                             title=article.headline))
                articles.append(article)
                analyses.append(analysis)
                story_articles.append(StoryArticle(
                    article.id, article.url, article.source.location,
                    article.outlet.name if article.outlet else None, None, article.headline,
                    article.published,
                    StoryJoin.NEW if not story_articles else StoryJoin.SIMILAR, 1.0, seq))
            days = [a.published for a in story_articles if a.published]
            records.append(Story(
                f"s{story_articles[0].id}", story_articles[0].headline or "",
                tuple(story_articles), tuple(dict.fromkeys(a.outlet or "" for a in story_articles)),
                min(days) if days else None, max(days) if days else None))
        store.add_batch(documents, articles, [], stories=StoryUpdate(tuple(records)),
                        analyses=analyses)
        pending.clear()

    for members in stories:
        pending.append(members)
        if sum(len(m) for m in pending) >= batch_size:
            flush()
    if pending:
        flush()
    if entities is not None:
        store.save_entities(entities, [a.article.id for members in stories for a in members])
        return
    resolve_entities_into(store=store, settings=settings,
                          analysed=(a for members in stories for a in members))


def sqlite_corpus(count: int) -> tuple[Path, dict[str, float]]:
    """The SQLite corpus, built once and kept; build times when built now."""
    analyses = base_analyses()
    digest = hashlib.sha256(f"{count}:{len(analyses)}:v2".encode()).hexdigest()[:12]
    path = CACHE / f"serve-corpus-{count}-{digest}.db"
    if path.exists():
        return path, {}
    started = time.perf_counter()
    stories = generate(analyses, count)
    temporary = path.with_suffix(".building.db")
    for leftover in CACHE.glob(temporary.name + "*"):
        leftover.unlink()
    with open_store(str(temporary)) as store:
        fill(store, stories)
    for suffix in ("-wal", "-shm", ".lock"):
        Path(f"{temporary}{suffix}").unlink(missing_ok=True)
    temporary.replace(path)
    return path, {"sqlite_build_s": round(time.perf_counter() - started, 1)}


# -- load --------------------------------------------------------------------------------------


@dataclasses.dataclass
class Pages:
    """The URLs of each kind of page the clients ask for."""

    story: list[str]
    entity: list[str]
    outlet: list[str]
    search: list[str]

    def mix(self) -> list[tuple[str, str]]:
        """One request of each kind in turn, as long as the longest list."""
        longest = max(len(self.story), len(self.entity), len(self.outlet), len(self.search))
        mixed = []
        for i in range(longest):
            for kind in KINDS:
                urls = getattr(self, kind)
                mixed.append((kind, urls[i % len(urls)]))
        return mixed


def choose_pages(db: str, stories: int) -> Pages:
    """Stories spread over the corpus, top and other entities, every outlet, searches."""
    rng = random.Random(SEED)
    with open_store(db) as store:
        every = store.list_stories(limit=1 << 62)
        step = max(1, len(every) // stories)
        chosen = [s.id for s in every[::step][:stories]]
        top = [e.id for e in store.list_entities(limit=40)]
        rest = store.list_entities(limit=2000, offset=40)
        others = [e.id for e in rng.sample(rest, min(40, len(rest)))]
        outlets = sorted({o for s in every for o in s.outlets})
        words = [w for s in every[:500] for w in (s.title or "").split()
                 if w.isalpha() and len(w) > 4]
    searches = [" ".join(rng.sample(words, 2)) for _ in range(80)]
    return Pages(
        story=[f"/stories/{quote(i, safe='')}" for i in chosen],
        entity=[f"/entities/{quote(i, safe='')}" for i in top + others],
        outlet=[f"/outlets/{quote(o, safe='')}" for o in outlets],
        search=["/search?" + urlencode({"q": q}) for q in searches],
    )


def _drop_comparisons(db: str) -> int:
    """Forget the comparisons an earlier run kept; how many there were."""
    with open_store(db):
        pass  # migrated: the table exists
    if is_postgres_url(db):
        import psycopg

        with psycopg.connect(db, autocommit=True) as conn:
            return conn.execute("DELETE FROM comparisons").rowcount
    with closing(sqlite3.connect(db)) as conn, conn:
        return conn.execute("DELETE FROM comparisons").rowcount


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """``newsprism serve`` in a child process."""

    def __init__(self, db: str, workers: int) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(NEWSPRISM), "serve", "--db", db, "--port", str(self.port),
             "--workers", str(workers)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(self.base + "/api/stories?limit=1", timeout=30).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {self.process.stderr.read()}")
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def cold(base: str, pages: Pages, kinds: Sequence[str] = ("story", "entity", "outlet")
         ) -> dict[str, list[float]]:
    """Each page of these kinds once, one at a time (ms)."""
    found: dict[str, list[float]] = {kind: [] for kind in kinds}
    with httpx.Client(base_url=base, timeout=600) as client:
        for kind in found:
            for url in getattr(pages, kind):
                started = time.perf_counter()
                answer = client.get(url)
                found[kind].append((time.perf_counter() - started) * 1000)
                if answer.status_code != 200:
                    raise RuntimeError(f"{url}: HTTP {answer.status_code}")
    return found


async def _load(base: str, requests: list[tuple[str, str]], clients: int, limit: int,
                seconds: float) -> dict[str, Any]:
    latencies: dict[str, list[float]] = {kind: [] for kind in KINDS}
    errors: list[str] = []
    cursor = 0
    deadline = time.perf_counter() + seconds
    issued = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal cursor, issued
        while issued < limit and time.perf_counter() < deadline:
            kind, url = requests[cursor % len(requests)]
            cursor += 1
            issued += 1
            started = time.perf_counter()
            try:
                answer = await client.get(url)
                if answer.status_code != 200:
                    errors.append(f"{url}: HTTP {answer.status_code}")
            except httpx.HTTPError as exc:
                errors.append(f"{url}: {type(exc).__name__}")
            latencies[kind].append((time.perf_counter() - started) * 1000)

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    done = sum(len(v) for v in latencies.values())
    return {"latencies": latencies, "errors": errors, "seconds": elapsed,
            "requests": done, "rps": done / elapsed if elapsed else 0.0}


def _pct(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _rows(system: str, backend: str, clients: int, result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for kind, values in result["latencies"].items():
        if not values:
            continue
        rows.append({
            "system": system, "backend": backend, "clients": clients, "page": kind,
            "requests": len(values), "req/s (all)": round(result["rps"], 1),
            "p50 ms": round(_pct(values, 0.50), 1), "p95 ms": round(_pct(values, 0.95), 1),
            "p99 ms": round(_pct(values, 0.99), 1),
            # Errors of the whole loop, on its first row.
            "errors": len(result["errors"]) if kind == KINDS[0] else "",
        })
    return rows


def static_baseline(base: str, pages: Pages, clients: Sequence[int], limit: int,
                    seconds: float) -> list[dict[str, Any]]:
    """The same story pages saved once as files, served by http.server."""
    folder = Path(tempfile.mkdtemp(prefix="newsprism-static-"))
    try:
        urls = []
        with httpx.Client(base_url=base, timeout=600) as client:
            for number, url in enumerate(pages.story):
                (folder / f"story-{number}.html").write_text(client.get(url).text, "utf-8")
                urls.append(("story", f"/story-{number}.html"))
        handler = partial(_QuietHandler, directory=str(folder))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        rows = []
        try:
            address = f"http://127.0.0.1:{server.server_address[1]}"
            for count in clients:
                result = asyncio.run(_load(address, urls, count, limit, seconds))
                rows += _rows("static reports (http.server)", "files", count, result)
        finally:
            server.shutdown()
            server.server_close()
        return rows
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def run_backend(backend: str, db: str, args: argparse.Namespace,
                clients: Sequence[int]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Cold pages, then the load levels, against one database."""
    pages = choose_pages(db, args.stories)
    # Kept comparisons of an earlier run: the first pass must compute every one.
    dropped = _drop_comparisons(db)
    server = Server(db, args.workers)
    try:
        first = cold(server.base, pages)
        server.stop()
        server = Server(db, args.workers)
        stored = cold(server.base, pages, ("story",))
        started = time.perf_counter()
        # Every page twice more, concurrently, unmeasured: each worker process keeps its own
        # caches, and the loop below measures pages a worker has seen.
        asyncio.run(_load(server.base, pages.mix() * 2, max(clients), 1 << 30, 600.0))
        warm_up = time.perf_counter() - started
        rows = []
        for count in clients:
            result = asyncio.run(_load(server.base, pages.mix(), count, args.requests,
                                       args.seconds))
            rows += _rows("newsprism serve", backend, count, result)
            if result["errors"]:
                print(f"{backend} {count} clients: {len(result['errors'])} errors, first: "
                      f"{result['errors'][:3]}", file=sys.stderr)
        summary = {
            "warm_up_s": round(warm_up, 1),
            "comparisons_dropped_before": dropped,
            "first_compute_story_ms": {"p50": round(statistics.median(first["story"]), 1),
                                       "p95": round(_pct(first["story"], 0.95), 1)},
            "stored_story_ms": {"p50": round(statistics.median(stored["story"]), 1),
                                "p95": round(_pct(stored["story"], 0.95), 1)},
            "cold_entity_ms": {"p50": round(statistics.median(first["entity"]), 1),
                               "p95": round(_pct(first["entity"], 0.95), 1)},
            "first_outlet_ms": round(first["outlet"][0], 1),
            "pages": {kind: len(getattr(pages, kind)) for kind in KINDS},
        }
        baseline = (static_baseline(server.base, pages, clients, args.requests, args.seconds)
                    if backend == "sqlite" else [])
        return rows + baseline, summary
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--clients", default="10,50")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=45.0)
    parser.add_argument("--stories", type=int, default=100)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=2,
                        help="uvicorn worker processes (newsprism serve --workers)")
    args = parser.parse_args()
    clients = [int(c) for c in args.clients.split(",")]
    path, built = sqlite_corpus(args.articles)
    with open_store(str(path)) as store:
        counts = store.count()
    rows: list[dict[str, Any]] = []
    summaries: dict[str, Any] = {}
    for backend in args.backends.split(","):
        if backend == "sqlite":
            found, summaries[backend] = run_backend("sqlite", str(path), args, clients)
            rows += found
        elif backend == "postgresql":
            from newsprism.store.pgserver import TemporaryServer

            with open_store(str(path)) as store:
                entities = list(store.iter_entities())
            # fsync off: only the build is faster; the reads measured are not affected.
            with TemporaryServer.start(scratch=True) as pg:
                url = pg.create_database("serve_bench")
                started = time.perf_counter()
                with open_store(url) as store:
                    # The entities the library resolved for the SQLite copy, stored as they are.
                    fill(store, generate(base_analyses(), args.articles), entities)
                built["postgresql_build_s"] = round(time.perf_counter() - started, 1)
                found, summaries[backend] = run_backend("postgresql", url, args, clients)
                rows += found
    columns = ["system", "backend", "clients", "page", "requests", "req/s (all)", "p50 ms",
               "p95 ms", "p99 ms", "errors"]
    print(f"corpus: {counts.articles} articles; built: {built or 'cached'}")
    for backend, summary in summaries.items():
        print(f"{backend}: {summary}")
    print(table(rows, columns))
    failures = []
    for row in rows:
        if row["system"] != "newsprism serve":
            continue
        if row["errors"] not in ("", 0):
            failures.append(f"{row['backend']} {row['clients']} clients: {row['errors']} errors")
        if row["page"] == "story" and row["clients"] == 10 and row["p95 ms"] > STORY_P95_MS:
            failures.append(f"{row['backend']} story p95 {row['p95 ms']} ms at 10 clients >"
                            f" {STORY_P95_MS} ms")
    payload = {"articles": counts.articles, "built": built, "summaries": summaries,
               "rows": rows, "args": vars(args), "machine_cpus": os.cpu_count()}
    return finish("serve_load", payload, failures)


if __name__ == "__main__":
    sys.exit(main())
