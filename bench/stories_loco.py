"""Benchmark: story clustering leave-one-corpus-out, newsprism online against the baseline.

Each story corpus has a train part and an eval part that share no articles:

* ``basil``: BASIL events of 2010-2014 / 2015-2019 (300 full articles, Fox, NYT, HuffPost, with
  their dates, in publication order; the year split of bench/stories_basil.py).
* ``neus``: NeuS/AllSides train (its first 500 stories, 1,500 title+excerpt items, to keep the
  sweep cheap) / val (921 items); no dates; shuffled (seed 13).
* ``googlenews``: GoogleNews-T, 3,000 titles of a fixed random half of the 11,109 preprocessed
  titles (seed 13; the sweep's cost) / the other half (5,555); no dates; file order.
* ``same_week``: the full-article development set built by
  ``stories_common.load_same_week`` from BASIL events of 2010-2014 / 2015-2019: events that share
  their main people (Trump, Obama, Clinton, ...) moved into the same synthetic weeks, with the
  article-extraction-benchmark pages (many outlets and subjects, Nov 2019) interleaved: the
  dates no longer keep the events apart, only what the articles say does. Its train part
  counts three ways, their mean being the corpus's train score: as dated full articles, with
  the dates dropped (articles whose dates were never read), and as excerpts (the headline and
  the first two sentences, undated: what an aggregator such as AllSides shows; ``excerpts``),
  so that no fold chooses for full pages only. The eval part is reported the same three ways
  ("same_week undated", "same_week excerpts") under the same fold's choices. (The excerpt
  version was added on 2026-12-07, after runs in which the NeuS fold, choosing on no excerpts,
  over-merged NeuS's excerpts.)

For every held-out corpus, newsprism's settings are the grid point with the best mean B-cubed F1
over the *train parts of the other corpora*, and the baseline's threshold is chosen the same way;
both are reported on the held-out corpus's eval part: these figures are **untuned** for it
(``same_week`` and ``basil`` hold the same BASIL articles, but a fold's train parts never hold
the years of its eval part). Beside them, marked **tuned**: newsprism at the grid point best on
the held-out corpus's own train part, and the baseline at the threshold best on the eval part
itself (an oracle, as the issue measured it).

The grid holds the bar (0.1 to 0.2; 0.175 and 0.2 were added when the best point sat on the
edge, 0.15), the IDF prior, the length exponent and full_terms; the background
weight (how much the bar rises with the article's mean score with the other candidate stories)
is fixed by the design at 1 (see ``DESIGN_BACKGROUND``). The row "ablation: background chosen
too" is what each fold gives when it also chooses that weight (0 or 1) on the other corpora's
train parts.

Both B-cubed F1 and ARI count: newsprism's untuned figure must be ahead of the baseline's on
each. The rows "chosen on F1 and ARI" choose, for both systems, by the mean of the two instead
of F1 alone; they are reported, not used: that protocol was tried after the F1 results were
seen. It moves the baseline's NeuS threshold (0.4 to 0.45, ARI 0.52 to 0.38) and the defaults'
IDF prior (10 to 1000, by a margin of about 0.00001: BASIL all 300 0.977 to 0.987), and prior
1000 joins different events about one person (tests/stories/test_stories.py
test_issue8_same_week_events_that_share_people_stay_apart: B-cubed precision 0.95 to 0.89, one
story holding three events).

The packaged defaults are one grid point: the best mean B-cubed F1 over the train parts of all
four corpora (no eval part is looked at); the printed margin is how far ahead of the runner-up
it is (a small margin means the choice between the two is close to a coin toss). They are
reported on every eval part ("defaults"; untuned for the eval part, though the corpus's train
part was among those they were chosen on) and on all 300 BASIL articles.

With ``--embeddings`` the optional MiniLM link (the ``embeddings`` extra: all-MiniLM-L6-v2
vectors of the headline and lead, blended into every score and bar) is one more dimension of
the design grid: every design point once without the encoder and once with it at each of
``EMBEDDING_BLENDS`` (embedding_weight x embedding_threshold). The folds choose among all of
them by the same rule; the row "newsprism LOCO, words only" is the same fold's choice among the
points without the encoder (what an install without the extra runs), and both LOCO rows must be
ahead of the baseline. The packaged defaults are still chosen among the points without the
encoder; "defaults with the embedding dimension" is the same rule over all design points, run on
all 300 BASIL articles. The vectors are computed once per part and cached under
bench/results/cache/ (git ignores bench/results/), so a rerun costs the grid only.

Baseline: TF-IDF over title + text (scikit-learn's TfidfVectorizer defaults), average-link
agglomerative clustering on cosine distance, cut at one similarity threshold, all pairs, offline.

    .venv/bin/python bench/stories_loco.py [--embeddings]

Writes bench/results/stories_loco.json; exits 1 when newsprism's untuned B-cubed F1 or ARI is not
ahead of the baseline's on a corpus, or the defaults give less than 0.98 on BASIL.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import re
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from newsprism.config import StoriesSettings, load_settings
from newsprism.errors import ConfigError
from newsprism.stories.embed import TextEncoder
from stories_common import (
    GRID,
    Item,
    LookupEncoder,
    baseline_labels,
    baseline_tree,
    cached_embeddings,
    finish,
    load_basil,
    load_googlenews,
    load_neus,
    load_same_week,
    run_newsprism,
    scores,
    settings_with,
    shuffled,
    table,
)

SEED = 13
# Sentences an excerpt keeps (see ``excerpts``): a lede, as aggregators show under a headline.
EXCERPT_SENTENCES = 2
NEUS_TRAIN_STORIES = 500
GOOGLENEWS_TRAIN_TITLES = 3000
BASIL_FLOOR = 0.98
# The settings chosen per fold (story scored by its nearest members, the bar raised by the
# article's mean score with the other candidate stories): the bar; IDF's prior of documents
# holding none of the words (10: a name in most of the articles seen weighs little; 1000: every
# word is rare while fewer than about a thousand articles have been seen); and how the bar scales
# with length (the bar of a text of fewer than full_terms terms is scaled by (terms /
# full_terms) ** length_exponent: lower for short texts; 30 terms is about an excerpt of a
# headline and two sentences, 80 every term a full article keeps; exponent 0 is one bar for
# every length).
# The background (the bar raised by background_weight x the mean score with the other candidate
# stories) is part of the design, not a tuned value: it is what keeps different events about
# the same people apart (tests/stories/test_stories.py), which the issue requires of a story.
# Left to the grid (ABLATION_GRID: weights 0 and 1), the folds that train on GoogleNews-T,
# whose gold stories are topics ("black friday": turkey sales, Xbox deals and scams are one
# story), choose to turn it off; that choice is reported beside the design's as an ablation.
# Earlier runs also tried exponent -0.5 (the bar of before, rising for short texts), never best
# on the mean, and a cost for a missing date (scored as 3.5 days apart): chosen by the grid, but
# it kept the RT and CNN samples (one story, undated, cosine 0.17) apart, so it was dropped.
# Average link is measured in the "before" row.
DESIGN_BACKGROUND = 1.0
ABLATION_GRID: list[dict[str, object]] = [
    {
        "link": "nearest",
        "join_threshold": threshold,
        "idf_prior_documents": prior,
        "length_exponent": exponent,
        "full_terms": full,
        "background_weight": background,
    }
    # 0.175 and 0.2 were added when the best mean point sat on the grid's edge (0.15).
    for threshold in (0.1, 0.125, 0.15, 0.175, 0.2)
    for prior in (10, 1000)
    for exponent in (0.0, 0.25, 0.5)
    # With exponent 0 every length has one bar, whatever full_terms is.
    for full in ((80,) if exponent == 0.0 else (30, 80))
    for background in (0.0, 1.0)
]
TUNE_GRID = [p for p in ABLATION_GRID if p["background_weight"] == DESIGN_BACKGROUND]
# With --embeddings: the optional MiniLM link (the 'embeddings' extra) as one more dimension of
# the design grid: every TUNE_GRID point once more with the encoder, at each of these blends
# (score = (1 - weight) x TF-IDF score + weight x embedding cosine; the bar blended the same way
# from the TF-IDF bar and embedding_threshold). The other embedding_* settings are the packaged
# ones. Points without the encoder carry "embeddings": False; the ablation rows stay words only.
EMBEDDING_BLENDS: list[dict[str, object]] = [
    {"embedding_weight": weight, "embedding_threshold": threshold}
    for weight in (0.25, 0.5)
    for threshold in (0.4, 0.5)
]
# The settings before issue 8, run beside the chosen ones on every eval part.
BEFORE: dict[str, object] = {
    "background_weight": 0.0,
    "link": "average",
    "join_threshold": 0.15,
    "idf_prior_documents": 1000,
    "length_exponent": -0.5,
    "full_terms": 80,
}
KEYS = tuple(TUNE_GRID[0])


def full_grid(embeddings: bool) -> list[dict[str, object]]:
    """The points every train part is run at: the ablation grid without the encoder, then
    (with ``embeddings``) every design point with the encoder at each blend."""
    grid: list[dict[str, object]] = [{**point, "embeddings": False} for point in ABLATION_GRID]
    if embeddings:
        grid += [
            {**point, "embeddings": True, **blend}
            for point in TUNE_GRID
            for blend in EMBEDDING_BLENDS
        ]
    return grid


def run_point(
    items: Sequence[Item],
    base: StoriesSettings,
    point: dict[str, object],
    encoder: TextEncoder | None,
) -> tuple[list[str], dict[str, float]]:
    """newsprism at one grid point (with the encoder when the point says so)."""
    overrides = {key: value for key, value in point.items() if key != "embeddings"}
    if point.get("embeddings") and encoder is None:
        raise ValueError(f"point {point} needs the encoder")
    return run_newsprism(
        items, settings_with(base, overrides), encoder=encoder if point.get("embeddings") else None
    )


def minilm(data: dict[str, tuple[list[Item], list[Item]]], words: int) -> TextEncoder:
    """all-MiniLM-L6-v2 vectors of every part, computed once and cached under
    bench/results/cache/ (git ignores it), looked up by the text the clusterer embeds."""
    items: list[Item] = []
    vectors: dict[str, np.ndarray] = {}
    for name, parts in data.items():
        for part, part_items in zip(("train", "eval"), parts, strict=True):
            vectors.update(cached_embeddings(part_items, f"loco-{name}-{part}", words))
            items.extend(part_items)
    return LookupEncoder(items, vectors, words)


def corpora() -> dict[str, tuple[list[Item], list[Item]]]:
    """Every corpus as (train part, eval part)."""
    basil = load_basil()
    neus_train = [
        item
        for item in shuffled(load_neus("train"), SEED)
        if int(item.story.split("-")[1]) < NEUS_TRAIN_STORIES
    ]
    news = load_googlenews()
    chosen = set(random.Random(SEED).sample(range(len(news)), len(news) // 2))

    return {
        "basil": (
            [i for i in basil if i.day is not None and i.day.year <= 2014],
            [i for i in basil if i.day is not None and i.day.year >= 2015],
        ),
        "neus": (neus_train, shuffled(load_neus("val"), SEED)),
        "googlenews": (
            [item for number, item in enumerate(news) if number in chosen][
                :GOOGLENEWS_TRAIN_TITLES
            ],
            [item for number, item in enumerate(news) if number not in chosen],
        ),
        "same_week": (load_same_week("train"), load_same_week("eval")),
    }


def undated(items: Sequence[Item]) -> list[Item]:
    """The items without their publication days."""
    return [dataclasses.replace(item, day=None) for item in items]


# The end of a sentence: ., ! or ? (and a closing quote) before white space and a capital or an
# opening quote. Rough, but the same for every article, and only for the excerpt version below.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"\u201d\u2019']?\s+(?=[\"\u201c\u2018A-Z])")


def excerpts(items: Sequence[Item], sentences: int = EXCERPT_SENTENCES) -> list[Item]:
    """The items as a news aggregator shows them: the headline and the body's first
    ``sentences`` sentences, without publication days. The same-week set's train part counts
    this way too, so that every fold is chosen on full articles and on excerpts of them (an
    input of headlines and ledes is as likely as one of full pages)."""
    out = []
    for item in items:
        lede = " ".join(_SENTENCE_END.split(item.text.strip(), maxsplit=sentences)[:sentences])
        out.append(dataclasses.replace(item, text=lede, day=None))
    return out


def evaluate_part(
    label: str,
    items: list[Item],
    base: StoriesSettings,
    choice: dict[str, Any],
    default_point: dict[str, object],
    encoder: TextEncoder | None,
) -> list[dict[str, object]]:
    """Rows for one held-out eval part: newsprism LOCO, the ablation (background weight chosen
    by the fold too), defaults, before issue 8, own-train; the baseline LOCO; newsprism and the
    baseline chosen on F1 and ARI; the baseline oracle (in this order); with the embedding
    dimension, newsprism LOCO chosen among the points without the encoder ("words only") last."""
    gold = [i.story for i in items]

    def newsprism(system: str, tuning: str, point: dict[str, object]) -> dict[str, object]:
        labels, stats = run_point(items, base, point, encoder)
        return {
            "corpus": label,
            "system": system,
            "tuning": tuning,
            **scores(gold, labels),
            **stats,
        }

    rows = [
        newsprism("newsprism LOCO", "untuned", choice["newsprism"]),
        newsprism("ablation: background chosen too", "untuned", choice["ablation"]),
        newsprism("newsprism defaults", "untuned (eval part)", default_point),
        newsprism("newsprism before issue 8", "BASIL-tuned", {**BEFORE, "embeddings": False}),
        newsprism("newsprism own-train", "tuned (own train)", choice["own_train_point"]),
    ]
    tree = baseline_tree(items)
    threshold = choice["baseline_threshold"]
    rows.append(
        {
            "corpus": label,
            "system": f"baseline LOCO @{threshold}",
            "tuning": "untuned",
            **scores(gold, baseline_labels(tree, threshold)),
        }
    )
    rows.append(
        newsprism("newsprism LOCO chosen on F1 and ARI", "untuned", choice["newsprism_both"])
    )
    threshold_both = choice["baseline_threshold_both"]
    rows.append(
        {
            "corpus": label,
            "system": f"baseline LOCO chosen on F1 and ARI @{threshold_both}",
            "tuning": "untuned",
            **scores(gold, baseline_labels(tree, threshold_both)),
        }
    )
    oracle, oracle_scores = max(
        ((t, scores(gold, baseline_labels(tree, t))) for t in GRID),
        key=lambda pair: pair[1]["bcubed_f1"],
    )
    rows.append(
        {
            "corpus": label,
            "system": f"baseline oracle @{oracle}",
            "tuning": "tuned (eval)",
            **oracle_scores,
        }
    )
    if "words_only" in choice:
        rows.append(newsprism("newsprism LOCO, words only", "untuned", choice["words_only"]))
    return rows


def objective(row: dict[str, dict[str, float]], names: Sequence[str], kind: str) -> float:
    """The mean over ``names`` of B-cubed F1 and ARI ("both") or of F1 alone ("f1")."""
    metrics = ("bcubed_f1", "ari") if kind == "both" else ("bcubed_f1",)
    return float(np.mean([row[name][metric] for name in names for metric in metrics]))


def ranked(
    rows: Sequence[dict[str, dict[str, float]]],
    names: Sequence[str],
    kind: str = "f1",
    among: Sequence[int] | None = None,
) -> list[tuple[float, int]]:
    """(objective, row index) of the rows numbered ``among`` (all when ``None``), best first,
    first in grid order on ties."""
    numbers = list(range(len(rows))) if among is None else list(among)
    values = [(objective(rows[n], names, kind), n) for n in numbers]
    return sorted(values, key=lambda pair: (-pair[0], pair[1]))


def best(
    rows: Sequence[dict[str, dict[str, float]]],
    names: Sequence[str],
    kind: str = "f1",
    among: Sequence[int] | None = None,
) -> int:
    """The index of the row with the best mean objective over ``names`` (first on ties)."""
    return ranked(rows, names, kind, among)[0][1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--embeddings",
        action="store_true",
        help="Add the MiniLM embedding link as a grid dimension (the 'embeddings' extra; "
        "vectors cached under bench/results/cache/).",
    )
    args = parser.parse_args()
    base = load_settings().stories
    data = corpora()
    names = list(data)
    started = time.perf_counter()
    encoder: TextEncoder | None = None
    if args.embeddings:
        try:
            encoder = minilm(data, base.embedding_words)
        except ConfigError as exc:
            print(f"--embeddings: {exc.message}", file=sys.stderr)
            return 2
    points = full_grid(args.embeddings)
    # Every grid point on every train part (each run once; folds only choose among them). The
    # same-week train part counts with its dates and without them (the mean of each metric):
    # inputs come both ways, and it is the one corpus of full articles where a missing date can
    # be measured.
    versions = {name: [data[name][0]] for name in names}
    versions["same_week"].append(undated(data["same_week"][0]))
    versions["same_week"].append(excerpts(data["same_week"][0]))
    grid_scores: list[dict[str, dict[str, float]]] = []
    for point in points:
        row: dict[str, dict[str, float]] = {}
        for name in names:
            found = []
            for train in versions[name]:
                labels, _ = run_point(train, base, point, encoder)
                found.append(scores([i.story for i in train], labels))
            row[name] = {
                metric: round(float(np.mean([f[metric] for f in found])), 4)
                for metric in ("bcubed_f1", "ari")
            }
        grid_scores.append(row)
        print({**point, **row}, flush=True)
    baseline_scores: list[dict[str, dict[str, float]]] = [{} for _ in GRID]
    for name in names:
        # Every version of a train part, averaged as for newsprism (the baseline reads no dates,
        # so the same-week part with and without them scores the same).
        found_by_threshold: list[list[dict[str, float]]] = [[] for _ in GRID]
        for train in versions[name]:
            tree = baseline_tree(train)
            gold = [i.story for i in train]
            for number, threshold in enumerate(GRID):
                found_by_threshold[number].append(scores(gold, baseline_labels(tree, threshold)))
            del tree
        for number, found in enumerate(found_by_threshold):
            baseline_scores[number][name] = {
                m: round(float(np.mean([f[m] for f in found])), 4) for m in ("bcubed_f1", "ari")
            }
    # The design's points (background weight fixed), with and without the encoder; the
    # packaged defaults are chosen among those without it (what every install can run).
    design = [n for n, p in enumerate(points) if p["background_weight"] == DESIGN_BACKGROUND]
    words = [n for n in design if not points[n]["embeddings"]]
    default_ranking = ranked(grid_scores, names, among=words)
    default_point = points[default_ranking[0][1]]
    margin = round(default_ranking[0][0] - default_ranking[1][0], 5)
    runner_up = points[default_ranking[1][1]]
    # With the embedding dimension: the point the same rule chooses among all design points.
    embedded_default = points[best(grid_scores, names, among=design)] if encoder else None
    rows: list[dict[str, object]] = []
    folds: dict[str, dict[str, object]] = {}
    failures: list[str] = []
    # The held-out figures: each corpus's eval part, and the same-week eval part once more
    # with its dates dropped (articles whose dates were never read), under that fold's choices.
    held_out = [(name, name, data[name][1]) for name in names]
    held_out.append(("same_week undated", "same_week", undated(data["same_week"][1])))
    held_out.append(("same_week excerpts", "same_week", excerpts(data["same_week"][1])))
    for label, fold, items in held_out:
        others = [other for other in names if other != fold]
        ablation = [n for n in range(len(points)) if not points[n]["embeddings"]]
        choice: dict[str, Any] = {
            "trained_on": others,
            "newsprism": points[best(grid_scores, others, among=design)],
            "ablation": points[best(grid_scores, others, among=ablation)],
            "baseline_threshold": GRID[best(baseline_scores, others)],
            "newsprism_both": points[best(grid_scores, others, "both", design)],
            "baseline_threshold_both": GRID[best(baseline_scores, others, "both")],
            "own_train_point": points[best(grid_scores, [fold], among=design)],
        }
        if encoder is not None:
            choice["words_only"] = points[best(grid_scores, others, among=words)]
        folds.setdefault(fold, choice)
        part_rows = evaluate_part(label, items, base, choice, default_point, encoder)
        rows.extend(part_rows)
        # The gate: newsprism LOCO (and, with the embedding dimension, LOCO words only, what
        # an install without the extra runs) ahead of the baseline LOCO on F1 and ARI.
        gated = [part_rows[0]] + ([part_rows[-1]] if encoder is not None else [])
        baseline = part_rows[5]
        for loco in gated:
            for metric in ("bcubed_f1", "ari"):
                if float(loco[metric]) <= float(baseline[metric]):  # type: ignore[arg-type]
                    failures.append(
                        f"{label}: {loco['system']} {metric} {loco[metric]} not ahead of the "
                        f"baseline's {baseline[metric]}"
                    )
    basil_all = load_basil()
    labels, stats = run_point(basil_all, base, default_point, encoder)
    basil_scores = scores([i.story for i in basil_all], labels)
    rows.append(
        {
            "corpus": "basil (all 300)",
            "system": "newsprism defaults",
            "tuning": "train years seen",
            **basil_scores,
            **stats,
        }
    )
    # The defaults the mean of F1 and ARI would choose (reported, not used; see the docstring).
    both_point = points[best(grid_scores, names, "both", words)]
    labels, stats = run_point(basil_all, base, both_point, encoder)
    rows.append(
        {
            "corpus": "basil (all 300)",
            "system": "defaults chosen on F1 and ARI",
            "tuning": "train years seen",
            **scores([i.story for i in basil_all], labels),
            **stats,
        }
    )
    if embedded_default is not None:
        labels, stats = run_point(basil_all, base, embedded_default, encoder)
        rows.append(
            {
                "corpus": "basil (all 300)",
                "system": "defaults with the embedding dimension",
                "tuning": "train years seen",
                **scores([i.story for i in basil_all], labels),
                **stats,
            }
        )
    if basil_scores["bcubed_f1"] < BASIL_FLOOR:
        failures.append(f"BASIL all: defaults F1 {basil_scores['bcubed_f1']} < {BASIL_FLOOR}")
    packaged: dict[str, object] = {key: getattr(base, key) for key in KEYS}
    packaged["embeddings"] = False
    if packaged != default_point:
        failures.append(f"packaged defaults {packaged} are not the chosen point {default_point}")
    columns = [
        "corpus",
        "system",
        "tuning",
        "bcubed_precision",
        "bcubed_recall",
        "bcubed_f1",
        "ari",
        "clusters",
    ]
    print(table(rows, columns))
    print(f"defaults (best mean F1 over all train parts): {default_point}")
    print(f"  ahead of the runner-up {runner_up} by {margin}")
    print(f"defaults chosen on F1 and ARI (reported, not used): {both_point}")
    if embedded_default is not None:
        print(f"defaults with the embedding dimension: {embedded_default}")
    for name, fold in folds.items():
        print(f"fold {name}: {fold}")
    payload = {
        "benchmark": "stories_loco",
        "objective": "mean B-cubed F1 over the other corpora's train parts",
        "grid": [{**p, **r} for p, r in zip(points, grid_scores, strict=True)],
        "baseline_grid": [
            {"threshold": t, **r} for t, r in zip(GRID, baseline_scores, strict=True)
        ],
        "defaults": default_point,
        "defaults_margin": {"runner_up": runner_up, "margin": margin},
        "defaults_chosen_on_f1_and_ari": both_point,
        "defaults_with_embeddings": embedded_default,
        "embedding_blends": EMBEDDING_BLENDS if encoder is not None else [],
        "packaged": packaged,
        "folds": folds,
        "rows": rows,
        "seconds": round(time.perf_counter() - started, 1),
        "failures": failures,
    }
    return finish("stories_loco", payload, failures)


if __name__ == "__main__":
    sys.exit(main())
