"""Benchmark: throughput of the whole analyze stage against bare spaCy over the same texts.

The baseline is what any spaCy user pays anyway: ``nlp.pipe`` of the same model over the same
article bodies, in the same run, on one core. newsprism's ``analyze`` parses with that same
``nlp.pipe`` and then finds entities, attributions (rules and the packaged tagger) and time
expressions; the ratio of the two times is what the analysis adds. Three analyses run: the
analysis with the transformer encoder tagger (onnxruntime on one thread), the one with the
perceptron (``--fast``) and the rules alone; which of the two taggers is the default is
``analyze.attribution_tagger`` in defaults.toml. The texts are PolNeAR dev
articles (``../shared/benchdata/polnear/dev``), political news of ordinary length.

    .venv/bin/python bench/analyze_speed.py [--limit N] [--repeat N]

Everything runs in one thread (spaCy's small model in the calling thread, numpy's BLAS and
onnxruntime limited to one thread), so the time counted is the process's CPU time: a one-core
figure that other load on a shared machine disturbs far less than wall time. ``--wall`` counts
wall time instead (then run it with ``taskset -c 0`` on an idle machine). Each system runs
``--repeat`` times, alternating, and the best time counts. Writes
``bench/results/analyze_speed.json``; exits 1 when the ratio exceeds the pinned ceiling.
"""

from __future__ import annotations

import os

# One BLAS thread, set before numpy loads: the benchmark is per core.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from newsprism.analyze import analyze, load_analyze_rules
from newsprism.analyze.attribution_encoder import load_encoder_tagger
from newsprism.analyze.nlp import load_model
from newsprism.config import load_settings
from newsprism.model import Article, Source, SourceKind, Span
from polnear import load_split

RESULTS = Path(__file__).resolve().parent / "results" / "analyze_speed.json"
ENCODER, PERCEPTRON = "analyze, encoder tagger", "analyze, perceptron (--fast)"
# Issue 14's targets: the analysis with the encoder tagger within 2.0x the time of bare
# nlp.pipe, the --fast one (perceptron) within 1.5x. The pinned ceiling guards the default
# analysis against regressions from what was measured when its model was packaged.
TARGETS = {ENCODER: 2.0, PERCEPTRON: 1.5}
CEILING = 2.2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="first N dev articles only")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each system; best counts")
    parser.add_argument("--wall", action="store_true", help="count wall time, not CPU time")
    parser.add_argument("--encoder", type=Path, default=None, help="encoder folder (packaged)")
    parser.add_argument("--meta", default="meta.json", help="the encoder folder's meta file")
    args = parser.parse_args(argv)

    loaded = load_model()
    settings = load_settings().analyze
    rules = load_analyze_rules(
        attribution_model=load_encoder_tagger(args.encoder, meta_file=args.meta)
    )
    articles = [_article(item.name, item.text) for item in load_split("dev", limit=args.limit)]
    texts = [article.body for article in articles]
    words = sum(len(text.split()) for text in texts)

    def bare() -> None:
        for _doc in loaded.nlp.pipe(texts, batch_size=settings.batch_size):
            pass

    def full() -> None:
        for _result in analyze(articles, model=loaded, settings=settings, rules=rules):
            pass

    fast_rules = load_analyze_rules(tagger="perceptron")
    plain = load_analyze_rules(rules_only=True)

    def fast() -> None:
        for _result in analyze(articles, model=loaded, settings=settings, rules=fast_rules):
            pass

    def rules_only() -> None:
        for _result in analyze(articles, model=loaded, settings=settings, rules=plain):
            pass

    systems = {
        "spacy nlp.pipe": bare,
        ENCODER: full,
        PERCEPTRON: fast,
        "newsprism, rules only": rules_only,
    }
    best = {name: float("inf") for name in systems}
    for _ in range(args.repeat):
        for name, run in systems.items():
            clock = time.perf_counter if args.wall else time.process_time
            started = clock()
            run()
            best[name] = min(best[name], clock() - started)
    base = best["spacy nlp.pipe"]
    rows = [
        {
            "system": name,
            "seconds": round(seconds, 2),
            "articles_per_second": round(len(texts) / seconds, 2),
            "ratio_to_spacy": round(seconds / base, 3),
        }
        for name, seconds in best.items()
    ]
    print(
        f"PolNeAR dev: {len(texts)} articles, {words} words; best of {args.repeat} runs,"
        f" {'wall' if args.wall else 'CPU'} seconds"
    )
    print(f"{'system':26} {'seconds':>8} {'articles/s':>11} {'x spaCy':>8}")
    for row in rows:
        print(
            f"{row['system']:26} {row['seconds']:8.2f} {row['articles_per_second']:11.2f}"
            f" {row['ratio_to_spacy']:8.3f}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "articles": len(texts),
                "words": words,
                "model": loaded.label,
                "attribution_model": rules.attribution_model.label
                if rules.attribution_model
                else "",
                "rows": rows,
                "clock": "wall" if args.wall else "cpu",
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    for name, target in TARGETS.items():
        verdict = "meets" if best[name] / base <= target else "misses"
        print(f"{name}: {best[name] / base:.2f}x spaCy, {verdict} the target {target}x")
    default = ENCODER if load_settings().analyze.attribution_tagger == "encoder" else PERCEPTRON
    ratio = best[default] / base
    if args.limit is None and ratio > CEILING:
        print(f"FAIL: {default} takes {ratio:.2f}x bare spaCy, above the ceiling {CEILING}x")
        return 1
    return 0


def _article(name: str, text: str) -> Article:
    paragraphs, offset = [], 0
    for line in text.split("\n"):
        if line.strip():
            paragraphs.append(Span(offset, offset + len(line), line))
        offset += len(line) + 1
    return Article(
        id=name,
        source=Source(kind=SourceKind.FILE, location=name),
        body=text,
        paragraphs=tuple(paragraphs),
        published=_day(name),
    )


def _day(name: str) -> dt.date | None:
    """PolNeAR names start with the outlet and the publication day: ``nyt_2016-05-02_...``."""
    try:
        return dt.date.fromisoformat(name.split("_")[1])
    except (IndexError, ValueError):
        return None


if __name__ == "__main__":
    sys.exit(main())
