"""Benchmark: the stored, analysed corpus (issue 11) -- ingest with analysis, compare from stored
analyses, search latency, database size.

Rows, for SQLite and for PostgreSQL in the same run (a scratch server started here by
store/pgserver.py with its durable defaults, fsync on, over a Unix socket):

Every time but search latency is CPU time (``time.process_time``; a child's user + system time
for the command-line rows; for PostgreSQL, the server's processes' CPU time is added, read from
/proc): the machine these ran on is shared, and CPU time is what one core spends.

- ingest: ``ingest_into`` of --articles BASIL articles (full news articles, events of three
  outlets each, ../shared/benchdata/basil) as JSONL, articles per second on one core: with
  analysis (the default), with --no-analyze, then ``analyze_store`` completing the second store,
  beside bare ``nlp.pipe`` of the same model over the same bodies (what any spaCy user pays).
  The model loads before the clock starts in every row.
- compare: ``compare`` of --stories three-outlet BASIL stories, in process with the model
  loaded (median ms per story): the comparison the store keeps (``compare_story``; ingest keeps
  the comparison of every story it touched), computed from the stored analyses
  (``compare_story(stored=False)``: the first reader of a story whose comparison is not kept),
  and from scratch (analyse the three articles, then compare). End to end as a user runs it,
  ``newsprism compare STORY --db DB`` in a new process (min of runs): kept comparison ("warm"),
  kept comparisons deleted first ("first compute" from the stored analyses, which it keeps),
  and a copy of the database stored without analyses ("from scratch": spaCy load and parse
  included). newsprism is byte-compiled first, as pip leaves an installed package (this
  machine sets PYTHONDONTWRITEBYTECODE, so it would otherwise compile its sources at every
  start). Target: under a tenth of from scratch; the floor applies to the warm row, the first
  compute is reported beside it.
- keep comparisons: what ingest and ``analyze --db`` add after their last batch
  (``keep_comparisons`` of the stories they touched), ms per story compared; the ingest and
  analyze rows leave it out (``compare_stories=False``), as before.
- search: latency of ``Store.search`` (p50, p95 ms of wall time: a PostgreSQL query runs in
  the server) for --queries one- and two-word queries drawn (seed 11) from the headlines: over
  articles of a --search-articles corpus (synthetic stories of bench/stories_scale.py,
  perturbed BASIL and NeuS/AllSides items, stored without analysis), and over quotes and
  entities of the analysed BASIL store.
- start-up: ``newsprism --version`` in a new process (Python, typer, rich and the command
  modules load; nothing else), the part of every command-line row no store changes.
- size: bytes on disk per 1,000 articles (SQLite: file and WAL after a checkpoint; PostgreSQL:
  pg_database_size after VACUUM less that of an empty migrated database): the analysed BASIL
  store, the same articles without analysis, and the unanalysed search corpus.

    .venv/bin/python bench/corpus.py [--articles 90] [--stories 5] [--search-articles 10000]
        [--backends sqlite,postgresql]

Writes bench/results/corpus.json. Floors (set before the first full run from the issue's target,
not tuned): stored compare at most a tenth of from-scratch, end to end, on each backend;
search p95 under SEARCH_P95_FLOOR_MS on the 10k corpus, on each backend.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import compileall
import json
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg

import newsprism
from basil import load_items
from newsprism.compare import compare, load_compare_rules
from newsprism.config import load_settings
from newsprism.ingest.outlets import load_outlets
from newsprism.model import MediaType, RawDocument
from newsprism.pipeline import (
    Analyzer,
    analyze_store,
    compare_story,
    ingest_into,
    keep_comparisons,
    load_analyzer,
)
from newsprism.store import Store, open_store
from newsprism.store.base import SearchQuery
from newsprism.store.pgserver import TemporaryServer
from newsprism.store.search import search
from stories_common import Item, finish, table
from stories_scale import build_corpus

COMPARE_RATIO_FLOOR = 0.1
SEARCH_P95_FLOOR_MS = 50.0
SEED = 11
NEWSPRISM = Path(sys.executable).parent / "newsprism"
BACKENDS = ("sqlite", "postgresql")


class Databases:
    """New databases of one backend: SQLite files in a folder, or databases of one server."""

    def __init__(self, backend: str, folder: Path, server: TemporaryServer | None) -> None:
        self.backend, self.folder, self.server = backend, folder, server
        self._empty = 0
        if server is not None:
            # What an empty migrated database weighs, taken off every size.
            url = server.create_database("empty")
            with open_store(url):
                pass
            self._empty = _pg_bytes(url)

    def new(self, name: str) -> str:
        """The ``--db`` value of a new, empty database."""
        if self.server is None:
            return str(self.folder / f"{name}.db")
        url = self.server.create_database(name)
        with open_store(url):  # migrated outside any timed row
            pass
        return url

    def size(self, db: str) -> int:
        """Bytes on disk (see the module docstring)."""
        if self.server is None:
            return _sqlite_bytes(Path(db))
        return _pg_bytes(db) - self._empty

    def server_cpu(self) -> float:
        """CPU seconds the server's processes have spent so far (0 for SQLite)."""
        return _server_cpu(self.server) if self.server is not None else 0.0


def _server_cpu(server: TemporaryServer) -> float:
    # The postmaster and its children (backends, writers), exited children included (cutime).
    postmaster = int((server.data / "postmaster.pid").read_text().split()[0])
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(entry.name), int(fields[1])
        if pid == postmaster or parent == postmaster:
            # utime, stime, cutime, cstime: fields 14-17 of /proc/PID/stat.
            ticks += sum(int(value) for value in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def _cpu(databases: Databases) -> Iterator[list[float]]:
    # CPU seconds of this process and, for PostgreSQL, of the server, spent in the block.
    spent: list[float] = []
    start, server = time.process_time(), databases.server_cpu()
    yield spent
    spent.append(time.process_time() - start + databases.server_cpu() - server)


def _sqlite_bytes(db: Path) -> int:
    with sqlite3.connect(db) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.is_file())


def _pg_bytes(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as raw:
        raw.execute("VACUUM")
        row = raw.execute("SELECT pg_database_size(current_database())").fetchone()
    return int(row[0]) if row else 0


def _basil_jsonl(count: int, path: Path) -> list[str]:
    """The first ``count`` BASIL articles (whole events) as JSONL; returns their event ids."""
    items = load_items(limit=count)
    lines, events = [], []
    for item in items:
        article = item.article
        lines.append(
            json.dumps(
                {
                    "url": f"https://basil.example/{article.id}",
                    "title": article.headline,
                    "text": article.body,
                    "outlet": article.outlet.name if article.outlet else None,
                    "published": article.published.isoformat() if article.published else None,
                }
            )
        )
        events.append(item.event)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return events


def _ingest(
    databases: Databases, db: str, corpus: Path, analyzer: Analyzer | None
) -> tuple[float, int]:
    settings, outlets = load_settings(), load_outlets()
    with _cpu(databases) as spent, open_store(db) as store:
        report = ingest_into(
            [str(corpus)], store=store, settings=settings, outlets=outlets, analyzer=analyzer,
            compare_stories=False,
        )
    return spent[0], report.added


def _drop_comparisons(db: str) -> None:
    # The comparisons a store keeps, deleted: the next compare computes (and keeps) its own.
    if db.startswith("postgresql://"):
        with psycopg.connect(db, autocommit=True) as raw:
            raw.execute("DELETE FROM comparisons")
        return
    with closing(sqlite3.connect(db)) as raw, raw:
        raw.execute("DELETE FROM comparisons")


def _ms(samples: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return round(statistics.median(ordered) * 1000, 2), round(p95 * 1000, 2)


def _three_outlet_stories(store: Store, limit: int) -> list[str]:
    stories = [s for s in store.list_stories(limit=1 << 30) if len(set(s.outlets)) >= 3]
    return [s.id for s in stories[:limit]]


def _cli_compare(databases: Databases, story: str, db: str) -> float:
    # CPU seconds of the child process (user + system), and of the server for PostgreSQL: the
    # machine is shared, wall time is not what one core spends.
    server = databases.server_cpu()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [str(NEWSPRISM), "compare", story, "--db", db, "--format", "json"],
        check=True,
        capture_output=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return child + databases.server_cpu() - server


def _cli_startup() -> float:
    # CPU seconds of `newsprism --version`, the least any command costs (Python, typer, rich,
    # the command modules): the part of a command-line compare no store or analysis changes.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([str(NEWSPRISM), "--version"], check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _search_corpus(databases: Databases, db: str, items: Sequence[Item]) -> float:
    """The synthetic articles stored with add_batch (no analysis); CPU seconds it took."""
    from newsprism.model import Article, Outlet, Source, SourceKind

    with _cpu(databases) as spent, open_store(db) as store:
        for first in range(0, len(items), 500):
            chunk = items[first : first + 500]
            documents, articles = [], []
            for item in chunk:
                source = Source(SourceKind.JSONL, "synthetic.jsonl", line=int(item.id[1:]) + 1)
                outlet = Outlet(item.outlet) if item.outlet else None
                documents.append(
                    RawDocument(item.id, source, MediaType.TEXT, item.text, outlet=outlet)
                )
                articles.append(
                    Article(
                        item.id, source, item.text, (), outlet=outlet, headline=item.title,
                        published=item.day,
                    )
                )
            store.add_batch(documents, articles, [])
    return spent[0]


def _queries(titles: Sequence[str], count: int) -> list[str]:
    rng = random.Random(SEED)
    words = [
        [w.strip(".,:;!?\"'()‘’“”") for w in title.split() if len(w.strip(".,:;!?\"'()‘’“”")) > 3]
        for title in titles
    ]
    words = [w for w in words if w]
    queries = []
    while len(queries) < count:
        chosen = rng.choice(words)
        size = 1 if rng.random() < 0.5 or len(chosen) < 2 else 2
        queries.append(" ".join(rng.sample(chosen, size)))
    return queries


def _latency(store: Store, queries: Sequence[str], scope: str) -> tuple[float, float, float]:
    for query in queries[:5]:  # warm the page cache
        search(store, SearchQuery(query, scope=scope))  # type: ignore[arg-type]
    samples, hits = [], 0
    for query in queries:
        start = time.perf_counter()
        found = search(store, SearchQuery(query, scope=scope, limit=20))  # type: ignore[arg-type]
        samples.append(time.perf_counter() - start)
        hits += len(found)
    p50, p95 = _ms(samples)
    return p50, p95, round(hits / len(queries), 1)


def _timed(function: Callable[[], object]) -> float:
    start = time.process_time()
    function()
    return time.process_time() - start


def _rate(row: str, added: int, seconds: float) -> dict[str, object]:
    return {"row": row, "articles": added, "seconds": round(seconds, 2),
            "articles/s": round(added / seconds, 2)}


def _backend_rows(
    databases: Databases,
    args: argparse.Namespace,
    corpus: Path,
    analyzer: Analyzer,
    search_items: Sequence[Item],
    failures: list[str],
) -> list[dict[str, object]]:
    """Every row of one backend (its name appended to each row's label)."""
    settings = load_settings()
    tag = databases.backend
    rows: list[dict[str, object]] = []

    # --- ingest -------------------------------------------------------------------------
    analysed_db, bare_db = databases.new("analysed"), databases.new("bare")
    seconds, added = _ingest(databases, analysed_db, corpus, analyzer)
    rows.append(_rate(f"ingest (with analysis), {tag}", added, seconds))
    seconds, added = _ingest(databases, bare_db, corpus, None)
    rows.append(_rate(f"ingest --no-analyze, {tag}", added, seconds))
    bare_size = databases.size(bare_db)
    # Two more unanalysed stores, for the from-scratch compare through the command line (each
    # run analyses and keeps the story's articles: a second run would not be from scratch).
    unanalysed_dbs = [databases.new(f"unanalysed{n}") for n in (1, 2)]
    for db in unanalysed_dbs:
        _ingest(databases, db, corpus, None)
    with open_store(bare_db) as store, _cpu(databases) as spent:
        done = analyze_store(store, analyzer=analyzer, settings=settings,
                             compare_stories=False).analysed
    rows.append(_rate(f"analyze --db (complete), {tag}", done, spent[0]))
    with open_store(analysed_db) as store, _cpu(databases) as spent:
        kept = keep_comparisons(store, [s.id for s in store.list_stories(limit=1 << 30)],
                                settings=settings)
    rows.append({"row": f"keep comparisons after ingest ({kept} stories, ms per story), {tag}",
                 "ms": round(spent[0] / max(1, kept) * 1000, 1)})

    # --- compare ------------------------------------------------------------------------
    with open_store(analysed_db) as store:
        stories = _three_outlet_stories(store, args.stories)
        rules = load_compare_rules()
        warm, stored, scratch = [], [], []
        for story in stories:
            warm.append(_timed(lambda s=story: compare_story(store, s, settings=settings)))
            stored.append(_timed(
                lambda s=story: compare_story(store, s, settings=settings, stored=False)))
            members = [m.id for m in store.get_story(story).articles]  # type: ignore[union-attr]
            articles = [store.get_article(i) for i in members]

            def fresh(articles: list = articles) -> object:  # type: ignore[type-arg]
                return compare(analyzer.analyze(articles), settings=settings.compare,
                               rules=rules)

            scratch.append(_timed(fresh))
    warm_ms, _ = _ms(warm)
    stored_ms, _ = _ms(stored)
    scratch_ms, _ = _ms(scratch)
    compileall.compile_dir(str(Path(newsprism.__file__).parent), quiet=1)
    cli_warm = min(_cli_compare(databases, stories[0], analysed_db) for _ in range(3))
    first = []
    for _ in range(3):
        _drop_comparisons(analysed_db)
        first.append(_cli_compare(databases, stories[0], analysed_db))
    cli_first = min(first)
    cli_scratch = min(_cli_compare(databases, stories[0], db) for db in unanalysed_dbs)
    rows.append({"row": f"compare in process, kept comparison ({len(stories)} stories, median"
                        f" ms), {tag}", "ms": warm_ms, "ratio": round(warm_ms / scratch_ms, 3)})
    rows.append({"row": f"compare in process, from stored analyses (first compute), {tag}",
                 "ms": stored_ms, "ratio": round(stored_ms / scratch_ms, 3)})
    rows.append({"row": f"compare in process, from scratch (model loaded), {tag}",
                 "ms": scratch_ms})
    rows.append({"row": f"newsprism compare STORY --db, kept comparison (warm), {tag}",
                 "ms": round(cli_warm * 1000), "ratio": round(cli_warm / cli_scratch, 3)})
    rows.append({"row": f"newsprism compare STORY --db, first compute from stored analyses,"
                        f" {tag}", "ms": round(cli_first * 1000),
                 "ratio": round(cli_first / cli_scratch, 3)})
    rows.append({"row": f"newsprism compare STORY --db, from scratch, {tag}",
                 "ms": round(cli_scratch * 1000)})
    if cli_warm > COMPARE_RATIO_FLOOR * cli_scratch:
        failures.append(
            f"{tag}: stored compare {cli_warm:.2f} s is over a tenth of {cli_scratch:.2f} s"
        )

    # --- search -------------------------------------------------------------------------
    search_db = databases.new("search")
    build = _search_corpus(databases, search_db, search_items)
    queries = _queries([item.title for item in search_items], args.queries)
    with open_store(search_db) as store:
        p50, p95, hits = _latency(store, queries, "articles")
    rows.append({"row": f"search articles, {len(search_items)} articles, {tag}",
                 "seconds": round(build, 1), "p50 ms": p50, "p95 ms": p95, "hits/query": hits})
    if p95 > SEARCH_P95_FLOOR_MS:
        failures.append(f"{tag}: search p95 {p95} ms over {SEARCH_P95_FLOOR_MS} ms")
    with open_store(analysed_db) as store:
        basil_titles = [a.headline or "" for a in store.iter_articles()]
        for scope in ("quotes", "entities"):
            p50, p95, hits = _latency(store, _queries(basil_titles, args.queries), scope)
            rows.append({"row": f"search {scope}, {args.articles} analysed articles, {tag}",
                         "p50 ms": p50, "p95 ms": p95, "hits/query": hits})

    # --- size ---------------------------------------------------------------------------
    per_thousand = 1000 / 1e6
    rows.append({"row": f"size, analysed (MB per 1,000 articles), {tag}",
                 "MB": round(databases.size(analysed_db) / args.articles * per_thousand, 2)})
    rows.append({"row": f"size, same articles without analysis, {tag}",
                 "MB": round(bare_size / args.articles * per_thousand, 2)})
    rows.append({"row": f"size, search corpus ({len(search_items)}, no analysis), {tag}",
                 "MB": round(databases.size(search_db) / len(search_items) * per_thousand, 2)})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=90)
    parser.add_argument("--stories", type=int, default=5)
    parser.add_argument("--search-articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--backends", default=",".join(BACKENDS),
                        help="sqlite, postgresql or both, comma-separated")
    args = parser.parse_args()
    backends = [b for b in args.backends.split(",") if b]
    if not set(backends) <= set(BACKENDS):
        parser.error(f"--backends: choose from {', '.join(BACKENDS)}")
    settings = load_settings()
    rows: list[dict[str, object]] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="newsprism-corpus-") as folder:
        work = Path(folder)
        corpus = work / "basil.jsonl"
        _basil_jsonl(args.articles, corpus)
        search_items: list[Item] = build_corpus(args.search_articles)
        load_start = time.process_time()
        analyzer = load_analyzer(settings)
        model_load = time.process_time() - load_start
        # What any spaCy user pays: the bare pipeline over the same bodies.
        with open_store(work / "bodies.db") as store:
            ingest_into([str(corpus)], store=store, settings=settings, outlets=load_outlets())
            bodies = [a.body for a in store.iter_articles()]
        start = time.process_time()
        for _ in analyzer.model.nlp.pipe(bodies, batch_size=settings.analyze.batch_size):
            pass
        rows.append(_rate("bare nlp.pipe (baseline)", len(bodies), time.process_time() - start))
        startup = min(_cli_startup() for _ in range(3))
        rows.append({"row": "newsprism --version (command-line start-up, min of 3)",
                     "ms": round(startup * 1000)})
        for backend in backends:
            if backend == "postgresql":
                with TemporaryServer.start(scratch=False) as server:
                    databases = Databases(backend, work, server)
                    rows += _backend_rows(databases, args, corpus, analyzer, search_items,
                                          failures)
            else:
                (work / backend).mkdir()
                databases = Databases(backend, work / backend, None)
                rows += _backend_rows(databases, args, corpus, analyzer, search_items, failures)

    columns = ["row", "articles", "seconds", "articles/s", "ms", "ratio", "p50 ms", "p95 ms",
               "hits/query", "MB"]
    print(table(rows, columns))
    print(f"model load {model_load:.2f} s (outside every row)")
    payload = {
        "backends": backends,
        "articles": args.articles,
        "stories": args.stories,
        "search_articles": args.search_articles,
        "queries": args.queries,
        "model_load_seconds": round(model_load, 2),
        "nlp_model": analyzer.nlp_model,
        "made_by": analyzer.made_by,
        "rows": rows,
        "floors": {"compare_ratio": COMPARE_RATIO_FLOOR, "search_p95_ms": SEARCH_P95_FLOOR_MS},
    }
    return finish("corpus", payload, failures)


if __name__ == "__main__":
    sys.exit(main())
