"""Benchmark: how much of BASIL's lexical bias about an article's main entities the analysis
stage's descriptors and attribution cues cover.

BASIL (../shared/benchdata/basil; Fan et al., EMNLP 2019) marks, in 300 articles, phrases whose
wording colours how a target is seen ("embattled", "fierce", "dangled"). Each lexical-bias span
whose target is one of the article's main entities is mapped into the article body (the
paragraphs' sentences joined as the article JSON gives them), and counts as covered when it
overlaps:

* a descriptor (premodifier, appositive, relative clause, predicate) of the entity that matches
  the target ("descriptors, target"), or one of its roles too ("+ roles"), or the cue of an
  attribution whose source resolves to it ("+ cues", the "claimed" in "X claimed");
* any descriptor, role or cue of any entity ("any entity"): an upper bound that ignores who the
  phrase is about.

The alternative run in the same pass is what a user would reach for without these rules: the
spaCy noun chunk around every mention of the target, plus the chunk's appositive ("noun chunks").
Each method's share of body characters it marks is reported beside its recall, since marking
everything would cover everything.

A seeded random sample of extracted descriptors is printed with their entity and sentence for a
hand check of precision.

    .venv/bin/python bench/descriptors.py [--limit N] [--sample N] [--seed N]

Writes bench/results/descriptors.json; exits 1 when a full run's recall falls below its pinned
floor (FLOORS).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from basil import BiasSpan, load_items
from newsprism.analyze import analyze, load_analyze_rules
from newsprism.analyze.nlp import load_model
from newsprism.config import load_settings
from newsprism.model import AnalyzedArticle, Entity

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "descriptors.json"

# Regression floor for the full run (all 300 articles): 0.079 measured 2026-12-02 with the
# packaged attribution model (0.048 with rules alone), less a margin.
FLOORS = {"recall.descriptors_roles_cues": 0.075}
# The developers' hand judgement of the seed-13 sample (precision of the descriptors).
HAND_CHECK = REPO / "bench" / "descriptors_precision.json"
SAMPLE_SIZE = 50
SEED = 13


def matches(entity: Entity, target: str) -> bool:
    """Whether an entity is the annotated target: same name, or a person's same surname."""
    name = entity.name.lower().removeprefix("the ")
    wanted = target.lower().removeprefix("the ")
    if name == wanted:
        return True
    return entity.label == "PERSON" and name.split()[-1] == wanted.split()[-1]


def marked_ranges(
    result: AnalyzedArticle, target: str | None, *, roles: bool, cues: bool
) -> list[tuple[int, int]]:
    """Character ranges the analysis marks about ``target`` (any entity when ``None``)."""
    ranges = []
    wanted = {e.id for e in result.entities if target is None or matches(e, target)}
    for entity in result.entities:
        if entity.id not in wanted:
            continue
        ranges.extend((d.start, d.end) for d in entity.descriptors)
        if roles:
            ranges.extend((r.start, r.end) for r in entity.roles)
    if cues:
        ranges.extend(
            (a.cue.start, a.cue.end)
            for a in result.attributions
            if target is None or a.entity in wanted
        )
    return ranges


def noun_chunk_ranges(
    doc: Any, result: AnalyzedArticle, target: str | None
) -> list[tuple[int, int]]:
    """The alternative: the spaCy noun chunk around each mention of the target, and its
    appositive."""
    ranges = []
    wanted = [e for e in result.entities if target is None or matches(e, target)]
    starts = {m.start for e in wanted for m in e.mentions if m.kind == "name"}
    for chunk in doc.noun_chunks:
        if any(chunk.start_char <= s < chunk.end_char for s in starts):
            ranges.append((chunk.start_char, chunk.end_char))
            for child in chunk.root.rights:
                if child.dep_ == "appos":
                    ranges.append(
                        (child.left_edge.idx, child.right_edge.idx + len(child.right_edge))
                    )
    return ranges


def covered(span: BiasSpan, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(start < span.end and span.start < end for start, end in ranges)


def marked_share(ranges: Sequence[tuple[int, int]], length: int) -> int:
    """Number of body characters inside any of the ranges."""
    chars: set[int] = set()
    for start, end in ranges:
        chars.update(range(start, end))
    return len(chars)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="read only the first N articles")
    parser.add_argument("--sample", type=int, default=SAMPLE_SIZE, help="descriptors to print")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    items = load_items(args.limit)
    model = load_model()
    settings = load_settings().analyze
    rules = load_analyze_rules()
    started = time.perf_counter()
    results = list(analyze((i.article for i in items), model=model, settings=settings, rules=rules))
    elapsed = time.perf_counter() - started
    docs = list(model.nlp.pipe((i.article.body for i in items), batch_size=settings.batch_size))

    methods = {
        "descriptors, target": dict(roles=False, cues=False),
        "descriptors+roles, target": dict(roles=True, cues=False),
        "descriptors+roles+cues, target": dict(roles=True, cues=True),
    }
    hits = {name: 0 for name in [*methods, "any entity (upper bound)", "noun chunks, target"]}
    chars = {name: 0 for name in hits}
    total_chars = sum(len(i.article.body) for i in items)
    spans = 0
    unmatched_targets = 0
    missed: list[dict[str, str]] = []
    for item, result, doc in zip(items, results, docs, strict=True):
        for main_entity in item.main_entities:
            for name, options in methods.items():
                chars[name] += marked_share(marked_ranges(result, main_entity, **options), 0)
            chars["noun chunks, target"] += marked_share(
                noun_chunk_ranges(doc, result, main_entity), 0
            )
        chars["any entity (upper bound)"] += marked_share(
            marked_ranges(result, None, roles=True, cues=True), 0
        )
        for span in item.spans:
            spans += 1
            if not any(matches(e, span.target) for e in result.entities):
                unmatched_targets += 1
            for name, options in methods.items():
                hits[name] += covered(span, marked_ranges(result, span.target, **options))
            hits["any entity (upper bound)"] += covered(
                span, marked_ranges(result, None, roles=True, cues=True)
            )
            hits["noun chunks, target"] += covered(
                span, noun_chunk_ranges(doc, result, span.target)
            )
            if not covered(span, marked_ranges(result, None, roles=True, cues=True)):
                missed.append(
                    {"article": item.article.id, "target": span.target, "text": span.text}
                )

    rows = [
        {
            "method": name,
            "covered": hits[name],
            "recall": hits[name] / spans if spans else 0.0,
            "chars_marked_share": chars[name] / total_chars if total_chars else 0.0,
        }
        for name in hits
    ]
    print(
        f"BASIL: {len(items)} articles, {spans} lexical-bias spans on main entities"
        f" ({unmatched_targets} whose target no entity matched); analysis {elapsed:.1f}s"
    )
    print(f"{'method':34} {'covered':>8} {'recall':>7} {'chars marked':>13}")
    for row in rows:
        share = row["chars_marked_share"]
        print(f"{row['method']:34} {row['covered']:8d} {row['recall']:7.3f} {share:13.3f}")

    rng = random.Random(args.seed)
    pool = [
        (result, entity, descriptor)
        for result in results
        for entity in result.entities
        for descriptor in entity.descriptors
    ]
    sample = rng.sample(pool, min(args.sample, len(pool)))
    printed = []
    print(f"\nRandom sample of {len(sample)} of {len(pool)} descriptors (seed {args.seed}):")
    for number, (result, entity, descriptor) in enumerate(sample, start=1):
        body = result.article.body
        left = body.rfind("\n", 0, descriptor.start) + 1
        right = body.find("\n", descriptor.end)
        context = body[
            max(left, descriptor.start - 90) : min(
                right if right >= 0 else len(body), descriptor.end + 60
            )
        ]
        label = f"[{entity.name} | {entity.label}] {descriptor.kind.value}"
        print(f"{number:3d}. {label}: {descriptor.text!r}")
        print(f"      … {context.replace(chr(10), ' ')} …")
        printed.append(
            {
                "article": result.article.id,
                "entity": entity.name,
                "label": entity.label,
                "kind": descriptor.kind.value,
                "text": descriptor.text,
                "context": context,
            }
        )

    summary: dict[str, Any] = {
        "articles": len(items),
        "spans": spans,
        "unmatched_targets": unmatched_targets,
        "descriptors": len(pool),
        "seconds": elapsed,
        "rows": rows,
        "sample": printed,
        "missed_examples": missed[:100],
        "limit": args.limit,
    }
    judged = json.loads(HAND_CHECK.read_text("utf-8"))
    print(
        f"hand-checked precision of the seed-{judged['seed']} sample: {judged['precision']:.2f}"
        f" ({judged['correct']} of {judged['judged']}; {HAND_CHECK.name})"
    )
    summary["hand_checked_precision"] = judged["precision"]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    temporary = RESULTS.with_suffix(".tmp")
    temporary.write_text(json.dumps(summary, indent=1, ensure_ascii=False), "utf-8")
    temporary.replace(RESULTS)
    if args.limit is None:
        recall = {row["method"]: row["recall"] for row in rows}
        floor = FLOORS["recall.descriptors_roles_cues"]
        if recall["descriptors+roles+cues, target"] < floor:
            print(
                f"FAIL: recall {recall['descriptors+roles+cues, target']:.3f} below floor {floor}"
            )
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
