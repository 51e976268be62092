"""Benchmark: ingest time per article into a store that already holds 10,000 articles.

Before the clusterer snapshot (store migration 0003), every ``newsprism ingest`` rebuilt the
story clusterer by replaying every stored article (features and all); now it loads the saved
state when that covers every stored article. Both paths run here, in the same run, on copies of
one store: "replay" (the saved state deleted, as before) and "snapshot".

Corpus: the synthetic stories of bench/stories_scale.py (perturbed BASIL and NeuS/AllSides
items, read from ../shared/benchdata), written as JSONL and ingested with ``ingest_into``: the
first --stored articles build the store, then --new more are ingested in one run and timed.
Note: the copy detector still reads every stored text on each run (``Store.copy_texts``); that
cost is in both rows and is reported on its own.

    .venv/bin/python bench/stories_ingest.py [--stored 10000] [--new 20]

Writes bench/results/stories_ingest.json; exits 1 when the snapshot path is not at least
SPEEDUP_FLOOR times faster per article than replay.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from newsprism.config import load_settings
from newsprism.ingest.outlets import load_outlets
from newsprism.pipeline import ingest_into
from newsprism.store import SQLiteStore
from stories_common import Item, table, write_results
from stories_scale import build_corpus

SPEEDUP_FLOOR = 2.0


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=10_000)
    parser.add_argument("--new", type=int, default=20)
    args = parser.parse_args()
    settings = load_settings()
    outlets = load_outlets()
    corpus = build_corpus(args.stored + args.new)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        _jsonl(corpus[: args.stored], work / "stored.jsonl")
        _jsonl(corpus[args.stored :], work / "new.jsonl")
        base = work / "base.db"
        start = time.perf_counter()
        with SQLiteStore(base) as store:
            ingest_into(
                [str(work / "stored.jsonl")], store=store, settings=settings, outlets=outlets
            )
            stored = store.count().articles
            saved = store.load_story_state()
        build_seconds = time.perf_counter() - start
        rows = []
        for system in ("replay (before: state rebuilt from every stored article)", "snapshot"):
            db = work / f"{len(rows)}.db"
            shutil.copy(base, db)
            if system.startswith("replay"):
                with sqlite3.connect(db) as connection:
                    connection.execute("DELETE FROM story_state")
            with SQLiteStore(db) as store:
                copy_start = time.perf_counter()
                sum(1 for _ in store.copy_texts())
                copy_seconds = time.perf_counter() - copy_start
            start = time.perf_counter()
            with SQLiteStore(db) as store:
                report = ingest_into(
                    [str(work / "new.jsonl")], store=store, settings=settings, outlets=outlets
                )
            seconds = time.perf_counter() - start
            rows.append(
                {
                    "system": system,
                    "stored": stored,
                    "added": report.added,
                    "seconds": round(seconds, 3),
                    "ms_per_article": round(1000 * seconds / max(report.added, 1), 1),
                    # Reading every stored text for the copy detector (inside "seconds" too).
                    "copy_texts_seconds": round(copy_seconds, 3),
                }
            )
    print(table(rows, list(rows[0])))
    speedup = rows[0]["ms_per_article"] / max(rows[1]["ms_per_article"], 1e-9)  # type: ignore[operator]
    print(f"speed-up {speedup:.1f}x; snapshot {len(saved[1]) / 1e6 if saved else 0:.1f} MB")
    failures = [] if speedup >= SPEEDUP_FLOOR else [f"speed-up {speedup:.2f} < {SPEEDUP_FLOOR}"]
    path = write_results(
        "stories_ingest",
        {
            "benchmark": "stories_ingest",
            "stored": stored,
            "build_seconds": round(build_seconds, 1),
            "snapshot_bytes": len(saved[1]) if saved else 0,
            "rows": rows,
            "speedup": round(speedup, 2),
            "floor": SPEEDUP_FLOOR,
            "failures": failures,
        },
    )
    print(f"wrote {path}")
    for failure in failures:
        print(f"FLOOR: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
