"""The Spark job (issue 13) against the single-process pipeline, on the same input in one run.

For each corpus (BASIL as JSONL; the full-article development set ``stories_common
.load_same_week("train")`` as JSONL; ``both-weeks``, its train and eval parts together), in
fresh processes:

* ``newsprism ingest FILE --db new.db`` — the single-process CLI (the baseline a user has);
* ``newsprism spark FILE --out DIR --master local[1]`` and ``local[2]`` — wall time including
  the JVM start, per-phase seconds, per-partition cost and the peak memory of a Python worker
  (the executor's heavy part: the spaCy model and one partition's articles).

Reported: articles per second, the scaling ratio local[1] -> local[2] (target >= 1.8x) and the
overhead of Spark at one core over the CLI (target <= 1.2x), and how far the job's stories are
from the single-process stories (B-cubed F1 of one against the other; target >= 0.99), beside
the load average of the machine (the figures mean little on a machine busy with other work).

Usage: python bench/spark_scale.py [--limit N] [--corpus basil|same-week|both-weeks ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stories_common import bcubed, load_basil, load_same_week, table, write_results

NEWSPRISM = Path(sys.executable).parent / "newsprism"
# Partitions per run: the same for both masters, so only the cores differ.
PARTITIONS = 4


def _write_jsonl(items: list, path: Path) -> None:  # type: ignore[type-arg]
    with path.open("w", encoding="utf-8") as stream:
        for item in items:
            stream.write(json.dumps({
                "text": item.text,
                "title": item.title or None,
                "outlet": item.outlet,
                "published": item.day.isoformat() if item.day else None,
                "url": f"https://bench.example.org/{item.id}",
            }) + "\n")


def _run(command: list[str]) -> tuple[float, str]:
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 2):
        raise RuntimeError(f"{command[:3]} failed:\n{done.stderr[-3000:]}")
    return elapsed, done.stdout


def _stories_of_db(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT article_id, story_id FROM story_articles").fetchall()
    return dict(rows)


def _stories_of_output(out: Path) -> dict[str, str]:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    rows = pq.read_table(out / "story_articles").to_pylist()
    return {row["article_id"]: row["story_id"] for row in rows}


def _agreement(single: dict[str, str], spark: dict[str, str]) -> float:
    ids = sorted(single)
    if sorted(spark) != ids:
        return 0.0
    return bcubed([single[i] for i in ids], [spark[i] for i in ids])[2]


def bench_corpus(name: str, items: list, work: Path) -> list[dict[str, object]]:  # type: ignore[type-arg]
    source = work / f"{name}.jsonl"
    _write_jsonl(items, source)
    rows: list[dict[str, object]] = []
    db = work / f"{name}.db"
    load = os.getloadavg()[0]
    seconds, _ = _run([str(NEWSPRISM), "ingest", str(source), "--db", str(db),
                       "--format", "json"])
    single = _stories_of_db(db)
    count = len(single)
    rows.append({"corpus": name, "system": "CLI (one process)", "articles": count,
                 "seconds": round(seconds, 1), "art/s": round(count / seconds, 2),
                 "load": round(load, 1)})
    for cores in (1, 2):
        out = work / f"{name}-spark{cores}"
        shutil.rmtree(out, ignore_errors=True)
        load = os.getloadavg()[0]
        seconds, stdout = _run([str(NEWSPRISM), "spark", str(source), "--out", str(out),
                                "--master", f"local[{cores}]", "--partitions",
                                str(PARTITIONS), "--format", "json"])
        report = json.loads(stdout)
        costs = report["partition_costs"]
        per_article = [c["seconds"] / c["articles"] for c in costs if c["articles"]]
        rows.append({
            "corpus": name, "system": f"spark local[{cores}]", "articles": report["stored"],
            "seconds": round(seconds, 1), "art/s": round(report["stored"] / seconds, 2),
            "load": round(load, 1),
            "phases": report["seconds"],
            "partition s/article": round(sum(per_article) / max(len(per_article), 1), 3),
            # Each analysis partition's articles and seconds: how even the work was spread.
            "partitions": [(c["articles"], c["seconds"]) for c in costs],
            "worker peak MiB": max((c["peak_mib"] for c in costs), default=0.0),
            "stories B3 vs CLI": round(_agreement(single, _stories_of_output(out)), 4),
        })
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="articles per corpus")
    parser.add_argument("--corpus", action="append", choices=["basil", "same-week", "both-weeks"])
    args = parser.parse_args()
    chosen = args.corpus or ["basil", "same-week"]
    corpora = {
        "basil": load_basil,
        "same-week": lambda: load_same_week("train"),
        # Both parts (no shared text): twice the input, so fixed costs (JVM, worker start,
        # model load, Spark stages) weigh half as much as on one part.
        "both-weeks": lambda: load_same_week("train") + load_same_week("eval"),
    }
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="spark-bench-") as folder:
        for name in chosen:
            items = corpora[name]()[: args.limit]
            rows.extend(bench_corpus(name, items, Path(folder)))
    summary = []
    for name in chosen:
        by = {row["system"]: row for row in rows if row["corpus"] == name}
        one, two, cli = by["spark local[1]"], by["spark local[2]"], by["CLI (one process)"]
        summary.append({
            "corpus": name,
            "scaling 1->2 cores": round(float(two["art/s"]) / float(one["art/s"]), 2),  # type: ignore[arg-type]
            "spark overhead at 1 core": round(float(one["seconds"]) / float(cli["seconds"]), 2),  # type: ignore[arg-type]
            "stories B3 local[1]": one["stories B3 vs CLI"],
            "stories B3 local[2]": two["stories B3 vs CLI"],
        })
    print(table(rows, ["corpus", "system", "articles", "seconds", "art/s", "load",
                       "partition s/article", "worker peak MiB", "stories B3 vs CLI"]))
    print()
    print(table(summary, list(summary[0])))
    path = write_results("spark_scale", {
        "rows": rows, "summary": summary, "partitions": PARTITIONS,
        "cpus": os.cpu_count(), "note": "wall times include JVM and worker start",
    })
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
