"""Benchmark: cost of adding one article as the corpus grows to 1k, 10k and 100k articles.

Corpus: built by sampling and lightly perturbing benchmark articles (BASIL full articles and
NeuS/AllSides title+excerpt items, read from ../shared/benchdata, never copied). Each synthetic
story is one source story moved to a random day in a 20-year range; its items are copies of the
source story's items with 10% of words dropped and 5% replaced by random corpus words, dated 0-2
days after the story's day. Stories are interleaved by day, as a crawl would deliver them.

Measured in one run, on the same articles:

* newsprism: ``StoryClusterer.add`` per article (features included), as the mean process CPU
  time over the 1,000 additions that bring the corpus to each size; resident memory at each
  size, and peak.
* all pairs (the baseline): an online nearest-neighbour clusterer that compares each new article
  with every earlier one (sparse matrix-vector product over all earlier TF-IDF vectors, SciPy),
  joining the nearest article's story at the same cosine bar; its per-article time is measured on
  200 additions at each size. The offline average-link baseline of the quality benchmarks needs
  the n^2/2 distance matrix: its memory at each size is given (8 bytes a pair), measured at 1k.
* quality: B-cubed F1 of newsprism against the synthetic stories at each size.

    .venv/bin/python bench/stories_scale.py [--max 100000]

Writes bench/results/stories_scale.json; exits 1 when the time per article at the largest size is
more than RATIO_FLOOR times that at 1k, or quality falls below its floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import resource
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse

from newsprism.config import load_settings
from newsprism.stories import StoryClusterer, story_item
from stories_common import (
    Item,
    as_article,
    bcubed,
    load_basil,
    load_neus,
    table,
    write_results,
)

SEED = 13
# Synthetic stories are spread over this many years (a source story is reused about every
# YEARS * 365 * 3 * len(sources) / size days, far beyond the clusterer's max_gap_days).
YEARS = 20
SIZES = (1_000, 10_000, 100_000)
WINDOW = 1_000
ALL_PAIRS_QUERIES = 200
RATIO_FLOOR = 2.0
F1_FLOOR = 0.75
_WORDS = re.compile(r"\S+")


def _perturb(text: str, rng: random.Random, vocabulary: list[str]) -> str:
    words = []
    for word in _WORDS.findall(text):
        roll = rng.random()
        if roll < 0.10:
            continue
        words.append(rng.choice(vocabulary) if roll < 0.15 else word)
    return " ".join(words)


def build_corpus(size: int) -> list[Item]:
    """``size`` synthetic articles in synthetic stories, ordered by day."""
    rng = random.Random(SEED)
    sources: dict[str, list[Item]] = {}
    for item in [*load_basil(), *load_neus("train")]:
        sources.setdefault(item.story, []).append(item)
    stories = list(sources.values())
    vocabulary = [w for group in stories[:300] for item in group for w in item.text.split()]
    start = dt.date(2000, 1, 1)
    items: list[Item] = []
    number = 0
    while len(items) < size:
        group = rng.choice(stories)
        day = start + dt.timedelta(days=rng.randrange(YEARS * 365))
        for member in group:
            items.append(
                Item(
                    id=f"x{len(items)}",
                    title=_perturb(member.title, rng, vocabulary),
                    text=_perturb(member.text, rng, vocabulary),
                    story=f"synthetic-{number}",
                    outlet=member.outlet,
                    day=day + dt.timedelta(days=rng.randrange(3)),
                )
            )
        number += 1
    items = items[:size]
    items.sort(key=lambda item: (item.day, item.id))
    return items


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=SIZES[-1], help="Largest corpus size.")
    args = parser.parse_args()
    sizes = [s for s in SIZES if s <= args.max]
    settings = load_settings().stories
    corpus = build_corpus(sizes[-1])
    rss_before = _rss_mb()
    clusterer = StoryClusterer(settings=settings)
    rows: list[dict[str, object]] = []
    # CPU time of this process: other processes on a shared machine do not count against it.
    window_start = time.process_time()
    starts = {s - WINDOW + 1 for s in sizes}
    for count, item in enumerate(corpus, start=1):
        if count in starts:
            window_start = time.process_time()
        clusterer.add(story_item(as_article(item), settings=settings))
        if count in sizes:
            elapsed = time.process_time() - window_start
            labels = clusterer.labels()
            gold = [i.story for i in corpus[:count]]
            _, _, f1 = bcubed(gold, [labels[i.id] for i in corpus[:count]])
            rows.append(
                {
                    "articles": count,
                    "system": "newsprism (index)",
                    "ms_per_article": round(1000 * elapsed / WINDOW, 3),
                    "rss_mb": round(_rss_mb(), 1),
                    "clusterer_mb": round(_rss_mb() - rss_before, 1),
                    "bcubed_f1": round(f1, 4),
                    "stories": len(set(labels.values())),
                }
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # All pairs: TF-IDF rows of every article (vocabulary and IDF of the whole corpus, which
    # favours the baseline), each query scored against all earlier rows.
    vectors = _tfidf([f"{i.title} {i.text}" for i in corpus])
    threshold = settings.join_threshold
    for size in sizes:
        earlier = vectors[: size - ALL_PAIRS_QUERIES]
        queries = vectors[size - ALL_PAIRS_QUERIES : size]
        start = time.process_time()
        for row in range(queries.shape[0]):
            scores = earlier @ queries[row].T
            dense = scores.toarray().ravel()
            best = int(np.argmax(dense)) if dense.size else -1
            _ = best >= 0 and dense[best] >= threshold
        elapsed = time.process_time() - start
        rows.append(
            {
                "articles": size,
                "system": "all pairs (online nearest neighbour)",
                "ms_per_article": round(1000 * elapsed / ALL_PAIRS_QUERIES, 3),
                "rss_mb": "",
                "offline_matrix_gb": round(size * (size - 1) / 2 * 8 / 2**30, 3),
            }
        )
    ours = {r["articles"]: r["ms_per_article"] for r in rows if r["system"] == "newsprism (index)"}
    ratio = float(ours[sizes[-1]]) / float(ours[sizes[0]])  # type: ignore[arg-type]
    print(
        table(
            rows,
            [
                "articles",
                "system",
                "ms_per_article",
                "rss_mb",
                "clusterer_mb",
                "bcubed_f1",
                "stories",
                "offline_matrix_gb",
            ],
        )
    )
    print(
        f"newsprism time per article at {sizes[-1]} / at {sizes[0]}: {ratio:.2f}x; "
        f"peak RSS {peak:.0f} MiB"
    )
    failures = []
    if len(sizes) > 1 and ratio > RATIO_FLOOR:
        failures.append(f"time ratio {ratio:.2f} > {RATIO_FLOOR}")
    for row in rows:
        if row["system"] == "newsprism (index)" and float(row["bcubed_f1"]) < F1_FLOOR:  # type: ignore[arg-type]
            failures.append(f"B-cubed F1 {row['bcubed_f1']} at {row['articles']} < {F1_FLOOR}")
    path = write_results(
        "stories_scale",
        {
            "rows": rows,
            "ratio_largest_to_1k": round(ratio, 3),
            "peak_rss_mb": round(peak, 1),
            "rss_before_clustering_mb": round(rss_before, 1),
            "seed": SEED,
            "floors": {"ratio": RATIO_FLOOR, "bcubed_f1": F1_FLOOR},
            "failures": failures,
        },
    )
    print(f"wrote {path}")
    for failure in failures:
        print(f"FLOOR: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _tfidf(texts: list[str]) -> sparse.csr_matrix:
    from stories_common import tfidf_matrix

    return tfidf_matrix(texts)


if __name__ == "__main__":
    sys.exit(main())
