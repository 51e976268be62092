"""Benchmark: shared facts and contradictions on BASIL stories (newsprism.compare).

BASIL (../shared/benchdata/basil; Fan et al., EMNLP 2019): 100 events, each covered by Fox News,
the New York Times and HuffPost, full articles. Every event is compared as one story, in the same
run with

* newsprism: the packaged settings (claims, phrases, frame words; data/defaults.toml);
* before: the aligner's settings before they were chosen by hand-judged precision (a match
  needing one shared concept besides names), run on the same code path.

Measured per run: the share of body statements matched to a statement of another outlet (the
rest are listed as "only X reports"), contradictions per story, and, hand-judged, the precision
of matched facts and of contradictions. The samples are drawn by seed (SEED) from the run's
pairs and contradictions (the items whose keys hash lowest with the seed, so a sample keeps its
members when a change adds or drops other pairs); judgements are kept in
bench/compare_basil_judgements.tsv (key, 1 =
the two sentences state the same fact / the two values disagree about the same thing, 0 = not,
note). ``--print-sample`` prints the sample with its judgements ("?" = not yet judged).

    .venv/bin/python bench/compare_basil.py [--limit N] [--print-sample] [--no-cache]

Writes bench/results/compare_basil.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from basil import load_items
from compare_common import REPO, analysed
from newsprism.compare import compare, load_compare_rules
from newsprism.config import load_settings
from newsprism.model import AlignedPair, Article, Contradiction, StoryComparison

T = TypeVar("T")
RESULTS = REPO / "bench" / "results" / "compare_basil.json"
JUDGEMENTS = REPO / "bench" / "compare_basil_judgements.tsv"
SEED = 17
# Contradiction kinds, each with the [quantities] flag that turns it on (numbers and ages
# always are).
KINDS = {"number": "", "date": "dates", "agent": "agents", "age": ""}
PAIR_SAMPLE = 40
CONTRADICTION_SAMPLE = 30
# The aligner's settings before they were chosen by hand-judged precision (the defaults from
# 2026-12-02 to 2026-12-07: claims and phrases, a match needing one shared concept).
BEFORE: dict[str, float | str] = {"overlap": "jaccard", "align_threshold": 0.15,
                                  "min_shared_words": 1, "claim_min_shared_words": 1,
                                  "phrase_min_shared_words": 1, "claim_threshold": 0.25,
                                  "embedding_min_shared_words": 1}


def load_events(limit: int | None) -> dict[str, list[Article]]:
    """BASIL events in file order (the first ``limit`` only): their three articles."""
    events: dict[str, list[Article]] = {}
    for item in load_items():
        if item.event not in events and limit is not None and len(events) >= limit:
            continue
        events.setdefault(item.event, []).append(item.article)
    return events


def pair_key(pair: AlignedPair) -> str:
    a, b = sorted(((pair.left.article, pair.left.start), (pair.right.article, pair.right.start)))
    return f"pair:{a[0]}@{a[1]}|{b[0]}@{b[1]}"


def contradiction_key(item: Contradiction) -> str:
    a, b = sorted(((item.left.article, item.left.start), (item.right.article, item.right.start)))
    return f"contradiction:{a[0]}@{a[1]}|{b[0]}@{b[1]}"


def seeded_sample(items: Sequence[T], key: Callable[[T], str], size: int, seed: int) -> list[T]:
    """The ``size`` items whose keys hash lowest with ``seed``: a random sample that keeps its
    members when the run adds or drops other items (so judgements stay in use)."""
    def rank(item: T) -> str:
        return hashlib.sha256(f"{seed}:{key(item)}".encode()).hexdigest()
    unique = {key(item): item for item in items}
    return sorted(unique.values(), key=rank)[:size]


def load_judgements() -> dict[str, int]:
    if not JUDGEMENTS.exists():
        return {}
    judged = {}
    for line in JUDGEMENTS.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, label, *_ = line.split("\t")
            judged[key] = int(label)
    return judged


def coverage(comparisons: Sequence[StoryComparison]) -> dict[str, float]:
    """Share of statements matched, facts and contradictions per story."""
    statements = matched = contradictions = 0
    for comparison in comparisons:
        for fact in comparison.facts:
            statements += len(fact.statements)
            if len(fact.outlets) >= 2:
                matched += len(fact.statements)
        contradictions += len(comparison.contradictions)
    stories = max(len(comparisons), 1)
    return {
        "statements": statements,
        "matched_share": matched / statements if statements else 0.0,
        "only_share": 1 - matched / statements if statements else 0.0,
        "contradictions_per_story": contradictions / stories,
        "contradictions": contradictions,
    }


def precision(keys: Sequence[str], judged: dict[str, int]) -> tuple[float | None, int]:
    labels = [judged[k] for k in keys if k in judged]
    return (sum(labels) / len(labels) if labels else None), len(labels)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="read only the first N events")
    parser.add_argument("--print-sample", action="store_true")
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args(argv)
    events = load_events(args.limit)
    articles = [a for items in events.values() for a in items]
    started = time.perf_counter()
    results = {r.article.id: r for r in analysed(articles, name=f"basil-{len(events)}",
                                                 cache=not args.no_cache)}
    analysis_seconds = time.perf_counter() - started
    rules = load_compare_rules()
    settings = load_settings().compare
    before = dataclasses.replace(settings, **BEFORE)
    runs: dict[str, list[StoryComparison]] = {}
    seconds = {}
    # Contradictions of every kind are read (dates and named agents whether or not the packaged
    # rules turn them on), each kind sampled and judged on its own.
    every_kind = dataclasses.replace(rules, quantities=dataclasses.replace(
        rules.quantities, dates=True, agents=True))
    for name, chosen in (("newsprism", settings), ("before", before)):
        started = time.perf_counter()
        runs[name] = [compare([results[a.id] for a in items], settings=chosen,
                              rules=every_kind if name == "newsprism" else rules)
                      for items in events.values()]
        seconds[name] = time.perf_counter() - started
    judged = load_judgements()
    pairs = [p for c in runs["newsprism"] for f in c.facts for p in f.pairs]
    pair_sample = seeded_sample(pairs, pair_key, PAIR_SAMPLE, SEED)
    found = [x for c in runs["newsprism"] for x in c.contradictions]
    contradiction_sample = []
    kind_precision: dict[str, tuple[float | None, int, int]] = {}
    for kind in KINDS:
        of_kind = [x for x in found if x.kind == kind]
        drawn = seeded_sample(of_kind, contradiction_key, CONTRADICTION_SAMPLE, SEED)
        contradiction_sample.extend(drawn)
        p, n = precision([contradiction_key(x) for x in drawn], judged)
        kind_precision[kind] = (p, n, len(of_kind))
    pair_precision, pairs_judged = precision([pair_key(p) for p in pair_sample], judged)
    c_precision, c_judged = precision(
        [contradiction_key(x) for x in contradiction_sample
         if not KINDS[x.kind] or getattr(rules.quantities, KINDS[x.kind])], judged)
    before_pairs = [p for c in runs["before"] for f in c.facts for p in f.pairs]
    before_sample = seeded_sample(before_pairs, pair_key, PAIR_SAMPLE, SEED)
    before_precision, before_judged = precision([pair_key(p) for p in before_sample], judged)
    if args.print_sample:
        for pair in [*pair_sample, *before_sample]:
            key = pair_key(pair)
            print(f"\n[{judged.get(key, '?')}] {key}  score {pair.score:.2f}  shared: "
                  f"{', '.join(pair.shared)}")
            print(f"   A: {pair.left.text}")
            print(f"   B: {pair.right.text}")
        for item in contradiction_sample:
            key = contradiction_key(item)
            print(f"\n[{judged.get(key, '?')}] {key}  {item.kind}: {item.differs}")
            print(f"   A ({item.left.text}): {item.left_statement.text}")
            print(f"   B ({item.right.text}): {item.right_statement.text}")
    report: dict[str, object] = {
        "stories": len(events), "articles": len(articles),
        "settings": dataclasses.asdict(settings),
        "seconds": {"analysis": analysis_seconds, **seconds},
    }
    print(f"\nBASIL: {len(events)} stories, {len(articles)} articles; analysis "
          f"{analysis_seconds:.0f} s")
    print(f"{'aligner':<11} {'statements':>10} {'matched':>8} {'only X':>7} "
          f"{'contra/story':>12} {'pairs hand P':>14} {'contra hand P':>14}")
    for name in ("newsprism", "before"):
        row = coverage(runs[name])
        p, n = (pair_precision, pairs_judged) if name == "newsprism" else (
            before_precision, before_judged)
        shown_p = f"{p:.3f} ({n})" if p is not None else "not judged"
        shown_c = (f"{c_precision:.3f} ({c_judged})" if name == "newsprism"
                   and c_precision is not None else "-")
        print(f"{name:<11} {row['statements']:>10.0f} {row['matched_share']:>8.3f} "
              f"{row['only_share']:>7.3f} {row['contradictions_per_story']:>12.2f} "
              f"{shown_p:>14} {shown_c:>14}")
        report[name] = {**row, "pair_precision": p, "pairs_judged": n}
    report["contradiction_precision"] = c_precision
    report["contradictions_judged"] = c_judged
    report["contradictions_by_kind"] = {
        kind: {"found": n_found, "hand_precision": p, "judged": n}
        for kind, (p, n, n_found) in kind_precision.items()}
    print("contradictions by kind (all kinds read; hand P of a seeded sample of each): "
          + ", ".join(f"{kind} {n_found} found, P "
                      + (f"{p:.3f} ({n})" if p is not None else "not judged")
                      for kind, (p, n, n_found) in kind_precision.items()))
    report["unjudged"] = [k for k in (*(pair_key(p) for p in pair_sample),
                                      *(pair_key(p) for p in before_sample),
                                      *(contradiction_key(x) for x in contradiction_sample))
                          if k not in judged]
    print(f"(hand precision: seeded samples of {PAIR_SAMPLE} pairs per aligner and "
          f"{CONTRADICTION_SAMPLE} contradictions, judgements in {JUDGEMENTS.name}; "
          f"{len(report['unjudged'])} not yet judged)")  # type: ignore[arg-type]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    temporary = RESULTS.with_suffix(".tmp")
    temporary.write_text(json.dumps(report, indent=1), "utf-8")
    temporary.replace(RESULTS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
