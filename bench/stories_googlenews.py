"""Benchmark: GoogleNews-T title clustering (the MStream "News" set), NMI as in the papers.

Data (read from ../shared/benchdata/googlenews_t_mstream, never copied): 11,109 Google News
titles in 152 stories, already lower-cased, stop-worded and lemmatised by the data's authors; no
dates. Titles arrive one at a time in file order.

There is no train split, so one is made: a fixed random half of the titles (seed 13) is where the
"titles" profile below was chosen (``--tune``); the other half ("eval") and all titles ("all")
are reported with it unchanged.

Reference: MStream (Yin et al., KDD 2018) and GSDMM (Yin & Wang, KDD 2014) report NMI on this set;
their figures could not be retrieved in this environment and are not verified here (see
MSTREAM_NOTE). The metric is NMI with geometric-mean normalisation, as in those papers.

Systems: newsprism's StoryClusterer with the profile; the baseline (TF-IDF, average-link
agglomerative at one cosine threshold, all pairs, offline) at the threshold best on the train half,
and at the threshold best on the evaluated set itself (an oracle upper bound).

The "embeddings" system blends all-MiniLM-L6-v2 sentence embeddings of the titles (the optional
extra; vectors cached under bench/results/cache/), with weight and bar chosen on the train half in
the same run (EMBEDDING_GRID, best B-cubed F1); left out when the extra is not installed.

    .venv/bin/python bench/stories_googlenews.py [--tune]

Writes bench/results/stories_googlenews.json; exits 1 when newsprism falls below a pinned floor.
"""

from __future__ import annotations

import argparse
import random
import sys

from newsprism.config import load_settings
from newsprism.errors import ConfigError
from stories_common import (
    COLUMNS,
    LookupEncoder,
    cached_embeddings,
    check_floors,
    evaluate,
    finish,
    load_googlenews,
    settings_with,
    table,
    tune,
)

SEED = 13
# Chosen on the train half with --tune (the best grid point there).
PROFILE: dict[str, object] = {
    "link": "centroid",
    "full_terms": 1,
    "join_threshold": 0.15,
    "merge_threshold": 0.4,
    # The IDF prior and bar it was chosen with (before issue 8).
    "idf_prior_documents": 1000,
    "background_weight": 0.0,
}
FLOORS = {("all", "nmi"): 0.86, ("eval", "nmi"): 0.86}
MSTREAM_NOTE = (
    "MStream/MStreamF NMI on News: paper figure not retrieved here (no access to the PDF in this "
    "environment); compare with Table 3 of Yin et al. 2018 before quoting."
)
EMBEDDING_GRID = [
    {"embedding_weight": weight, "embedding_threshold": threshold}
    for weight in (0.2, 0.3, 0.5)
    for threshold in (0.5, 0.6, 0.7)
]
TUNE_GRID = [
    {
        "link": link,
        "full_terms": 1,
        "join_threshold": threshold,
        "merge_threshold": merge,
        "idf_prior_documents": 1000,
        "background_weight": 0.0,
    }
    for link in ("centroid", "average")
    for threshold in (0.05, 0.1, 0.15, 0.2, 0.25)
    for merge in (0.4, 0.7)
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="Sweep the profile on the train half.")
    args = parser.parse_args()
    base = load_settings().stories
    items = load_googlenews()
    chosen = set(random.Random(SEED).sample(range(len(items)), len(items) // 2))
    train = [item for number, item in enumerate(items) if number in chosen]
    held_out = [item for number, item in enumerate(items) if number not in chosen]
    payload: dict[str, object] = {"mstream": MSTREAM_NOTE}
    if args.tune:
        best, grid_rows = tune(train, base, TUNE_GRID)
        columns = [*TUNE_GRID[0], "nmi", "bcubed_f1", "clusters"]
        print(table(grid_rows, columns))
        print(f"best on train (B-cubed F1): {best}")
        payload["tuning"] = {"grid": grid_rows, "best": best}
    settings = settings_with(base, PROFILE)
    embedded = None
    words = settings.embedding_words
    try:
        vectors = cached_embeddings(items, "googlenews", words)
    except ConfigError as exc:
        print(f"embeddings system left out: {exc.message}")
    else:
        embedding_profile, grid_rows = tune(
            train, settings, EMBEDDING_GRID, encoder=LookupEncoder(train, vectors, words)
        )
        print(f"embedding profile (best on the train half): {embedding_profile}")
        payload["embedding_tuning"] = {"grid": grid_rows, "best": embedding_profile}
        embedded = (
            settings_with(settings, embedding_profile),
            {
                "eval": LookupEncoder(held_out, vectors, words),
                "all": LookupEncoder(items, vectors, words),
            },
        )
    rows, meta = evaluate(
        "stories_googlenews",
        {"eval": held_out, "all": items},
        train,
        settings,
        extra={"newsprism defaults (one setting, LOCO)": base},
        embedded=embedded,
    )
    print(table(rows, COLUMNS))
    print(MSTREAM_NOTE)
    failures = check_floors(rows, FLOORS)
    payload.update(
        {
            **meta,
            "profile": PROFILE,
            "seed": SEED,
            "rows": rows,
            "floors": {f"{k[0]}.{k[1]}": v for k, v in FLOORS.items()},
            "failures": failures,
        }
    )
    return finish("stories_googlenews", payload, failures)


if __name__ == "__main__":
    sys.exit(main())
