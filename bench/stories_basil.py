"""Benchmark: BASIL story clustering, newsprism online against the offline baseline.

Data (read from ../shared/benchdata/basil, never copied): 300 full articles, 100 events
(2010-2019), one article each from Fox News, the New York Times and HuffPost, with day and title.
Articles arrive one at a time in publication order, as a news desk would see them.

BASIL has no train split, so one is made by year: events of 2010-2014 ("train", 150 articles)
are where the baseline threshold is chosen, and one of the four train parts on which
bench/stories_loco.py chooses newsprism's default [stories] settings; events of 2015-2019
("eval", 150) and all 300 ("all", the train years in-sample) are reported with them unchanged.

Systems: newsprism's StoryClusterer with the packaged defaults; the baseline (TF-IDF over title
and text, average-link agglomerative at one cosine threshold, all pairs, offline) at the threshold
best on "train", and at the threshold best on the evaluated set itself (an oracle upper bound, as
the issue measured it).

    .venv/bin/python bench/stories_basil.py [--tune] [--entities]

Writes bench/results/stories_basil.json; exits 1 when newsprism falls below a pinned floor.
"""

from __future__ import annotations

import argparse
import sys

from newsprism.config import load_settings
from newsprism.errors import ConfigError
from stories_common import (
    COLUMNS,
    LookupEncoder,
    analysed_entities,
    cached_embeddings,
    check_floors,
    evaluate,
    finish,
    load_basil,
    table,
    tune,
)

FLOORS = {("all", "bcubed_f1"): 0.98, ("eval", "bcubed_f1"): 0.97}
TUNE_GRID = [
    {
        "name_weight": name_weight,
        "join_threshold": threshold,
        "time_penalty": penalty,
        "time_scale_days": scale,
    }
    for name_weight in (1.0, 2.0)
    for threshold in (0.12, 0.15, 0.18, 0.2, 0.22, 0.25, 0.3)
    for penalty in (0.1, 0.2)
    for scale in (7.0, 14.0)
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="Sweep settings on the train years.")
    parser.add_argument(
        "--entities",
        action="store_true",
        help="Also run with analysed entities as a signal (spaCy; cached in bench/results/cache).",
    )
    args = parser.parse_args()
    settings = load_settings().stories
    items = load_basil()
    train = [item for item in items if item.day is not None and item.day.year <= 2014]
    held_out = [item for item in items if item.day is not None and item.day.year >= 2015]
    payload: dict[str, object] = {}
    if args.tune:
        best, grid_rows = tune(train, settings, TUNE_GRID)
        print(table(grid_rows, [*TUNE_GRID[0], "bcubed_f1", "bcubed_precision", "bcubed_recall"]))
        print(f"best on train: {best}")
        payload["tuning"] = {"grid": grid_rows, "best": best}
    entities = analysed_entities(items, "basil") if args.entities else None
    # The packaged [stories] embedding settings with all-MiniLM-L6-v2 (the optional extra;
    # vectors cached under bench/results/cache/), when it is installed.
    embedded = None
    try:
        words = settings.embedding_words
        vectors = cached_embeddings(items, "basil", words)
    except ConfigError as exc:
        print(f"embeddings system left out: {exc.message}")
    else:
        embedded = (
            settings,
            {
                "eval": LookupEncoder(held_out, vectors, words),
                "all": LookupEncoder(items, vectors, words),
            },
        )
    rows, meta = evaluate(
        "stories_basil",
        {"eval": held_out, "all": items},
        train,
        settings,
        entities=entities,
        embedded=embedded,
    )
    print(table(rows, COLUMNS))
    failures = check_floors(rows, FLOORS)
    payload.update(
        {
            **meta,
            "settings": "packaged defaults ([stories] in defaults.toml)",
            "train": "BASIL events 2010-2014",
            "rows": rows,
            "floors": {f"{k[0]}.{k[1]}": v for k, v in FLOORS.items()},
            "failures": failures,
        }
    )
    return finish("stories_basil", payload, failures)


if __name__ == "__main__":
    sys.exit(main())
