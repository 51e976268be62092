"""Benchmark: how much of BASIL's lexical bias about main entities the comparison surfaces as a
descriptor or reporting-verb difference between outlets.

BASIL (../shared/benchdata/basil; Fan et al., EMNLP 2019): 100 events, each covered by Fox
News, the New York Times and HuffPost, with phrase-level bias spans. For each event the three
articles are analysed and compared as one story (outlets "fox", "nyt", "hpo"). A lexical-bias
span whose target is one of the article's main entities counts as surfaced when it overlaps

* "descriptor contrast": a descriptor or role the report shows for that entity, which contains
  a word no other outlet uses for it (EntityPortrait.only), or
* "marked verb": the cue of a marked reporting verb in a verb finding (the "slammed" in
  "X slammed").

Two alternatives run in the same pass: "analysis, no contrast" (any descriptor, role or marked
cue of the target the analysis found, whether or not it differs between outlets: the upper bound
of the contrast rule) and "word diff" (what a user would otherwise do: mark every word in the
target's sentences that no other outlet's article uses). Each method's share of body characters
marked is reported beside its recall, since marking everything would surface everything.

    .venv/bin/python bench/compare_descriptors.py [--limit EVENTS] [--no-cache]

Writes bench/results/compare_descriptors.json; a full run exits 1 below the pinned FLOORS.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence

from basil import BiasSpan, load_items
from compare_common import REPO, analysed
from newsprism.compare import compare, load_compare_rules
from newsprism.compare.text import content_words
from newsprism.config import load_settings
from newsprism.model import (
    AnalyzedArticle,
    Article,
    Entity,
    StoryComparison,
)

RESULTS = REPO / "bench" / "results" / "compare_descriptors.json"
# Floors for a full run (100 events); measured 2026-12-02: surfaced 0.050 (analysis upper
# bound 0.056, word diff 0.421 marking 6.5x the characters).
FLOORS = {"surfaced": 0.04}
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")


def load_events(limit: int | None) -> dict[str, tuple[list[Article], list[BiasSpan]]]:
    """BASIL events (the first ``limit`` only, when given): the three articles and the
    lexical-bias spans on main entities."""
    events: dict[str, tuple[list[Article], list[BiasSpan]]] = {}
    for item in load_items():
        if item.event not in events and limit is not None and len(events) >= limit:
            continue
        articles, spans = events.setdefault(item.event, ([], []))
        articles.append(item.article)
        spans.extend(item.spans)
    return events


def matches(name: str, label: str, target: str) -> bool:
    """An entity is the target: same name, or a person's same surname."""
    name, wanted = name.lower().removeprefix("the "), target.lower().removeprefix("the ")
    return name == wanted or (label == "PERSON" and name.split()[-1] == wanted.split()[-1])


def contrast_ranges(comparison: StoryComparison, target: str) -> dict[str, list[tuple[int, int]]]:
    """Per article, the ranges the report shows as a difference about ``target``."""
    ranges: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for portrait in comparison.portraits:
        if not matches(portrait.name, "PERSON", target):
            continue
        only = {item.outlet: {w.lower() for w in item.words} for item in portrait.only}
        for use in portrait.uses:
            words = {w.lower() for w in _WORD.findall(use.evidence.text)}
            if words & only.get(use.outlet, set()):
                ranges[use.evidence.article].append((use.evidence.start, use.evidence.end))
    for voice in comparison.voices:
        if not matches(voice.speaker, "PERSON", target):
            continue
        for verb in voice.verbs:
            if verb.class_ == "marked":
                ranges[verb.cue.article].append((verb.cue.start, verb.cue.end))
    return ranges


def analysis_ranges(result: AnalyzedArticle, target: str) -> list[tuple[int, int]]:
    """Every descriptor, role and marked cue of the target (no cross-outlet contrast)."""
    wanted: list[Entity] = [e for e in result.entities if matches(e.name, e.label, target)]
    ids = {e.id for e in wanted}
    ranges = [(d.start, d.end) for e in wanted for d in e.descriptors]
    ranges += [(r.start, r.end) for e in wanted for r in e.roles]
    ranges += [(a.cue.start, a.cue.end) for a in result.attributions
               if a.entity in ids and a.cue.class_ == "marked"]
    return ranges


def diff_ranges(
    result: AnalyzedArticle, others: Sequence[AnalyzedArticle], target: str
) -> list[tuple[int, int]]:
    """The word diff: words of the target's sentences that no other outlet's article uses."""
    vocabulary = {w for other in others for w in content_words(other.article.body)}
    body = result.article.body
    wanted = [e for e in result.entities if matches(e.name, e.label, target)]
    starts = sorted({m.start for e in wanted for m in e.mentions})
    ranges = []
    for sentence in re.finditer(r"[^.!?]+[.!?]*", body):
        if not any(sentence.start() <= s < sentence.end() for s in starts):
            continue
        for word in _WORD.finditer(sentence.group()):
            stems = content_words(word.group())
            if stems and stems[0] not in vocabulary:
                ranges.append((sentence.start() + word.start(), sentence.start() + word.end()))
    return ranges


def overlaps(span: BiasSpan, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(start < span.end and span.start < end for start, end in ranges)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="read only the first N events")
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args(argv)
    events = load_events(args.limit)
    articles = [a for items, _ in events.values() for a in items]
    results = {r.article.id: r for r in analysed(articles, name=f"basil-{len(events)}",
                                                 cache=not args.no_cache)}
    rules, settings = load_compare_rules(), load_settings().compare
    counts = {"contrast": 0, "analysis": 0, "diff": 0}
    marked = {"contrast": 0, "analysis": 0, "diff": 0}
    total_spans = total_chars = 0
    started = time.perf_counter()
    examples: list[dict[str, str]] = []
    for items, spans in events.values():
        story = [results[a.id] for a in items]
        comparison = compare(story, settings=settings, rules=rules)
        total_chars += sum(len(a.body) for a in items)
        targets = {s.target for s in spans}
        per_method: dict[str, dict[str, list[tuple[int, int]]]] = {
            "contrast": defaultdict(list), "analysis": defaultdict(list), "diff": defaultdict(list)
        }
        for target in targets:
            for article, found in contrast_ranges(comparison, target).items():
                per_method["contrast"][(article + "\t" + target)].extend(found)
            for result in story:
                key = result.article.id + "\t" + target
                per_method["analysis"][key] = analysis_ranges(result, target)
                others = [r for r in story if r is not result]
                per_method["diff"][key] = diff_ranges(result, others, target)
        for method, by_key in per_method.items():
            chars: dict[str, set[int]] = defaultdict(set)
            for key, found in by_key.items():
                for start, end in found:
                    chars[key.split("\t")[0]].update(range(start, end))
            marked[method] += sum(len(c) for c in chars.values())
        for span in spans:
            total_spans += 1
            key = span.article + "\t" + span.target
            for method in counts:
                hit = overlaps(span, per_method[method].get(key, []))
                counts[method] += hit
                if method == "contrast" and hit and len(examples) < 12:
                    examples.append({"article": span.article, "target": span.target,
                                     "span": span.text})
    seconds = time.perf_counter() - started
    print(f"BASIL: {len(events)} events, {total_spans} lexical-bias spans on main entities; "
          f"compare {seconds:.1f} s")
    print(f"{'method':<34} {'surfaced':>8} {'chars marked':>12}")
    names = {"contrast": "newsprism report (contrast)", "analysis": "analysis, no contrast",
             "diff": "word diff (baseline)"}
    for method in counts:
        share = counts[method] / total_spans if total_spans else 0.0
        print(f"{names[method]:<34} {share:>8.3f} {marked[method] / max(total_chars, 1):>12.3f}")
    print("surfaced, e.g.: " + "; ".join(f"{e['target']}: “{e['span']}”" for e in examples[:6]))
    report = {
        "events": len(events), "spans": total_spans, "seconds_compare": seconds,
        "surfaced": {m: counts[m] / max(total_spans, 1) for m in counts},
        "chars_marked": {m: marked[m] / max(total_chars, 1) for m in marked},
        "examples": examples,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=1), "utf-8")
    if args.limit is None and report["surfaced"]["contrast"] < FLOORS["surfaced"]:
        print("below floor: surfaced", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
